"""Stream OCDS compiled releases (JSON Lines) into compact records and Arrow tables.

Lines are read one at a time and parsed with ``orjson`` when it is installed (else the stdlib ``json`` C
scanner); each release is reduced at once to a :class:`ReleaseRecord` of tuples holding only the fields that
Cardinal's indicators read, so memory does not grow with the size of the releases. Type checks follow Cardinal
(``serde_json`` ``Value`` matching): a field that has the wrong JSON type counts as missing.

Like Cardinal's ``fold_reduce`` (src/lib.rs), blank lines are skipped silently; invalid JSON and undecodable
lines are skipped and reported as :class:`LineIssue` rows.
"""

from __future__ import annotations

import json
import os
import sys
from collections.abc import Iterable, Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import IO, TYPE_CHECKING, Any, NamedTuple

if TYPE_CHECKING:
    import pyarrow as pa

try:  # pragma: no cover - exercised only where orjson is installed
    import orjson

    _loads = orjson.loads
    JSON_ERRORS: tuple[type[Exception], ...] = (orjson.JSONDecodeError, UnicodeDecodeError)
except ImportError:  # pragma: no cover - depends on the environment

    def _reject_constant(name: str) -> Any:
        raise ValueError(f"{name} is not valid JSON")  # serde_json rejects NaN and Infinity too

    _decoder = json.JSONDecoder(parse_constant=_reject_constant)

    def _loads(data: bytes | str) -> Any:
        return _decoder.decode(data.decode("utf-8") if isinstance(data, bytes | bytearray) else data)

    JSON_ERRORS = (ValueError, UnicodeDecodeError)

Source = str | os.PathLike | IO | Iterable[Any]


class LineIssue(NamedTuple):
    """A problem with one input line: 1-based line number, JSON pointer-like field ('' = whole line),
    reason."""

    line: int
    field: str
    reason: str


class BidRecord(NamedTuple):
    """``/bids/details[]``: status, tenderer ids (None where not a string), value and received date."""

    status: str | None
    tenderers: tuple[str | None, ...]
    amount: float | None
    currency: str | None
    date: str | None


class AwardRecord(NamedTuple):
    """``/awards[]``: status, supplier ids (None where not a string) and item classification ids."""

    status: str | None
    suppliers: tuple[str | None, ...]
    classifications: tuple[str, ...]


class ReleaseRecord(NamedTuple):
    """The fields of one compiled release that the indicators use (strings only where OCDS has strings)."""

    line: int
    ocid: str
    tender_status: str | None
    procurement_method: str | None
    procurement_method_details: str | None
    start_date: str | None
    end_date: str | None
    number_of_tenderers: int | None
    buyer_id: str | None
    procuring_entity_id: str | None
    awards: tuple[AwardRecord, ...]
    bids: tuple[BidRecord, ...]


_NO_BID = BidRecord(None, (), None, None, None)
_NO_AWARD = AwardRecord(None, (), ())


def iter_lines(source: Source) -> Iterator[tuple[int, Any]]:
    """Yield ``(line_number, line)`` from a path ('-' for stdin), an open file or an iterable of lines.

    An iterable may also hold already-parsed objects (dicts), which are passed through.
    """
    if isinstance(source, str | os.PathLike):
        if str(source) == "-":
            yield from enumerate(sys.stdin.buffer, 1)
            return
        with Path(source).open("rb") as handle:
            yield from enumerate(handle, 1)
        return
    yield from enumerate(source, 1)


def iter_objects(source: Source, issues: list[LineIssue] | None = None) -> Iterator[tuple[int, Any]]:
    """Yield ``(line_number, parsed JSON value)``; invalid lines are skipped and appended to ``issues``."""
    loads = _loads
    for number, line in iter_lines(source):
        if isinstance(line, dict | list):
            yield number, line
            continue
        try:
            yield number, loads(line)
        except JSON_ERRORS as error:
            if isinstance(error, UnicodeDecodeError):
                if issues is not None:
                    issues.append(LineIssue(number, "", "line is not valid UTF-8"))
            elif line.strip() and issues is not None:
                issues.append(LineIssue(number, "", f"invalid JSON: {error}"))


def _str(value: Any) -> str | None:
    return value if isinstance(value, str) else None


def _org_id(reference: Any) -> str | None:
    if isinstance(reference, dict):
        value = reference.get("id")
        if isinstance(value, str):
            return value
    return None


def _number(value: Any) -> float | None:
    if isinstance(value, int | float) and not isinstance(value, bool):
        try:
            return float(value)
        except OverflowError:
            return None
    return None


def _bid(bid: Any) -> BidRecord:
    if not isinstance(bid, dict):
        return _NO_BID
    status = bid.get("status")
    tenderers = bid.get("tenderers")
    value = bid.get("value")
    amount = currency = None
    if isinstance(value, dict):
        amount = _number(value.get("amount"))
        currency = _str(value.get("currency"))
    date = bid.get("date")
    return BidRecord(
        status if isinstance(status, str) else None,
        tuple(map(_org_id, tenderers)) if isinstance(tenderers, list) else (),
        amount,
        currency,
        date if isinstance(date, str) else None,
    )


