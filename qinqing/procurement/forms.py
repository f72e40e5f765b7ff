"""Filter forms of the tender pages, and the display labels of tender codes (招标方式)."""

from __future__ import annotations

from django import forms
from django.utils.translation import gettext_lazy as _

from qinqing.contract import schema
from qinqing.core.identifiers import USCC_RE
from qinqing.registry.forms import label as registry_label

METHODS = {
    "open": _("Open tender"),  # 公开招标
    "invited": _("Invited tender"),  # 邀请招标
    "competitive": _("Competitive negotiation"),  # 竞争性谈判/磋商
    "single_source": _("Single source"),  # 单一来源
    "inquiry": _("Request for quotations"),  # 询价
}
TOP_CHOICES = (10, 20, 50)  # co-bidders drawn in the network


def method_label(code: str | None) -> str:
    return "" if code is None else str(METHODS.get(code, code))


def sector_label(code: str | None) -> str:
    # Tender sectors are the contract's department sectors plus any lowercase word (`construction`).
    return registry_label("sector", code)


class TenderFilter(forms.Form):
    q = forms.CharField(label=_("Title or tender id"), required=False, max_length=64)
    buyer = forms.CharField(label=_("Buyer code"), required=False, max_length=64)
    bidder = forms.RegexField(label=_("Bidder USCC"), required=False, regex=USCC_RE, max_length=18)
    sector = forms.ChoiceField(label=_("Sector"), required=False)
    method = forms.ChoiceField(label=_("Method"), required=False,
                               choices=[("", _("Any")), *((m, METHODS[m]) for m in schema.TENDER_METHODS)])
    year = forms.IntegerField(label=_("Year"), required=False, min_value=1990, max_value=2100)
    flagged = forms.BooleanField(label=_("Flagged only"), required=False)

    def __init__(self, *args, sectors: list[str], may_see_alerts: bool, **kwargs) -> None:
        super().__init__(*args, **kwargs)
        self.fields["sector"].choices = [("", _("Any")), *((s, sector_label(s)) for s in sectors)]
        if not may_see_alerts:
            del self.fields["flagged"]  # flags are alerts: only for those who may read them


class CoBidderTop(forms.Form):
    top = forms.TypedChoiceField(required=False, coerce=int, choices=[(n, n) for n in TOP_CHOICES])
