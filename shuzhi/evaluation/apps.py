from django.apps import AppConfig


class EvaluationConfig(AppConfig):
    name = "shuzhi.evaluation"
    label = "evaluation"

    def ready(self) -> None:
        from shuzhi.core import worklist
        from shuzhi.evaluation import work

        worklist.register("evaluation.groups_to_grade", work.groups_to_grade)
        worklist.register("evaluation.ungraded_groups", work.ungraded_groups)
