"""What a scan engine does, whatever it runs on: plan the relations, run every rule, shape the findings.

Every rule's query returns one row per alert with these columns:
- `alert_key`: the facts that identify the alert (same facts, same key, across scans and engines);
- `score`: 0–100;
- `summary`: one line for the queue;
- `evidence`: a list of facts, each `{subject, subject_label, relation, object, object_label, detail}`,
  the chain a case officer follows from the first fact to the last;
- any of `official_id`, `enterprise_uscc`, `application_id`, `tender_id`, `department_code`: lists of
  the entities the alert names.
"""

from __future__ import annotations

import datetime as dt
import functools
import hashlib
import json
import math
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from functools import cached_property
from typing import Protocol

import polars as pl

from qinqing.contract.schema import TABLE_BY_NAME
from qinqing.risk import catalog, reference
from qinqing.risk.catalog import ENTITY_KINDS, Rule
from qinqing.risk.engine.sql import column_names, references, render

FACT_FIELDS = ("subject", "subject_label", "relation", "object", "object_label", "detail")
Progress = Callable[[str, str], None]  # (phase, name)
# Part of every row digest: bump it when `finding` turns rows into findings differently, so that no
# stored alert is taken for unchanged on the strength of a digest of the old rules.
DIGEST_VERSION = "1"


def identity_of(rule_code: str, alert_key: str) -> str:
    """An alert's stable identity: the rule and its identifying facts."""
    return hashlib.sha256(f"{rule_code}\x1f{alert_key}".encode()).hexdigest()


@dataclass(frozen=True)
class Finding:
    rule: str
    alert_key: str
    score: float
    summary: str
    entities: dict[str, list[str]]
    evidence: list[dict[str, str]]
    # The digest of the result row it came from, where the engine computes one (see `Seen`); not a fact.
    digest: str = field(default="", compare=False)

    # Computed once: the store compares them for every alert of every scan (72k rotation alerts at
    # province scale). cached_property writes the instance dict directly, which a frozen dataclass allows.
    @cached_property
    def identity(self) -> str:
        """The alert's stable identity: the rule and its identifying facts."""
        return identity_of(self.rule, self.alert_key)

    @cached_property
    def evidence_hash(self) -> str:
        body = json.dumps([self.entities, self.evidence], ensure_ascii=False, sort_keys=True)
        return hashlib.sha256(body.encode()).hexdigest()

    def as_dict(self) -> dict:
        return {"rule": self.rule, "key": self.alert_key, "score": self.score, "summary": self.summary,
                "entities": self.entities, "evidence": self.evidence}


class Stored(Protocol):
    """The scan's columnar copy as an engine reads it (qinqing.risk.warehouse.Snapshot)."""

    versions: dict[str, int]
    # table → (its version before the last sync, the copy's key column, the keys it re-read)
    changes: dict[str, tuple[int, str, list]]

    def select(self, name: str, columns: list[str] | None) -> str: ...  # SQL over the copy (DuckDB)
    def parquet(self, name: str, columns: list[str] | None) -> str: ...  # a Parquet file of it (other engines)


class Seen(Protocol):
    """Whether the store already holds this result row exactly (same rule, key and row digest). A scan
    that keeps tens of thousands of unchanged alerts (rotation at province scale) then skips turning
    those rows into findings; an engine that digests rows (`rows_since`) asks before fetching them."""

    def __call__(self, rule: Rule, alert_key: str, digest: str) -> bool: ...


@dataclass(frozen=True)
class Patch:
    """How a kept derived relation follows a change to a few rows of the relation it reads: it was kept
    under `previous` (the signature of its inputs before the change); the rows of `relation` whose `key`
    is in `keys` changed (as they were before: the engine's relation `before_table(relation)`).
    - `groups` empty (catalog.Patch): re-derive the kept rows with those keys from those rows alone;
    - `groups` (catalog.Regroup): re-derive the groups (by those columns) that the changed rows left or
      joined, from every row of `relation` in them; or, with `folds` and only new rows (none of the keys
      was there before), fold the new rows' own aggregates into the groups they joined."""

    previous: str
    relation: str
    key: str
    keys: list
    groups: tuple[str, ...] = ()
    folds: tuple[tuple[str, str], ...] = ()  # (output column, "sum" | "min" | "max")


