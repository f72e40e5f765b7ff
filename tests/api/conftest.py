"""API test helpers: HTTPS clients per role and a few more registry rows than the shared world has."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

import pytest
from rest_framework.test import APIClient


@pytest.fixture
def https(settings) -> None:
    """Production redirects plain HTTP to HTTPS; tests reach the app the way the proxy does."""
    settings.SECURE_PROXY_SSL_HEADER = ("HTTP_X_FORWARDED_PROTO", "https")


@pytest.fixture
def client_for(https, users):
    """`client_for(role)`: a client with a session as that role's user; `client_for(None)`: anonymous."""

    def make(role: str | None) -> APIClient:
        client = APIClient(HTTP_X_FORWARDED_PROTO="https")
        if role is not None:
            client.force_login(users[role])
        return client

    return make


@dataclass
class More:
    """Rows added to the shared world so every endpoint has something in and something out of scope."""

    section_chief: object  # official in the police bureau itself (in the dept officer's subtree)
    retired: object  # official whose only police post has ended
    firm_role: object  # role in the enterprise user's own firm
    mine_role: object  # role in another firm
    firm_holding: object  # holding in the enterprise user's own firm


@pytest.fixture
def more(world) -> More:
    from qinqing.registry.models import Asset, EnterpriseRole, Holding, Income, Official, Post, Relative

    chief = Official.objects.create(official_id="O3", name="李明", rank="section")
    Post.objects.create(official=chief, department=world.police, title="科长",
                        start_date=dt.date(2015, 1, 1))
    retired = Official.objects.create(official_id="O4", name="王强", rank="staff")
    Post.objects.create(official=retired, department=world.police, title="科员",
                        start_date=dt.date(2001, 1, 1), end_date=dt.date(2014, 12, 31))
    Relative.objects.create(official=world.other_official, name="陈芳",
                            relation="spouse")
    Asset.objects.create(official=world.official, owner_name="崔永", kind="property",
                         value="1200000.00", location="曲靖市麒麟区")
    Asset.objects.create(official=world.other_official, owner_name="郭建春", kind="vehicle",
                         value="150000.00")
    Income.objects.create(official=world.official, year=2023, income="320000.00")
    Income.objects.create(official=world.other_official, year=2023, income="280000.00")
    firm_role = EnterpriseRole.objects.create(enterprise=world.other_firm, person_name="赵刚",
                                              role="legal_rep")
    mine_role = EnterpriseRole.objects.create(enterprise=world.mine, person_name="钱伟",
                                              role="manager")
    firm_holding = Holding.objects.create(enterprise=world.other_firm, holder_type="person",
                                          holder_name="赵刚", share_ratio="1")
    return More(chief, retired, firm_role, mine_role, firm_holding)
