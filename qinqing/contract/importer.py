"""`import_dataset`: read, validate everything, then write everything in one transaction — or nothing.

A crash or a SIGKILL at any moment leaves the database as it was before or as it is after: the write is
one database transaction, and validation happens before it starts.
"""

from __future__ import annotations

import datetime as dt
import functools
import json
import time
from collections import deque
from collections.abc import Callable
from concurrent.futures import Future, ThreadPoolExecutor, wait
from dataclasses import dataclass, field
from pathlib import Path

import polars as pl
from django.conf import settings

from qinqing.contract.db import conflict_column
from qinqing.contract.reader import Dataset, ReadError, read_dataset
from qinqing.contract.schema import TABLE_BY_NAME, TABLES, Table
from qinqing.contract.validate import ERROR_SCHEMA, validate_tables
from qinqing.contract.writers import open_writer

Progress = Callable[[str, str], None]  # (phase, table)
# An import that changes a table names the keys of the rows it wrote in its audit event when there are at
# most this many, so the risk engine's columnar copy re-reads those rows instead of the whole table.
CHANGED_KEYS_MAX = 20_000
# Checked tables waiting for the writer hold at most about this much memory between them.
WRITE_QUEUE_BYTES = 2 << 30


def _size(prepared) -> int:
    """Bytes a prepared table holds (an Arrow table or a Polars frame)."""
    return prepared.nbytes if hasattr(prepared, "nbytes") else int(prepared.estimated_size())


class _WriteQueue:
    """The writes of an import, in order, on the writer's one thread (or at once, for a writer that works
    only on the caller's thread). Checked tables wait for the writer up to `budget` bytes between them, so
    checking runs ahead while the writer builds a large table's indexes, without holding the whole dataset
    in memory. After a failed write, those queued behind it do nothing; `abandon` cancels the ones not
    started and waits for the running one, so the writer is never used from two threads at once. Every
    use of the writer, key look-ups included, goes through `call` or `put`."""

    def __init__(self, pool: ThreadPoolExecutor, concurrent: bool, budget: int = WRITE_QUEUE_BYTES) -> None:
        self.pool, self.concurrent, self.budget = pool, concurrent, budget
        self.waiting: deque[tuple[Future, int]] = deque()
        self.failed = False

    def call(self, fn, *args):
        """Run `fn` on the writer's thread, after the writes queued before it, and return its result."""
        return self.pool.submit(fn, *args).result() if self.concurrent else fn(*args)

    def put(self, fn, size: int, *args) -> None:
        """Queue a write holding `size` bytes; wait first for the oldest ones while over the budget."""
        if not self.concurrent:
            fn(*args)
            return
        while self.waiting and sum(s for _, s in self.waiting) + size > self.budget:
            self.waiting.popleft()[0].result()
        self.waiting.append((self.pool.submit(self._unless_failed, fn, *args), size))

    def _unless_failed(self, fn, *args) -> None:
        if self.failed:
            return
        try:
            fn(*args)
        except BaseException:
            self.failed = True
            raise

    def drain(self) -> None:
        while self.waiting:
            self.waiting.popleft()[0].result()

    def abandon(self) -> None:
        for future, _ in self.waiting:
            future.cancel()
        wait([future for future, _ in self.waiting])


@dataclass
class TableSummary:
    table: str
    file: str
    rows: int
    errors: int = 0
    inserted: int = 0
    updated: int = 0
    unchanged: int = 0
    unknown_columns: list[str] = field(default_factory=list)
    keys: list | None = None  # the written rows' keys, when few (see CHANGED_KEYS_MAX)


def _changes(s: TableSummary) -> dict:
    """What the audit event says of a table: counts, and which rows when few (readers sync from it)."""
    out: dict = {"rows": s.rows, "inserted": s.inserted, "updated": s.updated}
    if s.keys is not None:
        out["keys"] = s.keys
    return out


@dataclass
class ImportReport:
    path: Path
    ok: bool
    tables: list[TableSummary]
    errors: pl.DataFrame  # file, line, column, value, reason
    file_errors: list[tuple[str, int | None, str]]
    ignored_files: list[str]
    error_report: Path | None = None
    seconds: float = 0.0

    @property
    def rows(self) -> int:
        return sum(t.rows for t in self.tables)

    @property
    def error_count(self) -> int:
        return self.errors.height  # file-level errors are rows of `errors` too


ERROR_COLUMNS = {"file": pl.String, "line": pl.Int64, "column": pl.String, "value": pl.String, "reason": pl.String}


