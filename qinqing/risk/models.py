"""Scans, the alerts they raise (预警线索), and what analysts decide about them.

An alert's identity is its rule and the facts that make it (`Finding.identity`), so a re-scan finds the
same row instead of adding one; `evidence_hash` tells whether those facts changed since a decision.
"""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _


class Scan(models.Model):
    class Status(models.TextChoices):
        RUNNING = "running", _("running")
        FINISHED = "finished", _("finished")
        FAILED = "failed", _("failed")

    started_at = models.DateTimeField(_("started"), auto_now_add=True)
    finished_at = models.DateTimeField(_("finished"), null=True, blank=True)
    engine = models.CharField(_("engine"), max_length=16)
    as_of = models.DateField(_("as of"))
    rules = models.JSONField(_("rules"), default=list)
    incremental = models.BooleanField(_("incremental"), default=False)
    status = models.CharField(_("status"), max_length=16, choices=Status.choices, default=Status.RUNNING)
    counts = models.JSONField(_("counts"), default=dict)  # rule → raised/new/reopened/resolved, or carried
    # rule → what its alerts depend on (engine.base.run): a later scan with the same signature
    # carries the rule's alerts forward instead of running it again.
    signatures = models.JSONField(_("input signatures"), default=dict)
    seconds = models.FloatField(_("seconds"), null=True, blank=True)
    error = models.TextField(_("error"), blank=True)

    class Meta:
        ordering = ["-started_at"]
        verbose_name = _("scan")

    def __str__(self) -> str:
        return f"scan {self.pk} ({self.engine}, {self.as_of})"


class Alert(models.Model):
    class Status(models.TextChoices):
        NEW = "new", _("new")
        VERIFYING = "verifying", _("verification requested")
        CONFIRMED = "confirmed", _("confirmed")
        DISMISSED = "dismissed", _("dismissed")

    key = models.CharField(_("identity"), max_length=64, unique=True)
    rule = models.CharField(_("rule"), max_length=64, db_index=True)
    alert_key = models.TextField(_("identifying facts"))
    score = models.FloatField(_("score"), db_index=True)
    severity = models.CharField(_("severity"), max_length=16)
    summary = models.TextField(_("summary"), blank=True)
    entities = models.JSONField(_("entities"), default=dict)
    evidence = models.JSONField(_("evidence"), default=list)
    evidence_hash = models.CharField(max_length=64)
    # Digest of the engine's result row (engine.base.Seen): an alert whose row is unchanged since the last
    # scan is recognised without rebuilding its finding. Empty when the engine computed none.
    row_digest = models.CharField(max_length=128, blank=True, default="")
    # Denormalised for filtering and scoping: the first unit and its region, and every official named
    # as "|OF1|OF2|" (portable substring search on SQLite and PostgreSQL alike).
    department_code = models.CharField(_("unit"), max_length=64, null=True, blank=True, db_index=True)
    region_code = models.CharField(_("district"), max_length=6, null=True, blank=True, db_index=True)
    officials = models.TextField(blank=True, default="")
    status = models.CharField(_("status"), max_length=16, choices=Status.choices, default=Status.NEW,
                              db_index=True)
    active = models.BooleanField(_("raised by the latest scan"), default=True, db_index=True)
    first_scan = models.ForeignKey(Scan, models.SET_NULL, null=True, related_name="+")
    # The scan that last stored its facts (created or changed it), or, once inactive, the last that raised
    # it. An active alert was last seen by its rule's latest scan (services.latest_scans).
    last_scan = models.ForeignKey(Scan, models.SET_NULL, null=True, related_name="+")
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)
    decided_by = models.ForeignKey(settings.AUTH_USER_MODEL, models.SET_NULL, null=True, blank=True,
                                   related_name="+")
    decided_at = models.DateTimeField(null=True, blank=True)
    decision_reason = models.TextField(blank=True)
    decided_evidence_hash = models.CharField(max_length=64, blank=True)

    class Meta:
        ordering = ["-score", "id"]
        indexes = [
            models.Index(fields=["active", "status", "-score"], name="risk_alert_queue"),
            # Covers the scan's narrow read of a rule's alerts (identity, row digest, active; the id rides
            # along), so that it never touches the wide rows with their evidence.
            models.Index(fields=["rule", "key", "row_digest", "active"], name="risk_alert_rule_digest"),
        ]
        verbose_name = _("alert")

    def __str__(self) -> str:
        return f"{self.rule}: {self.alert_key}"


class Decision(models.Model):
    """One analyst action on an alert, kept forever (the alert row holds only the latest)."""

    class Action(models.TextChoices):
        CONFIRM = "confirm", _("confirmed")
        DISMISS = "dismiss", _("dismissed")
        VERIFY = "verify", _("verification requested")
        REOPEN = "reopen", _("reopened: evidence changed")

    alert = models.ForeignKey(Alert, models.CASCADE, related_name="decisions")
    user = models.ForeignKey(settings.AUTH_USER_MODEL, models.SET_NULL, null=True, blank=True, related_name="+")
    action = models.CharField(max_length=16, choices=Action.choices)
    reason = models.TextField(blank=True)
    evidence_hash = models.CharField(max_length=64)
    at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["-at", "-id"]

    def __str__(self) -> str:
        return f"{self.action} on alert {self.alert_id}"
