"""Numeric, date and JSON helpers reproducing Cardinal's (open-contracting/cardinal-rs) exact behaviour.

Cardinal is written in Rust; to produce byte-identical output we mimic:

- ``chrono::DateTime::parse_from_rfc3339`` and ``TimeDelta::num_days`` (R003),
- ``statrs`` ``OrderStatistics::quantile`` (the R-8 estimator used for quartiles and percentiles),
- ``f64::mul_add`` (a fused multiply-add, i.e. one rounding) used for the Tukey fences,
- ``f64::round`` (half away from zero) used to round the ``Meta`` values to 4 decimals,
- ``serde_json``'s float formatting (``ryu``/``zmij``: ``1.0``, ``0.2``, ``1e16``, ``1e-7``; non-finite ->
  ``null``).
"""

from __future__ import annotations

import json
import math
import re
from collections.abc import Iterable
from datetime import datetime, timedelta, timezone
from fractions import Fraction
from typing import Any

NANOS_PER_SECOND = 1_000_000_000
NANOS_PER_DAY = 86_400 * NANOS_PER_SECOND

# RFC 3339 as accepted by chrono: "T", "t" or " " separator; 1+ fraction digits (only 9 kept);
# "Z", "z" or a numeric offset with a mandatory colon ("-" may also be U+2212 MINUS SIGN).
_RFC3339 = re.compile(
    r"([0-9]{4})-([0-9]{2})-([0-9]{2})[Tt ]([0-9]{2}):([0-9]{2}):([0-9]{2})(?:\.([0-9]+))?"
    r"(?:[Zz]|([+\-\u2212])([0-9]{2}):([0-5][0-9]))"
)
_DAYS_IN_MONTH = (31, 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31)


def split_pipe(value: str | None, default: str | None = None) -> frozenset[str]:
    """Split a pipe-separated setting like Rust's ``split_terminator('|')`` (a trailing ``|`` adds
    nothing)."""
    if value is None:
        value = default
    if not value:
        return frozenset()
    parts = value.split("|")
    if parts[-1] == "":
        parts.pop()
    return frozenset(parts)


def _is_leap(year: int) -> bool:
    return year % 4 == 0 and (year % 100 != 0 or year % 400 == 0)


def _days_from_civil(year: int, month: int, day: int) -> int:
    """Days since 1970-01-01 in the proleptic Gregorian calendar (valid for year 0 too)."""
    year -= month <= 2
    era = year // 400
    yoe = year - era * 400
    doy = (153 * (month + (-3 if month > 2 else 9)) + 2) // 5 + day - 1
    doe = yoe * 365 + yoe // 4 - yoe // 100 + doy
    return era * 146097 + doe - 719468


def parse_rfc3339_parts(text: str) -> tuple[int, int, int, int, int, int, int, int] | None:
    """Return (year, month, day, hour, minute, second, nanosecond, offset_seconds) or None if invalid."""
    match = _RFC3339.fullmatch(text)
    if match is None:
        return None
    year, month, day, hour, minute, second = (int(match.group(i)) for i in range(1, 7))
    if not 1 <= month <= 12 or hour > 23 or minute > 59 or second > 60:
        return None
    days_in_month = 29 if month == 2 and _is_leap(year) else _DAYS_IN_MONTH[month - 1]
    if not 1 <= day <= days_in_month:
        return None
    fraction = match.group(7)
    nanosecond = int(fraction[:9].ljust(9, "0")) if fraction else 0
    offset = 0
    if match.group(8):
        offset = int(match.group(9)) * 3600 + int(match.group(10)) * 60
        if offset > 86_340:  # chrono: the offset must be within -23:59..=+23:59
            return None
        if match.group(8) != "+":
            offset = -offset
    return year, month, day, hour, minute, second, nanosecond, offset


def parse_rfc3339_ns(text: str) -> int | None:
    """Nanoseconds since the Unix epoch (UTC) for a chrono-valid RFC 3339 date-time, else None."""
    parts = parse_rfc3339_parts(text)
    if parts is None:
        return None
    year, month, day, hour, minute, second, nanosecond, offset = parts
    seconds = _days_from_civil(year, month, day) * 86_400 + hour * 3600 + minute * 60 + second - offset
    return seconds * NANOS_PER_SECOND + nanosecond


def parse_rfc3339_datetime(text: str) -> datetime | None:
    """An aware ``datetime`` keeping the original offset; None if invalid or not representable in Python."""
    parts = parse_rfc3339_parts(text)
    if parts is None:
        return None
    year, month, day, hour, minute, second, nanosecond, offset = parts
    try:
        value = datetime(year, month, day, hour, minute, min(second, 59), nanosecond // 1000,
                         tzinfo=timezone(timedelta(seconds=offset)))
    except ValueError:  # year 0
        return None
    return value + timedelta(seconds=1) if second == 60 else value


