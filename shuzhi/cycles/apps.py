from django.apps import AppConfig


class CyclesConfig(AppConfig):
    name = "shuzhi.cycles"
    label = "cycles"

    def ready(self) -> None:
        from shuzhi.core import worklist
        from shuzhi.cycles import work

        worklist.register("cycles.preparation", work.my_preparation)
        worklist.register("cycles.stragglers", work.stragglers)
