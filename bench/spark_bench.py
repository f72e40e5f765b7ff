"""Spark scaling benchmark: every rule on 1×, 2× and 4× the province world, on Spark and on DuckDB.

    .venv/bin/python bench/spark_bench.py --database var/province.sqlite3 [--scales 1,2,4] [--as-of 2025-06-30]

The world is replicated, not regenerated: copy i of every table is the stored world with its identifiers
moved apart (codes get a `~i` suffix; ID numbers, USCCs and phone numbers get their first digit shifted,
which keeps their length, masks and birth dates), so k copies are k disjoint provinces with the same
people's names — namesakes across copies, which a name alone must never link. Each scale is written once
as Parquet (from the scan's columnar copy of the database), then both engines run every rule over the
same files in this process; the rule outputs are compared (Spark must find what DuckDB finds) and wall
times, rows per second and the ratio to 1× are printed. Spark runs `local[N]` (QINQING_SPARK_MASTER,
default local[2]) with QINQING_SPARK_MEMORY driver memory (default here 6g). Figures are printed for the
closing note, not asserted.
"""

from __future__ import annotations

import argparse
import datetime as dt
import os
import sys
import tempfile
import time
from dataclasses import dataclass, field
from pathlib import Path

NOT_IDENTIFIERS = {"industry", "kind", "category", "region_code"}  # codes shared across provinces


def setup_django(database: Path) -> None:
    import django

    os.environ["DATABASE_URL"] = f"sqlite:///{database.resolve()}"
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "qinqing.settings")
    django.setup()


def identifier_expr(table, col) -> str:
    """The column of copy `i`: identifiers moved apart, everything else as it is."""
    q = f'"{col.name}"'
    if table.name == "lists" or col.name in NOT_IDENTIFIERS:
        return q
    if col.type in ("uscc", "id_number", "party") or col.name in ("phone", "contact_phone"):
        shift = ("CASE WHEN i = 0 OR {v} IS NULL OR NOT regexp_matches({v}, '^[0-9]') THEN {v} "
                 "ELSE CAST((CAST({v}[1] AS INTEGER) + i) % 10 AS VARCHAR) || {v}[2:] END")
        if col.name in ("phone", "contact_phone"):  # a leading digit more: phones are compared as digits
            return f"CASE WHEN i = 0 OR {q} IS NULL THEN {q} ELSE CAST(i AS VARCHAR) || {q} END"
        return shift.format(v=q)
    if col.type == "code":
        return f"CASE WHEN i = 0 OR {q} IS NULL THEN {q} ELSE {q} || '~' || CAST(i AS VARCHAR) END"
    if col.name == "briber_usccs":
        return (f"list_transform({q}, lambda u: CASE WHEN i = 0 THEN u "
                "ELSE CAST((CAST(u[1] AS INTEGER) + i) % 10 AS VARCHAR) || u[2:] END)")
    return q


@dataclass
class Replica:
    """Parquet files of k copies of the world, as the engines' stored-table handle (see engine.base.Stored)."""

    folder: Path
    versions: dict[str, int] = field(default_factory=dict)
    changes: dict[str, tuple[int, str, list]] = field(default_factory=dict)  # written whole: no row changes

    def parquet(self, name: str, columns: list[str] | None) -> str:
        return str(self.folder / f"{name}.parquet")

    def select(self, name: str, columns: list[str] | None) -> str:
        cols = ", ".join(f'"{c}"' for c in columns) if columns else "*"
        return f"SELECT {cols} FROM read_parquet('{self.parquet(name, columns)}')"


