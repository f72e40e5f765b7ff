"""Reads of the registry: search filters and page orders, department and firm details, ownership graphs.

Every function takes querysets already scoped by `accounts.scoping.visible` (or the acting user, and
scopes itself), so the web UI, the API and exports see the same rows. Each is written for a
province-scale database: filters hit indexed columns, related rows come in one batched query.
"""

from __future__ import annotations

import datetime as dt
import hashlib
from collections.abc import Iterable
from decimal import Decimal

from django.db import connection
from django.db.models import Exists, OuterRef, Prefetch, Q, QuerySet
from django.db.models.functions import Collate
from django.utils import timezone

from qinqing.accounts import scoping
from qinqing.core.identifiers import ID_FULL_RE, USCC_RE, is_masked_id
from qinqing.registry.models import Department, Enterprise, EnterpriseRole, Holding, Post


def prefix(field_name: str, text: str, *, code: bool = False) -> Q:
    """Rows whose `field_name` starts with `text`, in a way the column's index can serve.

    `code`: the column holds ASCII codes (region, industry), which sort alike in every collation, so
    a range up to the next code (5303 → 5304) is exact and lets the plain index find and order them.
    """
    cond = Q(**{f"{field_name}__startswith": text})
    if code and text:
        cond &= Q(**{f"{field_name}__gte": text, f"{field_name}__lt": text[:-1] + chr(ord(text[-1]) + 1)})
    elif connection.vendor == "sqlite":
        # SQLite's LIKE is case-insensitive and never uses a plain index; a range on the column does
        # (its BINARY collation is code-point order, so the range is exact).
        cond &= Q(**{f"{field_name}__gte": text, f"{field_name}__lt": text + "\U0010ffff"})
    return cond


def by_codepoint(qs: QuerySet, order: tuple[str, ...]) -> tuple[QuerySet, tuple[str, ...]]:
    """Sort names in code-point order on every database (SQLite's default; PostgreSQL's "C").

    On PostgreSQL this also sidesteps a LIMIT trap: ordered by `name` in the database collation, the
    planner walks the whole name index hoping to meet the prefix's rows soon (seconds on two million
    firms); ordered by `name COLLATE "C"`, it gathers the matches through the prefix index and sorts.
    """
    if connection.vendor != "postgresql" or "name" not in order:
        return qs, order
    qs = qs.annotate(name_codepoint=Collate("name", "C"))
    return qs, tuple("name_codepoint" if f == "name" else f for f in order)


def region_prefix(code: str) -> str:
    """GB/T 2260 codes nest: 530000 Yunnan ⊃ 530300 Qujing ⊃ 530302 Qilin; trailing 00 pairs mean "all"."""
    code = code.strip()
    while len(code) > 2 and code.endswith("00"):
        code = code[:-2]
    return code


def today() -> dt.date:
    return timezone.localdate()


# --- Officials 公职人员


def filter_officials(qs: QuerySet, *, q: str = "", department: str = "", rank: str = "",
                     top_leader: bool = False, **_: object) -> QuerySet:
    """Officials by name prefix, official id or ID number; by current unit (with sub-units), rank, 一把手."""
    q = q.strip()
    if q:
        if ID_FULL_RE.match(q.upper()):
            qs = qs.filter(id_number=q.upper())
        else:
            qs = qs.filter(Q(pk=q) | prefix("name", q))
    if rank:
        qs = qs.filter(rank=rank)
    if department or top_leader:
        # EXISTS rather than a join: no duplicate rows, so no DISTINCT over 200k officials.
        current = Post.objects.filter(official=OuterRef("pk"), end_date__isnull=True)
        if department:
            current = current.filter(department_id__in=scoping.department_subtree(department))
        if top_leader:
            current = current.filter(is_top_leader=True)
        qs = qs.filter(Exists(current))
    return qs


def official_order(*, q: str = "", **_: object) -> tuple[str, ...]:
    """Page order for an officials search: by name when searching names (the name index then serves
    the filter and the order at once), by official id otherwise."""
    return ("name", "pk") if _is_name_search(q) else ("pk",)


def _is_name_search(q: str) -> bool:
    q = q.strip().upper()
    return bool(q) and not ID_FULL_RE.match(q) and not USCC_RE.match(q)


def with_current_posts(user, qs: QuerySet) -> QuerySet:
    """Attach `current_posts` (scoped, with their units) to each official in one extra query."""
    posts = scoping.visible(user, Post).filter(end_date__isnull=True).select_related("department")
    return qs.prefetch_related(Prefetch("posts", queryset=posts, to_attr="current_posts"))


