from django.contrib import admin
from django.contrib.auth.admin import UserAdmin

from shuzhi.accounts.models import User


@admin.register(User)
class ShuzhiUserAdmin(UserAdmin):
    list_display = ["username", "is_active", "is_superuser", "must_change_password"]
