"""The working-day calendar (工作日历): the one place the project decides whether a date is a working day.

Terms:

* 工作日 — working day; 法定节假日 — public holiday.
* 调休 — adjusted working day: a Saturday or Sunday worked to bridge a holiday (the days
  given off in exchange are ordinary weekdays inside the holiday block).
* 办结时限 — the time limit for completing a matter, counted in working days; the day of
  submission (受理当日) does not count, so a 5-working-day limit ends on the 5th working day *after* it.

Where a date's answer comes from, first match wins:

1. a :class:`~qinqing.core.models.CalendarDay` row an administrator entered — either a year the
   package does not cover yet (copied from the State Council's notice, 国务院办公厅关于某年部分节假日
   安排的通知), or a correction to a year it does cover;
2. the ``chinese_calendar`` package (``chinesecalendar`` on PyPI; 1.11.0 covers 2004–2026) — "official";
3. Monday–Friday — the fallback rule for years neither of the above covers.

Performance: everything is computed per whole year into numpy arrays (working flag, cumulative
working-day count) and cached per process. Every module-level call costs ONE small aggregate query
(the version key of the ``CalendarDay`` table, so an administrator's edit in any process is seen at
once) plus, when the key changed, ONE query loading all rows. For hot loops (the risk engine) take a
snapshot once with :func:`calendar` and use its methods — they are pure array lookups, no queries —
or join against :func:`working_day_table` in Polars (``working_days_between`` = difference of
``working_day_index``).
"""

from __future__ import annotations

import calendar as _stdlib_calendar
import datetime as dt
import functools
import threading
from collections import OrderedDict
from collections.abc import Mapping
from dataclasses import dataclass
from types import MappingProxyType
from typing import Literal

import chinese_calendar
import numpy as np
import polars as pl
from django.db import connections, router
from django.db.models import BigIntegerField, Case, ExpressionWrapper, F, Value, When
from django.db.models.functions import ExtractDay, ExtractMonth, ExtractYear
from django.db.models.signals import post_delete, post_save
from django.utils import timezone
from django.utils.translation import gettext, ngettext

from qinqing.core.models import CalendarDay

__all__ = [
    "Coverage",
    "Deadline",
    "WorkingCalendar",
    "add_working_days",
    "calendar",
    "clear_cache",
    "coverage",
    "deadline",
    "is_working_day",
    "working_day_table",
    "working_days_between",
]

Coverage = Literal["official", "administrator", "weekdays"]
"""Where a year's (or a day's) calendar comes from: the package, an administrator's rows, or Monday–Friday."""

#: Per-day source codes, in the order of the Polars ``source`` enum.
SOURCES: tuple[Coverage, ...] = ("official", "administrator", "weekdays")
_OFFICIAL, _ADMINISTRATOR, _WEEKDAYS = range(3)

_UNIX_EPOCH = dt.date(1970, 1, 1)


# --------------------------------------------------------------------------- the package and the fallback


@functools.cache
def _package_covers(year: int) -> bool:
    """Whether ``chinese_calendar`` has data for ``year``; asked once per year per process.

    The package raises ``NotImplementedError`` for years outside the range of its data (for 1.11.0,
    before 2004 or after 2026); that is caught here and never reaches a caller.
    """
    try:
        chinese_calendar.is_workday(dt.date(year, 1, 1))
        chinese_calendar.is_workday(dt.date(year, 12, 31))
    except NotImplementedError:
        return False
    return True


@functools.cache
def _base_year(year: int) -> np.ndarray:
    """Working flags for every day of ``year`` before administrator rows: the package, else Monday–Friday."""
    first = dt.date(year, 1, 1)
    n = 366 if _stdlib_calendar.isleap(year) else 365
    flags = (np.arange(n) + first.weekday()) % 7 < 5
    if _package_covers(year):
        # The package's own rule (``is_workday``: a 调休 day works, else Monday–Friday unless a holiday),
        # read from its tables at once: asking it day by day costs 35 µs a day (it re-validates the range).
        first_ord = first.toordinal()
        for day in chinese_calendar.holidays:
            if day.year == year:
                flags[day.toordinal() - first_ord] = False
        for day in chinese_calendar.workdays:
            if day.year == year:
                flags[day.toordinal() - first_ord] = True
    flags.setflags(write=False)
    return flags


# --------------------------------------------------------------------------- administrator rows (CalendarDay)


@dataclass(frozen=True)
class _Overrides:
    """All ``CalendarDay`` rows, as loaded by one query, with the version key they were loaded at."""

    key: tuple[int, ...]
    days: Mapping[dt.date, bool]
    per_year: Mapping[int, int]


