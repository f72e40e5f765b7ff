"""Full ID numbers reach only roles that may read personal declarations; the rest see the registry mask."""

from __future__ import annotations

import pytest

from qinqing.core.identifiers import mask_id_number

pytestmark = pytest.mark.django_db

REVEAL = {"commission_analyst", "case_officer", "org_officer", "admin"}


@pytest.mark.parametrize("role", ["commission_analyst", "case_officer", "org_officer", "admin", "dept_officer"])
def test_official_id_number_is_masked_unless_the_role_reads_declarations(role, client_for, world):
    body = client_for(role).get(f"/api/officials/{world.official.official_id}/").json()
    full = world.official.id_number
    assert body["id_number"] == (full if role in REVEAL else mask_id_number(full))


@pytest.mark.parametrize("role", ["commission_analyst", "service_agent", "liaison_leader", "dept_officer"])
def test_person_holder_ids_are_masked_but_enterprise_holder_usccs_are_not(role, client_for, world):
    from qinqing.registry.models import Holding

    Holding.objects.filter(holder_type="person").update(holder_id=world.relative.id_number)
    rows = client_for(role).get("/api/holdings/", {"page_size": 500}).json()["results"]
    person = next(r for r in rows if r["holder_type"] == "person")
    firm = next(r for r in rows if r["holder_type"] == "enterprise")
    expected = world.relative.id_number if role in REVEAL else mask_id_number(world.relative.id_number)
    assert person["holder_id"] == expected
    assert firm["holder_id"] == world.holding_firm.uscc
