"""Tenders (招投标) of the buying units and the bids on them, with honest competition: bidders are
local firms of the right trade, the lowest valid bid usually wins, contacts and project managers are
the bidder's own registered people. Banned firms do not bid during their ban.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
import polars as pl

from qinqing.demo import clock
from qinqing.demo.firms import FirmIndex, Firms
from qinqing.demo.geography import COUNTY_NAME
from qinqing.demo.government import Departments
from qinqing.demo.params import TENDER_START, Scale
from qinqing.demo.people import People

METHODS = ("open", "competitive", "inquiry", "invited", "single_source")
METHOD_P = (0.6, 0.15, 0.1, 0.08, 0.07)
BIDS_RANGE = {
    "open": (3, 9),
    "competitive": (3, 6),
    "inquiry": (3, 5),
    "invited": (3, 6),
    "single_source": (1, 2),
}
WINDOW_DAYS = {"open": 20, "competitive": 10, "inquiry": 3, "invited": 10, "single_source": 5}
TOWNS = (
    "后所镇",
    "富村镇",
    "竹园镇",
    "墨红镇",
    "营上镇",
    "老厂镇",
    "黄泥河镇",
    "板桥镇",
    "羊场镇",
    "热水镇",
    "旧屋基乡",
    "大河镇",
    "西平街道",
    "越州镇",
    "三宝镇",
    "召夸镇",
)


@dataclass(frozen=True)
class TenderKind:
    titles: tuple[str, ...]  # {place} {year} {town}
    budget: float  # median, yuan
    sector: str
    works: bool  # construction works: bids name a project manager


KINDS: dict[str, TenderKind] = {
    "road_works": TenderKind(
        (
            "{place}{year}年农村公路提升改造工程",
            "{place}{town}公路改扩建工程施工",
            "{place}{year}年公路安全生命防护工程",
        ),
        5e6,
        "transport",
        True,
    ),
    "building_works": TenderKind(
        (
            "{place}{town}中心学校教学楼建设工程",
            "{place}{year}年老旧小区改造工程",
            "{place}{town}卫生院业务用房建设工程",
        ),
        8e6,
        "construction",
        True,
    ),
    "municipal_works": TenderKind(
        ("{place}城区{town}片区市政道路工程", "{place}城市排水管网改造工程", "{place}{year}年城市更新项目"),
        1e7,
        "construction",
        True,
    ),
    "land_consolidation": TenderKind(
        ("{place}{town}土地整治项目", "{place}{year}年高标准农田建设项目", "{place}{town}耕地提质改造项目"),
        4e6,
        "land",
        True,
    ),
    "water_works": TenderKind(
        ("{place}{town}小型水库除险加固工程", "{place}{year}年农村供水保障工程"), 6e6, "water", True
    ),
    "medical_goods": TenderKind(
        ("{place}{year}年医用耗材采购", "{place}{year}年药品配送服务采购"), 1.5e6, "healthcare", False
    ),
    "medical_equipment": TenderKind(
        ("{place}CT设备采购项目", "{place}彩色多普勒超声诊断仪采购项目"), 3e6, "healthcare", False
    ),
    "it_services": TenderKind(
        ("{place}政务服务平台运维服务", "{place}{year}年一网通办系统升级项目"), 1e6, "it", False
    ),
    "office_goods": TenderKind(
        ("{place}{year}年办公设备采购", "{place}{year}年执法装备采购项目"), 4e5, "goods", False
    ),
}


def _titles(rng: np.random.Generator, kind: np.ndarray, place: np.ndarray, year: np.ndarray) -> list[str]:
    town = rng.integers(0, len(TOWNS), kind.shape[0])
    pick = rng.integers(0, 3, kind.shape[0])
    return [
        (t := KINDS[k].titles)[p % len(t)].format(place=pl_, year=y, town=TOWNS[w])
        for k, pl_, y, p, w in zip(kind, place, year, pick, town, strict=True)
    ]


def tenders_table(rng: np.random.Generator, scale: Scale, depts: Departments) -> pl.DataFrame:
    buyers = np.flatnonzero(depts.buyer != "")
    weight = np.where(depts.county_level[buyers], 1.0, 1.5)
    n = scale.tenders
    buyer = buyers[rng.choice(buyers.shape[0], n, p=weight / weight.sum())]
    kind = depts.buyer[buyer].astype(str)
    method = np.array(METHODS)[rng.choice(len(METHODS), n, p=METHOD_P)]
    budget = np.round(np.array([KINDS[k].budget for k in kind]) * rng.lognormal(0, 0.8, n), -2)
    pub_day = clock.random_workdays(rng, n, TENDER_START)
    published = clock.stamp(clock.day_of(pub_day), clock.office_seconds(rng, n, 9, 17))
    window = np.array([WINDOW_DAYS[m] for m in method])
    dl_day = clock.index_on_or_after(clock.day_of(pub_day) + window.astype("timedelta64[D]"))
    deadline = clock.stamp(clock.day_of(dl_day), np.full(n, 9 * 3600 + 1800))
    aw_day = dl_day + rng.integers(1, 11, n)
    awarded = clock.stamp(clock.day_of(aw_day), clock.office_seconds(rng, n, 9, 17))
    failed = rng.random(n) < 0.04  # 流标: no valid award
    awarded = np.where((aw_day > clock.as_of_index()) | failed, np.datetime64("NaT", "us"), awarded)
    place = np.array([COUNTY_NAME[str(r)] for r in depts.region[buyer]])
    year = clock.day_of(pub_day).astype("datetime64[Y]").astype(np.int64) + 1970
    return pl.DataFrame(
        {
            "tender_id": [f"t{i:07d}" for i in range(n)],
            "title": _titles(rng, kind, place, year),
            "buyer_department_code": depts.code[buyer],
            "method": method,
            "budget": budget,
            "published_at": published,
            "bid_deadline": deadline,
            "awarded_at": awarded,
            "sector": np.array([KINDS[k].sector for k in kind]),
            "_kind": kind,
            "_area": depts.region[buyer],
            "_county": depts.county_level[buyer],
        }
    )


def bids_table(
    rng: np.random.Generator,
    tenders: pl.DataFrame,
    firms: Firms,
    index: FirmIndex,
    people: People,
    banned: pl.DataFrame,
) -> pl.DataFrame:
    """Bids on `tenders`; `banned` (firm index, start, end) keeps blacklisted firms out during their ban."""
    n = tenders.height
    method = tenders["method"].to_numpy()
    lo = np.array([BIDS_RANGE[m][0] for m in method])
    hi = np.array([BIDS_RANGE[m][1] for m in method])
    k = rng.integers(lo, hi)
    draws = k * 2 + 2  # draw extra candidates, keep the first k distinct and eligible ones
    tender = np.repeat(np.arange(n), draws)
    bidder = np.full(tender.shape[0], -1, dtype=np.int64)
    key = tenders.select(
        pl.concat_str(
            pl.col("_area").cast(pl.String), pl.col("_county").cast(pl.String), "_kind", separator="|"
        )
    ).to_series()
    groups = key.to_numpy()[tender]
    order = np.argsort(groups, kind="stable")
    uniq, start = np.unique(groups[order], return_index=True)
    bounds = np.append(start, tender.shape[0])
    for g, name in enumerate(uniq):  # one pool per (area, kind)
        area, county, kind = name.split("|")
        pool = index.pool(int(area), county == "true", kind)
        rows = order[bounds[g] : bounds[g + 1]]
        if pool.shape[0]:
            bidder[rows] = pool[rng.integers(0, pool.shape[0], rows.shape[0])]
    published = tenders["published_at"].to_numpy()[tender]
    ok = (bidder >= 0) & (firms.established[np.maximum(bidder, 0)] < published.astype("datetime64[D]"))
    cand = pl.DataFrame({"t": tender[ok], "f": bidder[ok], "pub": published[ok]})
    if banned.height:
        hit = cand.join(banned, left_on="f", right_on="firm", how="inner", maintain_order="left").filter(
            (pl.col("pub").cast(pl.Date) >= pl.col("start"))
            & (pl.col("end").is_null() | (pl.col("pub").cast(pl.Date) <= pl.col("end")))
        )
        cand = cand.join(hit.select("t", "f").unique(), on=["t", "f"], how="anti", maintain_order="left")
    cand = cand.unique(["t", "f"], keep="first", maintain_order=True)
    wanted = pl.Series("wanted", k[cand["t"].to_numpy()])
    cand = cand.with_columns(wanted).filter(pl.int_range(pl.len()).over("t") < pl.col("wanted"))
    return _priced(rng, tenders, cand["t"].to_numpy(), cand["f"].to_numpy(), firms, people)


def _priced(
    rng: np.random.Generator,
    tenders: pl.DataFrame,
    tender: np.ndarray,
    bidder: np.ndarray,
    firms: Firms,
    people: People,
) -> pl.DataFrame:
    m = tender.shape[0]
    budget = tenders["budget"].to_numpy()[tender]
    amount = np.round(budget * rng.uniform(0.82, 0.995, m), -2)
    pub = tenders["published_at"].to_numpy()[tender]
    pub_day = clock.index_on_or_after(pub.astype("datetime64[D]"))
    dl_day = clock.index_on_or_after(tenders["bid_deadline"].to_numpy()[tender].astype("datetime64[D]"))
    gap = np.maximum(dl_day - pub_day - 1, 0)
    sub_day = pub_day + 1 + (rng.random(m) * gap).astype(np.int64)  # a working day inside the window
    submitted = clock.stamp(clock.day_of(sub_day), clock.office_seconds(rng, m))
    same_day = pub + np.timedelta64(2, "h")
    submitted = np.where(gap == 0, same_day, submitted)  # windows of a day or two: bids come in at once
    single = tenders["method"].to_numpy()[tender] == "single_source"
    disqualified = (rng.random(m) < 0.04) & ~single
    works = np.array([KINDS[k].works for k in tenders["_kind"].to_numpy()])[tender]
    pm = firms.project_manager[bidder]
    frame = pl.DataFrame(
        {
            "tender_id": tenders["tender_id"].gather(tender),
            "bidder_uscc": firms.uscc.gather(bidder),
            "amount": amount,
            "submitted_at": submitted,
            "contact_name": people.name.gather(firms.contact[bidder]),
            "contact_phone": firms.contact_phone.gather(bidder),
            "project_manager_id": people.id_number.gather(np.maximum(pm, 0)),
            "disqualified": disqualified,
            "_pm": works & (pm >= 0),
            "_score": np.where(disqualified, np.inf, amount * rng.uniform(0.96, 1.04, m)),
            "_awarded": ~np.isnat(tenders["awarded_at"].to_numpy()[tender]),
        }
    ).with_columns(pl.when(pl.col("_pm")).then(pl.col("project_manager_id")).alias("project_manager_id"))
    first = pl.col("_score").rank("ordinal").over("tender_id") == 1
    frame = frame.with_columns((pl.col("_awarded") & first & pl.col("_score").is_finite()).alias("winner"))
    return frame.drop("_pm", "_score", "_awarded")


def unawarded_without_winner(tenders: pl.DataFrame, bids: pl.DataFrame) -> pl.DataFrame:
    """A tender is only awarded if some bid won it."""
    won = bids.filter(pl.col("winner")).select("tender_id").unique()
    return tenders.with_columns(
        pl.when(pl.col("tender_id").is_in(won["tender_id"].implode()))
        .then(pl.col("awarded_at"))
        .alias("awarded_at")
    )
