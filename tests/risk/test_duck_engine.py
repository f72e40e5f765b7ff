"""The DuckDB engine on the scan's columnar copy: rules computed side by side on cursors of their own, and
`@lookup` relations kept uncompressed with an index."""

from __future__ import annotations

import datetime as dt

import duckdb
import pytest

from qinqing.contract.importer import import_dataset
from qinqing.core.identifiers import uscc_check_char
from qinqing.risk import catalog
from qinqing.risk.engine.base import Patch, before_table
from qinqing.risk.engine.duck import DuckEngine
from qinqing.risk.services import run_scan
from qinqing.risk.warehouse import Warehouse


@pytest.fixture
def copy_engine(tmp_path):
    """An engine on a file database it does not own, as a scan on the copy has it."""
    con = duckdb.connect(str(tmp_path / "copy.duckdb"))
    con.execute("CREATE SCHEMA cache")
    con.execute("CREATE TABLE cache.numbers AS SELECT range AS n FROM range(1000)")
    con.execute("CREATE TABLE _views (name VARCHAR PRIMARY KEY, signature VARCHAR, content VARCHAR)")
    engine = DuckEngine(con=con)
    yield engine
    engine.close()
    con.close()


def query(k: int) -> str:
    return (f"SELECT CAST(n AS VARCHAR) AS alert_key, n * {k} AS score FROM evens "
            f"WHERE n % {k} = 0 ORDER BY n")


def test_prepared_rules_give_what_one_after_another_gives(copy_engine):
    # Relations a rule reads: a kept copy (its alias a temp view) and a plain view over it.
    copy_engine.materialize("numbers", "SELECT * FROM cache.numbers", once=True)
    copy_engine.materialize("evens", "SELECT n FROM numbers WHERE n % 2 = 0", once=True)  # reads the one before
    queries = [query(k) for k in (2, 3, 5, 7)]
    expected = [copy_engine.rows(q) for q in queries]
    copy_engine.prepare(queries)
    assert set(copy_engine._prepared) == set(queries)
    # Taken in another order than they were started; each from its own cursor, which is closed after.
    for q, rows in reversed(list(zip(queries, expected, strict=True))):
        assert copy_engine.rows(q) == rows
    assert not copy_engine._prepared
    # rows_since too: the known rows left out, the others with their digests.
    copy_engine.prepare(queries[:2])
    fresh = copy_engine.rows_since(queries[0], lambda key, digest: key != "4")
    assert [(r["alert_key"], r["score"]) for r in fresh] == [("4", 8)] and len(fresh[0]["_digest"]) == 32
    assert copy_engine.rows(queries[1]) == expected[1]


def test_a_prepared_rule_that_fails_raises_when_its_rows_are_asked_for(copy_engine):
    copy_engine.materialize("evens", "SELECT n FROM cache.numbers WHERE n % 2 = 0", once=True)
    good, bad = query(2), "SELECT alert_key FROM no_such_relation"
    copy_engine.prepare([good, bad])
    assert len(copy_engine.rows(good)) == 500
    with pytest.raises(duckdb.CatalogException, match="no_such_relation"):
        copy_engine.rows(bad)


def test_close_waits_for_prepared_rules_nobody_asked_for(copy_engine):
    copy_engine.materialize("evens", "SELECT n FROM cache.numbers WHERE n % 2 = 0", once=True)
    copy_engine.prepare([query(k) for k in (2, 3, 5, 7, 11)])
    copy_engine.close()  # no cursor left running on the connection
    assert copy_engine._prepared == {}
    assert copy_engine.con.execute("SELECT count(*) FROM cache.numbers").fetchall() == [(1000,)]


