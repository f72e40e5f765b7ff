"""Planted abuse of approval power, after the article's cases:

1. a police official with the explosives-permit power whose declared brother holds coal mines directly
   and through layers of holding companies; the mines' permits go through at once; the brother's
   micro-loan firm lends to other mines that the same unit regulates;
2. a transport handler who finishes the matters of a few (paying) firms at once and lets others stall
   past the limit or sends them back again and again ("pay first, or wait");
4. an audit director, top leader for about ten years (longer in the unit), who fast-tracks the
   settlement audits of a few firms as "key government projects" while others are sent back;
5. a child's flat worth about 17 million yuan against the household's declared income.
"""

from __future__ import annotations

import datetime as dt

import numpy as np
import polars as pl

from qinqing.demo import industries as ind
from qinqing.demo.catalogue import AUDIT_SETTLEMENT, EXPLOSIVES_BUY, ROAD_TRANSPORT
from qinqing.demo.geography import COAL_COUNTIES
from qinqing.demo.plant import Planter, given_name_like

RELATIVE_OFFICIALS: dict[int, dict] = {}  # instance → what pattern 1 planted (used by the look-alikes)


def _has(duties: np.ndarray, duty: str) -> np.ndarray:
    return np.char.find(duties.astype(str), duty) >= 0


def _mine_county(p: Planter, dept: int) -> str:
    depts = p.w.depts
    if depts.county_level[dept]:
        return str(depts.region[dept])
    counties = p.counties_of(int(depts.region[dept]))
    coal = [c for c in counties if c in COAL_COUNTIES]
    return str(p.rng.choice(coal or counties))


def relative_stakes(p: Planter, i: int) -> None:
    off, depts = p.w.off, p.w.depts
    able = _has(off.duties, "explosives_permit") & np.isin(off.kind, ("deputy", "head"))
    prefer = (
        able
        & (off.kind == "deputy")
        & (~depts.county_level[off.dept] if i == 0 else True)
        & p.with_adult_relatives()
    )
    o = p.take_official(able, prefer)
    if o is None:
        return
    me = p.official(o)
    dept = me["dept"]
    section = depts.code[dept] if depts.subs[dept] is not None else f"{depts.code[dept]}01"
    item = p.item_code(section, EXPLOSIVES_BUY.name)
    if item is None:
        return
    county = _mine_county(p, dept)
    born = me["birth"] + dt.timedelta(days=int(p.rng.integers(-6 * 365, 6 * 365)))
    brother = p.person(me["region"], born, True, name=given_name_like(p.rng, me["name"], True), relative=True)
    p.rows["relatives"].append(
        {
            "official_id": me["official_id"],
            "name": brother["name"],
            "relation": "sibling",
            "id_number": brother["id_number"],
            "birth_date": brother["birth"],
        }
    )
    front = p.registry_person(int(county))
    mine1 = p.new_firm(
        ind.COAL,
        county,
        3e7 + 1e6 * int(p.rng.integers(0, 50)),
        dt.date(int(p.rng.integers(2008, 2014)), 5, 12),
        word="煤业",
        rep=front,
    )
    p.hold(mine1, brother, 0.35, dt.date(2012, 3, 1), shown="masked")
    p.hold(mine1, front, 0.65, dt.date(2012, 3, 1), shown="masked")
    deep = i % 2 == 0  # brother → H1 → H2 → mine (3 layers) or brother → H1 → mine (2 layers)
    seat = p.counties_of(int(county))[0]
    h1 = p.new_firm(ind.HOLDING, seat, 2e7, dt.date(2013, 8, 8), word="投资")
    p.hold(h1, brother, 0.7, dt.date(2013, 8, 8), shown="full")
    p.hold(h1, p.registry_person(int(seat)), 0.3, dt.date(2013, 8, 8))
    chain = [h1]
    if deep:
        h2 = p.new_firm(ind.HOLDING, county, 1.5e7, dt.date(2014, 6, 20), word="实业")
        p.hold(h2, h1, 0.6, dt.date(2014, 6, 20))
        p.hold(h2, p.registry_person(int(county)), 0.4, dt.date(2014, 6, 20))
        chain.append(h2)
    mine2 = p.new_firm(ind.COAL, county, 5e7, dt.date(2011, 9, 1), word="煤矿")
    p.hold(mine2, chain[-1], 0.51, dt.date(2015, 1, 10))
    p.hold(mine2, p.registry_person(int(county)), 0.49, dt.date(2011, 9, 1))
    lender = p.new_firm(ind.MICRO_LOAN, seat, 8e7, dt.date(2017, 4, 18), word="小额贷款", rep=brother)
    p.hold(lender, brother, 0.8, dt.date(2017, 4, 18), shown="masked")
    p.hold(lender, p.registry_person(int(seat)), 0.2, dt.date(2017, 4, 18))

    fast = []
    for mine in (mine1, mine2):  # permits granted the same or the next working day
        for _ in range(int(p.rng.integers(5, 8))):
            day = p.random_day(max(dt.date(2023, 1, 3), me["start"]), dt.date(2025, 6, 10))
            fast.append(
                p.application(item, mine["uscc"], me["official_id"], day, work=int(p.rng.integers(0, 2)))
            )
    area = int(depts.region[p.dept_index[section]])
    borrowers = p.take_firms(area, bool(depts.county_level[p.dept_index[section]]), "coal", 4)
    for mine in borrowers:  # other mines regulated by the same unit are steered to the brother's lender
        lent = dt.date(int(p.rng.integers(2021, 2025)), int(p.rng.integers(1, 13)), 15)
        amount = 1e6 * int(p.rng.integers(2, 10))
        p.money(lender["uscc"], mine["uscc"], amount, lent, "loan")
        p.money(mine["uscc"], lender["uscc"], amount * 1.18, lent + dt.timedelta(days=330), "payment")
        day = p.random_day(dt.date(2023, 1, 3), dt.date(2025, 5, 30))
        p.application(
            item, mine["uscc"], p.handler_in(p.dept_index[section]), day, work=int(p.rng.integers(2, 5))
        )
    relative = {"name": brother["name"], "relation": "sibling", "id_number": brother["id_number"]}
    RELATIVE_OFFICIALS[i] = {
        "o": o,
        "official": me,
        "brother": brother,
        "section": section,
        "item": item,
        "county": county,
        "area": area,
    }
    p.record(
        "relative_stake_approvals",
        "Police official with the explosives-permit power; his declared brother holds coal mines directly "
        "(masked ID in the registry) and through holding companies; their explosives permits are granted "
        "by him within a working day.",
        official_id=me["official_id"],
        relative=relative,
        department_code=section,
        item_code=item,
        enterprise_uscc=[mine1["uscc"], mine2["uscc"]],
        # the brother holds mine 1 directly and the chain's first firm, each firm the next, the last is mine 2
        ownership_chain=[f["uscc"] for f in chain] + [mine2["uscc"]],
        application_id=fast,
    )
    p.record(
        "relative_loan_firm_flows",
        "The same brother's micro-loan firm (J6635) lends to other coal mines that the official's unit "
        "regulates; the mines pay it back with interest.",
        official_id=me["official_id"],
        relative=relative,
        enterprise_uscc=[lender["uscc"]],
        counterparty_uscc=[m["uscc"] for m in borrowers],
    )


