"""`qinqing demo-users`: one login per role for a demonstration, attached to real registry rows.

Each run creates or refreshes the accounts `demo_<role>` with new random passwords, shown once (or
written to a 0600 file). Attachments are picked deterministically from the imported data, so the same
registry always gives the same department, official and firm.
"""

from __future__ import annotations

import os
import secrets
import unicodedata
from dataclasses import dataclass
from pathlib import Path

from django.core.management.base import BaseCommand, CommandError, CommandParser
from django.db import transaction
from django.db.models import Count, Q

from qinqing.accounts.models import User
from qinqing.accounts.roles import Role
from qinqing.accounts.scoping import department_subtree
from qinqing.registry.models import Department, Enterprise, Official, Post

USERNAME_PREFIX = "demo_"
# No look-alike characters (0/o, 1/l/i): passwords are read off a screen and typed.
_ALPHABET = "abcdefghjkmnpqrstuvwxyz23456789"


def new_password() -> str:
    return "-".join("".join(secrets.choice(_ALPHABET) for _ in range(4)) for _ in range(3))


@dataclass(frozen=True)
class Attachments:
    """The registry rows the demo accounts belong to."""

    bureau: Department
    handler: Official  # works in `bureau`, for the department officer
    liaison: Official  # for the liaison leader
    enterprise: Enterprise  # for the enterprise user

    def for_role(self, role: Role) -> dict[str, Department | Official | Enterprise]:
        if role == Role.DEPT_OFFICER:
            return {"department": self.bureau, "official": self.handler}
        if role == Role.LIAISON_LEADER:
            return {"official": self.liaison}
        if role == Role.ENTERPRISE_USER:
            return {"enterprise": self.enterprise}
        return {}


def most_populous_bureau() -> Department:
    """The police bureau with the most current posts in its subtree (any bureau, then any unit, if none)."""
    departments = Department.objects.order_by("code")
    candidates = (
        list(departments.filter(level="bureau", sector="police"))
        or list(departments.filter(level="bureau"))
        or list(departments)
    )
    per_unit = dict(
        Post.objects.filter(end_date__isnull=True)
        .values("department_id").annotate(n=Count("pk")).values_list("department_id", "n")
    )

    def staff(dept: Department) -> int:
        return sum(per_unit.get(code, 0) for code in department_subtree(dept.code))

    return min(candidates, key=lambda d: (-staff(d), d.code))


def handler_in(bureau: Department) -> Official | None:
    """An official currently posted in `bureau`'s subtree, preferring one who leads nothing there and
    handles the most enterprise matters; the bureau's leader when it has nobody else."""
    # The filter comes before the annotation, so `leads` counts only the posts inside the bureau.
    posted = Official.objects.filter(
        posts__end_date__isnull=True, posts__department_id__in=department_subtree(bureau.code)
    )
    ranked = posted.annotate(
        leads=Count("posts", filter=Q(posts__is_top_leader=True), distinct=True),
        handled=Count("handled_applications", distinct=True),
    ).order_by("leads", "-handled", "official_id")
    return ranked.first()


def liaison_leader() -> Official:
    """The official assigned to the most firms (包保), else a current top leader, else anyone."""
    by_firms = (
        Official.objects.annotate(firms=Count("liaisons", filter=Q(liaisons__end_date__isnull=True)))
        .filter(firms__gt=0)
        .order_by("-firms", "official_id")
        .first()
    )
    if by_firms:
        return by_firms
    post = Post.objects.filter(end_date__isnull=True).order_by("-is_top_leader", "official_id").first()
    return post.official if post else Official.objects.order_by("official_id").first()


def demo_enterprise() -> Enterprise:
    """The active firm with the most enterprise matters (any firm when none is active)."""
    firms = Enterprise.objects.annotate(matters=Count("applications")).order_by("-matters", "uscc")
    return firms.filter(status="active").first() or firms.first()


def pick_attachments() -> Attachments:
    needed = {"departments": Department, "officials": Official, "enterprises": Enterprise}
    missing = [label for label, model in needed.items() if not model.objects.exists()]
    if missing:
        raise CommandError(
            f"The registry has no {', '.join(missing)}: import data first "
            "(`qinqing import PATH`, or `scripts/demo` for the demonstration city)."
        )
    bureau = most_populous_bureau()
    return Attachments(
        bureau=bureau,
        handler=handler_in(bureau) or liaison_leader(),
        liaison=liaison_leader(),
        enterprise=demo_enterprise(),
    )


def describe(attached: dict[str, Department | Official | Enterprise]) -> str:
    return "; ".join(f"{kind} {obj.name} ({obj.pk})" for kind, obj in attached.items()) or "-"


def display_width(text: str) -> int:
    return sum(2 if unicodedata.east_asian_width(ch) in "WF" else 1 for ch in text)


def format_table(rows: list[tuple[str, ...]]) -> str:
    """A plain-text table that lines up in a terminal, Chinese characters counting double."""
    widths = [max(display_width(row[i]) for row in rows) for i in range(len(rows[0]))]
    lines = []
    for n, row in enumerate(rows):
        cells = [cell + " " * (width - display_width(cell)) for cell, width in zip(row, widths, strict=True)]
        lines.append("  ".join(cells).rstrip())
        if n == 0:
            lines.append("  ".join("-" * w for w in widths))
    return "\n".join(lines) + "\n"


def write_private(path: Path, text: str) -> None:
    """Write `text` readable by the owner only, also when the file already existed."""
    path.parent.mkdir(parents=True, exist_ok=True)
    fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o600)
    os.fchmod(fd, 0o600)
    with os.fdopen(fd, "w", encoding="utf-8") as out:
        out.write(text)


@transaction.atomic
def refresh_demo_users(attachments: Attachments) -> list[tuple[str, Role, str, dict[str, object]]]:
    """Create or update `demo_<role>` for every role with a new password; returns what was set.

    One save per account, so the audit log (written on every save) shows one create or update each.
    """
    made = []
    for role in Role:
        attached = attachments.for_role(role)
        username = f"{USERNAME_PREFIX}{role.value}"
        user = User.objects.filter(username=username).first() or User(username=username)
        user.role = role
        user.official = attached.get("official")
        user.department = attached.get("department")
        user.enterprise = attached.get("enterprise")
        # A login that is an official shows that official's name; the others show their username.
        user.display_name = user.official.name if user.official else ""
        user.is_active = True
        user.is_staff = user.is_superuser = role == Role.ADMIN  # the Django admin, for the administrator
        password = new_password()
        user.set_password(password)
        user.full_clean()
        user.save()
        made.append((user.username, role, password, attached))
    return made


class Command(BaseCommand):
    help = "Create or refresh one demonstration login per role, attached to real registry rows."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument(
            "--password-file", type=Path,
            help="write the logins with their passwords to this file (mode 0600) instead of showing them",
        )

    def handle(self, *args, password_file: Path | None = None, **options) -> None:
        made = refresh_demo_users(pick_attachments())
        header = ("username", "role", "password", "attached to")
        rows = [(name, role.value, password, describe(attached)) for name, role, password, attached in made]
        if password_file:
            write_private(password_file, format_table([header, *rows]))
            hidden = [(name, role, "(in file)", what) for name, role, _, what in rows]
            self.stdout.write(format_table([header, *hidden]), ending="")
            self.stdout.write(f"Passwords written to {password_file} (readable by you only).")
        else:
            self.stdout.write(format_table([header, *rows]), ending="")
            self.stdout.write("These passwords are shown once; run `qinqing demo-users` again for new ones.")
