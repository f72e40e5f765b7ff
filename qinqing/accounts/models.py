"""User accounts: every user has exactly one role and, where the role needs it, the unit, official or
firm the account belongs to."""

from __future__ import annotations

from django.contrib.auth.models import AbstractUser
from django.core.exceptions import ValidationError
from django.db import models
from django.utils.translation import gettext_lazy as _

from qinqing.accounts.roles import Capability, Role, role_has


class User(AbstractUser):
    role = models.CharField(_("role"), max_length=32, choices=Role.choices)
    display_name = models.CharField(_("display name"), max_length=100, blank=True)
    official = models.ForeignKey(
        "registry.Official", models.SET_NULL, null=True, blank=True, db_column="official_id", related_name="+"
    )
    department = models.ForeignKey(
        "registry.Department", models.SET_NULL, null=True, blank=True, db_column="department_code", related_name="+"
    )
    enterprise = models.ForeignKey(
        "registry.Enterprise", models.SET_NULL, null=True, blank=True, db_column="enterprise_uscc", related_name="+"
    )

    REQUIRED_FIELDS = ["role"]

    def clean(self) -> None:
        super().clean()
        if self.role == Role.ENTERPRISE_USER and not self.enterprise_id:
            raise ValidationError({"enterprise": _("An enterprise user belongs to an enterprise.")})
        if self.role == Role.DEPT_OFFICER and not self.department_id:
            raise ValidationError({"department": _("A department officer belongs to a department.")})

    def can(self, capability: Capability) -> bool:
        return self.is_active and role_has(self.role, capability)

    def __str__(self) -> str:
        return self.display_name or self.username
