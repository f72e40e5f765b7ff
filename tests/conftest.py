"""Shared fixtures: one user per role, attached to a small registry world built with the ORM."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

import pytest

from qinqing.accounts.roles import Role
from qinqing.core.identifiers import make_id_number, make_uscc, mask_id_number

PASSWORD = "test-pass-9f3k2"


@pytest.fixture(scope="session")
def warehouse_path(tmp_path_factory):
    """The risk scan's columnar copy, one per test process (each has its own test database)."""
    return tmp_path_factory.mktemp("risk") / "warehouse.duckdb"


@pytest.fixture(autouse=True)
def test_settings(settings, warehouse_path) -> None:
    settings.RISK_WAREHOUSE = str(warehouse_path)
    # Every role-matrix test builds one user per role; the production hasher would take seconds each.
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]
    # Production redirects plain HTTP to HTTPS; the test client speaks HTTP (tests of the redirect opt in).
    settings.SECURE_SSL_REDIRECT = False
    from django.core.cache import cache

    cache.clear()  # list pages cache whole-table counts for a minute


@dataclass
class World:
    city: object
    police: object
    police_section: object
    audit: object
    official: object  # police deputy chief, top leader of the section
    other_official: object  # audit director
    relative: object
    mine: object
    holding_firm: object
    other_firm: object


@pytest.fixture
def world(db) -> World:
    from qinqing.registry.models import Department, Enterprise, Holding, Official, Post, Relative

    city = Department.objects.create(code="QJ", name="曲靖市人民政府", level="city", region_code="530300",
                                     sector="other")
    police = Department.objects.create(code="QJ-GA", name="曲靖市公安局", parent=city, level="bureau",
                                       region_code="530300", sector="police")
    section = Department.objects.create(code="QJ-GA-ZA", name="治安支队", parent=police, level="section",
                                        region_code="530300", sector="police")
    audit = Department.objects.create(code="QJ-SJ", name="曲靖市审计局", parent=city, level="bureau",
                                      region_code="530300", sector="audit")
    official = Official.objects.create(
        official_id="O1", name="崔永", id_number=make_id_number("530302", dt.date(1965, 3, 1), 11, "M"),
        gender="M", birth_date=dt.date(1965, 3, 1), rank="county", party_member=True,
    )
    other = Official.objects.create(official_id="O2", name="郭建春", rank="county")
    Post.objects.create(official=official, department=section, title="常务副局长",
                        is_top_leader=True, start_date=dt.date(2012, 1, 1), duties="explosives_permit")
    Post.objects.create(official=other, department=audit, title="局长",
                        is_top_leader=True, start_date=dt.date(2010, 1, 1), duties="audit_signoff")
    brother_id = make_id_number("530302", dt.date(1968, 7, 9), 22, "M")
    relative = Relative.objects.create(official=official, name="崔勇", relation="sibling",
                                       id_number=brother_id, birth_date=dt.date(1968, 7, 9))
    holding_firm = Enterprise.objects.create(uscc=make_uscc("530302", 1), name="曲靖勇达投资有限公司",
                                             industry="L72", region_code="530302", status="active")
    mine = Enterprise.objects.create(uscc=make_uscc("530325", 2), name="富源县兴旺煤矿", industry="B06",
                                     region_code="530325", status="active")
    other_firm = Enterprise.objects.create(uscc=make_uscc("530381", 3), name="宣威市轮毂制造有限公司",
                                           industry="C3670", region_code="530381", status="active")
    Holding.objects.create(enterprise=holding_firm, holder_type="person", holder_name="崔勇",
                           holder_id=mask_id_number(brother_id), share_ratio="0.6")
    Holding.objects.create(enterprise=mine, holder_type="enterprise", holder_name=holding_firm.name,
                           holder_id=holding_firm.uscc, share_ratio="0.4")
    return World(city, police, section, audit, official, other, relative, mine, holding_firm, other_firm)


@pytest.fixture
def users(world) -> dict[str, object]:
    """One active user per role, keyed by role value; all share PASSWORD."""
    from qinqing.accounts.models import User

    attached = {
        Role.DEPT_OFFICER: {"department": world.police, "official": world.official},
        Role.LIAISON_LEADER: {"official": world.other_official},
        Role.ENTERPRISE_USER: {"enterprise": world.other_firm},
    }
    made = {}
    for role in Role:
        made[role.value] = User.objects.create_user(
            username=f"u_{role.value}", password=PASSWORD, role=role, **attached.get(role, {})
        )
    return made


ROLES = [r.value for r in Role]
