"""How an alert reads on screen: rule titles in the active language, evidence relations in words, the
evidence as a graph (Cytoscape elements) and as a table, and the entities it names as links.

Only pages the user may open are linked; a person's node id never carries an ID number into the page.
"""

from __future__ import annotations

import hashlib
import re
from dataclasses import dataclass

from django.urls import reverse
from django.utils.translation import get_language
from django.utils.translation import gettext_lazy as _

from qinqing.accounts import scoping
from qinqing.core.identifiers import mask_id_number
from qinqing.registry.forms import label as registry_label
from qinqing.registry.models import Department, Enterprise, Official
from qinqing.registry.selectors import visible_keys
from qinqing.risk import catalog

# The relation codes rules write into evidence facts; a code not listed here is shown as it is.
RELATIONS = {
    "declared_relative": _("declared relative"),  # 申报的亲属
    "holds": _("holds shares in"),
    "has_role": _("has a role in"),
    "decided": _("decided for"),
    "awarded": _("awarded a tender to"),
    "handled": _("handled"),
    "overdue": _("let run overdue"),
    "returned": _("returned"),
    "paid": _("paid"),
    "lent_to": _("lent to"),
    "met": _("met"),
    "bid": _("bid in"),
    "won": _("won"),
    "subcontracted_to": _("subcontracted to"),
    "applied": _("applied for"),
    "posted_in": _("holds a post in"),
    "leads": _("leads"),
    "holds_post": _("holds the post"),
    "served_as": _("served as"),
    "in_unit": _("works in"),
    "top_leader_of": _("top leader of"),
    "liaises_with": _("liaison leader of"),
    "declared_income": _("declared income"),
    "owns": _("owns"),
    "belongs_to": _("belongs to"),
    "blacklisted": _("blacklisted in"),
    "bribed": _("bribed"),
    "tendered": _("put out to tender"),
    "named_on_bid": _("named on the bid of"),
    "lost": _("lost"),
    "won_by": _("won by"),
    "ring_member": _("bids in a ring at"),
    "covered_for": _("covered for"),
    "beneficiary_at": _("won with cover bids at"),
    "habitually_wins": _("habitually wins at"),
    "record_elsewhere": _("record at other buyers"),
}

SEVERITIES = {"low": _("low"), "medium": _("medium"), "high": _("high"), "critical": _("critical")}

# Node kinds, from the prefix of a fact's subject or object (`official:OF1`, `enterprise:<USCC>`, ...).
KINDS = {
    "official": _("official"),
    "person": _("person"),
    "enterprise": _("enterprise"),
    "department": _("unit"),
    "application": _("application"),
    "tender": _("tender"),
}
OTHER_KIND = "other"

# Entity lists of an alert (its `entities` keys), in the order the detail page shows them.
ENTITY_KINDS = {
    "official_id": (_("Officials"), Official, "registry:official"),
    "enterprise_uscc": (_("Enterprises"), Enterprise, "registry:enterprise"),
    "department_code": (_("Units"), Department, "registry:department"),
    "application_id": (_("Applications"), None, None),
    "tender_id": (_("Tenders"), None, None),
}
_PAGES = {"official": (Official, "registry:official"), "enterprise": (Enterprise, "registry:enterprise"),
          "department": (Department, "registry:department")}


def rule_title(code: str) -> str:
    """The rule's title in the active language; a rule no longer in the catalogue shows its code."""
    rule = catalog.rules().get(code)
    if rule is None:
        return code
    return rule.title_zh if (get_language() or "").startswith("zh") else rule.title_en


def severity_label(code: str) -> str:
    return str(SEVERITIES.get(code, code))


def relation_label(code: str) -> str:
    return str(RELATIONS.get(code, code))


_ID_IN_TEXT = re.compile(r"(?<![0-9A-Z])\d{17}[\dX](?![0-9A-Z])")


def fact_detail(user, fact: dict) -> str:
    """A fact's detail; for a declared relative it is a contract relation code (sibling → 兄弟姐妹).
    ID numbers in it are masked for roles that may not read them, as everywhere else."""
    detail = fact.get("detail") or ""
    if fact.get("relation") == "declared_relative":
        return registry_label("relation", detail)
    if not scoping.reveals_personal_ids(user):
        detail = _ID_IN_TEXT.sub(lambda m: mask_id_number(m.group()), detail)
    return detail


