"""R003 Short submission period (cardinal-rs ``src/indicators/r003.rs``, docs/cli/indicators/R/003.md).

A contracting process is flagged (value 1.0) if ``/tender/tenderPeriod/endDate - startDate``, in whole days
(truncated toward zero), is less than the threshold: ``[R003.procurement_method_details]`` for the process's
``/tender/procurementMethodDetails`` if listed, else ``[R003] threshold`` (default 15). Both dates must be
valid RFC 3339 date-times. ``[R003] procurement_methods`` (pipe-separated) restricts
``/tender/procurementMethod``.
"""

from __future__ import annotations

from .base import Context, Indicator, matches_procurement_method
from .reader import ReleaseRecord
from .settings import Settings
from .util import parse_rfc3339_ns, split_pipe, whole_days


class R003(Indicator):
    code = "R003"

    def __init__(self, settings: Settings) -> None:
        super().__init__(settings)
        self.threshold: int = settings.option("R003", "threshold", 15)
        self.methods = split_pipe(settings.option("R003", "procurement_methods"))
        self.by_details: dict[str, int] = settings.option("R003", "procurement_method_details", {})

    def fold(self, record: ReleaseRecord, ctx: Context) -> None:
        if record.start_date is None or record.end_date is None:
            return
        if not matches_procurement_method(record, self.methods):
            return
        start = parse_rfc3339_ns(record.start_date)
        end = parse_rfc3339_ns(record.end_date)
        if start is None or end is None:
            return
        details = record.procurement_method_details
        threshold = self.by_details.get(details, self.threshold) if details is not None else self.threshold
        if whole_days(start, end) < threshold:
            ctx.flag("OCID", record.ocid, self.code, 1.0)
