"""The registry: units, officials and their declarations, firms and who owns or runs them.

Primary keys are the contract's natural keys (department code, official id, USCC), so bulk imports
write references as they come, with no id lookups.
"""

from __future__ import annotations

from django.db import models
from django.utils.translation import gettext_lazy as _

from qinqing.contract import schema
from qinqing.core.fields import money, ratio
from qinqing.core.keyed import NaturalKeyModel


def choices(values: tuple[str, ...]) -> list[tuple[str, str]]:
    return [(v, v) for v in values]


class Department(models.Model):
    """An organ or unit 机关/单位."""

    code = models.CharField(_("code"), max_length=64, primary_key=True)
    name = models.CharField(_("name"), max_length=200)
    parent = models.ForeignKey(
        "self", models.PROTECT, null=True, blank=True, db_column="parent_code", related_name="children"
    )
    level = models.CharField(_("level"), max_length=16, choices=choices(schema.DEPARTMENT_LEVELS))
    region_code = models.CharField(_("region"), max_length=6, null=True, blank=True, db_index=True)
    sector = models.CharField(_("sector"), max_length=32, db_index=True)

    class Meta:
        ordering = ["code"]
        verbose_name = _("department")

    def __str__(self) -> str:
        return self.name


class Official(models.Model):
    """A public official 公职人员."""

    official_id = models.CharField(_("official id"), max_length=64, primary_key=True)
    name = models.CharField(_("name"), max_length=100, db_index=True)
    id_number = models.CharField(_("ID number"), max_length=18, null=True, blank=True, db_index=True)
    gender = models.CharField(_("gender"), max_length=1, null=True, blank=True, choices=choices(schema.GENDERS))
    birth_date = models.DateField(_("birth date"), null=True, blank=True)
    rank = models.CharField(_("rank"), max_length=16, choices=choices(schema.RANKS))
    party_member = models.BooleanField(_("party member"), null=True, blank=True)

    class Meta:
        ordering = ["official_id"]
        verbose_name = _("official")

    def __str__(self) -> str:
        return f"{self.name} ({self.official_id})"


class Post(NaturalKeyModel):
    """An appointment 任职; `end_date` empty means current."""

    contract_table = "posts"
    official = models.ForeignKey(Official, models.CASCADE, db_column="official_id", related_name="posts")
    department = models.ForeignKey(Department, models.PROTECT, db_column="department_code", related_name="posts")
    title = models.CharField(_("title"), max_length=200)
    is_top_leader = models.BooleanField(_("top leader 一把手"), default=False)
    start_date = models.DateField(_("start date"))
    end_date = models.DateField(_("end date"), null=True, blank=True)
    duties = models.TextField(_("duties"), null=True, blank=True, help_text="`;`-separated powers")

    class Meta:
        ordering = ["-start_date"]
        indexes = [models.Index(fields=["department", "end_date"])]

    def __str__(self) -> str:
        return f"{self.official_id} {self.title} @ {self.department_id}"

    @property
    def duty_list(self) -> list[str]:
        return [d for d in (self.duties or "").split(";") if d]


class Relative(NaturalKeyModel):
    """A declared family member (个人有关事项报告)."""

    contract_table = "relatives"
    official = models.ForeignKey(Official, models.CASCADE, db_column="official_id", related_name="relatives")
    name = models.CharField(_("name"), max_length=100, db_index=True)
    relation = models.CharField(_("relation"), max_length=16, choices=choices(schema.RELATIONS))
    id_number = models.CharField(_("ID number"), max_length=18, null=True, blank=True, db_index=True)
    birth_date = models.DateField(_("birth date"), null=True, blank=True)

    def __str__(self) -> str:
        return f"{self.official_id}: {self.relation}"


