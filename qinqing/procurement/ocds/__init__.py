"""OCDS import and red-flag indicators compatible with Cardinal (open-contracting/cardinal-rs).

- :func:`run_indicators` / :func:`to_json`: ``ocdscardinal indicators`` (R003, R018, R024, R025, R028, R030,
  R035, R036, R038, R048, R058) with Cardinal's ``settings.ini`` (:func:`load_settings`,
  :func:`parse_settings`).
- :func:`prepare_release` / :func:`validate`: ``ocdscardinal prepare`` corrections and a validation report.
- :func:`iter_records` / :func:`read_tables`: streaming compact records and Arrow tables.
- :func:`iter_normalized`: normalised tenders and bids for the importer.

Command line: ``python -m qinqing.procurement.ocds indicators FILE.jsonl [--settings FILE.ini]``.
"""

from .normalize import NormalizedBid, NormalizedRelease, NormalizedTender, iter_normalized, normalize_release
from .prepare import PrepareIssue, prepare, prepare_release, validate
from .reader import LineIssue, ReleaseRecord, iter_objects, iter_records, read_tables, to_record
from .registry import INDICATORS, TITLES
from .run import run_indicators, run_records, to_json
from .settings import Settings, SettingsError, load_settings, parse_settings

__all__ = [
    "INDICATORS",
    "TITLES",
    "LineIssue",
    "NormalizedBid",
    "NormalizedRelease",
    "NormalizedTender",
    "PrepareIssue",
    "ReleaseRecord",
    "Settings",
    "SettingsError",
    "iter_normalized",
    "iter_objects",
    "iter_records",
    "load_settings",
    "normalize_release",
    "parse_settings",
    "prepare",
    "prepare_release",
    "read_tables",
    "run_indicators",
    "run_records",
    "to_json",
    "to_record",
    "validate",
]