def before_table(relation: str) -> str:
    """Where the rows of `relation` that a patch replaces are kept, as they were, for the scan."""
    return f"_before_{relation}"


class Engine(Protocol):
    name: str

    def register(self, name: str, frame: pl.DataFrame) -> None: ...
    def register_stored(self, name: str, stored: Stored, columns: list[str] | None) -> None: ...
    # The signature and content token of the kept copy of `name`, if the engine keeps one.
    def held(self, name: str) -> tuple[str, str] | None: ...
    # Optional: `prepare(queries)` starts computing the rules' queries (side by side) before `rows` or
    # `rows_since` asks for each.
    # → "view" (not stored), "built", "kept" (the kept copy was current), "patched", "folded" (patched by
    # folding new rows' aggregates in), or "unchanged" (patched, and the rows it derived again are the rows
    # it held). `content`: the token stored with a new content;
    # `index`: the column a kept copy is looked up by (catalog.view_lookups).
    def materialize(self, name: str, sql: str, *, once: bool = False, cache_key: str | None = None,
                    patch: Patch | None = None, content: str | None = None, index: str | None = None) -> str: ...
    def rows(self, sql: str) -> list[dict]: ...
    def close(self) -> None: ...


@dataclass
class Plan:
    rules: list[Rule]
    tables: list[str]  # contract tables to load
    views: list[str]  # derived relations, in dependency order
    reference: list[str] = field(default_factory=list)  # engine-built tables (calendar, unit tree, powers)
    columns: dict[str, list[str]] = field(default_factory=dict)  # per table, the columns any query mentions


def plan(rules: list[Rule]) -> Plan:
    """The contract tables and derived relations the rules need, views ordered after what they read."""
    views = catalog.views()
    needed_views: list[str] = []
    tables: set[str] = set()
    refs: set[str] = set()

    def visit(name: str, trail: tuple[str, ...]) -> None:
        if name in trail:
            raise catalog.CatalogError(f"views read each other in a cycle: {' → '.join((*trail, name))}")
        if name in views:
            if name in needed_views:
                return
            for dep in sorted(references(views[name])):
                visit(dep, (*trail, name))
            needed_views.append(name)
        elif name in reference.BUILDERS:
            refs.add(name)
            tables.update(reference.BUILDERS[name].needs)
        elif name in TABLE_BY_NAME:
            tables.add(name)
        else:
            raise catalog.CatalogError(f"{trail[0] if trail else '?'} reads {name!r}: no such table or view")

    for rule in rules:
        for name in sorted(references(rule.sql)):
            visit(name, (rule.code,))
    ordered_tables = [t for t in TABLE_BY_NAME if t in tables]
    mentioned: set[str] = {"code", "parent_code"}  # the unit tree's builder
    starred: set[str] = set()
    for sql in [*(views[v] for v in needed_views), *(r.sql for r in rules)]:
        names, star = column_names(sql)
        mentioned |= names
        starred |= star
    columns = {t: [c for c in TABLE_BY_NAME[t].column_names if t in starred or c in mentioned]
               for t in ordered_tables}
    return Plan(rules, ordered_tables, needed_views, sorted(refs), columns)


def _text(value: object) -> str:
    if value is None:
        return ""
    if isinstance(value, float):
        return repr(value)
    if isinstance(value, dt.datetime | dt.date):
        return value.isoformat()
    return str(value)


def finding(rule: Rule, row: dict, digest: str = "") -> Finding:
    """One result row as a Finding, normalised so both engines give equal values for equal facts."""
    entities = {}
    for kind in ENTITY_KINDS:
        values = row.get(kind) or []
        if isinstance(values, str):
            values = [values]
        entities[kind] = sorted({str(v) for v in values if v not in (None, "")})
    evidence = [{f: v if type(v := fact.get(f)) is str else _text(v) for f in FACT_FIELDS}  # str: most facts
                for fact in (row.get("evidence") or []) if fact]
    score = float(row.get("score") or 0.0)
    score = 0.0 if math.isnan(score) else round(max(0.0, min(100.0, score)), 2)
    key = row.get("alert_key")
    if key in (None, ""):
        raise ValueError(f"rule {rule.code} returned a row without alert_key")
    return Finding(rule.code, str(key), score, _text(row.get("summary")), entities, evidence, digest)