class Enterprise(models.Model):
    """A registered market entity 市场主体."""

    uscc = models.CharField(_("USCC"), max_length=18, primary_key=True)
    name = models.CharField(_("name"), max_length=200, db_index=True)
    legal_rep_name = models.CharField(_("legal representative"), max_length=100, null=True, blank=True)
    legal_rep_id = models.CharField(max_length=18, null=True, blank=True)
    industry = models.CharField(_("industry"), max_length=8, null=True, blank=True)
    region_code = models.CharField(_("region"), max_length=6, null=True, blank=True)
    registered_capital = money(verbose_name=_("registered capital"))
    established_date = models.DateField(_("established"), null=True, blank=True)
    status = models.CharField(
        _("status"), max_length=16, null=True, blank=True, choices=choices(schema.ENTERPRISE_STATUSES)
    )

    class Meta:
        ordering = ["uscc"]
        verbose_name = _("enterprise")
        # Filter lists page in key order: (filter column, uscc) serves both the filter and the order.
        indexes = [models.Index(fields=["region_code", "uscc"]), models.Index(fields=["industry", "uscc"])]

    def __str__(self) -> str:
        return self.name


class Holding(NaturalKeyModel):
    """A shareholding 股权: a person or a firm holds a share of `enterprise`."""

    contract_table = "holdings"
    enterprise = models.ForeignKey(
        Enterprise, models.CASCADE, db_column="enterprise_uscc", related_name="holdings"
    )
    holder_type = models.CharField(max_length=16, choices=choices(schema.HOLDER_TYPES))
    holder_name = models.CharField(max_length=200, db_index=True)
    holder_id = models.CharField(max_length=18, null=True, blank=True, db_index=True)
    share_ratio = ratio()
    start_date = models.DateField(null=True, blank=True)
    end_date = models.DateField(null=True, blank=True)

    def __str__(self) -> str:
        return f"{self.holder_name} → {self.enterprise_id} ({self.share_ratio})"


class EnterpriseRole(NaturalKeyModel):
    """A person's role in an enterprise (legal rep, director, project manager, contact ...)."""

    contract_table = "roles"
    enterprise = models.ForeignKey(Enterprise, models.CASCADE, db_column="enterprise_uscc", related_name="roles")
    person_name = models.CharField(max_length=100, db_index=True)
    person_id = models.CharField(max_length=18, null=True, blank=True, db_index=True)
    role = models.CharField(max_length=16, choices=choices(schema.ENTERPRISE_ROLES))
    phone = models.CharField(max_length=20, null=True, blank=True)
    start_date = models.DateField(null=True, blank=True)
    end_date = models.DateField(null=True, blank=True)

    def __str__(self) -> str:
        return f"{self.person_name} {self.role} @ {self.enterprise_id}"


class Transaction(NaturalKeyModel):
    """A money flow between parties (loan, payment, transfer, subcontract); parties by USCC or ID number."""

    contract_table = "transactions"
    payer_id = models.CharField(max_length=18, db_index=True)
    payee_id = models.CharField(max_length=18, db_index=True)
    amount = money()
    date = models.DateField()
    kind = models.CharField(max_length=16, choices=choices(schema.TRANSACTION_KINDS))

    def __str__(self) -> str:
        return f"{self.payer_id} → {self.payee_id} {self.amount} {self.kind} {self.date}"


class Asset(NaturalKeyModel):
    """A declared asset of an official's household."""

    contract_table = "assets"
    official = models.ForeignKey(Official, models.CASCADE, db_column="official_id", related_name="assets")
    owner_name = models.CharField(max_length=100)
    kind = models.CharField(max_length=16, choices=choices(schema.ASSET_KINDS))
    value = money()
    acquired_date = models.DateField(null=True, blank=True)
    location = models.CharField(max_length=200, null=True, blank=True)

    def __str__(self) -> str:
        return f"{self.official_id} {self.kind} {self.value}"


class Income(NaturalKeyModel):
    """A household's declared yearly income."""

    contract_table = "incomes"
    official = models.ForeignKey(Official, models.CASCADE, db_column="official_id", related_name="incomes")
    year = models.IntegerField()
    income = money()

    def __str__(self) -> str:
        return f"{self.official_id} {self.year}"
