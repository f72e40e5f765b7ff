"""Account administration: users with their role and what they are attached to."""

from __future__ import annotations

from django.contrib import admin
from django.contrib.auth.admin import UserAdmin as BaseUserAdmin
from django.utils.translation import gettext_lazy as _

from qinqing.accounts.models import User


@admin.register(User)
class UserAdmin(BaseUserAdmin):
    list_display = ("username", "display_name", "role", "department", "enterprise", "is_active", "last_login")
    list_filter = ("role", "is_active", "is_staff")
    search_fields = ("username", "display_name")
    raw_id_fields = ("official", "department", "enterprise")  # millions of rows: no select boxes
    fieldsets = (
        *BaseUserAdmin.fieldsets,
        (_("Role"), {"fields": ("role", "display_name", "official", "department", "enterprise")}),
    )
    add_fieldsets = (
        *BaseUserAdmin.add_fieldsets,
        (_("Role"), {"fields": ("role", "display_name", "official", "department", "enterprise")}),
    )
