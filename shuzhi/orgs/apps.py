from django.apps import AppConfig


class OrgsConfig(AppConfig):
    name = "shuzhi.orgs"
    label = "orgs"
