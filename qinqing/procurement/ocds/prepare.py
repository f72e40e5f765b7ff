"""``ocdscardinal prepare`` (cardinal-rs ``Prepare::run``, docs/cli/prepare.md) and a validation report.

:func:`prepare_release` corrects one compiled release in place and returns Cardinal's quality issues as
:class:`PrepareIssue` rows (line, ocid, path, array indexes, incorrect value, description):

- organization references: objects coerced to arrays (tenderers, suppliers, parties), numeric ids stringified,
  ``[redactions] organization_id`` removed, ``[modifications] prefix_*`` prefixed, and ``parties[].roles``
  filled if ``[defaults] party_roles``;
- ``[defaults]`` fill bid currency, item classification scheme, bid and award status (else "not set");
- ``[codelists.bid_status]`` / ``[codelists.award_status]`` re-map codes; unknown codes are "invalid";
- ``[redactions] amount`` removes placeholder bid amounts; a zero amount "is zero";
- ``[corrections] award_status_by_contract_status`` cancels awards whose contracts are all cancelled;
- ``[modifications] move_auctions`` and ``split_procurement_method_details``.

:func:`validate` reports, as ``(line, field, reason)`` rows, what the indicators cannot use: invalid lines,
missing or non-string ``ocid``, invalid RFC 3339 dates, and every prepare issue.
"""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any, NamedTuple

from .reader import LineIssue, Source, iter_objects
from .settings import Settings
from .util import parse_rfc3339_ns, split_pipe

BID_STATUS = frozenset({"invited", "pending", "valid", "disqualified", "withdrawn"})
AWARD_STATUS = frozenset({"pending", "active", "cancelled", "unsuccessful"})


class PrepareIssue(NamedTuple):
    """One row of ``ocdscardinal prepare --errors``."""

    line: int
    ocid: Any
    path: str
    indexes: str
    value: str
    description: str


class _Options:
    def __init__(self, settings: Settings) -> None:
        defaults, modifications = settings.defaults, settings.modifications
        self.currency = defaults.get("currency")
        self.scheme = defaults.get("item_classification_scheme")
        self.bid_status = defaults.get("bid_status")
        self.award_status = defaults.get("award_status")
        self.party_roles = bool(defaults.get("party_roles"))
        amounts = []
        for part in split_pipe(settings.redactions.get("amount")):
            try:
                amounts.append(float(part))
            except ValueError:
                continue
        self.redact_amounts = frozenset(amounts)
        self.redact_ids = split_pipe(settings.redactions.get("organization_id"))
        self.by_contract_status = bool(settings.corrections.get("award_status_by_contract_status"))
        self.move_auctions = bool(modifications.get("move_auctions"))
        self.organization_prefix = modifications.get("prefix_buyer_or_procuring_entity_id") or ""
        self.economic_operator_prefix = modifications.get("prefix_tenderer_or_supplier_id") or ""
        self.split = modifications.get("split_procurement_method_details")
        self.bid_codes = settings.codelists.get("bid_status", {})
        self.award_codes = settings.codelists.get("award_status", {})


_CACHE: dict[int, tuple[Settings, _Options]] = {}


def _options(settings: Settings) -> _Options:
    cached = _CACHE.get(id(settings))
    if cached is None or cached[0] is not settings:
        cached = _CACHE[id(settings)] = (settings, _Options(settings))
    return cached[1]


def _stringify(obj: dict, key: str) -> None:
    value = obj.get(key)
    if isinstance(value, int | float) and not isinstance(value, bool):
        obj[key] = str(value)


def _prepare_reference(obj: dict, options: _Options, prefix: str, roles: dict[str, set[str]],
                       role: str) -> None:
    _stringify(obj, "id")
    value = obj.get("id")
    if isinstance(value, str):
        if value in options.redact_ids:
            del obj["id"]
            return
        if not value.startswith(prefix):
            value = obj["id"] = prefix + value
        if value in roles:
            roles[value].add(role)


def _prepare_object(parent: dict, key: str, options: _Options, prefix: str, roles: dict[str, set[str]],
                    role: str) -> None:
    value = parent.get(key)
    if isinstance(value, dict):
        _prepare_reference(value, options, prefix, roles, role)


