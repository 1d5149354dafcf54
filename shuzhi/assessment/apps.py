from django.apps import AppConfig


class AssessmentConfig(AppConfig):
    """Daily assessment (日常考核, seed 五（二）): the cycle's indicators, inspectors and on-site checks."""

    name = "shuzhi.assessment"
    label = "assessment"

    def ready(self) -> None:
        from shuzhi.assessment import work
        from shuzhi.core import worklist

        worklist.register("assessment.drafts", work.my_draft_checks)
        worklist.register("assessment.checks", work.daily_assessment)
