"""The alert queue pages: every role's access to every view, recusal, decisions, precision, filters, audit.

Expectations are written out by hand (not read from roles.GRANTS), so a change of grants or scoping
shows up here as a failing test someone has to agree with.
"""

from __future__ import annotations

import json

import pytest
from django.urls import reverse

from qinqing.accounts import scoping
from qinqing.audit.models import AuditEvent
from qinqing.risk import selectors
from qinqing.risk.models import Alert, Decision
from tests.conftest import ROLES
from tests.risk.conftest import ALERT_READERS, DECIDERS, make_alert

ACTIONS = {"confirm": "confirmed", "dismiss": "dismissed", "verify": "verifying"}


def login(client, users, role: str):
    client.force_login(users[role])
    return client


def text(response) -> str:
    return response.content.decode()


def listed(response) -> set[int]:
    return {a.pk for a in response.context["page"].items}


# --- Who may open what


@pytest.mark.parametrize("name", ["risk:queue", "risk:alert", "risk:decide"])
def test_anonymous_visitor_is_sent_to_login(client, alerts, name):
    url = reverse(name) if name == "risk:queue" else reverse(name, args=[alerts.kin.pk])
    response = client.post(url, {"action": "confirm"}) if name == "risk:decide" else client.get(url)
    assert response.status_code == 302
    assert response.url.startswith(reverse("accounts:login"))
    assert Alert.objects.get(pk=alerts.kin.pk).status == "new"


@pytest.mark.parametrize("role", ROLES)
def test_queue_per_role(client, users, alerts, role):
    response = login(client, users, role).get(reverse("risk:queue"))
    if role not in ALERT_READERS:
        assert response.status_code == 403
        return
    assert response.status_code == 200
    # The organisation department reads only rotation alerts; nobody's queue holds an alert the latest
    # scan no longer raises, unless asked.
    expected = {alerts.rotation.pk} if role == "org_officer" else {alerts.kin.pk, alerts.audit.pk, alerts.rotation.pk}
    assert listed(response) == expected


@pytest.mark.parametrize("role", ROLES)
def test_detail_per_role(client, users, alerts, role):
    client = login(client, users, role)
    discipline = client.get(reverse("risk:alert", args=[alerts.kin.pk]))
    rotation = client.get(reverse("risk:alert", args=[alerts.rotation.pk]))
    if role not in ALERT_READERS:
        assert (discipline.status_code, rotation.status_code) == (403, 403)
        return
    assert rotation.status_code == 200
    # Outside the role's scope is "not found", never "forbidden": the alert's existence is not revealed.
    assert discipline.status_code == (404 if role == "org_officer" else 200)


@pytest.mark.parametrize("action", ACTIONS)
@pytest.mark.parametrize("role", ROLES)
def test_decision_per_role(client, users, alerts, role, action):
    response = login(client, users, role).post(reverse("risk:decide", args=[alerts.kin.pk]),
                                               {"action": action, "reason": "核实材料已齐"})
    alert = Alert.objects.get(pk=alerts.kin.pk)
    if role in DECIDERS:
        assert response.status_code == 302
        assert response.url == reverse("risk:alert", args=[alerts.kin.pk])
        assert alert.status == ACTIONS[action]
        assert alert.decided_by == users[role]
    else:
        assert response.status_code == 403
        assert alert.status == "new" and not Decision.objects.exists()


@pytest.mark.parametrize("role", sorted(ALERT_READERS))
def test_decision_needs_post(client, users, alerts, role):
    response = login(client, users, role).get(reverse("risk:decide", args=[alerts.kin.pk]))
    assert response.status_code == 405


@pytest.mark.parametrize("role", ROLES)
def test_decision_forms_only_for_roles_that_may_decide(client, users, alerts, role):
    response = login(client, users, role).get(reverse("risk:alert", args=[alerts.rotation.pk]))
    if role not in ALERT_READERS:
        assert response.status_code == 403
        return
    body = text(response)
    assert (reverse("risk:decide", args=[alerts.rotation.pk]) in body) == (role in DECIDERS)
    assert ("csrfmiddlewaretoken" in body and 'name="action" value="dismiss"' in body) == (role in DECIDERS)


@pytest.mark.parametrize("role", ROLES)
def test_menu_links_the_queue_for_readers(client, users, world, role):
    body = text(login(client, users, role).get(reverse("home")))
    assert (f'href="{reverse("risk:queue")}"' in body) == (role in ALERT_READERS)


