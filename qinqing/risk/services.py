"""Risk operations: run a scan and keep its alerts; decide on an alert. Views, CLI and tests call these."""

from __future__ import annotations

import datetime as dt
import time
from collections.abc import Callable
from dataclasses import dataclass, field

from django.conf import settings
from django.db import connection, transaction
from django.utils import timezone

from qinqing.audit import services as audit
from qinqing.risk import catalog
from qinqing.risk.engine.base import Evaluation, Finding, build_reference, identity_of, plan, run
from qinqing.risk.engine.engines import open_engine
from qinqing.risk.models import Alert, Decision, Scan
from qinqing.risk.warehouse import Snapshot, Warehouse

BATCH = 2_000
KEY_BATCH = 500  # identities per IN list
Progress = Callable[[str, str], None]


@dataclass
class RuleOutcome:
    raised: int = 0
    new: int = 0
    reopened: int = 0
    resolved: int = 0

    def as_dict(self) -> dict[str, int]:
        return {"raised": self.raised, "new": self.new, "reopened": self.reopened, "resolved": self.resolved}


@dataclass
class ScanResult:
    scan: Scan
    outcomes: dict[str, RuleOutcome] = field(default_factory=dict)
    # The findings built by this scan: rows the store already held unchanged are not rebuilt (they count
    # in `outcomes`); on a scan without kept alerts, every finding.
    findings: dict[str, list[Finding]] = field(default_factory=dict)
    carried: list[str] = field(default_factory=list)  # rules not run again: nothing they read changed


def _regions(codes: set[str]) -> dict[str, str | None]:
    from qinqing.registry.models import Department

    found: dict[str, str | None] = {}
    codes_list = sorted(codes)
    for i in range(0, len(codes_list), 500):
        found.update(Department.objects.filter(code__in=codes_list[i:i + 500]).values_list("code", "region_code"))
    return found


def _fill(alert: Alert, f: Finding, rule: catalog.Rule, regions: dict[str, str | None], scan: Scan) -> None:
    units = f.entities["department_code"]
    alert.rule, alert.alert_key, alert.score, alert.summary = f.rule, f.alert_key, f.score, f.summary
    alert.severity = rule.severity
    alert.entities, alert.evidence, alert.evidence_hash = f.entities, f.evidence, f.evidence_hash
    alert.department_code = units[0] if units else None
    alert.region_code = next((regions.get(u) for u in units if regions.get(u)), None)
    alert.officials = "|" + "|".join(f.entities["official_id"]) + "|" if f.entities["official_id"] else ""
    alert.row_digest = f.digest
    alert.active, alert.last_scan = True, scan


@dataclass(frozen=True)
class _Kept:
    """An alert already kept, as the scan first reads it: narrow (the covering index answers it)."""

    pk: int
    row_digest: str
    active: bool


@dataclass(frozen=True)
class _Held:
    """What the store compares of an alert kept whose result row changed (or has no digest)."""

    pk: int
    status: str
    evidence_hash: str
    decided_evidence_hash: str
    active: bool
    score: float
    summary: str
    severity: str


class Known:
    """The alerts each rule has kept, read narrow; as the engine's `Seen` (engine.base) it tells which
    result rows the store holds exactly (same identity, same row digest, still active) and records them,
    so that those rows are never turned into findings. Plain cursors throughout: the ORM's per-value
    converters cost more than the queries for the 72k alerts of one province rule."""

    def __init__(self) -> None:
        self._kept: dict[str, dict[str, _Kept]] = {}
        self.unchanged: dict[str, set[str]] = {}  # rule → identities of rows found as kept

    def kept(self, code: str) -> dict[str, _Kept]:
        if code not in self._kept:
            with connection.cursor() as cursor:
                cursor.execute(f"SELECT key, id, row_digest, active FROM {Alert._meta.db_table} "  # noqa: S608
                               "WHERE rule = %s", [code])
                self._kept[code] = {key: _Kept(pk, digest, bool(active)) for key, pk, digest, active in cursor}
        return self._kept[code]

    def __call__(self, rule: catalog.Rule, alert_key: str, digest: str) -> bool:
        identity = identity_of(rule.code, alert_key)
        kept = self.kept(rule.code).get(identity)
        if kept is not None and kept.active and kept.row_digest == digest:
            self.unchanged.setdefault(rule.code, set()).add(identity)
            return True
        return False