def tables_read(name_or_sql: str, views: dict[str, str] | None = None) -> set[str]:
    """The contract tables a query (or a view, by name) reads, through the views it reads."""
    views = catalog.views() if views is None else views
    sql = views.get(name_or_sql, name_or_sql)
    out: set[str] = set()
    for name in references(sql):
        if name in views:
            out |= tables_read(name, views)
        elif name in reference.BUILDERS:
            out.update(reference.BUILDERS[name].needs)
        elif name in TABLE_BY_NAME:
            out.add(name)
    return out


def references_read(name_or_sql: str, views: dict[str, str] | None = None) -> set[str]:
    """The engine-built tables (calendar, unit tree, ...) a query (or a view, by name) reads, through the
    views it reads."""
    views = catalog.views() if views is None else views
    queries = [views.get(name_or_sql, name_or_sql), *(views[v] for v in views_read(name_or_sql, views))]
    return {name for sql in queries for name in references(sql) if name in reference.BUILDERS and name not in views}


def build_reference(frames: dict[str, pl.DataFrame], names: Iterable[str], as_of: dt.date) -> dict[str, pl.DataFrame]:
    """The named engine-built tables (calendar, unit tree, ...) for a scan date, from the frames they read."""
    return {name: reference.BUILDERS[name].build(frames, as_of) for name in names}


def frame_digest(frame: pl.DataFrame) -> str:
    """What an engine-built table holds, in a few characters: a calendar with the days an administrator
    entered, a unit tree, ... (part of the signature of what reads it)."""
    return str(frame.hash_rows().sum()) + f"/{frame.height}"


def views_read(name_or_sql: str, views: dict[str, str] | None = None) -> set[str]:
    """The views a query (or a view, by name) reads, directly or through other views."""
    views = catalog.views() if views is None else views
    out: set[str] = set()
    for name in references(views.get(name_or_sql, name_or_sql)):
        if name in views and name not in out:
            out |= {name, *views_read(name, views)}
    return out


def signature(*parts: object) -> str:
    return hashlib.sha256(json.dumps(parts, sort_keys=True, default=str).encode()).hexdigest()


def _patch_for(name: str, sql: str, read: list[str], inputs: dict[str, int | None], refs: dict[str, str],
               table_changes: dict[str, tuple[int, str, list]], changed: dict[str, tuple[str, list]]) -> Patch | None:
    """How the kept copy of view `name` can follow the rows the sync re-read, if it can: exactly one table
    it reads changed, by key, and it declares itself row-wise over that table or grouped over it, or over a
    view patched row-wise for it."""
    moved = [t for t in inputs if t in table_changes]
    if len(moved) != 1:
        return None  # nothing re-read by key, or more than one table: derive it whole
    table = moved[0]
    old_version, _, keys = table_changes[table]
    previous = signature(sql, read, {**inputs, table: old_version}, refs)
    declared = catalog.view_patches().get(name)
    regroup = catalog.view_regroups().get(name)
    relation = declared.table if declared is not None else regroup.relation if regroup is not None else None
    # Over the table itself, or over a view patched row-wise for it in this scan.
    if relation not in changed or (relation != table and catalog.patched_table(relation) != table):
        return None
    key, keys = changed[relation]
    if declared is not None:
        return Patch(previous, relation, key, keys)
    return Patch(previous, relation, key, keys, regroup.columns, regroup.folds)


@dataclass
class Evaluation:
    """What a run did: the findings of the rules it ran, and for every planned rule the signature of what
    its alerts depend on (a rule whose signature was in `previous` did not run: its alerts stand)."""

    findings: dict[str, list[Finding]]
    signatures: dict[str, str]