def test_decisions_are_refused_without_a_csrf_token(users, alerts):
    from django.test import Client

    client = Client(enforce_csrf_checks=True)
    client.force_login(users["commission_analyst"])
    response = client.post(reverse("risk:decide", args=[alerts.kin.pk]), {"action": "confirm"})
    assert response.status_code == 403
    assert Alert.objects.get(pk=alerts.kin.pk).status == "new"


# --- Recusal 回避


@pytest.mark.parametrize("role", sorted(ALERT_READERS))
def test_a_reader_linked_to_the_official_never_sees_the_alert(client, users, world, alerts, role):
    user = users[role]
    # The organisation department reads rotation alerts, so its officer is recused from O2's.
    subject, alert = (world.other_official, alerts.rotation) if role == "org_officer" else (world.official, alerts.kin)
    user.official = subject
    user.save()
    client = login(client, users, role)

    queue = client.get(reverse("risk:queue"), {"include_inactive": "on"})
    assert alert.pk not in listed(queue)
    assert alert.summary not in text(queue)
    assert client.get(reverse("risk:alert", args=[alert.pk])).status_code == 404
    decided = client.post(reverse("risk:decide", args=[alert.pk]), {"action": "confirm"})
    assert decided.status_code == (404 if role in DECIDERS else 403)
    assert Alert.objects.get(pk=alert.pk).status == alert.status
    assert not AuditEvent.objects.filter(action="view", object_type="risk.alert").exists()


def test_recusal_matches_whole_official_ids_only(users, world, alerts):
    make_alert(rule="audit_speed", score=50, officials=["O11", "O2"], department="QJ-SJ", summary="O11 的预警")
    analyst = users["commission_analyst"]
    analyst.official = world.official  # O1: a prefix of O11, which must not recuse
    analyst.save()
    seen = set(scoping.visible(analyst, Alert).values_list("officials", flat=True))
    assert "|O11|O2|" in seen and "|O1|" not in seen


def test_recusal_leaves_the_precision_of_hidden_alerts_out(users, world, alerts):
    analyst = users["commission_analyst"]
    analyst.official = world.official
    analyst.save()
    rows = {r.rule: r for r in selectors.rule_precision(scoping.visible(analyst, Alert))}
    assert "kin_stake_decisions" not in rows  # both of its alerts name O1


# --- Decisions


def test_dismissal_without_a_reason_is_refused(client, users, alerts):
    client = login(client, users, "commission_analyst")
    response = client.post(reverse("risk:decide", args=[alerts.kin.pk]), {"action": "dismiss", "reason": "  "})
    assert response.status_code == 400
    assert "reason" in response.context["form"].errors
    assert 'class="alert alert-danger"' in text(response)
    assert Alert.objects.get(pk=alerts.kin.pk).status == "new"
    assert not Decision.objects.exists()


def test_an_unknown_action_is_refused(client, users, alerts):
    response = login(client, users, "admin").post(reverse("risk:decide", args=[alerts.kin.pk]),
                                                  {"action": "reopen", "reason": "x"})
    assert response.status_code == 400
    assert "action" in response.context["form"].errors
    assert not Decision.objects.exists()


def test_decisions_are_recorded_with_user_and_reason_and_shown_in_history(client, users, alerts):
    analyst, admin = users["commission_analyst"], users["admin"]
    url = reverse("risk:decide", args=[alerts.kin.pk])
    login(client, users, "commission_analyst").post(url, {"action": "verify", "reason": "请核实股权"})
    login(client, users, "admin").post(url, {"action": "dismiss", "reason": "亲属已于 2019 年退股"})
    decisions = list(Decision.objects.filter(alert=alerts.kin).order_by("at", "id"))
    assert [(d.user, d.action, d.reason) for d in decisions] == [
        (analyst, "verify", "请核实股权"), (admin, "dismiss", "亲属已于 2019 年退股")]
    alert = Alert.objects.get(pk=alerts.kin.pk)
    assert (alert.status, alert.decided_by, alert.decision_reason) == ("dismissed", admin, "亲属已于 2019 年退股")

    page = client.get(reverse("risk:alert", args=[alerts.kin.pk]))
    history = [(d.user, d.action) for d in page.context["decisions"]]
    assert history == [(admin, "dismiss"), (analyst, "verify")]  # newest first
    assert "请核实股权" in text(page) and "亲属已于 2019 年退股" in text(page)


