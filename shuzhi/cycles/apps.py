from django.apps import AppConfig


class CyclesConfig(AppConfig):
    name = "shuzhi.cycles"
    label = "cycles"

    def ready(self) -> None:
        from shuzhi.cycles import signals  # noqa: F401 - connects the secretary-change receiver
