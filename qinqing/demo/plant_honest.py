"""Planted banned contacts (6b, 6c) and the honest look-alikes a careful detector must not flag:

- gifts, lavish meals and paid trips from firms an official deals with; a meal while the firm's matter
  is pending with that official;
- look-alikes: a relative's firm that never deals with the official's unit; a fast approval declared
  urgent with a documented reason; a namesake of a declared relative (different or no ID number) who
  holds shares in a firm dealing with the unit; a masked shareholder number whose visible characters
  match a relative's but who is someone else (born on another day, as the registry's full number shows);
  a big asset matched by a big declared income; a critical appeal solved within hours.
"""

from __future__ import annotations

import datetime as dt

import numpy as np
import polars as pl

from qinqing.core.identifiers import make_id_number
from qinqing.demo import clock, names
from qinqing.demo.params import AS_OF
from qinqing.demo.plant import Planter, _date
from qinqing.demo.plant_power import RELATIVE_OFFICIALS

NEGATIVE = (
    ("gift", "春节期间收受企业负责人所送购物卡", 20_000, 50_000),
    ("meal", "接受企业老板在高档酒楼宴请", 2_800, 6_000),
    ("travel", "接受企业安排的西双版纳旅游", 8_000, 15_000),
)


def _handled(p: Planter, k: int, min_days: int = 0) -> pl.DataFrame:
    """k background matters that a serving official completed, taking at least `min_days` days."""
    used = [p.w.off.official_id[o] for o in sorted(p.used_officials)]
    apps = p.handled().filter(
        ((pl.col("completed_at") - pl.col("accepted_at")).dt.total_days() >= min_days)
        & ~pl.col("handler_official_id").is_in(used)
    )
    return apps.sample(min(k, apps.height), seed=int(p.rng.integers(0, 2**31)))


def negative_contacts(p: Planter, i: int) -> None:
    for j, row in enumerate(_handled(p, len(NEGATIVE)).iter_rows(named=True)):
        kind, text, lo, hi = NEGATIVE[j]
        when = row["completed_at"].date() + dt.timedelta(days=int(p.rng.integers(3, 40)))
        value = float(round(p.rng.uniform(lo, hi), -2))
        p.contact(row["handler_official_id"], row["enterprise_uscc"], min(when, AS_OF), kind, text, value)
        p.used_officials.add(p.off_index[row["handler_official_id"]])
        p.record(
            "negative_list_contact",
            f"A handler accepts a {kind} worth {value:.0f} yuan from a firm whose matter he handled "
            "(far above any working-meal standard).",
            official_id=row["handler_official_id"],
            enterprise_uscc=[row["enterprise_uscc"]],
            application_id=[row["application_id"]],
            interaction_kind=kind,
            value=value,
        )


