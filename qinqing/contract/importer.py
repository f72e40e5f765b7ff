"""`import_dataset`: read, validate everything, then write everything in one transaction — or nothing.

A crash or a SIGKILL at any moment leaves the database as it was before or as it is after: the write is
one database transaction, and validation happens before it starts.
"""

from __future__ import annotations

import datetime as dt
import json
import time
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path

import polars as pl
from django.conf import settings

from qinqing.contract.reader import Dataset, ReadError, read_dataset
from qinqing.contract.schema import TABLES
from qinqing.contract.validate import ValidationResult, validate_dataset
from qinqing.contract.writers import open_writer

Progress = Callable[[str, str], None]  # (phase, table)


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


def _error_rows(result: ValidationResult, dataset: Dataset) -> pl.DataFrame:
    """Errors with the file name and physical line number of each row (the header is line 1)."""
    frames = []
    for name, group in result.errors.group_by("table", maintain_order=True):
        source = dataset.tables[name[0]]
        lines = source.line_numbers(group["row"].unique().to_list())
        frames.append(group.with_columns(
            pl.lit(source.label).alias("file"),
            pl.col("row").replace_strict(lines, default=None, return_dtype=pl.Int64).alias("line"),
        ))
    files = [pl.DataFrame({"file": [f], "line": [n], "column": [None], "value": [None], "reason": [r]},
                          schema={"file": pl.String, "line": pl.Int64, "column": pl.String, "value": pl.String,
                                  "reason": pl.String})
             for f, n, r in result.file_errors]
    rows = [f.select("file", "line", "column", "value", "reason") for f in frames]
    return pl.concat(files + rows) if files or rows else pl.DataFrame(
        schema={"file": pl.String, "line": pl.Int64, "column": pl.String, "value": pl.String, "reason": pl.String})


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
                   progress: Progress | None = None) -> ImportReport:
    started = time.perf_counter()
    path = Path(path)
    try:
        dataset = read_dataset(path)
    except ReadError as exc:
        dataset = Dataset({}, [], [(path.name, line, reason) for line, reason in exc.args])

    def note(phase: str) -> Callable[[str], None]:
        return (lambda t: progress(phase, t)) if progress else (lambda t: None)

    summaries = {
        name: TableSummary(name, src.label, src.frame.height, unknown_columns=src.unknown_columns)
        for name, src in dataset.tables.items()
    }
    ordered = [summaries[t.name] for t in TABLES if t.name in summaries]
    report = ImportReport(path, False, ordered, pl.DataFrame(), [], dataset.ignored_files)
    # Validation runs inside the write transaction (BEGIN IMMEDIATE on SQLite: no other writer until
    # commit), so references checked against stored rows cannot be deleted before the rows are written.
    with open_writer() as writer:
        result = validate_dataset(dataset, writer.existing_keys, progress=note("validate"))
        for (name,), group in result.errors.group_by("table"):
            summaries[name].errors = group.height
        report.ok, report.file_errors = result.ok, result.file_errors
        report.errors = _error_rows(result, dataset)
        if not result.ok:
            writer.rollback()
        else:
            for table in TABLES:
                if table.name not in result.tables:
                    continue
                stats = writer.upsert(table, result.tables[table.name].typed)
                summary = summaries[table.name]
                summary.inserted, summary.updated, summary.unchanged = stats.inserted, stats.updated, stats.unchanged
                note("write")(table.name)
            writer.record_audit(
                action="import", actor=actor, object_type="contract.dataset", object_id=path.name, detail={
                    "tables": {s.table: {"rows": s.rows, "inserted": s.inserted, "updated": s.updated}
                               for s in ordered},
                    "sha256": sorted({src.sha256 for src in dataset.tables.values()}),
                })
    if not report.ok:
        report.error_report = write_error_report(report.errors, report_path or default_report_path())
    report.seconds = time.perf_counter() - started
    return report
