"""Read-only registry and risk-alert endpoints, and the token endpoint.

Views stay thin: rows come from `scoping.visible` (the selector the web UI uses), filters narrow them,
and reading a person's record is written to the audit log through `audit.services.record_view`.
"""

from __future__ import annotations

from django.db.models import Prefetch, QuerySet
from drf_spectacular.utils import extend_schema
from rest_framework import viewsets
from rest_framework.authtoken.models import Token
from rest_framework.authtoken.serializers import AuthTokenSerializer
from rest_framework.authtoken.views import ObtainAuthToken
from rest_framework.pagination import PageNumberPagination
from rest_framework.permissions import AllowAny
from rest_framework.request import Request
from rest_framework.response import Response

from qinqing.accounts import scoping
from qinqing.api import serializers as s
from qinqing.api.filters import (
    Param,
    ParamFilterBackend,
    contains,
    current,
    exact,
    holds_current_post,
    integer,
    prefix,
    region,
    unit_subtree,
)
from qinqing.audit.services import record, record_view
from qinqing.contract import schema
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
from qinqing.risk import selectors as risk_selectors
from qinqing.risk.models import Alert, Decision

# Natural keys may hold dots (the router's default pattern stops at one); never a slash.
NATURAL_KEY = r"[^/]+"


class Pagination(PageNumberPagination):
    page_size_query_param = "page_size"
    max_page_size = 500


class ScopedReadOnlyViewSet(viewsets.ReadOnlyModelViewSet):
    """A registry model, read through the scoping layer.

    `queryset` names the model for RolePermission (it reads `view.queryset.model`) and for the schema;
    the rows always come from `get_queryset`, never from that class attribute.
    """

    filter_backends = [ParamFilterBackend]
    pagination_class = Pagination
    filter_params: tuple[Param, ...] = ()
    ordering: tuple[str, ...] = ("pk",)  # explicit and unique, so pages never overlap
    related: tuple[str, ...] = ()

    def get_queryset(self) -> QuerySet:
        rows = scoping.visible(self.request.user, self.queryset.model)
        if self.related:
            rows = rows.select_related(*self.related)
        return rows.order_by(*self.ordering)


def _name_search(field: str = "name") -> Param:
    return contains("search", field, "part of the name")


class DepartmentViewSet(ScopedReadOnlyViewSet):
    """Organs and units 机关/单位."""

    queryset = Department.objects.all()
    serializer_class = s.DepartmentSerializer
    lookup_field = "code"
    lookup_value_regex = NATURAL_KEY
    filter_params = (
        _name_search(),
        exact("parent", "parent_id", "code of the parent unit: its direct children"),
        exact("level", "level", "level of the unit", choices=schema.DEPARTMENT_LEVELS),
        exact("sector", "sector", "sector, e.g. police, audit, natural_resources"),
        region("region", "region_code"),
    )


class OfficialViewSet(ScopedReadOnlyViewSet):
    """Public officials 公职人员. Retrieving one is recorded in the audit log."""

    queryset = Official.objects.all()
    serializer_class = s.OfficialSerializer
    lookup_field = "official_id"
    lookup_value_regex = NATURAL_KEY
    filter_params = (
        _name_search(),
        exact("rank", "rank", "rank 职级", choices=schema.RANKS),
        Param("department", "holds a current post in this unit or a unit below it",
              lambda qs, code, user: qs.filter(
                  holds_current_post(user, department_id__in=scoping.department_subtree(code)))),
        Param("sector", "holds a current post in a unit of this sector",
              lambda qs, sector, user: qs.filter(holds_current_post(user, department__sector=sector))),
        Param("top_leader", "true: holds a current top-leader post 一把手; false: holds none",
              lambda qs, flag, user: qs.filter(holds_current_post(user, is_top_leader=True) if flag
                                               else ~holds_current_post(user, is_top_leader=True)),
              kind="boolean"),
    )

    def get_serializer_class(self):
        return s.OfficialDetailSerializer if self.action == "retrieve" else s.OfficialSerializer

    def get_queryset(self) -> QuerySet:
        rows = super().get_queryset()
        if self.action == "retrieve":
            # Only the posts this user may list: the detail must not show more than the posts endpoint.
            posts = scoping.visible(self.request.user, Post).select_related("official", "department")
            rows = rows.prefetch_related(Prefetch("posts", queryset=posts.order_by("-start_date", "pk")))
        return rows

    def retrieve(self, request: Request, *args, **kwargs) -> Response:
        official = self.get_object()
        record_view(request.user, official)
        return Response(self.get_serializer(official).data)


class PostViewSet(ScopedReadOnlyViewSet):
    """Appointments 任职; no end date means current."""

    queryset = Post.objects.all()
    serializer_class = s.PostSerializer
    ordering = ("-start_date", "pk")
    related = ("official", "department")
    filter_params = (
        exact("official", "official_id", "official id"),
        unit_subtree("department_id", "a unit code; also matches the units below it"),
        exact("sector", "department__sector", "sector of the post's unit"),
        Param("top_leader", "top-leader posts 一把手 only (true) or none of them (false)",
              lambda qs, flag, user: qs.filter(is_top_leader=flag), kind="boolean"),
        current("true: current posts; false: posts that have ended"),
    )


