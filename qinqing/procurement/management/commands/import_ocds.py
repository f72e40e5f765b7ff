"""`qinqing procurement import-ocds FILE.jsonl`: OCDS compiled releases into the tender tables."""

from __future__ import annotations

import csv
from pathlib import Path

from django.core.management.base import BaseCommand, CommandError

from qinqing.procurement.ocds_import import import_ocds


class Command(BaseCommand):
    help = ("Import OCDS compiled releases (JSON Lines) into tenders and bids, validated like any contract "
            "file; releases and bids that cannot be used are listed with their line.")

    def add_arguments(self, parser) -> None:
        parser.add_argument("file", type=Path)
        parser.add_argument("--issues", type=Path, help="write the unusable records as CSV (line, field, reason)")
        parser.add_argument("--errors", type=Path, help="where the contract importer writes its error report")

    def handle(self, *args, file: Path, issues: Path | None, errors: Path | None, **options) -> None:
        if not file.exists():
            raise CommandError(f"{file}: no such file")
        result = import_ocds(file, report_path=errors)
        for issue in result.issues[:20]:
            self.stderr.write(f"  line {issue.line} {issue.field}: {issue.reason}")
        if len(result.issues) > 20:
            self.stderr.write(f"  ... and {len(result.issues) - 20} more")
        if issues:
            with issues.open("w", newline="", encoding="utf-8") as fh:
                writer = csv.writer(fh)
                writer.writerow(["line", "field", "reason"])
                writer.writerows(result.issues)
        report = result.report
        if not report.ok:
            raise CommandError(f"{report.error_count} error(s); nothing was written. Report: {report.error_report}")
        by_table = {t.table: t for t in report.tables}
        self.stdout.write(self.style.SUCCESS(
            f"{result.releases} releases: {result.tenders} tenders, {result.bids} bids imported "
            f"({by_table['tenders'].inserted} new tenders, {by_table['bids'].inserted} new bids, "
            f"{by_table['enterprises'].inserted} new firms); {len(result.issues)} record(s) left out"))
