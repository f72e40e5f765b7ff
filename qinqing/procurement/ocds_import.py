"""`import-ocds`: OCDS compiled releases into the tender tables, through the contract importer.

Each usable release becomes a tenders row and its bids become bids rows; they are loaded by
`contract.importer.import_dataset`, so they get the same validation, the same single transaction and the
same idempotency as any contract file. What cannot be used is reported by line: a buyer that is not a
known department (the buyer's OCDS id must be a department code), a tenderer whose id is not a valid
USCC (bare, or as the org-id `CN-USCC-…` / `CN-SAIC-…`), amounts in another currency than CNY, a release
with no tender period start (the contract's required `published_at`).
"""

from __future__ import annotations

import tempfile
from collections.abc import Iterable
from dataclasses import dataclass, field
from datetime import UTC
from pathlib import Path

import polars as pl

from qinqing.contract.importer import ImportReport, import_dataset
from qinqing.contract.schema import table
from qinqing.core.identifiers import uscc_error
from qinqing.procurement.ocds.normalize import NormalizedRelease, iter_normalized
from qinqing.procurement.ocds.reader import LineIssue

# OCDS procurementMethod → the contract's method (招标方式).
METHODS = {"open": "open", "selective": "invited", "limited": "competitive", "direct": "single_source"}
USCC_PREFIXES = ("CN-USCC-", "CN-SAIC-", "CN-USCC", "CN-SAIC")


@dataclass
class OcdsImport:
    releases: int = 0
    tenders: int = 0
    bids: int = 0
    issues: list[LineIssue] = field(default_factory=list)
    report: ImportReport | None = None

    @property
    def ok(self) -> bool:
        return self.report is None or self.report.ok


def uscc_of(party_id: str | None) -> str | None:
    """The USCC in an OCDS party id, or None when it holds none."""
    if not party_id:
        return None
    value = party_id.strip().upper()
    for prefix in USCC_PREFIXES:
        if value.startswith(prefix):
            value = value[len(prefix):].lstrip("-")
            break
    return value if uscc_error(value) is None else None


def _timestamp(value) -> str | None:
    return value.astimezone(UTC).isoformat() if value is not None else None


def _amount(amount: float | None, currency: str | None, line: int, where: str,
            issues: list[LineIssue]) -> str | None:
    if amount is None:
        return None
    if currency not in (None, "CNY"):
        issues.append(LineIssue(line, where, f"amount in {currency}, not CNY: left out"))
        return None
    return format(amount, "f")


def convert(releases: Iterable[NormalizedRelease], departments: set[str],
            known_firms: set[str], issues: list[LineIssue]) -> dict[str, list[dict]]:
    """Contract rows for the usable releases; every release or bid left out gets an issue."""
    rows: dict[str, list[dict]] = {"tenders": [], "bids": [], "enterprises": []}
    new_firms: dict[str, str] = {}
    seen_tenders: set[str] = set()
    for release in releases:
        t = release.tender
        buyer = t.buyer_id or t.procuring_entity_id
        if buyer not in departments:
            issues.append(LineIssue(t.line, "/buyer/id", f"{buyer!r} is not a known department code: release left out"))
            continue
        if t.tender_start is None:
            issues.append(LineIssue(t.line, "/tender/tenderPeriod/startDate", "missing: release left out"))
            continue
        method = METHODS.get(t.procurement_method or "")
        if method is None:
            issues.append(LineIssue(t.line, "/tender/procurementMethod",
                                    f"{t.procurement_method!r} is not open/selective/limited/direct: release left out"))
            continue
        if t.ocid in seen_tenders:
            issues.append(LineIssue(t.line, "/ocid", "repeats an earlier release: left out"))
            continue
        seen_tenders.add(t.ocid)
        rows["tenders"].append({
            "tender_id": t.ocid, "title": t.title or t.ocid, "buyer_department_code": buyer, "method": method,
            "budget": _amount(t.budget_amount, t.budget_currency, t.line, "/tender/value", issues),
            "published_at": _timestamp(t.tender_start), "bid_deadline": _timestamp(t.tender_end),
            "awarded_at": _timestamp(t.award_date), "sector": None,
        })
        bidders: set[str] = set()
        for bid in release.bids:
            where = f"/bids/details/{bid.index}"
            uscc = uscc_of(bid.tenderer_id)
            if uscc is None:
                issues.append(LineIssue(t.line, f"{where}/tenderers/0/id",
                                        f"{bid.tenderer_id!r} holds no valid USCC: bid left out"))
                continue
            if uscc in bidders:
                issues.append(LineIssue(t.line, where, "a second bid of the same tenderer: left out"))
                continue
            bidders.add(uscc)
            if uscc not in known_firms and uscc not in new_firms:
                new_firms[uscc] = bid.tenderer_name or uscc
            rows["bids"].append({
                "tender_id": t.ocid, "bidder_uscc": uscc,
                "amount": _amount(bid.amount, bid.currency, t.line, f"{where}/value", issues),
                "submitted_at": _timestamp(bid.submitted_at), "disqualified": "true" if bid.disqualified else "false",
                "winner": "true" if bid.winner else "false",
            })
    # Firms not yet in the registry come in with their USCC and name only; stored firms are not touched.
    rows["enterprises"] = [{"uscc": u, "name": n} for u, n in sorted(new_firms.items())]
    return rows


def import_ocds(path: Path, *, report_path: Path | None = None, actor=None) -> OcdsImport:
    from qinqing.registry.models import Department, Enterprise

    result = OcdsImport()
    releases = list(iter_normalized(path, issues=result.issues))
    result.releases = len(releases)
    tenderers = {u for r in releases for b in r.bids if (u := uscc_of(b.tenderer_id))}
    known = set(Enterprise.objects.filter(pk__in=tenderers).values_list("pk", flat=True))
    rows = convert(releases, set(Department.objects.values_list("code", flat=True)), known, result.issues)
    result.tenders, result.bids = len(rows["tenders"]), len(rows["bids"])
    with tempfile.TemporaryDirectory(prefix="qinqing-ocds-") as tmp:
        folder = Path(tmp)
        for name, records in rows.items():
            columns = table(name).column_names
            pl.DataFrame([{c: r.get(c) for c in columns} for r in records],
                         schema={c: pl.String for c in columns}).write_csv(folder / f"{name}.csv")
        result.report = import_dataset(folder, actor=actor, report_path=report_path)
    return result
