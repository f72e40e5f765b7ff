"""R058 Heavily discounted bid (cardinal-rs ``src/indicators/r058.rs``, docs/cli/indicators/R/058.md).

Uses the second-lowest bid ratio (see :class:`~.base.SecondLowestBidRatio`). A process is flagged with its
ratio if the ratio is >= the upper fence ``Q3 + 1.5 * IQR`` of all ratios (``[R058] threshold`` overrides the
fence) and the fence is > 0; the winner gets 0.0.
"""

from __future__ import annotations

from .base import Context, Indicator
from .util import fma, quartiles


class R058(Indicator):
    code = "R058"

    def finalize(self, ctx: Context) -> None:
        upper_fence = self.settings.option("R058", "threshold")
        if upper_fence is None:
            q1, q3 = quartiles(ctx.second_lowest_bid_ratios.values())
            ctx.set_meta(self.code, "q1", q1)
            ctx.set_meta(self.code, "q3", q3)
            upper_fence = fma(q3 - q1, 1.5, q3)
        ctx.set_meta(self.code, "upper_fence", upper_fence)
        if not upper_fence > 0.0:
            return
        for ocid, ratio in ctx.second_lowest_bid_ratios.items():
            if ratio >= upper_fence:
                ctx.flag("OCID", ocid, self.code, ratio)
                winner = ctx.winner_and_lowest_non_winner[ocid][0]
                ctx.flag("Tenderer", winner, self.code, 0.0)
                ctx.map_tenderer("ocid_tenderer_r058", ocid, winner)
