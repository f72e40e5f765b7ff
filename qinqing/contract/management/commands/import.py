"""`qinqing import PATH`: load a contract dataset (folder of CSV files or XLSX workbook), all or nothing."""

from __future__ import annotations

from pathlib import Path

from django.core.management.base import BaseCommand, CommandError
from tqdm import tqdm

from qinqing.contract.importer import import_dataset
from qinqing.contract.schema import TABLES


class Command(BaseCommand):
    help = ("Import a contract dataset (a folder of CSV files, one CSV file, or an XLSX workbook). "
            "Validates everything first; writes nothing if any row is bad; re-importing changes nothing.")

    def add_arguments(self, parser) -> None:
        parser.add_argument("path", type=Path)
        parser.add_argument("--errors", type=Path, default=None,
                            help="where to write the error report (.csv or .json); default under var/")
        parser.add_argument("--progress", choices=["bar", "lines", "none"], default="bar",
                            help="a progress bar (default), one line per step on stdout, or nothing")
        parser.add_argument("--no-progress", action="store_true", help="same as --progress none")

    def handle(self, *args, path: Path, errors: Path | None, progress: str, no_progress: bool, **options) -> None:
        if not path.exists():
            raise CommandError(f"{path}: no such file or folder")
        mode = "none" if no_progress else progress
        bar = tqdm(total=2 * len(TABLES), desc="import", unit="table", disable=True if mode != "bar" else None)

        def step(phase: str, table: str) -> None:
            if mode == "lines":
                self.stdout.write(f"{phase} {table}")
                self.stdout.flush()
            bar.set_postfix_str(f"{phase} {table}")
            bar.update(1)

        # This process holds no other connection to the database: a first load may skip SQLite's WAL.
        report = import_dataset(path, report_path=errors, progress=step, sole_connection=True)
        bar.close()
        out = self.stdout
        out.write(f"{'file':<24} {'rows':>10} {'errors':>8} {'inserted':>10} {'updated':>9} {'unchanged':>10}")
        for t in report.tables:
            out.write(f"{t.file:<24} {t.rows:>10} {t.errors:>8} {t.inserted:>10} {t.updated:>9} {t.unchanged:>10}")
            if t.unknown_columns:
                out.write(f"  {t.file}: unknown column(s) kept aside, not imported: {', '.join(t.unknown_columns)}")
        for name in report.ignored_files:
            out.write(f"  {name}: not a contract table, ignored")

        rate = report.rows / report.seconds if report.seconds else 0
        if not report.ok:
            for row in report.errors.head(10).iter_rows(named=True):
                where = f"{row['file']}:{row['line']}" if row["line"] else row["file"]
                what = f" [{row['column']}] {row['value']!r}" if row["column"] else ""
                self.stderr.write(f"  {where}{what}: {row['reason']}")
            if report.error_count > 10:
                self.stderr.write(f"  ... and {report.error_count - 10} more in the report")
            raise CommandError(
                f"{report.error_count} error(s); nothing was written. Full report: {report.error_report}"
            )
        out.write(self.style.SUCCESS(
            f"imported {report.rows} rows from {len(report.tables)} file(s) in {report.seconds:.1f}s "
            f"({rate:,.0f} rows/s)"
        ))
