"""The working-day calendar (qinqing.core.workdays): 调休, 办结时限, fallback years and administrator rows.

Holiday arrangements are the State Council's notices for 2025 and 2026 as shipped by chinese_calendar 1.11.0 —
each is checked against the installed package first. The package covers 2004–2026; for 2027 the State
Council's notice is not known here, so the 2027 rows below are EXAMPLE rows, not the notice.
"""

from __future__ import annotations

import datetime as dt
import random

import chinese_calendar
import numpy as np
import polars as pl
import pytest
from django.utils import translation

from qinqing.core import workdays
from qinqing.core.models import CalendarDay
from qinqing.core.workdays import (
    Deadline,
    add_working_days,
    coverage,
    deadline,
    is_working_day,
    working_day_table,
    working_days_between,
)

D = dt.date


@pytest.fixture(autouse=True)
def english():
    """The notes are asserted in English; the UI shows them in Chinese (see tests/core/test_i18n.py)."""
    with translation.override("en"):
        yield


def days(start: dt.date, end: dt.date) -> list[dt.date]:
    return [start + dt.timedelta(days=i) for i in range((end - start).days + 1)]


# (name, days off, adjusted working days 调休) — verified against the installed package below.
HOLIDAYS = [
    ("2025 春节", days(D(2025, 1, 28), D(2025, 2, 4)), [D(2025, 1, 26), D(2025, 2, 8)]),
    ("2025 国庆节", days(D(2025, 10, 1), D(2025, 10, 8)), [D(2025, 9, 28), D(2025, 10, 11)]),  # 10/6 is 中秋
    ("2026 春节", days(D(2026, 2, 15), D(2026, 2, 23)), [D(2026, 2, 14), D(2026, 2, 28)]),
    ("2026 国庆节", days(D(2026, 10, 1), D(2026, 10, 7)), [D(2026, 9, 20), D(2026, 10, 10)]),
]
HOLIDAY_IDS = [h[0] for h in HOLIDAYS]
# Other days off inside a block's window (first 调休 to last): 2026 中秋 is its own holiday, 9/25–9/27.
ALSO_OFF = {"2026 国庆节": [D(2026, 9, 25)]}

# EXAMPLE rows for 2027 Spring Festival (Chinese New Year 2027-02-06) — NOT the State Council's notice,
# which is not known here; shaped like the 2026 arrangement: nine days off, two adjusted working days.
EXAMPLE_2027_SOURCE = "EXAMPLE — not the State Council's notice (test data)"
EXAMPLE_2027_OFF = days(D(2027, 2, 5), D(2027, 2, 13))
EXAMPLE_2027_WORK = [D(2027, 1, 31), D(2027, 2, 20)]


@pytest.fixture(autouse=True)
def _fresh_cache():
    workdays.clear_cache()
    yield
    workdays.clear_cache()


@pytest.fixture
def spring_2027(db) -> int:
    rows = [CalendarDay(date=d, is_working_day=False, name="春节 (example)", source=EXAMPLE_2027_SOURCE)
            for d in EXAMPLE_2027_OFF]
    rows += [CalendarDay(date=d, is_working_day=True, name="春节调休 (example)", source=EXAMPLE_2027_SOURCE)
             for d in EXAMPLE_2027_WORK]
    CalendarDay.objects.bulk_create(rows)  # no signals: the version key must notice on its own
    return len(rows)


def naive_count(start: dt.date, end: dt.date, flags: list[bool], first: dt.date) -> int:
    """Brute-force reference: working days after start up to and including end (negative if reversed).

    ``flags`` is the day-by-day list of working flags starting at ``first``.
    """
    if end < start:
        return -naive_count(end, start, flags, first)
    return sum(flags[(start - first).days + 1 : (end - first).days + 1])


# --------------------------------------------------------------------------- the package itself


@pytest.mark.parametrize(("name", "off", "work"), HOLIDAYS, ids=HOLIDAY_IDS)
def test_package_has_the_notices(name, off, work):
    """The installed chinese_calendar agrees with the notices exactly (checked, not assumed)."""
    assert all(d.weekday() >= 5 for d in work), "调休 days are weekend days"
    window = days(min(work + off), max(work + off))
    weekends = {d for d in window if d.weekday() >= 5 and d not in work}
    expected_off = weekends | set(off) | set(ALSO_OFF.get(name, []))
    assert {d for d in window if chinese_calendar.is_holiday(d)} == expected_off, name
    # The days either side of the block are working days.
    assert chinese_calendar.is_workday(off[0] - dt.timedelta(days=1))
    assert chinese_calendar.is_workday(off[-1] + dt.timedelta(days=1))


