"""Planted bid rigging (3) and a banned firm winning during its ban (6a):

- borrowed qualification: a qualified firm bids with the contact and project manager of a small firm
  registered elsewhere, wins, and subcontracts nearly everything to that firm (the land-bureau case);
- one person behind the bids of several firms; one contact phone on competing bids;
- a ring of firms taking turns to win one buyer's tenders; a habitual winner of one buyer;
- a firm registered weeks before a tender, with little capital, that wins it;
- a blacklisted briber bidding and winning while its ban runs.
"""

from __future__ import annotations

import datetime as dt

import numpy as np

from qinqing.demo.plant import Firm, Planter


def _buyer(p: Planter, kinds: tuple[str, ...], county: bool = True) -> int | None:
    depts = p.w.depts
    mask = np.isin(depts.buyer, kinds)
    cand = np.flatnonzero(mask & (depts.county_level == county))
    cand = cand if cand.shape[0] else np.flatnonzero(mask)
    return int(cand[p.rng.integers(0, cand.shape[0])]) if cand.shape[0] else None


def _area(p: Planter, buyer: int) -> tuple[int, bool]:
    return int(p.w.depts.region[buyer]), bool(p.w.depts.county_level[buyer])


def _fillers(p: Planter, buyer: int, kind: str, k: int, exclude: list[Firm]) -> list[Firm]:
    """Ordinary competitors (not reserved: they bid elsewhere too)."""
    area, county = _area(p, buyer)
    pool = p.w.index.pool(area, county, kind)
    pool = pool[p.w.index.category(kind)[pool]]
    skip = [f["index"] for f in exclude if "index" in f] + list(p.used_firms)
    pool = np.setdiff1d(pool, np.array(skip, dtype=np.int64))
    if pool.shape[0] < k:
        return []
    return [p.firm(int(f)) for f in p.rng.choice(pool, k, replace=False)]


def _compete(p: Planter, tender: dict, winner: Firm, rivals: list[Firm], **winner_bid: str) -> None:
    share = float(p.rng.uniform(0.9, 0.94))
    p.bid(tender, winner, share, winner=True, **winner_bid)
    for rival in rivals:
        p.bid(tender, rival, share + float(p.rng.uniform(0.015, 0.05)))


def _top_of(p: Planter, dept_code: str) -> str | None:
    d = p.dept_index.get(dept_code)
    off = p.w.off
    hit = np.flatnonzero((off.dept == d) & (off.kind == "top")) if d is not None else []
    return off.official_id[int(hit[0])] if len(hit) else None


def borrowed_qualification(p: Planter, i: int) -> None:
    buyer = _buyer(p, ("land_consolidation",))
    if buyer is None:
        return
    area, county = _area(p, buyer)
    firms = p.take_firms(area, county, "land_consolidation", 1, min_capital=1e7)
    rivals = _fillers(p, buyer, "land_consolidation", 3, firms)
    if not firms or not rivals:
        return
    holder = firms[0]
    region = str(area) if county else p.counties_of(area)[0]
    operator = p.new_firm("E4710", region, 5e5, dt.date(2020, int(p.rng.integers(1, 12)), 9), word="建筑劳务")
    tender = p.tender(
        buyer,
        "land_consolidation",
        p.random_day(dt.date(2023, 3, 1), dt.date(2025, 2, 28)),
        4e6 * float(p.rng.uniform(0.8, 2.0)),
    )
    _compete(
        p, tender, holder, rivals, contact=operator["contact"], phone=operator["phone"], pm=operator["pm"]
    )
    if tender["awarded"] is not None:
        amount = tender["budget"] * 0.92
        p.money(
            holder["uscc"],
            operator["uscc"],
            amount * 0.95,
            tender["awarded"].date() + dt.timedelta(days=20),
            "subcontract",
        )
    head = _top_of(p, f"{area}03")
    if head:
        p.contact(
            head,
            operator["uscc"],
            tender["published"].date() - dt.timedelta(days=9),
            "banquet",
            "与投标企业实际控制人饮酒吃饭",
            3200.0,
        )
    p.record(
        "borrowed_qualification",
        "A qualified firm's winning land-consolidation bid names as contact and project manager people "
        "registered at a small labour firm, which then receives 95% of the contract as a subcontract.",
        tender_id=[tender["tender_id"]],
        enterprise_uscc=[holder["uscc"]],
        operator_uscc=[operator["uscc"]],
        person_id=[operator["pm"]],
        official_id=head,
    )