class RelativeViewSet(ScopedReadOnlyViewSet):
    """Declared family members (个人有关事项报告). Retrieving one is recorded in the audit log."""

    queryset = Relative.objects.all()
    serializer_class = s.RelativeSerializer
    ordering = ("official_id", "pk")
    filter_params = (
        exact("official", "official_id", "official id of the declaring official"),
        exact("relation", "relation", "relation to the official", choices=schema.RELATIONS),
        _name_search(),
    )

    def retrieve(self, request: Request, *args, **kwargs) -> Response:
        relative = self.get_object()
        record_view(request.user, relative)
        return Response(self.get_serializer(relative).data)


class EnterpriseViewSet(ScopedReadOnlyViewSet):
    """Registered market entities 市场主体."""

    queryset = Enterprise.objects.all()
    serializer_class = s.EnterpriseSerializer
    lookup_field = "uscc"
    lookup_value_regex = NATURAL_KEY
    filter_params = (
        _name_search(),
        prefix("industry", "industry", "GB/T 4754 industry code; a section or division matches those in it"),
        region("region", "region_code"),
        exact("status", "status", "registration status", choices=schema.ENTERPRISE_STATUSES),
    )


class HoldingViewSet(ScopedReadOnlyViewSet):
    """Shareholdings 股权."""

    queryset = Holding.objects.all()
    serializer_class = s.HoldingSerializer
    ordering = ("enterprise_id", "pk")
    filter_params = (
        exact("enterprise", "enterprise_id", "USCC of the held enterprise"),
        exact("holder_type", "holder_type", "person or enterprise", choices=schema.HOLDER_TYPES),
        exact("holder_id", "holder_id", "ID number or USCC of the holder, as registered"),
        _name_search("holder_name"),
        current("true: holdings without an end date; false: ended holdings"),
    )


class EnterpriseRoleViewSet(ScopedReadOnlyViewSet):
    """People's roles in enterprises (legal rep, director, project manager, contact ...)."""

    queryset = EnterpriseRole.objects.all()
    serializer_class = s.EnterpriseRoleSerializer
    ordering = ("enterprise_id", "pk")
    filter_params = (
        exact("enterprise", "enterprise_id", "USCC of the enterprise"),
        exact("role", "role", "the person's role", choices=schema.ENTERPRISE_ROLES),
        exact("person_id", "person_id", "ID number of the person, as registered"),
        _name_search("person_name"),
        current("true: roles without an end date; false: ended roles"),
    )


class AssetViewSet(ScopedReadOnlyViewSet):
    """Declared household assets 家庭财产."""

    queryset = Asset.objects.all()
    serializer_class = s.AssetSerializer
    ordering = ("official_id", "pk")
    filter_params = (
        exact("official", "official_id", "official id of the declaring official"),
        exact("kind", "kind", "kind of asset", choices=schema.ASSET_KINDS),
    )


class IncomeViewSet(ScopedReadOnlyViewSet):
    """Declared yearly household incomes 家庭收入."""

    queryset = Income.objects.all()
    serializer_class = s.IncomeSerializer
    ordering = ("official_id", "-year", "pk")
    filter_params = (
        exact("official", "official_id", "official id of the declaring official"),
        integer("year", "year", "declaration year"),
    )


def _alert_filter(name: str, description: str, kind: str = "string", choices: tuple[str, ...] = ()) -> Param:
    """A filter that is the queue's own (`risk.selectors.filter_alerts`), so web and API agree."""
    return Param(name, description, lambda qs, value, user: risk_selectors.filter_alerts(
        qs, include_inactive=True, **{name: value}), kind=kind, choices=choices)


class AlertViewSet(ScopedReadOnlyViewSet):
    """Risk alerts 预警线索, highest score first; each carries its evidence. Retrieving one is recorded in the
    audit log. An alert naming the user's own official record is never listed (recusal)."""

    queryset = Alert.objects.all()
    serializer_class = s.AlertSerializer
    ordering = ("-score", "pk")
    filter_params = (
        _alert_filter("rule", "rule code, e.g. kin_stake_decisions"),
        _alert_filter("region", "GB/T 2260 district code; a province or city code also matches the districts "
                                "within it"),
        _alert_filter("department", "a unit code; also matches the units below it"),
        _alert_filter("min_score", "lowest score (0–100)", kind="number"),
        _alert_filter("status", "analysts' status", choices=tuple(Alert.Status.values)),
        Param("active", "true: raised by the latest scan; false: no longer raised",
              lambda qs, flag, user: qs.filter(active=flag), kind="boolean"),
    )

    def get_serializer_class(self):
        return s.AlertDetailSerializer if self.action == "retrieve" else s.AlertSerializer

    def get_queryset(self) -> QuerySet:
        rows = super().get_queryset()
        if self.action == "retrieve":
            decisions = Decision.objects.select_related("user").order_by("-at", "-id")
            rows = rows.prefetch_related(Prefetch("decisions", queryset=decisions))
        return rows

    def retrieve(self, request: Request, *args, **kwargs) -> Response:
        alert = self.get_object()
        record_view(request.user, alert)
        return Response(self.get_serializer(alert).data)


class TokenView(ObtainAuthToken):
    """Exchange a username and password for an API token (one per user, reused until revoked)."""

    permission_classes = [AllowAny]  # the credentials are the check; RolePermission needs a logged-in user

    @extend_schema(request=AuthTokenSerializer, responses={200: s.TokenSerializer}, tags=["token"],
                   auth=[])
    def post(self, request: Request, *args, **kwargs) -> Response:
        serializer = self.get_serializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        user = serializer.validated_data["user"]
        token, _created = Token.objects.get_or_create(user=user)
        # A token is a login that outlives the session: the log must show who obtained one and when.
        record(action="login", actor=user, detail={"via": "api_token"})
        return Response({"token": token.key})
