"""The Django admin is for administrators (staff accounts) only."""

from __future__ import annotations

import pytest
from django.urls import reverse

from tests.conftest import ROLES

pytestmark = pytest.mark.django_db


@pytest.mark.parametrize("role", ROLES)
def test_admin_site_only_for_staff_administrators(role, client, users):
    user = users[role]
    if role == "admin":
        user.is_staff = user.is_superuser = True
        user.save()
    client.force_login(user)
    for url in (reverse("admin:index"), reverse("admin:accounts_user_changelist"),
                reverse("admin:core_calendarday_changelist")):
        response = client.get(url)
        if role == "admin":
            assert response.status_code == 200, url
        else:
            assert response.status_code == 302 and "/admin/login/" in response["Location"], url


def test_admin_can_change_a_users_role_and_it_is_audited(client, users):
    from qinqing.audit.models import AuditEvent

    admin_user = users["admin"]
    admin_user.is_staff = admin_user.is_superuser = True
    admin_user.save()
    client.force_login(admin_user)
    target = users["service_agent"]
    url = reverse("admin:accounts_user_change", args=[target.pk])
    form = client.get(url).context["adminform"].form
    data = {k: v for k, v in form.initial.items() if v is not None and k not in ("password", "groups",
                                                                                 "user_permissions")}
    data.update({"role": "case_officer", "date_joined_0": "2025-01-01", "date_joined_1": "00:00:00",
                 "last_login_0": "", "last_login_1": ""})
    response = client.post(url, data)
    assert response.status_code == 302, response.content.decode()[:2000]
    target.refresh_from_db()
    assert target.role == "case_officer"
    event = AuditEvent.objects.filter(action="update", object_type="accounts.user").order_by("-seq").first()
    assert event.object_id == str(target.pk) and "role" in event.detail["fields"]
    assert event.actor_id == admin_user.pk
