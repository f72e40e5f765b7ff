"""POST /api/token/: a username and password buy a token; the token reads the API with the user's scope."""

from __future__ import annotations

from tests.conftest import PASSWORD


def test_token_is_issued_for_valid_credentials_and_reused(client_for, users):
    client = client_for(None)
    first = client.post("/api/token/", {"username": "u_admin", "password": PASSWORD}, format="json")
    second = client.post("/api/token/", {"username": "u_admin", "password": PASSWORD}, format="json")
    assert first.status_code == 200
    assert first.json()["token"] == second.json()["token"]


def test_wrong_password_unknown_user_and_inactive_user_get_the_same_400(client_for, users):
    users["case_officer"].is_active = False
    users["case_officer"].save()
    client = client_for(None)
    answers = [
        client.post("/api/token/", {"username": "u_admin", "password": "wrong-password-1"}, format="json"),
        client.post("/api/token/", {"username": "nobody", "password": PASSWORD}, format="json"),
        client.post("/api/token/", {"username": "u_case_officer", "password": PASSWORD}, format="json"),
    ]
    assert {a.status_code for a in answers} == {400}
    assert len({a.content for a in answers}) == 1
    assert all("token" not in a.json() for a in answers)


def test_token_endpoint_accepts_only_post(client_for, users):
    assert client_for(None).get("/api/token/").status_code == 405


def test_obtaining_a_token_is_audited_without_the_username(client_for, users):
    from qinqing.audit.models import AuditEvent

    client_for(None).post("/api/token/", {"username": "u_org_officer", "password": PASSWORD}, format="json")
    event = AuditEvent.objects.get(action="login")
    assert event.actor_id == users["org_officer"].pk
    assert event.detail == {"via": "api_token"}
    assert "u_org_officer" not in str(event.detail)


def test_token_authentication_reads_the_api_within_the_users_scope(client_for, world):
    client = client_for(None)
    token = client.post("/api/token/", {"username": "u_enterprise_user", "password": PASSWORD},
                        format="json").json()["token"]
    client.credentials(HTTP_AUTHORIZATION=f"Token {token}")
    response = client.get("/api/enterprises/")
    assert response.status_code == 200
    assert [row["uscc"] for row in response.json()["results"]] == [world.other_firm.uscc]
    assert client.get("/api/officials/").status_code == 403


def test_bad_token_is_refused(client_for, users):
    client = client_for(None)
    client.credentials(HTTP_AUTHORIZATION="Token " + "0" * 40)
    assert client.get("/api/departments/").status_code in {401, 403}


def test_deactivated_users_token_stops_working(client_for, users):
    from rest_framework.authtoken.models import Token

    token = Token.objects.create(user=users["admin"])
    users["admin"].is_active = False
    users["admin"].save()
    client = client_for(None)
    client.credentials(HTTP_AUTHORIZATION=f"Token {token.key}")
    assert client.get("/api/departments/").status_code in {401, 403}
