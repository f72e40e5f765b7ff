"""Normalised tenders and bids from OCDS compiled releases, for importing into the project's tender tables.

One :class:`NormalizedRelease` per usable line: a :class:`NormalizedTender` and its :class:`NormalizedBid` s,
plus the :class:`~.reader.LineIssue` s found on that line. Organization names come from the reference itself
or, failing that, from ``/parties`` by id. Dates are aware ``datetime`` s (RFC 3339, as Cardinal parses them);
an invalid date becomes None with an issue. A bid is the winner's if ``/awards[]/relatedBid`` of an active
award names it, or else if one of its tenderers supplies an active award and the bid wasn't disqualified,
withdrawn or invited.
"""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass, field
from datetime import datetime
from typing import Any

from .prepare import prepare_release
from .reader import LineIssue, Source, iter_objects
from .settings import Settings
from .util import parse_rfc3339_datetime

LOSING = frozenset({"disqualified", "withdrawn", "invited"})


@dataclass(frozen=True, slots=True)
class NormalizedTender:
    line: int
    ocid: str
    title: str | None
    status: str | None
    buyer_id: str | None
    buyer_name: str | None
    procuring_entity_id: str | None
    procuring_entity_name: str | None
    procurement_method: str | None
    procurement_method_details: str | None
    budget_amount: float | None
    budget_currency: str | None
    tender_start: datetime | None
    tender_end: datetime | None
    award_date: datetime | None
    number_of_tenderers: int | None


@dataclass(frozen=True, slots=True)
class NormalizedBid:
    ocid: str
    index: int
    bid_id: str | None
    tenderer_id: str | None
    tenderer_name: str | None
    co_tenderer_ids: tuple[str, ...]
    amount: float | None
    currency: str | None
    status: str | None
    disqualified: bool
    submitted_at: datetime | None
    winner: bool


@dataclass(slots=True)
class NormalizedRelease:
    tender: NormalizedTender
    bids: list[NormalizedBid]
    issues: list[LineIssue] = field(default_factory=list)


def _str(value: Any) -> str | None:
    if isinstance(value, str):
        return value
    if isinstance(value, int | float) and not isinstance(value, bool):
        return str(value)
    return None


def _amount(value: Any) -> tuple[float | None, str | None]:
    if not isinstance(value, dict):
        return None, None
    amount = value.get("amount")
    if isinstance(amount, bool) or not isinstance(amount, int | float):
        amount = None
    return (float(amount) if amount is not None else None), _str(value.get("currency"))


class _Line:
    def __init__(self, number: int, release: dict) -> None:
        self.number = number
        self.issues: list[LineIssue] = []
        self.names: dict[str, str] = {}
        parties = release.get("parties")
        for party in parties if isinstance(parties, list) else ():
            if isinstance(party, dict) and _str(party.get("id")) and isinstance(party.get("name"), str):
                self.names.setdefault(_str(party["id"]), party["name"])

    def organization(self, reference: Any) -> tuple[str | None, str | None]:
        if not isinstance(reference, dict):
            return None, None
        identifier = _str(reference.get("id"))
        name = reference.get("name") if isinstance(reference.get("name"), str) else None
        return identifier, name or (self.names.get(identifier) if identifier else None)

    def date(self, value: Any, where: str) -> datetime | None:
        if value is None:
            return None
        parsed = parse_rfc3339_datetime(value) if isinstance(value, str) else None
        if parsed is None:
            self.issues.append(LineIssue(self.number, where, f"invalid RFC 3339 date-time: {value!r}"))
        return parsed


