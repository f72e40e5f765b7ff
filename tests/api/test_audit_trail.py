"""Opening an official's or a relative's record through the API leaves a view event in the audit log."""

from __future__ import annotations

import pytest


def view_events():
    from qinqing.audit.models import AuditEvent

    return list(AuditEvent.objects.filter(action="view").order_by("seq"))


@pytest.mark.parametrize(("endpoint", "object_type"), [("officials", "registry.official"),
                                                       ("relatives", "registry.relative")])
def test_retrieving_a_person_records_who_looked_at_what(endpoint, object_type, client_for, users, world):
    key = "O1" if endpoint == "officials" else world.relative.pk
    assert client_for("case_officer").get(f"/api/{endpoint}/{key}/").status_code == 200
    [event] = view_events()
    assert (event.actor_id, event.actor_role) == (users["case_officer"].pk, "case_officer")
    assert (event.object_type, event.object_id) == (object_type, str(key))
    assert event.detail == {}  # what the record showed is never copied into the log


def test_the_view_events_keep_the_chain_intact(client_for, world):
    from qinqing.audit.models import AuditEvent
    from qinqing.audit.services import verify

    client = client_for("org_officer")
    client.get("/api/officials/O1/")
    client.get(f"/api/relatives/{world.relative.pk}/")
    assert AuditEvent.objects.filter(action="view").count() == 2
    assert verify() == (AuditEvent.objects.count(), [])


def test_lists_refusals_and_misses_record_nothing(client_for, world):
    client_for("commission_analyst").get("/api/officials/")
    client_for("commission_analyst").get("/api/relatives/")
    client_for("enterprise_user").get("/api/officials/O1/")  # 403
    client_for("dept_officer").get("/api/officials/O2/")  # 404: outside its units
    client_for("commission_analyst").get("/api/officials/NO-SUCH/")  # 404
    assert view_events() == []


def test_other_records_are_not_logged_as_person_views(client_for, world):
    client_for("admin").get("/api/departments/QJ-GA/")
    client_for("admin").get(f"/api/enterprises/{world.mine.uscc}/")
    assert view_events() == []
