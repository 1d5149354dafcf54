from django.apps import AppConfig


class VotingConfig(AppConfig):
    name = "shuzhi.voting"
    label = "voting"

    def ready(self) -> None:
        from shuzhi.core import worklist
        from shuzhi.voting import work

        worklist.register("voting.to_prepare", work.votes_to_prepare)
        worklist.register("voting.my_results", work.my_results)