_lock = threading.Lock()
_generation = 0  # bumped by clear_cache() and by save/delete signals (same-process edits)
_state: tuple[int, _Overrides] | None = None
_calendars: OrderedDict[tuple, WorkingCalendar] = OrderedDict()
_MAX_CALENDARS = 16


def _yyyymmdd(d: dt.date) -> int:
    return d.year * 10000 + d.month * 100 + d.day


@functools.cache
def _version_sql(alias: str, vendor: str) -> tuple[str, tuple[object, ...]]:
    """The version-key query for one database, compiled by the ORM once (compiling costs ~3 ms a call)."""
    date_int = ExtractYear("date") * 10000 + ExtractMonth("date") * 100 + ExtractDay("date")
    zero = Value(0, output_field=BigIntegerField())
    big = BigIntegerField()
    inner = (
        CalendarDay.objects.using(alias)
        .order_by()
        .annotate(
            vk_id=F("id"),
            vk_w=Case(When(is_working_day=True, then=F("id")), default=zero, output_field=big),
            vk_d=ExpressionWrapper(date_int, output_field=big),
            vk_wd=Case(When(is_working_day=True, then=date_int), default=zero, output_field=big),
        )
        .values_list("vk_id", "vk_w", "vk_d", "vk_wd")
    )
    sql, params = inner.query.get_compiler(using=alias).as_sql()
    q = connections[alias].ops.quote_name
    outer = (
        f"SELECT COUNT(*), COALESCE(MAX(t.{q('vk_id')}), 0), COALESCE(SUM(t.{q('vk_w')}), 0), "  # noqa: S608
        f"COALESCE(SUM(t.{q('vk_d')}), 0), COALESCE(SUM(t.{q('vk_wd')}), 0) FROM ({sql}) t"
    )
    return outer, tuple(params)


def _version_key() -> tuple[int, ...]:
    """A cheap fingerprint of the ``CalendarDay`` table: one aggregate query, compiled once.

    Count and max id catch inserts and deletes; the id-sum of working rows catches a flipped
    ``is_working_day``; the sums of dates as YYYYMMDD catch a moved date — including edits made with
    ``QuerySet.update()`` or in another process, which no signal reports. (``name``/``source`` edits
    don't change any answer and are deliberately not part of the key.)
    """
    alias = router.db_for_read(CalendarDay)
    connection = connections[alias]
    sql, params = _version_sql(alias, connection.vendor)
    with connection.cursor() as cursor:
        cursor.execute(sql, params)
        row = cursor.fetchone()
    return tuple(int(v) for v in row)


def _load_overrides() -> _Overrides:
    """Load every ``CalendarDay`` row in ONE query; the key is computed from the rows themselves."""
    rows = list(CalendarDay.objects.order_by().values_list("id", "date", "is_working_day"))
    key = (
        len(rows),
        max((r[0] for r in rows), default=0),
        sum(r[0] for r in rows if r[2]),
        sum(_yyyymmdd(r[1]) for r in rows),
        sum(_yyyymmdd(r[1]) for r in rows if r[2]),
    )
    days = {d: bool(w) for _, d, w in rows}
    per_year: dict[int, int] = {}
    for d in days:
        per_year[d.year] = per_year.get(d.year, 0) + 1
    return _Overrides(key, MappingProxyType(days), MappingProxyType(per_year))


def _overrides() -> _Overrides:
    """The current administrator rows: one version query, and a reload only when the table changed."""
    global _state
    key = _version_key()
    generation = _generation
    state = _state
    if state is not None and state[0] == generation and state[1].key == key:
        return state[1]
    loaded = _load_overrides()
    with _lock:
        if _generation == generation:
            _state = (generation, loaded)
            # Calendars built from older rows can never be asked for again; drop them.
            for k in [k for k in _calendars if k[0] != loaded.key]:
                del _calendars[k]
    return loaded


def clear_cache() -> None:
    """Forget the cached administrator rows and calendars (the package's own data stays cached)."""
    global _generation, _state
    with _lock:
        _generation += 1
        _state = None
        _calendars.clear()


def _on_calendar_day_change(**_kwargs: object) -> None:
    clear_cache()


post_save.connect(_on_calendar_day_change, sender=CalendarDay, dispatch_uid="qinqing.core.workdays.save")
post_delete.connect(_on_calendar_day_change, sender=CalendarDay, dispatch_uid="qinqing.core.workdays.delete")