def normalize_release(release: Any, line: int = 0) -> NormalizedRelease | None:
    """Normalise one parsed release; None (nothing usable) if it isn't an object with a string ocid."""
    if not isinstance(release, dict) or not isinstance(release.get("ocid"), str):
        return None
    ocid: str = release["ocid"]
    ctx = _Line(line, release)
    tender = release.get("tender") if isinstance(release.get("tender"), dict) else {}
    period = tender.get("tenderPeriod") if isinstance(tender.get("tenderPeriod"), dict) else {}
    budget_amount, budget_currency = _amount(tender.get("value"))
    if budget_amount is None:
        planning = release.get("planning")
        budget = planning.get("budget") if isinstance(planning, dict) else None
        budget_amount, budget_currency = _amount(budget.get("amount") if isinstance(budget, dict) else None)
    awards = [a for a in release.get("awards") or () if isinstance(a, dict)] \
        if isinstance(release.get("awards"), list) else []
    active = [a for a in awards if a.get("status") == "active"]
    suppliers = {_str(s.get("id")) for a in active if isinstance(a.get("suppliers"), list)
                 for s in a["suppliers"] if isinstance(s, dict)} - {None}
    related_bids = {_str(a.get("relatedBid")) for a in active} - {None}
    award_dates = [d for i, a in enumerate(awards) if a.get("status") == "active"
                   if (d := ctx.date(a.get("date"), f"/awards[{i}]/date")) is not None]
    buyer_id, buyer_name = ctx.organization(release.get("buyer"))
    entity_id, entity_name = ctx.organization(tender.get("procuringEntity"))
    number = tender.get("numberOfTenderers")
    normalized = NormalizedTender(
        line=line, ocid=ocid, title=_str(tender.get("title")), status=_str(tender.get("status")),
        buyer_id=buyer_id, buyer_name=buyer_name,
        procuring_entity_id=entity_id, procuring_entity_name=entity_name,
        procurement_method=_str(tender.get("procurementMethod")),
        procurement_method_details=_str(tender.get("procurementMethodDetails")),
        budget_amount=budget_amount, budget_currency=budget_currency,
        tender_start=ctx.date(period.get("startDate"), "/tender/tenderPeriod/startDate"),
        tender_end=ctx.date(period.get("endDate"), "/tender/tenderPeriod/endDate"),
        award_date=min(award_dates, default=None),
        number_of_tenderers=number if isinstance(number, int) and not isinstance(number, bool) else None,
    )
    bids = []
    holder = release.get("bids")
    details = holder.get("details") if isinstance(holder, dict) else None
    for index, bid in enumerate(details if isinstance(details, list) else ()):
        if not isinstance(bid, dict):
            ctx.issues.append(LineIssue(line, f"/bids/details[{index}]", "not an object"))
            continue
        tenderers = [ctx.organization(t) for t in bid.get("tenderers") or () if isinstance(t, dict)] \
            if isinstance(bid.get("tenderers"), list) else []
        if not tenderers or tenderers[0][0] is None:
            ctx.issues.append(LineIssue(line, f"/bids/details[{index}]/tenderers", "no tenderer id"))
        amount, currency = _amount(bid.get("value"))
        status = _str(bid.get("status"))
        bid_id = _str(bid.get("id"))
        ids = [identifier for identifier, _ in tenderers if identifier is not None]
        if related_bids:
            winner = bid_id is not None and bid_id in related_bids
        else:
            winner = status not in LOSING and any(i in suppliers for i in ids)
        bids.append(NormalizedBid(
            ocid=ocid, index=index, bid_id=bid_id,
            tenderer_id=tenderers[0][0] if tenderers else None,
            tenderer_name=tenderers[0][1] if tenderers else None,
            co_tenderer_ids=tuple(ids[1:]), amount=amount, currency=currency, status=status,
            disqualified=status == "disqualified",
            submitted_at=ctx.date(bid.get("date"), f"/bids/details[{index}]/date"), winner=winner,
        ))
    return NormalizedRelease(normalized, bids, ctx.issues)


def iter_normalized(source: Source, settings: Settings | None = None,
                    issues: list[LineIssue] | None = None) -> Iterator[NormalizedRelease]:
    """Stream normalised releases. With ``settings``, each release is first prepared (``[defaults]`` etc.).

    Lines that cannot be used at all (invalid JSON, not an object, no string ocid) are appended to ``issues``.
    """
    for number, value in iter_objects(source, issues):
        if settings is not None and isinstance(value, dict):
            prepare_release(value, settings, number)
        normalized = normalize_release(value, number)
        if normalized is None:
            if issues is not None:
                if isinstance(value, dict):
                    reason = "not set" if value.get("ocid") is None else "not a string"
                    issues.append(LineIssue(number, "/ocid", reason))
                else:
                    issues.append(LineIssue(number, "", "not a JSON object"))
            continue
        yield normalized
