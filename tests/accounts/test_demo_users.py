"""`qinqing demo-users`: one working login per role, attached to real rows, passwords shown once."""

from __future__ import annotations

import datetime as dt
import io
import re
import stat

import pytest
from django.contrib.auth import authenticate
from django.core.management import CommandError, call_command

from qinqing.accounts.roles import Role


def run(*args: str) -> str:
    out = io.StringIO()
    call_command("demo_users", *args, stdout=out)
    return out.getvalue()


def passwords_in(table: str) -> dict[str, str]:
    """username -> password, read back from the printed table."""
    found = {}
    for line in table.splitlines():
        cells = re.split(r"\s{2,}", line.strip())
        if cells and cells[0].startswith("demo_"):
            found[cells[0]] = cells[2]
    return found


def test_every_role_gets_a_login_whose_printed_password_works(world):
    from qinqing.accounts.models import User

    passwords = passwords_in(run())

    assert set(passwords) == {f"demo_{role.value}" for role in Role}
    for role in Role:
        username = f"demo_{role.value}"
        user = authenticate(username=username, password=passwords[username])
        assert user is not None, username
        assert user.role == role
    assert User.objects.get(username="demo_admin").is_staff
    assert not User.objects.get(username="demo_commission_analyst").is_staff


def test_attachments_come_from_the_registry(world):
    from qinqing.accounts.models import User
    from qinqing.service.models import Application, Liaison, ServiceItem

    item = ServiceItem.objects.create(item_code="GA-01", name="爆破作业许可", department=world.police,
                                      time_limit_days=20)
    Application.objects.create(application_id="A1", item=item, enterprise=world.mine, handler=world.official,
                               submitted_at=dt.datetime(2024, 3, 1, tzinfo=dt.UTC), status="completed")
    Liaison.objects.create(enterprise=world.other_firm, official=world.other_official,
                           role="county_leader", start_date=dt.date(2023, 1, 1))

    run()

    officer = User.objects.get(username="demo_dept_officer")
    assert officer.department == world.police  # the only police bureau, not its section nor the audit bureau
    assert officer.official == world.official  # the one official posted under it
    assert str(officer) == world.official.name
    assert User.objects.get(username="demo_liaison_leader").official == world.other_official  # has a firm
    assert User.objects.get(username="demo_enterprise_user").enterprise == world.mine  # has a matter


def test_rerun_refreshes_passwords_without_duplicating_users(world):
    from qinqing.accounts.models import User

    first = passwords_in(run())
    second = passwords_in(run())

    assert User.objects.filter(username__startswith="demo_").count() == len(Role)
    name = "demo_case_officer"
    assert first[name] != second[name]
    assert authenticate(username=name, password=first[name]) is None
    assert authenticate(username=name, password=second[name]) is not None


def test_password_file_is_private_and_passwords_stay_off_the_screen(world, tmp_path):
    target = tmp_path / "logins.txt"

    shown = run("--password-file", str(target))

    written = passwords_in(target.read_text())
    assert stat.S_IMODE(target.stat().st_mode) == 0o600
    assert len(written) == len(Role)
    assert all(password not in shown for password in written.values())
    assert authenticate(username="demo_admin", password=written["demo_admin"]) is not None


def test_account_changes_are_audited(world):
    from qinqing.audit.models import AuditEvent

    run()
    run()

    actions = list(AuditEvent.objects.filter(object_type="accounts.user").values_list("action", flat=True))
    assert actions == ["create"] * len(Role) + ["update"] * len(Role)


@pytest.mark.django_db
def test_empty_registry_fails_with_a_clear_message():
    with pytest.raises(CommandError, match=r"no departments, officials, enterprises: import data first"):
        run()