def test_package_years_and_error():
    with pytest.raises(NotImplementedError):
        chinese_calendar.is_workday(D(2027, 1, 4))
    with pytest.raises(NotImplementedError):
        chinese_calendar.is_workday(D(2003, 6, 2))
    assert chinese_calendar.is_workday(D(2004, 1, 17))  # the package's first 调休 (a Saturday)


# --------------------------------------------------------------------------- covered years


@pytest.mark.django_db
@pytest.mark.parametrize(("name", "off", "work"), HOLIDAYS, ids=HOLIDAY_IDS)
def test_is_working_day_over_holiday_blocks(name, off, work):
    assert [d for d in off if is_working_day(d)] == []
    assert all(is_working_day(d) for d in work)
    assert is_working_day(off[0] - dt.timedelta(days=1)) and is_working_day(off[-1] + dt.timedelta(days=1))
    cal = workdays.calendar(off[0])
    assert {cal.source(d) for d in off + work} == {"official"}


@pytest.mark.django_db
@pytest.mark.parametrize(
    ("submitted", "limit", "due"),
    [
        # 2025 Spring Festival: Fri 1/24 → Sun 1/26 (调休) 1, Mon 1/27 2, 1/28–2/4 off, 2/5 3, 2/6 4, 2/7 5.
        (D(2025, 1, 24), 5, D(2025, 2, 7)),
        (D(2025, 1, 24), 1, D(2025, 1, 26)),
        (D(2025, 1, 27), 1, D(2025, 2, 5)),
        (D(2025, 1, 30), 1, D(2025, 2, 5)),  # submitted on a holiday: counting starts after it
        (D(2025, 2, 7), 1, D(2025, 2, 8)),  # Sat 2/8 is 调休
        # 2025 National Day: Fri 9/26 → Sun 9/28 1, 9/29 2, 9/30 3, 10/1–10/8 off, Thu 10/9 4, Fri 10/10 5.
        (D(2025, 9, 26), 5, D(2025, 10, 10)),
        (D(2025, 9, 26), 6, D(2025, 10, 11)),  # Sat 10/11 is 调休
        # 2026 Spring Festival: Fri 2/13 → Sat 2/14 (调休) 1, 2/15–2/23 off, Tue 2/24 2.
        (D(2026, 2, 13), 1, D(2026, 2, 14)),
        (D(2026, 2, 13), 2, D(2026, 2, 24)),
        (D(2026, 2, 24), 4, D(2026, 2, 28)),  # Sat 2/28 is 调休
        # 2026 National Day: 9/20 Sun is 调休; 10/1–10/7 off; Thu 10/8; Sat 10/10 调休.
        (D(2026, 9, 19), 1, D(2026, 9, 20)),
        (D(2026, 9, 30), 1, D(2026, 10, 8)),
        (D(2026, 9, 30), 3, D(2026, 10, 10)),
        (D(2025, 1, 24), 0, D(2025, 1, 24)),
    ],
)
def test_deadline_in_covered_years(submitted, limit, due):
    result = deadline(dt.datetime.combine(submitted, dt.time(16, 30)), limit)
    assert result == Deadline(submitted_on=submitted, limit_days=limit, due=due)
    assert not result.fallback and result.note == ""
    assert add_working_days(submitted, limit) == due
    assert working_days_between(submitted, due) == limit


@pytest.mark.django_db
def test_deadline_converts_aware_datetimes_to_beijing_time():
    # 2025-01-23 23:30 UTC is Friday 2025-01-24 07:30 in Beijing.
    at = dt.datetime(2025, 1, 23, 23, 30, tzinfo=dt.UTC)
    assert deadline(at, 5).submitted_on == D(2025, 1, 24)
    assert deadline(at, 5).due == D(2025, 2, 7)
    # chinese_calendar itself ignores the zone: 2025-01-27 23:00 UTC (already the 28th, a holiday, in
    # Beijing) is a workday to the package, but not to us.
    late = dt.datetime(2025, 1, 27, 23, 0, tzinfo=dt.UTC)
    assert chinese_calendar.is_workday(late)
    assert not is_working_day(late)