def _report_rows(errors: pl.DataFrame, file_errors: list[tuple[str, int | None, str]],
                 dataset: Dataset) -> pl.DataFrame:
    """Errors with the file name and physical line number of each row (the header is line 1)."""
    frames = [pl.DataFrame({"file": [f], "line": [n], "column": [None], "value": [None], "reason": [r]},
                           schema=ERROR_COLUMNS) for f, n, r in file_errors]
    for (name,), group in errors.sort("table", "row", "column").group_by("table", maintain_order=True):
        source = dataset.tables[name]
        lines = source.line_numbers(group["row"].unique().to_list())
        frames.append(group.with_columns(
            pl.lit(source.label).alias("file"),
            pl.col("row").replace_strict(lines, default=None, return_dtype=pl.Int64).alias("line"),
        ).select(list(ERROR_COLUMNS)))
    return pl.concat(frames) if frames else pl.DataFrame(schema=ERROR_COLUMNS)


def default_report_path() -> Path:
    stamp = dt.datetime.now().strftime("%Y%m%d-%H%M%S-%f")
    return Path(settings.VAR_DIR) / "import-reports" / f"import-{stamp}-errors.csv"


def write_error_report(errors: pl.DataFrame, path: Path) -> Path:
    """CSV (default) or JSON (by suffix): file, line, column, value, reason for every error."""
    path.parent.mkdir(parents=True, exist_ok=True)
    if path.suffix.lower() == ".json":
        path.write_text(json.dumps(errors.to_dicts(), ensure_ascii=False, indent=1), encoding="utf-8")
    else:
        errors.write_csv(path)
    return path


def import_dataset(path: Path, *, actor=None, report_path: Path | None = None,
                   progress: Progress | None = None, sole_connection: bool = False) -> ImportReport:
    """Import a contract dataset all or nothing. `sole_connection`: this process opens no other connection
    to the database meanwhile (the CLI), so a first load into SQLite may skip the WAL (see contract.writers).
    """
    started = time.perf_counter()
    path = Path(path)
    try:
        dataset = read_dataset(path)
    except ReadError as exc:
        dataset = Dataset({}, [], [(path.name, line, reason) for line, reason in exc.args])

    def note(phase: str, table: str) -> None:
        if progress:
            progress(phase, table)

    summaries: dict[str, TableSummary] = {}
    errors: list[pl.DataFrame] = []
    file_errors = list(dataset.problems)
    with (ThreadPoolExecutor(1, thread_name_prefix="qinqing-import") as pool,
          open_writer(pool, first_load_direct=sole_connection) as writer):
        queue = _WriteQueue(pool, writer.concurrent)

        def write(table: Table, prepared, keys: list | None) -> None:
            stats = writer.upsert(table, prepared)
            summary = summaries[table.name]
            summary.inserted, summary.updated, summary.unchanged = stats.inserted, stats.updated, stats.unchanged
            if stats.inserted + stats.updated and keys is not None:
                summary.keys = keys
            note("write", table.name)

        existing = functools.partial(queue.call, writer.existing_keys)
        try:
            for check in validate_tables(dataset, existing, progress=lambda name: note("validate", name)):
                source = check.source
                rows = check.result.typed.height if check.result is not None else 0
                summaries[check.name] = TableSummary(check.name, source.label, rows, check.errors.height,
                                                     unknown_columns=source.unknown_columns)
                file_errors += check.file_errors
                if check.errors.height:
                    errors.append(check.errors)
                if errors or file_errors:
                    continue  # keep checking, to report every error; nothing more is written
                table, typed = TABLE_BY_NAME[check.name], check.result.typed
                keys = typed.get_column(conflict_column(table)).to_list() if typed.height <= CHANGED_KEYS_MAX else None
                # Sorting and conversion happen here, on the validating side: the writer is the busier one.
                prepared = writer.prepare(table, typed)
                del typed, check
                queue.put(write, _size(prepared), table, prepared, keys)
                del prepared
            queue.drain()
        except BaseException:
            queue.abandon()
            raise
        ordered = [summaries[t.name] for t in TABLES if t.name in summaries]
        ok = not errors and not file_errors
        if not ok:
            queue.call(writer.rollback)
        else:
            detail = {
                "tables": {s.table: _changes(s) for s in ordered},
                "sha256": sorted({src.sha256 for src in dataset.tables.values()}),
            }
            queue.call(functools.partial(writer.record_audit, action="import", actor=actor,
                                         object_type="contract.dataset", object_id=path.name, detail=detail))
    all_errors = pl.concat(errors) if errors else pl.DataFrame(schema=ERROR_SCHEMA)
    report = ImportReport(path, ok, ordered, _report_rows(all_errors, file_errors, dataset), file_errors,
                          dataset.ignored_files)
    if not report.ok:
        report.error_report = write_error_report(report.errors, report_path or default_report_path())
    report.seconds = time.perf_counter() - started
    return report
