"""The same rule definitions on Apache Spark (local[2]) give exactly the DuckDB alerts, fixture by fixture."""

from __future__ import annotations

import shutil

import pytest

from qinqing.risk import catalog
from qinqing.risk.engine.base import plan, scan_frames
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


def test_a_spark_scan_reads_parquet_files_of_the_copy_and_keeps_the_duckdb_alerts(db, tmp_path):
    from qinqing.contract.importer import import_dataset
    from qinqing.risk.models import Alert
    from qinqing.risk.services import run_scan
    from qinqing.risk.warehouse import Warehouse

    kin = catalog.rule("kin_stake_decisions")
    assert import_dataset(kin.folder / "fixtures" / "relative_chain").ok
    warehouse = Warehouse(tmp_path / "copy.duckdb")
    as_of = expectation(kin.folder / "fixtures" / "relative_chain").as_of
    run_scan(rule_codes=[kin.code], as_of=as_of, warehouse=warehouse)
    duck = {a.key: (a.evidence_hash, a.score) for a in Alert.objects.filter(active=True)}
    spark = run_scan(engine="spark", rule_codes=[kin.code], as_of=as_of, warehouse=warehouse)
    assert spark.outcomes[kin.code].raised == len(duck) > 0 and spark.outcomes[kin.code].new == 0
    assert {a.key: (a.evidence_hash, a.score) for a in Alert.objects.filter(active=True)} == duck
    # Spark digests no rows, and the DuckDB digests of these unchanged facts still stand.
    assert all(d.startswith("1:duckdb:") for d in Alert.objects.values_list("row_digest", flat=True))
    assert sorted(p.name.split("-v")[0] for p in (tmp_path / "copy-parquet").glob("*.parquet")) == sorted(
        plan([kin]).tables)
