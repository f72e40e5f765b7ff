"""R028 Identical bid prices (cardinal-rs ``src/indicators/r028.rs``, docs/cli/indicators/R/028.md).

Among submitted bids (status not invited/withdrawn) with an amount, a currency and at least one string
tenderer id, a process is flagged (1.0) when a bid has the same (amount, currency) as an earlier bid from a
different set of tenderers; the tenderers of both bids are flagged (1.0). A tenderer may repeat its own price.
Processes excluded from price comparisons are skipped.
"""

from __future__ import annotations

from .base import Context, Indicator, PriceComparison, submitted_bids
from .reader import ReleaseRecord
from .settings import Settings


class R028(Indicator):
    code = "R028"

    def __init__(self, settings: Settings) -> None:
        super().__init__(settings)
        self.price_comparison = PriceComparison(settings)

    def fold(self, record: ReleaseRecord, ctx: Context) -> None:
        if not record.bids or not self.price_comparison(record):
            return
        prices: dict[tuple[float, str], tuple[frozenset[str], tuple[str, ...]]] = {}
        for bid in submitted_bids(record):
            if bid.amount is None or bid.currency is None:
                continue
            ordered = tuple(dict.fromkeys(t for t in bid.tenderers if t is not None))
            if not ordered:
                continue
            ids = frozenset(ordered)
            price = (bid.amount, bid.currency)
            other = prices.get(price)
            if other is not None and other[0] != ids:
                ctx.flag("OCID", record.ocid, self.code, 1.0)
                for tenderer in (*ordered, *other[1]):
                    ctx.flag("Tenderer", tenderer, self.code, 1.0)
                    ctx.map_tenderer("ocid_tenderer_r028", record.ocid, tenderer)
            # Re-assigned every time, as in Cardinal (harmless, as the value is always 1.0).
            prices[price] = (ids, ordered)