def _prepare_array(parent: dict, key: str, options: _Options, prefix: str, roles: dict[str, set[str]],
                   role: str) -> None:
    if isinstance(parent.get(key), dict):
        parent[key] = [parent[key]]
    value = parent.get(key)
    if isinstance(value, list):
        for entry in value:
            if isinstance(entry, dict):
                _prepare_reference(entry, options, prefix, roles, role)


def prepare_release(release: dict, settings: Settings, line: int = 0) -> list[PrepareIssue]:
    """Correct one release in place, as ``ocdscardinal prepare`` does, and return its quality issues."""
    options = _options(settings)
    issues: list[PrepareIssue] = []
    ocid = release.get("ocid")

    def issue(path: str, indexes: Any, value: str, description: str) -> None:
        issues.append(PrepareIssue(line, ocid, path, str(indexes), value, description))

    no_roles: dict[str, set[str]] = {}
    _prepare_array(release, "parties", options, "", no_roles, "")
    roles: dict[str, set[str]] = {}
    parties = release.get("parties")
    if options.party_roles and isinstance(parties, list):
        for party in parties:
            if isinstance(party, dict) and isinstance(party.get("id"), str):
                existing = party.get("roles")
                roles[party["id"]] = {r for r in existing or () if isinstance(r, str)} \
                    if isinstance(existing, list) else set()

    _prepare_object(release, "buyer", options, options.organization_prefix, roles, "buyer")
    tender = release.get("tender")
    if isinstance(tender, dict):
        prefix = options.organization_prefix
        _prepare_object(tender, "procuringEntity", options, prefix, roles, "procuringEntity")
        details = tender.get("procurementMethodDetails")
        if options.split and isinstance(details, str):
            tender["procurementMethodDetails"] = details.split(options.split, 1)[0].rstrip()

    if options.move_auctions:
        auctions = release.get("auctions")
        if "bids" not in release and isinstance(auctions, list):  # Cardinal only logs a warning otherwise
            moved: list[Any] = []
            for auction in auctions:
                stages = auction.get("stages") if isinstance(auction, dict) else None
                for stage in stages if isinstance(stages, list) else ():
                    if isinstance(stage, dict) and isinstance(stage.get("bids"), list):
                        moved.extend(stage.pop("bids"))
            release["bids"] = {"details": moved}

    bids = release.get("bids")
    details = bids.get("details") if isinstance(bids, dict) else None
    for j, bid in enumerate(details if isinstance(details, list) else ()):
        if not isinstance(bid, dict):
            continue
        value = bid.get("value")
        if isinstance(value, dict):
            amount = value.get("amount")
            if isinstance(amount, int | float) and not isinstance(amount, bool):
                if float(amount) in options.redact_amounts:
                    del value["amount"]
                elif amount == 0:
                    issue("/bids/details[]/value/amount", j, "", "is zero")
            if "currency" not in value:
                if options.currency is not None:
                    value["currency"] = options.currency
                else:
                    issue("/bids/details[]/value/currency", j, "", "not set")
        items = bid.get("items")
        for k, item in enumerate(items if isinstance(items, list) else ()):
            classification = item.get("classification") if isinstance(item, dict) else None
            if isinstance(classification, dict) and "scheme" not in classification:
                if options.scheme is not None:
                    classification["scheme"] = options.scheme
                else:
                    issue("/bids/details[]/items[]/classification/scheme", f"{j}.{k}", "", "not set")
        if "status" not in bid:
            if options.bid_status is not None:
                bid["status"] = options.bid_status
            else:
                issue("/bids/details[]/status", j, "", "not set")
        status = bid.get("status")
        if isinstance(status, str):
            status = bid["status"] = options.bid_codes.get(status, status)
            if status not in BID_STATUS:
                issue("/bids/details[]/status", j, status, "invalid")
        _prepare_array(bid, "tenderers", options, options.economic_operator_prefix, roles, "tenderer")

    cancelled_awards: dict[str, bool] = {}
    contracts = release.get("contracts")
    if options.by_contract_status and isinstance(contracts, list):
        for contract in contracts:
            if isinstance(contract, dict):
                _stringify(contract, "awardID")
                award_id = contract.get("awardID")
                if isinstance(award_id, str):
                    is_cancelled = contract.get("status") == "cancelled"
                    cancelled_awards[award_id] = cancelled_awards.get(award_id, True) and is_cancelled

    awards = release.get("awards")
    for j, award in enumerate(awards if isinstance(awards, list) else ()):
        if not isinstance(award, dict):
            continue
        _stringify(award, "id")
        items = award.get("items")
        for k, item in enumerate(items if isinstance(items, list) else ()):
            if not isinstance(item, dict):
                continue
            _prepare_object(item, "classification", options, "", no_roles, "")
            classification = item.get("classification")
            if isinstance(classification, dict) and "scheme" not in classification:
                if options.scheme is not None:
                    classification["scheme"] = options.scheme
                else:
                    issue("/awards[]/items[]/classification/scheme", f"{j}.{k}", "", "not set")
        if "status" not in award:
            if options.award_status is not None:
                award["status"] = options.award_status
            else:
                issue("/awards[]/status", j, "", "not set")
        status = award.get("status")
        if isinstance(status, str):
            status = award["status"] = options.award_codes.get(status, status)
            if status not in AWARD_STATUS:
                issue("/awards[]/status", j, status, "invalid")
        if options.by_contract_status and cancelled_awards.get(award.get("id"), False):
            award["status"] = "cancelled"
        _prepare_array(award, "suppliers", options, options.economic_operator_prefix, roles, "supplier")

    if options.party_roles and isinstance(parties, list):
        for party in parties:
            if isinstance(party, dict) and isinstance(party.get("id"), str) and roles.get(party["id"]):
                party["roles"] = sorted(roles[party["id"]])
    return issues


