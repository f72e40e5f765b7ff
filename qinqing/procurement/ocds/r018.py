"""R018 Single bid received (cardinal-rs ``src/indicators/r018.rs``, docs/cli/indicators/R/018.md).

A contracting process is flagged (value 1.0) if ``/tender/numberOfTenderers`` is the integer 1 (a float such
as ``1.0`` does not count, as ``serde_json``'s ``as_u64`` is None for it) and ``/tender/procurementMethod`` is
in ``[R018] procurement_methods`` (default ``open|selective``; an empty value disables the filter).
"""

from __future__ import annotations

from .base import Context, Indicator, matches_procurement_method
from .reader import ReleaseRecord
from .settings import Settings
from .util import split_pipe


class R018(Indicator):
    code = "R018"

    def __init__(self, settings: Settings) -> None:
        super().__init__(settings)
        self.methods = split_pipe(settings.option("R018", "procurement_methods"), "open|selective")

    def fold(self, record: ReleaseRecord, ctx: Context) -> None:
        if record.number_of_tenderers == 1 and matches_procurement_method(record, self.methods):
            ctx.flag("OCID", record.ocid, self.code, 1.0)
