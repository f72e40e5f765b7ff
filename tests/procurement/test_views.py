"""Tender pages: every role's access to every view, scoping of tenders and bids, the figures the pages show
(budget and winner percentages, winners' shares, co-bid counts, flags per year), flags through the alert
policy (recusal included), filters and newest-first paging.

Expectations are written out by hand (not read from roles.GRANTS), so a change of grants or scoping shows
up here as a failing test someone has to agree with.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from decimal import Decimal

import pytest
from django.urls import reverse
from django.utils import timezone

from qinqing.core.identifiers import make_id_number, make_uscc, mask_id_number
from qinqing.procurement import selectors
from tests.conftest import ROLES
from tests.risk.conftest import make_alert

TENDER_READERS = {"commission_analyst", "case_officer", "dept_officer", "enterprise_user", "admin"}
ANALYSTS = {"commission_analyst", "case_officer", "dept_officer", "admin"}
ALERT_READERS = {"commission_analyst", "case_officer", "admin"}  # of the tender readers
DECLARATION_ROLES = {"commission_analyst", "case_officer", "org_officer", "admin"}
PM_ID = make_id_number("530302", dt.date(1980, 5, 6), 33, "M")


def login(client, users, role: str):
    client.force_login(users[role])
    return client


def text(response) -> str:
    return response.content.decode()


def at(year: int, month: int, day: int) -> dt.datetime:
    return timezone.make_aware(dt.datetime(year, month, day, 9, 30))


@dataclass
class Market:
    a: object  # a firm that bids only against the mine
    b: object
    t1: object  # police, 2023: the mine wins against the holding firm and the enterprise user's firm
    t2: object  # police, 2024: the mine wins against the holding firm
    t3: object  # police, 2024: the holding firm wins against the mine and A
    t4: object  # audit, 2024: the enterprise user's firm wins against B


@pytest.fixture
def market(world) -> Market:
    from qinqing.procurement.models import Bid, Tender
    from qinqing.registry.models import Enterprise

    a = Enterprise.objects.create(uscc=make_uscc("530302", 4), name="曲靖陪标建筑有限公司", status="active")
    b = Enterprise.objects.create(uscc=make_uscc("530302", 5), name="曲靖审计咨询有限公司", status="active")

    def tender(tid, buyer, published, budget, title, method="open", sector="transport"):
        return Tender.objects.create(tender_id=tid, title=title, buyer=buyer, method=method, budget=Decimal(budget),
                                     published_at=published, sector=sector)

    t1 = tender("ZB-2023-001", world.police, at(2023, 3, 1), "1000000", "公安局2023年执法执勤车辆采购")
    t2 = tender("ZB-2024-002", world.police, at(2024, 2, 1), "2000000", "公安局指挥中心改造工程",
                sector="construction")
    t3 = tender("ZB-2024-003", world.police, at(2024, 5, 1), "500000", "公安局监控设备采购", method="inquiry")
    t4 = tender("ZB-2024-004", world.audit, at(2024, 6, 1), "300000", "审计局信息系统运维服务",
                method="competitive", sector="audit")

    def bid(t, firm, amount, winner=False, **kw):
        Bid.objects.create(tender=t, bidder=firm, amount=Decimal(amount), winner=winner,
                           submitted_at=t.published_at + dt.timedelta(days=10), **kw)

    bid(t1, world.mine, "900000", winner=True, contact_name="王强", contact_phone="13800000001",
        project_manager_id=PM_ID)
    bid(t1, world.holding_firm, "950000", contact_name="李娜", contact_phone="13800000002")
    bid(t1, world.other_firm, "980000", contact_name="赵敏", contact_phone="13800000003", disqualified=True)
    bid(t2, world.mine, "1800000", winner=True)
    bid(t2, world.holding_firm, "1900000")
    bid(t3, world.holding_firm, "450000", winner=True)
    bid(t3, world.mine, "480000")
    bid(t3, a, "490000")
    bid(t4, world.other_firm, "290000", winner=True)
    bid(t4, b, "295000")
    return Market(a, b, t1, t2, t3, t4)


@dataclass
class Flags:
    rigging: object  # names T1, the mine, the police bureau and O1
    kin: object  # names T3, the police bureau and O2
    rotation: object  # names the police bureau only
    gone: object  # names T1 but the latest scan no longer raises it


@pytest.fixture
def flags(world, market) -> Flags:
    rigging = make_alert(rule="bid_rigging", score=91, officials=["O1"], department="QJ-GA", summary="疑似围标",
                         entities={"tender_id": [market.t1.pk], "enterprise_uscc": [world.mine.uscc]})
    kin = make_alert(rule="kin_stake_decisions", score=80, officials=["O2"], department="QJ-GA",
                     summary="亲属企业中标", entities={"tender_id": [market.t3.pk, "ZB-ELSEWHERE"]})
    rotation = make_alert(rule="rotation_due", score=40, officials=["O2"], department="QJ-GA", summary="任职超期")
    gone = make_alert(rule="bid_rigging", score=50, department="QJ-GA", active=False, summary="旧预警",
                      entities={"tender_id": [market.t1.pk]})
    return Flags(rigging, kin, rotation, gone)


@pytest.fixture
def recused(world):
    """A commission analyst who is himself official O1: he must never read an alert naming him."""
    from qinqing.accounts.models import User

    return User.objects.create_user(username="u_recused", password="x", role="commission_analyst",
                                    official=world.official)


def tender_ids(response) -> list[str]:
    return [t.pk for t in response.context["page"].items]


# --- Who may open what


@pytest.mark.parametrize("name,args", [
    ("procurement:tenders", []), ("procurement:tender", ["ZB-2023-001"]), ("procurement:buyer", ["QJ-GA"]),
    ("procurement:bidder", [make_uscc("530325", 2)]),
])
def test_anonymous_visitor_is_sent_to_login(client, market, name, args):
    response = client.get(reverse(name, args=args))
    assert response.status_code == 302
    assert response.url.startswith(reverse("accounts:login"))


@pytest.mark.parametrize("role", ROLES)
def test_tender_list_per_role(client, users, market, role):
    response = login(client, users, role).get(reverse("procurement:tenders"))
    if role not in TENDER_READERS:
        assert response.status_code == 403
        return
    assert response.status_code == 200
    expected = {
        "dept_officer": ["ZB-2024-003", "ZB-2024-002", "ZB-2023-001"],  # the police bureau's only
        "enterprise_user": ["ZB-2024-004", "ZB-2023-001"],  # the tenders its firm bid in
    }.get(role, ["ZB-2024-004", "ZB-2024-003", "ZB-2024-002", "ZB-2023-001"])
    assert tender_ids(response) == expected  # newest first


@pytest.mark.parametrize("role", ROLES)
def test_tender_page_per_role(client, users, market, role):
    client = login(client, users, role)
    police, audit = (client.get(reverse("procurement:tender", args=[t.pk])) for t in (market.t1, market.t4))
    other_police = client.get(reverse("procurement:tender", args=[market.t2.pk]))
    if role not in TENDER_READERS:
        assert (police.status_code, audit.status_code, other_police.status_code) == (403, 403, 403)
        return
    assert police.status_code == 200
    # Outside the scope is "not found", never "forbidden": the tender's existence is not revealed.
    assert audit.status_code == (404 if role == "dept_officer" else 200)
    assert other_police.status_code == (404 if role == "enterprise_user" else 200)


@pytest.mark.parametrize("role", ROLES)
def test_buyer_page_per_role(client, users, market, role):
    response = login(client, users, role).get(reverse("procurement:buyer", args=["QJ-GA"]))
    if role not in ANALYSTS:
        assert response.status_code == 403  # enterprise users included: a market view puts firms side by side
        return
    assert response.status_code == 200
    assert response.context["shares"].wins == 3


@pytest.mark.parametrize("role", ROLES)
def test_bidder_page_per_role(client, users, world, market, role):
    client = login(client, users, role)
    mine = client.get(reverse("procurement:bidder", args=[world.mine.uscc]))
    own = client.get(reverse("procurement:bidder", args=[world.other_firm.uscc]))
    if role not in TENDER_READERS:
        assert (mine.status_code, own.status_code) == (403, 403)
        return
    assert own.status_code == 200
    assert mine.status_code == (404 if role == "enterprise_user" else 200)
    # The co-bidder network only for analysts; a firm gets its own bids without it.
    assert (own.context["co_bidders"] is not None) == (role in ANALYSTS)
    assert ("qq-cobid-graph" in text(own)) == (role in ANALYSTS)


@pytest.mark.parametrize("role", ROLES)
def test_menu_and_registry_pages_link_the_tender_pages(client, users, world, role):
    client = login(client, users, role)
    home = text(client.get(reverse("home")))
    assert (f'href="{reverse("procurement:tenders")}"' in home) == (role in TENDER_READERS)
    firm = client.get(reverse("registry:enterprise", args=[world.other_firm.uscc]))
    assert (reverse("procurement:bidder", args=[world.other_firm.uscc]) in text(firm)) == (role in TENDER_READERS)
    unit = client.get(reverse("registry:department", args=["QJ-GA"]))
    assert (reverse("procurement:buyer", args=["QJ-GA"]) in text(unit)) == (role in ANALYSTS)


# --- What the pages show


def test_tender_page_shows_every_bid_with_its_percentages(client, users, world, market):
    response = login(client, users, "case_officer").get(reverse("procurement:tender", args=[market.t1.pk]))
    rows = {r.bid.bidder_id: r for r in response.context["bids"]}
    assert list(rows) == [world.mine.uscc, world.holding_firm.uscc, world.other_firm.uscc]  # winner first
    assert rows[world.mine.uscc].of_budget == Decimal("90") and rows[world.mine.uscc].vs_winner == 0
    assert round(rows[world.holding_firm.uscc].vs_winner, 1) == Decimal("5.6")  # 950k / 900k − 1
    assert round(rows[world.other_firm.uscc].of_budget, 1) == Decimal("98.0")
    body = text(response)
    assert "+5.6%" in body and "+8.9%" in body and "95.0%" in body
    assert "13800000002" in body and "赵敏" in body
    # Bidders link to both the bidder page and the firm record.
    assert reverse("procurement:bidder", args=[world.holding_firm.uscc]) in body
    assert reverse("registry:enterprise", args=[world.holding_firm.uscc]) in body


@pytest.mark.parametrize("role", sorted(TENDER_READERS))
def test_project_manager_id_is_masked_unless_the_role_reads_declarations(client, users, market, role):
    response = login(client, users, role).get(reverse("procurement:tender", args=[market.t1.pk]))
    body = text(response)
    if role == "enterprise_user":
        assert mask_id_number(PM_ID) not in body and PM_ID not in body  # the winner's bid is not its own
        return
    assert (PM_ID in body) == (role in DECLARATION_ROLES)
    assert (mask_id_number(PM_ID) in body) == (role not in DECLARATION_ROLES)


def test_an_enterprise_sees_only_its_own_bid(client, users, world, market):
    response = login(client, users, "enterprise_user").get(reverse("procurement:tender", args=[market.t1.pk]))
    assert [r.bid.bidder_id for r in response.context["bids"]] == [world.other_firm.uscc]
    body = text(response)
    assert "980,000" in body and "950,000" not in body and "李娜" not in body
    assert response.context["bids"][0].vs_winner is None  # the winning bid is not its to see
    assert response.context["alerts"] is None
    # Nor can it learn from the list filter where a competitor bid.
    listed = login(client, users, "enterprise_user").get(
        reverse("procurement:tenders"), {"bidder": world.holding_firm.uscc})
    assert tender_ids(listed) == []


def test_buyer_page_shows_the_winners_shares(client, users, world, market):
    response = login(client, users, "commission_analyst").get(reverse("procurement:buyer", args=["QJ-GA"]))
    shares = response.context["shares"]
    assert (shares.wins, shares.amount, shares.winners) == (3, Decimal("3150000"), 2)
    top = [(s.uscc, s.wins, s.amount) for s in shares.top]
    assert top == [(world.mine.uscc, 2, Decimal("2700000")), (world.holding_firm.uscc, 1, Decimal("450000"))]
    assert round(shares.top[0].win_share, 4) == round(2 / 3, 4)
    assert round(shares.top[0].amount_share, 4) == round(2700000 / 3150000, 4)
    assert shares.others is None
    body = text(response)
    assert "85.7%" in body and "66.7%" in body and "14.3%" in body
    years = [(y.year, y.tenders, y.budget, y.awarded) for y in response.context["years"]]
    assert years == [(2023, 1, Decimal("1000000"), Decimal("900000")),
                     (2024, 2, Decimal("2500000"), Decimal("2250000"))]
    assert response.context["charts"]["shares"]["series"][0]["data"][0] == {"name": world.mine.name, "value": 270.0}
    assert 'data-qq-chart="qq-chart-shares"' in body and "vendor/echarts/echarts.min.js" in body


def test_winner_shares_put_the_rest_together(users, world, market):
    shares = selectors.winner_shares(users["admin"], world.police, top=1)
    assert [s.uscc for s in shares.top] == [world.mine.uscc]
    assert (shares.others.wins, shares.others.amount) == (1, Decimal("450000"))
    assert round(shares.others.win_share, 4) == round(1 / 3, 4)


def test_a_department_officer_sees_no_tenders_of_another_unit(client, users, market):
    response = login(client, users, "dept_officer").get(reverse("procurement:buyer", args=["QJ-SJ"]))
    assert response.status_code == 200
    assert response.context["years"] == [] and response.context["shares"].wins == 0


def test_bidder_page_counts_co_bids_and_wins(client, users, world, market):
    response = login(client, users, "commission_analyst").get(reverse("procurement:bidder", args=[world.mine.uscc]))
    found = response.context["co_bidders"]
    assert found.total == 3
    rows = [(r.uscc, r.together, r.they_won, r.we_won) for r in found.rows]
    tied = sorted([world.other_firm.uscc, market.a.uscc])  # one tender each, no win: by USCC
    assert rows == [(world.holding_firm.uscc, 3, 1, 2), (tied[0], 1, 0, 1 if tied[0] == world.other_firm.uscc else 0),
                    (tied[1], 1, 0, 1 if tied[1] == world.other_firm.uscc else 0)]
    assert (response.context["totals"]["bids"], response.context["totals"]["wins"]) == (3, 2)
    per_buyer = [(b.code, b.bids, b.wins, b.won) for b in response.context["buyers"]]
    assert per_buyer == [("QJ-GA", 3, 2, Decimal("2700000"))]
    graph = response.context["graph"]
    edges = {e["data"]["target"]: e["data"]["weight"] for e in graph["edges"]}
    assert edges[f"e:{world.holding_firm.uscc}"] == 3
    won = {n["data"]["id"]: n["data"]["won"] for n in graph["nodes"]}
    assert won[f"e:{world.holding_firm.uscc}"] is True and won[f"e:{market.a.uscc}"] is False


def test_co_bidders_are_limited_to_the_strongest(client, users, world, market):
    found = selectors.co_bidders(users["admin"], world.mine, top=1)
    assert [r.uscc for r in found.rows] == [world.holding_firm.uscc] and found.total == 3
    response = login(client, users, "admin").get(reverse("procurement:bidder", args=[world.mine.uscc]), {"top": "10"})
    assert response.context["top"] == 10
    assert login(client, users, "admin").get(
        reverse("procurement:bidder", args=[world.mine.uscc]), {"top": "9999"}).context["top"] == 20


def test_a_department_officer_sees_co_bids_in_its_own_units_only(users, world, market):
    found = selectors.co_bidders(users["dept_officer"], world.other_firm)
    # T1 only (T4, the audit bureau's, is not theirs); the mine won it, so it comes first.
    assert [(r.uscc, r.together, r.they_won) for r in found.rows] == [(world.mine.uscc, 1, 1),
                                                                       (world.holding_firm.uscc, 1, 0)]


# --- Flags


@pytest.mark.parametrize("role", sorted(TENDER_READERS))
def test_tender_flags_per_role(client, users, market, flags, role):
    response = login(client, users, role).get(reverse("procurement:tender", args=[market.t1.pk]))
    alerts = response.context["alerts"]
    if role not in ALERT_READERS:
        assert alerts is None and reverse("risk:alert", args=[flags.rigging.pk]) not in text(response)
        return
    assert [a.pk for a in alerts] == [flags.rigging.pk]  # not the alert the latest scan no longer raises
    assert reverse("risk:alert", args=[flags.rigging.pk]) in text(response)


def test_a_recused_user_never_sees_an_alert_naming_him(client, users, world, market, flags, recused):
    client.force_login(recused)
    tender = client.get(reverse("procurement:tender", args=[market.t1.pk]))
    assert tender.context["alerts"] == []
    assert reverse("risk:alert", args=[flags.rigging.pk]) not in text(tender)
    buyer = client.get(reverse("procurement:buyer", args=["QJ-GA"]))
    assert flags.rigging.pk not in {a.pk for a in buyer.context["alerts"]}
    assert [a.pk for a in client.get(reverse("procurement:bidder", args=[world.mine.uscc])).context["alerts"]] == []
    listed = client.get(reverse("procurement:tenders"), {"flagged": "on"})
    assert tender_ids(listed) == [market.t3.pk]
    # Whoever is not recused sees it everywhere.
    client.force_login(users["commission_analyst"])
    assert [a.pk for a in client.get(reverse("procurement:bidder", args=[world.mine.uscc])).context["alerts"]] == [
        flags.rigging.pk]


def test_flagged_only_and_flag_counts(client, users, market, flags):
    response = login(client, users, "commission_analyst").get(reverse("procurement:tenders"), {"flagged": "on"})
    assert tender_ids(response) == [market.t3.pk, market.t1.pk]
    assert response.context["flag_counts"] == {market.t3.pk: 1, market.t1.pk: 1}
    # Roles that may not read alerts get neither the filter nor the counts; the parameter is ignored.
    response = login(client, users, "dept_officer").get(reverse("procurement:tenders"), {"flagged": "on"})
    assert "flagged" not in response.context["form"].fields and response.context["flag_counts"] is None
    assert len(tender_ids(response)) == 3


def test_buyer_flags_per_year(client, users, market, flags):
    response = login(client, users, "admin").get(reverse("procurement:buyer", args=["QJ-GA"]))
    # By the year of the tender an alert names; the rotation alert names none: the year it was first raised.
    raised = timezone.localtime(flags.rotation.created_at).year
    expected: dict[int, int] = {2023: 1, 2024: 1}
    expected[raised] = expected.get(raised, 0) + 1
    assert response.context["flag_years"] == sorted(expected.items())
    assert {a.pk for a in response.context["alerts"]} == {flags.rigging.pk, flags.kin.pk, flags.rotation.pk}
    assert response.context["charts"]["flags"]["series"][0]["data"] == [n for _, n in sorted(expected.items())]


def test_dept_officer_buyer_page_has_no_flags(client, users, market, flags):
    response = login(client, users, "dept_officer").get(reverse("procurement:buyer", args=["QJ-GA"]))
    assert response.context["flag_years"] is None and response.context["alerts"] is None
    assert reverse("risk:alert", args=[flags.rigging.pk]) not in text(response)


# --- Filters and paging


@pytest.mark.parametrize("params,expected", [
    ({"year": "2023"}, ["ZB-2023-001"]),
    ({"buyer": "QJ-SJ"}, ["ZB-2024-004"]),
    ({"method": "inquiry"}, ["ZB-2024-003"]),
    ({"sector": "construction"}, ["ZB-2024-002"]),
    ({"q": "监控"}, ["ZB-2024-003"]),
    ({"q": "ZB-2024-002"}, ["ZB-2024-002"]),
    ({"year": "2024", "buyer": "QJ-GA"}, ["ZB-2024-003", "ZB-2024-002"]),
    ({"year": "1800"}, ["ZB-2024-004", "ZB-2024-003", "ZB-2024-002", "ZB-2023-001"]),  # invalid: ignored
])
def test_tender_list_filters(client, users, market, params, expected):
    response = login(client, users, "case_officer").get(reverse("procurement:tenders"), params)
    assert tender_ids(response) == expected


def test_bidder_filter(client, users, world, market):
    response = login(client, users, "case_officer").get(reverse("procurement:tenders"), {"bidder": market.a.uscc})
    assert tender_ids(response) == [market.t3.pk]


def test_tender_list_pages_newest_first(client, users, market):
    from qinqing.procurement.models import Tender

    qs = Tender.objects.all()
    first = selectors.newest_first(qs, size=2)
    assert [t.pk for t in first.items] == ["ZB-2024-004", "ZB-2024-003"] and first.before is None
    second = selectors.newest_first(qs, after=first.after, size=2)
    assert [t.pk for t in second.items] == ["ZB-2024-002", "ZB-2023-001"] and second.after is None
    back = selectors.newest_first(qs, before=second.before, size=2)
    assert [t.pk for t in back.items] == ["ZB-2024-004", "ZB-2024-003"] and back.before is None
    # Through the page: the pager's cursor leads to the older tenders, in the htmx fragment too.
    client = login(client, users, "admin")
    response = client.get(reverse("procurement:tenders"), {"after": first.after})
    assert tender_ids(response) == ["ZB-2024-002", "ZB-2023-001"]
    partial = client.get(reverse("procurement:tenders"), {"after": first.after}, headers={"HX-Request": "true"})
    assert "<html" not in text(partial) and "ZB-2023-001" in text(partial)


@pytest.mark.parametrize("cursor", ['["2024-13-45 00:00:00 00:00", "ZB-2024-004"]', '["x"]', "not json", '[1, 2]'])
def test_an_edited_cursor_means_the_first_page(client, users, market, cursor):
    response = login(client, users, "admin").get(reverse("procurement:tenders"), {"after": cursor})
    assert response.status_code == 200
    assert tender_ids(response) == ["ZB-2024-004", "ZB-2024-003", "ZB-2024-002", "ZB-2023-001"]
