"""Template filters for tender pages: method and sector labels, percentages of budgets and winning bids."""

from __future__ import annotations

from decimal import Decimal

from django import template

from qinqing.procurement import forms

register = template.Library()


@register.filter
def method(code: str | None) -> str:
    """`{{ tender.method|method }}` → 公开招标."""
    return forms.method_label(code)


@register.filter
def sector(code: str | None) -> str:
    return forms.sector_label(code)


@register.filter
def pct(value: Decimal | None) -> str:
    """A percentage already ×100, one decimal: 96.5%; none → —."""
    return "—" if value is None else f"{value:.1f}%"


@register.filter
def signed_pct(value: Decimal | None) -> str:
    """A difference in percent with its sign: +3.2%, −1.0%, 0.0%."""
    if value is None:
        return "—"
    return f"{value:+.1f}%".replace("-", "−")


@register.filter
def ratio(value: float | None) -> str:
    """A ratio 0–1 as a percentage, one decimal: 0.125 → 12.5%."""
    return "—" if value is None else f"{value * 100:.1f}%"


@register.filter
def flag_count(counts: dict | None, key: str) -> int:
    return (counts or {}).get(key, 0)
