from django.contrib import admin
from django.urls import include, path
from drf_spectacular.views import SpectacularAPIView, SpectacularSwaggerView

from qinqing.core import views as core_views

urlpatterns = [
    path("", core_views.home, name="home"),
    path("healthz", core_views.healthz, name="healthz"),
    path("i18n/", include("django.conf.urls.i18n")),
    path("accounts/", include("qinqing.accounts.urls")),
    path("registry/", include("qinqing.registry.urls")),
    path("procurement/", include("qinqing.procurement.urls")),
    path("risk/", include("qinqing.risk.urls")),
    path("api/", include("qinqing.api.urls")),
    path("audit/", include("qinqing.audit.urls")),
    path("api/schema/", SpectacularAPIView.as_view(), name="api-schema"),
    path("api/docs/", SpectacularSwaggerView.as_view(url_name="api-schema"), name="api-docs"),
    path("admin/", admin.site.urls),
]
