"""API routes: /api/<resource>/ lists and /api/<resource>/<key>/ details, read-only; /api/token/."""

from django.urls import path
from rest_framework.routers import SimpleRouter

from qinqing.api import views

app_name = "api"

# SimpleRouter: no browsable root view and no `.json` suffix routes, whose pattern would clash with
# natural keys that contain dots. The endpoint index is the schema at /api/docs/.
router = SimpleRouter()
router.register("departments", views.DepartmentViewSet, basename="department")
router.register("officials", views.OfficialViewSet, basename="official")
router.register("posts", views.PostViewSet, basename="post")
router.register("relatives", views.RelativeViewSet, basename="relative")
router.register("enterprises", views.EnterpriseViewSet, basename="enterprise")
router.register("holdings", views.HoldingViewSet, basename="holding")
router.register("enterprise-roles", views.EnterpriseRoleViewSet, basename="enterprise-role")
router.register("assets", views.AssetViewSet, basename="asset")
router.register("incomes", views.IncomeViewSet, basename="income")
router.register("alerts", views.AlertViewSet, basename="alert")

urlpatterns = [
    path("token/", views.TokenView.as_view(), name="token"),
    *router.urls,
]
