"""Reads of the alert queue 预警线索: filters, the page order, the choices a filter offers, and each rule's
precision from analysts' decisions.

Every function takes a queryset already scoped by `accounts.scoping.visible`, so the web queue, the
detail page and the API see the same alerts.
"""

from __future__ import annotations

from dataclasses import dataclass

from django.db.models import Count, ExpressionWrapper, F, FloatField, QuerySet

from qinqing.accounts import scoping
from qinqing.registry.models import Department
from qinqing.registry.selectors import prefix, region_prefix
from qinqing.risk import catalog
from qinqing.risk.display import rule_title
from qinqing.risk.models import Alert, Decision


def filter_alerts(qs: QuerySet, *, rule: str = "", region: str = "", department: str = "",
                  min_score: float | None = None, status: str = "", include_inactive: bool = False,
                  **_: object) -> QuerySet:
    """Alerts by rule, district (a city or province code matches the districts in it), unit (with the
    units below it), lowest score and status; only those the latest scan raised unless `include_inactive`."""
    if not include_inactive:
        qs = qs.filter(active=True)
    if rule:
        qs = qs.filter(rule=rule)
    if region:
        qs = qs.filter(prefix("region_code", region_prefix(region), code=True))
    if department:
        qs = qs.filter(department_code__in=scoping.department_subtree(department))
    if min_score is not None:
        qs = qs.filter(score__gte=min_score)
    if status:
        qs = qs.filter(status=status)
    return qs


def queue_order(qs: QuerySet) -> tuple[QuerySet, tuple[str, ...]]:
    """Highest score first, then oldest: a keyset order (ascending columns ending with the key)."""
    negated = ExpressionWrapper(-F("score"), output_field=FloatField())
    return qs.annotate(neg_score=negated), ("neg_score", "pk")


def rule_choices(qs: QuerySet) -> list[tuple[str, str]]:
    """The rules that have alerts among `qs`, in catalogue order, titled in the active language."""
    present = set(qs.order_by().values_list("rule", flat=True).distinct())
    order = {code: i for i, code in enumerate(catalog.rules())}
    return [(code, rule_title(code)) for code in sorted(present, key=lambda c: (order.get(c, len(order)), c))]


def region_choices(qs: QuerySet) -> list[tuple[str, str]]:
    """The districts that have alerts among `qs`, each named after a city or county unit seated there."""
    codes = sorted(c for c in qs.order_by().values_list("region_code", flat=True).distinct() if c)
    names: dict[str, str] = {}
    seats = (Department.objects.filter(region_code__in=codes, level__in=("city", "county"))
             .order_by("code").values_list("region_code", "name"))
    for code, name in seats:
        names.setdefault(code, name)
    return [(code, f"{code} {names[code]}" if code in names else code) for code in codes]


@dataclass(frozen=True)
class RulePrecision:
    """How often analysts agreed with a rule: confirmed / (confirmed + dismissed)."""

    rule: str
    title: str
    confirmed: int = 0
    dismissed: int = 0
    open: int = 0  # new or awaiting verification

    @property
    def decided(self) -> int:
        return self.confirmed + self.dismissed

    @property
    def precision(self) -> float | None:
        return self.confirmed / self.decided if self.decided else None


def rule_precision(qs: QuerySet) -> list[RulePrecision]:
    """Per rule, the alerts analysts confirmed and dismissed (each alert counted once, by its current
    status, whether or not the latest scan still raises it), in catalogue order."""
    counts: dict[str, dict[str, int]] = {}
    for code, status, n in qs.order_by().values_list("rule", "status").annotate(n=Count("pk")):
        counts.setdefault(code, {})[status] = n
    order = {code: i for i, code in enumerate(catalog.rules())}
    return [
        RulePrecision(
            rule=code, title=rule_title(code),
            confirmed=by_status.get(Alert.Status.CONFIRMED, 0),
            dismissed=by_status.get(Alert.Status.DISMISSED, 0),
            open=by_status.get(Alert.Status.NEW, 0) + by_status.get(Alert.Status.VERIFYING, 0),
        )
        for code, by_status in sorted(counts.items(), key=lambda kv: (order.get(kv[0], len(order)), kv[0]))
    ]


def decisions(alert: Alert) -> QuerySet:
    """What analysts (and re-scans) decided on `alert`, newest first."""
    return Decision.objects.filter(alert=alert).select_related("user").order_by("-at", "-id")


def with_unit_names(alerts: list[Alert]) -> list[Alert]:
    """Attach `unit_name` to each alert of a page, in one query (units are visible to every role)."""
    codes = {a.department_code for a in alerts if a.department_code}
    names = dict(Department.objects.filter(code__in=codes).values_list("code", "name")) if codes else {}
    for alert in alerts:
        alert.unit_name = names.get(alert.department_code, "")
    return alerts
