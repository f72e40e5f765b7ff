"""Alerts as JSON lines or CSV: one alert a line, with rule, score, entities and evidence."""

from __future__ import annotations

import csv
import json
from collections.abc import Iterable, Iterator
from typing import TextIO

from qinqing.risk import catalog
from qinqing.risk.catalog import ENTITY_KINDS
from qinqing.risk.models import Alert
from qinqing.risk.services import latest_scans

CSV_COLUMNS = ["id", "rule", "severity", "score", "status", "active", "summary", *ENTITY_KINDS, "evidence",
               "first_seen", "last_seen"]


def alert_record(alert: Alert, latest: dict | None = None) -> dict:
    """`latest`: rule → its latest scan (services.latest_scans), which last saw each of its active alerts."""
    seen = (latest or {}).get(alert.rule) if alert.active else None
    seen = seen or (alert.last_scan if alert.last_scan_id else None)
    return {
        "id": alert.key, "rule": alert.rule, "severity": alert.severity, "score": alert.score,
        "status": alert.status, "active": alert.active, "summary": alert.summary,
        "entities": {k: alert.entities.get(k, []) for k in ENTITY_KINDS}, "evidence": alert.evidence,
        "first_seen": alert.created_at.isoformat() if alert.created_at else None,
        # the start of the latest scan that raised it
        "last_seen": seen.started_at.isoformat() if seen else None,
    }


def records(alerts: Iterable[Alert]) -> Iterator[dict]:
    latest = latest_scans(list(catalog.rules()))
    for alert in alerts:
        yield alert_record(alert, latest)


def write_jsonl(alerts: Iterable[Alert], out: TextIO) -> int:
    n = 0
    for rec in records(alerts):
        out.write(json.dumps(rec, ensure_ascii=False, sort_keys=False) + "\n")
        n += 1
    return n


def write_csv(alerts: Iterable[Alert], out: TextIO) -> int:
    writer = csv.DictWriter(out, fieldnames=CSV_COLUMNS)
    writer.writeheader()
    n = 0
    for rec in records(alerts):
        row = {k: v for k, v in rec.items() if k not in ("entities", "evidence")}
        for kind in ENTITY_KINDS:
            row[kind] = ";".join(rec["entities"][kind])
        row["evidence"] = json.dumps(rec["evidence"], ensure_ascii=False)
        writer.writerow(row)
        n += 1
    return n
