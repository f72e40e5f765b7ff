"""Registry pages 登记信息: officials, departments, enterprises."""

from django.urls import path

from qinqing.registry import views

app_name = "registry"
urlpatterns = [
    path("officials/", views.official_list, name="officials"),
    path("officials/<str:official_id>/", views.official_detail, name="official"),
    path("departments/", views.department_list, name="departments"),
    path("departments/<str:code>/", views.department_detail, name="department"),
    path("departments/<str:code>/children/", views.department_children, name="department_children"),
    path("enterprises/", views.enterprise_list, name="enterprises"),
    path("enterprises/<str:uscc>/", views.enterprise_detail, name="enterprise"),
    path("enterprises/<str:uscc>/graph.json", views.enterprise_graph, name="enterprise_graph"),
]
