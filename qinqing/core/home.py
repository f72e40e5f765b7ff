"""The home page of each role: what that role works on, with real figures, every row through scoping.

`home_context(user)` returns `{"home": {...}}`; `home["kind"]` picks the template section.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable

from django.db.models import Count, Q
from django.urls import NoReverseMatch, reverse
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from qinqing.accounts import scoping
from qinqing.accounts.roles import Capability, Role
from qinqing.registry import selectors
from qinqing.registry.models import (
    Department,
    Enterprise,
    EnterpriseRole,
    Holding,
    Official,
    Post,
    Relative,
)
from qinqing.registry.pagination import capped_count, table_count

# 《党政领导干部交流工作规定》: a leader ten years in the same post must rotate; five years is when
# rotation planning starts looking (the article's audit director had been in post "nearly 10 years").
ROTATION_DUE_YEARS = 10
ROTATION_REVIEW_YEARS = 5
LIST_ROWS = 20

REGISTRY_TABLES: list[tuple[type, str, object]] = [
    (Department, "registry:departments", _("Departments")),
    (Official, "registry:officials", _("Officials")),
    (Post, None, _("Appointments")),
    (Relative, None, _("Declared relatives")),
    (Enterprise, "registry:enterprises", _("Enterprises")),
    (Holding, None, _("Shareholdings")),
    (EnterpriseRole, None, _("Enterprise roles")),
]


def _url(name: str | None, *args: object) -> str | None:
    """A link only to a page that exists: apps still being built simply do not appear yet."""
    if not name:
        return None
    try:
        return reverse(name, args=args)
    except NoReverseMatch:
        return None


def _years_ago(years: int, today: dt.date) -> dt.date:
    try:
        return today.replace(year=today.year - years)
    except ValueError:  # 29 February
        return today.replace(year=today.year - years, day=28)


def registry_counts(user, models: list[type] | None = None) -> list[dict]:
    """Row counts of the registry tables the user may see (estimates for whole tables on PostgreSQL)."""
    rows = []
    for model, url_name, label in REGISTRY_TABLES:
        if (models is not None and model not in models) or not scoping.may_view(user, model):
            continue
        rows.append({"label": label, "count": table_count(scoping.visible(user, model)), "url": _url(url_name)})
    return rows


def current_top_leader_posts(user):
    return (scoping.visible(user, Post).filter(end_date__isnull=True, is_top_leader=True)
            .select_related("official", "department"))


def tenure_summary(user, today: dt.date | None = None) -> dict:
    """Current top leaders 一把手 by years in post, and the longest-serving ones (rotation candidates)."""
    today = today or timezone.localdate()
    posts = current_top_leader_posts(user)
    review, due = _years_ago(ROTATION_REVIEW_YEARS, today), _years_ago(ROTATION_DUE_YEARS, today)
    buckets = posts.aggregate(
        total=Count("pk"),
        review=Count("pk", filter=Q(start_date__lte=review, start_date__gt=due)),
        due=Count("pk", filter=Q(start_date__lte=due)),
    )
    # The index on (department, end_date) narrows to current posts; the oldest start dates come first.
    longest = list(posts.filter(start_date__lte=review).order_by("start_date")[:LIST_ROWS])
    for post in longest:
        post.tenure = selectors.tenure_years(post.start_date, None, today)
        post.rotation_due = post.start_date <= due
    return {**buckets, "longest": longest, "review_years": ROTATION_REVIEW_YEARS,
            "due_years": ROTATION_DUE_YEARS}


def _supervision(user) -> dict:
    """Commission analyst and case officer: the registry to cross-check, and long-tenured top leaders."""
    return {"kind": "supervision", "counts": registry_counts(user), "tenure": tenure_summary(user)}


def _organisation(user) -> dict:
    """Organisation department: top-leader oversight and rotation planning."""
    return {"kind": "organisation", "tenure": tenure_summary(user),
            "counts": registry_counts(user, [Department, Official, Post])}


def _department(user) -> dict:
    """Department officer: the officials of their own unit and the units below it."""
    unit = user.department
    posts = (scoping.visible(user, Post).filter(end_date__isnull=True).select_related("official", "department")
             .order_by("-is_top_leader", "department_id", "start_date"))
    return {
        "kind": "department",
        "unit": unit,
        "top_leaders": list(posts.filter(department=unit, is_top_leader=True)) if unit else [],
        "sub_units": capped_count(scoping.visible(user, Department).filter(parent=unit)) if unit else None,
        "officials": capped_count(scoping.visible(user, Official)),
        "posts": list(posts[:LIST_ROWS]),
    }


def _enterprise(user) -> dict:
    """Enterprise user: their own firm as the registry records it."""
    firm = scoping.visible(user, Enterprise).first()
    if firm is None:
        return {"kind": "enterprise", "firm": None}
    return {
        "kind": "enterprise",
        "firm": firm,
        "holders": capped_count(selectors.shareholders(user, firm)),
        "holdings": capped_count(selectors.holdings_of(user, firm)),
        "roles": capped_count(selectors.enterprise_roles(user, firm)),
    }


def _browse(user) -> dict:
    """Liaison leader and service agent: find the firms and units they work with."""
    return {"kind": "browse", "counts": registry_counts(user, [Department, Enterprise])}


def _admin(user) -> dict:
    """Administrator: what data is loaded, what the last imports did, and the audit log."""
    context: dict = {"kind": "admin", "counts": registry_counts(user), "imports": [], "audit": None,
                     "admin_url": _url("admin:index")}
    if user.can(Capability.VIEW_AUDIT_LOG):
        from qinqing.audit.models import AuditEvent

        since = timezone.now() - dt.timedelta(days=1)
        context["imports"] = list(AuditEvent.objects.filter(action="import").order_by("-seq")[:5])
        context["audit"] = {
            "last": AuditEvent.objects.order_by("-seq").first(),
            "views_today": capped_count(AuditEvent.objects.filter(action="view", at__gte=since)),
            "url": _url("audit:events") or _url("audit:index"),
        }
    return context


_BUILDERS: dict[str, Callable[[object], dict]] = {
    Role.COMMISSION_ANALYST: _supervision,
    Role.CASE_OFFICER: _supervision,
    Role.ORG_OFFICER: _organisation,
    Role.DEPT_OFFICER: _department,
    Role.LIAISON_LEADER: _browse,
    Role.SERVICE_AGENT: _browse,
    Role.ENTERPRISE_USER: _enterprise,
    Role.ADMIN: _admin,
}


def home_context(user) -> dict:
    return {"home": _BUILDERS.get(user.role, _browse)(user)}
