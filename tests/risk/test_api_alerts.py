"""/api/alerts/: every role's access, scoping and recusal as on the web pages, filters, audit, no writes."""

from __future__ import annotations

import pytest
from rest_framework.test import APIClient

from qinqing.audit.models import AuditEvent
from qinqing.risk.models import Alert, Decision
from tests.conftest import ROLES
from tests.risk.conftest import ALERT_READERS


@pytest.fixture
def client_for(settings, users):
    """`client_for(role)`: an API client signed in as that role's user (None: anonymous), reaching the
    app over HTTPS the way the proxy does."""
    settings.SECURE_PROXY_SSL_HEADER = ("HTTP_X_FORWARDED_PROTO", "https")

    def make(role: str | None) -> APIClient:
        client = APIClient(HTTP_X_FORWARDED_PROTO="https")
        if role is not None:
            client.force_login(users[role])
        return client

    return make


def ids(response) -> set[int]:
    return {row["id"] for row in response.json()["results"]}


@pytest.mark.parametrize("role", ROLES)
def test_list_per_role(client_for, alerts, role):
    response = client_for(role).get("/api/alerts/", {"page_size": 500})
    if role not in ALERT_READERS:
        assert response.status_code == 403
        return
    assert response.status_code == 200
    everything = {alerts.kin.pk, alerts.audit.pk, alerts.rotation.pk, alerts.old.pk}
    assert ids(response) == ({alerts.rotation.pk} if role == "org_officer" else everything)
    scores = [row["score"] for row in response.json()["results"]]
    assert scores == sorted(scores, reverse=True)


@pytest.mark.parametrize("role", ROLES)
def test_detail_per_role(client_for, alerts, role):
    client = client_for(role)
    discipline = client.get(f"/api/alerts/{alerts.kin.pk}/")
    rotation = client.get(f"/api/alerts/{alerts.rotation.pk}/")
    if role not in ALERT_READERS:
        assert (discipline.status_code, rotation.status_code) == (403, 403)
        return
    assert rotation.status_code == 200 and rotation.json()["rule"] == "rotation_due"
    assert discipline.status_code == (404 if role == "org_officer" else 200)


def test_anonymous_is_refused(client_for, alerts):
    client = client_for(None)
    assert client.get("/api/alerts/").status_code in {401, 403}
    assert client.get(f"/api/alerts/{alerts.kin.pk}/").status_code in {401, 403}


@pytest.mark.parametrize("role", ["commission_analyst", "admin"])
def test_the_api_is_read_only_even_for_deciders(client_for, alerts, role):
    client = client_for(role)
    url = f"/api/alerts/{alerts.kin.pk}/"
    attempts = [client.post("/api/alerts/", {"rule": "x"}, format="json"),
                client.patch(url, {"status": "dismissed"}, format="json"),
                client.put(url, {"status": "dismissed"}, format="json"), client.delete(url)]
    assert {r.status_code for r in attempts} <= {403, 405}
    assert Alert.objects.get(pk=alerts.kin.pk).status == "new" and Alert.objects.count() == 4


def test_detail_carries_evidence_entities_titles_and_decisions(client_for, users, world, alerts):
    from qinqing.risk.services import decide

    decide(alert=alerts.kin, user=users["admin"], action="verify", reason="核实股权")
    body = client_for("case_officer").get(f"/api/alerts/{alerts.kin.pk}/").json()
    assert body["rule_title_zh"] == "亲属持股或任职企业获本单位审批、中标、付款"
    assert body["rule_title_en"].startswith("Kin-held firm")
    assert body["entities"]["official_id"] == ["O1"] and body["entities"]["application_id"] == ["BJ1", "BJ2"]
    assert [f["relation"] for f in body["evidence"]][:2] == ["declared_relative", "holds"]
    assert body["status"] == "verifying"
    assert body["decisions"] == [{"action": "verify", "user": "u_admin", "reason": "核实股权",
                                  "at": body["decisions"][0]["at"]}]


def test_retrieving_an_alert_is_audited_and_lists_are_not(client_for, users, alerts):
    client = client_for("commission_analyst")
    client.get("/api/alerts/")
    client.get("/api/alerts/999999/")
    assert not AuditEvent.objects.filter(action="view").exists()
    client.get(f"/api/alerts/{alerts.kin.pk}/")
    [event] = AuditEvent.objects.filter(action="view")
    assert (event.object_type, event.object_id, event.actor_id) == (
        "risk.alert", str(alerts.kin.pk), users["commission_analyst"].pk)


@pytest.mark.parametrize("role", sorted(ALERT_READERS))
def test_recusal_in_the_api(client_for, users, world, alerts, role):
    subject, alert = (world.other_official, alerts.rotation) if role == "org_officer" else (world.official, alerts.kin)
    users[role].official = subject
    users[role].save()
    client = client_for(role)
    assert alert.pk not in ids(client.get("/api/alerts/", {"page_size": 500}))
    assert client.get(f"/api/alerts/{alert.pk}/").status_code == 404


@pytest.mark.parametrize("params,expected", [
    ({"rule": "kin_stake_decisions"}, {"kin", "old"}),
    ({"region": "530381"}, {"audit"}),
    ({"region": "530000"}, {"kin", "audit", "rotation", "old"}),  # the province holds every district
    ({"department": "QJ-GA"}, {"kin", "old"}),
    ({"min_score": "61"}, {"kin", "audit", "old"}),  # the API lists inactive alerts unless asked not to
    ({"min_score": "60.5", "active": "true"}, {"kin", "audit"}),
    ({"status": "dismissed"}, {"old"}),
    ({"active": "false"}, {"old"}),
])
def test_filters(client_for, alerts, params, expected):
    response = client_for("admin").get("/api/alerts/", params)
    assert response.status_code == 200
    names = {getattr(alerts, n).pk: n for n in ("kin", "audit", "rotation", "old")}
    assert {names[pk] for pk in ids(response)} == expected


@pytest.mark.parametrize("params", [{"min_score": "high"}, {"min_score": "nan"}, {"status": "open"},
                                    {"active": "maybe"}])
def test_unreadable_filters_are_a_400(client_for, alerts, params):
    response = client_for("admin").get("/api/alerts/", params)
    assert response.status_code == 400
    assert set(response.json()) == set(params)


def test_no_decision_is_made_through_reading(client_for, alerts):
    client_for("admin").get(f"/api/alerts/{alerts.kin.pk}/")
    assert not Decision.objects.exists()
