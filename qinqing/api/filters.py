"""Query-parameter filters for the read-only API, declared per endpoint as data.

Each endpoint lists its `Param`s; one filter backend applies them and documents them in the OpenAPI
schema, so the filter a client sends and the filter the docs describe cannot drift apart. Filters only
narrow a queryset that `scoping.visible` has already cut to the user's rows.
"""

from __future__ import annotations

import math
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any, Literal

from django.db.models import Exists, OuterRef, QuerySet
from rest_framework.exceptions import ValidationError
from rest_framework.filters import BaseFilterBackend

from qinqing.accounts import scoping

ParamKind = Literal["string", "boolean", "integer", "number"]
Apply = Callable[[QuerySet, Any, Any], QuerySet]  # (queryset, parsed value, acting user) -> queryset

TRUE_WORDS = frozenset({"1", "true", "yes", "on"})
FALSE_WORDS = frozenset({"0", "false", "no", "off"})


@dataclass(frozen=True)
class Param:
    name: str
    description: str
    apply: Apply
    kind: ParamKind = "string"
    choices: tuple[str, ...] = ()

    def parse(self, raw: str) -> Any:
        """The typed value of `raw`; a 400 naming the parameter when it cannot be read."""
        if self.kind == "boolean":
            word = raw.strip().lower()
            if word in TRUE_WORDS | FALSE_WORDS:
                return word in TRUE_WORDS
            raise ValidationError({self.name: "expected true or false"})
        if self.kind == "integer":
            try:
                return int(raw)
            except ValueError:
                raise ValidationError({self.name: "expected an integer"}) from None
        if self.kind == "number":
            try:
                value = float(raw)
            except ValueError:
                value = math.nan
            if not math.isfinite(value):
                raise ValidationError({self.name: "expected a number"})
            return value
        if self.choices and raw not in self.choices:
            raise ValidationError({self.name: f"expected one of {', '.join(self.choices)}"})
        return raw

    def openapi(self) -> dict[str, Any]:
        schema: dict[str, Any] = {"type": self.kind}
        if self.choices:
            schema["enum"] = list(self.choices)
        return {"name": self.name, "in": "query", "required": False, "description": self.description,
                "schema": schema}


class ParamFilterBackend(BaseFilterBackend):
    """Applies the view's `filter_params`; empty parameters are ignored, unreadable ones are a 400."""

    def filter_queryset(self, request, queryset: QuerySet, view) -> QuerySet:
        for param in getattr(view, "filter_params", ()):
            raw = request.query_params.get(param.name)
            if raw is None or raw == "":
                continue
            queryset = param.apply(queryset, param.parse(raw), request.user)
        return queryset

    def get_schema_operation_parameters(self, view) -> list[dict[str, Any]]:
        return [param.openapi() for param in getattr(view, "filter_params", ())]


# --- Builders for the common shapes, so each endpoint's list reads as a table.


def exact(name: str, field: str, description: str, *, choices: tuple[str, ...] = ()) -> Param:
    return Param(name, description, lambda qs, value, user: qs.filter(**{field: value}), choices=choices)


def integer(name: str, field: str, description: str) -> Param:
    return Param(name, description, lambda qs, value, user: qs.filter(**{field: value}), kind="integer")


def contains(name: str, field: str, description: str) -> Param:
    return Param(name, description, lambda qs, value, user: qs.filter(**{f"{field}__icontains": value}))


def prefix(name: str, field: str, description: str) -> Param:
    """Hierarchical codes (GB/T 4754 industry `C`, `C36`, `C3670`): a code matches everything below it."""
    return Param(name, description, lambda qs, value, user: qs.filter(**{f"{field}__startswith": value}))


def region_prefix(code: str) -> str:
    """GB/T 2260 codes pad higher levels with zeros: 530000 province, 530300 city, 530302 district.
    Dropping the padding turns "this region and every region in it" into a prefix match."""
    code = code.strip()
    while len(code) > 2 and code.endswith("00"):
        code = code[:-2]
    return code


def region(name: str, field: str) -> Param:
    return Param(
        name, "GB/T 2260 region code; a province or city code also matches the regions within it",
        lambda qs, value, user: qs.filter(**{f"{field}__startswith": region_prefix(value)}),
    )


def current(description: str = "true: still in force (no end date); false: ended") -> Param:
    return Param("current", description, lambda qs, value, user: qs.filter(end_date__isnull=value),
                 kind="boolean")


def unit_subtree(field: str, description: str) -> Param:
    """A department code that also matches every unit below it (a bureau and its sections)."""
    def apply(qs: QuerySet, code: str, user) -> QuerySet:
        return qs.filter(**{f"{field}__in": scoping.department_subtree(code)})

    return Param("department", description, apply)


def holds_current_post(user, **post_lookup: Any) -> Exists:
    """Officials with a current post matching `post_lookup`, judged only on posts the user may see:
    a filter must not reveal a post the user could not list."""
    from qinqing.registry.models import Post

    posts = scoping.visible(user, Post).filter(official=OuterRef("pk"), end_date__isnull=True, **post_lookup)
    return Exists(posts)
