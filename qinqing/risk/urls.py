"""Risk alert pages 风险预警: the queue, one alert with its evidence, and the analyst's decision."""

from django.urls import path

from qinqing.risk import views

app_name = "risk"
urlpatterns = [
    path("alerts/", views.queue, name="queue"),
    path("alerts/<int:pk>/", views.alert_detail, name="alert"),
    path("alerts/<int:pk>/decide/", views.alert_decide, name="decide"),
]
