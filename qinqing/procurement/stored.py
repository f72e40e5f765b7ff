"""Cardinal's red-flag indicators over the stored tender tables, and those tables as OCDS compiled releases.

One stored tender is one contracting process. It is reduced to the same
:class:`~qinqing.procurement.ocds.reader.ReleaseRecord` that the OCDS reader produces, so the very same
indicator code runs on Chinese tenders as on OCDS files (:func:`run_stored_indicators`); and it is written out
as the compiled release whose reading yields that record (:func:`iter_stored_releases`), for OCP tools.

Mapping (the contract's columns → OCDS):

- ``tender_id`` → ``ocid`` (and ``tender/id``); ``title`` → ``tender/title``; ``budget`` → ``tender/value``
  (CNY); ``buyer_department_code`` → ``buyer/id``; there is no procuring entity apart from the buyer.
- ``method`` → ``tender/procurementMethod`` and ``tender/procurementMethodDetails`` (:data:`METHODS`):
  公开招标 ``open`` → open; 邀请招标 ``invited`` → selective (only invited firms may bid); 竞争性谈判/磋商
  ``competitive`` and 询价 ``inquiry`` → limited (the buyer picks at least three suppliers to negotiate with
  or to quote); 单一来源 ``single_source`` → direct (OCDS 1.1's code for an award without competition; it is
  also what ``import-ocds`` reads back as ``single_source``). The details keep the Chinese name, so
  settings such as ``[R003.procurement_method_details]`` or ``no_price_comparison_procurement_methods``
  can tell 询价 from 竞争性谈判.
- ``published_at`` / ``bid_deadline`` → ``tender/tenderPeriod`` start and end dates.
- Each bid → ``bids/details[]``: ``bidder_uscc`` → the one tenderer id, ``amount`` → value in CNY,
  ``submitted_at`` → date, ``disqualified`` → status ``disqualified``, else ``valid`` (an unrecorded
  disqualification counts as none). Bids are listed in order of submission (then USCC), which decides
  Cardinal's "first bid" on ties (R036).
- Each ``winner`` bid → an active award to its bidder (``awarded_at`` → award date, ``relatedBid``); a
  tender with no winner has no award. ``tender/status`` is ``complete`` with a winner, else ``active``.
- ``numberOfTenderers`` is the number of bids (one per firm: the table's key), when there are any.

Timestamps are written in Asia/Shanghai time with a fixed ``+08:00`` offset and a fraction only when it is
not zero, as the contract exporter writes them: Cardinal compares bid and deadline dates as strings (R030),
which is only right when they share one layout and one offset.
"""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass
from typing import Any

import polars as pl

from qinqing.procurement.ocds.reader import AwardRecord, BidRecord, ReleaseRecord
from qinqing.procurement.ocds.run import run_indicators, run_records
from qinqing.procurement.ocds.settings import Settings

CURRENCY = "CNY"
#: The contract's ``method`` → (OCDS ``procurementMethod``, ``procurementMethodDetails``).
METHODS: dict[str, tuple[str, str]] = {
    "open": ("open", "公开招标"),
    "invited": ("selective", "邀请招标"),
    "competitive": ("limited", "竞争性谈判"),
    "inquiry": ("limited", "询价"),
    "single_source": ("direct", "单一来源"),
}
TENDER_COLUMNS = ["tender_id", "title", "buyer_department_code", "method", "budget", "published_at",
                  "bid_deadline", "awarded_at"]
BID_COLUMNS = ["tender_id", "bidder_uscc", "amount", "submitted_at", "disqualified", "winner"]
_TIMESTAMPS = ("published_at", "bid_deadline", "awarded_at", "submitted_at")


@dataclass(frozen=True, slots=True)
class StoredBid:
    bidder: str
    amount: float | None
    date: str | None
    disqualified: bool
    winner: bool


