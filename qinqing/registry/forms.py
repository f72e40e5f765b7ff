"""Filter forms of the registry pages, and the display labels of the contract's code values.

The contract stores codes (`county`, `sibling`, `legal_rep`); people read 县处级, 兄弟姐妹, 法定代表人.
"""

from __future__ import annotations

from django import forms
from django.utils.translation import gettext_lazy as _

from qinqing.contract import schema

LABELS: dict[str, dict[str, str]] = {
    "rank": {
        "bureau": _("Bureau level"),
        "county": _("County level"),
        "section": _("Section level"),
        "staff": _("Staff"),
    },
    "level": {
        "city": _("City"),
        "county": _("County"),
        "bureau": _("Bureau"),
        "section": _("Section"),
        "unit": _("Unit"),
    },
    "sector": {
        "police": _("Police"),
        "audit": _("Audit"),
        "natural_resources": _("Natural resources"),
        "health": _("Health"),
        "transport": _("Transport"),
        "finance": _("Finance"),
        "soe": _("State-owned enterprises"),
        "justice": _("Justice"),
        "development": _("Development and reform"),
        "other": _("Other"),
    },
    "status": {
        "active": _("Active"),
        "revoked": _("Licence revoked"),
        "cancelled": _("Deregistered"),
    },
    "relation": {
        "self": _("The official"),
        "spouse": _("Spouse"),
        "child": _("Child"),
        "parent": _("Parent"),
        "sibling": _("Sibling"),
        "child_spouse": _("Child's spouse"),
        "sibling_spouse": _("Sibling's spouse"),
        "parent_in_law": _("Parent-in-law"),
        "other": _("Other relative"),
    },
    "role": {
        "holding": _("Shareholder"),
        "legal_rep": _("Legal representative"),
        "director": _("Director"),
        "supervisor": _("Supervisor"),
        "manager": _("Manager"),
        "project_manager": _("Project manager"),
        "contact": _("Contact person"),
    },
    "holder_type": {
        "person": _("Person"),
        "enterprise": _("Enterprise"),
    },
}


def label(kind: str, value: str | None) -> str:
    """The display label of a code; an unknown code (a sector the contract allows freely) shows as is."""
    if value is None:
        return ""
    return str(LABELS.get(kind, {}).get(value, value))


def _choices(kind: str, values: tuple[str, ...]) -> list[tuple[str, str]]:
    return [("", _("Any")), *((v, LABELS[kind].get(v, v)) for v in values)]


class OfficialFilter(forms.Form):
    q = forms.CharField(label=_("Name, official id or ID number"), required=False, max_length=64)
    department = forms.CharField(label=_("Department code"), required=False, max_length=64)
    rank = forms.ChoiceField(label=_("Rank"), required=False, choices=_choices("rank", schema.RANKS))
    top_leader = forms.BooleanField(label=_("Top leaders only"), required=False)


class DepartmentFilter(forms.Form):
    q = forms.CharField(label=_("Name or code"), required=False, max_length=64)
    sector = forms.ChoiceField(label=_("Sector"), required=False, choices=_choices("sector", schema.SECTORS))
    level = forms.ChoiceField(label=_("Level"), required=False,
                              choices=_choices("level", schema.DEPARTMENT_LEVELS))
    region = forms.RegexField(label=_("Region code"), required=False, regex=r"^\d{2,6}$", max_length=6)

    def is_filtering(self) -> bool:
        return self.is_valid() and any(self.cleaned_data.values())


class EnterpriseFilter(forms.Form):
    q = forms.CharField(label=_("Name or USCC"), required=False, max_length=64)
    contains = forms.BooleanField(label=_("Anywhere in the name (slower)"), required=False)
    industry = forms.RegexField(label=_("Industry code"), required=False, regex=r"^[A-Ta-t]\d{0,4}$",
                                max_length=5)
    region = forms.RegexField(label=_("Region code"), required=False, regex=r"^\d{2,6}$", max_length=6)
    status = forms.ChoiceField(label=_("Status"), required=False,
                               choices=_choices("status", schema.ENTERPRISE_STATUSES))


class GraphDepth(forms.Form):
    up = forms.IntegerField(required=False, min_value=0, max_value=6)
    down = forms.IntegerField(required=False, min_value=0, max_value=6)
