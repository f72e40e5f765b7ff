"""Import benchmark: validated contract rows per second against an unvalidated pandas baseline.

    .venv/bin/python bench/import_bench.py [--scale city|province] [--seed N] [--data DIR]
                                           [--database sqlite|postgresql|both]

Both contenders run on the same CSV files, each in its own process (so peak memory is its own), into a
fresh database of the same backend:
- baseline: pandas `read_csv` + `DataFrame.to_sql` per file into empty tables (no types, no checks, no
  keys, no indexes, no transaction spanning the files);
- qinqing: `qinqing import DIR` into a freshly migrated database (every check, every reference, keys,
  indexes, one transaction, audit event).
PostgreSQL uses BENCH_DATABASE_URL, TEST_DATABASE_URL or a postgres DATABASE_URL (a role that may create
databases), or re-runs itself under scripts/with-temp-postgres (a throw-away cluster) when none is set.
Prints one line per contender and the ratio; figures are for the closing note, not asserted.
"""

from __future__ import annotations

import argparse
import json
import os
import subprocess
import sys
import tempfile
import time
import uuid
from pathlib import Path

import psutil

REPO = Path(__file__).resolve().parents[1]
PY = sys.executable

BASELINE = r"""
import sys, time, glob, os
import pandas as pd
from sqlalchemy import create_engine
url, folder = sys.argv[1], sys.argv[2]
engine = create_engine(url)
rows = 0
started = time.perf_counter()
for path in sorted(glob.glob(os.path.join(folder, "*.csv"))):
    frame = pd.read_csv(path, dtype=str, keep_default_na=False)
    frame.to_sql(os.path.basename(path)[:-4], engine, index=False, if_exists="append", chunksize=50_000)
    rows += len(frame)
print(rows, time.perf_counter() - started)
"""


def _tree_rss(proc: psutil.Process) -> int:
    total = 0
    for p in [proc, *proc.children(recursive=True)]:
        try:
            total += p.memory_info().rss
        except psutil.Error:
            pass
    return total


