"""Tendering 招投标: procedures and bids."""

from __future__ import annotations

from django.db import models

from qinqing.contract import schema
from qinqing.core.fields import money
from qinqing.core.keyed import NaturalKeyModel
from qinqing.registry.models import Department, Enterprise, choices


class Tender(models.Model):
    tender_id = models.CharField(max_length=64, primary_key=True)
    title = models.CharField(max_length=300)
    buyer = models.ForeignKey(Department, models.PROTECT, db_column="buyer_department_code", related_name="tenders")
    method = models.CharField(max_length=16, choices=choices(schema.TENDER_METHODS))
    budget = money()
    published_at = models.DateTimeField()
    bid_deadline = models.DateTimeField(null=True, blank=True)
    awarded_at = models.DateTimeField(null=True, blank=True)
    sector = models.CharField(max_length=32, null=True, blank=True)

    class Meta:
        # Lists run newest first, over all tenders or one buyer's: each order is an index read backwards.
        indexes = [
            models.Index(fields=["published_at", "tender_id"], name="procurement_tender_published"),
            models.Index(fields=["buyer", "published_at", "tender_id"], name="procurement_tender_buyer"),
        ]

    def __str__(self) -> str:
        return f"{self.tender_id} {self.title}"


class Bid(NaturalKeyModel):
    contract_table = "bids"
    tender = models.ForeignKey(Tender, models.CASCADE, db_column="tender_id", related_name="bids")
    bidder = models.ForeignKey(Enterprise, models.PROTECT, db_column="bidder_uscc", related_name="bids")
    amount = money()
    submitted_at = models.DateTimeField(null=True, blank=True)
    contact_name = models.CharField(max_length=100, null=True, blank=True)
    contact_phone = models.CharField(max_length=20, null=True, blank=True)
    project_manager_id = models.CharField(max_length=18, null=True, blank=True)
    disqualified = models.BooleanField(null=True, blank=True)
    winner = models.BooleanField(default=False)

    def __str__(self) -> str:
        return f"{self.tender_id} {self.bidder_id}"