def tenure_years(start: dt.date, end: dt.date | None, as_of: dt.date | None = None) -> float:
    """Years in post, one decimal: what rotation rules (交流任职) are measured in."""
    days = ((end or as_of or today()) - start).days
    return round(max(days, 0) / 365.25, 1)


# --- Departments 机关/单位


def filter_departments(qs: QuerySet, *, q: str = "", sector: str = "", level: str = "", region: str = "",
                       **_: object) -> QuerySet:
    q = q.strip()
    if q:
        qs = qs.filter(Q(pk=q) | prefix("name", q))
    if sector:
        qs = qs.filter(sector=sector)
    if level:
        qs = qs.filter(level=level)
    if region:
        qs = qs.filter(prefix("region_code", region_prefix(region), code=True))
    return qs


def department_order(*, q: str = "", **_: object) -> tuple[str, ...]:
    return ("name", "pk") if _is_name_search(q) else ("pk",)


def with_has_children(qs: QuerySet) -> QuerySet:
    # EXISTS per row of a page is cheaper than COUNT(children) grouped over the whole filtered set.
    return qs.annotate(has_children=Exists(Department.objects.filter(parent=OuterRef("pk"))))


def ancestors(department: Department, limit: int = 20) -> list[Department]:
    """Units above `department`, top first; bounded so a bad import with a parent loop cannot hang."""
    chain: list[Department] = []
    node = department
    while node.parent_id and len(chain) < limit:
        node = Department.objects.only("code", "name", "parent_id").get(pk=node.parent_id)
        chain.append(node)
    return chain[::-1]


def current_posts_in(user, department: Department) -> QuerySet:
    """Current appointments in one unit, top leaders first."""
    return (scoping.visible(user, Post).filter(department=department, end_date__isnull=True)
            .select_related("official").order_by("-is_top_leader", "start_date"))


# --- Enterprises 市场主体


def filter_enterprises(qs: QuerySet, *, q: str = "", contains: bool = False, industry: str = "",
                       region: str = "", status: str = "", **_: object) -> QuerySet:
    """Firms by USCC, name prefix (indexed) or name substring (a scan: opt-in), industry, region, status."""
    q = q.strip()
    if q:
        if USCC_RE.match(q.upper()):
            qs = qs.filter(pk=q.upper())
        elif contains:
            qs = qs.filter(name__contains=q)
        else:
            qs = qs.filter(prefix("name", q))
    if industry:
        qs = qs.filter(prefix("industry", industry.strip().upper(), code=True))
    if region:
        qs = qs.filter(prefix("region_code", region_prefix(region), code=True))
    if status:
        qs = qs.filter(status=status)
    return qs


def enterprise_order(*, q: str = "", contains: bool = False, industry: str = "", region: str = "",
                     **_: object) -> tuple[str, ...]:
    """Page order for a firms search: by the column whose index finds the matches, so a page costs
    fifty index entries however many firms match (a USCC order would sort every match first)."""
    if _is_name_search(q) and not contains:
        return ("name", "pk")
    if region:
        return ("region_code", "pk")
    if industry:
        return ("industry", "pk")
    return ("pk",)


def current_holding(as_of: dt.date | None = None) -> Q:
    return Q(end_date__isnull=True) | Q(end_date__gt=as_of or today())


def shareholders(user, enterprise: Enterprise) -> QuerySet:
    """Who holds `enterprise`, current stakes first, largest first."""
    return (scoping.visible(user, Holding).filter(enterprise=enterprise)
            .order_by("end_date", "-share_ratio", "holder_name"))


def holdings_of(user, enterprise: Enterprise) -> QuerySet:
    """Stakes `enterprise` holds in other firms (matched by its USCC as holder id)."""
    return (scoping.visible(user, Holding).filter(holder_type="enterprise", holder_id=enterprise.pk)
            .select_related("enterprise").order_by("end_date", "-share_ratio"))


def enterprise_roles(user, enterprise: Enterprise) -> QuerySet:
    return scoping.visible(user, EnterpriseRole).filter(enterprise=enterprise).order_by("role", "person_name")


def visible_keys(user, model: type, keys: Iterable[str]) -> set[str]:
    """Which of `keys` the user may open, in one query: links are drawn only to pages that will answer."""
    keys = list(keys)
    if not keys or not scoping.may_view(user, model):
        return set()
    return set(scoping.visible(user, model).filter(pk__in=keys).values_list("pk", flat=True))


# --- Ownership graph 股权穿透

GRAPH_MAX_NODES = 150
GRAPH_MAX_LAYERS = 6


