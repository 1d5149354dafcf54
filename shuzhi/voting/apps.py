from django.apps import AppConfig


class VotingConfig(AppConfig):
    name = "shuzhi.voting"
    label = "voting"