def test_a_decision_is_confirmed_to_the_analyst(client, users, alerts):
    response = login(client, users, "commission_analyst").post(
        reverse("risk:decide", args=[alerts.kin.pk]), {"action": "confirm"}, follow=True)
    assert response.status_code == 200
    assert [m.level_tag for m in response.context["messages"]] == ["success"]


# --- Precision per rule


def test_precision_per_rule_counts_confirmed_over_decided(client, users, world, alerts):
    for i, status in enumerate(["confirmed", "confirmed", "dismissed", "verifying"]):
        make_alert(rule="audit_speed", score=30 + i, officials=["O2"], department="QJ-SJ", status=status,
                   active=i % 2 == 0, summary=f"audit {i}")
    rows = {r.rule: r for r in selectors.rule_precision(scoping.visible(users["case_officer"], Alert))}
    audit = rows["audit_speed"]
    # Fixture: one new audit alert; here two confirmed, one dismissed, one awaiting verification.
    assert (audit.confirmed, audit.dismissed, audit.open, audit.decided) == (2, 1, 2, 3)
    assert audit.precision == pytest.approx(2 / 3)
    kin = rows["kin_stake_decisions"]  # one new, one dismissed (no longer raised: still a decision)
    assert (kin.confirmed, kin.dismissed, kin.precision) == (0, 1, 0.0)
    assert rows["rotation_due"].precision is None  # nothing decided yet

    body = text(login(client, users, "case_officer").get(reverse("risk:queue")))
    assert 'data-rule="audit_speed"' in body and "67%" in body


def test_precision_panel_of_the_organisation_department_shows_only_its_rules(client, users, alerts):
    response = login(client, users, "org_officer").get(reverse("risk:queue"))
    assert [r.rule for r in response.context["precision"]] == ["rotation_due"]


# --- Filters


@pytest.mark.parametrize("params,expected", [
    ({}, {"kin", "audit", "rotation"}),
    ({"rule": "rotation_due"}, {"rotation"}),
    ({"region": "530381"}, {"audit"}),
    ({"region": "530300"}, {"kin", "audit", "rotation"}),  # a city code holds its districts
    ({"department": "QJ-GA"}, {"kin"}),  # units below it included
    ({"department": "QJ"}, {"kin", "audit", "rotation"}),
    ({"min_score": "60"}, {"kin", "audit"}),
    ({"status": "dismissed"}, set()),
    ({"status": "dismissed", "include_inactive": "on"}, {"old"}),
    ({"include_inactive": "on"}, {"kin", "audit", "rotation", "old"}),
    ({"min_score": "lots"}, {"kin", "audit", "rotation"}),  # an unreadable filter is ignored, and shown
])
def test_queue_filters(client, users, alerts, params, expected):
    response = login(client, users, "commission_analyst").get(reverse("risk:queue"), params)
    assert response.status_code == 200
    names = {getattr(alerts, name).pk: name for name in ("kin", "audit", "rotation", "old")}
    assert {names[pk] for pk in listed(response)} == expected


def test_queue_is_sorted_by_score_and_pages(client, users, alerts, settings):
    from qinqing.registry import pagination

    for i in range(pagination.PAGE_SIZE):
        make_alert(rule="audit_speed", score=50 + (i % 7) / 10, officials=["O2"], summary=f"bulk {i}")
    client = login(client, users, "commission_analyst")
    first = client.get(reverse("risk:queue"))
    page = first.context["page"]
    scores = [a.score for a in page.items]
    assert scores == sorted(scores, reverse=True) and scores[0] == 88.5
    assert page.after
    second = client.get(reverse("risk:queue"), {"after": page.after})
    rest = [a.score for a in second.context["page"].items]
    assert rest and max(rest) <= min(scores)
    assert not {a.pk for a in page.items} & {a.pk for a in second.context["page"].items}
    assert len(page.items) + len(rest) == pagination.PAGE_SIZE + 3


def test_rule_and_district_choices_come_from_the_users_alerts(client, users, alerts):
    form = login(client, users, "org_officer").get(reverse("risk:queue")).context["form"]
    assert [c for c, _ in form.fields["rule"].choices] == ["", "rotation_due"]
    assert [c for c, _ in form.fields["region"].choices] == ["", "530300"]


