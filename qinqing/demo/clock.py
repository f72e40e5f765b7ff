"""Dates and times of the demo world: working days (Chinese public-holiday calendar) and timestamps.

Offices work on working days only, so submissions, acceptances and completions fall on them; durations
are counted in working days after the day of acceptance, as time limits (办结时限) are.
"""

from __future__ import annotations

import datetime as dt
import functools

import numpy as np

from qinqing.demo.params import AS_OF

DAY = np.timedelta64(1, "D")
_FIRST, _LAST = dt.date(2004, 1, 1), dt.date(2026, 12, 31)  # the years chinese_calendar covers


@functools.cache
def workdays() -> np.ndarray:
    """All working days the calendar package knows (weekdays outside it), as datetime64[D]."""
    try:
        import chinese_calendar
    except ImportError:  # pragma: no cover - the package is a project dependency
        chinese_calendar = None
    days = np.arange(np.datetime64(_FIRST), np.datetime64(_LAST) + DAY, DAY)
    if chinese_calendar is None:
        return days[(days.astype(np.int64) + 3) % 7 < 5]
    flags = [chinese_calendar.is_workday(d) for d in days.astype(dt.date)]  # ~8k days, once per process
    return days[np.array(flags)]


def d64(value: dt.date) -> np.datetime64:
    return np.datetime64(value, "D")


def index_on_or_after(dates: np.ndarray) -> np.ndarray:
    """Index in workdays() of the first working day on or after each date."""
    return np.searchsorted(workdays(), dates.astype("datetime64[D]"))


def as_of_index() -> int:
    """Index of the last working day on or before AS_OF."""
    return int(np.searchsorted(workdays(), d64(AS_OF), side="right") - 1)


def random_workdays(rng: np.random.Generator, n: int, start: dt.date, end: dt.date = AS_OF) -> np.ndarray:
    """Indices of working days drawn uniformly between start and end (inclusive)."""
    lo = int(index_on_or_after(np.array([d64(start)]))[0])
    hi = int(np.searchsorted(workdays(), d64(end), side="right"))
    return rng.integers(lo, max(hi, lo + 1), n)


def day_of(index: np.ndarray) -> np.ndarray:
    wd = workdays()
    return wd[np.clip(index, 0, wd.shape[0] - 1)]


def random_dates(rng: np.random.Generator, n: int, start: dt.date, end: dt.date) -> np.ndarray:
    """Calendar dates (any day) drawn uniformly, datetime64[D]."""
    lo, hi = d64(start).astype(np.int64), d64(end).astype(np.int64)
    return rng.integers(lo, hi + 1, n).astype("datetime64[D]")


def office_seconds(rng: np.random.Generator, n: int, start_h: float = 8.5, end_h: float = 17.5) -> np.ndarray:
    """Seconds after midnight within office hours."""
    return rng.integers(int(start_h * 3600), int(end_h * 3600), n)


def stamp(days: np.ndarray, seconds: np.ndarray) -> np.ndarray:
    """Local (Asia/Shanghai) times, datetime64[us], from days and seconds after midnight."""
    return (days.astype("datetime64[s]") + seconds.astype("timedelta64[s]")).astype("datetime64[us]")


def years_before(dates: np.ndarray, years: np.ndarray | float) -> np.ndarray:
    return dates - (np.asarray(years) * 365.25).astype(np.int64).astype("timedelta64[D]")
