"""The audit page is for administrators only; every ORM change and sign-in becomes a chained event."""

from __future__ import annotations

import pytest
from django.urls import reverse

from qinqing.audit.models import AuditEvent
from qinqing.audit.services import verify
from tests.conftest import PASSWORD, ROLES

pytestmark = pytest.mark.django_db


@pytest.mark.parametrize("role", ROLES)
def test_audit_page_only_for_administrators(role, client, users):
    client.force_login(users[role])
    listing = client.get(reverse("audit:events"))
    check = client.post(reverse("audit:verify"))
    expected = 200 if role == "admin" else 403
    assert (listing.status_code, check.status_code) == (expected, expected)
    if role == "admin":
        assert "The chain is intact." in check.content.decode() or "链" in check.content.decode()


def test_audit_page_anonymous_is_sent_to_login(client):
    assert client.get(reverse("audit:events")).status_code == 302
    assert client.post(reverse("audit:verify")).status_code == 302


def test_verify_page_reports_an_edited_event(client, users):
    client.force_login(users["admin"])
    AuditEvent.objects.filter(seq=1).update(detail={"forged": True})
    client.cookies["django_language"] = "en"
    body = client.post(reverse("audit:verify")).content.decode()
    assert "#1 (edited)" in body


def test_orm_changes_are_audited_with_field_names_but_no_values(world):
    from qinqing.registry.models import Official

    official = Official.objects.get(pk=world.official.pk)
    before = AuditEvent.objects.count()
    official.name = "崔永新"
    official.save()
    official.save()  # nothing changed: no event
    event = AuditEvent.objects.order_by("-seq").first()
    assert AuditEvent.objects.count() == before + 1
    assert (event.action, event.object_type, event.object_id) == ("update", "registry.official", official.pk)
    assert event.detail == {"fields": ["name"]}
    assert "崔永" not in str(event.detail)
    official.delete()
    assert AuditEvent.objects.order_by("-seq").first().action == "delete"
    assert verify()[1] == []


def test_changes_made_in_a_request_name_the_acting_user(client, users, world):
    from qinqing.audit.context import acting_as
    from qinqing.registry.models import Department

    with acting_as(users["admin"]):
        Department.objects.filter(pk=world.audit.pk).first().save(update_fields=None)
        dept = Department.objects.get(pk=world.audit.pk)
        dept.name = "曲靖市审计局（新）"
        dept.save()
    event = AuditEvent.objects.order_by("-seq").first()
    assert (event.actor_id, event.actor_role) == (users["admin"].pk, "admin")


def test_sign_in_and_failed_sign_in_are_audited_without_the_attempted_name(client, users):
    AuditEvent.objects.all().delete()
    assert client.login(username="u_case_officer", password=PASSWORD)
    assert not client.login(username="someone-typed-this", password="wrong")
    actions = list(AuditEvent.objects.order_by("seq").values_list("action", flat=True))
    assert actions[-2:] == ["login", "login_failed"]
    assert "someone-typed-this" not in str(list(AuditEvent.objects.values_list("detail", "object_id")))