class _Relations:
    """The relations of one scan, made on the engine when something reads them: contract tables, engine-built
    tables and derived views. Each has a *token* that names its content: a table's version, what an
    engine-built table holds, and for a view its query over its inputs' tokens, or the token of the kept copy
    it still holds (kept as it was, or patched to the very same rows). Rules whose query reads the same
    tokens as when they last ran give the same alerts: an import that changes applications none of a
    rule's kept matters hold leaves that rule's alerts as they are."""

    def __init__(self, engine: Engine, progress: Progress | None) -> None:
        self.engine, self.progress = engine, progress
        self.tokens: dict[str, str] = {}
        self.waiting: dict[str, Callable[[], None]] = {}  # relation → how to make it on the engine

    def defer(self, name: str, token: str, make: Callable[[], None]) -> None:
        self.tokens[name] = token
        self.waiting[name] = make

    def ensure(self, names: Iterable[str]) -> None:
        for name in sorted(names):
            make = self.waiting.pop(name, None)
            if make is not None:
                make()

    def read_by(self, sql: str) -> dict[str, str]:
        """The tokens of the relations a query reads directly."""
        return {name: self.tokens[name] for name in sorted(references(sql)) if name in self.tokens}


def run(engine: Engine, frames: dict[str, pl.DataFrame], the_plan: Plan, *, as_of: dt.date,
        overrides: dict[str, dict[str, object]] | None = None, progress: Progress | None = None,
        stored: Stored | None = None, seen: Seen | None = None,
        built: dict[str, pl.DataFrame] | None = None, previous: dict[str, str] | None = None) -> Evaluation:
    """Derive the relations the rules read and run each rule whose inputs changed; findings per rule code.

    `previous`: per rule, the signature it had when its stored alerts were made; a rule with the same
    signature now is not run (nor is anything made that only it reads).

    `seen`: rows the store already holds unchanged are left out of the findings (it records them).

    `stored`: the engine reads the tables from the scan's columnar copy (`frames` then need only hold what
    the reference builders read), and derived relations are cached in it by signature.

    `built`: engine-built tables the caller already built for this scan (`build_reference`)."""
    overrides, previous = overrides or {}, previous or {}
    versions = stored.versions if stored is not None else None
    common = {"as_of": as_of}
    relations = _Relations(engine, progress)
    for name in the_plan.tables:
        if stored is None:
            make = functools.partial(engine.register, name, frames[name])
        else:
            make = functools.partial(engine.register_stored, name, stored, the_plan.columns.get(name))
        relations.defer(name, f"table:{(versions or {}).get(name)}", make)
    missing = [name for name in the_plan.reference if name not in (built or {})]
    reference_frames = {**(built or {}), **build_reference(frames, missing, as_of)}
    digests: dict[str, str] = {}  # engine-built table → what it holds
    for name in the_plan.reference:
        digests[name] = frame_digest(reference_frames[name])
        relations.defer(name, f"built:{digests[name]}",
                        functools.partial(engine.register, name, reference_frames[name]))
    signatures: dict[str, str] = {}
    todo: list[tuple[Rule, str]] = []  # (rule, its query) for the rules to run, in the order they start
    waiting = list(the_plan.rules)
    prepare = getattr(engine, "prepare", None)

    def release() -> None:
        """Decide each rule whose inputs are all known now; one that runs is started at once where the
        engine computes side by side (a rule over the kept matters need not wait for the counts)."""
        for rule in [r for r in waiting if references(r.sql) <= relations.tokens.keys()]:
            waiting.remove(rule)
            values = {**common, **rule.values(overrides.get(rule.code))}
            sql = render(rule.sql, values, where=f"rule {rule.code}")
            signatures[rule.code] = signature(sql, rule.severity, engine.name, relations.read_by(rule.sql))
            if previous.get(rule.code) != signatures[rule.code]:
                todo.append((rule, sql))
                relations.ensure(references(rule.sql))
                if prepare is not None:
                    prepare([sql])

    release()
    _derive(relations, the_plan, stored, digests, common, after=release)
    findings: dict[str, list[Finding]] = {}
    rows_since = getattr(engine, "rows_since", None)
    for rule, sql in todo:
        if progress:
            progress("rule", rule.code)
        if seen is not None and rows_since is not None:
            # The digest names what can change an alert besides its row: the finding code and severity.
            prefix = f"{DIGEST_VERSION}:{engine.name}:{rule.severity}:"
            rows = rows_since(sql, lambda key, digest, rule=rule, prefix=prefix: seen(rule, key, prefix + digest))
            made = (finding(rule, r, prefix + r.pop("_digest")) for r in rows)
        else:
            made = (finding(rule, r) for r in engine.rows(sql))
        found = {f.alert_key: f for f in made}
        findings[rule.code] = [found[k] for k in sorted(found)]
    return Evaluation(findings, signatures)