@pytest.mark.django_db
def test_working_days_between_sign_and_zero():
    a, b = D(2025, 1, 24), D(2025, 2, 7)
    assert working_days_between(a, b) == 5
    assert working_days_between(b, a) == -5
    assert working_days_between(a, a) == 0
    assert working_days_between(D(2025, 1, 28), D(2025, 2, 4)) == 0  # all inside the holiday
    # Per the package, 2025 and 2026 have 248 working days each (2024: 251); 1/1 is a holiday either way.
    assert working_days_between(D(2025, 1, 1), D(2025, 12, 31)) == 248
    assert working_days_between(D(2024, 12, 31), D(2025, 12, 31)) == 248
    assert working_days_between(D(2025, 12, 31), D(2026, 12, 31)) == 248
    assert working_days_between(D(2023, 12, 31), D(2024, 12, 31)) == 251


@pytest.mark.django_db
def test_add_working_days_edges():
    assert add_working_days(D(2025, 2, 1), 0) == D(2025, 2, 1)  # n=0 is the start, even on a holiday
    with pytest.raises(ValueError, match="n must be >= 0"):
        add_working_days(D(2025, 1, 24), -1)
    with pytest.raises(ValueError):
        deadline(D(2025, 1, 24), -1)
    # Far beyond the snapshot's first guess of years: widened, Monday–Friday after 2026.
    # 1300 weekdays after Thu 2026-12-31 are exactly 260 weeks: Thu 2031-12-25.
    far = add_working_days(D(2026, 12, 31), 260 * 5)
    assert far == D(2026, 12, 31) + dt.timedelta(weeks=260) == D(2031, 12, 25)
    assert working_days_between(D(2026, 12, 31), far) == 1300


# --------------------------------------------------------------------------- 2027: not in the package


@pytest.mark.django_db
def test_2027_weekdays_assumed_without_crash():
    assert coverage(2027) == "weekdays"
    assert is_working_day(D(2027, 2, 8))  # a Monday (in reality inside the Spring Festival)
    assert not is_working_day(D(2027, 2, 6))  # a Saturday
    assert working_days_between(D(2027, 1, 1), D(2027, 12, 31)) == 260
    result = deadline(D(2027, 2, 4), 5)
    assert result.due == D(2027, 2, 11)
    assert result.fallback
    assert result.fallback_years == (2027,)
    assert result.administrator_days == 0
    assert "2027" in result.note and "Monday–Friday assumed" in result.note
    assert coverage(2003) == "weekdays"  # before the package's first year too
    assert coverage(2100) == "weekdays"
    assert is_working_day(D(2100, 1, 1))  # a Friday; no crash


@pytest.mark.django_db
def test_2027_administrator_rows_change_the_result(spring_2027):
    assert coverage(2027) == "administrator"
    assert not is_working_day(D(2027, 2, 8))
    assert is_working_day(D(2027, 1, 31))  # Sunday 调休 (example)
    result = deadline(D(2027, 2, 4), 5)
    # 2/5–2/13 off (example) → Mon 2/15 1, 2/16 2, 2/17 3, 2/18 4, Fri 2/19 5.
    assert result.due == D(2027, 2, 19)
    assert result.fallback  # the other days of 2027 are still Monday–Friday
    assert result.administrator_days == spring_2027 == 11
    assert "plus 11 days entered by the administrator" in result.note
    assert deadline(D(2027, 1, 29), 1).due == D(2027, 1, 31)  # Fri → Sun 调休 (example)
    assert deadline(D(2027, 2, 19), 1).due == D(2027, 2, 20)  # Fri → Sat 调休 (example)
    cal = workdays.calendar(D(2027, 1, 1))
    assert cal.source(D(2027, 2, 8)) == "administrator"
    assert cal.source(D(2027, 3, 1)) == "weekdays"


