"""Pagination that stays fast on millions of rows: keyset cursors and a capped count.

`OFFSET 1000000` and `COUNT(*)` over two million firms both read every row they skip; a cursor
(`WHERE (name, uscc) > (last name, last uscc) ORDER BY name, uscc LIMIT 51`) reads only the page,
whatever its depth.
"""

from __future__ import annotations

import json
from dataclasses import dataclass
from typing import Any

from django.core.cache import cache
from django.db import connection
from django.db.models import Q, QuerySet

PAGE_SIZE = 50
COUNT_CAP = 1000
MAX_CURSOR_LENGTH = 600
TABLE_COUNT_SECONDS = 60


@dataclass(frozen=True)
class KeysetPage:
    items: list[Any]
    after: str | None  # cursor of the next page, None on the last
    before: str | None  # cursor of the previous page, None on the first

    @property
    def has_other_pages(self) -> bool:
        return bool(self.after or self.before)


def _decode(cursor: str | None, order: tuple[str, ...]) -> list[str] | None:
    """A cursor is the primary key itself, or a JSON list of the ordering values; anything else is
    ignored (first page) rather than an error: cursors come from URLs people edit."""
    if not cursor or len(cursor) > MAX_CURSOR_LENGTH:
        return None
    if len(order) == 1:
        return [cursor]
    try:
        values = json.loads(cursor)
    except ValueError:
        return None
    ok = isinstance(values, list) and len(values) == len(order) and all(isinstance(v, str) for v in values)
    return values if ok else None


def _encode(obj: Any, order: tuple[str, ...]) -> str:
    values = [str(obj.pk if f == "pk" else getattr(obj, f)) for f in order]
    return values[0] if len(order) == 1 else json.dumps(values, ensure_ascii=False)


def _beyond(order: tuple[str, ...], values: list[str], op: str) -> Q:
    """Rows strictly after (op "gt") or before ("lt") `values` in the lexicographic `order`.

    The leading column also gets a plain bound (`>=`), so the planner walks its index from there.
    """
    cond = Q()
    for i in reversed(range(len(order))):
        strict = Q(**{f"{order[i]}__{op}": values[i]})
        cond = strict if i == len(order) - 1 else strict | (Q(**{order[i]: values[i]}) & cond)
    if len(order) == 1:
        return cond
    return Q(**{f"{order[0]}__{op}e": values[0]}) & cond


def keyset_page(qs: QuerySet, *, order: tuple[str, ...] = ("pk",), after: str | None = None,
                before: str | None = None, size: int = PAGE_SIZE) -> KeysetPage:
    """One page of `qs` in `order` (which must end with the primary key, so it is total), starting
    after the cursor `after` or ending before `before`.

    Ordering by the searched column (a name prefix, a region) lets its index deliver the page already
    sorted; ordering by the key alone would read every match to sort them.
    """
    if order[-1] != "pk":
        raise ValueError("the order must end with the primary key to be total")
    after_v, before_v = _decode(after, order), _decode(before, order)
    if before_v:
        rows = list(qs.filter(_beyond(order, before_v, "lt")).order_by(*(f"-{f}" for f in order))[: size + 1])
        more_before = len(rows) > size
        rows = rows[:size][::-1]
        return KeysetPage(rows, after=_encode(rows[-1], order) if rows else None,
                          before=_encode(rows[0], order) if rows and more_before else None)
    if after_v:
        qs = qs.filter(_beyond(order, after_v, "gt"))
    rows = list(qs.order_by(*order)[: size + 1])
    more_after = len(rows) > size
    rows = rows[:size]
    return KeysetPage(rows, after=_encode(rows[-1], order) if rows and more_after else None,
                      before=_encode(rows[0], order) if rows and after_v else None)


@dataclass(frozen=True)
class Count:
    value: int
    capped: bool = False  # the true number is larger: "1000+"
    estimated: bool = False  # the planner's estimate of a whole table: "≈ 2,000,000"


def capped_count(qs: QuerySet, cap: int = COUNT_CAP) -> Count:
    """How many rows match, counting at most `cap` + 1 of them (a LIMIT inside the COUNT)."""
    n = qs.order_by()[: cap + 1].count()
    return Count(min(n, cap), capped=n > cap)


def table_count(qs: QuerySet) -> Count:
    """Rows of a table as the user sees it. A whole table (no filter: the same figure for everyone)
    is counted once a minute at most, and on PostgreSQL estimated from its statistics."""
    if qs.query.where:
        return Count(qs.count())
    key = f"qinqing:table_count:{qs.model._meta.db_table}"
    count = cache.get(key)
    if count is None:
        count = _whole_table_count(qs)
        cache.set(key, count, TABLE_COUNT_SECONDS)
    return count


def _whole_table_count(qs: QuerySet) -> Count:
    if connection.vendor == "postgresql":
        with connection.cursor() as cur:
            cur.execute("SELECT reltuples::bigint FROM pg_class WHERE oid = to_regclass(%s)",
                        [qs.model._meta.db_table])
            row = cur.fetchone()
        # -1 means never analysed: fall back to counting.
        if row and row[0] is not None and row[0] >= 0:
            return Count(int(row[0]), estimated=True)
    return Count(qs.count())