def contact_while_pending(p: Planter, i: int) -> None:
    for row in _handled(p, 2, min_days=7).iter_rows(named=True):
        start = clock.index_on_or_after(np.array([np.datetime64(row["accepted_at"].date())]))[0]
        end = clock.index_on_or_after(np.array([np.datetime64(row["completed_at"].date())]))[0]
        middle = _date(clock.day_of(np.array([(start + end) // 2]))[0])
        p.contact(
            row["handler_official_id"],
            row["enterprise_uscc"],
            middle,
            "banquet",
            "办理事项期间接受申请企业宴请",
            float(round(p.rng.uniform(1200, 3000), -1)),
        )
        p.used_officials.add(p.off_index[row["handler_official_id"]])
        p.record(
            "contact_during_pending_matter",
            "A handler dines with the applicant while its matter is pending with him.",
            official_id=row["handler_official_id"],
            enterprise_uscc=[row["enterprise_uscc"]],
            application_id=[row["application_id"]],
            date=middle.isoformat(),
        )


def _adult_relatives(p: Planter, official_id: str) -> pl.DataFrame:
    """Declared relatives with an ID number who could own or run a firm (adults, not the elderly)."""
    return p.w.tables["relatives"].filter(
        (pl.col("official_id") == official_id)
        & pl.col("id_number").is_not_null()
        & pl.col("relation").is_in(["spouse", "child", "sibling", "child_spouse", "sibling_spouse"])
        & pl.col("birth_date").is_between(dt.date(1955, 1, 1), dt.date(2000, 12, 31))
    )


def relative_firm_no_dealings(p: Planter, i: int) -> None:
    off = p.w.off
    o = p.take_official((off.duties != "") & (off.kind != "top") & p.with_adult_relatives())
    if o is None:
        return
    me = p.official(o)
    declared = _adult_relatives(p, me["official_id"])
    if not declared.height:
        return
    rel = declared.row(0, named=True)
    who = {"name": rel["name"], "id_number": rel["id_number"], "birth": rel["birth_date"]}
    here = str(p.w.depts.region[me["dept"]])
    county = next((c for c in reversed(p.counties_of(int(here))) if c != here), here)
    shop = p.new_firm("H62", county, 5e5, dt.date(2019, 6, 6), word="餐饮管理", rep=who | {"male": True})
    p.hold(shop, who, 0.6, dt.date(2019, 6, 6), shown="masked")
    p.hold(shop, p.registry_person(int(county)), 0.4, dt.date(2019, 6, 6))
    p.record(
        "relative_firm_no_dealings",
        "A declared relative holds a restaurant company that has no matter, tender, money flow or contact "
        "with the official's unit.",
        honest=True,
        official_id=me["official_id"],
        relative={"name": rel["name"], "relation": rel["relation"], "id_number": rel["id_number"]},
        enterprise_uscc=[shop["uscc"]],
    )


def urgent_documented(p: Planter, i: int) -> None:
    planted = RELATIVE_OFFICIALS.get(i)
    if planted is None:
        return
    section = p.dept_index[planted["section"]]
    mines = p.take_firms(planted["area"], bool(p.w.depts.county_level[section]), "coal", 1)
    if not mines:
        return
    reason = "煤矿井下抢险救灾急需爆破器材（县应急指挥部通知〔2024〕7号）"
    app = p.application(
        planted["item"],
        mines[0]["uscc"],
        p.handler_in(section),
        p.random_day(dt.date(2024, 1, 2), dt.date(2025, 5, 30)),
        work=0,
        urgent=True,
        reason=reason,
    )
    p.record(
        "urgent_with_documented_reason",
        "An explosives permit granted the same day, declared urgent with a documented reason (a mine "
        "rescue under a numbered emergency notice).",
        honest=True,
        application_id=[app],
        enterprise_uscc=[mines[0]["uscc"]],
        item_code=planted["item"],
    )


def _brother(planted: dict) -> dict:
    b = planted["brother"]
    return {"name": b["name"], "relation": "sibling", "id_number": b["id_number"], "birth_date": b["birth"]}


def _dealing_mine(p: Planter, planted: dict) -> dict | None:
    section = p.dept_index[planted["section"]]
    mines = p.take_firms(planted["area"], bool(p.w.depts.county_level[section]), "coal", 1)
    if not mines:
        return None
    for _ in range(2):  # the mine deals with the official's unit
        p.application(
            planted["item"],
            mines[0]["uscc"],
            p.handler_in(section),
            p.random_day(dt.date(2023, 3, 1), dt.date(2025, 5, 30)),
            work=int(p.rng.integers(2, 5)),
        )
    return mines[0]


def namesake(p: Planter, i: int) -> None:
    planted = RELATIVE_OFFICIALS.get(i)
    if planted is None:
        return
    me = planted["official"]
    rels = _adult_relatives(p, me["official_id"]).filter(pl.col("name") != planted["brother"]["name"])
    mine = _dealing_mine(p, planted)
    if mine is None:
        return
    rel = rels.row(0, named=True) if rels.height else _brother(planted)
    male = int(rel["id_number"][16]) % 2 == 1 if rel["id_number"] else rel["name"][1:] in names.GIVEN_MALE
    other = p.person("510402", dt.date(int(p.rng.integers(1960, 1995)), 7, 7), male, name=rel["name"])
    shown = "masked" if i % 2 == 0 else "none"
    p.hold(mine, other, 0.3, dt.date(2019, 3, 1), shown=shown)
    p.record(
        "namesake_shareholder",
        "A shareholder of a coal mine that deals with the official's unit has the same name as his declared "
        "relative but a different (or no) ID number: not the relative.",
        honest=True,
        official_id=me["official_id"],
        relative={"name": rel["name"], "relation": rel["relation"], "id_number": rel["id_number"]},
        enterprise_uscc=[mine["uscc"]],
        holder_id=p._shown(other["id_number"], shown),
    )


def masked_birth_mismatch(p: Planter, i: int) -> None:
    planted = RELATIVE_OFFICIALS.get(i)
    if planted is None:
        return
    me = planted["official"]
    rels = _adult_relatives(p, me["official_id"]).filter(pl.col("relation") != "sibling")
    mine = _dealing_mine(p, planted)
    if mine is None:
        return
    rel = rels.row(rels.height - 1, named=True) if rels.height else _brother(planted)
    number = rel["id_number"]
    sequence = int(number[14:16]) * 5 + int(number[16]) // 2
    gender = "M" if int(number[16]) % 2 else "F"
    other = None
    for shift in range(400, 40 * 365, 97):  # another birth date giving the same visible characters
        birth = rel["birth_date"] - dt.timedelta(days=shift)
        candidate = make_id_number(number[:6], birth, sequence, gender)
        if candidate[14:] == number[14:] and candidate not in p.w.reserve.used:
            p.w.reserve.used.add(candidate)
            other = {"name": rel["name"], "id_number": candidate, "birth": birth, "male": gender == "M"}
            break
    if other is None:
        return
    p.hold(mine, other, 0.25, dt.date(2020, 5, 1), shown="masked")
    p.role(mine["uscc"], other, "director", dt.date(2020, 5, 1), shown="full")
    p.record(
        "masked_id_birth_mismatch",
        "A shareholder with the relative's name and a masked number whose visible characters match the "
        "relative's; the registry's full number (director role) shows another birth date: not the relative.",
        honest=True,
        official_id=me["official_id"],
        relative={"name": rel["name"], "relation": rel["relation"], "id_number": number},
        enterprise_uscc=[mine["uscc"]],
        person_id=[other["id_number"]],
    )


def asset_with_income(p: Planter, i: int) -> None:
    o = p.take_official(p.w.off.kind == "deputy")
    if o is None:
        return
    me = p.official(o)
    p.rows["assets"].append(
        {
            "official_id": me["official_id"],
            "owner_name": me["name"],
            "kind": "property",
            "value": 4_800_000.0,
            "acquired_date": dt.date(2021, 8, 20),
            "location": "昆明市西山区",
        }
    )
    incomes = p.w.tables["incomes"]
    raised = (
        pl.when(pl.col("official_id") == me["official_id"])
        .then(pl.lit(1_250_000.0))
        .otherwise(pl.col("income"))
    )
    p.w.tables["incomes"] = incomes.with_columns(raised.alias("income"))
    p.record(
        "asset_explained_by_income",
        "A 4.8-million-yuan flat against a declared household income of 1.25 million a year (the spouse's "
        "business income is declared).",
        honest=True,
        official_id=me["official_id"],
        value=4_800_000,
    )


def fast_appeal(p: Planter, i: int) -> None:
    qujing = p.counties_of(530300)
    county = "530325" if "530325" in qujing else qujing[0]  # 富源县, as in the article
    plant = p.new_firm("C3670", county, 3e8, dt.date(2015, 9, 1), word="轮毂制造")
    off, depts = p.w.off, p.w.depts
    leader = np.flatnonzero((depts.code[off.dept] == f"{county}00") & (off.kind == "top"))
    if not leader.shape[0]:
        return
    submitted = p.stamp(p.random_day(dt.date(2024, 1, 8), dt.date(2025, 2, 28)), 7.2)
    appeal_id = p.next_id("r")
    p.rows["appeals"].append(
        {
            "appeal_id": appeal_id,
            "enterprise_uscc": plant["uscc"],
            "submitted_at": submitted,
            "category": "energy",
            "description": "道路封闭，生产用天然气运不进厂，企业面临停产",
            "urgency": "critical",
            "loss_per_day": 300_000.0,
            "assigned_official_id": off.official_id[int(leader[0])],
            "resolved_at": submitted + dt.timedelta(hours=5),
            "satisfaction": 5,
        }
    )
    p.record(
        "fast_appeal_resolution",
        "A wheel maker about to stop production (300,000 yuan lost a day) gets two trucks of natural gas "
        "within five hours through the county party secretary: good service, not favouritism.",
        honest=True,
        appeal_id=[appeal_id],
        enterprise_uscc=[plant["uscc"]],
        official_id=off.official_id[int(leader[0])],
    )


def plant(p: Planter, i: int) -> None:
    negative_contacts(p, i)
    contact_while_pending(p, i)
    relative_firm_no_dealings(p, i)
    urgent_documented(p, i)
    namesake(p, i)
    masked_birth_mismatch(p, i)
    asset_with_income(p, i)
    if i == 0:
        fast_appeal(p, i)
