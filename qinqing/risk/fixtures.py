"""Rule fixtures: a tiny dataset in the contract format with the alerts it must and must not raise.

`rules/<code>/fixtures/<case>/` holds contract CSV files (only the tables the case needs) and
`expected.toml`:

    as_of = 2025-06-30          # the scan date (default: 2025-06-30)
    exhaustive = true           # the raised keys are exactly the `raise` keys (default true)
    [params]                    # parameter overrides for this case (optional)
    min_effective_share = 0.1
    [[raise]]
    key = "OF1|91530302MA6K0000X1"
    official_id = ["OF1"]       # optional: entities the alert must name (a subset check)
    [[not_raise]]
    key = "OF2|91530302MA6K0000X1"
    why = "namesake: same name, different ID number"

The dataset goes through the contract importer (so a fixture is valid contract data) into the current
database, then through the same loader and engine as a real scan.
"""

from __future__ import annotations

import datetime as dt
import tomllib
from dataclasses import dataclass, field
from pathlib import Path

from qinqing.risk.catalog import ENTITY_KINDS, Rule
from qinqing.risk.engine.base import Finding, plan, scan_frames

DEFAULT_AS_OF = dt.date(2025, 6, 30)


@dataclass
class Expectation:
    as_of: dt.date
    exhaustive: bool
    params: dict[str, object]
    raise_: list[dict] = field(default_factory=list)
    not_raise: list[dict] = field(default_factory=list)


def expectation(case: Path) -> Expectation:
    data = tomllib.loads((case / "expected.toml").read_text(encoding="utf-8"))
    return Expectation(as_of=data.get("as_of", DEFAULT_AS_OF), exhaustive=data.get("exhaustive", True),
                       params=data.get("params", {}), raise_=data.get("raise", []),
                       not_raise=data.get("not_raise", []))


def load_case(case: Path, rule: Rule):
    """Import the case's CSV files into the current database; the engine frames the rule needs."""
    from qinqing.contract.importer import import_dataset
    from qinqing.risk.sources import load_tables

    report = import_dataset(case)
    if not report.ok:
        problems = report.errors.head(10).to_dicts() + [list(e) for e in report.file_errors]
        raise AssertionError(f"fixture {case} is not valid contract data: {problems}")
    the_plan = plan([rule])
    return load_tables(the_plan.tables, columns=the_plan.columns)


def run_case(case: Path, rule: Rule, engine: str = "duckdb", frames=None) -> list[Finding]:
    exp = expectation(case)
    frames = frames if frames is not None else load_case(case, rule)
    return scan_frames(engine, frames, [rule], as_of=exp.as_of, overrides={rule.code: exp.params})[rule.code]


def problems(case: Path, findings: list[Finding]) -> list[str]:
    """What the findings get wrong against `expected.toml` (empty: the case passes)."""
    exp = expectation(case)
    by_key = {f.alert_key: f for f in findings}
    wrong = []
    for want in exp.raise_:
        got = by_key.get(want["key"])
        if got is None:
            wrong.append(f"missing alert {want['key']}")
            continue
        for kind in ENTITY_KINDS:
            missing = set(want.get(kind, [])) - set(got.entities[kind])
            if missing:
                wrong.append(f"alert {want['key']} does not name {kind} {sorted(missing)}")
        if not got.evidence:
            wrong.append(f"alert {want['key']} has no evidence")
    for unwanted in exp.not_raise:
        if unwanted["key"] in by_key:
            wrong.append(f"unwanted alert {unwanted['key']} ({unwanted.get('why', '')})")
    if exp.exhaustive:
        extra = set(by_key) - {w["key"] for w in exp.raise_}
        wrong.extend(f"unexpected alert {k}" for k in sorted(extra))
    return wrong


def all_cases(rules: list[Rule]) -> list[tuple[Rule, Path]]:
    return [(rule, case) for rule in rules for case in rule.fixtures]
