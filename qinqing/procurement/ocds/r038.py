"""R038 Excessive disqualified bids (cardinal-rs ``src/indicators/r038.rs``, docs/cli/indicators/R/038.md).

Ratio of disqualified to submitted bids, per buyer (``/buyer/id``), procuring entity
(``/tender/procuringEntity/id``) and tenderer (each string id on each submitted bid). Buyers and procuring
entities whose number of *submitted bids* is below ``minimum_contracting_processes`` (default 2; Cardinal
compares this setting with the bid count) and tenderers with fewer than ``minimum_submitted_bids`` (default 2)
are excluded. An organization is flagged with its ratio if it is >= the upper fence ``Q3 + 1.5 * IQR`` of its
group's ratios (``[R038] threshold`` overrides the fence) and the fence is > 0.
"""

from __future__ import annotations

from .base import Context, Fraction, Indicator, submitted_bids
from .reader import ReleaseRecord
from .settings import Settings
from .util import fma, quartiles


def _add(table: dict[str, Fraction], key: str, numerator: int, denominator: int) -> None:
    fraction = table.get(key)
    if fraction is None:
        fraction = table[key] = Fraction()
    fraction.add(numerator, denominator)


class R038(Indicator):
    code = "R038"

    def __init__(self, settings: Settings) -> None:
        super().__init__(settings)
        self.threshold: float | None = settings.option("R038", "threshold")
        self.minimum_submitted_bids: int = settings.option("R038", "minimum_submitted_bids", 2)
        self.minimum_contracting_processes: int = settings.option("R038", "minimum_contracting_processes", 2)
        self.buyers: dict[str, Fraction] = {}
        self.procuring_entities: dict[str, Fraction] = {}
        self.tenderers: dict[str, Fraction] = {}

    def fold(self, record: ReleaseRecord, ctx: Context) -> None:
        bids = submitted_bids(record) if record.bids else ()
        if not bids:
            return
        disqualified = 0
        for bid in bids:
            increment = int(bid.status == "disqualified")
            disqualified += increment
            for tenderer in bid.tenderers:
                if tenderer is not None:
                    _add(self.tenderers, tenderer, increment, 1)
        if record.buyer_id is not None:
            _add(self.buyers, record.buyer_id, disqualified, len(bids))
            if disqualified and ctx.maps is not None:
                ctx.maps["ocid_buyer_r038"][record.ocid] = record.buyer_id
        if record.procuring_entity_id is not None:
            _add(self.procuring_entities, record.procuring_entity_id, disqualified, len(bids))
            if disqualified and ctx.maps is not None:
                ctx.maps["ocid_procuringentity_r038"][record.ocid] = record.procuring_entity_id

    def finalize(self, ctx: Context) -> None:
        self._flag(ctx, "Buyer", self.buyers, self.minimum_contracting_processes)
        self._flag(ctx, "ProcuringEntity", self.procuring_entities, self.minimum_contracting_processes)
        self._flag(ctx, "Tenderer", self.tenderers, self.minimum_submitted_bids)

    def _flag(self, ctx: Context, group: str, table: dict[str, Fraction], minimum: int) -> None:
        ratios = {key: f.ratio() for key, f in table.items() if f.denominator >= minimum}
        if not ratios:
            return
        upper_fence = self.threshold
        if upper_fence is None:
            q1, q3 = quartiles(ratios.values())
            ctx.set_meta(self.code, f"{group}_q1", q1)
            ctx.set_meta(self.code, f"{group}_q3", q3)
            upper_fence = fma(q3 - q1, 1.5, q3)
        ctx.set_meta(self.code, f"{group}_upper_fence", upper_fence)
        if upper_fence > 0.0:
            for key, ratio in ratios.items():
                if ratio >= upper_fence:
                    ctx.flag(group, key, self.code, ratio)