def _held(code: str, identities: list[str]) -> dict[str, _Held]:
    """The comparable fields of the given alerts of one rule (all of the rule's when they are many)."""
    cols = "key, id, status, evidence_hash, decided_evidence_hash, active, score, summary, severity"
    table = Alert._meta.db_table
    found: dict[str, _Held] = {}
    with connection.cursor() as cursor:
        if len(identities) > 20 * KEY_BATCH:
            cursor.execute(f"SELECT {cols} FROM {table} WHERE rule = %s", [code])  # noqa: S608
            rows = cursor.fetchall()
        else:
            rows = []
            for i in range(0, len(identities), KEY_BATCH):
                chunk = identities[i:i + KEY_BATCH]
                cursor.execute(f"SELECT {cols} FROM {table} WHERE key IN ({', '.join(['%s'] * len(chunk))})",  # noqa: S608
                               chunk)
                rows.extend(cursor.fetchall())
    for key, pk, status, ev, decided, active, score, summary, severity in rows:
        found[key] = _Held(pk, status, ev, decided, bool(active), score, summary, severity)
    return found


def store(scan: Scan, rule: catalog.Rule, findings: list[Finding], known: Known | None = None) -> RuleOutcome:
    """Upsert one rule's findings: same identity, same row; a changed dismissal reopens; gone = inactive.

    `known`: what the scan read of the kept alerts, with the rows the engine found unchanged (they are not
    among `findings`). Unchanged alerts are not written at all (a row rewrite of 72k wide alerts cost more
    than the rule): `last_scan` is the scan that last stored an alert's facts, and an active alert was last
    seen by the rule's latest scan (`latest_scans`). Only new and changed alerts become models."""
    known = known or Known()
    kept = known.kept(rule.code)
    same_rows = known.unchanged.get(rule.code, set())
    outcome = RuleOutcome(raised=len(findings) + len(same_rows))
    units = {u for f in findings for u in f.entities["department_code"]}
    regions = _regions(units)
    held = _held(rule.code, [f.identity for f in findings if f.identity in kept])
    now = timezone.now()
    to_create, to_update, reopened = [], [], []
    redigest: list[tuple[str, int]] = []  # same facts, but the row digest is new (or was never taken)
    for f in findings:
        h = held.get(f.identity)
        if h is None:
            alert = Alert(key=f.identity, first_scan=scan, created_at=now)
            _fill(alert, f, rule, regions, scan)
            to_create.append(alert)
            continue
        if (h.active and h.evidence_hash == f.evidence_hash and h.score == f.score
                and h.summary == f.summary and h.severity == rule.severity):
            # Same facts: nothing to write, but a digest the next scan can recognise the row by. An engine
            # that computes none (Spark) leaves the one kept: it still stands for these very facts.
            if f.digest and kept[f.identity].row_digest != f.digest:
                redigest.append((f.digest, h.pk))
            continue
        alert = Alert(pk=h.pk, key=f.identity, status=h.status)
        _fill(alert, f, rule, regions, scan)
        alert.updated_at = now
        # A dismissal stands while the facts it judged stand; new facts put the alert back in the queue.
        # A confirmation stands either way (the case goes on with the new facts).
        if h.status == Alert.Status.DISMISSED and h.decided_evidence_hash != f.evidence_hash:
            alert.status = Alert.Status.NEW
            reopened.append(alert)
        to_update.append(alert)
    raised = same_rows | {f.identity for f in findings}
    gone = [k.pk for identity, k in kept.items() if k.active and identity not in raised]
    fields = ["rule", "alert_key", "score", "summary", "severity", "entities", "evidence", "evidence_hash",
              "row_digest", "department_code", "region_code", "officials", "active", "last_scan", "status",
              "updated_at"]
    with transaction.atomic():
        Alert.objects.bulk_create(to_create, batch_size=BATCH)
        _update(to_update, fields)
        if redigest:
            with connection.cursor() as cursor:
                cursor.executemany(f"UPDATE {Alert._meta.db_table} SET row_digest = %s WHERE id = %s",  # noqa: S608
                                   redigest)
        Decision.objects.bulk_create(
            [Decision(alert=a, action=Decision.Action.REOPEN, evidence_hash=a.evidence_hash,
                      reason="evidence changed since the dismissal") for a in reopened], batch_size=BATCH)
        # It was last seen by the rule's previous scan (it was active then).
        seen_last = latest_scans([rule.code]).get(rule.code) if gone else None
        for i in range(0, len(gone), BATCH):
            Alert.objects.filter(pk__in=gone[i:i + BATCH]).update(active=False, updated_at=now, last_scan=seen_last)
    outcome.new, outcome.reopened, outcome.resolved = len(to_create), len(reopened), len(gone)
    return outcome


