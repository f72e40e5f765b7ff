"""R024 Price close to winning bid (cardinal-rs ``src/indicators/r024.rs``, docs/cli/indicators/R/024.md).

Uses the second-lowest bid ratio ``(lowestNonWinningValidBid - winningBid) / winningBid`` (see
:class:`~.base.SecondLowestBidRatio`). A process is flagged with its ratio if the ratio is <= the lower fence
``Q1 - 1.5 * IQR`` of all ratios (``[R024] threshold`` overrides the fence); the winner and the second-lowest
bidder get 0.0. Nothing is flagged unless Q1 > 0 and the fence > 0 (with a fixed threshold, only the fence).
"""

from __future__ import annotations

from .base import Context, Indicator
from .util import fma, quartiles


class R024(Indicator):
    code = "R024"

    def finalize(self, ctx: Context) -> None:
        threshold = self.settings.option("R024", "threshold")
        if threshold is None:
            q1, q3 = quartiles(ctx.second_lowest_bid_ratios.values())
            ctx.set_meta(self.code, "q1", q1)
            ctx.set_meta(self.code, "q3", q3)
            lower_fence = fma(q3 - q1, -1.5, q1)
        else:
            q1, lower_fence = None, threshold  # a fixed threshold: only the fence must be positive
        ctx.set_meta(self.code, "lower_fence", lower_fence)
        # Cardinal flags nothing when the fence, or (for a computed fence) Q1, is not positive.
        if not (lower_fence > 0.0 and (q1 is None or q1 > 0.0)):
            return
        for ocid, ratio in ctx.second_lowest_bid_ratios.items():
            if ratio <= lower_fence:
                ctx.flag("OCID", ocid, self.code, ratio)
                for tenderer in ctx.winner_and_lowest_non_winner[ocid]:
                    ctx.flag("Tenderer", tenderer, self.code, 0.0)
                    ctx.map_tenderer("ocid_tenderer_r024", ocid, tenderer)
