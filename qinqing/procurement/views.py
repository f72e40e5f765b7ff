"""Tender pages 招投标: the tender list, one tender with its bids and flags, a buyer's tenders and winners,
a bidder's bids, wins and co-bidders.

Views stay thin: rows come from `accounts.scoping` (403 when the role may not see tenders at all, 404 for
one outside the user's scope), reads from `selectors`, alerts from `flags` (through the alert policy,
recusal included: a user never sees an alert naming themselves).
"""

from __future__ import annotations

from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.urls import reverse
from django.views.decorators.http import require_GET

from qinqing.accounts import scoping
from qinqing.accounts.roles import Capability
from qinqing.procurement import charts, flags, selectors
from qinqing.procurement.forms import CoBidderTop, TenderFilter
from qinqing.procurement.models import Bid, Tender
from qinqing.registry.models import Department, Enterprise
from qinqing.registry.pagination import capped_count
from qinqing.registry.selectors import visible_keys
from qinqing.registry.views import _filters, _render_list
from qinqing.risk.models import Alert

RECENT_TENDERS = 20  # on the buyer page; the list filtered by buyer has the rest


@login_required
@require_GET
def tender_list(request: HttpRequest) -> HttpResponse:
    user = request.user
    tenders = scoping.visible(user, Tender)
    form = TenderFilter(request.GET, sectors=selectors.sector_choices(),
                        may_see_alerts=scoping.may_view(user, Alert))
    qs = selectors.filter_tenders(user, tenders, **_filters(form)).select_related("buyer")
    page = selectors.newest_first(qs, after=request.GET.get("after"), before=request.GET.get("before"))
    selectors.with_bid_summary(user, page.items)
    context = {
        "form": form,
        "page": page,
        "count": capped_count(qs),
        "flag_counts": flags.counts(user, "tender_id", [t.pk for t in page.items]),
        "may_analyse": user.can(Capability.ANALYSE_TENDERS),
        "linkable": visible_keys(user, Enterprise, {b.bidder_id for t in page.items for b in t.winners}),
    }
    return _render_list(request, "procurement/tender_list.html", "procurement/_tender_results.html", context)


@login_required
@require_GET
def tender_detail(request: HttpRequest, tender_id: str) -> HttpResponse:
    user = request.user
    tender = scoping.scoped_get(user, Tender.objects.select_related("buyer"), pk=tender_id)
    bids = selectors.tender_bids(user, tender)
    context = {
        "tender": tender,
        "bids": bids,
        "linkable": visible_keys(user, Enterprise, [row.bid.bidder_id for row in bids]),
        "may_analyse": user.can(Capability.ANALYSE_TENDERS),
        "alerts": flags.alerts_naming(user, "tender_id", tender.pk),
    }
    return render(request, "procurement/tender_detail.html", context)


@login_required
@require_GET
def buyer_detail(request: HttpRequest, code: str) -> HttpResponse:
    """A unit as buyer 采购人: its tenders per year, who wins them, and the flags naming it."""
    user = request.user
    if not user.can(Capability.ANALYSE_TENDERS):
        raise PermissionDenied
    department = scoping.scoped_get(user, Department, pk=code)
    years = selectors.buyer_years(user, department)
    shares = selectors.winner_shares(user, department)
    flag_years = selectors.flags_per_year(user, department)
    recent = scoping.visible(user, Tender).filter(buyer=department)
    context = {
        "department": department,
        "years": years,
        "shares": shares,
        "flag_years": flag_years,
        "recent": selectors.with_bid_summary(user, list(recent.order_by("-published_at", "-pk")[:RECENT_TENDERS])),
        "tender_count": sum(y.tenders for y in years),
        "alerts": flags.alerts_naming(user, "department_code", department.pk),
        "charts": {
            "years": charts.tenders_per_year(years),
            "shares": charts.winner_shares(shares),
            "flags": charts.flags_per_year(flag_years) if flag_years else None,
        },
    }
    return render(request, "procurement/buyer_detail.html", context)


@login_required
@require_GET
def bidder_detail(request: HttpRequest, uscc: str) -> HttpResponse:
    """A firm as bidder 投标人: bids and wins per buyer, its latest bids, co-bidders and flags."""
    user = request.user
    if not scoping.may_view(user, Bid):
        raise PermissionDenied
    firm = scoping.scoped_get(user, Enterprise, pk=uscc)
    totals = selectors.bidder_totals(user, firm)
    context = {
        "firm": firm,
        "totals": totals,
        "buyers": selectors.bidder_buyers(user, firm),
        "bids": selectors.bidder_bids(user, firm),
        "may_analyse": user.can(Capability.ANALYSE_TENDERS),
        "alerts": flags.alerts_naming(user, "enterprise_uscc", firm.pk),
        "co_bidders": None,
    }
    if context["may_analyse"]:
        form = CoBidderTop(request.GET)
        top = (form.cleaned_data.get("top") if form.is_valid() else None) or selectors.TOP_CO_BIDDERS
        found = selectors.co_bidders(user, firm, top=top)
        context.update(co_bidders=found, top=top, top_form=form,
                       graph=selectors.co_bidder_graph(firm, totals, found,
                                                       lambda key: reverse("procurement:bidder", args=[key])))
    return render(request, "procurement/bidder_detail.html", context)
