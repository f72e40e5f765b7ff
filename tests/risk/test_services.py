"""Scans keep alerts stable: same facts, same alert; dismissals hold until the evidence changes."""

from __future__ import annotations

import datetime as dt
import json

import pytest
from django.core.management import call_command

from qinqing.contract.importer import import_dataset
from qinqing.risk import catalog
from qinqing.risk.export import records
from qinqing.risk.models import Alert, Decision, Scan
from qinqing.risk.services import DecisionError, decide, latest_scans, run_scan

RULE = catalog.rule("kin_stake_decisions")
CASE = RULE.folder / "fixtures" / "relative_chain"
AS_OF = dt.date(2025, 6, 30)


@pytest.fixture
def loaded(db):
    assert import_dataset(CASE).ok


@pytest.fixture
def analyst(db):
    from qinqing.accounts.models import User

    return User.objects.create_user(username="analyst", password="x-pass-1", role="commission_analyst")


def scan(**kwargs):
    return run_scan(rule_codes=[RULE.code], as_of=AS_OF, **kwargs)


def test_rescan_keeps_the_same_alerts(loaded):
    first = scan()
    keys = set(Alert.objects.values_list("key", flat=True))
    assert first.outcomes[RULE.code].new == len(keys) == 2
    second = scan(full=True)
    assert set(Alert.objects.values_list("key", flat=True)) == keys
    assert second.outcomes[RULE.code].new == 0
    assert second.outcomes[RULE.code].raised == 2
    # Nothing the rule reads has changed: an incremental scan carries its alerts forward unrun.
    third = scan()
    assert third.carried == [RULE.code] and RULE.code not in third.outcomes
    assert set(Alert.objects.values_list("key", flat=True)) == keys
    assert Scan.objects.filter(status=Scan.Status.FINISHED).count() == 3


def test_a_rescan_recognises_unchanged_rows_by_their_digest_without_rebuilding_them(loaded):
    first = scan()
    digests = dict(Alert.objects.values_list("key", "row_digest"))
    assert len(digests) == 2 and all(d.startswith("1:duckdb:") for d in digests.values())
    assert len({d for d in digests.values()}) == 2
    second = scan(full=True)
    # Both rows were known by digest: no finding was built, both alerts were seen by this scan.
    assert second.findings[RULE.code] == [] and second.outcomes[RULE.code].raised == 2
    assert second.outcomes[RULE.code].new == second.outcomes[RULE.code].resolved == 0
    # Not even rewritten: the alerts were last stored by the first scan, and last seen by the second.
    assert set(Alert.objects.values_list("last_scan", flat=True)) == {first.scan.pk}
    assert latest_scans([RULE.code])[RULE.code] == second.scan
    exported = list(records(Alert.objects.select_related("last_scan")))
    assert {r["last_seen"] for r in exported} == {second.scan.started_at.isoformat()}
    assert dict(Alert.objects.values_list("key", "row_digest")) == digests
    assert first.scan.pk != second.scan.pk


def test_an_alert_without_a_current_digest_is_compared_in_full_and_gets_one(loaded):
    scan()
    digests = dict(Alert.objects.values_list("key", "row_digest"))
    before = {a.key: (a.evidence_hash, a.updated_at) for a in Alert.objects.all()}
    Alert.objects.update(row_digest="")  # e.g. kept by an engine that computes none, or by an older version
    result = scan(full=True)
    # Rebuilt and compared fact by fact: the same facts, so nothing but the digest (and last scan) changes.
    assert len(result.findings[RULE.code]) == 2 and result.outcomes[RULE.code].new == 0
    assert dict(Alert.objects.values_list("key", "row_digest")) == digests
    assert {a.key: (a.evidence_hash, a.updated_at) for a in Alert.objects.all()} == before


def test_an_inactive_alert_raised_again_is_not_taken_for_unchanged(loaded):
    scan()
    alert = Alert.objects.first()
    Alert.objects.filter(pk=alert.pk).update(active=False)
    result = scan(full=True)
    alert.refresh_from_db()
    assert alert.active and len(result.findings[RULE.code]) == 1


def test_dismissed_alert_stays_dismissed_until_its_evidence_changes(loaded, analyst):
    from qinqing.service.models import Application

    scan()
    alert = Alert.objects.get(alert_key__endswith="24")  # the mine held through the holding company
    decide(alert=alert, user=analyst, action="dismiss", reason="known, cleared in 2024")
    scan()
    alert.refresh_from_db()
    assert alert.status == Alert.Status.DISMISSED
    # A new decision for the same firm changes the evidence: the alert comes back for review.
    old = Application.objects.get(application_id="BJ0001")
    old.pk, old.application_id = "BJ0099", "BJ0099"
    old.save()
    result = scan()
    alert.refresh_from_db()
    assert alert.status == Alert.Status.NEW
    assert result.outcomes[RULE.code].reopened == 1
    assert alert.decisions.first().action == Decision.Action.REOPEN
    assert "BJ0099" in alert.entities["application_id"]


def test_alert_whose_facts_are_gone_becomes_inactive(loaded):
    from qinqing.service.models import Application

    scan()
    Application.objects.filter(application_id="BJ0005").delete()
    result = scan()
    assert result.outcomes[RULE.code].resolved == 1
    assert Alert.objects.filter(active=False).count() == 1
    gone = Alert.objects.get(active=False)
    assert gone.last_scan_id == Scan.objects.exclude(pk=result.scan.pk).latest("pk").pk  # last seen before


def test_dismissal_needs_a_reason(loaded, analyst):
    scan()
    alert = Alert.objects.first()
    with pytest.raises(DecisionError):
        decide(alert=alert, user=analyst, action="dismiss", reason="  ")
    confirmed = decide(alert=alert, user=analyst, action="confirm")
    assert confirmed.user == analyst
    alert.refresh_from_db()
    assert alert.status == Alert.Status.CONFIRMED


def test_scan_and_export_commands(loaded, capsys, tmp_path):
    call_command("scan", rules=RULE.code, as_of=AS_OF, progress="none")
    assert "kin_stake_decisions" in capsys.readouterr().out
    call_command("alerts", "export", fmt="jsonl")
    lines = [json.loads(line) for line in capsys.readouterr().out.splitlines()]
    assert {line["rule"] for line in lines} == {RULE.code}
    assert all(set(line["entities"]) >= {"official_id", "enterprise_uscc", "application_id", "tender_id",
                                          "department_code"} and line["evidence"] for line in lines)
    out = tmp_path / "alerts.csv"
    call_command("alerts", "export", fmt="csv", output=out)
    assert out.read_text(encoding="utf-8").count("\n") == len(lines) + 1


def test_scan_command_rejects_unknown_rules_and_parameters(db):
    from django.core.management.base import CommandError

    with pytest.raises(CommandError, match="no rule"):
        call_command("scan", rules="no_such_rule")
    with pytest.raises(CommandError, match="unknown parameter"):
        call_command("scan", rules=RULE.code, param=["kin_stake_decisions.bogus=1"])
    with pytest.raises(CommandError, match="min_returns must be a number of at least 2"):
        call_command("scan", rules="repeated_returns", param=["repeated_returns.min_returns=1"])