@dataclass(frozen=True, slots=True)
class StoredTender:
    tender_id: str
    title: str
    buyer: str
    method: str
    budget: float | None
    start: str
    end: str | None
    awarded_at: str | None
    bids: tuple[StoredBid, ...]

    @property
    def status(self) -> str:
        return "complete" if any(bid.winner for bid in self.bids) else "active"


def load_stored() -> dict[str, pl.DataFrame]:
    """The tenders and bids tables (only the columns used here), from the application database."""
    from qinqing.risk.sources import load_tables  # needs Django: imported when the database is read

    return load_tables(["tenders", "bids"], columns={"tenders": TENDER_COLUMNS, "bids": BID_COLUMNS})


def _rfc3339(name: str) -> pl.Expr:
    """A naive local (UTC+8) timestamp column as RFC 3339 text, like the contract exporter writes it."""
    column = pl.col(name)
    text = column.dt.strftime("%Y-%m-%dT%H:%M:%S")
    micro = column.dt.microsecond()
    return (pl.when(micro == 0).then(text + "+08:00")
            .otherwise(text + "." + micro.cast(pl.String).str.zfill(6) + "+08:00").alias(name))


def iter_stored(frames: dict[str, pl.DataFrame] | None = None) -> Iterator[StoredTender]:
    """Stored tenders with their bids, in ``tender_id`` order; ``frames``: the typed tables (default: read
    them with :func:`load_stored`)."""
    frames = frames if frames is not None else load_stored()
    tenders = frames["tenders"].select(TENDER_COLUMNS).sort("tender_id")
    bids = frames["bids"].select(BID_COLUMNS).sort("tender_id", "submitted_at", "bidder_uscc", nulls_last=True)
    tenders = tenders.with_columns(_rfc3339(c) for c in _TIMESTAMPS if c in tenders.columns)
    bids = bids.with_columns(_rfc3339("submitted_at"))
    by_tender: dict[str, list[StoredBid]] = {}
    for tender_id, bidder, amount, date, disqualified, winner in bids.iter_rows():
        by_tender.setdefault(tender_id, []).append(
            StoredBid(bidder, amount, date, bool(disqualified), bool(winner)))
    del bids
    for tender_id, title, buyer, method, budget, start, end, awarded_at in tenders.iter_rows():
        yield StoredTender(tender_id, title, buyer, method, budget, start, end, awarded_at,
                           tuple(by_tender.pop(tender_id, ())))


def to_record(tender: StoredTender, line: int = 0) -> ReleaseRecord:
    """The indicators' view of a stored tender (what reading its exported release gives)."""
    method, details = METHODS[tender.method]
    bids = tuple(BidRecord("disqualified" if bid.disqualified else "valid", (bid.bidder,), bid.amount,
                           CURRENCY if bid.amount is not None else None, bid.date) for bid in tender.bids)
    awards = tuple(AwardRecord("active", (bid.bidder,), ()) for bid in tender.bids if bid.winner)
    return ReleaseRecord(line, tender.tender_id, tender.status, method, details, tender.start, tender.end,
                         len(tender.bids) or None, tender.buyer, None, awards, bids)


def iter_records(frames: dict[str, pl.DataFrame] | None = None) -> Iterator[ReleaseRecord]:
    """Stored tenders as indicator records, numbered like the lines of the exported file."""
    for line, tender in enumerate(iter_stored(frames), 1):
        yield to_record(tender, line)


def _value(amount: float | None) -> dict[str, Any] | None:
    return None if amount is None else {"amount": amount, "currency": CURRENCY}


def _drop_none(value: dict[str, Any]) -> dict[str, Any]:
    return {key: item for key, item in value.items() if item is not None}


