"""Template filters for alert pages: rule titles in the active language, status colours, shares."""

from __future__ import annotations

from django import template

from qinqing.risk import display

register = template.Library()

STATUS_BADGES = {"new": "text-bg-primary", "verifying": "text-bg-warning", "confirmed": "text-bg-danger",
                 "dismissed": "text-bg-secondary"}


@register.filter
def rule_title(code: str) -> str:
    """`{{ alert.rule|rule_title }}` → 亲属持股或任职企业获本单位审批、中标、付款 (or the English title)."""
    return display.rule_title(code)


@register.filter
def status_badge(status: str) -> str:
    return STATUS_BADGES.get(status, "text-bg-light")


@register.filter
def severity(code: str) -> str:
    return display.severity_label(code)


@register.filter
def share(ratio: float | None) -> str:
    """0.75 → "75%"; no decisions yet → "—"."""
    return "—" if ratio is None else f"{ratio * 100:.0f}%"
