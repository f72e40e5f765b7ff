"""Enterprise matters (涉企事项): applications to the service items, with handlers, working-day timing,
returns for more material, urgent flags and outcomes.

Baseline behaviour only: most matters finish well inside the statutory limit, a few run over or are
sent back; no handler favours anyone here (the planted patterns add that).
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
import polars as pl

from qinqing.demo import clock, codes
from qinqing.demo.firms import FirmIndex, Firms
from qinqing.demo.government import Departments, Items, Officials
from qinqing.demo.params import ACTIVITY_START, Scale

URGENT_REASONS = (
    "抢险救灾物资保障（县应急指挥部通知〔2024〕7号）",
    "省级重点项目，按市政府专题会议纪要〔2024〕21号加快办理",
    "民生保供项目，市发展改革委来函〔2023〕45号",
    "安全生产隐患整改，应急管理部门督办函〔2024〕12号",
)


@dataclass
class Timing:
    submitted: np.ndarray  # datetime64[us]
    accepted: np.ndarray  # datetime64[us] (NaT = not accepted)
    completed: np.ndarray
    status: np.ndarray
    returns: np.ndarray


def handlers_by_dept(off: Officials, n_depts: int) -> list[np.ndarray]:
    """For each department, the officials who handle its items: staff and heads with a duty there."""
    can = (off.kind != "top") & (off.duties != "")
    order = np.argsort(off.dept, kind="stable")
    order = order[can[order]]
    bounds = np.searchsorted(off.dept[order], np.arange(n_depts + 1))
    return [order[bounds[d] : bounds[d + 1]] for d in range(n_depts)]


def pick_firms(
    rng: np.random.Generator,
    index: FirmIndex,
    category: np.ndarray,
    area: np.ndarray,
    county_level: np.ndarray,
) -> np.ndarray:
    """One applicant per matter: an active firm of the item's category inside the unit's area."""
    out = np.full(category.shape[0], -1, dtype=np.int64)
    cats, cat_code = np.unique(category, return_inverse=True)
    keys = np.stack([cat_code, area, county_level.astype(np.int64)], axis=1)
    uniq, group = np.unique(keys, axis=0, return_inverse=True)
    group = group.ravel()
    order = np.argsort(group, kind="stable")
    bounds = np.searchsorted(group[order], np.arange(uniq.shape[0] + 1))
    for g, (c, a, county) in enumerate(uniq):  # one group per (category, area): a few thousand at most
        rows = order[bounds[g] : bounds[g + 1]]
        pool = index.pool(a, bool(county), str(cats[c]))
        if pool.shape[0] == 0:
            continue
        # Some firms apply far more often than others (bigger, busier firms).
        u = rng.random(rows.shape[0])
        out[rows] = pool[
            (np.where(rng.random(rows.shape[0]) < 0.3, u**3, u) * pool.shape[0]).astype(np.int64)
        ]
    return out


def baseline_timing(rng: np.random.Generator, limit: np.ndarray, urgent: np.ndarray) -> Timing:
    n = limit.shape[0]
    sub_day = clock.random_workdays(rng, n, ACTIVITY_START)
    sub_sec = clock.office_seconds(rng, n, 8.5, 16.5)
    acc_day = sub_day + rng.choice(3, n, p=[0.6, 0.3, 0.1])
    returns = rng.choice(4, n, p=[0.8, 0.14, 0.045, 0.015])
    share = rng.beta(2.0, 3.5, n)  # of the limit; most finish well inside it
    late = rng.random(n) < 0.04
    share = np.where(late, rng.uniform(1.05, 2.0, n), share)
    work = np.ceil(share * np.maximum(limit, 1)).astype(np.int64) + returns * rng.integers(2, 7, n)
    work = np.where(urgent, np.maximum(0, limit // 5), work)
    done_day = acc_day + np.maximum(work, 0)
    last = clock.as_of_index()
    acc_sec = sub_sec + rng.integers(600, 7200, n)
    acc_sec = np.where(acc_day > sub_day, clock.office_seconds(rng, n), np.minimum(acc_sec, 17 * 3600 + 1800))
    done_sec = np.where(done_day > acc_day, clock.office_seconds(rng, n, 9, 17.9), acc_sec + 1800)
    submitted = clock.stamp(clock.day_of(sub_day), sub_sec)
    accepted = clock.stamp(clock.day_of(acc_day), acc_sec)
    completed = clock.stamp(clock.day_of(done_day), done_sec)
    outcome = rng.choice(3, n, p=[0.93, 0.045, 0.025])  # completed, rejected, withdrawn
    status = np.array(["completed", "rejected", "withdrawn"])[outcome].astype(object)
    pending = done_day > last
    status[pending] = np.where(returns[pending] > 0, "returned", "accepted")
    not_yet = acc_day > last
    status[not_yet] = "submitted"
    nat = np.datetime64("NaT", "us")
    completed = np.where(pending | (status == "withdrawn"), nat, completed)
    accepted = np.where(not_yet, nat, accepted)
    return Timing(submitted, accepted, completed, status.astype(str), returns)


def applications_table(
    rng: np.random.Generator,
    scale: Scale,
    items: Items,
    depts: Departments,
    firms: Firms,
    index: FirmIndex,
    off: Officials,
) -> pl.DataFrame:
    n = scale.applications
    item = rng.choice(items.dept.shape[0], n, p=items.weight / items.weight.sum())
    dept = items.dept[item]
    firm = pick_firms(rng, index, items.category[item], depts.region[dept], depts.county_level[dept])
    keep = firm >= 0
    item, dept, firm = item[keep], dept[keep], firm[keep]
    n = item.shape[0]
    handlers = handlers_by_dept(off, depts.code.shape[0])
    count = np.array([h.shape[0] for h in handlers])[dept]
    pick = (rng.random(n) * np.maximum(count, 1)).astype(np.int64)
    flat = np.concatenate([*handlers, np.array([-1])])
    offset = np.cumsum([0] + [h.shape[0] for h in handlers])
    handler = np.where(count > 0, flat[offset[dept] + pick], -1)
    urgent = rng.random(n) < 0.02
    t = baseline_timing(rng, items.limit[item], urgent)
    amount = np.where(
        items.amount[item], np.round(firms.capital[firm] * rng.uniform(0.2, 3.0, n), -2), np.nan
    )
    reason = np.array(URGENT_REASONS, dtype=object)[rng.integers(0, len(URGENT_REASONS), n)]
    return (
        pl.DataFrame(
            {
                "application_id": [
                    f"b{i:07d}" for i in range(n)
                ],  # provisional: renumbered in time order at the end
                "item_code": items.frame["item_code"].gather(item),
                "enterprise_uscc": firms.uscc.gather(firm),
                "handler_official_id": off.official_id.gather(np.maximum(handler, 0)),
                "submitted_at": t.submitted,
                "accepted_at": t.accepted,
                "completed_at": t.completed,
                "status": t.status,
                "returns": t.returns,
                "amount": amount,
                "urgent": urgent,
                "urgent_reason": codes.keep_where(pl.Series(reason.astype(str)), urgent),
                "_handler_ok": handler >= 0,
            }
        )
        .with_columns(
            pl.when(pl.col("_handler_ok")).then(pl.col("handler_official_id")).alias("handler_official_id"),
            pl.col("amount").fill_nan(None),
        )
        .drop("_handler_ok")
    )