def one_person_many_bidders(p: Planter, i: int) -> None:
    buyer = _buyer(p, ("building_works",))
    if buyer is None:
        return
    area, county = _area(p, buyer)
    firms = p.take_firms(area, county, "building_works", 3)
    if not firms or firms[0]["pm"] is None:
        return
    a, b, c = firms
    phone = a["pm_phone"]
    tenders = []
    for fronted in (b, c):
        rivals = _fillers(p, buyer, "building_works", 2, firms)
        tender = p.tender(
            buyer,
            "building_works",
            p.random_day(dt.date(2023, 3, 1), dt.date(2025, 3, 31)),
            6e6 * float(p.rng.uniform(0.7, 1.6)),
        )
        share = float(p.rng.uniform(0.9, 0.93))
        p.bid(tender, fronted, share, winner=True, contact=a["pm_name"], phone=phone, pm=a["pm"])
        others = [x for x in (a, b, c) if x is not fronted]
        for other in others:
            same = {} if other is a else {"contact": a["pm_name"], "phone": phone}
            p.bid(tender, other, share + float(p.rng.uniform(0.01, 0.03)), pm=a["pm"], **same)
        for rival in rivals:
            p.bid(tender, rival, share + float(p.rng.uniform(0.02, 0.06)))
        tenders.append(tender["tender_id"])
    p.record(
        "one_person_many_bidders",
        "One person, registered as project manager of one firm, is contact and project manager on the "
        "bids of three competing firms in two tenders.",
        person_id=[a["pm"]],
        enterprise_uscc=[a["uscc"], b["uscc"], c["uscc"]],
        tender_id=tenders,
    )


def shared_phone(p: Planter, i: int) -> None:
    buyer = _buyer(p, ("road_works",))
    if buyer is None:
        return
    area, county = _area(p, buyer)
    firms = p.take_firms(area, county, "road_works", 3)
    rivals = _fillers(p, buyer, "road_works", 2, firms)
    if not firms or not rivals:
        return
    d, e, f = firms
    tender = p.tender(buyer, "road_works", p.random_day(dt.date(2023, 3, 1), dt.date(2025, 3, 31)), 5e6)
    share = float(p.rng.uniform(0.9, 0.93))
    p.bid(tender, e, share, winner=True, phone=d["phone"])
    p.bid(tender, d, share + 0.02)
    p.bid(tender, f, share + 0.03, phone=d["phone"])
    for rival in rivals:
        p.bid(tender, rival, share + float(p.rng.uniform(0.02, 0.06)))
    p.record(
        "shared_contact_phone",
        "Three competing bids give the same contact phone (registered as one bidder's contact).",
        tender_id=[tender["tender_id"]],
        enterprise_uscc=[d["uscc"], e["uscc"], f["uscc"]],
        phone=d["phone"],
    )


def bid_ring(p: Planter, i: int) -> None:
    buyer = _buyer(p, ("road_works", "municipal_works"))
    if buyer is None:
        return
    kind = str(p.w.depts.buyer[buyer])
    area, county = _area(p, buyer)
    ring = p.take_firms(area, county, kind, 4)
    if not ring:
        return
    tenders = []
    for j in range(8):
        day = p.day(dt.date(2023, 2, 1) + dt.timedelta(days=80 * j + int(p.rng.integers(0, 20))))
        tender = p.tender(buyer, kind, day, 6e6 * float(p.rng.uniform(0.6, 1.5)))
        extra = _fillers(p, buyer, kind, 1, ring) if j % 2 else []
        _compete(p, tender, ring[j % 4], [r for r in ring if r is not ring[j % 4]] + extra)
        tenders.append(tender["tender_id"])
    p.record(
        "bid_rotation_ring",
        "Four firms bid together on eight tenders of one buyer and win in turn, the losers' prices a "
        "little above the winner's.",
        department_code=p.w.depts.code[buyer],
        enterprise_uscc=[r["uscc"] for r in ring],
        tender_id=tenders,
    )