def prepare(source: Source, settings: Settings,
            issues: list[LineIssue] | None = None) -> Iterator[tuple[dict, list[PrepareIssue]]]:
    """Yield each corrected release with its quality issues (lines that aren't JSON objects are skipped)."""
    for number, value in iter_objects(source, issues):
        if isinstance(value, dict):
            yield value, prepare_release(value, settings, number)
        elif issues is not None:
            issues.append(LineIssue(number, "", "not a JSON object"))


def _field(issue: PrepareIssue) -> str:
    path, indexes = issue.path, issue.indexes.split(".") if issue.indexes else []
    for index in indexes:
        path = path.replace("[]", f"[{index}]", 1)
    return path


def validate(source: Source, settings: Settings | None = None) -> list[LineIssue]:
    """A validation report: ``(line, field, reason)`` for everything the indicators cannot use or would
    misread."""
    settings = settings or Settings()
    report: list[LineIssue] = []
    for number, value in iter_objects(source, report):
        if not isinstance(value, dict):
            report.append(LineIssue(number, "", "not a JSON object"))
            continue
        ocid = value.get("ocid")
        if not isinstance(ocid, str):
            report.append(LineIssue(number, "/ocid", "not set" if ocid is None else "not a string"))
        tender = value.get("tender")
        period = tender.get("tenderPeriod") if isinstance(tender, dict) else None
        if isinstance(period, dict):
            for key in ("startDate", "endDate"):
                date = period.get(key)
                if date is not None and (not isinstance(date, str) or parse_rfc3339_ns(date) is None):
                    report.append(LineIssue(number, f"/tender/tenderPeriod/{key}",
                                            f"invalid RFC 3339 date-time: {date!r}"))
        bids = value.get("bids")
        details = bids.get("details") if isinstance(bids, dict) else None
        for j, bid in enumerate(details if isinstance(details, list) else ()):
            date = bid.get("date") if isinstance(bid, dict) else None
            if date is not None and (not isinstance(date, str) or parse_rfc3339_ns(date) is None):
                report.append(LineIssue(number, f"/bids/details[{j}]/date",
                                        f"invalid RFC 3339 date-time: {date!r}"))
        for issue in prepare_release(value, settings, number):
            reason = f"{issue.description}: {issue.value!r}" if issue.value else issue.description
            report.append(LineIssue(number, _field(issue), reason))
    return report
