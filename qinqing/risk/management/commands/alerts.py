"""`qinqing alerts export`: the stored alerts, one a line, as JSON lines or CSV."""

from __future__ import annotations

import os
import sys
from pathlib import Path

from django.core.management.base import BaseCommand, CommandError

from qinqing.risk import catalog
from qinqing.risk.export import write_csv, write_jsonl
from qinqing.risk.models import Alert


class Command(BaseCommand):
    help = "Export alerts: `qinqing alerts export --format jsonl|csv [--output FILE]` (standard output by default)."

    def add_arguments(self, parser) -> None:
        sub = parser.add_subparsers(dest="action", required=True)
        export = sub.add_parser("export", help="write alerts as JSON lines or CSV")
        export.add_argument("--format", dest="fmt", choices=["jsonl", "csv"], default="jsonl")
        export.add_argument("--output", type=Path, default=None, help="file to write (default: standard output)")
        export.add_argument("--rules", default="", help="comma-separated rule codes (default: all)")
        export.add_argument("--status", choices=[s.value for s in Alert.Status], default=None)
        export.add_argument("--all", dest="include_inactive", action="store_true",
                            help="also alerts the latest scan no longer raises")
        export.add_argument("--min-score", type=float, default=None)

    def handle(self, *args, action: str, fmt: str, output: Path | None, rules: str, status: str | None,
               include_inactive: bool, min_score: float | None, **options) -> None:
        qs = Alert.objects.select_related("last_scan").order_by("-score", "rule", "key")
        codes = [c.strip() for c in rules.split(",") if c.strip()]
        if codes:
            try:
                catalog.select(codes)
            except catalog.CatalogError as exc:
                raise CommandError(str(exc)) from exc
            qs = qs.filter(rule__in=codes)
        if status:
            qs = qs.filter(status=status)
        if not include_inactive:
            qs = qs.filter(active=True)
        if min_score is not None:
            qs = qs.filter(score__gte=min_score)
        write = write_jsonl if fmt == "jsonl" else write_csv
        if output is None:
            try:
                write(qs.iterator(chunk_size=2000), sys.stdout)
                sys.stdout.flush()
            except BrokenPipeError:  # `qinqing alerts export | head`: the reader had enough
                os.dup2(os.open(os.devnull, os.O_WRONLY), sys.stdout.fileno())
        else:
            output.parent.mkdir(parents=True, exist_ok=True)
            with output.open("w", encoding="utf-8", newline="") as fh:
                n = write(qs.iterator(chunk_size=2000), fh)
            self.stderr.write(f"{n} alert(s) written to {output}")
