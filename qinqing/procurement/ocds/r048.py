"""R048 Heterogeneous supplier (cardinal-rs ``src/indicators/r048.rs``, docs/cli/indicators/R/048.md).

For each supplier of an active award with exactly one supplier: the variety is the number of distinct prefixes
(the first ``[R048] digits`` characters, default 2) of ``/awards[]/items[]/classification/id``. Only suppliers
awarded (with classified items) in at least ``minimum_contracting_processes`` (default 20) processes count. A
supplier is flagged, in the ``Tenderer`` group, with its variety if it is >= the upper fence ``Q3 + 1.5 *
IQR`` (``[R048] threshold``, an integer, overrides the fence; there is no "fence > 0" guard here).
"""

from __future__ import annotations

from .base import Context, Indicator
from .reader import ReleaseRecord
from .settings import Settings
from .util import fma, quartiles


class R048(Indicator):
    code = "R048"

    def __init__(self, settings: Settings) -> None:
        super().__init__(settings)
        self.digits: int = settings.option("R048", "digits", 2)
        self.threshold: int | None = settings.option("R048", "threshold")
        self.minimum_contracting_processes: int = settings.option("R048", "minimum_contracting_processes", 20)
        self.suppliers: dict[str, list] = {}  # supplier id -> [process count, set of prefixes]

    def fold(self, record: ReleaseRecord, ctx: Context) -> None:
        observed: set[str] = set()
        for award in record.awards:
            if award.status != "active" or not award.classifications or len(award.suppliers) != 1:
                continue
            supplier = award.suppliers[0]
            if supplier is None:
                continue
            entry = self.suppliers.get(supplier)
            if entry is None:
                entry = self.suppliers[supplier] = [0, set()]
            if supplier not in observed:  # a supplier counts at most once per process
                observed.add(supplier)
                entry[0] += 1
            entry[1].update(code[: self.digits] for code in award.classifications)

    def finalize(self, ctx: Context) -> None:
        lengths = {supplier: float(len(codes)) for supplier, (count, codes) in self.suppliers.items()
                   if count >= self.minimum_contracting_processes}
        if self.threshold is None:
            q1, q3 = quartiles(lengths.values())
            ctx.set_meta(self.code, "q1", q1)
            ctx.set_meta(self.code, "q3", q3)
            upper_fence = fma(q3 - q1, 1.5, q3)
        else:
            upper_fence = float(self.threshold)
        ctx.set_meta(self.code, "upper_fence", upper_fence)
        for supplier, length in lengths.items():
            if length >= upper_fence:
                ctx.flag("Tenderer", supplier, self.code, length)