# --------------------------------------------------------------------------- the snapshot


class _OutOfRange(LookupError):
    """A date (or the n-th working day) falls outside a snapshot's years."""


def _as_date(value: dt.date) -> dt.date:
    """A date; an aware datetime is first converted to local time (Asia/Shanghai), a naive one taken as is."""
    if isinstance(value, dt.datetime):
        if timezone.is_aware(value):
            value = timezone.localtime(value)
        return value.date()
    return value


def _to_days(values: object) -> np.ndarray:
    """Dates (a sequence of ``date``, a numpy ``datetime64`` array, a Polars Date series) as day numbers."""
    if isinstance(values, pl.Series):
        values = values.cast(pl.Date).to_numpy()
    arr = np.asarray(values, dtype="datetime64[D]")
    return arr.astype(np.int64)


class WorkingCalendar:
    """An immutable snapshot of the working-day calendar over whole years ``first.year``–``last.year``.

    Built in one pass: the package's (or Monday–Friday) flags per year, administrator rows applied,
    then a cumulative count. All methods are array lookups — no database access — so a caller that
    asks about millions of dates takes one snapshot (:func:`calendar`) and uses it.

    ``working_day_index(d)`` is the number of working days from ``first`` up to and including ``d``;
    only differences of it are meaningful.
    """

    __slots__ = ("_administrator_days", "_cum", "_first_ord", "_flags", "_source", "first", "last", "version")

    def __init__(self, first_year: int, last_year: int, overrides: _Overrides) -> None:
        years = range(first_year, last_year + 1)
        self.first = dt.date(first_year, 1, 1)
        self.last = dt.date(last_year, 12, 31)
        self.version = overrides.key
        self._first_ord = self.first.toordinal()
        flags = np.concatenate([_base_year(y) for y in years])  # a fresh, writable copy
        source = np.concatenate(
            [np.full(len(_base_year(y)), _OFFICIAL if _package_covers(y) else _WEEKDAYS, dtype=np.int8)
             for y in years]
        )
        for d, working in overrides.days.items():
            if first_year <= d.year <= last_year:
                i = d.toordinal() - self._first_ord
                flags[i] = working
                source[i] = _ADMINISTRATOR
        flags.setflags(write=False)
        source.setflags(write=False)
        self._flags = flags
        self._source = source
        self._cum = np.cumsum(flags, dtype=np.int64)
        self._cum.setflags(write=False)
        self._administrator_days = {y: overrides.per_year.get(y, 0) for y in years}

    def __repr__(self) -> str:
        return f"<WorkingCalendar {self.first.year}–{self.last.year}>"

    def covers(self, start: dt.date, end: dt.date) -> bool:
        return self.first <= start and end <= self.last

    def _pos(self, d: dt.date) -> int:
        i = _as_date(d).toordinal() - self._first_ord
        if not 0 <= i < len(self._flags):
            raise _OutOfRange(f"{d} is outside this calendar ({self.first}–{self.last})")
        return i

    # -- scalar lookups ------------------------------------------------------------------------------------

    def is_working_day(self, d: dt.date) -> bool:
        """Whether ``d`` is a working day (工作日), 调休 Saturdays and Sundays included."""
        return bool(self._flags[self._pos(d)])

    def source(self, d: dt.date) -> Coverage:
        """Source of ``d``'s answer: ``official`` (package), ``administrator`` (a row) or ``weekdays``."""
        return SOURCES[self._source[self._pos(d)]]

    def working_day_index(self, d: dt.date) -> int:
        """Working days from ``first`` up to and including ``d``."""
        return int(self._cum[self._pos(d)])

    def working_days_between(self, start: dt.date, end: dt.date) -> int:
        """Working days after ``start`` up to and including ``end``; negative if ``end`` is before ``start``.

        O(1): a difference of the cumulative index. ``between(a, b) == -between(b, a)``.
        """
        return int(self._cum[self._pos(end)] - self._cum[self._pos(start)])

    def add_working_days(self, start: dt.date, n: int) -> dt.date:
        """The n-th working day after ``start`` (``start`` never counts; ``n == 0`` gives ``start``)."""
        start = _as_date(start)
        if n < 0:
            raise ValueError(f"n must be >= 0, got {n}")
        i = self._pos(start)
        if n == 0:
            return start
        j = int(np.searchsorted(self._cum, self._cum[i] + n, side="left"))
        if j >= len(self._cum):
            raise _OutOfRange(f"the {n}th working day after {start} is after {self.last}")
        return dt.date.fromordinal(self._first_ord + j)

    # -- many at once --------------------------------------------------------------------------------------

    def working_days_between_many(self, starts: object, ends: object) -> np.ndarray:
        """Vectorised :meth:`working_days_between` for equal-length arrays of dates (int64 result)."""
        first = self.first.toordinal() - _UNIX_EPOCH.toordinal()
        s = _to_days(starts) - first
        e = _to_days(ends) - first
        n = len(self._cum)
        if s.size and (s.min() < 0 or s.max() >= n or e.min() < 0 or e.max() >= n):
            raise _OutOfRange(f"dates outside this calendar ({self.first}–{self.last})")
        return self._cum[e] - self._cum[s]

    def fallback_days(self, start: dt.date, end: dt.date) -> dict[int, int]:
        """Days in ``start``–``end`` (inclusive) decided by the Monday–Friday rule, counted per year."""
        if end < start:
            return {}
        i, j = self._pos(start), self._pos(end)
        idx = np.flatnonzero(self._source[i : j + 1] == _WEEKDAYS)
        out: dict[int, int] = {}
        for k in idx:
            y = dt.date.fromordinal(self._first_ord + i + int(k)).year
            out[y] = out.get(y, 0) + 1
        return out

    def administrator_days(self, year: int) -> int:
        """How many ``CalendarDay`` rows fall in ``year``."""
        return self._administrator_days[year]

    def rows(self, start: dt.date | None = None, end: dt.date | None = None) -> list[tuple[dt.date, bool]]:
        """``(date, is_working_day)`` for every day in ``start``–``end`` (default: the whole snapshot)."""
        start, end = start or self.first, end or self.last
        i, j = self._pos(start), self._pos(end)
        return [
            (dt.date.fromordinal(self._first_ord + k), bool(self._flags[k])) for k in range(i, j + 1)
        ]

    def to_polars(self, start: dt.date | None = None, end: dt.date | None = None) -> pl.DataFrame:
        """One row per day: ``date``, ``is_working_day``, ``working_day_index``, ``source``.

        ``working_day_index`` counts working days from ``start`` up to and including the row's date, so
        for two rows ``a`` and ``b``: working days after ``a`` up to ``b`` = ``index[b] - index[a]``.
        ``source`` is an Enum of :data:`SOURCES`. ``.to_arrow()`` gives the Arrow table.
        """
        start, end = _as_date(start or self.first), _as_date(end or self.last)
        i, j = self._pos(start), self._pos(end)
        if j < i:
            raise ValueError(f"end {end} is before start {start}")
        flags = self._flags[i : j + 1]
        before = self._cum[i - 1] if i else 0
        # Through lists: a few thousand days, and Polars reading numpy arrays imports numpy.ma (25 ms).
        return pl.DataFrame(
            {
                "date": pl.date_range(start, end, interval="1d", eager=True),
                "is_working_day": pl.Series(flags.tolist(), dtype=pl.Boolean),
                "working_day_index": pl.Series((self._cum[i : j + 1] - before).tolist(), dtype=pl.Int64),
                "source": pl.Series([SOURCES[k] for k in self._source[i : j + 1].tolist()], dtype=pl.Enum(SOURCES)),
            }
        )


