"""The audit log: every change and every view of a person's record, chained by hashes.

Each event stores the hash of the previous one, so an edited, inserted or deleted row breaks the chain
at a place `qinqing audit verify` can name.
"""

from __future__ import annotations

from django.db import models


class AuditEvent(models.Model):
    seq = models.BigIntegerField(unique=True)  # 1, 2, 3 ... with no gaps: a gap is a deleted event
    at = models.DateTimeField()
    actor_id = models.BigIntegerField(null=True, blank=True)  # user pk; no names in the log
    actor_role = models.CharField(max_length=32, blank=True)
    action = models.CharField(max_length=32)  # view, create, update, delete, import, login, ...
    object_type = models.CharField(max_length=64, blank=True)
    object_id = models.CharField(max_length=255, blank=True)
    detail = models.JSONField(default=dict, blank=True)
    prev_hash = models.CharField(max_length=64)
    hash = models.CharField(max_length=64)

    class Meta:
        ordering = ["seq"]
        indexes = [models.Index(fields=["object_type", "object_id"])]

    def __str__(self) -> str:
        return f"#{self.seq} {self.action} {self.object_type}:{self.object_id}"
