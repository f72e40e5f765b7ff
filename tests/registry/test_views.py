"""Registry pages: every role's access, scoping of rows, audit of record views, htmx fragments, paging."""

from __future__ import annotations

import json

import pytest
from django.core.cache import cache
from django.urls import reverse

from qinqing.audit.models import AuditEvent
from qinqing.core.identifiers import make_uscc, mask_id_number
from tests.conftest import ROLES

OFFICIAL_ROLES = {"commission_analyst", "case_officer", "org_officer", "dept_officer", "admin"}
DECLARATION_ROLES = {"commission_analyst", "case_officer", "org_officer", "admin"}


@pytest.fixture(autouse=True)
def _fast_plain_http(settings):
    settings.SECURE_SSL_REDIRECT = False  # production redirects to HTTPS; the test client speaks HTTP
    # Autouse runs before `users`: eight PBKDF2 hashes per test would make each test take seconds.
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]
    cache.clear()  # whole-table counts are cached for a minute


def login(client, users, role: str):
    client.force_login(users[role])
    return client


def text(response) -> str:
    return response.content.decode()


# --- Anonymous visitors


@pytest.mark.parametrize("name,args", [
    ("registry:officials", []), ("registry:official", ["O1"]), ("registry:departments", []),
    ("registry:department", ["QJ"]), ("registry:department_children", ["QJ"]), ("registry:enterprises", []),
    ("registry:enterprise", [make_uscc("530325", 2)]), ("registry:enterprise_graph", [make_uscc("530325", 2)]),
])
def test_anonymous_visitor_is_sent_to_login(client, world, name, args):
    response = client.get(reverse(name, args=args))
    assert response.status_code == 302
    assert response.url.startswith(reverse("accounts:login"))


# --- Officials


@pytest.mark.parametrize("role", ROLES)
def test_official_list_per_role(client, users, role):
    response = login(client, users, role).get(reverse("registry:officials"))
    if role not in OFFICIAL_ROLES:
        assert response.status_code == 403
        return
    assert response.status_code == 200
    assert "崔永" in text(response)
    # A department officer sees the officials of the police bureau's subtree only, not the audit bureau's.
    assert ("郭建春" in text(response)) == (role != "dept_officer")


@pytest.mark.parametrize("role", ROLES)
def test_official_detail_per_role(client, users, world, role):
    response = login(client, users, role).get(reverse("registry:official", args=["O1"]))
    if role not in OFFICIAL_ROLES:
        assert response.status_code == 403
        return
    assert response.status_code == 200
    body = text(response)
    assert "崔永" in body and "常务副局长" in body
    # Full ID numbers only for roles that read declarations (the API's rule); others see the mask.
    assert (world.official.id_number in body) == (role in DECLARATION_ROLES)
    assert (mask_id_number(world.official.id_number) in body) == (role not in DECLARATION_ROLES)


@pytest.mark.parametrize("role", ROLES)
def test_official_outside_the_unit_subtree_is_not_found(client, users, role):
    response = login(client, users, role).get(reverse("registry:official", args=["O2"]))
    expected = 403 if role not in OFFICIAL_ROLES else 404 if role == "dept_officer" else 200
    assert response.status_code == expected


@pytest.mark.parametrize("role", sorted(OFFICIAL_ROLES))
def test_relatives_and_their_firms_only_for_declaration_roles(client, users, role):
    body = text(login(client, users, role).get(reverse("registry:official", args=["O1"])))
    may = role in DECLARATION_ROLES
    assert ("崔勇" in body) == may  # the declared brother
    assert ("曲靖勇达投资有限公司" in body) == may  # his firm: masked ID number and name agree
    assert ("富源县兴旺煤矿" in body) == may  # held 40% by his firm: linked one layer down


def test_official_detail_shows_tenure_and_top_leader(client, users):
    body = text(login(client, users, "org_officer").get(reverse("registry:official", args=["O1"])))
    assert "qq-badge-leader" in body
    assert "2012-01-01" in body


