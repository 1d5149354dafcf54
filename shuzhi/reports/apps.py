from django.apps import AppConfig


class ReportsConfig(AppConfig):
    name = "shuzhi.reports"
    label = "reports"

    def ready(self) -> None:
        from shuzhi.core import worklist
        from shuzhi.reports import work

        worklist.register("reports.to_vet", work.reports_to_vet)
        worklist.register("reports.mine", work.my_report)
