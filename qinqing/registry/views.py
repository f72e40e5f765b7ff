"""Registry pages: officials, departments and enterprises; lists are filterable and keyset-paginated.

Views stay thin: rows come from `accounts.scoping` (403 when the role may not see the model at all,
404 for a row outside the user's scope), reads from `selectors`, and viewing a person's record is
written to the audit log.
"""

from __future__ import annotations

from django.contrib.auth.decorators import login_required
from django.http import HttpRequest, HttpResponse, JsonResponse
from django.shortcuts import render
from django.urls import reverse
from django.utils.cache import patch_vary_headers
from django.views.decorators.http import require_GET

from qinqing.accounts import scoping
from qinqing.audit.services import record_view
from qinqing.registry import links, selectors
from qinqing.registry.forms import DepartmentFilter, EnterpriseFilter, GraphDepth, OfficialFilter
from qinqing.registry.models import Department, Enterprise, Official, Post
from qinqing.registry.pagination import capped_count, keyset_page

DETAIL_ROWS = 200  # rows of one kind on a detail page; the lists behind the links have the rest
GRAPH_DEFAULT_LAYERS = 3


def _is_partial(request: HttpRequest) -> bool:
    # htmx swaps only the results when a filter changes; restoring history needs the whole page.
    headers = request.headers
    return headers.get("HX-Request") == "true" and not headers.get("HX-History-Restore-Request")


def _render_list(request: HttpRequest, template: str, partial: str, context: dict) -> HttpResponse:
    response = render(request, partial if _is_partial(request) else template, context)
    patch_vary_headers(response, ["HX-Request"])  # a cache must not hand the fragment to a full load
    return response


def _filters(form) -> dict:
    """The fields that validated: a bad region code is ignored (and shown as an error), not fatal."""
    form.is_valid()
    return {k: v for k, v in form.cleaned_data.items() if v not in (None, "")}


def _page(request: HttpRequest, qs, order: tuple[str, ...] = ("pk",)):
    return keyset_page(qs, order=order, after=request.GET.get("after"), before=request.GET.get("before"))


# --- Officials


@login_required
@require_GET
def official_list(request: HttpRequest) -> HttpResponse:
    form = OfficialFilter(request.GET)
    filters = _filters(form)
    qs = selectors.filter_officials(scoping.visible(request.user, Official), **filters)
    count = capped_count(qs)
    ordered, order = selectors.by_codepoint(qs, selectors.official_order(**filters))
    page = _page(request, selectors.with_current_posts(request.user, ordered), order)
    return _render_list(request, "registry/official_list.html", "registry/_official_results.html",
                        {"form": form, "page": page, "count": count})


@login_required
@require_GET
def official_detail(request: HttpRequest, official_id: str) -> HttpResponse:
    official = scoping.scoped_get(request.user, Official, pk=official_id)
    dossier = links.official_dossier(request.user, official)
    # Who looked at whose record is itself evidence (a leaking insider); the log holds ids only.
    record_view(request.user, official)
    for relative in dossier["relatives"]:
        record_view(request.user, relative)
    return render(request, "registry/official_detail.html", {"official": official, **dossier})


# --- Departments


@login_required
@require_GET
def department_list(request: HttpRequest) -> HttpResponse:
    """Without filters, the tree from its roots (expanded in place); with filters, a flat list."""
    departments = scoping.visible(request.user, Department)
    form = DepartmentFilter(request.GET)
    tree = not form.is_filtering()
    filters = {} if tree else _filters(form)
    if tree:
        qs, count = departments.filter(parent__isnull=True), None
    else:
        qs = selectors.filter_departments(departments, **filters)
        count = capped_count(qs)
    ordered, order = selectors.by_codepoint(qs.select_related("parent"), selectors.department_order(**filters))
    page = _page(request, selectors.with_has_children(ordered), order)
    context = {"form": form, "page": page, "tree": tree, "count": count}
    return _render_list(request, "registry/department_list.html", "registry/_department_results.html",
                        context)