def test_viewing_an_official_writes_audit_events_without_names(client, users, world):
    login(client, users, "commission_analyst").get(reverse("registry:official", args=["O1"]))
    events = list(AuditEvent.objects.filter(action="view"))
    assert {(e.object_type, e.object_id) for e in events} == {
        ("registry.official", "O1"), ("registry.relative", str(world.relative.pk)),
    }
    assert all(e.actor_id == users["commission_analyst"].pk for e in events)
    dumped = json.dumps([[e.object_type, e.object_id, e.detail, e.actor_role] for e in events], ensure_ascii=False)
    assert "崔" not in dumped


def test_a_role_without_declarations_views_no_relative(client, users):
    login(client, users, "dept_officer").get(reverse("registry:official", args=["O1"]))
    views = AuditEvent.objects.filter(action="view")
    assert list(views.values_list("object_type", flat=True)) == ["registry.official"]


def test_refused_detail_writes_no_audit_event(client, users):
    login(client, users, "dept_officer").get(reverse("registry:official", args=["O2"]))
    login(client, users, "liaison_leader").get(reverse("registry:official", args=["O1"]))
    assert not AuditEvent.objects.filter(action="view").exists()


@pytest.mark.parametrize("params,present,absent", [
    ({"q": "崔"}, ["崔永"], ["郭建春"]),
    ({"q": "O2"}, ["郭建春"], ["崔永"]),
    ({"rank": "county", "department": "QJ-SJ"}, ["郭建春"], ["崔永"]),
    ({"department": "QJ-GA"}, ["崔永"], ["郭建春"]),  # sub-units included
    ({"top_leader": "on", "q": "郭"}, ["郭建春"], ["崔永"]),
    ({"rank": "bureau"}, [], ["崔永", "郭建春"]),
])
def test_official_filters(client, users, params, present, absent):
    body = text(login(client, users, "commission_analyst").get(reverse("registry:officials"), params))
    assert all(name in body for name in present)
    assert not any(name in body for name in absent)


def test_official_search_by_full_id_number(client, users, world):
    body = text(login(client, users, "case_officer").get(reverse("registry:officials"),
                                                         {"q": world.official.id_number}))
    assert "崔永" in body and "郭建春" not in body


def test_htmx_filter_returns_only_the_results(client, users):
    response = login(client, users, "commission_analyst").get(
        reverse("registry:officials"), {"q": "郭"}, headers={"HX-Request": "true"})
    assert response.status_code == 200
    assert "<html" not in text(response) and "郭建春" in text(response)
    assert "HX-Request" in response["Vary"]


# --- Departments


@pytest.mark.parametrize("role", ROLES)
def test_department_tree_per_role(client, users, role):
    client = login(client, users, role)
    response = client.get(reverse("registry:departments"))
    assert response.status_code == 200
    assert "曲靖市人民政府" in text(response) and "曲靖市公安局" not in text(response)  # roots only
    children = client.get(reverse("registry:department_children", args=["QJ"]))
    assert children.status_code == 200
    assert "曲靖市公安局" in text(children) and "曲靖市审计局" in text(children)


def test_department_filters_give_a_flat_list(client, users):
    body = text(login(client, users, "service_agent").get(reverse("registry:departments"), {"sector": "police"}))
    assert "曲靖市公安局" in body and "治安支队" in body and "曲靖市审计局" not in body


@pytest.mark.parametrize("role", ROLES)
def test_department_detail_per_role(client, users, role):
    client = login(client, users, role)
    section = client.get(reverse("registry:department", args=["QJ-GA-ZA"]))
    assert section.status_code == 200
    assert "治安支队" in text(section) and "曲靖市公安局" in text(section)  # breadcrumb
    assert ("崔永" in text(section)) == (role in OFFICIAL_ROLES)
    audit = client.get(reverse("registry:department", args=["QJ-SJ"]))
    assert ("郭建春" in text(audit)) == (role in OFFICIAL_ROLES - {"dept_officer"})


