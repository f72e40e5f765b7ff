"""Row identity for tables whose natural key is several columns (or the whole row).

The id is the lower 64 bits of the MD5 of the key's canonical text, as a signed integer. It is the
table's primary key (SQLite's rowid), so a re-import finds the row by key with no text index, and the
same key always gives the same id: in bulk through DuckDB, for one row through hashlib, bit for bit.
MD5 is used as a stable, well-spread hash here, not for security; 64 bits make a collision among a
table's rows a one-in-a-million event at tens of millions of rows, and a collision inside one import is
reported as a duplicate key rather than merged silently.
"""

from __future__ import annotations

import datetime as dt
import hashlib
from decimal import Decimal

import duckdb
import numpy as np
import polars as pl

from qinqing.contract.schema import Table

SEPARATOR = "\x1f"


def canonical(value) -> str:
    """The text a typed contract value has in a key (as Polars casts the validated column to text)."""
    if value is None:
        return ""
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, dt.datetime):
        raise TypeError("timestamps are not part of any natural key")
    if isinstance(value, dt.date):
        return value.isoformat()
    if isinstance(value, Decimal | float):
        text = format(Decimal(str(value)), "f")
        return (text.rstrip("0").rstrip(".") if "." in text else text) or "0"
    return str(value)


def key_columns(table: Table) -> list[str]:
    return list(table.key) if table.key else table.column_names


def _signed(unsigned: int) -> int:
    return unsigned - (1 << 64) if unsigned >= 1 << 63 else unsigned


def natural_id(table: Table, values: dict, occurrence: int = 0) -> int:
    """The id of one row given its contract values (column name → typed value)."""
    text = SEPARATOR.join(canonical(values.get(c)) for c in key_columns(table))
    if not table.key:
        text += f"{SEPARATOR}{occurrence}"
    digest = hashlib.md5(text.encode(), usedforsecurity=False).digest()
    return _signed(int.from_bytes(digest[8:], "little"))


def natural_ids(frame: pl.DataFrame, table: Table) -> pl.Series:
    """`natural_id` for every row of a validated frame, computed by DuckDB on all cores."""
    parts = [pl.col(c).cast(pl.String).fill_null("") for c in key_columns(table)]
    text = pl.concat_str(parts, separator=SEPARATOR)
    if not table.key:  # whole-row key: identical rows are told apart by their occurrence number
        text = text + SEPARATOR + pl.int_range(pl.len()).over(text).cast(pl.String)
    keys = frame.select(text.alias("k")).to_arrow()
    with duckdb.connect() as con:
        con.register("keys", keys)
        lower = con.execute("SELECT md5_number_lower(k) AS h FROM keys").fetchnumpy()["h"]
    return pl.Series("id", np.asarray(lower, dtype=np.uint64).view(np.int64))
