"""How big each demo world is: one table of parameters per scale, and the world's fixed clock.

The world is pinned to a fixed "today" (AS_OF) so that the same seed gives the same bytes whatever day
the generator runs on.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

AS_OF = dt.date(2025, 6, 30)  # the world's "today": posts, bans and pending matters are judged against it
ACTIVITY_START = dt.date(2023, 1, 3)  # applications, appeals: the last two and a half years
TENDER_START = dt.date(2022, 1, 4)
CASE_START = dt.date(2018, 3, 20)  # the national supervision reform: the article counts cases from here
INCOME_YEARS = (2020, 2021, 2022, 2023, 2024)
LIAISON_START = dt.date(2021, 3, 1)  # the liaison (包保帮扶) system starts for everyone at once


@dataclass(frozen=True)
class Scale:
    name: str
    province: bool  # False: Qujing only (the article's city); True: all 16 prefectures of Yunnan
    counties: tuple[str, ...]  # restrict to these county codes (empty = all of the chosen area)
    officials: int
    firms: int
    applications: int
    tenders: int
    transactions: int
    interactions: int
    appeals: int
    cases: int
    policies: int
    plants: int  # instances of each planted pattern and look-alike


# Why these numbers:
# - city: a quick demo that imports in seconds and still looks like Qujing: ~2k officials over ~650
#   departments (every unit gets a leader, the rest are staff), ~30k firms (Qujing has far more; a
#   sample keeps browsing fast), ~60k holdings, ~50k applications (~2 per firm over two and a half
#   years), ~2k tenders with ~5 bids each.
# - province: the benchmark load the platform must import and analyse: 2M firms, ~4M holdings, 200k
#   officials, ~600k relatives (≈3 per official), 1M applications, 100k tenders → ~500k bids; the other
#   tables grow in proportion to what they hang on (firms, officials).
# - tiny: two counties, for fast tests; every planted pattern still appears once.
SCALES: dict[str, Scale] = {
    "tiny": Scale(
        "tiny",
        False,
        ("530302", "530325"),
        officials=700,
        firms=2_500,
        applications=4_000,
        tenders=160,
        transactions=1_500,
        interactions=1_200,
        appeals=400,
        cases=20,
        policies=10,
        plants=1,
    ),
    "city": Scale(
        "city",
        False,
        (),
        officials=2_200,
        firms=30_000,
        applications=50_000,
        tenders=2_000,
        transactions=20_000,
        interactions=12_000,
        appeals=5_000,
        cases=110,
        policies=40,
        plants=3,
    ),
    "province": Scale(
        "province",
        True,
        (),
        officials=200_000,
        firms=2_000_000,
        applications=1_000_000,
        tenders=100_000,
        transactions=600_000,
        interactions=300_000,
        appeals=120_000,
        cases=5_000,
        policies=600,
        plants=30,
    ),
}


def scale_named(name: str) -> Scale:
    try:
        return SCALES[name]
    except KeyError:
        raise ValueError(f"unknown scale {name!r}; choose one of {', '.join(SCALES)}") from None
