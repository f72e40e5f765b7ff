"""R036 Lowest bid disqualified (cardinal-rs ``src/indicators/r036.rs``, docs/cli/indicators/R/036.md).

For processes with at least one active award, among submitted bids with an amount in the main currency:
flagged (1.0) if there is a valid bid and the lowest bid (the first one, on ties) is disqualified. Processes
excluded from price comparisons are skipped.
"""

from __future__ import annotations

from .base import Context, Indicator, PriceComparison, submitted_bids
from .reader import ReleaseRecord
from .settings import Settings


class R036(Indicator):
    code = "R036"

    def __init__(self, settings: Settings) -> None:
        super().__init__(settings)
        self.price_comparison = PriceComparison(settings)

    def fold(self, record: ReleaseRecord, ctx: Context) -> None:
        if not record.bids or not self.price_comparison(record):
            return
        if not any(award.status == "active" for award in record.awards):
            return
        lowest: float | None = None
        lowest_is_disqualified = has_valid = False
        for bid in submitted_bids(record):
            if bid.amount is None or bid.currency is None or not ctx.accept_currency(bid.currency):
                continue
            if lowest is None or bid.amount < lowest:
                lowest = bid.amount
                lowest_is_disqualified = bid.status == "disqualified"
            if bid.status == "valid":
                has_valid = True
        if has_valid and lowest_is_disqualified:
            ctx.flag("OCID", record.ocid, self.code, 1.0)
