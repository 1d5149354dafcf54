from django.apps import AppConfig


class AttachmentsConfig(AppConfig):
    name = "shuzhi.attachments"
    label = "attachments"