def test_a_lookup_relation_is_kept_uncompressed_with_its_index_and_follows_new_firms(db, tmp_path):
    code = "contact_violations"
    rule = catalog.rule(code)
    assert catalog.view_lookups()["enterprise_names"] == "uscc"
    assert import_dataset(rule.folder / "fixtures" / "gifts_and_pending").ok
    warehouse = Warehouse(tmp_path / "copy.duckdb")
    run_scan(rule_codes=[code], as_of=dt.date(2025, 6, 30), full=True, warehouse=warehouse)
    with warehouse.open() as con:
        indexes = con.execute("SELECT index_name FROM duckdb_indexes() "
                              "WHERE table_name = 'enterprise_names'").fetchall()
        assert indexes == [("enterprise_names_by_uscc",)]
        before = con.execute("SELECT count(*) FROM cache.enterprise_names").fetchall()[0][0]
    uscc = "91530302MA00NEWF1" + uscc_check_char("91530302MA00NEWF1")
    (tmp_path / "new").mkdir()
    (tmp_path / "new" / "enterprises.csv").write_text(
        f"uscc,name,established_date,status\n{uscc},新设测试有限公司,2025-01-02,active\n", encoding="utf-8")
    assert import_dataset(tmp_path / "new").ok
    steps: list[tuple[str, str]] = []
    run_scan(rule_codes=[code], as_of=dt.date(2025, 6, 30), full=True, warehouse=warehouse,
             progress=lambda phase, name: steps.append((phase, name)))
    assert ("patched", "enterprise_names") in steps  # followed by key, the index kept up to date
    with warehouse.open() as con:
        assert con.execute("SELECT count(*) FROM cache.enterprise_names").fetchall()[0][0] == before + 1
        con.execute("SET dynamic_or_filter_threshold = 2048")
        found = con.execute(f"SELECT e.name FROM (VALUES ('{uscc}')) AS k(uscc) "
                            "JOIN cache.enterprise_names AS e ON e.uscc = k.uscc").fetchall()
        assert found == [("新设测试有限公司",)]
        plan = "".join(str(row) for row in con.execute(
            f"EXPLAIN ANALYZE SELECT e.name FROM (VALUES ('{uscc}')) AS k(uscc) "
            "JOIN cache.enterprise_names AS e ON e.uscc = k.uscc").fetchall())
        assert "Index Scan" in plan
        kinds = {c for (c,) in con.execute(
            "SELECT DISTINCT compression FROM pragma_storage_info('cache.enterprise_names') "
            "WHERE segment_type = 'VARCHAR'").fetchall()}
        assert kinds <= {"Uncompressed", "Constant"}, kinds


@pytest.mark.parametrize("tidy", [True, False])
def test_an_engine_on_the_copy_drops_what_it_defined_unless_the_copy_closes_after(tmp_path, tidy):
    con = duckdb.connect(str(tmp_path / "copy.duckdb"))
    con.execute("CREATE TABLE numbers AS SELECT range AS n FROM range(10)")
    engine = DuckEngine(con=con, tidy=tidy)
    engine.materialize("evens", "SELECT n FROM numbers WHERE n % 2 = 0", once=True)
    engine.materialize("odds", "SELECT n FROM numbers WHERE n % 2 = 1")  # a temp table: no copy to keep it in
    assert len(engine.rows("SELECT n AS alert_key FROM evens UNION ALL SELECT n FROM odds")) == 10
    engine.close()
    temporary = con.execute("SELECT count(*) FROM duckdb_views() WHERE temporary AND NOT internal").fetchall()[0][0]
    temporary += con.execute("SELECT count(*) FROM duckdb_tables() WHERE temporary").fetchall()[0][0]
    assert temporary == (0 if tidy else 2)
    assert con.execute("SELECT count(*) FROM numbers").fetchall() == [(10,)]  # the connection stays usable
    con.close()


GROUPED = "SELECT g, count(*) AS n, sum(v) AS total, max(v) AS top FROM facts GROUP BY g"


@pytest.mark.parametrize("folds", [(("n", "sum"), ("total", "sum"), ("top", "max")), (("n", "sum"), ("gone", "sum"))])
def test_new_rows_are_folded_into_the_kept_groups_and_a_fold_of_a_missing_column_is_refused(copy_engine, folds):
    con = copy_engine.con
    con.execute("CREATE TABLE cache.facts AS SELECT range AS id, range % 3 AS g, range AS v FROM range(9)")
    con.execute("CREATE TEMP VIEW facts AS SELECT * FROM cache.facts")  # as the scan names a stored table
    assert copy_engine.materialize("by_g", GROUPED, cache_key="v1") == "built"
    con.execute("INSERT INTO cache.facts VALUES (9, 0, 100), (10, 5, 1)")  # group 0 joined, group 5 new
    con.execute(f'CREATE TEMP TABLE "{before_table("facts")}" AS SELECT * FROM cache.facts WHERE false')
    patch = Patch("v1", "facts", "id", [9, 10], ("g",), folds)
    if "gone" in dict(folds):
        with pytest.raises(catalog.CatalogError, match="by_g: @regroup folds gone"):
            copy_engine.materialize("by_g", GROUPED, cache_key="v2", patch=patch)
        assert copy_engine.held("by_g")[0] == "v1"
        return
    assert copy_engine.materialize("by_g", GROUPED, cache_key="v2", patch=patch) == "folded"
    kept = con.execute("SELECT g, n, total, top FROM cache.by_g ORDER BY g").fetchall()
    assert kept == con.execute(f"{GROUPED} ORDER BY g").fetchall() == [(0, 4, 109, 100), (1, 3, 12, 7),
                                                                       (2, 3, 15, 8), (5, 1, 1, 1)]
