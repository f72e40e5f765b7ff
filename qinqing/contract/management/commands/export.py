"""`qinqing export DIR`: write every contract table as CSV files in the contract format."""

from __future__ import annotations

from pathlib import Path

from django.core.management.base import BaseCommand
from tqdm import tqdm

from qinqing.contract.exporter import export_dataset
from qinqing.contract.schema import TABLES


class Command(BaseCommand):
    help = "Export all contract tables to DIR as CSV files (the same format `qinqing import` reads)."

    def add_arguments(self, parser) -> None:
        parser.add_argument("dir", type=Path)
        parser.add_argument("--no-progress", action="store_true")

    def handle(self, *args, dir: Path, no_progress: bool, **options) -> None:  # noqa: A002
        bar = tqdm(total=len(TABLES), desc="export", unit="table", disable=True if no_progress else None)
        counts = export_dataset(dir, progress=lambda t: bar.update(1))
        bar.close()
        self.stdout.write(self.style.SUCCESS(f"exported {sum(counts.values())} rows in {len(counts)} files to {dir}"))