def to_release(tender: StoredTender, names: dict[str, str] | None = None) -> dict[str, Any]:
    """A stored tender as an OCDS 1.1 compiled release (``names``: organization id → name)."""
    names = names or {}
    method, details = METHODS[tender.method]

    def reference(identifier: str) -> dict[str, str]:
        return _drop_none({"id": identifier, "name": names.get(identifier)})

    parties: dict[str, dict[str, Any]] = {tender.buyer: {**reference(tender.buyer), "roles": ["buyer"]}}
    bids, awards = [], []
    for bid in tender.bids:
        bid_id = f"{tender.tender_id}-{bid.bidder}"
        party = parties.setdefault(bid.bidder, {
            **reference(bid.bidder), "identifier": {"scheme": "CN-USCC", "id": bid.bidder}, "roles": []})
        party["roles"].append("tenderer")
        bids.append(_drop_none({"id": bid_id, "status": "disqualified" if bid.disqualified else "valid",
                                "date": bid.date, "tenderers": [reference(bid.bidder)],
                                "value": _value(bid.amount)}))
        if bid.winner:
            party["roles"].append("supplier")
            awards.append(_drop_none({"id": f"{tender.tender_id}-award-{len(awards) + 1}", "status": "active",
                                      "date": tender.awarded_at, "suppliers": [reference(bid.bidder)],
                                      "value": _value(bid.amount), "relatedBid": bid_id}))
    release = {
        "ocid": tender.tender_id, "id": f"{tender.tender_id}-compiled",
        "date": max(d for d in (tender.start, tender.awarded_at) if d is not None),
        "tag": ["compiled"], "initiationType": "tender", "language": "zh",
        "parties": list(parties.values()), "buyer": reference(tender.buyer),
        "tender": _drop_none({
            "id": tender.tender_id, "title": tender.title, "status": tender.status,
            "procurementMethod": method, "procurementMethodDetails": details, "value": _value(tender.budget),
            "tenderPeriod": _drop_none({"startDate": tender.start, "endDate": tender.end}),
            "numberOfTenderers": len(tender.bids) or None,
        }),
    }
    if bids:
        release["bids"] = {"details": bids}
    if awards:
        release["awards"] = awards
    return release


def organization_names(frames: dict[str, pl.DataFrame]) -> dict[str, str]:
    """Names of the buyers and bidders of ``frames``, from the departments and enterprises tables."""
    from qinqing.risk.sources import load_tables

    named = load_tables(["departments", "enterprises"],
                        columns={"departments": ["code", "name"], "enterprises": ["uscc", "name"]})
    buyers = frames["tenders"]["buyer_department_code"].unique()
    bidders = frames["bids"]["bidder_uscc"].unique()
    departments = named["departments"].filter(pl.col("code").is_in(buyers.implode()))
    firms = named["enterprises"].filter(pl.col("uscc").is_in(bidders.implode()))
    return dict(departments.iter_rows()) | dict(firms.iter_rows())


def iter_stored_releases(frames: dict[str, pl.DataFrame] | None = None,
                         names: bool = True) -> Iterator[dict[str, Any]]:
    """Stored tenders as OCDS compiled releases, in ``tender_id`` order (``names``: look up the buyers' and
    bidders' names for the references and ``parties``)."""
    frames = frames if frames is not None else load_stored()
    lookup = organization_names(frames) if names else {}
    for tender in iter_stored(frames):
        yield to_release(tender, lookup)


def run_stored_indicators(settings: Settings | str | None = None, *, meta: bool = False, maps: bool = False,
                          prepare: bool = False,
                          frames: dict[str, pl.DataFrame] | None = None) -> dict[str, Any]:
    """Cardinal's indicators over the stored tenders (``run_indicators`` for the application database).

    With ``prepare=True`` the settings' ``[defaults]``, ``[codelists.*]`` etc. are applied to each exported
    release first, as for a file; otherwise the records are built straight from the tables.
    """
    if prepare:
        return run_indicators(iter_stored_releases(frames, names=False), settings, meta=meta, maps=maps,
                              prepare=True)
    return run_records(iter_records(frames), settings, meta=meta, maps=maps)
