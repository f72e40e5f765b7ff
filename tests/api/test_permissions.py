"""Every endpoint × every role: who may read it, which rows they get, and that nobody may write.

The expectations are written out here by hand (not read from roles.GRANTS), so a change to the grant
table or to a scoping policy shows up as a failing test that someone has to agree with.
"""

from __future__ import annotations

import pytest

from tests.conftest import ROLES

ALL = frozenset(ROLES)
OFFICIAL_READERS = frozenset({"commission_analyst", "case_officer", "org_officer", "dept_officer", "admin"})
DECLARATION_READERS = frozenset({"commission_analyst", "case_officer", "org_officer", "admin"})

# endpoint -> (roles that may read it, the field that identifies a row, the model)
ENDPOINTS: dict[str, tuple[frozenset[str], str, str]] = {
    "departments": (ALL, "code", "Department"),
    "officials": (OFFICIAL_READERS, "official_id", "Official"),
    "posts": (OFFICIAL_READERS, "id", "Post"),
    "relatives": (DECLARATION_READERS, "id", "Relative"),
    "enterprises": (ALL, "uscc", "Enterprise"),
    "holdings": (ALL, "id", "Holding"),
    "enterprise-roles": (ALL, "id", "EnterpriseRole"),
    "assets": (DECLARATION_READERS, "id", "Asset"),
    "incomes": (DECLARATION_READERS, "id", "Income"),
}


def model(endpoint: str):
    from qinqing.registry import models

    return getattr(models, ENDPOINTS[endpoint][2])


def all_keys(endpoint: str) -> set[str]:
    field = ENDPOINTS[endpoint][1]
    return {str(getattr(row, "pk" if field == "id" else field)) for row in model(endpoint).objects.all()}


def expected_keys(endpoint: str, role: str, world, more) -> set[str]:
    """The rows `role` should get from the list endpoint in the test world."""
    from qinqing.registry.models import Post

    if role == "dept_officer" and endpoint == "officials":
        # Current posts in the police bureau or its sections: O1 (section), O3 (bureau); not O4 (ended), O2.
        return {"O1", "O3"}
    if role == "dept_officer" and endpoint == "posts":
        return {str(pk) for pk in Post.objects.filter(department__code__startswith="QJ-GA").values_list("pk",
                                                                                                       flat=True)}
    if role == "enterprise_user" and endpoint == "enterprises":
        return {world.other_firm.uscc}
    if role == "enterprise_user" and endpoint == "holdings":
        return {str(more.firm_holding.pk)}
    if role == "enterprise_user" and endpoint == "enterprise-roles":
        return {str(more.firm_role.pk)}
    return all_keys(endpoint)


def detail_keys(endpoint: str, world, more) -> tuple[str, str | None]:
    """(a row every reader of the endpoint may open, a row the scoped role of that endpoint may not)."""
    from qinqing.registry.models import Asset, Income, Post

    return {
        "departments": ("QJ-GA-ZA", None),
        "officials": ("O1", "O2"),
        "posts": (str(Post.objects.get(official_id="O1").pk), str(Post.objects.get(official_id="O2").pk)),
        "relatives": (str(world.relative.pk), None),
        "enterprises": (world.other_firm.uscc, world.mine.uscc),
        "holdings": (str(more.firm_holding.pk), str(world.mine.holdings.get().pk)),
        "enterprise-roles": (str(more.firm_role.pk), str(more.mine_role.pk)),
        "assets": (str(Asset.objects.get(official=world.official, kind="property").pk), None),
        "incomes": (str(Income.objects.get(official=world.official, year=2023).pk), None),
    }[endpoint]


def scoped_role(endpoint: str) -> str | None:
    if endpoint in {"officials", "posts"}:
        return "dept_officer"
    if endpoint in {"enterprises", "holdings", "enterprise-roles"}:
        return "enterprise_user"
    return None


def listed(client, endpoint: str) -> tuple[int, set[str], dict]:
    response = client.get(f"/api/{endpoint}/", {"page_size": 500})
    if response.status_code != 200:
        return response.status_code, set(), {}
    field = ENDPOINTS[endpoint][1]
    body = response.json()
    return 200, {str(row[field]) for row in body["results"]}, body


