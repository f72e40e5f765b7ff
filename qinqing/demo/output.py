"""Writing contract files: the schema's columns in schema order, values in the contract's text forms.

Dates `YYYY-MM-DD`, timestamps ISO 8601 with `+08:00`, booleans `true`/`false`, money as plain
decimals with two places (shares with four), empty cells for absent values.
"""

from __future__ import annotations

from pathlib import Path

import polars as pl

from qinqing.contract.schema import Table

DECIMAL_PLACES = {("holdings", "share_ratio"): 4}


def _formatted(table: Table, frame: pl.DataFrame) -> list[pl.Expr]:
    exprs = []
    for col in table.columns:
        if col.name not in frame.columns:
            exprs.append(pl.lit(None, dtype=pl.String).alias(col.name))
            continue
        dtype = frame.schema[col.name]
        e = pl.col(col.name)
        if col.type == "timestamp" and dtype.is_temporal():
            e = e.dt.strftime("%Y-%m-%dT%H:%M:%S+08:00")
        elif col.type == "date" and dtype.is_temporal():
            e = e.cast(pl.Date).dt.strftime("%Y-%m-%d")
        elif col.type == "decimal" and dtype.is_float():
            places = DECIMAL_PLACES.get((table.name, col.name), 2)
            e = e.cast(pl.Decimal(20, places)).cast(pl.String)
        elif col.type == "int" and dtype.is_numeric():
            e = e.cast(pl.Int64)
        elif col.type == "bool":
            e = e.cast(pl.Boolean)
        exprs.append(e.alias(col.name))
    return exprs


def formatted(table: Table, frame: pl.DataFrame) -> pl.DataFrame:
    return frame.select(_formatted(table, frame))


def write_table(table: Table, frame: pl.DataFrame, out_dir: Path) -> int:
    out = formatted(table, frame)
    out.write_csv(out_dir / f"{table.name}.csv", include_header=True, null_value="", line_terminator="\n")
    return out.height