def assets_beyond_income(p: Planter, i: int) -> None:
    planted = RELATIVE_OFFICIALS.get(i)
    if planted is None:
        return
    me, brother = planted["official"], planted["brother"]
    kids = p.w.tables["relatives"].filter(
        (pl.col("official_id") == me["official_id"])
        & (pl.col("relation") == "child")
        & pl.col("id_number").is_not_null()
    )
    if kids.height:
        child = {"name": kids["name"][0], "id_number": kids["id_number"][0]}
    else:
        born = me["birth"].replace(year=me["birth"].year + 27)
        c = p.person(me["region"], born, False, surname=me["name"][0], relative=True)
        p.rows["relatives"].append(
            {
                "official_id": me["official_id"],
                "name": c["name"],
                "relation": "child",
                "id_number": c["id_number"],
                "birth_date": c["birth"],
            }
        )
        child = c
    value = 17_000_000 + 10_000 * int(p.rng.integers(0, 60))
    bought = dt.date(int(p.rng.integers(2019, 2023)), int(p.rng.integers(1, 13)), 18)
    p.rows["assets"].append(
        {
            "official_id": me["official_id"],
            "owner_name": child["name"],
            "kind": "property",
            "value": float(value),
            "acquired_date": bought,
            "location": "广东省深圳市南山区",
        }
    )
    p.money(
        brother["id_number"], child["id_number"], float(value), bought - dt.timedelta(days=12), "transfer"
    )
    income = p.w.tables["incomes"].filter(pl.col("official_id") == me["official_id"])["income"].sum()
    p.record(
        "assets_beyond_income",
        f"The official's child owns a flat worth {value} yuan in Shenzhen, paid by a transfer from his "
        f"brother; the household declared {income:.0f} yuan of income over five years.",
        official_id=me["official_id"],
        relative={"name": child["name"], "relation": "child", "id_number": child["id_number"]},
        person_id=[brother["id_number"], child["id_number"]],
        value=value,
    )


