"""The supervision half (清): disciplinary cases and the bribers' blacklist."""

from __future__ import annotations

from django.db import models

from qinqing.contract import schema
from qinqing.core.fields import money
from qinqing.core.keyed import NaturalKeyModel
from qinqing.registry.models import Enterprise, Official, choices


class Case(models.Model):
    """A closed or open disciplinary case 案件."""

    case_id = models.CharField(max_length=64, primary_key=True)
    subject = models.ForeignKey(Official, models.PROTECT, db_column="subject_official_id", related_name="cases")
    opened_at = models.DateTimeField()
    domain = models.CharField(max_length=16, choices=choices(schema.CASE_DOMAINS))
    gov_business_related = models.BooleanField(null=True, blank=True)
    misconduct_start_year = models.IntegerField(null=True, blank=True)
    bribe_amount = money()
    party_sanction = models.CharField(max_length=200, null=True, blank=True)
    public_sanction = models.CharField(max_length=200, null=True, blank=True)
    sentence_months = models.IntegerField(null=True, blank=True)
    fine = money()
    recovered = money()
    briber_usccs = models.TextField(null=True, blank=True, help_text="`;`-separated USCCs")

    def __str__(self) -> str:
        return self.case_id


class BlacklistEntry(NaturalKeyModel):
    """A firm barred for bribery 行贿黑名单, from tenders and subsidies, for a period."""

    contract_table = "blacklist"
    enterprise = models.ForeignKey(Enterprise, models.PROTECT, db_column="uscc", related_name="blacklist_entries")
    reason = models.TextField()
    case = models.ForeignKey(Case, models.PROTECT, null=True, blank=True, db_column="case_id")
    start_date = models.DateField()
    end_date = models.DateField(null=True, blank=True)

    def __str__(self) -> str:
        return f"{self.enterprise_id} {self.start_date}–{self.end_date or ''}"