def _update(alerts: list[Alert], fields: list[str]) -> None:
    """Write `fields` of existing alerts: one prepared UPDATE run for every row. (`bulk_update` builds a
    CASE expression per field over the whole batch, which cost more than the rules after a small import.)"""
    if not alerts:
        return
    columns = [Alert._meta.get_field(name) for name in fields]
    assignments = ", ".join(f"{connection.ops.quote_name(f.column)} = %s" for f in columns)
    rows = [[f.get_db_prep_save(getattr(a, f.attname), connection) for f in columns] + [a.pk] for a in alerts]
    with connection.cursor() as cursor:
        cursor.executemany(f"UPDATE {Alert._meta.db_table} SET {assignments} WHERE id = %s", rows)  # noqa: S608


def latest_scans(codes: list[str]) -> dict[str, Scan]:
    """Per rule, the newest finished scan that ran it or carried it forward: the scan that last saw every
    active alert of the rule (unchanged alerts are not rewritten, so their `last_scan` may be older), and
    whose signature for the rule says what its alerts were computed from."""
    found: dict[str, Scan] = {}
    scans = (Scan.objects.filter(status=Scan.Status.FINISHED).only("pk", "started_at", "counts", "signatures")
             .order_by("-pk"))
    for scan in scans.iterator(chunk_size=50):
        for code in codes:
            if code not in found and code in (scan.counts or {}):
                found[code] = scan
        if len(found) == len(codes):
            break
    return found


def _previous_signatures(codes: list[str]) -> dict[str, str]:
    """Per rule, the signature of the newest finished scan that ran it or carried it forward."""
    return {code: scan.signatures[code] for code, scan in latest_scans(codes).items()
            if code in (scan.signatures or {})}


