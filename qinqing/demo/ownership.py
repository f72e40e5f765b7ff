"""Who owns and who runs the firms: shareholdings (holdings.csv) and roles (roles.csv).

Ownership is layered like a real registry: operating firms are held by people and sometimes by holding
companies, which are held by holding companies further up (up to four layers), with a few
cross-holdings and three-firm cycles. Public registries show people's ID numbers masked.
"""

from __future__ import annotations

import numpy as np
import polars as pl

from qinqing.demo import codes
from qinqing.demo.clock import d64, years_before
from qinqing.demo.firms import Firms
from qinqing.demo.params import AS_OF
from qinqing.demo.people import People, pick_local


def _first_of(key: np.ndarray) -> np.ndarray:
    """Mask keeping the first occurrence of each key, in the original order."""
    _, first = np.unique(key, return_index=True)
    keep = np.zeros(key.shape[0], dtype=bool)
    keep[first] = True
    return keep


def _shown_ids(rng: np.random.Generator, ids: pl.Series, masked: float, hidden: float) -> pl.Series:
    """How a registry shows a person's number: masked, in full, or not at all."""
    frame = pl.DataFrame({"id": ids, "u": rng.random(ids.len())})
    return frame.select(
        pl.when(pl.col("u") < masked)
        .then(codes.mask(pl.col("id")))
        .when(pl.col("u") < 1 - hidden)
        .then(pl.col("id"))
        .alias("id")
    ).to_series()


def adult_start(firms: Firms, people: People, firm: np.ndarray, person: np.ndarray) -> np.ndarray:
    """A person's stake or role starts when the firm exists and the person is of age."""
    return np.maximum(firms.established[firm], years_before(people.birth[person], -18.0))


