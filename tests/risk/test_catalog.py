"""The rule catalogue's declarations on derived relations, and the SQL rewriting they rely on."""

from __future__ import annotations

import pytest


def test_a_patch_declaration_must_name_a_table_and_its_primary_key(monkeypatch):
    from qinqing.risk import catalog

    views = {"ok": "-- @patch applications.application_id\nSELECT 1",
             "bad": "-- @patch applications.enterprise_uscc\nSELECT 1"}
    monkeypatch.setattr(catalog, "views", lambda: views)
    catalog.view_patches.cache_clear()
    try:
        with pytest.raises(catalog.CatalogError, match=r"bad: @patch applications\.enterprise_uscc"):
            catalog.view_patches()
        del views["bad"]
        catalog.view_patches.cache_clear()
        assert catalog.view_patches() == {"ok": catalog.Patch("applications", "application_id")}
    finally:
        catalog.view_patches.cache_clear()


def test_reading_instead_swaps_the_table_and_keeps_its_alias():
    from qinqing.risk.engine.sql import reading_instead, references

    sql = "WITH x AS (SELECT a.id FROM applications AS a) SELECT * FROM x JOIN applications ON true"
    out = reading_instead(sql, "applications", "_delta_applications")
    assert references(out) == {"_delta_applications"}
    assert "AS a" in out


def test_what_a_query_reads_is_parsed_once_and_kept_on_disk(monkeypatch, tmp_path):
    from qinqing.risk.engine import sql as rule_sql

    facts = tmp_path / "risk" / "sql-facts.json"
    monkeypatch.setattr(rule_sql, "_facts_path", lambda: facts)

    def fresh_process() -> None:
        monkeypatch.setattr(rule_sql, "_facts_store", None)
        rule_sql._facts.cache_clear()

    query = "WITH x AS (SELECT a.id, b.* FROM applications AS a JOIN bids AS b ON true) SELECT id FROM x"
    fresh_process()
    assert rule_sql.references(query) == {"applications", "bids"}
    assert facts.exists()
    fresh_process()

    def no_parse(sql: str):
        raise AssertionError("parsed again")

    monkeypatch.setattr(rule_sql, "_tree", no_parse)
    names, starred = rule_sql.column_names(query)
    assert "id" in names and starred == {"applications", "bids"}
    with pytest.raises(AssertionError, match="parsed again"):  # another text is another query
        rule_sql.references(query + " WHERE id > 1")
    fresh_process()


def test_a_regroup_declaration_must_name_a_keyed_table_or_a_patched_view(monkeypatch):
    from qinqing.risk import catalog

    views = {"times": "-- @patch applications.application_id\nSELECT 1",
             "by_handler": "-- @regroup times(handler, item_code)\nSELECT 1",
             "by_firm": "-- @regroup applications(enterprise_uscc)\nSELECT 1"}
    monkeypatch.setattr(catalog, "views", lambda: views)
    caches = (catalog.view_patches, catalog.view_regroups)
    try:
        for bad, reason in [("-- @regroup holdings(enterprise_uscc)\nSELECT 1", "primary key"),
                            ("-- @regroup by_firm(enterprise_uscc)\nSELECT 1", "@patch view"),
                            ("-- @regroup applications(a)\n-- @regroup applications(b)\nSELECT 1", "more than one"),
                            ("-- @regroup applications(a) avg(n)\nSELECT 1", "not avg"),
                            ("-- @regroup applications(a) sum(n) max(n)\nSELECT 1", "more than one fold"),
                            ("-- @regroup applications(a) sum(a, n)\nSELECT 1", "grouping columns")]:
            views["bad"] = bad
            for c in caches:
                c.cache_clear()
            with pytest.raises(catalog.CatalogError, match=reason):
                catalog.view_regroups()
        del views["bad"]
        for c in caches:
            c.cache_clear()
        assert catalog.view_regroups() == {
            "by_handler": catalog.Regroup("times", ("handler", "item_code")),
            "by_firm": catalog.Regroup("applications", ("enterprise_uscc",))}
        views["by_firm"] = "-- @regroup applications(enterprise_uscc) sum(n, k)  max(worst) min(first)\nSELECT 1"
        for c in caches:
            c.cache_clear()
        assert catalog.view_regroups()["by_firm"] == catalog.Regroup(
            "applications", ("enterprise_uscc",), (("n", "sum"), ("k", "sum"), ("worst", "max"), ("first", "min")))
    finally:
        for c in caches:
            c.cache_clear()


def test_a_patch_declaration_may_name_a_patch_view_and_its_key(monkeypatch):
    from qinqing.risk import catalog

    views = {"times": "-- @patch applications.application_id\nSELECT 1",
             "late": "-- @patch times.application_id\nSELECT 1",
             "later": "-- @patch late.application_id\nSELECT 1"}
    monkeypatch.setattr(catalog, "views", lambda: views)
    catalog.view_patches.cache_clear()
    try:
        assert catalog.view_patches()["late"] == catalog.Patch("times", "application_id")
        assert catalog.patched_table("later") == "applications" and catalog.patched_table("times") == "applications"
        assert catalog.patched_table("applications") is None
        for bad, reason in [("-- @patch times.item_code\nSELECT 1", "a @patch view and its key"),
                            ("-- @patch loop.application_id\nSELECT 1", "cycle")]:
            views["loop"] = bad
            catalog.view_patches.cache_clear()
            with pytest.raises(catalog.CatalogError, match=reason):
                catalog.view_patches()
    finally:
        catalog.view_patches.cache_clear()


def test_a_parameter_with_a_minimum_refuses_less_and_a_rule_file_must_keep_to_it(tmp_path):
    from qinqing.risk import catalog

    rule = catalog.rule("repeated_returns")
    assert rule.params["min_returns"].minimum == 2
    assert rule.values({"min_returns": 4})["min_returns"] == 4
    for bad in (1, 0, "3", True):
        with pytest.raises(catalog.CatalogError, match=r"repeated_returns: parameter min_returns must be a number of "
                                                       r"at least 2"):
            rule.values({"min_returns": bad})

    folder = tmp_path / "odd_rule"
    folder.mkdir()
    (folder / "rule.sql").write_text("SELECT 1", encoding="utf-8")
    meta = ('code = "odd_rule"\ntitle_zh = "x"\ntitle_en = "x"\nscheme = "x"\nbasis = "x"\nseverity = "low"\n'
            'entities = ["official_id"]\n[params.n]\ndescription = "n"\n')
    (folder / "rule.toml").write_text(meta + "default = 1\nminimum = 2\n", encoding="utf-8")
    with pytest.raises(catalog.CatalogError, match=r"rule\.toml: default: parameter n must be a number of at least 2"):
        catalog._load_rule(folder)
    (folder / "rule.toml").write_text(meta + 'default = 1\nminimum = "two"\n', encoding="utf-8")
    with pytest.raises(catalog.CatalogError, match="minimum must be a number"):
        catalog._load_rule(folder)
    (folder / "rule.toml").write_text(meta + "default = 2\nminimum = 2\n", encoding="utf-8")
    assert catalog._load_rule(folder).params["n"] == catalog.Param("n", 2, "n", 2)