def split_node(node: str) -> tuple[str, str]:
    """`enterprise:915303...` → ("enterprise", "915303..."); an id without a known prefix is "other"."""
    kind, sep, key = (node or "").partition(":")
    return (kind, key) if sep and kind in KINDS else (OTHER_KIND, node or "")


def _graph_id(node: str) -> str:
    # A person's node is keyed by an ID number; the page gets a digest of it instead.
    kind, _key = split_node(node)
    if kind == "person":
        return "person:" + hashlib.sha256(node.encode()).hexdigest()[:16]
    return node


@dataclass(frozen=True)
class Node:
    id: str  # as in the evidence
    kind: str
    key: str  # the id without its prefix, as the user may see it
    label: str
    url: str | None

    @property
    def kind_label(self) -> str:
        return str(KINDS.get(self.kind, self.kind))


@dataclass(frozen=True)
class Fact:
    subject: Node
    relation: str
    relation_label: str
    object: Node
    detail: str


def _urls(user, keys_by_kind: dict[str, set[str]]) -> dict[tuple[str, str], str]:
    """Links to the registry pages that will answer this user: one query per kind of page."""
    urls = {}
    for kind, (model, view_name) in _PAGES.items():
        for key in visible_keys(user, model, keys_by_kind.get(kind, ())):
            urls[(kind, key)] = reverse(view_name, args=[key])
    return urls


def facts(user, evidence: list[dict]) -> list[Fact]:
    """The evidence as rows for the facts table, each end a typed node with a link where one answers."""
    keys: dict[str, set[str]] = {}
    for fact in evidence:
        for end in (fact.get("subject"), fact.get("object")):
            kind, key = split_node(end or "")
            keys.setdefault(kind, set()).add(key)
    urls = _urls(user, keys)

    def node(node_id: str, label: str) -> Node:
        kind, key = split_node(node_id)
        shown = (scoping.personal_id(user, key) or "") if kind == "person" else key
        return Node(node_id or "", kind, shown, label or shown, urls.get((kind, key)))

    return [
        Fact(node(f.get("subject", ""), f.get("subject_label", "")), f.get("relation", ""),
             relation_label(f.get("relation", "")), node(f.get("object", ""), f.get("object_label", "")),
             fact_detail(user, f))
        for f in evidence
    ]


def graph(rows: list[Fact]) -> dict:
    """The facts as Cytoscape elements: typed nodes, edges labelled with the relation and its detail."""
    nodes: dict[str, dict] = {}
    edges = []
    for i, fact in enumerate(rows):
        for end in (fact.subject, fact.object):
            gid = _graph_id(end.id)
            if gid not in nodes:
                nodes[gid] = {"id": gid, "label": end.label, "kind": end.kind, "url": end.url}
        label = fact.relation_label + (f"\n{fact.detail}" if fact.detail else "")
        edges.append({"id": f"f{i}", "source": _graph_id(fact.subject.id), "target": _graph_id(fact.object.id),
                      "label": label})
    return {"nodes": [{"data": n} for n in nodes.values()], "edges": [{"data": e} for e in edges]}


@dataclass(frozen=True)
class EntityGroup:
    title: str
    items: list[tuple[str, str, str | None]]  # (key, name, url)


def entities(user, alert, rows: list[Fact]) -> list[EntityGroup]:
    """The officials, firms, units, applications and tenders the alert names, linked where a page answers.

    Names come from the evidence; a named entity the evidence does not label is looked up (scoped)."""
    labels = {(end.kind, split_node(end.id)[1]): end.label for f in rows for end in (f.subject, f.object)}
    kind_of = {"official_id": "official", "enterprise_uscc": "enterprise", "department_code": "department"}
    groups = []
    for field, (title, model, view_name) in ENTITY_KINDS.items():
        keys = list(alert.entities.get(field) or [])
        if not keys:
            continue
        linkable: set[str] = set()
        names: dict[str, str] = {}
        if model is not None and scoping.may_view(user, model):
            names = dict(scoping.visible(user, model).filter(pk__in=keys).values_list("pk", "name"))
            linkable = set(names)
        kind = kind_of.get(field, "")
        items = [(key, labels.get((kind, key)) or names.get(key, ""),
                  reverse(view_name, args=[key]) if key in linkable else None) for key in keys]
        groups.append(EntityGroup(str(title), items))
    return groups
