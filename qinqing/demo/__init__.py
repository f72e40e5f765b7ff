"""The deterministic demo world generator: a Qujing-like (or Yunnan-wide) world as contract CSV files,
with the article's patterns and honest look-alikes planted and listed in `planted.json`.

    from qinqing.demo import generate
    summary = generate("city", seed=1, out_dir=Path("var/demo"))

Heavy imports (numpy, polars) wait until `generate` is called, so loading the Django app stays cheap.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any


def generate(
    scale: str = "city", seed: int = 1, out_dir: Path | str = "demo-data", progress: Any = None
) -> dict:
    """Write the world of `scale` ("tiny", "city", "province") for `seed` into `out_dir`.

    Returns a summary: scale, seed, as_of, out_dir, rows per table, number of planted cases, seconds.
    `progress`, if given, is called with the name of each finished stage.
    """
    from qinqing.demo.world import generate as _generate

    return _generate(scale, seed, out_dir, progress)