@pytest.mark.django_db
def test_deadline_spanning_into_2027():
    # 2026-12-30 (Wed) + 3: Thu 12/31, then 2027 — New Year's Day unknown, so Fri 1/1 counts.
    result = deadline(D(2026, 12, 30), 3)
    assert result.due == D(2027, 1, 4)
    assert result.fallback and result.fallback_years == (2027,)
    CalendarDay.objects.create(date=D(2027, 1, 1), is_working_day=False, name="元旦 (example)",
                               source=EXAMPLE_2027_SOURCE)
    result = deadline(D(2026, 12, 30), 3)
    assert result.due == D(2027, 1, 5)
    assert result.administrator_days == 1
    assert "plus 1 day entered" in result.note
    # A span that stays inside 2026 is not a fallback, whatever 2027 looks like.
    assert not deadline(D(2026, 12, 28), 3).fallback


# --------------------------------------------------------------------------- corrections to covered years


@pytest.mark.django_db
def test_administrator_correction_overrides_the_package():
    """EXAMPLE correction rows for 2026 (hypothetical — the package's 2026 data is right)."""
    assert deadline(D(2026, 9, 30), 2).due == D(2026, 10, 9)
    fri = CalendarDay.objects.create(date=D(2026, 10, 9), is_working_day=False, name="example correction")
    assert coverage(2026) == "official"  # still the package, with a correction on top
    assert not is_working_day(D(2026, 10, 9))
    assert deadline(D(2026, 9, 30), 2).due == D(2026, 10, 10)  # Sat 10/10 调休 from the package
    sat = CalendarDay.objects.create(date=D(2026, 10, 10), is_working_day=False, name="example correction")
    result = deadline(D(2026, 9, 30), 2)
    assert result.due == D(2026, 10, 12)
    assert not result.fallback  # corrections are not the fallback rule
    assert workdays.calendar(D(2026, 1, 1)).source(D(2026, 10, 10)) == "administrator"

    # Edits that send no signal (QuerySet.update) are still seen, through the version key.
    CalendarDay.objects.filter(pk=sat.pk).update(is_working_day=True)
    assert deadline(D(2026, 9, 30), 2).due == D(2026, 10, 10)
    CalendarDay.objects.filter(pk=fri.pk).update(date=D(2026, 10, 8))
    assert is_working_day(D(2026, 10, 9))
    assert deadline(D(2026, 9, 30), 2).due == D(2026, 10, 10)  # 10/8 off now, 10/9 1, 10/10 2

    CalendarDay.objects.all().delete()
    assert deadline(D(2026, 9, 30), 2).due == D(2026, 10, 9)


# --------------------------------------------------------------------------- caching and queries


@pytest.mark.django_db
def test_queries_are_bounded(spring_2027, django_assert_max_num_queries, django_assert_num_queries):
    with django_assert_max_num_queries(2):
        working_day_table(D(2024, 1, 1), D(2027, 12, 31))
    with django_assert_num_queries(1):  # warm: only the version key
        working_day_table(D(2024, 1, 1), D(2027, 12, 31))
    with django_assert_num_queries(1):
        is_working_day(D(2025, 6, 3))
    cal = workdays.calendar(D(2024, 1, 1), D(2027, 12, 31))
    with django_assert_num_queries(0):  # a snapshot never queries
        for d in days(D(2024, 1, 1), D(2027, 12, 31)):
            cal.is_working_day(d)


@pytest.mark.django_db
def test_snapshot_is_immutable_and_bounded():
    cal = workdays.calendar(D(2025, 3, 1))
    assert (cal.first, cal.last) == (D(2025, 1, 1), D(2025, 12, 31))
    with pytest.raises(LookupError):
        cal.is_working_day(D(2026, 1, 1))
    assert cal.rows(D(2025, 1, 25), D(2025, 1, 27)) == [
        (D(2025, 1, 25), False), (D(2025, 1, 26), True), (D(2025, 1, 27), True)]
    with pytest.raises(ValueError):
        working_day_table(D(2025, 2, 1), D(2025, 1, 1))


# --------------------------------------------------------------------------- the table agrees with scalars


