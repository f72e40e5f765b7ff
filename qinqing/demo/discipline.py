"""Closed and open disciplinary cases (cases.csv) and the bribers' blacklist (blacklist.csv).

As in the article: about seven in ten cases are tied to unclean government–business relations, focus
fields are finance, state-owned firms, political-legal, land, minerals, bidding and health, and many
bribes began before the 18th Party Congress (2012). Dismissed officials are former officials: their
posts end when the case opens, so they handle nothing afterwards. Bribing firms of a case are often
banned (Fuyuan's "investigate givers with takers").
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

import numpy as np
import polars as pl

from qinqing.demo import clock, codes
from qinqing.demo.firms import FirmIndex, Firms
from qinqing.demo.geography import Prefecture
from qinqing.demo.government import Departments
from qinqing.demo.params import AS_OF, CASE_START, Scale
from qinqing.demo.people import birthplaces, births_between, make_people

DOMAINS = (
    "land",
    "mining",
    "bidding",
    "healthcare",
    "finance",
    "soe",
    "justice",
    "transport",
    "audit",
    "other",
)
DOMAIN_P = np.array([0.14, 0.10, 0.14, 0.10, 0.10, 0.10, 0.08, 0.08, 0.04, 0.12])
DOMAIN_SECTOR = {
    "land": "natural_resources",
    "mining": "energy",
    "bidding": "construction",
    "healthcare": "health",
    "finance": "finance",
    "soe": "soe",
    "justice": "justice",
    "transport": "transport",
    "audit": "audit",
    "other": "market",
}
DOMAIN_FIRMS = {
    "land": "builders",
    "mining": "mining",
    "bidding": "construction",
    "healthcare": "medical",
    "finance": "any",
    "soe": "construction",
    "justice": "any",
    "transport": "transport",
    "audit": "construction",
    "other": "any",
}
MINOR_PARTY = ("警告", "严重警告", "撤销党内职务", "留党察看一年")
MINOR_PUBLIC = ("警告", "记过", "记大过", "降级", "撤职")


@dataclass
class Cases:
    frame: pl.DataFrame  # cases.csv
    former: pl.DataFrame  # officials.csv rows of dismissed officials
    former_posts: pl.DataFrame  # their ended posts
    blacklist: pl.DataFrame  # blacklist.csv
    banned: pl.DataFrame  # (firm index, start, end) for keeping banned firms out of tenders


def make_cases(
    rng: np.random.Generator,
    scale: Scale,
    prefectures: tuple[Prefecture, ...],
    depts: Departments,
    firms: Firms,
    index: FirmIndex,
    current_ids: pl.Series,
) -> Cases:
    n = scale.cases
    opened_day = clock.random_workdays(rng, n, CASE_START)
    opened = clock.stamp(clock.day_of(opened_day), clock.office_seconds(rng, n))
    opened_date = clock.day_of(opened_day)
    year = opened_date.astype("datetime64[Y]").astype(np.int64) + 1970
    domain = np.array(DOMAINS)[rng.choice(len(DOMAINS), n, p=DOMAIN_P)]
    related = rng.random(n) < 0.7
    serious = rng.random(n) < 0.55  # dismissed: the subject is a former official
    early = serious & (rng.random(n) < 0.45)  # began before the 18th Party Congress
    start_year = np.where(early, rng.integers(2003, 2012, n), year - rng.integers(1, 8, n))
    bribe = np.where(related, np.round(np.where(serious, 8e5, 5e4) * rng.lognormal(0, 1.0, n), -2), np.nan)
    months = np.where(
        serious & (bribe > 3e5), np.clip((np.log10(np.nan_to_num(bribe, nan=1)) - 5) * 60, 6, 180), np.nan
    )
    fine = np.where(
        ~np.isnan(months), np.round(np.maximum(bribe * rng.uniform(0.2, 0.6, n), 1e5), -4), np.nan
    )
    recovered = np.where(related, np.round(np.nan_to_num(bribe) * rng.uniform(0.7, 1.0, n), -2), np.nan)

    # Subjects: former officials for the serious cases, serving ones for the light sanctions.
    k = int(serious.sum())
    sector_of = {
        s: np.flatnonzero((depts.sector == s) & (depts.bureau > 0)) for s in set(DOMAIN_SECTOR.values())
    }
    dept = np.array(
        [
            rng.choice(sector_of[DOMAIN_SECTOR[d]]) if sector_of[DOMAIN_SECTOR[d]].shape[0] else 0
            for d in domain[serious]
        ],
        dtype=np.int64,
    )
    male = rng.random(k) < 0.9
    birth = births_between(rng, k, dt.date(1955, 1, 1), dt.date(1980, 12, 31))
    people = make_people(rng, birthplaces(rng, k, prefectures), birth, male, codes.FORMER_BLOCK)
    former_ids = pl.Series([f"OF9{i:06d}" for i in range(1, k + 1)])
    top = rng.random(k) < 0.4
    former = pl.DataFrame(
        {
            "official_id": former_ids,
            "name": people.name,
            "id_number": people.id_number,
            "gender": np.where(male, "M", "F"),
            "birth_date": birth,
            "rank": np.where(depts.county_level[dept], "section", "county"),
            "party_member": np.ones(k, dtype=bool),
        }
    )
    post_end = opened_date[serious] - np.timedelta64(1, "D")
    former_posts = pl.DataFrame(
        {
            "official_id": former_ids,
            "department_code": depts.code[dept],
            "title": np.where(top, "局长", "副局长"),
            "is_top_leader": top,
            "start_date": clock.years_before(post_end, rng.uniform(2, 12, k)),
            "end_date": post_end,
            "duties": pl.Series(["tender_approval"] * k),
        }
    )
    subject = current_ids.gather(rng.integers(0, current_ids.len(), n))
    subject = subject.scatter(np.flatnonzero(serious), former_ids)
    party = np.where(serious, "开除党籍", np.array(MINOR_PARTY)[rng.integers(0, len(MINOR_PARTY), n)])
    public = np.where(serious, "开除公职", np.array(MINOR_PUBLIC)[rng.integers(0, len(MINOR_PUBLIC), n)])

    # Bribers: firms of the case's field in the subject's prefecture.
    pref = np.array([int(p.code) for p in prefectures])[rng.integers(0, len(prefectures), n)]
    briber_rows, briber_case = [], []
    for c in np.flatnonzero(related):  # a few hundred cases at most per thousand officials
        pool = index.pool(int(pref[c]), False, DOMAIN_FIRMS[str(domain[c])])
        if pool.shape[0]:
            chosen = np.unique(pool[rng.integers(0, pool.shape[0], rng.integers(1, 4))])
            briber_rows.append(chosen)
            briber_case.append(np.full(chosen.shape[0], c))
    b_firm = np.concatenate(briber_rows) if briber_rows else np.zeros(0, np.int64)
    b_case = np.concatenate(briber_case) if briber_case else np.zeros(0, np.int64)
    case_ids = pl.Series("case_id", [f"c{i:06d}" for i in range(n)])
    listing = (
        pl.DataFrame({"c": b_case, "u": firms.uscc.gather(b_firm)})
        .group_by("c", maintain_order=True)
        .agg(pl.col("u").str.join(";"))
    )
    usccs = np.full(n, None, dtype=object)
    usccs[listing["c"].to_numpy()] = listing["u"].to_numpy()
    frame = (
        pl.DataFrame(
            {
                "case_id": case_ids,
                "subject_official_id": subject,
                "opened_at": opened,
                "domain": domain,
                "gov_business_related": related,
                "misconduct_start_year": start_year,
                "bribe_amount": bribe,
                "party_sanction": party,
                "public_sanction": public,
                "sentence_months": months,
                "fine": fine,
                "recovered": recovered,
                "briber_usccs": pl.Series(usccs.tolist(), dtype=pl.String),
            }
        )
        .with_columns(
            pl.col(c).fill_nan(None) for c in ("bribe_amount", "fine", "recovered", "sentence_months")
        )
        .with_columns(pl.col("sentence_months").cast(pl.Int64))
    )

    listed = rng.random(b_firm.shape[0]) < 0.6
    b_firm, b_case = b_firm[listed], b_case[listed]
    start = np.minimum(
        opened_date[b_case] + rng.integers(30, 180, b_case.shape[0]).astype("timedelta64[D]"),
        clock.d64(AS_OF),
    )
    end = start + (rng.integers(1, 4, b_case.shape[0]) * 365).astype("timedelta64[D]")
    blacklist = pl.DataFrame(
        {
            "uscc": firms.uscc.gather(b_firm),
            "reason": "向公职人员行贿，列入行贿人黑名单，限制参与招投标和享受政策扶持",
            "case_id": case_ids.gather(b_case),
            "start_date": start,
            "end_date": end,
        }
    ).unique(["uscc", "start_date"], keep="first", maintain_order=True)
    banned = pl.DataFrame({"firm": b_firm, "start": start, "end": end})
    return Cases(frame, former, former_posts, blacklist, banned)
