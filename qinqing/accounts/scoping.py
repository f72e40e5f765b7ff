"""Scoping: the one place that decides which rows the acting user may see.

Every list, detail page, search, export and API endpoint gets its queryset from `visible()`, so they
cannot disagree. A policy per model filters by role, and recusal (回避) is one more filter here: a user
linked to an official never sees a risk alert that names that official.
"""

from __future__ import annotations

from collections.abc import Callable
from functools import lru_cache

from django.core.exceptions import PermissionDenied
from django.db.models import Model, Q, QuerySet

from qinqing.accounts.roles import Capability, Role

Policy = Callable[["object", QuerySet], QuerySet]
_POLICIES: dict[type[Model], tuple[Capability, Policy]] = {}


def policy(model: type[Model], capability: Capability) -> Callable[[Policy], Policy]:
    """Register the row filter for `model`; the user must also hold `capability`."""

    def register(fn: Policy) -> Policy:
        _POLICIES[model] = (capability, fn)
        return fn

    return register


def visible(user, model_or_qs: type[Model] | QuerySet) -> QuerySet:
    """The rows of a model (or a narrower queryset) that `user` may see; PermissionDenied if none at all."""
    qs = model_or_qs if isinstance(model_or_qs, QuerySet) else model_or_qs._default_manager.all()
    model = qs.model
    if model not in _POLICIES:
        raise LookupError(f"no scoping policy for {model._meta.label}")
    capability, fn = _POLICIES[model]
    if not (user and user.is_authenticated and user.can(capability)):
        raise PermissionDenied
    return fn(user, qs)


def may_view(user, model: type[Model]) -> bool:
    capability, _ = _POLICIES[model]
    return bool(user and user.is_authenticated and user.can(capability))


@lru_cache(maxsize=256)
def _subtree_cached(root: str, version: int) -> frozenset[str]:
    from qinqing.registry.models import Department

    children: dict[str | None, list[str]] = {}
    for code, parent in Department.objects.values_list("code", "parent_id"):
        children.setdefault(parent, []).append(code)
    seen, stack = {root}, [root]
    while stack:
        for child in children.get(stack.pop(), []):
            if child not in seen:
                seen.add(child)
                stack.append(child)
    return frozenset(seen)


def department_subtree(code: str) -> frozenset[str]:
    """A unit and every unit below it."""
    from qinqing.registry.models import Department

    # The department count changes only on import, so it is a cheap, sufficient cache key.
    return _subtree_cached(code, Department.objects.count())


def _register_registry_policies() -> None:
    from qinqing.registry.models import (
        Asset,
        Department,
        Enterprise,
        EnterpriseRole,
        Holding,
        Income,
        Official,
        Post,
        Relative,
    )

    @policy(Department, Capability.VIEW_DEPARTMENTS)
    def _departments(user, qs):
        return qs

    @policy(Enterprise, Capability.VIEW_ENTERPRISES)
    def _enterprises(user, qs):
        if user.role == Role.ENTERPRISE_USER:
            return qs.filter(pk=user.enterprise_id)
        return qs

    @policy(Holding, Capability.VIEW_ENTERPRISES)
    def _holdings(user, qs):
        if user.role == Role.ENTERPRISE_USER:
            return qs.filter(Q(enterprise_id=user.enterprise_id) | Q(holder_id=user.enterprise_id))
        return qs

    @policy(EnterpriseRole, Capability.VIEW_ENTERPRISES)
    def _roles(user, qs):
        if user.role == Role.ENTERPRISE_USER:
            return qs.filter(enterprise_id=user.enterprise_id)
        return qs

    @policy(Official, Capability.VIEW_OFFICIALS)
    def _officials(user, qs):
        if user.role == Role.DEPT_OFFICER:
            units = department_subtree(user.department_id) if user.department_id else frozenset()
            return qs.filter(posts__department_id__in=units, posts__end_date__isnull=True).distinct()
        return qs

    @policy(Post, Capability.VIEW_OFFICIALS)
    def _posts(user, qs):
        if user.role == Role.DEPT_OFFICER:
            units = department_subtree(user.department_id) if user.department_id else frozenset()
            return qs.filter(department_id__in=units)
        return qs

    for model in (Relative, Asset, Income):
        policy(model, Capability.VIEW_DECLARATIONS)(lambda user, qs: qs)


def _register_procurement_policies() -> None:
    from qinqing.procurement.models import Bid, Tender

    def own_units(user) -> frozenset[str]:
        return department_subtree(user.department_id) if user.department_id else frozenset()

    @policy(Tender, Capability.VIEW_TENDERS)
    def _tenders(user, qs):
        if user.role == Role.DEPT_OFFICER:
            return qs.filter(buyer_id__in=own_units(user))
        if user.role == Role.ENTERPRISE_USER:
            return qs.filter(pk__in=Bid.objects.filter(bidder_id=user.enterprise_id).values("tender_id"))
        return qs

    @policy(Bid, Capability.VIEW_TENDERS)
    def _bids(user, qs):
        if user.role == Role.DEPT_OFFICER:
            return qs.filter(tender__buyer_id__in=own_units(user))
        if user.role == Role.ENTERPRISE_USER:
            # Only its own bid: the other bidders' prices and people are their business secrets.
            return qs.filter(bidder_id=user.enterprise_id)
        return qs


# Rotation of top leaders and key posts (交流任职) is the organisation department's business; the other
# rules point at discipline matters, which stay with the commission.
ORG_DEPARTMENT_RULES = frozenset({"rotation_due"})


def recused(official_id: str) -> Q:
    """Alerts naming `official_id` (the `officials` column reads "|OF1|OF2|")."""
    return Q(officials__contains=f"|{official_id}|")


def _register_risk_policies() -> None:
    from qinqing.risk.models import Alert

    @policy(Alert, Capability.VIEW_ALERTS)
    def _alerts(user, qs):
        if user.role == Role.ORG_OFFICER:
            qs = qs.filter(rule__in=ORG_DEPARTMENT_RULES)
        # Recusal: whoever is themselves an official never reads alerts about themselves, whatever the role.
        if user.official_id:
            qs = qs.exclude(recused(user.official_id))
        return qs


def scoped_get(user, model: type[Model], **lookup) -> Model:
    """One row by key, 404 when it is outside the user's scope (never reveal that it exists)."""
    from django.shortcuts import get_object_or_404

    return get_object_or_404(visible(user, model), **lookup)


def reveals_personal_ids(user) -> bool:
    """Full citizen ID numbers go only to roles that may read personal matters declarations; others see
    the public-registry mask (`5303**********1232`). USCCs are public and never masked."""
    return bool(user and user.is_authenticated and user.can(Capability.VIEW_DECLARATIONS))


def personal_id(user, value: str | None) -> str | None:
    """A person's ID number as `user` may see it."""
    from qinqing.core.identifiers import mask_id_number

    if not value or reveals_personal_ids(user) or "*" in value:
        return value
    return mask_id_number(value)