@login_required
@require_GET
def department_children(request: HttpRequest, code: str) -> HttpResponse:
    """The next level of the tree under one unit: a fragment htmx inserts below it."""
    department = scoping.scoped_get(request.user, Department, pk=code)
    qs = selectors.with_has_children(scoping.visible(request.user, Department).filter(parent=department))
    return render(request, "registry/_department_nodes.html",
                  {"page": _page(request, qs), "parent": department})


@login_required
@require_GET
def department_detail(request: HttpRequest, code: str) -> HttpResponse:
    user = request.user
    department = scoping.scoped_get(user, Department, pk=code)
    children = selectors.with_has_children(scoping.visible(user, Department).filter(parent=department))
    context = {
        "department": department,
        "ancestors": selectors.ancestors(department),
        "children": keyset_page(children, size=DETAIL_ROWS),  # "More…" fetches the rest in place
        "children_count": capped_count(children),
        "posts": None,
    }
    if scoping.may_view(user, Post):
        posts = selectors.current_posts_in(user, department)
        context["posts"] = list(posts[:DETAIL_ROWS])
        context["posts_count"] = capped_count(posts)
        context["top_leaders"] = [p for p in context["posts"] if p.is_top_leader]
    return render(request, "registry/department_detail.html", context)


# --- Enterprises


@login_required
@require_GET
def enterprise_list(request: HttpRequest) -> HttpResponse:
    form = EnterpriseFilter(request.GET)
    filters = _filters(form)
    qs = selectors.filter_enterprises(scoping.visible(request.user, Enterprise), **filters)
    page = _page(request, *selectors.by_codepoint(qs, selectors.enterprise_order(**filters)))
    return _render_list(request, "registry/enterprise_list.html", "registry/_enterprise_results.html",
                        {"form": form, "page": page, "count": capped_count(qs)})


@login_required
@require_GET
def enterprise_detail(request: HttpRequest, uscc: str) -> HttpResponse:
    user = request.user
    enterprise = scoping.scoped_get(user, Enterprise, pk=uscc)
    holders = list(selectors.shareholders(user, enterprise)[:DETAIL_ROWS])
    holdings = list(selectors.holdings_of(user, enterprise)[:DETAIL_ROWS])
    firm_keys = [h.holder_id for h in holders if h.holder_type == "enterprise" and h.holder_id]
    firm_keys += [h.enterprise_id for h in holdings]
    context = {
        "enterprise": enterprise,
        "holders": holders,
        "holdings": holdings,
        "roles": list(selectors.enterprise_roles(user, enterprise)[:DETAIL_ROWS]),
        "linkable": selectors.visible_keys(user, Enterprise, firm_keys),
        "graph_url": reverse("registry:enterprise_graph", args=[enterprise.pk]),
        "layers": range(1, 7),
        "up": _layers(request, "up"),
        "down": _layers(request, "down"),
    }
    return render(request, "registry/enterprise_detail.html", context)


def _layers(request: HttpRequest, direction: str) -> int:
    form = GraphDepth(request.GET)
    form.is_valid()
    value = form.cleaned_data.get(direction)
    return GRAPH_DEFAULT_LAYERS if value is None else value


@login_required
@require_GET
def enterprise_graph(request: HttpRequest, uscc: str) -> JsonResponse:
    """Owners and holdings around a firm as Cytoscape elements; firm nodes link to pages the user may open."""
    user = request.user
    enterprise = scoping.scoped_get(user, Enterprise, pk=uscc)
    up, down = _layers(request, "up"), _layers(request, "down")
    graph = selectors.ownership_graph(user, enterprise, up=up, down=down)
    firms = [n["data"] for n in graph["nodes"] if n["data"]["kind"] == "firm"]
    linkable = selectors.visible_keys(user, Enterprise, [f["uscc"] for f in firms])
    for firm in firms:
        key = firm["uscc"]
        firm["url"] = reverse("registry:enterprise", args=[key]) if key in linkable else None
    return JsonResponse(graph)
