"""Alerts on the shared registry world, built with the ORM: one per kind of reader and of scope."""

from __future__ import annotations

import hashlib
from dataclasses import dataclass

import pytest

ALERT_READERS = frozenset({"commission_analyst", "case_officer", "org_officer", "admin"})
DECIDERS = frozenset({"commission_analyst", "admin"})


def make_alert(*, rule: str, score: float, officials: list[str] = (), department: str | None = None,
               region: str | None = None, status: str = "new", active: bool = True, summary: str = "",
               entities: dict | None = None, evidence: list | None = None):
    """One stored alert; its identity is the rule and summary, as a scan's would be the identifying facts."""
    from qinqing.risk.models import Alert

    key = f"{rule}|{summary or score}"
    ents = {"official_id": list(officials), "enterprise_uscc": [], "application_id": [], "tender_id": [],
            "department_code": [department] if department else []}
    ents.update(entities or {})
    return Alert.objects.create(
        key=hashlib.sha256(key.encode()).hexdigest(), rule=rule, alert_key=key, score=score, severity="high",
        summary=summary or f"{rule} {score}", entities=ents, evidence=evidence or [], evidence_hash="h",
        department_code=department, region_code=region,
        officials="|" + "|".join(officials) + "|" if officials else "", status=status, active=active,
    )


@dataclass
class Alerts:
    kin: object  # kin_stake_decisions about O1 (police section, city level), the full evidence chain
    audit: object  # another discipline rule, about O2 (audit bureau), in a district
    rotation: object  # rotation_due about O2: the organisation department's business
    old: object  # no longer raised by the latest scan, dismissed earlier


@pytest.fixture
def alerts(world) -> Alerts:
    brother_id = world.relative.id_number
    kin = make_alert(
        rule="kin_stake_decisions", score=88.5, officials=["O1"], department="QJ-GA-ZA", region="530300",
        summary="崔永（sibling）关联企业 富源县兴旺煤矿 获本单位决定 2 次",
        entities={"enterprise_uscc": [world.holding_firm.uscc, world.mine.uscc], "application_id": ["BJ1", "BJ2"]},
        evidence=[
            {"subject": "official:O1", "subject_label": "崔永", "relation": "declared_relative",
             "object": f"person:{brother_id}", "object_label": "崔勇", "detail": "sibling"},
            {"subject": f"person:{brother_id}", "subject_label": "崔勇", "relation": "holds",
             "object": f"enterprise:{world.holding_firm.uscc}", "object_label": world.holding_firm.name,
             "detail": f"60.00%; full_id {brother_id}"},
            {"subject": f"enterprise:{world.holding_firm.uscc}", "subject_label": world.holding_firm.name,
             "relation": "holds", "object": f"enterprise:{world.mine.uscc}", "object_label": world.mine.name,
             "detail": "40.00%"},
            {"subject": "department:QJ-GA-ZA", "subject_label": "治安支队", "relation": "decided",
             "object": f"enterprise:{world.mine.uscc}", "object_label": world.mine.name,
             "detail": "民用爆炸物品购买许可 ×2"},
            {"subject": "application:BJ1", "subject_label": "BJ1", "relation": "zz_unheard_of",
             "object": "tender:ZB1", "object_label": "ZB1", "detail": ""},
        ],
    )
    audit = make_alert(rule="audit_speed", score=61, officials=["O2"], department="QJ-SJ", region="530381",
                       summary="审计局 审计时长异常")
    rotation = make_alert(rule="rotation_due", score=40, officials=["O2"], department="QJ-SJ", region="530300",
                          summary="郭建春 任审计局局长 15 年")
    old = make_alert(rule="kin_stake_decisions", score=70, officials=["O1"], department="QJ-GA", region="530300",
                     status="dismissed", active=False, summary="旧预警 不再触发")
    return Alerts(kin, audit, rotation, old)
