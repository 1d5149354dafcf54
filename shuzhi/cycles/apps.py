from django.apps import AppConfig


class CyclesConfig(AppConfig):
    name = "shuzhi.cycles"
    label = "cycles"
