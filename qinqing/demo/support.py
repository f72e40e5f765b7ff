"""Serving firms: liaison leaders (包保帮扶: every active firm has one county leader and one leader of its
industry's county bureau), support policies (惠企政策) and firms' appeals (诉求) with their handling.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
import polars as pl

from qinqing.demo import clock, codes
from qinqing.demo import industries as ind
from qinqing.demo.firms import Firms
from qinqing.demo.geography import COUNTY_NAME, Prefecture
from qinqing.demo.government import Departments, Officials
from qinqing.demo.params import ACTIVITY_START, AS_OF, LIAISON_START, Scale

# Which county bureau looks after a firm of an industry (first matching prefix wins).
INDUSTRY_BUREAU = (
    ("B06", 13),
    ("B", 3),
    ("C27", 18),
    ("C", 18),
    ("D", 18),
    ("E", 11),
    ("K", 11),
    ("F5251", 4),
    ("Q", 4),
    ("F", 18),
    ("G", 5),
    ("H", 10),
    ("I", 18),
    ("J", 6),
    ("A", 15),
    ("L", 9),
    ("M", 9),
)


@dataclass
class Liaisons:
    frame: pl.DataFrame  # liaisons.csv
    county_leader: np.ndarray  # per firm: official index (-1 none)
    industry_leader: np.ndarray


def _bureau_of_industry() -> np.ndarray:
    return np.array([next((b for p, b in INDUSTRY_BUREAU if code.startswith(p)), 9) for code in ind.CODES])


def _assign(
    rng: np.random.Generator, firm_key: np.ndarray, cand_key: np.ndarray, cand: np.ndarray
) -> np.ndarray:
    """For each firm, a random candidate official with the same key (-1 if none)."""
    if cand.shape[0] == 0:
        return np.full(firm_key.shape[0], -1, dtype=np.int64)
    order = np.argsort(cand_key, kind="stable")
    keys, start, count = np.unique(cand_key[order], return_index=True, return_counts=True)
    pos = np.clip(np.searchsorted(keys, firm_key), 0, keys.shape[0] - 1)
    pick = start[pos] + (rng.random(firm_key.shape[0]) * count[pos]).astype(np.int64)
    return np.where(keys[pos] == firm_key, cand[order][pick], -1)


def make_liaisons(rng: np.random.Generator, firms: Firms, off: Officials, depts: Departments) -> Liaisons:
    leader = np.isin(off.kind, ("top", "deputy")) & depts.county_level[off.dept]
    at_root = leader & (depts.bureau[off.dept] == 0)
    at_bureau = leader & (depts.bureau[off.dept] > 0) & np.array([s is None for s in depts.subs])[off.dept]
    county_cand = np.flatnonzero(at_root)
    county_leader = _assign(rng, firms.region, depts.region[off.dept[county_cand]], county_cand)
    bureau_cand = np.flatnonzero(at_bureau)
    cand_key = depts.region[off.dept[bureau_cand]] * 100 + depts.bureau[off.dept[bureau_cand]]
    firm_key = firms.region * 100 + _bureau_of_industry()[firms.industry]
    industry_leader = _assign(rng, firm_key, cand_key, bureau_cand)
    active = firms.status == 0
    county_leader = np.where(active, county_leader, -1)
    industry_leader = np.where(active, industry_leader, -1)
    parts = []
    for role, who in (("county_leader", county_leader), ("industry_leader", industry_leader)):
        f = np.flatnonzero(who >= 0)
        o = who[f]
        start = np.maximum(np.maximum(firms.established[f], clock.d64(LIAISON_START)), off.start[o])
        parts.append(
            pl.DataFrame(
                {
                    "enterprise_uscc": firms.uscc.gather(f),
                    "official_id": off.official_id.gather(o),
                    "role": role,
                    "start_date": start,
                    "end_date": np.full(f.shape[0], np.datetime64("NaT"), "datetime64[D]"),
                }
            )
        )
        # Where the leader took the post later, someone else looked after the firm before.
        late = np.flatnonzero((off.start[o] > clock.d64(LIAISON_START)) & (rng.random(f.shape[0]) < 0.25))
        before = np.maximum(firms.established[f[late]], clock.d64(LIAISON_START))
        end = start[late] - np.timedelta64(1, "D")
        prev = county_cand if role == "county_leader" else bureau_cand
        prev_o = prev[rng.integers(0, prev.shape[0], late.shape[0])] if prev.shape[0] else o[late]
        ok = (before < end) & (prev_o != o[late])
        parts.append(
            pl.DataFrame(
                {
                    "enterprise_uscc": firms.uscc.gather(f[late][ok]),
                    "official_id": off.official_id.gather(prev_o[ok]),
                    "role": role,
                    "start_date": before[ok],
                    "end_date": end[ok],
                }
            )
        )
    return Liaisons(pl.concat(parts), county_leader, industry_leader)


POLICIES = (  # (title, benefit, bureau index, industries, min capital, max capital, min age, max age)
    (
        "支持工业企业稳增长若干措施",
        "年度产值增长超过15%的规上工业企业一次性奖励最高50万元",
        18,
        "C;D",
        5e6,
        None,
        1,
        None,
    ),
    (
        "小微企业和个体工商户房租减免",
        "承租国有房屋的小微企业减免3个月租金",
        6,
        "F;H;L",
        None,
        1e6,
        None,
        None,
    ),
    ("煤矿智能化改造补助", "按智能化设备投资额的10%给予补助，最高200万元", 13, "B06", 1e7, None, 3, None),
    (
        "新能源电池产业链招商引资奖励",
        "新落地项目按固定资产投资额给予1%奖励",
        18,
        "C3841;C26;D44",
        1e7,
        None,
        None,
        3,
    ),
    ("建筑业企业资质升级奖励", "首次取得施工总承包一级资质的企业奖励50万元", 11, "E", 2e7, None, 2, None),
    (
        "科技型中小企业研发费用补助",
        "按年度研发投入的5%给予补助，最高30万元",
        18,
        "I65;C;M74",
        None,
        5e7,
        1,
        None,
    ),
    ("创业担保贷款贴息", "新创办企业创业担保贷款全额贴息", 6, "", None, 3e6, None, 3),
    ("外贸企业出口信用保险补贴", "出口信用保险保费补贴50%", 18, "F51", None, None, 1, None),
    ("农业产业化龙头企业扶持", "市级以上龙头企业贷款贴息最高100万元", 15, "A;C13;C15", 1e6, None, 2, None),
    (
        "道路货运企业车辆更新补贴",
        "淘汰国三及以下营运货车每辆补贴1万至3万元",
        5,
        "G54",
        None,
        None,
        None,
        None,
    ),
    ("医药企业产品注册奖励", "新取得药品注册证书每个奖励20万元", 4, "C27;F5251", None, None, 2, None),
    ("稳岗返还", "不裁员或少裁员的参保企业返还上年度失业保险费的60%", 6, "", None, None, 1, None),
)


def policies_table(
    rng: np.random.Generator, scale: Scale, depts: Departments, prefectures: tuple[Prefecture, ...]
) -> pl.DataFrame:
    regions = [p.code for p in prefectures] + [c.code for p in prefectures for c in p.counties]
    code_index = {c: i for i, c in enumerate(depts.code)}
    rows = []
    for i in range(scale.policies):  # a few hundred at most
        region = regions[0] if i < len(POLICIES) else regions[int(rng.integers(0, len(regions)))]
        title, benefit, bureau, industries, cmin, cmax, amin, amax = POLICIES[i % len(POLICIES)]
        dept = f"{region}{bureau:02d}"
        dept = dept if dept in code_index else region
        start = clock.random_dates(rng, 1, ACTIVITY_START.replace(year=2022), AS_OF)[0]
        end = start + np.timedelta64(int(rng.integers(1, 4)) * 365, "D") if rng.random() < 0.8 else None
        rows.append(
            {
                "policy_code": f"ZC{region}{i:04d}",
                "title": f"{COUNTY_NAME[region]}{title}",
                "department_code": dept,
                "benefit": benefit,
                "industries": industries or None,
                "regions": region[:4] if region.endswith("00") else region,  # a prefecture: all its counties
                "min_capital": cmin,
                "max_capital": cmax,
                "min_age_years": amin,
                "max_age_years": amax,
                "start_date": start.astype(object),
                "end_date": end.astype(object) if end is not None else None,
            }
        )
    return pl.DataFrame(
        rows,
        schema_overrides={
            "min_capital": pl.Float64,
            "max_capital": pl.Float64,
            "min_age_years": pl.Int64,
            "max_age_years": pl.Int64,
            "end_date": pl.Date,
            "industries": pl.String,
        },
    )


CATEGORIES = (  # (category, description, weight)
    ("financing", "企业流动资金紧张，申请协调银行贷款", 3.0),
    ("energy", "生产用天然气、电力供应不足", 1.5),
    ("labour", "招工难，生产线缺少熟练工人", 2.0),
    ("land", "项目用地手续办理缓慢", 1.0),
    ("approval", "审批事项办理进度咨询", 2.5),
    ("logistics", "道路封闭导致原料运输受阻", 1.0),
    ("arrears", "政府工程款拖欠，请求协调支付", 1.5),
    ("policy", "咨询惠企政策申报条件", 2.5),
    ("infrastructure", "厂区周边道路、供水等配套设施不完善", 0.8),
)


def appeals_table(
    rng: np.random.Generator, scale: Scale, firms: Firms, off: Officials, liaisons: Liaisons
) -> pl.DataFrame:
    n = scale.appeals
    active = np.flatnonzero(firms.status == 0)
    firm = active[rng.integers(0, active.shape[0], n)]
    w = np.array([c[2] for c in CATEGORIES])
    cat = rng.choice(len(CATEGORIES), n, p=w / w.sum())
    urgency = np.array(["normal", "urgent", "critical"])[rng.choice(3, n, p=[0.8, 0.15, 0.05])]
    loss = np.select(
        [urgency == "urgent", urgency == "critical"],
        [np.round(rng.uniform(1e4, 1e5, n), -3), np.round(rng.uniform(1e5, 5e5, n), -3)],
        np.nan,
    )
    day = clock.random_workdays(rng, n, ACTIVITY_START)
    submitted = clock.stamp(clock.day_of(day), clock.office_seconds(rng, n))
    hours = np.select(
        [urgency == "critical", urgency == "urgent"],
        [rng.uniform(2, 30, n), rng.uniform(4, 72, n)],
        rng.uniform(8, 360, n),
    )
    resolved = submitted + (hours * 3600).astype("timedelta64[s]").astype("timedelta64[us]")
    open_ = (resolved > clock.stamp(np.array([clock.d64(AS_OF)]), np.array([17 * 3600]))[0]) | (
        rng.random(n) < 0.04
    )
    leader = np.where(rng.random(n) < 0.5, liaisons.county_leader[firm], liaisons.industry_leader[firm])
    assigned = (leader >= 0) & (rng.random(n) < 0.9)
    satisfaction = rng.choice(5, n, p=[0.03, 0.05, 0.12, 0.35, 0.45]) + 1
    return pl.DataFrame(
        {
            "appeal_id": [f"a{i:07d}" for i in range(n)],
            "enterprise_uscc": firms.uscc.gather(firm),
            "submitted_at": submitted,
            "category": np.array([c[0] for c in CATEGORIES])[cat],
            "description": np.array([c[1] for c in CATEGORIES])[cat],
            "urgency": urgency,
            "loss_per_day": loss,
            "assigned_official_id": codes.keep_where(off.official_id.gather(np.maximum(leader, 0)), assigned),
            "resolved_at": np.where(open_, np.datetime64("NaT", "us"), resolved),
            "satisfaction": pl.Series(np.where(open_, 0, satisfaction)).replace(0, None),
        }
    ).with_columns(pl.col("loss_per_day").fill_nan(None))
