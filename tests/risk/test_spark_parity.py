"""The same rule definitions on Apache Spark (local[2]) give exactly the DuckDB alerts, fixture by fixture."""

from __future__ import annotations

import shutil

import pytest

from qinqing.risk import catalog
from qinqing.risk.engine.base import scan_frames
from qinqing.risk.fixtures import all_cases, expectation, load_case, problems

CASES = all_cases(list(catalog.rules().values()))

pytestmark = [
    pytest.mark.slow,
    pytest.mark.skipif(shutil.which("java") is None, reason="Spark needs Java 17 (scripts/setup installs it)"),
]


@pytest.mark.parametrize(("rule", "case"), CASES, ids=[f"{r.code}/{c.name}" for r, c in CASES])
def test_spark_raises_what_duckdb_raises(db, rule, case):
    exp = expectation(case)
    frames = load_case(case, rule)
    kwargs = {"as_of": exp.as_of, "overrides": {rule.code: exp.params}}
    duck = scan_frames("duckdb", frames, [rule], **kwargs)[rule.code]
    spark = scan_frames("spark", frames, [rule], **kwargs)[rule.code]
    assert [f.as_dict() for f in spark] == [f.as_dict() for f in duck]
    assert problems(case, spark) == []
