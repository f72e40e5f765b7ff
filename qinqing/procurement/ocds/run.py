"""Run the indicators over JSON Lines and serialize the result exactly like ``ocdscardinal indicators``.

The result is ``{"OCID": {ocid: {code: value}}, "Buyer": ..., "ProcuringEntity": ..., "Tenderer": ...}`` with
only non-empty groups, plus ``"Meta"`` (quartiles and fences rounded to 4 decimals) and ``"Maps"`` when
requested.

Key order: Cardinal's order is not deterministic (rayon and ``HashMap`` iteration), and its own tests compare
parsed values. We emit groups in the order OCID, Buyer, ProcuringEntity, Tenderer; identifiers in the order
they were first flagged (input order, then finalize order); and indicator codes sorted.
"""

from __future__ import annotations

from collections.abc import Iterable, Iterator
from pathlib import Path
from typing import Any

from .base import GROUPS, MAP_FIELDS, Context
from .prepare import prepare_release
from .reader import LineIssue, ReleaseRecord, Source, iter_objects, to_record
from .registry import build_pipeline
from .settings import Settings, load_settings
from .util import dumps, round4, split_pipe


def _resolve(settings: Settings | str | Path | None) -> Settings:
    if settings is None:
        return Settings()
    if isinstance(settings, Settings):
        return settings
    return load_settings(settings)


def run_indicators(source: Source, settings: Settings | str | Path | None = None, *, meta: bool = False,
                   maps: bool = False, prepare: bool = False,
                   issues: list[LineIssue] | None = None) -> dict[str, Any]:
    """Calculate the indicators enabled in ``settings`` (a :class:`Settings`, a path to an INI file, or None
    for Cardinal's empty settings, which enable nothing) over OCDS compiled releases.

    ``source`` is a path ('-' for stdin), an open file, or an iterable of JSON lines or parsed releases. With
    ``prepare=True`` each release is first corrected with the ``[defaults]``, ``[codelists.*]``,
    ``[redactions]``, ``[corrections]`` and ``[modifications]`` settings, as ``ocdscardinal prepare`` would.
    Skipped lines are appended to ``issues``.
    """
    settings = _resolve(settings)
    return run_records(_records(source, settings, prepare, issues), settings, meta=meta, maps=maps)


def _records(source: Source, settings: Settings, prepare: bool,
             issues: list[LineIssue] | None) -> Iterator[ReleaseRecord]:
    for number, value in iter_objects(source, issues):
        if prepare and isinstance(value, dict):
            prepare_release(value, settings, number)
        record = to_record(value, number)
        if record is None:
            if issues is not None:
                issues.append(LineIssue(number, "/ocid" if isinstance(value, dict) else "",
                                        "ocid is not a string" if isinstance(value, dict)
                                        else "not a JSON object"))
            continue
        yield record


def run_records(records: Iterable[ReleaseRecord], settings: Settings | str | Path | None = None, *,
                meta: bool = False, maps: bool = False) -> dict[str, Any]:
    """The indicators over already reduced releases (from OCDS, or from the stored tender tables).

    Cancelled tenders and ``[exclusions]`` are skipped here; ``records`` is not read at all when no
    indicator is enabled.
    """
    settings = _resolve(settings)
    ctx = Context(settings, maps=maps)
    pipeline = build_pipeline(settings, maps=maps)
    excluded = split_pipe(settings.exclusions.get("procurement_method_details"))
    if pipeline:
        folds = [indicator.fold for indicator in pipeline]
        for record in records:
            if record.tender_status == "cancelled":
                continue
            details = record.procurement_method_details
            if details is not None and details in excluded:
                continue
            for fold in folds:
                fold(record, ctx)
        for indicator in pipeline:
            indicator.finalize(ctx)
    return build_result(ctx, meta=meta, maps=maps)


def build_result(ctx: Context, *, meta: bool = False, maps: bool = False) -> dict[str, Any]:
    """Assemble the output object from the accumulator."""
    result: dict[str, Any] = {}
    for group in GROUPS:
        entries = ctx.results[group]
        if entries:
            result[group] = {key: dict(sorted(values.items())) for key, values in entries.items()}
    if meta:
        result["Meta"] = {code: {key: round4(value) for key, value in ctx.meta[code].items()}
                          for code in sorted(ctx.meta)}
    if maps and ctx.maps is not None:
        result["Maps"] = {name: ctx.maps[name] for name in MAP_FIELDS}
    return result


def to_json(result: dict[str, Any]) -> str:
    """Serialize a result as Cardinal prints it: compact JSON, floats like ``1.0``, NaN/inf as ``null``."""
    return dumps(result)
