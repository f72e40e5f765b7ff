"""`qinqing demo-data --scale city|province --seed N --out DIR`: write the deterministic demo world."""

from __future__ import annotations

from pathlib import Path

from django.core.management.base import BaseCommand, CommandError
from tqdm import tqdm

from qinqing.demo import generate
from qinqing.demo.params import SCALES

STAGES = ["officials", "enterprises", "applications", "tenders", "activity", "planted", "written"]


class Command(BaseCommand):
    help = ("Write a realistic, deterministic Qujing-like world in the contract format (CSV files plus "
            "planted.json, the list of planted patterns and honest look-alikes).")

    def add_arguments(self, parser) -> None:
        parser.add_argument("--scale", choices=sorted(SCALES), default="city",
                            help="city (the default demo) or province (benchmarks); tiny for tests")
        parser.add_argument("--seed", type=int, default=20240501, help="same seed, byte-identical files")
        parser.add_argument("--out", type=Path, required=True, help="folder to write (created if missing)")
        parser.add_argument("--no-progress", action="store_true")

    def handle(self, *args, scale: str, seed: int, out: Path, no_progress: bool, **options) -> None:
        if out.exists() and not out.is_dir():
            raise CommandError(f"{out}: exists and is not a folder")
        bar = tqdm(total=len(STAGES), desc=f"demo {scale}", unit="stage", disable=True if no_progress else None)

        def progress(stage: str) -> None:
            bar.set_postfix_str(stage)
            bar.update(1)

        summary = generate(scale, seed=seed, out_dir=out, progress=progress)
        bar.close()
        rows = sum(summary["rows"].values())
        self.stdout.write(self.style.SUCCESS(
            f"wrote {rows:,} rows in {len(summary['rows'])} files to {out} in {summary['seconds']:.1f}s "
            f"({summary['planted']} planted patterns and look-alikes in planted.json)"))
