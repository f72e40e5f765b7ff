"""Template filters for registry pages: code labels, share percentages, ID numbers as the role may see them."""

from __future__ import annotations

from decimal import Decimal

from django import template

from qinqing.accounts import scoping
from qinqing.registry import forms, selectors
from qinqing.registry.pagination import Count

register = template.Library()


@register.filter
def label(value: str | None, kind: str) -> str:
    """`{{ official.rank|label:"rank" }}` → 县处级."""
    return forms.label(kind, value)


@register.filter
def percent(ratio: Decimal | None) -> str:
    return selectors.percent(ratio)


@register.filter
def personal_id(id_number: str | None, user) -> str:
    """`{{ relative.id_number|personal_id:user }}`: the full number for roles that read declarations,
    the public-registry mask (5303**********1232) for the others; the same rule as the API."""
    return scoping.personal_id(user, id_number) or ""


@register.filter
def count_display(count: Count | None) -> str:
    """A capped or estimated count as people read it: "1,000+", "≈ 2,031,442", "12"."""
    if count is None:
        return ""
    text = f"{count.value:,}"
    if count.capped:
        return text + "+"
    if count.estimated:
        return "≈ " + text
    return text


@register.filter
def yuan(amount: Decimal | None) -> str:
    """Money as "¥30,000,000.00"; the same digits in every language."""
    if amount is None:
        return "—"
    return f"¥{amount:,.2f}"
