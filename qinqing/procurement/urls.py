"""Tender pages 招投标: the list, one tender, a unit as buyer, a firm as bidder."""

from django.urls import path

from qinqing.procurement import views

app_name = "procurement"
urlpatterns = [
    path("tenders/", views.tender_list, name="tenders"),
    path("tenders/<str:tender_id>/", views.tender_detail, name="tender"),
    path("buyers/<str:code>/", views.buyer_detail, name="buyer"),
    path("bidders/<str:uscc>/", views.bidder_detail, name="bidder"),
]
