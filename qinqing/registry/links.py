"""Firms linked to an official and the declared relatives 亲属持股: by shares or roles, directly or
through firms those firms hold; and the official's dossier that shows them.

Matching follows the contract's id_number rule (shared/contract/README.md): full numbers must be equal;
a masked number must agree on every visible character and the names must agree; a name alone never
links. Candidates come through the indexed ID-number and name columns, in one query per table.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field
from decimal import Decimal

from django.db.models import Q

from qinqing.accounts import scoping
from qinqing.accounts.roles import Capability
from qinqing.core.identifiers import ID_FULL_RE, ID_MASKED_RE, ids_agree, is_masked_id
from qinqing.registry.models import Enterprise, EnterpriseRole, Holding, Official, Post, Relative
from qinqing.registry.selectors import current_holding, tenure_years, today

MAX_NAME_CANDIDATES = 5000  # people sharing a common name (张伟) we compare ID numbers against
LINK_DEPTH = 3  # layers of firms followed down from a person's own stake


@dataclass
class Person:
    """Someone whose stakes we look for: the official or a declared relative."""

    name: str
    id_number: str | None
    relation: str  # "self" or a contract relation (spouse, sibling, ...)


def same_person(id_a: str | None, name_a: str, id_b: str | None, name_b: str) -> bool:
    """The contract's id_number rule: full numbers must be equal; a masked number must agree on every
    visible character AND the names must agree. A name alone, or a number without one, never links."""
    if not id_a or not id_b:
        return False
    if not is_masked_id(id_a) and not is_masked_id(id_b):
        return id_a == id_b
    return ids_agree(id_a, id_b) and name_a.strip() == name_b.strip()


@dataclass
class LinkedFirm:
    enterprise: Enterprise
    person: Person
    how: str  # "holding" or an enterprise role (legal_rep, director, ...)
    share_ratio: Decimal | None
    masked_match: bool  # matched on a masked number plus the name, not a full number
    until: dt.date | None = None  # a stake or role that ended: still evidence, shown as past
    via: list[Enterprise] = field(default_factory=list)  # firms the stake runs through, nearest first


def _candidates(people: list[Person], id_field: str, name_field: str) -> Q:
    """A superset of the rows that may be these people, reached through indexed columns only;
    `same_person` then decides row by row."""
    ids = [p.id_number for p in people]
    names = [p.name for p in people]
    masked_names = [p.name for p in people if is_masked_id(p.id_number or "")]
    return (
        Q(**{f"{id_field}__in": ids})  # the very same number
        | Q(**{f"{name_field}__in": names, f"{id_field}__contains": "*"})  # theirs masked: names agree
        | Q(**{f"{name_field}__in": masked_names})  # ours masked: any number, names agree
    )


def linked_firms(user, people: list[Person], *, depth: int = LINK_DEPTH) -> list[LinkedFirm]:
    """Firms in which these people hold shares or roles, and firms those firms hold, `depth` layers down.

    This is the "relative-held stakes" pattern: a brother's 60% of an investment company that owns 40%
    of a coal mine links the official to the mine.
    """
    people = [p for p in people
              if p.id_number and (ID_FULL_RE.match(p.id_number)
                                  or ID_MASKED_RE.match(p.id_number))]
    if not people:
        return []
    found: list[LinkedFirm] = []
    holdings = (scoping.visible(user, Holding).filter(_candidates(people, "holder_id", "holder_name"))
                .filter(holder_type="person").select_related("enterprise"))
    for h in holdings[:MAX_NAME_CANDIDATES]:
        for p in people:
            if same_person(p.id_number, p.name, h.holder_id, h.holder_name):
                found.append(LinkedFirm(h.enterprise, p, "holding", h.share_ratio, _masked(p, h.holder_id),
                                        until=h.end_date))
    roles = (scoping.visible(user, EnterpriseRole).filter(_candidates(people, "person_id", "person_name"))
             .select_related("enterprise"))
    for r in roles[:MAX_NAME_CANDIDATES]:
        for p in people:
            if same_person(p.id_number, p.name, r.person_id, r.person_name):
                found.append(LinkedFirm(r.enterprise, p, r.role, None, _masked(p, r.person_id),
                                        until=r.end_date))
    direct_stakes = [f for f in found if f.how == "holding" and (f.until is None or f.until > today())]
    return found + _held_through(user, direct_stakes, depth - 1)


def _masked(person: Person, other_id: str | None) -> bool:
    return is_masked_id(person.id_number or "") or is_masked_id(other_id or "")


def _held_through(user, direct: list[LinkedFirm], depth: int) -> list[LinkedFirm]:
    """Walk down firm-held stakes layer by layer, one query per layer, never revisiting a firm."""
    out: list[LinkedFirm] = []
    frontier = {f.enterprise.pk: f for f in direct}
    seen = set(frontier)
    for _layer in range(max(depth, 0)):
        if not frontier:
            break
        rows = (scoping.visible(user, Holding).filter(holder_type="enterprise", holder_id__in=list(frontier))
                .filter(current_holding()).select_related("enterprise"))
        nxt: dict[str, LinkedFirm] = {}
        for h in rows[:MAX_NAME_CANDIDATES]:
            if h.enterprise_id in seen:
                continue
            parent = frontier[h.holder_id]
            link = LinkedFirm(h.enterprise, parent.person, "holding", h.share_ratio, parent.masked_match,
                              via=[*parent.via, parent.enterprise])
            seen.add(h.enterprise_id)
            nxt[h.enterprise_id] = link
            out.append(link)
        frontier = nxt
    return out


def official_dossier(user, official: Official) -> dict:
    """Everything the official detail page shows, each part scoped; relatives only with VIEW_DECLARATIONS."""
    posts = list(scoping.visible(user, Post).filter(official=official).select_related("department")
                 .order_by("end_date", "-start_date"))
    for post in posts:
        post.tenure = tenure_years(post.start_date, post.end_date)
    relatives: list[Relative] = []
    people = [Person(official.name, official.id_number, "self")]
    if user.can(Capability.VIEW_DECLARATIONS):
        relatives = list(scoping.visible(user, Relative).filter(official=official)
                         .order_by("relation", "name"))
        people += [Person(r.name, r.id_number, r.relation) for r in relatives]
    return {
        "current_posts": [p for p in posts if p.end_date is None],
        "past_posts": [p for p in posts if p.end_date is not None],
        "relatives": relatives,
        "linked_firms": linked_firms(user, people),
    }