class _Graph:
    """Nodes and edges in Cytoscape's element format, refusing new nodes past a bound."""

    def __init__(self, max_nodes: int) -> None:
        self.max_nodes = max_nodes
        self.nodes: dict[str, dict] = {}
        self.edges: dict[str, dict] = {}
        self.truncated = False

    def _add(self, node_id: str, data: dict) -> str | None:
        if node_id in self.nodes:
            return node_id
        if len(self.nodes) >= self.max_nodes:
            self.truncated = True
            return None
        self.nodes[node_id] = {"id": node_id, **data}
        return node_id

    def firm(self, uscc: str, name: str, layer: int, *, root: bool = False) -> str | None:
        data = {"label": name, "kind": "firm", "uscc": uscc, "layer": layer, "root": root}
        return self._add(f"e:{uscc}", data)

    def person(self, name: str, holder_id: str | None, row: int, layer: int) -> str | None:
        # The node id must not carry an ID number into the page, so it is a digest of what identifies
        # the person here: a full number; a masked number with the name; or, with no number, the row
        # itself (a name alone never merges two people).
        if holder_id and not is_masked_id(holder_id):
            key = holder_id
        elif holder_id:
            key = f"{holder_id}|{name}"
        else:
            key = f"row:{row}"
        digest = hashlib.sha256(key.encode()).hexdigest()[:16]
        return self._add(f"p:{digest}", {"label": name, "kind": "person", "layer": layer, "root": False})

    def edge(self, holding_id: int, source: str, target: str, ratio: Decimal | None) -> None:
        self.edges[f"h{holding_id}"] = {
            "id": f"h{holding_id}", "source": source, "target": target,
            "ratio": float(ratio) if ratio is not None else None, "label": percent(ratio),
        }

    def elements(self) -> dict:
        return {"nodes": [{"data": n} for n in self.nodes.values()],
                "edges": [{"data": e} for e in self.edges.values()], "truncated": self.truncated}


def percent(ratio: Decimal | None) -> str:
    if ratio is None:
        return ""
    return f"{ratio * 100:.2f}".rstrip("0").rstrip(".") + "%"


def ownership_graph(user, enterprise: Enterprise, *, up: int = 3, down: int = 3,
                    max_nodes: int = GRAPH_MAX_NODES) -> dict:
    """Owners of owners (`up` layers) and firms held (`down` layers) around `enterprise`, current stakes.

    Breadth-first, one query per layer and direction; each firm is expanded at most once per direction,
    so cross-holdings (A holds B holds A) terminate; past `max_nodes` the walk stops adding nodes and
    says so (`truncated`). Layers: owners negative, held firms positive, the firm itself 0.
    """
    up, down = min(max(up, 0), GRAPH_MAX_LAYERS), min(max(down, 0), GRAPH_MAX_LAYERS)
    graph = _Graph(max_nodes)
    root = graph.firm(enterprise.pk, enterprise.name, 0, root=True)
    holdings = scoping.visible(user, Holding).filter(current_holding())
    per_layer = max_nodes * 4  # a listed company's ten thousand small holders must not flood memory

    frontier, expanded = {enterprise.pk}, {enterprise.pk}
    for layer in range(1, up + 1):
        rows = (holdings.filter(enterprise_id__in=frontier).order_by("-share_ratio")
                .values("id", "enterprise_id", "holder_type", "holder_name", "holder_id", "share_ratio"))
        nxt: set[str] = set()
        for h in rows[:per_layer] if frontier else []:
            if h["holder_type"] == "enterprise" and h["holder_id"]:
                node = graph.firm(h["holder_id"], h["holder_name"], -layer)
                if node and h["holder_id"] not in expanded:
                    nxt.add(h["holder_id"])
            else:
                node = graph.person(h["holder_name"], h["holder_id"], h["id"], -layer)
            if node:
                graph.edge(h["id"], node, f"e:{h['enterprise_id']}", h["share_ratio"])
        expanded |= nxt
        frontier = nxt

    frontier, expanded = {enterprise.pk}, {enterprise.pk}
    for layer in range(1, down + 1):
        rows = (holdings.filter(holder_type="enterprise", holder_id__in=frontier).order_by("-share_ratio")
                .values("id", "enterprise_id", "enterprise__name", "holder_id", "share_ratio"))
        nxt = set()
        for h in rows[:per_layer] if frontier else []:
            node = graph.firm(h["enterprise_id"], h["enterprise__name"], layer)
            if node:
                graph.edge(h["id"], f"e:{h['holder_id']}", node, h["share_ratio"])
                if h["enterprise_id"] not in expanded:
                    nxt.add(h["enterprise_id"])
        expanded |= nxt
        frontier = nxt
    return {"root": root, **graph.elements()}
