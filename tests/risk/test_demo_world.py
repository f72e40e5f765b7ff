"""The rules against the demonstration city's ground truth: every planted pattern is found, no honest
look-alike is flagged, and no namesake of a declared relative is ever taken for the relative."""

from __future__ import annotations

import datetime as dt
import json
from collections import defaultdict

import pytest

from qinqing.contract.importer import import_dataset
from qinqing.demo import generate
from qinqing.risk.services import run_scan

pytestmark = pytest.mark.slow

FOUND_BY = {  # planted pattern → the rule that must raise it, and the entities its alert must name
    "relative_stake_approvals": ("kin_stake_decisions", ("official_id", "enterprise_uscc")),
    "relative_loan_firm_flows": ("money_to_kin_firm", ("official_id",)),
    "assets_beyond_income": ("assets_beyond_income", ("official_id",)),
    "pay_first_handler": ("selective_speed", ("official_id", "enterprise_uscc")),
    "audit_favouritism": ("selective_speed", ("official_id", "enterprise_uscc")),
    "negative_list_contact": ("contact_violations", ("official_id", "enterprise_uscc")),
    "contact_during_pending_matter": ("contact_violations", ("official_id", "enterprise_uscc")),
    "blacklisted_bidder": ("blacklisted_firm_active", ("enterprise_uscc",)),
    "borrowed_qualification": ("borrowed_qualification", ("enterprise_uscc", "tender_id")),
    "one_person_many_bidders": ("borrowed_qualification", ("enterprise_uscc", "tender_id")),
    "shared_contact_phone": ("shared_bid_contact", ("enterprise_uscc", "tender_id")),
    "new_shell_winner": ("new_shell_winner", ("enterprise_uscc", "tender_id")),
    "bid_rotation_ring": ("bid_rotation_ring", ("department_code", "enterprise_uscc")),
    "habitual_winner": ("habitual_winner", ("department_code", "enterprise_uscc")),
}
KIN_RULES = ("kin_stake_decisions", "money_to_kin_firm")


@pytest.fixture(scope="module")
def city(tmp_path_factory):
    out = tmp_path_factory.mktemp("city")
    generate("city", 20240501, out)
    return out, json.loads((out / "planted.json").read_text(encoding="utf-8"))


@pytest.fixture
def scanned(city, db):
    folder, planted = city
    assert import_dataset(folder).ok
    result = run_scan(as_of=dt.date.fromisoformat(planted["as_of"]))
    return planted, result.findings


def _as_list(value) -> list[str]:
    return value if isinstance(value, list) else [value]


def test_every_planted_pattern_is_found_and_no_look_alike_is_flagged(scanned):
    planted, findings = scanned
    for pattern in planted["patterns"]:
        if pattern["kind"] not in FOUND_BY:
            continue  # patterns of rules not written yet
        code, kinds = FOUND_BY[pattern["kind"]]
        wanted = {k: set(_as_list(pattern["ids"][k])) for k in kinds if k in pattern["ids"]}
        hits = [f for f in findings[code]
                if all(wanted[k] & set(f.entities[k]) for k in wanted)]
        assert hits, f"{code} misses the planted {pattern['kind']}: {pattern['ids']}"

    named: dict[str, set[tuple[str, str]]] = defaultdict(set)  # rule → (official, firm) pairs
    for code, found in findings.items():
        for f in found:
            for o in f.entities["official_id"] or [""]:
                for e in f.entities["enterprise_uscc"]:
                    named[code].add((o, e))
    for look in planted["look_alikes"]:
        ids = look["ids"]
        if look["kind"] in ("relative_firm_no_dealings", "namesake_shareholder", "masked_id_birth_mismatch"):
            for code in KIN_RULES:
                for firm in ids["enterprise_uscc"]:
                    assert (ids["official_id"], firm) not in named[code], f"{code} flags {look['kind']}"
        elif look["kind"] == "urgent_with_documented_reason":
            flagged = {a for f in findings["selective_speed"] for a in f.entities["application_id"]}
            assert not set(ids["application_id"]) & flagged
        elif look["kind"] == "asset_explained_by_income":
            assert ids["official_id"] not in {o for f in findings["assets_beyond_income"]
                                              for o in f.entities["official_id"]}
        elif look["kind"] == "fast_appeal_resolution":
            for firm in ids["enterprise_uscc"]:
                assert (ids["official_id"], firm) not in named["contact_violations"]


def test_no_namesake_is_taken_for_a_relative(scanned):
    """Kin alerts name a person only through a full ID number or a masked number that agrees with it."""
    _planted, findings = scanned
    checked = 0
    for code in KIN_RULES:
        for f in findings[code]:
            for fact in f.evidence:
                if fact["relation"] in ("holds", "has_role") and fact["subject"].startswith("person:"):
                    assert any(m in fact["detail"] for m in ("full_id", "masked_id_and_name",
                                                              "name_masked_declaration_and_birth_date"))
                    checked += 1
    assert checked >= 3  # the planted relatives' stakes are among them
