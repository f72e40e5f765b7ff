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