def _derive(relations: _Relations, the_plan: Plan, stored: Stored | None, digests: dict[str, str],
            common: dict[str, object], after: Callable[[], None]) -> None:
    """Bring the kept copies of the planned views up to date where a rule may need them (a patch tells
    whether the content changed); leave the others to be made when something reads them. `after` is
    called after each view."""
    engine, progress = relations.engine, relations.progress
    versions = stored.versions if stored is not None else None
    views = catalog.views()
    readers = {name: 0 for name in the_plan.views}
    for sql in [*(views[v] for v in the_plan.views), *(r.sql for r in the_plan.rules)]:
        for name in references(sql) & readers.keys():
            readers[name] += 1
    # Rows changed since the kept relations were derived, relation → (key column, keys): the tables the
    # sync re-read by key, then the views patched below.
    table_changes = stored.changes if stored is not None else {}
    changed: dict[str, tuple[str, list]] = {t: (key, keys) for t, (_, key, keys) in table_changes.items()}
    # A relation read by one query only is left a plain view: storing a copy of it (person_mentions holds
    # every shareholder and role of the registry) would only cost memory; unless it says how to keep it
    # (@keep, @lookup, or how it follows changed rows: @patch, @regroup).
    declared = {*catalog.kept_views(), *catalog.view_lookups(), *catalog.view_patches(), *catalog.view_regroups()}
    for name in the_plan.views:
        sql = render(views[name], common, where=f"view {name}")
        key = patch = None
        if versions is not None:
            # Same query over the same versions of the same tables (and the same calendar, unit tree, ...):
            # the cached copy is still right.
            inputs = {t: versions.get(t) for t in sorted(tables_read(name, views))}
            read = [views[v] for v in sorted(views_read(name, views))]
            refs = {r: digests[r] for r in sorted(references_read(name, views))}
            key = signature(sql, read, inputs, refs)
            patch = _patch_for(name, sql, read, inputs, refs, table_changes, changed)
        once = readers[name] <= 1 and name not in declared
        index = catalog.view_lookups().get(name)
        token = "view:" + signature(sql, relations.read_by(views[name]))
        held = engine.held(name) if key is not None and not once else None
        if held is None or (held[0] != key and (patch is None or held[0] != patch.previous)):
            # Made when read; derived whole then (a kept copy that cannot follow is replaced).
            def make(name=name, sql=sql, once=once, key=key, token=token, index=index) -> None:
                relations.ensure(references(views[name]))
                if progress:
                    progress("view", name)
                engine.materialize(name, sql, once=once, cache_key=key, content=token, index=index)
            relations.defer(name, token, make)
            after()
            continue
        if held[0] != key:  # a patch reads what the view reads
            relations.ensure(references(views[name]))
        if progress:
            progress("view", name)
        how = engine.materialize(name, sql, cache_key=key, patch=patch, content=token, index=index)
        relations.tokens[name] = held[1] if how in ("kept", "unchanged") else token
        if how in ("patched", "unchanged", "folded"):
            if not patch.groups:
                changed[name] = (patch.key, patch.keys)
            if progress:
                progress("folded" if how == "folded" else "patched", name)
        after()


def scan_frames(engine_name: str, frames: dict[str, pl.DataFrame], rules: Iterable[Rule], *, as_of: dt.date,
                overrides: dict[str, dict[str, object]] | None = None,
                progress: Progress | None = None) -> dict[str, list[Finding]]:
    """Run `rules` over already loaded frames on the named engine (missing tables count as empty)."""
    from qinqing.risk.engine import engines
    from qinqing.risk.sources import empty_table

    the_plan = plan(list(rules))
    frames = {**{t: empty_table(t) for t in the_plan.tables if t not in frames}, **frames}
    engine = engines.open_engine(engine_name)
    try:
        return run(engine, frames, the_plan, as_of=as_of, overrides=overrides, progress=progress).findings
    finally:
        engine.close()
