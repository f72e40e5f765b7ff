"""R030 Late bid won (cardinal-rs ``src/indicators/r030.rs``, docs/cli/indicators/R/030.md).

A process is flagged (1.0) if a valid bid's ``date`` is after ``/tender/tenderPeriod/endDate`` and one of its
tenderers is a supplier of an active award; that tenderer is flagged (1.0). As in Cardinal, the dates are
compared as strings (so they should share a format and offset); ``/awards`` and ``/bids/details`` must be
arrays.
"""

from __future__ import annotations

from .base import Context, Indicator
from .reader import ReleaseRecord


class R030(Indicator):
    code = "R030"

    def fold(self, record: ReleaseRecord, ctx: Context) -> None:
        end_date = record.end_date
        if end_date is None or not record.bids or not record.awards:
            return
        suppliers = {s for award in record.awards if award.status == "active" for s in award.suppliers
                     if s is not None}
        if not suppliers:
            return
        for bid in record.bids:
            if bid.status != "valid" or bid.date is None or not bid.date > end_date:
                continue
            for tenderer in bid.tenderers:
                if tenderer is not None and tenderer in suppliers:
                    ctx.flag("OCID", record.ocid, self.code, 1.0)
                    ctx.flag("Tenderer", tenderer, self.code, 1.0)
                    ctx.map_tenderer("ocid_tenderer_r030", record.ocid, tenderer)