def run_measured(args: list[str], env: dict[str, str]) -> tuple[float, int, str]:
    """(seconds, peak RSS in MiB of that process and its children, sampled every 50 ms, stdout)."""
    started = time.perf_counter()
    proc = subprocess.Popen(args, cwd=REPO, env=env, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
    watched, peak = psutil.Process(proc.pid), 0
    while proc.poll() is None:
        try:
            peak = max(peak, _tree_rss(watched))
        except psutil.Error:
            pass
        time.sleep(0.05)
    stdout, stderr = proc.communicate()
    seconds = time.perf_counter() - started
    if proc.returncode:
        sys.exit(f"failed: {' '.join(args[:4])}...\n{stderr[-3000:]}")
    return seconds, peak // (1024 * 1024), stdout


def count_rows(folder: Path) -> int:
    import polars as pl

    return sum(pl.scan_csv(p, infer_schema=False).select(pl.len()).collect().item() for p in folder.glob("*.csv"))


def fresh_database(backend: str, workdir: Path, server: str | None) -> tuple[str, str, callable]:
    """(Django DATABASE_URL, SQLAlchemy URL, cleanup) for an empty database."""
    if backend == "sqlite":
        path = workdir / f"{uuid.uuid4().hex[:8]}.sqlite3"
        return f"sqlite:///{path}", f"sqlite:///{path}", lambda: path.unlink(missing_ok=True)
    import psycopg

    name = f"qq_bench_{uuid.uuid4().hex[:8]}"
    with psycopg.connect(server, autocommit=True) as admin:
        admin.execute(f'CREATE DATABASE "{name}"')
    base = server.rsplit("/", 1)[0]

    def drop() -> None:
        # A plain DROP, retried: FORCE would need the right to end other roles' sessions (autovacuum).
        for attempt in range(10):
            try:
                with psycopg.connect(server, autocommit=True) as admin:
                    admin.execute(f'DROP DATABASE IF EXISTS "{name}"')
                return
            except psycopg.errors.ObjectInUse:
                time.sleep(1 + attempt)
        print(f"note: could not drop the benchmark database {name}; drop it by hand", file=sys.stderr)

    sa_base = "postgresql+psycopg://" + base.split("://", 1)[1]
    return f"{base}/{name}", f"{sa_base}/{name}", drop


def bench(backend: str, data: Path, rows: int, server: str | None) -> dict:
    env = {**os.environ, "PYTHONUNBUFFERED": "1"}
    with tempfile.TemporaryDirectory(prefix="qq-bench-") as tmp:
        workdir = Path(tmp)
        django_url, sa_url, cleanup = fresh_database(backend, workdir, server)
        try:
            base_s, base_mb, _ = run_measured([PY, "-c", BASELINE, sa_url, str(data)], env)
        finally:
            cleanup()
        django_url, _, cleanup = fresh_database(backend, workdir, server)
        try:
            env_q = {**env, "DATABASE_URL": django_url, "QINQING_VAR_DIR": str(workdir)}
            subprocess.run([PY, "-m", "qinqing.cli", "migrate", "-v0"], cwd=REPO, env=env_q, check=True)
            ours_s, ours_mb, _ = run_measured([PY, "-m", "qinqing.cli", "import", str(data), "--no-progress"], env_q)
        finally:
            cleanup()
    result = {
        "backend": backend, "rows": rows,
        "baseline_rows_per_s": round(rows / base_s), "baseline_seconds": round(base_s, 1),
        "baseline_peak_mib": base_mb,
        "qinqing_rows_per_s": round(rows / ours_s), "qinqing_seconds": round(ours_s, 1), "qinqing_peak_mib": ours_mb,
        "ratio": round(base_s / ours_s, 2),
    }
    print(f"{backend:<10} baseline (pandas read_csv+to_sql, unvalidated): {result['baseline_rows_per_s']:>9,} rows/s "
          f"{base_s:7.1f}s peak {base_mb:,} MiB")
    print(f"{backend:<10} qinqing import (validated, one transaction):  {result['qinqing_rows_per_s']:>9,} rows/s "
          f"{ours_s:7.1f}s peak {ours_mb:,} MiB   ratio {result['ratio']:.2f}x")
    return result


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--scale", default="province", choices=["tiny", "city", "province"])
    parser.add_argument("--seed", type=int, default=1)
    parser.add_argument("--data", type=Path, help="an existing contract folder (skips generation)")
    parser.add_argument("--database", default="both", choices=["sqlite", "postgresql", "both"])
    args = parser.parse_args()
    data = args.data
    if data is None:
        data = Path(tempfile.gettempdir()) / f"qinqing-bench-{args.scale}-{args.seed}"
        if not (data / "appeals.csv").exists():
            started = time.perf_counter()
            subprocess.run([PY, "-m", "qinqing.cli", "demo-data", "--scale", args.scale, "--seed", str(args.seed),
                            "--out", str(data), "--no-progress"], cwd=REPO, check=True)
            print(f"generated {args.scale} world in {time.perf_counter() - started:.1f}s")
    rows = count_rows(data)
    print(f"{rows:,} contract rows in {data}")
    results = []
    backends = ["sqlite", "postgresql"] if args.database == "both" else [args.database]
    for backend in backends:
        server = None
        if backend == "postgresql":
            database_url = os.environ.get("DATABASE_URL", "")
            server = (os.environ.get("BENCH_DATABASE_URL") or os.environ.get("TEST_DATABASE_URL")
                      or (database_url if database_url.startswith("postgres") else None))
            if not server:
                subprocess.run([str(REPO / "scripts" / "with-temp-postgres"), PY, str(Path(__file__).resolve()),
                                "--data", str(data), "--database", "postgresql"], cwd=REPO, check=True)
                continue
        results.append(bench(backend, data, rows, server))
    print(json.dumps(results))


if __name__ == "__main__":
    main()