def run_scan(*, engine: str = "duckdb", rule_codes: list[str] | None = None, as_of: dt.date | None = None,
             overrides: dict[str, dict[str, object]] | None = None, progress: Progress | None = None,
             full: bool = False, rebuild: bool = False, warehouse: Warehouse | None = None) -> ScanResult:
    """Bring the columnar copy up to date, run the rules whose inputs changed since they last ran (all of
    them with `full`), keep their alerts; one Scan row records it. `rebuild`: re-read the copy whole."""
    from qinqing.risk import reference

    rules = catalog.select(rule_codes)
    as_of = as_of or timezone.localdate()
    scan = Scan.objects.create(engine=engine, as_of=as_of, rules=[r.code for r in rules], incremental=not full)
    started = time.perf_counter()
    result = ScanResult(scan)
    warehouse = warehouse or Warehouse()
    known = Known()
    try:
        the_plan = plan(rules)
        with warehouse.open() as con:
            synced = warehouse.sync(con, the_plan.tables, rebuild=rebuild,
                                    progress=(lambda t: progress("load", t)) if progress else None)
            small = sorted({t for name in the_plan.reference for t in reference.BUILDERS[name].needs})
            frames = {**warehouse.minima(con, reference.CALENDAR_SPAN), **warehouse.frames(con, small)}
            built = build_reference(frames, the_plan.reference, as_of)  # once per scan
            previous = {} if full else _previous_signatures([r.code for r in rules])
            snapshot = Snapshot(warehouse, con, synced.versions, synced.changes)
            evaluation = _evaluate(engine, snapshot, the_plan, frames, built, as_of=as_of, overrides=overrides,
                                   progress=progress, seen=known, previous=previous)
        signatures, result.findings = evaluation.signatures, evaluation.findings
        todo = [r for r in rules if r.code in result.findings]
        result.carried = [r.code for r in rules if r.code not in result.findings]
        for rule in todo:
            if progress:
                progress("store", rule.code)
            result.outcomes[rule.code] = store(scan, rule, result.findings[rule.code], known)
    except Exception as exc:
        scan.status, scan.error = Scan.Status.FAILED, f"{type(exc).__name__}: {exc}"
        scan.finished_at, scan.seconds = timezone.now(), time.perf_counter() - started
        scan.save()
        raise
    scan.status, scan.finished_at = Scan.Status.FINISHED, timezone.now()
    scan.seconds = time.perf_counter() - started
    scan.signatures = signatures
    scan.counts = {code: o.as_dict() for code, o in result.outcomes.items()}
    scan.counts.update({code: {"carried": 1} for code in result.carried})
    scan.save()
    audit.record(action="risk.scan", object_type="risk.scan", object_id=str(scan.pk),
                 detail={"engine": engine, "as_of": as_of.isoformat(), "counts": scan.counts})
    return result


def _evaluate(engine: str, snapshot: Snapshot, the_plan, frames: dict, built: dict, *, as_of: dt.date, overrides,
              progress: Progress | None, seen: Known, previous: dict[str, str]) -> Evaluation:
    """Run the planned rules whose inputs changed over the copy: DuckDB reads it in place, Spark reads
    Parquet files of it."""
    if engine == "duckdb":
        from qinqing.risk.engine.duck import DuckEngine

        # The copy is closed right after: what the scan defined on it goes with it.
        eng = DuckEngine(con=snapshot.con, memory_limit=settings.RISK_MEMORY_LIMIT or None, tidy=False)
    else:
        eng = open_engine(engine)
    try:
        return run(eng, frames, the_plan, as_of=as_of, overrides=overrides, progress=progress, stored=snapshot,
                   seen=seen, built=built, previous=previous)
    finally:
        eng.close()


class DecisionError(ValueError):
    pass


ACTION_STATUS = {
    Decision.Action.CONFIRM: Alert.Status.CONFIRMED,
    Decision.Action.DISMISS: Alert.Status.DISMISSED,
    Decision.Action.VERIFY: Alert.Status.VERIFYING,
}


@transaction.atomic
def decide(*, alert: Alert, user, action: str, reason: str = "") -> Decision:
    """Confirm (it becomes a clue 线索), dismiss with a reason, or ask for verification (核实)."""
    try:
        action = Decision.Action(action)
    except ValueError:
        raise DecisionError(f"unknown action {action!r}") from None
    if action not in ACTION_STATUS:
        raise DecisionError(f"{action} is not an analyst's action")
    reason = (reason or "").strip()
    if action == Decision.Action.DISMISS and not reason:
        raise DecisionError("a dismissal needs a reason")
    alert = Alert.objects.select_for_update().get(pk=alert.pk)
    alert.status = ACTION_STATUS[action]
    alert.decided_by, alert.decided_at, alert.decision_reason = user, timezone.now(), reason
    alert.decided_evidence_hash = alert.evidence_hash
    alert.save(update_fields=["status", "decided_by", "decided_at", "decision_reason", "decided_evidence_hash",
                              "updated_at"])
    return Decision.objects.create(alert=alert, user=user, action=action, reason=reason,
                                   evidence_hash=alert.evidence_hash)