@pytest.mark.parametrize("endpoint", ENDPOINTS)
@pytest.mark.parametrize("role", ROLES)
def test_list_returns_only_scoped_rows_or_403(endpoint, role, client_for, world, more):
    status, keys, body = listed(client_for(role), endpoint)
    if role in ENDPOINTS[endpoint][0]:
        assert status == 200
        expected = expected_keys(endpoint, role, world, more)
        assert expected, "the test world must give every reader something to see"
        assert keys == expected
        assert body["count"] == len(expected)
    else:
        assert status == 403


@pytest.mark.parametrize("endpoint", ENDPOINTS)
@pytest.mark.parametrize("role", ROLES)
def test_detail_by_key_is_scoped(endpoint, role, client_for, world, more):
    inside, outside = detail_keys(endpoint, world, more)
    client = client_for(role)
    response = client.get(f"/api/{endpoint}/{inside}/")
    if role not in ENDPOINTS[endpoint][0]:
        assert response.status_code == 403
        return
    assert response.status_code == 200
    field = ENDPOINTS[endpoint][1]
    assert str(response.json()[field]) == inside
    if outside is not None:
        # Outside the user's scope is "not found", never "forbidden": the row's existence is not revealed.
        expected = 404 if role == scoped_role(endpoint) else 200
        assert client.get(f"/api/{endpoint}/{outside}/").status_code == expected


@pytest.mark.parametrize("endpoint", ENDPOINTS)
def test_anonymous_is_refused(endpoint, client_for, world, more):
    client = client_for(None)
    inside, _ = detail_keys(endpoint, world, more)
    assert client.get(f"/api/{endpoint}/").status_code in {401, 403}
    assert client.get(f"/api/{endpoint}/{inside}/").status_code in {401, 403}


@pytest.mark.parametrize("endpoint", ENDPOINTS)
@pytest.mark.parametrize("role", ["admin", "org_officer", "enterprise_user"])
def test_writes_are_refused(endpoint, role, client_for, world, more):
    client = client_for(role)
    inside, _ = detail_keys(endpoint, world, more)
    before = all_keys(endpoint)
    attempts = [
        client.post(f"/api/{endpoint}/", {"name": "x"}, format="json"),
        client.put(f"/api/{endpoint}/{inside}/", {"name": "x"}, format="json"),
        client.patch(f"/api/{endpoint}/{inside}/", {"name": "x"}, format="json"),
        client.delete(f"/api/{endpoint}/{inside}/"),
    ]
    assert [r.status_code for r in attempts if r.status_code not in {403, 405}] == []
    assert all_keys(endpoint) == before


def test_enterprise_user_sees_only_its_own_firm(client_for, world, more):
    _, keys, _ = listed(client_for("enterprise_user"), "enterprises")
    assert keys == {world.other_firm.uscc}
    other = client_for("enterprise_user").get(f"/api/enterprises/{world.holding_firm.uscc}/")
    assert other.status_code == 404


def test_department_officer_sees_only_officials_of_its_unit_subtree(client_for, world, more):
    client = client_for("dept_officer")
    _, keys, _ = listed(client, "officials")
    # The section (below the bureau) and the bureau; not the audit bureau, not ended posts.
    assert keys == {"O1", "O3"}
    detail = client.get("/api/officials/O1/").json()
    assert {p["department"] for p in detail["posts"]} <= {"QJ-GA", "QJ-GA-ZA"}


def test_official_detail_shows_only_posts_the_user_may_list(client_for, world, more):
    from qinqing.registry.models import Post

    audit_post = Post.objects.create(official=world.official, department=world.audit,
                                     title="兼职", start_date=world.official.posts.get().start_date)
    analyst = client_for("commission_analyst").get("/api/officials/O1/").json()
    officer = client_for("dept_officer").get("/api/officials/O1/").json()
    assert str(audit_post.pk) in {p["id"] for p in analyst["posts"]}
    assert str(audit_post.pk) not in {p["id"] for p in officer["posts"]}
