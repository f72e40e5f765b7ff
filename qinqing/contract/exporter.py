"""`export_dataset`: every stored contract table back to CSV files in the contract's format."""

from __future__ import annotations

from decimal import Decimal
from pathlib import Path

import polars as pl
from django.db import connection

from qinqing.contract.columns import TZ
from qinqing.contract.db import _q, db_table
from qinqing.contract.schema import TABLES, Table
from qinqing.contract.validate import decimal_spec

FETCH = 20_000


def _decimal_text(value, places: int) -> str | None:
    if value is None:
        return None
    number = value if isinstance(value, Decimal) else Decimal(repr(value)) if isinstance(value, float) \
        else Decimal(str(value))
    text = format(number.quantize(Decimal(1).scaleb(-places)), "f")
    return text.rstrip("0").rstrip(".") if "." in text else text


def _format(table: Table, frame: pl.DataFrame) -> pl.DataFrame:
    out = []
    for col in table.columns:
        c = pl.col(col.name)
        if col.type == "timestamp":
            if frame.schema[col.name] in (pl.String, pl.Null):  # SQLite: naive UTC text
                text_col = c.cast(pl.String)
                parsed = pl.coalesce(
                    text_col.str.to_datetime(f, time_unit="us", time_zone="UTC", strict=False)
                    for f in ("%Y-%m-%d %H:%M:%S%.f", "%Y-%m-%d %H:%M:%S")
                )
            else:
                parsed = c.dt.convert_time_zone("UTC")
            local = parsed.dt.convert_time_zone(TZ)
            text = local.dt.strftime("%Y-%m-%dT%H:%M:%S")
            micro = local.dt.microsecond()
            out.append(pl.when(micro == 0).then(text + "+08:00")
                       .otherwise(text + "." + micro.cast(pl.String).str.zfill(6) + "+08:00").alias(col.name))
        elif col.type == "bool":
            out.append(pl.when(c.cast(pl.Boolean)).then(pl.lit("true"))
                       .when(c.cast(pl.Boolean).not_()).then(pl.lit("false")).alias(col.name))
        elif col.type == "decimal":
            places = decimal_spec(table, col.name).decimal_places
            out.append(c.map_elements(lambda v, p=places: _decimal_text(v, p), return_dtype=pl.String,
                                      skip_nulls=True).alias(col.name))
        else:
            out.append(c.cast(pl.String))
    return frame.select(out)


def read_table(table: Table) -> pl.DataFrame:
    cols = table.column_names
    order = table.primary_key or "id"
    sql = f"SELECT {', '.join(_q(c) for c in cols)} FROM {_q(db_table(table))} ORDER BY {_q(order)}"  # noqa: S608
    chunks = []
    with connection.cursor() as cur:
        cur.execute(sql)
        while rows := cur.fetchmany(FETCH):
            chunks.append(pl.DataFrame(rows, schema=cols, orient="row", infer_schema_length=None))
    if not chunks:
        return pl.DataFrame(schema={c: pl.String for c in cols})
    return pl.concat(chunks, how="vertical_relaxed")


def export_dataset(out_dir: Path, progress=None) -> dict[str, int]:
    out_dir = Path(out_dir)
    out_dir.mkdir(parents=True, exist_ok=True)
    counts = {}
    for table in TABLES:
        frame = _format(table, read_table(table))
        frame.write_csv(out_dir / f"{table.name}.csv")
        counts[table.name] = frame.height
        if progress:
            progress(table.name)
    return counts
