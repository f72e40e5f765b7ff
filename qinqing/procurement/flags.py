"""Flags 预警: the risk alerts naming a tender, a buyer or a bidder, as the acting user may read them.

Alerts come only through `scoping.visible(user, Alert)`, so the alert policy holds here as in the queue:
the organisation department reads only its rules, and nobody reads an alert naming themselves (recusal).
An alert names entities in its `entities` JSON (`{"tender_id": ["ZB1"], ...}`); on PostgreSQL a
containment test served by a GIN index (migration procurement 0002) finds them, on SQLite `json_each`.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Iterable

from django.db import connection
from django.db.models import BooleanField, Q, QuerySet
from django.db.models.expressions import RawSQL

from qinqing.accounts import scoping
from qinqing.risk import selectors as risk_selectors
from qinqing.risk.catalog import ENTITY_KINDS
from qinqing.risk.models import Alert

FLAG_ROWS = 100  # alerts listed on one page; the queue has the rest


def readable(user) -> QuerySet | None:
    """The alerts the user may read that the latest scan raises; None when the user may read none."""
    if not scoping.may_view(user, Alert):
        return None
    return risk_selectors.filter_alerts(scoping.visible(user, Alert))


def naming(kind: str, keys: Iterable[str]) -> Q | RawSQL:
    """A filter: alerts whose `entities[kind]` lists any of `keys`."""
    if kind not in ENTITY_KINDS:
        raise ValueError(f"unknown entity kind {kind!r}")
    keys = sorted(set(keys))
    if not keys:
        return Q(pk__in=[])
    if connection.vendor == "postgresql":
        cond = Q()
        for key in keys:  # each `entities @> {...}` is one GIN index probe
            cond |= Q(entities__contains={kind: [key]})
        return cond
    marks = ", ".join(["%s"] * len(keys))
    # Fixed names and placeholders only; the keys are bound parameters.
    sql = f'EXISTS (SELECT 1 FROM json_each("{Alert._meta.db_table}"."entities", %s) WHERE value IN ({marks}))'  # noqa: S608
    return RawSQL(sql, [f"$.{kind}", *keys], output_field=BooleanField())  # noqa: S611


def named_keys(alerts: QuerySet, kind: str) -> RawSQL:
    """A subquery of the `kind` keys these alerts name, for `pk__in=` (the "flagged only" filter)."""
    if kind not in ENTITY_KINDS:
        raise ValueError(f"unknown entity kind {kind!r}")
    inner, params = alerts.order_by().values("pk").query.sql_with_params()
    table = Alert._meta.db_table
    # Fixed names and the scoped query Django compiled; every value is a bound parameter.
    if connection.vendor == "postgresql":
        sql = f'SELECT jsonb_array_elements_text(a.entities -> %s) FROM "{table}" a WHERE a.id IN ({inner})'  # noqa: S608
        first = kind
    else:
        sql = f'SELECT j.value FROM "{table}" a, json_each(a.entities, %s) j WHERE a.id IN ({inner})'  # noqa: S608
        first = f"$.{kind}"
    return RawSQL(sql, (first, *params))  # noqa: S611


def alerts_naming(user, kind: str, key: str) -> list[Alert] | None:
    """The readable alerts naming one entity, highest score first; None when the user may read none."""
    alerts = readable(user)
    if alerts is None:
        return None
    return list(alerts.filter(naming(kind, [key])).order_by("-score", "pk")[:FLAG_ROWS])


def counts(user, kind: str, keys: Iterable[str]) -> dict[str, int] | None:
    """How many readable alerts name each of `keys` (a page of tenders); None when the user may read none."""
    alerts = readable(user)
    if alerts is None:
        return None
    keys = set(keys)
    found: Counter[str] = Counter()
    for entities in alerts.filter(naming(kind, keys)).values_list("entities", flat=True):
        found.update(k for k in set(entities.get(kind) or ()) if k in keys)
    return dict(found)
