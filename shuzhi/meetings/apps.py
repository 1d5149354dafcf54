from django.apps import AppConfig


class MeetingsConfig(AppConfig):
    name = "shuzhi.meetings"
    label = "meetings"

    def ready(self) -> None:
        from shuzhi.core import worklist
        from shuzhi.meetings import work

        worklist.register("meetings.without_agenda", work.meetings_without_agenda)
        worklist.register("meetings.presenting", work.my_presentation)