@pytest.mark.django_db
def test_table_agrees_with_scalar_functions_2024_2027(spring_2027):
    start, end = D(2024, 1, 1), D(2027, 12, 31)
    table = working_day_table(start, end)
    assert table.columns == ["date", "is_working_day", "working_day_index", "source"]
    assert table.schema["date"] == pl.Date and table.height == (end - start).days + 1
    assert table["date"].to_list() == days(start, end)
    flags = dict(zip(table["date"].to_list(), table["is_working_day"].to_list(), strict=True))
    index = dict(zip(table["date"].to_list(), table["working_day_index"].to_list(), strict=True))

    # Every day: the table's flag is the scalar answer, and the index is the running count.
    assert all(is_working_day(d) is flags[d] for d in flags)
    assert table["working_day_index"].to_list() == np.cumsum(table["is_working_day"].to_numpy()).tolist()
    assert dict(table.group_by("source").len().iter_rows()) == {
        "official": 366 + 365 + 365, "administrator": 11, "weekdays": 365 - 11}

    # All pairs of a sample: scalar between == index difference == brute force; add_working_days inverts it.
    rng = random.Random(20250124)
    sample = sorted(rng.sample(list(flags), 45))
    sample += [d for _, off, work in HOLIDAYS for d in (off[0], work[-1])]
    sample += [EXAMPLE_2027_OFF[0], EXAMPLE_2027_WORK[-1], start, end]
    flag_list = table["is_working_day"].to_list()
    pairs = [(a, b) for a in sample for b in sample]
    expected_pairs = [naive_count(a, b, flag_list, start) for a, b in pairs]
    for (a, b), expected in zip(pairs, expected_pairs, strict=True):
        assert index[b] - index[a] == expected, (a, b)
        assert working_days_between(a, b) == expected, (a, b)
        if expected > 0:  # add_working_days inverts it: b itself, or b is a day off after that day
            assert add_working_days(a, expected) <= b
            assert add_working_days(a, expected) == b or not flags[b]

    # add_working_days: the n-th working day after a, for a range of n, from the table alone.
    dates = table["date"].to_list()
    pos = {d: i for i, d in enumerate(dates)}
    for a in sample[:20]:
        later = [d for d in dates[pos[a] + 1 :] if flags[d]]
        for n in (0, 1, 2, 5, 10, 20, 60):
            if n <= len(later):
                assert add_working_days(a, n) == (later[n - 1] if n else a), (a, n)

    # Vectorised pairs on a snapshot agree too.
    cal = workdays.calendar(start, end)
    starts = pl.Series([a for a, _ in pairs], dtype=pl.Date)
    ends = pl.Series([b for _, b in pairs], dtype=pl.Date)
    got = cal.working_days_between_many(starts, ends)
    assert got.tolist() == expected_pairs

    # A sub-range table restarts the index but keeps the differences.
    sub = working_day_table(D(2025, 1, 24), D(2025, 2, 7))
    assert sub["working_day_index"].to_list()[-1] - sub["working_day_index"].to_list()[0] == 5
    assert sub.to_arrow().num_rows == 15


# --------------------------------------------------------------------------- admin


@pytest.mark.django_db
def test_admin_lists_rows_by_year(client, spring_2027):
    from django.contrib import admin

    from qinqing.accounts.models import User
    from qinqing.accounts.roles import Role

    assert admin.site.is_registered(CalendarDay)
    CalendarDay.objects.create(date=D(2026, 10, 9), is_working_day=False, name="example correction")
    user = User.objects.create_superuser("root", "root@example.com", "pw-x9", role=Role.ADMIN)
    client.force_login(user)
    page = client.get("/admin/core/calendarday/", {"year": "2027"}, secure=True)
    assert page.status_code == 200
    body = page.content.decode()
    assert "2027" in body and "example correction" not in body
    assert page.context["cl"].result_count == spring_2027
    page = client.get("/admin/core/calendarday/", {"year": "2026"}, secure=True)
    assert page.context["cl"].result_count == 1


def test_years_read_from_the_package_tables_agree_with_its_day_by_day_answer():
    """`_base_year` reads the package's holiday and 调休 tables at once; it gives what `is_workday` gives."""
    from qinqing.core.workdays import _base_year

    for year in range(2004, 2027):
        flags = _base_year(year)
        first = dt.date(year, 1, 1)
        assert [bool(f) for f in flags] == [chinese_calendar.is_workday(first + dt.timedelta(days=i))
                                           for i in range(len(flags))], year
