from django.apps import AppConfig


class MeetingsConfig(AppConfig):
    name = "shuzhi.meetings"
    label = "meetings"
