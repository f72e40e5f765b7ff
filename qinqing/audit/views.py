"""The audit log for administrators: the newest events first, filterable, and an on-demand chain check."""

from __future__ import annotations

from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.views.decorators.http import require_GET, require_http_methods

from qinqing.accounts.roles import Capability
from qinqing.audit.models import AuditEvent
from qinqing.audit.services import verify

PAGE = 100


def _require(request: HttpRequest) -> None:
    if not request.user.can(Capability.VIEW_AUDIT_LOG):
        raise PermissionDenied


@login_required
@require_GET
def events(request: HttpRequest) -> HttpResponse:
    _require(request)
    qs = AuditEvent.objects.order_by("-seq")
    action = request.GET.get("action", "").strip()
    object_type = request.GET.get("object_type", "").strip()
    if action:
        qs = qs.filter(action=action)
    if object_type:
        qs = qs.filter(object_type=object_type)
    before = request.GET.get("before", "")
    if before.isdigit():
        qs = qs.filter(seq__lt=int(before))
    rows = list(qs[: PAGE + 1])
    more = len(rows) > PAGE
    rows = rows[:PAGE]
    return render(request, "audit/events.html", {
        "events": rows,
        "next_before": rows[-1].seq if more and rows else None,
        "action": action,
        "object_type": object_type,
        "actions": ["view", "create", "update", "delete", "import", "login", "logout", "login_failed"],
        "head": AuditEvent.objects.order_by("-seq").values("seq", "hash").first(),
    })


@login_required
@require_http_methods(["POST"])
def verify_chain(request: HttpRequest) -> HttpResponse:
    """Walks the whole chain; POST because it is an action an administrator starts, and it may be long."""
    _require(request)
    checked, problems = verify()
    return render(request, "audit/verify.html", {"checked": checked, "problems": problems})
