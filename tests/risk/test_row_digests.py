"""DuckDB digests each result row; rows the store already holds unchanged are left out of the findings."""

from __future__ import annotations

import dataclasses
import datetime as dt

from qinqing.risk import catalog
from qinqing.risk.engine.base import DIGEST_VERSION, plan, run
from qinqing.risk.engine.duck import DuckEngine

RESULT = """
SELECT * FROM (VALUES ('a', 10.0, 'first'), ('b', 20.0, 'second'), ('b', 21.0, 'second again'),
                      ('c', 30.0, 'third')) AS t(alert_key, score, summary)
"""


def test_rows_since_leaves_out_known_rows_and_always_returns_repeated_keys():
    engine = DuckEngine()
    asked: dict[str, str] = {}

    def seen(key: str, digest: str) -> bool:
        asked[key] = digest
        return key in ("a", "b")  # "b" is repeated: it must come back whatever the store says

    rows = engine.rows_since(RESULT, seen)
    assert sorted((r["alert_key"], r["score"]) for r in rows) == [("b", 20.0), ("b", 21.0), ("c", 30.0)]
    assert set(asked) == {"a", "c"} and len({*asked.values()}) == 2
    assert all(len(r["_digest"]) == 32 for r in rows)
    # Same row, same digest, on every run; the temporary result is gone afterwards.
    again = {r["alert_key"]: r["_digest"] for r in engine.rows_since(RESULT, lambda k, d: False)}
    assert again["c"] == asked["c"]
    assert engine.con.execute("SELECT count(*) FROM duckdb_tables() WHERE table_name = '_result'").fetchone() == (0,)
    engine.close()


def test_the_digest_names_the_version_the_engine_and_the_severity(db):
    rule = catalog.rule("rotation_due")
    frames: dict = {}  # no tables: a stand-in query over nothing
    stand_in = dataclasses.replace(rule, sql="SELECT 'x' AS alert_key, 50.0 AS score, 's' AS summary")
    seen_digests: list[str] = []

    def seen(r, key, digest):
        seen_digests.append(digest)
        return False

    the_plan = dataclasses.replace(plan([rule]), rules=[stand_in], tables=[], views=[], reference=[])
    engine = DuckEngine()
    found = run(engine, frames, the_plan, as_of=dt.date(2025, 6, 30), seen=seen).findings[rule.code]
    assert seen_digests[0].startswith(f"{DIGEST_VERSION}:duckdb:{rule.severity}:")
    assert found[0].digest == seen_digests[0]
    louder = dataclasses.replace(stand_in, severity="high" if rule.severity != "high" else "low")
    the_plan = dataclasses.replace(the_plan, rules=[louder])
    run(engine, frames, the_plan, as_of=dt.date(2025, 6, 30), seen=seen)
    engine.close()
    assert seen_digests[1] != seen_digests[0]  # a new severity is a change, though the row is the same
