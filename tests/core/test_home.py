"""Home page per role, login and logout, and the menu each role gets."""

from __future__ import annotations

import datetime as dt

import pytest
from django.core.cache import cache
from django.urls import reverse
from django.utils import translation

from qinqing.audit.models import AuditEvent
from qinqing.core.home import home_context, tenure_summary
from tests.conftest import PASSWORD, ROLES


@pytest.fixture(autouse=True)
def _fast_plain_http(settings):
    settings.SECURE_SSL_REDIRECT = False  # production redirects to HTTPS; the test client speaks HTTP
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]
    cache.clear()  # whole-table counts are cached for a minute


# What each role's home page must show (present) and must not (absent): names come from the `world`.
EXPECTED = {
    "commission_analyst": (["郭建春", "崔永", "治安支队"], []),
    "case_officer": (["郭建春", "崔永"], []),
    "org_officer": (["郭建春", "崔永", "曲靖市审计局"], []),
    "dept_officer": (["曲靖市公安局", "崔永", "治安支队"], ["郭建春"]),
    "liaison_leader": ([], ["崔永", "郭建春"]),
    "service_agent": ([], ["崔永", "郭建春"]),
    "enterprise_user": (["宣威市轮毂制造有限公司"], ["富源县兴旺煤矿", "崔永"]),
    "admin": ([], ["崔永"]),
}
MENU = {
    "registry:officials": {"commission_analyst", "case_officer", "org_officer", "dept_officer", "admin"},
    "registry:departments": set(ROLES),
    "registry:enterprises": set(ROLES),
    "risk:queue": {"commission_analyst", "case_officer", "org_officer", "admin"},
}


def test_anonymous_home_redirects_to_login(client, db):
    response = client.get(reverse("home"))
    assert response.status_code == 302 and response.url.startswith(reverse("accounts:login"))


@pytest.mark.parametrize("role", ROLES)
def test_home_per_role(client, users, role):
    client.force_login(users[role])
    response = client.get(reverse("home"))
    assert response.status_code == 200
    body = response.content.decode()
    present, absent = EXPECTED[role]
    assert all(text in body for text in present), role
    assert not any(text in body for text in absent), role
    assert response.context["home"]["kind"]


@pytest.mark.parametrize("role", ROLES)
def test_menu_shows_only_what_the_role_may_open(client, users, role):
    client.force_login(users[role])
    body = client.get(reverse("home")).content.decode()
    for name, allowed in MENU.items():
        assert (f'href="{reverse(name)}"' in body) == (role in allowed), (role, name)


def test_supervision_home_counts_the_registry(users):
    with translation.override("en"):
        rows = home_context(users["commission_analyst"])["home"]["counts"]
        counts = {str(row["label"]): row["count"].value for row in rows}
    assert counts["Officials"] == 2 and counts["Enterprises"] == 3 and counts["Declared relatives"] == 1


def test_browse_home_counts_only_what_the_role_may_see(users):
    with translation.override("en"):
        labels = {str(row["label"]) for row in home_context(users["liaison_leader"])["home"]["counts"]}
    assert labels == {"Departments", "Enterprises"}


def test_enterprise_home_is_its_own_firm(users, world):
    home = home_context(users["enterprise_user"])["home"]
    assert home["firm"] == world.other_firm and home["holders"].value == 0


def test_department_home_is_scoped_to_the_unit_subtree(users, world):
    home = home_context(users["dept_officer"])["home"]
    assert home["unit"] == world.police
    assert {p.official_id for p in home["posts"]} == {"O1"}
    assert home["officials"].value == 1 and home["sub_units"].value == 1


def test_tenure_buckets_for_rotation(users):
    summary = tenure_summary(users["org_officer"], today=dt.date(2021, 6, 1))
    # O2 audit director since 2010 (11.4 years: rotation due); O1 since 2012 (9.4 years: plan rotation).
    assert (summary["total"], summary["review"], summary["due"]) == (2, 1, 1)
    assert [p.official_id for p in summary["longest"]] == ["O2", "O1"]
    assert summary["longest"][0].rotation_due and not summary["longest"][1].rotation_due


def test_admin_home_shows_imports_and_the_audit_log(users):
    from qinqing.audit.services import record

    record(action="import", actor=users["admin"], object_type="contract.dataset", detail={"rows": 12})
    home = home_context(users["admin"])["home"]
    assert [e.detail for e in home["imports"]] == [{"rows": 12}]
    assert home["audit"]["last"] == AuditEvent.objects.order_by("-seq").first()


def test_login_page_logs_in_and_out(client, users):
    page = client.get(reverse("accounts:login"))
    assert page.status_code == 200 and 'name="password"' in page.content.decode()
    response = client.post(reverse("accounts:login"), {"username": "u_case_officer", "password": PASSWORD})
    assert response.status_code == 302 and response.url == reverse("home")
    assert client.get(reverse("home")).status_code == 200
    assert client.post(reverse("accounts:logout")).status_code == 302
    assert client.get(reverse("home")).status_code == 302


def test_wrong_password_is_refused(client, users):
    response = client.post(reverse("accounts:login"), {"username": "u_admin", "password": "wrong-password"})
    assert response.status_code == 200 and response.context["form"].errors
