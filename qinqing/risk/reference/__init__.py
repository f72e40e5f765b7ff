"""Tables the engine builds for the rules beside the contract tables.

- `workdays`: the working-day calendar (法定节假日 and 调休 from `qinqing.core.workdays`) as one row per
  day with a running index, so "working days between a and b" is a subtraction in a join;
- `unit_tree`: every department with each of its ancestors (a unit's subtree is one equi-join);
- `powers`: the powers catalogue (权力清单): which service items a post's `duties` code covers.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

import polars as pl

from qinqing.core import workdays

HERE = Path(__file__).resolve().parent
CALENDAR_MARGIN = dt.timedelta(days=400)  # deadlines of matters submitted up to the scan date


@dataclass(frozen=True)
class Builder:
    needs: tuple[str, ...]
    build: Callable[[dict[str, pl.DataFrame], dt.date], pl.DataFrame]


def _dates(frames: dict[str, pl.DataFrame]) -> list[dt.date]:
    found = []
    for frame in frames.values():
        for col, dtype in frame.schema.items():
            if dtype == pl.Date or isinstance(dtype, pl.Datetime):
                lo = frame.get_column(col).min()
                if lo is not None:
                    found.append(lo.date() if isinstance(lo, dt.datetime) else lo)
    return found


# The calendar starts at the earliest date of these tables (their dates' minima are all it reads of them).
CALENDAR_SPAN = ("applications", "appeals")


def build_workdays(frames: dict[str, pl.DataFrame], as_of: dt.date) -> pl.DataFrame:
    dates = [d for d in _dates({k: frames[k] for k in CALENDAR_SPAN if k in frames})
             if d.year >= 1990]
    start = min([*dates, as_of - dt.timedelta(days=366)])
    end = as_of + CALENDAR_MARGIN
    table = workdays.working_day_table(start, end)
    return table.select(
        pl.col("date").alias("day"), "is_working_day", "working_day_index",
        pl.col("source").cast(pl.String),
    )


def build_unit_tree(frames: dict[str, pl.DataFrame], as_of: dt.date) -> pl.DataFrame:
    """(ancestor_code, department_code, depth): depth 0 is the unit itself. A chain stops before a unit it
    has passed (a cycle in bad data). Built a level at a time by joins (9k units of a province: a few ms)."""
    departments = frames["departments"].select("code", "parent_code")
    parents = departments.filter(pl.col("parent_code").is_not_null())
    level = departments.select(pl.col("code").alias("ancestor_code"), pl.col("code").alias("department_code"),
                               pl.lit(0, dtype=pl.Int64).alias("depth"))
    levels, seen = [level], level.select("department_code", "ancestor_code")
    while level.height:
        level = (level.join(parents, left_on="ancestor_code", right_on="code")
                 .select(pl.col("parent_code").alias("ancestor_code"), "department_code", pl.col("depth") + 1)
                 .join(seen, on=["department_code", "ancestor_code"], how="anti"))
        levels.append(level)
        seen = pl.concat([seen, level.select("department_code", "ancestor_code")])
    return (pl.concat(levels).sort("department_code", "depth")
            .cast({"ancestor_code": pl.String, "department_code": pl.String, "depth": pl.Int64}))


def build_powers(frames: dict[str, pl.DataFrame], as_of: dt.date) -> pl.DataFrame:
    table = pl.read_csv(HERE / "powers.csv", infer_schema_length=0)
    return table.with_columns(pl.col("item_keywords").str.split("|")).explode("item_keywords").rename(
        {"item_keywords": "item_keyword"})


BUILDERS: dict[str, Builder] = {
    "workdays": Builder((), build_workdays),
    "unit_tree": Builder(("departments",), build_unit_tree),
    "powers": Builder((), build_powers),
}
