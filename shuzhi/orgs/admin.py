"""Django's admin shows the tree read-only: every change goes through the Chinese UI, the importer or
the API, which all call shuzhi.orgs.services and so keep the tree rules and the audit log."""

from django.contrib import admin

from shuzhi.core.admin import ReadOnlyAdmin
from shuzhi.orgs.models import Organization, Person, Position


@admin.register(Organization)
class OrganizationAdmin(ReadOnlyAdmin):
    list_display = ["name", "kind", "parent", "is_active"]
    list_filter = ["kind", "is_active"]
    search_fields = ["name"]


@admin.register(Person)
class PersonAdmin(ReadOnlyAdmin):
    list_display = ["name", "staff_no", "is_active"]
    search_fields = ["name", "staff_no"]


@admin.register(Position)
class PositionAdmin(ReadOnlyAdmin):
    list_display = ["organization", "role", "person", "start_date", "end_date"]
    list_filter = ["role"]