def _award(award: Any) -> AwardRecord:
    if not isinstance(award, dict):
        return _NO_AWARD
    status = award.get("status")
    suppliers = award.get("suppliers")
    items = award.get("items")
    classifications: tuple[str, ...] = ()
    if isinstance(items, list):
        codes = []
        for item in items:
            if isinstance(item, dict):
                classification = item.get("classification")
                if isinstance(classification, dict):
                    code = classification.get("id")
                    if isinstance(code, str):
                        codes.append(code)
        classifications = tuple(codes)
    return AwardRecord(
        status if isinstance(status, str) else None,
        tuple(map(_org_id, suppliers)) if isinstance(suppliers, list) else (),
        classifications,
    )


def to_record(release: Any, line: int = 0) -> ReleaseRecord | None:
    """Reduce one parsed release to a :class:`ReleaseRecord`; None if it isn't an object with a string
    ocid."""
    if not isinstance(release, dict):
        return None
    ocid = release.get("ocid")
    if not isinstance(ocid, str):
        return None
    status = method = details = start = end = procuring_entity = None
    number_of_tenderers = None
    tender = release.get("tender")
    if isinstance(tender, dict):
        status = _str(tender.get("status"))
        method = _str(tender.get("procurementMethod"))
        details = _str(tender.get("procurementMethodDetails"))
        period = tender.get("tenderPeriod")
        if isinstance(period, dict):
            start = _str(period.get("startDate"))
            end = _str(period.get("endDate"))
        number = tender.get("numberOfTenderers")
        if isinstance(number, int) and not isinstance(number, bool):
            number_of_tenderers = number
        procuring_entity = _org_id(tender.get("procuringEntity"))
    awards = release.get("awards")
    bids = release.get("bids")
    details_list = bids.get("details") if isinstance(bids, dict) else None
    return ReleaseRecord(
        line,
        ocid,
        status,
        method,
        details,
        start,
        end,
        number_of_tenderers,
        _org_id(release.get("buyer")),
        procuring_entity,
        tuple(map(_award, awards)) if isinstance(awards, list) else (),
        tuple(map(_bid, details_list)) if isinstance(details_list, list) else (),
    )


def iter_records(source: Source, issues: list[LineIssue] | None = None) -> Iterator[ReleaseRecord]:
    """Stream :class:`ReleaseRecord` s; lines that are not objects with a string ``ocid`` are reported."""
    for number, value in iter_objects(source, issues):
        record = to_record(value, number)
        if record is not None:
            yield record
        elif issues is not None:
            if not isinstance(value, dict):
                issues.append(LineIssue(number, "", "not a JSON object"))
            else:
                reason = "not set" if value.get("ocid") is None else "not a string"
                issues.append(LineIssue(number, "/ocid", reason))


def _schemas() -> tuple[pa.Schema, pa.Schema, pa.Schema]:
    import pyarrow as pa  # imported lazily: the indicators don't need it

    text, ids = pa.string(), pa.list_(pa.string())
    processes = pa.schema([
        ("line", pa.int64()), ("ocid", text), ("tender_status", text), ("procurement_method", text),
        ("procurement_method_details", text), ("start_date", text), ("end_date", text),
        ("number_of_tenderers", pa.int64()), ("buyer_id", text), ("procuring_entity_id", text),
    ])
    bids = pa.schema([
        ("ocid", text), ("bid_index", pa.int32()), ("status", text), ("tenderer_ids", ids),
        ("amount", pa.float64()), ("currency", text), ("date", text),
    ])
    awards = pa.schema([
        ("ocid", text), ("award_index", pa.int32()), ("status", text), ("supplier_ids", ids),
        ("classification_ids", ids),
    ])
    return processes, bids, awards


@dataclass
class OcdsTables:
    """Columnar form of a JSON Lines file: one row per release, per bid and per award."""

    processes: pa.Table
    bids: pa.Table
    awards: pa.Table
    issues: list[LineIssue] = field(default_factory=list)


class _Columns:
    def __init__(self, schema: pa.Schema) -> None:
        self.schema = schema
        self.columns: list[list[Any]] = [[] for _ in schema.names]
        self.batches: list[pa.RecordBatch] = []

    def add(self, row: Iterable[Any]) -> None:
        for column, value in zip(self.columns, row, strict=True):
            column.append(value)

    def flush(self) -> None:
        import pyarrow as pa

        if self.columns[0]:
            arrays = [pa.array(column, type=kind)
                      for column, kind in zip(self.columns, self.schema.types, strict=True)]
            self.batches.append(pa.RecordBatch.from_arrays(arrays, schema=self.schema))
            self.columns = [[] for _ in self.schema.names]

    def table(self) -> pa.Table:
        import pyarrow as pa

        self.flush()
        return pa.Table.from_batches(self.batches, schema=self.schema)


def read_tables(source: Source, batch_size: int = 65_536) -> OcdsTables:
    """Read a JSON Lines source into Arrow tables (``processes``, ``bids``, ``awards``), batch by batch."""
    issues: list[LineIssue] = []
    processes, bids, awards = (_Columns(schema) for schema in _schemas())
    for count, record in enumerate(iter_records(source, issues), 1):
        processes.add(record[:10])
        for index, bid in enumerate(record.bids):
            bids.add((record.ocid, index, bid.status, bid.tenderers, bid.amount, bid.currency, bid.date))
        for index, award in enumerate(record.awards):
            awards.add((record.ocid, index, award.status, award.suppliers, award.classifications))
        if count % batch_size == 0:
            processes.flush()
            bids.flush()
            awards.flush()
    return OcdsTables(processes.table(), bids.table(), awards.table(), issues)
