from django.apps import AppConfig


class AuditConfig(AppConfig):
    name = "shuzhi.audit"
    label = "audit"

    def ready(self) -> None:
        from shuzhi.audit import dbguard

        dbguard.install()
