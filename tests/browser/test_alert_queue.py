"""An analyst's round through the alert queue: open the top alert, read its evidence graph, dismiss it."""

from __future__ import annotations

import re

import pytest

from tests.conftest import PASSWORD
from tests.risk.conftest import make_alert

pytestmark = pytest.mark.browser


@pytest.fixture
def alert(world):
    brother = world.relative.id_number
    return make_alert(
        rule="kin_stake_decisions", score=88.5, officials=["O1"], department="QJ-GA-ZA", region="530300",
        summary="崔永（sibling）关联企业 富源县兴旺煤矿 获本单位决定 2 次",
        evidence=[
            {"subject": "official:O1", "subject_label": "崔永", "relation": "declared_relative",
             "object": f"person:{brother}", "object_label": "崔勇", "detail": "sibling"},
            {"subject": f"person:{brother}", "subject_label": "崔勇", "relation": "holds",
             "object": f"enterprise:{world.holding_firm.uscc}", "object_label": world.holding_firm.name,
             "detail": "60.00%"},
            {"subject": f"enterprise:{world.holding_firm.uscc}", "subject_label": world.holding_firm.name,
             "relation": "holds", "object": f"enterprise:{world.mine.uscc}", "object_label": world.mine.name,
             "detail": "40.00%"},
            {"subject": "department:QJ-GA-ZA", "subject_label": "治安支队", "relation": "decided",
             "object": f"enterprise:{world.mine.uscc}", "object_label": world.mine.name, "detail": "许可 ×2"},
        ],
    )


def test_analyst_opens_an_alert_sees_its_evidence_graph_and_dismisses_it(users, alert, page):
    from qinqing.risk.models import Alert, Decision

    analyst = users["commission_analyst"]
    page.goto("/risk/alerts/")
    page.fill("input[name=username]", analyst.username)
    page.fill("input[name=password]", PASSWORD)
    page.locator("form[action$='/accounts/login/'] [type=submit]").click()
    page.wait_for_url(re.compile(r"/risk/alerts/$"))

    page.get_by_role("link", name=alert.summary).click()
    page.wait_for_url(re.compile(rf"/risk/alerts/{alert.pk}/$"))
    graph = page.locator("#qq-evidence-graph[data-rendered-nodes]")
    graph.wait_for()
    assert graph.get_attribute("data-rendered-nodes") == "5"  # official, relative, two firms, the unit
    assert graph.get_attribute("data-rendered-edges") == "4"
    assert page.locator("#qq-evidence-graph canvas").count() > 0
    assert page.locator("table.qq-facts tbody tr").count() == 4

    page.fill("#dismiss-reason", "亲属已于 2019 年退股，工商登记未及时变更")
    page.locator("#qq-dismiss [type=submit]").click()
    page.wait_for_selector(".alert-success")
    assert page.url.endswith(f"/risk/alerts/{alert.pk}/")

    alert.refresh_from_db()
    assert alert.status == Alert.Status.DISMISSED
    decision = Decision.objects.get(alert=alert)
    assert (decision.user_id, decision.action) == (analyst.pk, "dismiss")
    assert decision.reason == "亲属已于 2019 年退股，工商登记未及时变更"
    assert "亲属已于 2019 年退股" in page.locator("table.qq-history").inner_text()