def whole_days(start_ns: int, end_ns: int) -> int:
    """``(end - start).num_days()`` in chrono: whole days, truncated toward zero."""
    delta = end_ns - start_ns
    days = abs(delta) // NANOS_PER_DAY
    return days if delta >= 0 else -days


def quantile(values: Iterable[float], tau: float) -> float:
    """``statrs`` ``Data::quantile``: the R-8 (median-unbiased) estimator; NaN for empty data."""
    data = sorted(values)
    n = len(data)
    if tau < 0.0 or tau > 1.0 or n == 0:
        return math.nan
    h = (n + 1.0 / 3.0) * tau + 1.0 / 3.0
    hf = int(h)
    if hf <= 0 or tau == 0.0:
        return data[0]
    if hf >= n or abs(tau - 1.0) <= 4 * 2.220446049250313e-16:
        return data[-1]
    a = data[hf - 1]
    b = data[hf]
    return a + (h - hf) * (b - a)


def quartiles(values: Iterable[float]) -> tuple[float, float]:
    """(Q1, Q3) as ``statrs`` ``lower_quartile`` and ``upper_quartile``."""
    data = sorted(values)
    return quantile(data, 0.25), quantile(data, 0.75)


def fma(a: float, b: float, c: float) -> float:
    """``a.mul_add(b, c)``: ``a * b + c`` with a single rounding, like Rust's ``f64::mul_add``."""
    if not (math.isfinite(a) and math.isfinite(b) and math.isfinite(c)):
        return a * b + c
    try:
        return float(Fraction(a) * Fraction(b) + Fraction(c))
    except OverflowError:
        return a * b + c


def rust_round(value: float) -> float:
    """``f64::round``: round half away from zero (Python's ``round`` rounds half to even)."""
    if not math.isfinite(value):
        return value
    floor = math.floor(abs(value))
    rounded = floor + 1 if abs(value) - floor >= 0.5 else floor
    return math.copysign(float(rounded), value)


def round4(value: float) -> float:
    """Cardinal's rounding of ``Meta`` values: ``(v * 10_000.0).round() / 10_000.0``."""
    return rust_round(value * 10_000.0) / 10_000.0


def format_float(value: float) -> str:
    """Format a float exactly as ``serde_json`` does (shortest round-trip digits, Rust layout)."""
    if not math.isfinite(value):
        return "null"
    if value == 0.0:
        return "-0.0" if math.copysign(1.0, value) < 0 else "0.0"
    if value.is_integer() and abs(value) < 1e16:
        return f"{int(value)}.0"
    sign = "-" if value < 0 else ""
    text = repr(abs(value))
    mantissa, _, exponent = text.partition("e")
    whole, _, fraction = mantissa.partition(".")
    digits = whole + fraction
    point = len(whole) + (int(exponent) if exponent else 0)
    stripped = digits.lstrip("0")
    point -= len(digits) - len(stripped)
    digits = stripped.rstrip("0") or "0"
    length = len(digits)
    if point - length >= 0 and point <= 16:
        return f"{sign}{digits}{'0' * (point - length)}.0"
    if 0 < point <= 16:
        return f"{sign}{digits[:point]}.{digits[point:]}"
    if -5 < point <= 0:
        return f"{sign}0.{'0' * -point}{digits}"
    if length == 1:
        return f"{sign}{digits}e{point - 1}"
    return f"{sign}{digits[0]}.{digits[1:]}e{point - 1}"


def dumps(value: Any) -> str:
    """Compact JSON text as ``serde_json::to_string`` writes it (dict order is kept)."""
    parts: list[str] = []
    _write(value, parts)
    return "".join(parts)


def _write(value: Any, parts: list[str]) -> None:
    if isinstance(value, dict):
        parts.append("{")
        first = True
        for key, item in value.items():
            if not first:
                parts.append(",")
            first = False
            parts.append(json.dumps(str(key), ensure_ascii=False))
            parts.append(":")
            _write(item, parts)
        parts.append("}")
    elif isinstance(value, list | tuple | set | frozenset):
        parts.append("[")
        for index, item in enumerate(value):
            if index:
                parts.append(",")
            _write(item, parts)
        parts.append("]")
    elif isinstance(value, bool) or value is None:
        parts.append(json.dumps(value))
    elif isinstance(value, float):
        parts.append(format_float(value))
    elif isinstance(value, int):
        parts.append(str(value))
    else:
        parts.append(json.dumps(str(value), ensure_ascii=False))
