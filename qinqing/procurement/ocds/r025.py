"""R025 Excessive unsuccessful bids (cardinal-rs ``src/indicators/r025.rs``, docs/cli/indicators/R/025.md).

For each tenderer, over processes whose awards are all final with exactly one active award to exactly one
supplier: ratio = processes won / processes with a valid single-tenderer bid (each tenderer counted once per
process). A tenderer is flagged with its ratio if its number of processes is >= the ``[R025] percentile``
(default 75) of those numbers and its ratio is <= the lower fence ``Q1 - 1.5 * IQR`` of the ratios (``[R025]
threshold`` overrides the fence). Nothing is flagged unless Q1 > 0 and the fence > 0.
"""

from __future__ import annotations

from .base import Context, Fraction, Indicator, sole_supplier
from .reader import ReleaseRecord
from .settings import Settings
from .util import fma, quantile, quartiles


class R025(Indicator):
    code = "R025"

    def __init__(self, settings: Settings) -> None:
        super().__init__(settings)
        self.percentile: int = settings.option("R025", "percentile", 75)
        self.threshold: float | None = settings.option("R025", "threshold")
        self.tenderers: dict[str, Fraction] = {}

    def fold(self, record: ReleaseRecord, ctx: Context) -> None:
        if not record.bids:
            return
        supplier = sole_supplier(record)
        if supplier is None:
            return
        valid = {bid.tenderers[0]: None for bid in record.bids
                 if bid.status == "valid" and len(bid.tenderers) == 1 and bid.tenderers[0] is not None}
        for tenderer in valid:
            fraction = self.tenderers.get(tenderer)
            if fraction is None:
                fraction = self.tenderers[tenderer] = Fraction()
            fraction.add(int(tenderer == supplier), 1)

    def finalize(self, ctx: Context) -> None:
        fractions = self.tenderers
        upper_fence = quantile((f.denominator for f in fractions.values()), self.percentile / 100)
        if self.threshold is None:
            q1, q3 = quartiles(f.ratio() for f in fractions.values())
            ctx.set_meta(self.code, "q1", q1)
            ctx.set_meta(self.code, "q3", q3)
            lower_fence = fma(q3 - q1, -1.5, q1)
        else:
            q1, lower_fence = None, self.threshold  # a fixed threshold: only the fence must be positive
        ctx.set_meta(self.code, "upper_fence", upper_fence)
        ctx.set_meta(self.code, "lower_fence", lower_fence)
        # Cardinal flags nothing when the fence, or (for a computed fence) Q1, is not positive.
        if not (lower_fence > 0.0 and (q1 is None or q1 > 0.0)):
            return
        for tenderer, fraction in fractions.items():
            ratio = fraction.ratio()
            if fraction.denominator >= upper_fence and ratio <= lower_fence:
                ctx.flag("Tenderer", tenderer, self.code, ratio)
