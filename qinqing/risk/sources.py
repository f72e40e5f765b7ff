"""The stored contract tables as typed Arrow columns, the form both scan engines read.

Dates are dates, timestamps are naive Asia/Shanghai local time (China has kept UTC+8 without daylight
saving since 1991, so one fixed offset is exact and both engines agree on it), money and ratios are
doubles, booleans are booleans and `;`/`|`-lists are lists of strings. A file-backed database outside a
transaction is read with ADBC straight into Arrow; otherwise (tests, in-memory databases) through
Django's cursor.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable, Iterable, Iterator

import polars as pl
import pyarrow as pa
from django.db import connection

from qinqing.contract.db import db_table
from qinqing.contract.exporter import read_table
from qinqing.contract.schema import TABLE_BY_NAME, Column, Table

LOCAL_OFFSET = dt.timedelta(hours=8)

_POLARS_TYPES: dict[str, pl.DataType] = {
    "int": pl.Int64, "decimal": pl.Float64, "date": pl.Date, "timestamp": pl.Datetime("us"),
    "bool": pl.Boolean,
}


def engine_type(col: Column) -> pl.DataType:
    if col.type == "list":
        return pl.List(pl.String)
    return _POLARS_TYPES.get(col.type, pl.String)


def engine_schema(table: Table) -> dict[str, pl.DataType]:
    return {c.name: engine_type(c) for c in table.columns}


def _timestamp(expr: pl.Expr, dtype: pl.DataType) -> pl.Expr:
    if isinstance(dtype, pl.Datetime):
        utc = expr.dt.replace_time_zone("UTC") if dtype.time_zone is None else expr.dt.convert_time_zone("UTC")
    else:  # SQLite: naive UTC text, with or without a fraction
        text = expr.cast(pl.String)
        utc = pl.coalesce(
            text.str.to_datetime(f, time_unit="us", time_zone="UTC", strict=False)
            for f in ("%Y-%m-%d %H:%M:%S%.f", "%Y-%m-%d %H:%M:%S", "%Y-%m-%dT%H:%M:%S%.f%:z")
        )
    return utc.dt.replace_time_zone(None).dt.cast_time_unit("us") + LOCAL_OFFSET


def typed(table: Table, frame: pl.DataFrame, keep: list[str] | None = None) -> pl.DataFrame:
    """Stored values (SQLite text and integers, or PostgreSQL's own types) as the engines' types;
    `keep`: only these columns."""
    out = []
    for col in table.columns:
        if keep is not None and col.name not in keep:
            continue
        raw = frame.schema.get(col.name, pl.Null)
        c = pl.col(col.name) if col.name in frame.columns else pl.lit(None)
        if col.type == "timestamp":
            out.append(_timestamp(c, raw).alias(col.name))
        elif col.type == "date":
            out.append((c if raw == pl.Date else c.cast(pl.String).str.to_date("%Y-%m-%d", strict=False))
                       .alias(col.name))
        elif col.type == "bool":
            out.append(c.cast(pl.Int8).cast(pl.Boolean).alias(col.name) if raw != pl.Boolean
                       else c.alias(col.name))
        elif col.type == "list":
            out.append(pl.when(c.cast(pl.String).str.len_chars() > 0)
                       .then(c.cast(pl.String).str.split(col.separator)).alias(col.name))
        else:
            out.append(c.cast(engine_type(col), strict=False).alias(col.name))
    return frame.select(out) if out else frame


def _id_part(table: Table, keep: list[str]) -> list[str]:
    """The stored surrogate id, for tables keyed by several columns, when asked for (`id` in keep)."""
    return ['CAST("id" AS BIGINT) AS "id"'] if "id" in keep and not table.primary_key else []


def _sqlite_select(table: Table, keep: list[str]) -> str:
    parts = _id_part(table, keep)
    for col in (c for c in table.columns if c.name in keep):
        q = f'"{col.name}"'
        if col.type == "decimal":
            parts.append(f"CAST({q} AS REAL) AS {q}")
        elif col.type in ("int", "bool"):
            parts.append(f"CAST({q} AS INTEGER) AS {q}")
        else:
            parts.append(f"CAST({q} AS TEXT) AS {q}")
    return f'SELECT {", ".join(parts)} FROM "{db_table(table)}"'  # noqa: S608 - names from the schema


def _postgres_select(table: Table, keep: list[str]) -> str:
    parts = _id_part(table, keep)
    for col in (c for c in table.columns if c.name in keep):
        q = f'"{col.name}"'
        cast = {"decimal": "float8", "int": "int8"}.get(col.type)
        parts.append(f"{q}::{cast} AS {q}" if cast else q)
    return f'SELECT {", ".join(parts)} FROM "{db_table(table)}"'  # noqa: S608


def postgres_uri(settings: dict) -> str:
    from urllib.parse import quote

    user = quote(settings.get("USER") or "", safe="")
    password = quote(settings.get("PASSWORD") or "", safe="")
    auth = f"{user}:{password}@" if password else (f"{user}@" if user else "")
    host = settings.get("HOST") or "localhost"
    if host.startswith("/"):  # a Unix socket directory
        return f"postgresql://{auth}/{quote(settings['NAME'], safe='')}?host={quote(host, safe='')}" + (
            f"&port={settings['PORT']}" if settings.get("PORT") else "")
    port = f":{settings['PORT']}" if settings.get("PORT") else ""
    return f"postgresql://{auth}{host}{port}/{quote(settings['NAME'], safe='')}"


BATCH_ROWS = 262_144  # rows a streamed read holds at once (sources.stored_batches)


def _adbc_reader() -> Callable[[Table, list[str]], pa.Table] | None:
    """A reader over a second connection when the stored data is visible to one (committed, on disk);
    `reader.batches(table, keep)` streams the rows a slice at a time."""
    if connection.in_atomic_block:
        return None
    settings = connection.settings_dict
    if connection.vendor == "sqlite":
        name = str(settings["NAME"])
        if name == ":memory:" or "mode=memory" in name:
            return None
        import adbc_driver_sqlite.dbapi as driver

        conn, select = driver.connect(name), _sqlite_select
    elif connection.vendor == "postgresql":
        import adbc_driver_postgresql.dbapi as driver

        conn, select = driver.connect(postgres_uri(settings)), _postgres_select
    else:
        return None

    def read(table: Table, keep: list[str]) -> pa.Table:
        with conn.cursor() as cur:
            cur.execute(select(table, keep))
            return cur.fetch_arrow_table()

    def batches(table: Table, keep: list[str]) -> Iterator[pa.RecordBatch]:
        with conn.cursor() as cur:
            if connection.vendor == "sqlite":  # the driver's default is 1,024 rows a batch
                cur.adbc_statement.set_options(**{"adbc.sqlite.query.batch_rows": str(BATCH_ROWS)})
            cur.execute(select(table, keep))
            stream = cur.fetch_record_batch()
            empty = True
            for batch in stream:
                empty = False
                yield batch
            if empty:  # still one batch: it carries the columns and their types
                yield pa.RecordBatch.from_pylist([], schema=stream.schema)

    read.batches = batches  # type: ignore[attr-defined]
    read.close = conn.close  # type: ignore[attr-defined]
    return read


def stored_batches(table: Table) -> Iterator[pl.DataFrame]:
    """What `read_stored(table)` returns, a slice of rows at a time: a copy of a province's six million
    roles then holds one slice in memory, not the table (at least one frame, maybe empty)."""
    reader = _adbc_reader()
    if reader is None:
        yield read_stored(table)
        return
    try:
        for batch in reader.batches(table, [*table.column_names, "id"]):
            yield pl.from_arrow(batch)
    finally:
        reader.close()


def load_tables(names: Iterable[str], progress: Callable[[str], None] | None = None,
                columns: dict[str, list[str]] | None = None) -> dict[str, pl.DataFrame]:
    """The named contract tables, typed for the engines; `columns`: per table, only these (the rules read
    a fraction of the registry's text, and memory is what a province-scale scan runs short of)."""
    reader = _adbc_reader()
    frames: dict[str, pl.DataFrame] = {}
    try:
        for name in names:
            table = TABLE_BY_NAME[name]
            keep = (columns or {}).get(name) or table.column_names
            raw = pl.from_arrow(reader(table, keep)) if reader else read_table(table)
            frames[name] = typed(table, raw, keep)
            del raw
            if progress:
                progress(name)
    finally:
        if reader:
            reader.close()
    return frames


def read_stored(table: Table, keys: list | None = None) -> pl.DataFrame:
    """Every column of `table` as stored, with the surrogate `id` of multi-column-keyed tables; `keys`:
    only the rows with these key values (natural key, or id)."""
    keep = [*table.column_names, "id"]
    if keys is None and (reader := _adbc_reader()) is not None:
        try:
            return pl.from_arrow(reader(table, keep))
        finally:
            reader.close()
    cols = table.column_names + ([] if table.primary_key else ["id"])
    key = table.primary_key or "id"
    q = connection.ops.quote_name
    sql = f'SELECT {", ".join(q(c) for c in cols)} FROM {q(db_table(table))}'  # noqa: S608 - schema names
    params: list = []
    if keys is not None:
        if not keys:
            return pl.DataFrame(schema={c: pl.String for c in cols})
        sql += f" WHERE {q(key)} IN ({', '.join(['%s'] * len(keys))})"
        params = list(keys)
    with connection.cursor() as cur:
        cur.execute(sql, params)
        rows = cur.fetchall()
    if not rows:
        return pl.DataFrame(schema={c: pl.String for c in cols})
    return pl.DataFrame(rows, schema=cols, orient="row", infer_schema_length=None)


def empty_table(name: str) -> pl.DataFrame:
    return pl.DataFrame(schema=engine_schema(TABLE_BY_NAME[name]))