def habitual_winner(p: Planter, i: int) -> None:
    buyer = _buyer(p, ("medical_goods", "medical_equipment", "building_works"), county=i % 2 == 0)
    if buyer is None:
        return
    kind = str(p.w.depts.buyer[buyer])
    area, county = _area(p, buyer)
    firms = p.take_firms(area, county, kind, 1)
    if not firms:
        return
    champion = firms[0]
    tenders = []
    for j in range(12):
        day = p.day(dt.date(2023, 1, 16) + dt.timedelta(days=70 * j + int(p.rng.integers(0, 15))))
        rivals = _fillers(p, buyer, kind, 3, firms)
        if not rivals:
            continue
        tender = p.tender(buyer, kind, day, 2e6 * float(p.rng.uniform(0.5, 2.0)))
        if j == 5:
            _compete(p, tender, rivals[0], [champion, *rivals[1:]])
        else:
            _compete(p, tender, champion, rivals)
        tenders.append(tender["tender_id"])
    p.record(
        "habitual_winner",
        "One firm wins eleven of the twelve tenders it enters at one buyer (标王).",
        department_code=p.w.depts.code[buyer],
        enterprise_uscc=[champion["uscc"]],
        tender_id=tenders,
    )


def new_shell_winner(p: Planter, i: int) -> None:
    buyer = _buyer(p, ("municipal_works",), county=i % 2 == 1)
    if buyer is None:
        return
    area, county = _area(p, buyer)
    day = p.random_day(dt.date(2023, 3, 1), dt.date(2025, 3, 31))
    published = p.stamp(day).date()
    region = str(area) if county else p.counties_of(area)[0]
    shell = p.new_firm("E4813", region, 1e5, published - dt.timedelta(days=int(p.rng.integers(10, 26))))
    rivals = _fillers(p, buyer, "municipal_works", 3, [])
    if not rivals:
        return
    tender = p.tender(buyer, "municipal_works", day, 4e6 * float(p.rng.uniform(0.8, 1.5)))
    _compete(p, tender, shell, rivals)
    p.record(
        "new_shell_winner",
        "A firm registered two to four weeks before the tender, with 100,000 yuan of capital, wins a "
        "multi-million municipal works contract.",
        tender_id=[tender["tender_id"]],
        enterprise_uscc=[shell["uscc"]],
    )


def blacklisted_bidder(p: Planter, i: int) -> None:
    buyer = _buyer(p, ("building_works",))
    if buyer is None:
        return
    area, county = _area(p, buyer)
    firms = p.take_firms(area, county, "building_works", 1)
    off, depts = p.w.off, p.w.depts
    o = p.take_official(
        (depts.region[off.dept] == area)
        & np.isin(off.kind, ("top", "deputy"))
        & (depts.bureau[off.dept] == 11)
    )
    if not firms or o is None:
        return
    firm = firms[0]
    opened = p.stamp(p.random_day(dt.date(2023, 4, 1), dt.date(2023, 10, 31)))
    case_id = p.next_id("k")
    p.rows["cases"].append(
        {
            "case_id": case_id,
            "subject_official_id": off.official_id[o],
            "opened_at": opened,
            "domain": "bidding",
            "gov_business_related": True,
            "misconduct_start_year": 2017,
            "bribe_amount": 150000.0,
            "party_sanction": "严重警告",
            "public_sanction": "记大过",
            "recovered": 150000.0,
            "briber_usccs": firm["uscc"],
        }
    )
    start = opened.date() + dt.timedelta(days=60)
    p.rows["blacklist"].append(
        {
            "uscc": firm["uscc"],
            "reason": "向公职人员行贿，列入行贿人黑名单，三年内限制参与招投标",
            "case_id": case_id,
            "start_date": start,
            "end_date": start + dt.timedelta(days=3 * 365),
        }
    )
    tenders = []
    for j in range(2):
        day = p.random_day(start + dt.timedelta(days=30 + 200 * j), start + dt.timedelta(days=200 + 200 * j))
        rivals = _fillers(p, buyer, "building_works", 3, firms)
        if not rivals:
            continue
        tender = p.tender(buyer, "building_works", day, 3e6 * float(p.rng.uniform(0.8, 1.5)))
        if j == 0:
            _compete(p, tender, firm, rivals)
        else:
            _compete(p, tender, rivals[0], [firm, *rivals[1:]])
        tenders.append(tender["tender_id"])
    p.record(
        "blacklisted_bidder",
        "A firm blacklisted for bribery bids on two tenders during its ban and wins one.",
        enterprise_uscc=[firm["uscc"]],
        case_id=[case_id],
        tender_id=tenders,
        official_id=off.official_id[o],
    )


def plant(p: Planter, i: int) -> None:
    borrowed_qualification(p, i)
    one_person_many_bidders(p, i)
    shared_phone(p, i)
    bid_ring(p, i)
    habitual_winner(p, i)
    new_shell_winner(p, i)
    blacklisted_bidder(p, i)
