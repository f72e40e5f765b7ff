"""The alert queue for analysts: filter and page through alerts, read one with its evidence, decide on it.

Views stay thin: alerts come from `accounts.scoping` (403 when the role may not see alerts at all, 404
for one outside the user's scope, including an alert about the user themselves), reads from
`selectors`, the decision from `services.decide`; opening an alert is written to the audit log.
"""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils.cache import patch_vary_headers
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_GET, require_POST

from qinqing.accounts import scoping
from qinqing.accounts.roles import Capability
from qinqing.audit.services import record_view
from qinqing.registry.pagination import capped_count, keyset_page
from qinqing.risk import catalog, display, selectors, services
from qinqing.risk.forms import AlertFilter, DecisionForm
from qinqing.risk.models import Alert, Decision


def _is_partial(request: HttpRequest) -> bool:
    # htmx swaps only the results when a filter changes; restoring history needs the whole page.
    headers = request.headers
    return headers.get("HX-Request") == "true" and not headers.get("HX-History-Restore-Request")


@login_required
@require_GET
def queue(request: HttpRequest) -> HttpResponse:
    alerts = scoping.visible(request.user, Alert)
    form = AlertFilter(request.GET, rules=selectors.rule_choices(alerts),
                       regions=selectors.region_choices(alerts))
    form.is_valid()  # a bad value is shown as an error and ignored, not fatal
    filters = {k: v for k, v in form.cleaned_data.items() if v not in (None, "")}
    qs = selectors.filter_alerts(alerts, **filters)
    ordered, order = selectors.queue_order(qs)
    page = keyset_page(ordered, order=order, after=request.GET.get("after"), before=request.GET.get("before"))
    selectors.with_unit_names(page.items)
    context = {"form": form, "page": page, "count": capped_count(qs)}
    if _is_partial(request):
        response = render(request, "risk/_alert_results.html", context)
    else:
        context["precision"] = selectors.rule_precision(alerts)
        response = render(request, "risk/alert_queue.html", context)
    patch_vary_headers(response, ["HX-Request"])  # a cache must not hand the fragment to a full load
    return response


def _detail(request: HttpRequest, alert: Alert, form: DecisionForm | None = None, status: int = 200
            ) -> HttpResponse:
    user = request.user
    facts = display.facts(user, alert.evidence)
    context = {
        "alert": alert,
        "rule": catalog.rules().get(alert.rule),
        "title": display.rule_title(alert.rule),
        "facts": facts,
        "graph": display.graph(facts),
        "entities": display.entities(user, alert, facts),
        "decisions": selectors.decisions(alert),
        "may_decide": user.can(Capability.DECIDE_ALERTS),
        "form": form,
    }
    return render(request, "risk/alert_detail.html", context, status=status)


@login_required
@require_GET
def alert_detail(request: HttpRequest, pk: int) -> HttpResponse:
    alert = scoping.scoped_get(request.user, Alert, pk=pk)
    record_view(request.user, alert)  # who read which alert is itself evidence (a leaking insider)
    return _detail(request, alert)


DONE = {
    Decision.Action.CONFIRM: gettext_lazy("The alert is confirmed."),
    Decision.Action.DISMISS: gettext_lazy("The alert is dismissed."),
    Decision.Action.VERIFY: gettext_lazy("Verification of the alert is requested."),
}


@login_required
@require_POST
def alert_decide(request: HttpRequest, pk: int) -> HttpResponse:
    """Confirm, dismiss (with a reason) or ask for verification; a refusal re-shows the alert with why."""
    if not request.user.can(Capability.DECIDE_ALERTS):
        raise PermissionDenied
    alert = scoping.scoped_get(request.user, Alert, pk=pk)
    form = DecisionForm(request.POST)
    if form.is_valid():
        try:
            decision = services.decide(alert=alert, user=request.user, **form.cleaned_data)
        except services.DecisionError as exc:
            form.add_error(None, _("The decision could not be recorded: %(error)s") % {"error": exc})
        else:
            messages.success(request, DONE[decision.action])
            return redirect("risk:alert", pk=alert.pk)
    return _detail(request, alert, form, status=400)
