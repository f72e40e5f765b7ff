"""Query-parameter filters and pagination of the list endpoints."""

from __future__ import annotations

import pytest

from qinqing.api.filters import region_prefix


def rows(client, endpoint: str, **params) -> list[dict]:
    response = client.get(f"/api/{endpoint}/", params)
    assert response.status_code == 200, response.content
    return response.json()["results"]


def keys(client, endpoint: str, field: str, **params) -> set[str]:
    return {str(row[field]) for row in rows(client, endpoint, **params)}


@pytest.fixture
def analyst(client_for):
    return client_for("commission_analyst")


@pytest.mark.parametrize(("params", "expected"), [
    ({"search": "崔"}, {"O1"}),
    ({"rank": "county"}, {"O1", "O2"}),
    ({"department": "QJ-GA"}, {"O1", "O3"}),  # the bureau and its section; O4's post has ended
    ({"department": "QJ-GA-ZA"}, {"O1"}),
    ({"sector": "audit"}, {"O2"}),
    ({"top_leader": "true"}, {"O1", "O2"}),
    ({"top_leader": "false"}, {"O3", "O4"}),
    ({"rank": "county", "sector": "police"}, {"O1"}),
])
def test_official_filters(params, expected, analyst, more):
    assert keys(analyst, "officials", "official_id", **params) == expected


def test_official_filters_stay_inside_the_users_scope(client_for, more):
    officer = client_for("dept_officer")
    assert keys(officer, "officials", "official_id", sector="audit") == set()
    assert keys(officer, "officials", "official_id", top_leader="true") == {"O1"}


@pytest.mark.parametrize(("params", "expected"), [
    ({"search": "公安"}, {"QJ-GA"}),
    ({"parent": "QJ"}, {"QJ-GA", "QJ-SJ"}),
    ({"level": "section"}, {"QJ-GA-ZA"}),
    ({"sector": "police"}, {"QJ-GA", "QJ-GA-ZA"}),
    ({"region": "530000"}, {"QJ", "QJ-GA", "QJ-GA-ZA", "QJ-SJ"}),
    ({"region": "530400"}, set()),
])
def test_department_filters(params, expected, analyst, world):
    assert keys(analyst, "departments", "code", **params) == expected


def test_enterprise_filters(analyst, world):
    assert keys(analyst, "enterprises", "uscc", industry="B") == {world.mine.uscc}
    assert keys(analyst, "enterprises", "uscc", industry="C36") == {world.other_firm.uscc}
    assert keys(analyst, "enterprises", "uscc", region="530300") == {
        world.mine.uscc, world.holding_firm.uscc, world.other_firm.uscc}
    assert keys(analyst, "enterprises", "uscc", region="530325") == {world.mine.uscc}
    assert keys(analyst, "enterprises", "uscc", search="煤矿") == {world.mine.uscc}
    assert keys(analyst, "enterprises", "uscc", status="revoked") == set()


def test_post_filters(analyst, more):
    assert {r["official"] for r in rows(analyst, "posts", department="QJ-GA")} == {"O1", "O3", "O4"}
    assert {r["official"] for r in rows(analyst, "posts", department="QJ-GA", current="true")} == {"O1", "O3"}
    assert {r["official"] for r in rows(analyst, "posts", current="false")} == {"O4"}
    assert {r["official"] for r in rows(analyst, "posts", top_leader="true", sector="audit")} == {"O2"}
    assert {r["official"] for r in rows(analyst, "posts", official="O3")} == {"O3"}


def test_declaration_filters(analyst, world, more):
    assert {r["name"] for r in rows(analyst, "relatives", official="O1")} == {"崔勇"}
    assert {r["name"] for r in rows(analyst, "relatives", relation="spouse")} == {"陈芳"}
    assert {r["name"] for r in rows(analyst, "relatives", search="勇")} == {"崔勇"}
    assert {r["official"] for r in rows(analyst, "assets", kind="vehicle")} == {"O2"}
    assert {r["official"] for r in rows(analyst, "assets", official="O1")} == {"O1"}
    assert {r["official"] for r in rows(analyst, "incomes", year="2023")} == {"O1", "O2"}
    assert rows(analyst, "incomes", year="2022") == []


def test_holding_and_role_filters(analyst, world, more):
    by_type = rows(analyst, "holdings", holder_type="enterprise")
    assert {r["holder_name"] for r in by_type} == {world.holding_firm.name}
    assert {r["enterprise"] for r in rows(analyst, "holdings", holder_id=world.holding_firm.uscc)} == {
        world.mine.uscc}
    assert {r["holder_name"] for r in rows(analyst, "holdings", enterprise=world.other_firm.uscc)} == {"赵刚"}
    assert {r["person_name"] for r in rows(analyst, "enterprise-roles", role="manager")} == {"钱伟"}
    assert {r["person_name"] for r in rows(analyst, "enterprise-roles", search="赵")} == {"赵刚"}
    assert len(rows(analyst, "enterprise-roles", current="true")) == 2


@pytest.mark.parametrize(("endpoint", "params"), [
    ("officials", {"top_leader": "maybe"}),
    ("officials", {"rank": "emperor"}),
    ("incomes", {"year": "last"}),
    ("posts", {"current": "2"}),
])
def test_unreadable_filter_values_are_a_400_naming_the_parameter(endpoint, params, analyst, world):
    response = analyst.get(f"/api/{endpoint}/", params)
    assert response.status_code == 400
    assert set(response.json()) == set(params)


def test_empty_parameters_are_ignored(analyst, more):
    assert len(rows(analyst, "officials", rank="", search="")) == 4


def test_pagination_pages_are_disjoint_and_complete(analyst, more):
    first = analyst.get("/api/officials/", {"page_size": 3}).json()
    second = analyst.get("/api/officials/", {"page_size": 3, "page": 2}).json()
    assert first["count"] == 4 and first["next"] and second["next"] is None
    ids = [r["official_id"] for r in first["results"] + second["results"]]
    assert sorted(ids) == ["O1", "O2", "O3", "O4"]


def test_page_size_is_capped(analyst, world):
    from qinqing.api.views import Pagination

    assert analyst.get("/api/departments/", {"page_size": 10_000}).status_code == 200
    assert Pagination.max_page_size == 500


@pytest.mark.parametrize(("code", "prefix"), [("530000", "53"), ("530300", "5303"), ("530302", "530302"),
                                              ("530", "530")])
def test_region_codes_match_the_regions_within_them(code, prefix):
    assert region_prefix(code) == prefix
