"""Users in Django's admin: to look at only. Accounts, roles and passwords change through the Chinese UI
(shuzhi.accounts and shuzhi.orgs services), which check who may do it and write the audit log."""

from django.contrib import admin
from django.contrib.auth.admin import UserAdmin

from shuzhi.accounts.models import User
from shuzhi.core.admin import ReadOnlyAdmin


@admin.register(User)
class ShuzhiUserAdmin(ReadOnlyAdmin, UserAdmin):
    list_display = ["username", "is_active", "is_superuser", "must_change_password"]