def _enterprise_holders(rng: np.random.Generator, firms: Firms) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """(held firm, holding firm, weight) rows: chains up the tiers, then cross-holdings and cycles."""
    n, tier = len(firms), firms.tier
    by_tier = np.argsort(tier, kind="stable")
    sorted_tier = tier[by_tier]
    wants = (rng.random(n) < np.where(tier == 0, 0.08, 0.55)) & (tier < 4)
    held = np.repeat(np.flatnonzero(wants), rng.choice([1, 2], int(wants.sum()), p=[0.8, 0.2]))
    lo = np.searchsorted(sorted_tier, tier[held], side="right")
    room = n - lo
    held, lo, room = held[room > 0], lo[room > 0], room[room > 0]
    holder = by_tier[lo + (rng.random(held.shape[0]) * room).astype(np.int64)]
    weight = rng.gamma(2.0, 2.0, held.shape[0])
    companies = np.flatnonzero(tier > 0)
    m = max(1, companies.shape[0] // 150)
    if companies.shape[0] >= 6:
        a, b, c = (companies[rng.integers(0, companies.shape[0], m)] for _ in range(3))
        ok = (a != b) & (b != c) & (a != c)
        a, b, c = a[ok], b[ok], c[ok]
        half = a.shape[0] // 2
        # cross-holdings A⇄B in the first half, cycles A→B→C→A in the second
        extra_held = np.concatenate([a[:half], b[:half], a[half:], b[half:], c[half:]])
        extra_holder = np.concatenate([b[:half], a[:half], b[half:], c[half:], a[half:]])
        held = np.concatenate([held, extra_held])
        holder = np.concatenate([holder, extra_holder])
        weight = np.concatenate([weight, rng.uniform(0.05, 0.3, extra_held.shape[0])])
    keep = _first_of(held.astype(np.int64) * n + holder) & (held != holder)
    return held[keep], holder[keep], weight[keep]


def holdings_table(rng: np.random.Generator, firms: Firms, people: People) -> pl.DataFrame:
    n = len(firms)
    k = rng.choice(5, n, p=[0.45, 0.30, 0.15, 0.06, 0.04]) + 1
    firm = np.repeat(np.arange(n), k)
    slot = np.arange(firm.shape[0]) - np.repeat(np.cumsum(k) - k, k)
    person = pick_local(rng, people, firms.region[firm])
    person = np.where((slot == 0) & (rng.random(firm.shape[0]) < 0.8), firms.legal_rep[firm], person)
    keep = _first_of(firm.astype(np.int64) * len(people) + person)
    firm, person = firm[keep], person[keep]
    p_weight = rng.gamma(1.2, 1.0, firm.shape[0])
    held, holder, e_weight = _enterprise_holders(rng, firms)

    total = np.bincount(firm, p_weight, n) + np.bincount(held, e_weight, n)
    p_ratio = np.maximum(np.round(p_weight / total[firm], 4), 0.0001)
    e_ratio = np.maximum(np.round(e_weight / total[held], 4), 0.0001)
    p_start = adult_start(firms, people, firm, person)

    # Some stakes changed hands: the earlier holder's row ends the day the current one starts.
    moved = (rng.random(firm.shape[0]) < 0.05) & (p_start < d64(AS_OF) - np.timedelta64(90, "D"))
    span = (d64(AS_OF) - p_start[moved]).astype(np.int64)
    new_start = p_start[moved] + (rng.random(span.shape[0]) * (span - 30)).astype("timedelta64[D]")
    before = pick_local(rng, people, firms.region[firm[moved]])
    before_start = adult_start(firms, people, firm[moved], before)
    ok = before_start < new_start
    p_start = p_start.copy()
    p_start[np.flatnonzero(moved)[ok]] = new_start[ok]

    person_rows = pl.DataFrame(
        {
            "enterprise_uscc": firms.uscc.gather(firm),
            "holder_type": "person",
            "holder_name": people.name.gather(person),
            "holder_id": _shown_ids(rng, people.id_number.gather(person), masked=0.6, hidden=0.03),
            "share_ratio": p_ratio,
            "start_date": p_start,
            "end_date": np.full(firm.shape[0], None),
        },
        schema_overrides={"end_date": pl.Date},
    )
    earlier = pl.DataFrame(
        {
            "enterprise_uscc": firms.uscc.gather(firm[moved][ok]),
            "holder_type": "person",
            "holder_name": people.name.gather(before[ok]),
            "holder_id": _shown_ids(rng, people.id_number.gather(before[ok]), masked=0.6, hidden=0.03),
            "share_ratio": p_ratio[moved][ok],
            "start_date": before_start[ok],
            "end_date": new_start[ok],
        }
    )
    company_rows = pl.DataFrame(
        {
            "enterprise_uscc": firms.uscc.gather(held),
            "holder_type": "enterprise",
            "holder_name": firms.name.gather(holder),
            "holder_id": firms.uscc.gather(holder),
            "share_ratio": e_ratio,
            "start_date": np.maximum(firms.established[held], firms.established[holder]),
            "end_date": np.full(held.shape[0], None),
        },
        schema_overrides={"end_date": pl.Date},
    )
    frame = pl.concat([person_rows, earlier, company_rows], how="vertical_relaxed")
    return frame.unique(
        ["enterprise_uscc", "holder_type", "holder_name", "holder_id", "start_date"],
        keep="first",
        maintain_order=True,
    )


def roles_table(rng: np.random.Generator, firms: Firms, people: People) -> pl.DataFrame:
    n = len(firms)
    all_firms = np.arange(n)
    parts: list[pl.DataFrame] = []

    def add(
        firm: np.ndarray,
        person: np.ndarray,
        role: str,
        phone: pl.Series | None,
        masked: float,
        hidden: float,
        ends: float = 0.0,
    ) -> None:
        start = adult_start(firms, people, firm, person)
        span = (d64(AS_OF) - start).astype(np.int64)
        ended = (rng.random(firm.shape[0]) < ends) & (span > 60)
        end = start + (np.maximum(span, 2) * rng.uniform(0.2, 0.9, firm.shape[0])).astype("timedelta64[D]")
        parts.append(
            pl.DataFrame(
                {
                    "enterprise_uscc": firms.uscc.gather(firm),
                    "person_name": people.name.gather(person),
                    "person_id": _shown_ids(rng, people.id_number.gather(person), masked, hidden),
                    "role": role,
                    "phone": phone
                    if phone is not None
                    else pl.Series([None] * firm.shape[0], dtype=pl.String),
                    "start_date": start,
                    "end_date": np.where(ended, end, np.datetime64("NaT")),
                    "_person": person,
                    "_firm": firm,
                }
            )
        )

    add(
        all_firms,
        firms.legal_rep,
        "legal_rep",
        codes.keep_where(codes.phones(rng, n), rng.random(n) < 0.4),
        masked=0.2,
        hidden=0.1,
    )
    add(all_firms, firms.contact, "contact", firms.contact_phone, masked=0.0, hidden=0.5)
    sup = np.flatnonzero(rng.random(n) < 0.35)
    add(sup, pick_local(rng, people, firms.region[sup]), "supervisor", None, 0.5, 0.2, ends=0.05)
    directors = np.repeat(np.flatnonzero(rng.random(n) < 0.15), 2)
    add(directors, pick_local(rng, people, firms.region[directors]), "director", None, 0.5, 0.2, ends=0.05)
    man = np.flatnonzero(rng.random(n) < 0.15)
    add(
        man,
        pick_local(rng, people, firms.region[man]),
        "manager",
        codes.phones(rng, man.shape[0]),
        0.5,
        0.2,
        ends=0.05,
    )
    builders = np.flatnonzero(firms.project_manager >= 0)
    add(
        builders,
        firms.project_manager[builders],
        "project_manager",
        firms.pm_phone.gather(builders),
        masked=0.0,
        hidden=0.0,
    )
    more = np.repeat(builders, rng.choice(4, builders.shape[0], p=[0.3, 0.3, 0.25, 0.15]))
    add(
        more,
        pick_local(rng, people, firms.region[more]),
        "project_manager",
        codes.phones(rng, more.shape[0]),
        masked=0.0,
        hidden=0.0,
    )
    frame = pl.concat(parts, how="vertical_relaxed")
    frame = frame.unique(["_firm", "_person", "role"], keep="first", maintain_order=True)
    # Two namesakes in the same role, numbers not shown, same start: the registry cannot tell them apart.
    frame = frame.unique(["enterprise_uscc", "person_name", "person_id", "role", "start_date"], keep="first",
                         maintain_order=True)
    return frame.drop("_firm", "_person").with_columns(pl.col("end_date").cast(pl.Date))
