from django.urls import path

from qinqing.audit import views

app_name = "audit"
urlpatterns = [
    path("", views.events, name="events"),
    path("verify/", views.verify_chain, name="verify"),
]