def replicate(con, base: dict[str, str], k: int, folder: Path) -> int:
    from qinqing.contract.schema import TABLE_BY_NAME

    folder.mkdir(parents=True, exist_ok=True)
    rows = 0
    for name, path in base.items():
        table = TABLE_BY_NAME[name]
        copies = 1 if name == "lists" else k
        cols = ", ".join(f'{identifier_expr(table, c)} AS "{c.name}"' for c in table.columns)
        con.execute(f"COPY (SELECT {cols} FROM read_parquet('{path}') CROSS JOIN range({copies}) AS r(i)) "
                    f"TO '{folder / (name + '.parquet')}' (FORMAT parquet)")
        rows += con.execute(f"SELECT count(*) FROM read_parquet('{folder / (name + '.parquet')}')").fetchone()[0]
    return rows


def builder_frames(replica: Replica, the_plan) -> dict:
    import polars as pl

    from qinqing.risk import reference

    frames = {}
    for name in {t for r in the_plan.reference for t in reference.BUILDERS[r].needs}:
        frames[name] = pl.read_parquet(replica.parquet(name, None))
    for name in reference.CALENDAR_SPAN:
        path = Path(replica.parquet(name, None))
        if path.exists():
            frames[name] = pl.scan_parquet(path).select(
                pl.col(c).min() for c, t in pl.read_parquet_schema(path).items()
                if t == pl.Date or isinstance(t, pl.Datetime)).collect()
    return frames


def run_engine(engine_name: str, replica: Replica, as_of: dt.date) -> tuple[float, dict]:
    from qinqing.risk import catalog
    from qinqing.risk.engine.base import plan, run
    from qinqing.risk.engine.engines import open_engine

    rules = list(catalog.rules().values())
    the_plan = plan(rules)
    started = time.perf_counter()
    engine = open_engine(engine_name)
    try:
        found = run(engine, builder_frames(replica, the_plan), the_plan, as_of=as_of, stored=replica).findings
    finally:
        engine.close()
    return time.perf_counter() - started, found


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--database", type=Path, required=True, help="a SQLite file holding an imported world")
    parser.add_argument("--scales", default="1,2,4")
    parser.add_argument("--as-of", type=dt.date.fromisoformat, default=dt.date(2025, 6, 30))
    parser.add_argument("--work", type=Path, default=None, help="folder for the Parquet copies (default: a temp dir)")
    parser.add_argument("--skip-duckdb", action="store_true")
    args = parser.parse_args()
    os.environ.setdefault("QINQING_SPARK_MEMORY", "6g")
    setup_django(args.database)
    from qinqing.contract.schema import TABLES
    from qinqing.risk.warehouse import Snapshot, Warehouse

    work = args.work or Path(tempfile.mkdtemp(prefix="qinqing-spark-bench-"))
    warehouse = Warehouse()
    with warehouse.open() as con:
        synced = warehouse.sync(con, [t.name for t in TABLES])
        snapshot = Snapshot(warehouse, con, synced.versions)
        base = {t.name: snapshot.parquet(t.name, None) for t in TABLES}
        first: dict[str, float] = {}
        for k in (int(s) for s in args.scales.split(",")):
            t = time.perf_counter()
            rows = replicate(con, base, k, work / f"x{k}")
            print(f"{k}× world: {rows:,} rows written as Parquet in {time.perf_counter() - t:.1f} s", flush=True)
            replica = Replica(work / f"x{k}")
            results = {}
            for engine in ("duckdb", "spark") if not args.skip_duckdb else ("spark",):
                took, found = run_engine(engine, replica, args.as_of)
                results[engine] = found
                alerts = sum(len(v) for v in found.values())
                first.setdefault(engine, took)
                print(f"  {engine:<7} {took:8.1f} s  {rows / took:12,.0f} rows/s  {alerts:>8,} alerts  "
                      f"time / 1× = {took / first[engine]:.2f}", flush=True)
            if "duckdb" in results:
                same = all([f.as_dict() for f in results["spark"][c]] == [f.as_dict() for f in results["duckdb"][c]]
                           for c in results["duckdb"])
                print(f"  Spark finds exactly what DuckDB finds: {same}", flush=True)


if __name__ == "__main__":
    sys.exit(main())
