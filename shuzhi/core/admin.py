"""Django's admin is read-only for every model, users and groups included: every change goes through
the Chinese UI, the importer or the API, whose services keep the rules and write the audit log. No
one, not even a superuser, gets add, change or delete in the admin (shuzhi/core/tests/test_admin_read_only.py
checks every registered model)."""

from django.contrib import admin
from django.contrib.auth.admin import GroupAdmin
from django.contrib.auth.models import Group


class ReadOnlyAdmin(admin.ModelAdmin):
    """Browse and search only. Put it first among the bases (class X(ReadOnlyAdmin, UserAdmin))."""

    def has_add_permission(self, request, obj=None):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False


class ReadOnlyGroupAdmin(ReadOnlyAdmin, GroupAdmin):
    pass


if admin.site.is_registered(Group):
    admin.site.unregister(Group)
admin.site.register(Group, ReadOnlyGroupAdmin)