def _calendar_years(first_year: int, last_year: int) -> WorkingCalendar:
    overrides = _overrides()
    with _lock:
        for key, cal in _calendars.items():
            if key[0] == overrides.key and key[1] <= first_year and last_year <= key[2]:
                _calendars.move_to_end(key)
                return cal
    cal = WorkingCalendar(first_year, last_year, overrides)
    with _lock:
        _calendars[(overrides.key, first_year, last_year)] = cal
        while len(_calendars) > _MAX_CALENDARS:
            _calendars.popitem(last=False)
    return cal


def calendar(start: dt.date, end: dt.date | None = None) -> WorkingCalendar:
    """A snapshot covering at least the whole years of ``start``–``end`` (one or two queries, then cached)."""
    start = _as_date(start)
    end = _as_date(end) if end is not None else start
    lo, hi = min(start.year, end.year), max(start.year, end.year)
    return _calendar_years(lo, hi)


# --------------------------------------------------------------------------- the module-level API


def is_working_day(d: dt.date) -> bool:
    """Whether ``d`` is a working day (工作日): 调休 weekend days count, public holidays don't."""
    return calendar(d).is_working_day(d)


def working_days_between(start: dt.date, end: dt.date) -> int:
    """Working days after ``start`` up to and including ``end``.

    ``0`` when the dates are equal; negative (``-working_days_between(end, start)``) when ``end`` is
    before ``start``. For many pairs use :func:`calendar` once, or :func:`working_day_table`.
    """
    return calendar(start, end).working_days_between(start, end)


