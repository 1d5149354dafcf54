from django.apps import AppConfig


class AccountsConfig(AppConfig):
    name = "shuzhi.accounts"
    label = "accounts"