def pay_first(p: Planter, i: int) -> None:
    off, depts = p.w.off, p.w.depts
    able = _has(off.duties, "transport_permit") & (off.kind == "staff")
    o = p.take_official(able, ~depts.county_level[off.dept] if i == 0 else None)
    if o is None:
        return
    me = p.official(o)
    dept = me["dept"]
    item = p.item_code(depts.code[dept], ROAD_TRANSPORT.name)
    firms = p.take_firms(int(depts.region[dept]), bool(depts.county_level[dept]), "transport", 12)
    if item is None or not firms:
        return
    payers, others = firms[:3], firms[3:]
    start = max(dt.date(2023, 2, 1), me["start"])
    fast, slow = [], []
    for firm in payers:
        for _ in range(4):
            fast.append(
                p.application(
                    item,
                    firm["uscc"],
                    me["official_id"],
                    p.random_day(start, dt.date(2025, 6, 1)),
                    work=int(p.rng.integers(1, 3)),
                )
            )
    for n in range(24):
        firm = others[n % len(others)]
        day = p.random_day(start, dt.date(2025, 3, 31))
        if n % 2:
            slow.append(
                p.application(
                    item,
                    firm["uscc"],
                    me["official_id"],
                    day,
                    lag=int(p.rng.integers(1, 4)),
                    work=int(ROAD_TRANSPORT.limit * p.rng.uniform(1.4, 2.5)),
                )
            )
        else:
            returns = int(p.rng.integers(2, 5))
            slow.append(
                p.application(
                    item,
                    firm["uscc"],
                    me["official_id"],
                    day,
                    lag=2,
                    returns=returns,
                    work=int(ROAD_TRANSPORT.limit * p.rng.uniform(0.8, 1.4)) + 4 * returns,
                )
            )
    p.record(
        "pay_first_handler",
        "Transport handler who completes the road-transport licences of three firms within two working "
        "days while other firms' matters on the same item stall past the 20-day limit or are sent back "
        "again and again.",
        official_id=me["official_id"],
        department_code=depts.code[dept],
        item_code=item,
        enterprise_uscc=[f["uscc"] for f in payers],
        application_id=fast,
        delayed_application_id=slow,
    )


def audit_favouritism(p: Planter, i: int) -> None:
    off, depts = p.w.off, p.w.depts
    is_audit_head = (
        (off.kind == "top")
        & (depts.bureau[off.dept] == 2)
        & np.array([s is None for s in depts.subs])[off.dept]
    )
    o = p.take_official(is_audit_head, ~depts.county_level[off.dept] if i == 0 else None, settled=False)
    if o is None:
        return
    me = p.official(o)
    dept = me["dept"]
    section = f"{depts.code[dept]}01"
    item = p.item_code(section, AUDIT_SETTLEMENT.name)
    firms = p.take_firms(int(depts.region[dept]), bool(depts.county_level[dept]), "construction", 11)
    if item is None or not firms:
        return
    # About ten years as top leader, and deputy in the same bureau before that.
    top_since = dt.date(2015, int(p.rng.integers(7, 12)), 1)
    deputy_since = dt.date(int(p.rng.integers(2007, 2010)), 3, 1)
    posts = p.w.tables["posts"]
    current = posts.filter((pl.col("official_id") == me["official_id"]) & pl.col("end_date").is_null())
    current = current.with_columns(pl.lit(top_since).alias("start_date"))
    deputy = current.with_columns(
        pl.lit(deputy_since).alias("start_date"),
        pl.lit(top_since - dt.timedelta(days=1)).alias("end_date"),
        pl.lit("副局长").alias("title"),
        pl.lit(False).alias("is_top_leader"),
        pl.lit(None, dtype=pl.String).alias("duties"),
    )
    p.w.tables["posts"] = pl.concat(
        [posts.filter(pl.col("official_id") != me["official_id"]), current, deputy]
    )
    p.w.off.start[o] = np.datetime64(top_since)
    favoured, others = firms[:3], firms[3:]
    fast, slow = [], []
    for firm in favoured:
        for _ in range(int(p.rng.integers(3, 5))):
            fast.append(
                p.application(
                    item,
                    firm["uscc"],
                    me["official_id"],
                    p.random_day(dt.date(2023, 2, 1), dt.date(2025, 6, 1)),
                    work=int(p.rng.integers(3, 7)),
                    urgent=True,
                    reason="政府重点工程",
                    amount=1e4 * int(p.rng.integers(300, 2000)),
                )
            )
    for firm in others:
        day = p.random_day(dt.date(2023, 2, 1), dt.date(2025, 4, 30))
        returns = int(p.rng.integers(3, 6))
        never = p.rng.random() < 0.5  # sent back before the papers were even accepted
        slow.append(
            p.application(
                item,
                firm["uscc"],
                me["official_id"],
                day,
                lag=0 if never else 3,
                work=int(AUDIT_SETTLEMENT.limit * p.rng.uniform(1.5, 2.5)),
                returns=returns,
                amount=1e4 * int(p.rng.integers(300, 2000)),
                accepted=not never,
            )
        )
    p.record(
        "audit_favouritism",
        "Audit bureau director, top leader since 2015 and in the bureau since before 2010, whose "
        "settlement audits for three construction firms finish in days (declared urgent as 'key "
        "government project', no document) while other firms are sent back again and again.",
        official_id=me["official_id"],
        department_code=depts.code[dept],
        item_code=item,
        top_leader_since=top_since.isoformat(),
        in_unit_since=deputy_since.isoformat(),
        enterprise_uscc=[f["uscc"] for f in favoured],
        application_id=fast,
        delayed_application_id=slow,
    )


def plant(p: Planter, i: int) -> None:
    relative_stakes(p, i)
    assets_beyond_income(p, i)
    pay_first(p, i)
    audit_favouritism(p, i)