def test_unknown_department_is_not_found(client, users):
    assert login(client, users, "admin").get(reverse("registry:department", args=["NOPE"])).status_code == 404


# --- Enterprises


@pytest.mark.parametrize("role", ROLES)
def test_enterprise_list_per_role(client, users, role):
    body = text(login(client, users, role).get(reverse("registry:enterprises")))
    assert "宣威市轮毂制造有限公司" in body
    assert ("富源县兴旺煤矿" in body) == (role != "enterprise_user")


@pytest.mark.parametrize("role", ROLES)
def test_enterprise_detail_per_role(client, users, world, role):
    client = login(client, users, role)
    own = client.get(reverse("registry:enterprise", args=[world.other_firm.pk]))
    assert own.status_code == 200 and "宣威市轮毂制造有限公司" in text(own)
    mine = client.get(reverse("registry:enterprise", args=[world.mine.pk]))
    if role == "enterprise_user":
        assert mine.status_code == 404
    else:
        assert mine.status_code == 200
        assert "曲靖勇达投资有限公司" in text(mine) and "40%" in text(mine)


@pytest.mark.parametrize("role", ["service_agent", "admin"])
def test_enterprise_detail_shows_person_ids_as_the_role_may_see_them(client, users, world, role):
    from qinqing.registry.models import EnterpriseRole

    EnterpriseRole.objects.create(enterprise=world.mine, person_name="崔勇",
                                  person_id=world.relative.id_number, role="legal_rep")
    body = text(login(client, users, role).get(reverse("registry:enterprise", args=[world.mine.pk])))
    assert "崔勇" in body
    assert (world.relative.id_number in body) == (role == "admin")  # admin reads declarations
    assert (mask_id_number(world.relative.id_number) in body) == (role != "admin")


@pytest.mark.parametrize("role", ROLES)
def test_ownership_graph_per_role(client, users, world, role):
    response = login(client, users, role).get(reverse("registry:enterprise_graph", args=[world.mine.pk]))
    if role == "enterprise_user":
        assert response.status_code == 404
        return
    graph = response.json()
    labels = {n["data"]["label"] for n in graph["nodes"]}
    assert {"富源县兴旺煤矿", "曲靖勇达投资有限公司", "崔勇"} <= labels  # two layers up
    firm = next(n["data"] for n in graph["nodes"] if n["data"]["label"] == "曲靖勇达投资有限公司")
    assert firm["url"] == reverse("registry:enterprise", args=[world.holding_firm.pk])


def test_enterprise_user_graph_stops_at_its_own_stakes(client, users, world):
    from qinqing.registry.models import Holding

    Holding.objects.create(enterprise=world.other_firm, holder_type="enterprise",
                           holder_name=world.mine.name, holder_id=world.mine.pk, share_ratio="0.5")
    graph = login(client, users, "enterprise_user").get(
        reverse("registry:enterprise_graph", args=[world.other_firm.pk])).json()
    labels = {n["data"]["label"] for n in graph["nodes"]}
    assert "富源县兴旺煤矿" in labels  # its direct owner, from its own registration
    assert "曲靖勇达投资有限公司" not in labels  # the owner's owners are other firms' records
    mine = next(n["data"] for n in graph["nodes"] if n["data"]["label"] == "富源县兴旺煤矿")
    assert mine["url"] is None  # no link to a page the user may not open


@pytest.mark.parametrize("params,present,absent", [
    ({"q": "宣威"}, ["宣威市轮毂制造有限公司"], ["富源县兴旺煤矿"]),
    ({"q": "兴旺"}, [], ["富源县兴旺煤矿"]),  # prefix by default
    ({"q": "兴旺", "contains": "on"}, ["富源县兴旺煤矿"], ["宣威市轮毂制造有限公司"]),
    ({"industry": "B"}, ["富源县兴旺煤矿"], ["宣威市轮毂制造有限公司"]),
    ({"region": "530300"}, ["富源县兴旺煤矿", "曲靖勇达投资有限公司"], []),
    ({"region": "530381"}, ["宣威市轮毂制造有限公司"], ["富源县兴旺煤矿"]),
    ({"status": "revoked"}, [], ["富源县兴旺煤矿"]),
])
def test_enterprise_filters(client, users, params, present, absent):
    body = text(login(client, users, "service_agent").get(reverse("registry:enterprises"), params))
    assert all(name in body for name in present)
    assert not any(name in body for name in absent)