def add_working_days(start: dt.date, n: int) -> dt.date:
    """The n-th working day after ``start`` — how a 办结时限 of n working days is counted.

    The day of submission does not count (even if it is a working day); a submission on a holiday
    starts counting from the next working day. ``n == 0`` returns ``start``; ``n < 0`` is an error.
    """
    start = _as_date(start)
    if n < 0:
        raise ValueError(f"n must be >= 0, got {n}")
    last_year = start.year + 1 + n // 240  # ~250 working days a year; widened below if not enough
    while True:
        cal = _calendar_years(start.year, last_year)
        try:
            return cal.add_working_days(start, n)
        except _OutOfRange:
            if last_year >= dt.MAXYEAR:
                raise OverflowError(f"the {n}th working day after {start} is after {dt.MAXYEAR}") from None
            last_year = min(dt.MAXYEAR, last_year + max(1, last_year - start.year))


def coverage(year: int) -> Coverage:
    """Where ``year``'s calendar comes from.

    ``official`` — the ``chinese_calendar`` package covers it (administrator rows, if any, are
    corrections on top); ``administrator`` — not in the package, but an administrator has entered
    ``CalendarDay`` rows (the State Council's notice); ``weekdays`` — neither: Monday–Friday assumed.
    """
    if _package_covers(year):
        return "official"
    return "administrator" if _overrides().per_year.get(year, 0) else "weekdays"


def working_day_table(start: dt.date, end: dt.date) -> pl.DataFrame:
    """The calendar for ``start``–``end`` (inclusive) as a Polars table, built in one pass.

    Columns: ``date`` (Date), ``is_working_day`` (Boolean), ``working_day_index`` (Int64, working
    days from ``start`` up to and including the date — so ``working_days_between(a, b)`` is
    ``index[b] - index[a]``, O(1) per pair in a join), ``source`` (Enum: official/administrator/weekdays).
    Use ``.to_arrow()`` for Arrow, or :meth:`WorkingCalendar.rows` for a list of ``(date, bool)``.
    """
    start, end = _as_date(start), _as_date(end)
    if end < start:
        raise ValueError(f"end {end} is before start {start}")
    return calendar(start, end).to_polars(start, end)


@dataclass(frozen=True)
class Deadline:
    """The due date of a 办结时限 (time limit counted in working days), and how sure it is.

    ``fallback`` is true when any day after submission up to the due date was decided by the
    Monday–Friday rule (its year is not in the package); ``note`` then says so, per year, for the UI.
    ``fallback_years`` are those years; ``administrator_days`` counts the ``CalendarDay`` rows the
    administrator has entered for them.
    """

    submitted_on: dt.date
    limit_days: int
    due: dt.date
    fallback: bool = False
    note: str = ""
    fallback_years: tuple[int, ...] = ()
    administrator_days: int = 0


def _fallback_note(year: int, entered: int) -> str:
    if entered:
        return ngettext(
            "Holidays for %(year)s are not yet published in the official calendar; Monday–Friday assumed "
            "plus %(n)d day entered by the administrator.",
            "Holidays for %(year)s are not yet published in the official calendar; Monday–Friday assumed "
            "plus %(n)d days entered by the administrator.",
            entered,
        ) % {"year": year, "n": entered}
    return gettext(
        "Holidays for %(year)s are not yet published in the official calendar; Monday–Friday assumed."
    ) % {"year": year}


def deadline(submitted_at: dt.datetime | dt.date, limit_days: int) -> Deadline:
    """The 办结时限 due date: the ``limit_days``-th working day after the day of submission.

    An aware ``submitted_at`` is converted to local time (Asia/Shanghai) first, so a submission at
    23:30 UTC counts on the next Beijing day; a naive one (or a ``date``) is taken as local.
    """
    submitted_on = _as_date(submitted_at)
    due = add_working_days(submitted_on, limit_days)
    if due == submitted_on:
        return Deadline(submitted_on, limit_days, due)
    cal = calendar(submitted_on, due)
    span = cal.fallback_days(submitted_on + dt.timedelta(days=1), due)
    if not span:
        return Deadline(submitted_on, limit_days, due)
    years = tuple(sorted(span))
    entered = {y: cal.administrator_days(y) for y in years}
    note = " ".join(_fallback_note(y, entered[y]) for y in years)
    return Deadline(submitted_on, limit_days, due, True, note, years, sum(entered.values()))

