"""Firms linked to people: the contract's id_number rule, stakes and roles, firms held through them."""

from __future__ import annotations

import datetime as dt

import pytest

from qinqing.core.identifiers import make_id_number, mask_id_number
from qinqing.registry import links
from qinqing.registry.models import EnterpriseRole

LINA = make_id_number("530302", dt.date(1990, 1, 1), 23, "M")


@pytest.fixture(autouse=True)
def _fast_hashing(settings):
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]


@pytest.mark.parametrize("holder_id,holder_name,same", [
    (LINA, "王芳", True),  # the same full number proves identity, whatever the name
    (mask_id_number(LINA), "李娜", True),  # visible characters and the name agree
    ("5301" + "*" * 10 + LINA[-4:], "李娜", False),  # a visible character differs
    (mask_id_number(LINA), "李丽", False),  # masked number agrees, name does not
    (None, "李娜", False),  # a name alone never links
    (make_id_number("530302", dt.date(1990, 1, 1), 24, "M"), "李娜", False),  # another full number
])
def test_same_person_follows_the_contract_rule(holder_id, holder_name, same):
    assert links.same_person(LINA, "李娜", holder_id, holder_name) is same


def test_linked_firms_follow_roles_and_reject_name_only_matches(users, world):
    EnterpriseRole.objects.create(enterprise=world.other_firm, person_name="崔勇",
                                  person_id=world.relative.id_number, role="legal_rep")
    EnterpriseRole.objects.create(enterprise=world.mine, person_name="崔勇", person_id=None,
                                  role="director")
    people = [links.Person("崔勇", world.relative.id_number, "sibling")]
    found = links.linked_firms(users["admin"], people)
    direct = {(f.enterprise.name, f.how, f.masked_match) for f in found if not f.via}
    assert direct == {("曲靖勇达投资有限公司", "holding", True), ("宣威市轮毂制造有限公司", "legal_rep", False)}
    through = [f for f in found if f.via]
    assert [(f.enterprise.name, [v.name for v in f.via]) for f in through] == [
        ("富源县兴旺煤矿", ["曲靖勇达投资有限公司"]),
    ]


def test_nobody_without_a_number_links(users, world):
    assert links.linked_firms(users["admin"], [links.Person("崔勇", None, "sibling")]) == []


def test_a_masked_declared_number_needs_the_name_too():
    assert links.same_person(mask_id_number(LINA), "李娜", LINA, "李娜")
    assert not links.same_person(mask_id_number(LINA), "李娜", LINA, "李丽")
