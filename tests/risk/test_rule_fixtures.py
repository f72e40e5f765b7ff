"""Every rule's fixtures: the alerts each tiny dataset must raise and must not raise, on DuckDB."""

from __future__ import annotations

import pytest

from qinqing.risk import catalog
from qinqing.risk.fixtures import all_cases, problems, run_case

CASES = all_cases(list(catalog.rules().values()))


def test_every_rule_has_a_fixture_that_raises_and_one_that_does_not():
    for rule in catalog.rules().values():
        from qinqing.risk.fixtures import expectation

        cases = [expectation(c) for c in rule.fixtures]
        assert any(c.raise_ for c in cases), f"{rule.code}: no fixture raises an alert"
        assert any(c.not_raise for c in cases), f"{rule.code}: no fixture shows what must not raise"


@pytest.mark.parametrize(("rule", "case"), CASES, ids=[f"{r.code}/{c.name}" for r, c in CASES])
def test_fixture(db, rule, case):
    findings = run_case(case, rule)
    assert problems(case, findings) == []
    for f in findings:
        assert f.evidence, f"{f.alert_key}: an alert without evidence"
        assert 0 <= f.score <= 100
