from django.apps import AppConfig


class ReportsConfig(AppConfig):
    name = "shuzhi.reports"
    label = "reports"
