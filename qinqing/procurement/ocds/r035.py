"""R035 All except winning bid disqualified (cardinal-rs ``src/indicators/r035.rs``, docs .../R/035.md).

For processes whose awards are all final (active, cancelled or unsuccessful): flagged if exactly one tenderer
has valid bids, that tenderer is exactly the set of suppliers of the active awards, and at least ``[R035]
threshold`` (default 1, minimum 1) other tenderers have disqualified bids. The process's value is the number
of such other tenderers; the winner gets 0.0.
"""

from __future__ import annotations

from .base import Context, Indicator, complete_awards
from .reader import ReleaseRecord
from .settings import Settings


class R035(Indicator):
    code = "R035"

    def __init__(self, settings: Settings) -> None:
        super().__init__(settings)
        self.threshold = max(settings.option("R035", "threshold", 1), 1)

    def fold(self, record: ReleaseRecord, ctx: Context) -> None:
        if not record.bids:
            return
        awards = complete_awards(record)
        if awards is None:
            return
        valid: set[str] = set()
        disqualified: set[str] = set()
        for bid in record.bids:
            if bid.status == "valid":
                valid.update(t for t in bid.tenderers if t is not None)
            elif bid.status == "disqualified":
                disqualified.update(t for t in bid.tenderers if t is not None)
        if len(valid) != 1:
            return
        suppliers = {s for award in awards for s in award.suppliers if s is not None}
        if valid != suppliers:
            return
        difference = len(disqualified - valid)
        if difference >= self.threshold:
            winner = next(iter(valid))
            ctx.flag("OCID", record.ocid, self.code, float(difference))
            ctx.flag("Tenderer", winner, self.code, 0.0)
            ctx.map_tenderer("ocid_tenderer_r035", record.ocid, winner)