def test_htmx_filter_returns_only_the_results(client, users, alerts):
    response = login(client, users, "commission_analyst").get(
        reverse("risk:queue"), {"rule": "audit_speed"}, headers={"HX-Request": "true"})
    assert response.status_code == 200
    assert "<html" not in text(response) and alerts.audit.summary in text(response)
    assert "HX-Request" in response["Vary"]


# --- The alert page


@pytest.fixture
def english(client):
    client.cookies["django_language"] = "en"
    return client


def test_detail_shows_rule_metadata_entities_facts_and_graph(english, users, world, alerts):
    response = login(english, users, "commission_analyst").get(reverse("risk:alert", args=[alerts.kin.pk]))
    body = text(response)
    assert "Kin-held firm receives decisions from the official" in body  # the English title
    assert "第一百零三条" in body  # legal basis
    assert alerts.kin.summary in body and "88.5" in body
    # Entities link to the registry pages that exist; applications have none yet.
    assert f'href="{reverse("registry:official", args=["O1"])}"' in body
    assert f'href="{reverse("registry:enterprise", args=[world.mine.uscc])}"' in body
    assert f'href="{reverse("registry:department", args=["QJ-GA-ZA"])}"' in body
    assert "BJ2" in body
    # Relations in words; the relative's relation code as its label; an unknown code as it is.
    facts = response.context["facts"]
    assert [f.relation_label for f in facts] == [
        "declared relative", "holds shares in", "holds shares in", "decided for", "zz_unheard_of"]
    assert facts[0].detail == "Sibling"
    assert [f.subject.kind for f in facts] == ["official", "person", "enterprise", "department", "application"]
    assert facts[4].object.kind == "tender"

    graph = json.loads(body.split('id="qq-evidence-data" type="application/json">')[1].split("</script>")[0])
    assert len(graph["nodes"]) == 7 and len(graph["edges"]) == 5
    assert {n["data"]["kind"] for n in graph["nodes"]} == {
        "official", "person", "enterprise", "department", "application", "tender"}
    # A person's node id is a digest: the page's graph data carries no ID number as a key.
    assert not any(world.relative.id_number in n["data"]["id"] for n in graph["nodes"])
    assert graph["edges"][0]["data"]["label"] == "declared relative\nSibling"


def test_detail_in_chinese_by_default(client, users, alerts):
    body = text(login(client, users, "commission_analyst").get(reverse("risk:alert", args=[alerts.kin.pk])))
    assert "亲属持股或任职企业获本单位审批、中标、付款" in body


def test_an_alert_of_a_rule_no_longer_in_the_catalogue_shows_its_code(client, users, alerts):
    response = login(client, users, "admin").get(reverse("risk:alert", args=[alerts.audit.pk]))
    assert response.status_code == 200 and response.context["title"] == "audit_speed"


def test_id_numbers_in_fact_details_are_masked_for_roles_that_may_not_read_them(users, world, alerts):
    from qinqing.core.identifiers import mask_id_number
    from qinqing.risk import display

    full = display.facts(users["commission_analyst"], alerts.kin.evidence)
    masked = display.facts(users["liaison_leader"], alerts.kin.evidence)  # not a reader today: the rule holds
    brother = world.relative.id_number
    assert brother in full[1].detail and full[1].subject.key == brother
    assert brother not in masked[1].detail and mask_id_number(brother) in masked[1].detail
    assert masked[1].subject.key == mask_id_number(brother)


# --- Audit


def test_opening_an_alert_is_written_to_the_audit_log(client, users, alerts):
    login(client, users, "case_officer").get(reverse("risk:alert", args=[alerts.kin.pk]))
    events = list(AuditEvent.objects.filter(action="view"))
    assert [(e.object_type, e.object_id, e.actor_id) for e in events] == [
        ("risk.alert", str(alerts.kin.pk), users["case_officer"].pk)]
    assert "崔" not in json.dumps([e.detail for e in events], ensure_ascii=False)


def test_refused_alert_pages_write_no_audit_event(client, users, alerts):
    login(client, users, "org_officer").get(reverse("risk:alert", args=[alerts.kin.pk]))
    login(client, users, "dept_officer").get(reverse("risk:alert", args=[alerts.kin.pk]))
    assert not AuditEvent.objects.filter(action="view").exists()


def test_a_missing_alert_is_not_found(client, users, alerts):
    assert login(client, users, "admin").get(reverse("risk:alert", args=[999_999])).status_code == 404
