from django.contrib import admin

from shuzhi.audit.models import AuditEvent
from shuzhi.core.admin import ReadOnlyAdmin


@admin.register(AuditEvent)
class AuditEventAdmin(ReadOnlyAdmin):
    list_display = ["at", "actor_name", "verb", "action", "object_type", "object_repr"]
    list_filter = ["verb", "action", "object_type"]