def test_enterprise_search_by_uscc(client, users, world):
    body = text(login(client, users, "liaison_leader").get(reverse("registry:enterprises"),
                                                           {"q": world.mine.pk.lower()}))
    assert "富源县兴旺煤矿" in body and "宣威市轮毂制造有限公司" not in body


@pytest.mark.parametrize("params,key", [
    ({"q": "分页测试"}, lambda e: (e.name, e.pk)),  # a name search pages in name order
    ({"region": "530111"}, lambda e: (e.region_code, e.pk)),  # a region filter in region order
    ({"industry": "C9"}, lambda e: (e.industry, e.pk)),
])
def test_lists_page_by_cursor_both_ways(client, users, params, key):
    from qinqing.registry.models import Enterprise

    Enterprise.objects.bulk_create(
        Enterprise(uscc=make_uscc("530111", 500 - i), name=f"分页测试{i:03d}有限公司", region_code="530111",
                   industry=f"C9{i % 3}") for i in range(120)
    )
    client = login(client, users, "commission_analyst")
    first = client.get(reverse("registry:enterprises"), params)
    page1 = first.context["page"]
    assert len(page1.items) == 50 and page1.after and not page1.before
    assert first.context["count"].value == 120
    second = client.get(reverse("registry:enterprises"), {**params, "after": page1.after})
    page2 = second.context["page"]
    third = client.get(reverse("registry:enterprises"), {**params, "after": page2.after}).context["page"]
    rows = page1.items + page2.items + third.items
    assert len(rows) == 120 and not third.after
    assert [key(e) for e in rows] == sorted(key(e) for e in rows)
    back = client.get(reverse("registry:enterprises"), {**params, "before": page2.before})
    assert [e.pk for e in back.context["page"].items] == [e.pk for e in page1.items]
    assert not back.context["page"].before


def test_a_mangled_cursor_gives_the_first_page(client, users):
    client = login(client, users, "commission_analyst")
    for cursor in ["[1, 2]", "not json", "x" * 5000]:
        response = client.get(reverse("registry:enterprises"), {"q": "宣威", "after": cursor})
        assert response.status_code == 200 and "宣威市轮毂制造有限公司" in text(response)


def test_official_list_queries_do_not_grow_with_rows(client, users, world, django_assert_max_num_queries):
    import datetime as dt

    from qinqing.registry.models import Official, Post

    Official.objects.bulk_create(Official(official_id=f"N{i:03d}", name=f"新{i}", rank="staff") for i in range(60))
    Post.objects.bulk_create(Post(official_id=f"N{i:03d}", department=world.audit, title="科员",
                                  start_date=dt.date(2020, 1, 1)) for i in range(60))
    client = login(client, users, "commission_analyst")
    with django_assert_max_num_queries(6):  # session, user, page, prefetched posts with units, count
        response = client.get(reverse("registry:officials"))
    assert len(response.context["page"].items) == 50


def test_enterprise_detail_queries_do_not_grow_with_stakes(client, users, world, django_assert_max_num_queries):
    from qinqing.registry.models import Enterprise, Holding

    for i in range(40):
        held = Enterprise.objects.create(uscc=make_uscc("530400", 900 + i), name=f"子公司{i}")
        Holding.objects.create(enterprise=held, holder_type="enterprise",
                               holder_name=world.mine.name, holder_id=world.mine.pk, share_ratio="1")
    client = login(client, users, "commission_analyst")
    with django_assert_max_num_queries(8):  # session, user, firm, holders, holdings, roles, linkable firms
        response = client.get(reverse("registry:enterprise", args=[world.mine.pk]))
    assert "子公司39" in text(response)
