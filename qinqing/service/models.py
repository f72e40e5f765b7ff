"""The service half (亲): service items, enterprise matters, appeals, liaison, policies and contacts."""

from __future__ import annotations

from django.db import models
from django.utils.translation import gettext_lazy as _

from qinqing.contract import schema
from qinqing.core.fields import money
from qinqing.core.keyed import NaturalKeyModel
from qinqing.registry.models import Department, Enterprise, Official, choices


class ListItem(models.Model):
    """One item of the interaction positive/negative list 正面清单/负面清单."""

    code = models.CharField(max_length=64, primary_key=True)
    list = models.CharField(max_length=16, choices=choices(schema.LIST_KINDS))
    title = models.CharField(max_length=200)
    description = models.TextField(null=True, blank=True)

    def __str__(self) -> str:
        return f"{self.code} {self.title}"


class ServiceItem(models.Model):
    """A government service or approval item 事项 with its statutory time limit in working days."""

    item_code = models.CharField(max_length=64, primary_key=True)
    name = models.CharField(max_length=200)
    department = models.ForeignKey(Department, models.PROTECT, db_column="department_code", related_name="items")
    time_limit_days = models.IntegerField(_("time limit (working days)"))
    steps = models.TextField(null=True, blank=True, help_text="`|`-separated")
    materials = models.TextField(null=True, blank=True, help_text="`|`-separated")

    def __str__(self) -> str:
        return f"{self.item_code} {self.name}"


class Application(models.Model):
    """One enterprise matter 涉企事项: approval, permit, audit or payment."""

    application_id = models.CharField(max_length=64, primary_key=True)
    item = models.ForeignKey(ServiceItem, models.PROTECT, db_column="item_code", related_name="applications")
    enterprise = models.ForeignKey(
        Enterprise, models.PROTECT, db_column="enterprise_uscc", related_name="applications"
    )
    handler = models.ForeignKey(
        Official, models.PROTECT, null=True, blank=True, db_column="handler_official_id",
        related_name="handled_applications",
    )
    submitted_at = models.DateTimeField()
    accepted_at = models.DateTimeField(null=True, blank=True)
    completed_at = models.DateTimeField(null=True, blank=True)
    status = models.CharField(max_length=16, choices=choices(schema.APPLICATION_STATUSES), db_index=True)
    returns = models.IntegerField(null=True, blank=True)
    amount = money()
    urgent = models.BooleanField(null=True, blank=True)
    urgent_reason = models.TextField(null=True, blank=True)

    def __str__(self) -> str:
        return self.application_id


class Interaction(NaturalKeyModel):
    """A contact between an official and an enterprise 政商交往."""

    contract_table = "interactions"
    official = models.ForeignKey(Official, models.PROTECT, db_column="official_id", related_name="interactions")
    enterprise = models.ForeignKey(
        Enterprise, models.PROTECT, db_column="enterprise_uscc", related_name="interactions"
    )
    date = models.DateField()
    kind = models.CharField(max_length=64)
    description = models.TextField(null=True, blank=True)
    value = money()

    def __str__(self) -> str:
        return f"{self.official_id} ↔ {self.enterprise_id} {self.kind} {self.date}"


class Liaison(NaturalKeyModel):
    """A leader assigned to help an enterprise 包保帮扶."""

    contract_table = "liaisons"
    enterprise = models.ForeignKey(Enterprise, models.PROTECT, db_column="enterprise_uscc", related_name="liaisons")
    official = models.ForeignKey(Official, models.PROTECT, db_column="official_id", related_name="liaisons")
    role = models.CharField(max_length=16, choices=choices(schema.LIAISON_ROLES))
    start_date = models.DateField()
    end_date = models.DateField(null=True, blank=True)

    def __str__(self) -> str:
        return f"{self.official_id} {self.role} → {self.enterprise_id}"


class Policy(models.Model):
    """A support policy for firms 惠企政策 and who qualifies."""

    policy_code = models.CharField(max_length=64, primary_key=True)
    title = models.CharField(max_length=300)
    department = models.ForeignKey(Department, models.PROTECT, db_column="department_code", related_name="policies")
    benefit = models.TextField(null=True, blank=True)
    industries = models.TextField(null=True, blank=True)
    regions = models.TextField(null=True, blank=True)
    min_capital = money()
    max_capital = money()
    min_age_years = models.IntegerField(null=True, blank=True)
    max_age_years = models.IntegerField(null=True, blank=True)
    start_date = models.DateField()
    end_date = models.DateField(null=True, blank=True)

    def __str__(self) -> str:
        return f"{self.policy_code} {self.title}"


class Appeal(models.Model):
    """An enterprise's request for help 诉求."""

    appeal_id = models.CharField(max_length=64, primary_key=True)
    enterprise = models.ForeignKey(Enterprise, models.PROTECT, db_column="enterprise_uscc", related_name="appeals")
    submitted_at = models.DateTimeField()
    category = models.CharField(max_length=64)
    description = models.TextField(null=True, blank=True)
    urgency = models.CharField(max_length=16, null=True, blank=True, choices=choices(schema.URGENCIES))
    loss_per_day = money()
    assigned_official = models.ForeignKey(
        Official, models.PROTECT, null=True, blank=True, db_column="assigned_official_id", related_name="appeals"
    )
    resolved_at = models.DateTimeField(null=True, blank=True)
    satisfaction = models.IntegerField(null=True, blank=True)

    def __str__(self) -> str:
        return self.appeal_id
