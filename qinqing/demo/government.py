"""The government side: departments of every prefecture and county, the officials who staff them, their
posts (current and earlier) with duties, and the service items the units handle.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
import polars as pl

from qinqing.demo import codes
from qinqing.demo.catalogue import BUREAUS, Bureau, Sub
from qinqing.demo.clock import d64, years_before
from qinqing.demo.geography import Prefecture
from qinqing.demo.params import ACTIVITY_START, AS_OF, Scale
from qinqing.demo.people import People, birthplaces, make_people

SLOT_KINDS = ("top", "deputy", "head", "staff")
AGES = {"top": (45, 58), "deputy": (38, 56), "head": (32, 55), "staff": (23, 58)}
MALE = {"top": 0.85, "deputy": 0.75, "head": 0.65, "staff": 0.52}


@dataclass
class Departments:
    frame: pl.DataFrame  # departments.csv
    code: np.ndarray
    sector: np.ndarray
    region: np.ndarray  # int region code of the department's tree (prefecture or county)
    prefecture: np.ndarray  # int prefecture code
    county_level: np.ndarray  # bool
    bureau: np.ndarray  # catalogue index of the bureau (0 for the two roots)
    buyer: np.ndarray  # tender kind it buys ("" none)
    root: np.ndarray  # index of the tree's government root department
    subs: list[Sub | None]


@dataclass
class Officials:
    people: People
    official_id: pl.Series
    rank: np.ndarray
    kind: np.ndarray  # SLOT_KINDS
    dept: np.ndarray  # current department index
    title: np.ndarray
    duties: np.ndarray
    start: np.ndarray  # datetime64[D] start of the current post

    def __len__(self) -> int:
        return self.rank.shape[0]


def _leader_words(name: str) -> tuple[str, str]:
    """(party secretary, government head) titles for a region name: 县/区/市."""
    unit = name[-1] if name[-1] in "县区市" else "州"
    return f"{unit}委书记", ("州长" if unit == "州" else f"{unit}长")


def make_departments(prefectures: tuple[Prefecture, ...]) -> tuple[Departments, list[tuple]]:
    """Departments and the leader slots (dept, kind, title, rank, duties) every unit needs."""
    rows: list[dict] = []
    meta: list[tuple] = []  # (region, prefecture, county_level, bureau, buyer, root, sub)
    slots: list[tuple] = []
    trees = [(p, p.code, p.name, False) for p in prefectures]
    trees += [(p, c.code, c.name, True) for p in prefectures for c in p.counties]
    for pref, region, place, county in trees:
        secretary, head = _leader_words(place)
        top_rank = "county" if county else "bureau"
        gov = len(rows)
        rows.append(
            {
                "code": region,
                "name": f"{place}人民政府",
                "parent_code": None,
                "level": "county" if county else "city",
                "region_code": region,
                "sector": "other",
            }
        )
        meta.append((region, pref.code, county, 0, "", gov, None))
        slots += [
            (gov, "top", head, top_rank, ""),
            (gov, "deputy", f"常务副{head}", top_rank, "tender_approval;payment_approval"),
        ]
        slots += [(gov, "deputy", f"副{head}", top_rank, "")] * 4
        party = len(rows)
        rows.append(
            {
                "code": f"{region}00",
                "name": f"中共{place}委员会",
                "parent_code": None,
                "level": "county" if county else "city",
                "region_code": region,
                "sector": "other",
            }
        )
        meta.append((region, pref.code, county, 0, "", gov, None))
        slots += [
            (party, "top", secretary, top_rank, ""),
            (party, "deputy", f"{secretary[:-2]}副书记", top_rank, ""),
        ]
        slots += [(party, "deputy", f"{secretary[:-2]}常委", top_rank, "")] * 2
        for bureau in BUREAUS:
            bname = bureau.county if county else bureau.city
            if bname is None:
                continue
            _add_bureau(rows, meta, slots, bureau, bname, pref, region, place, county, gov, party)
    frame = pl.DataFrame(
        rows,
        schema={
            "code": pl.String,
            "name": pl.String,
            "parent_code": pl.String,
            "level": pl.String,
            "region_code": pl.String,
            "sector": pl.String,
        },
    )
    reg, pre, cl, bu, buy, root, subs = zip(*meta, strict=True)
    depts = Departments(
        frame,
        frame["code"].to_numpy(),
        frame["sector"].to_numpy(),
        np.array(reg, dtype=np.int64),
        np.array(pre, dtype=np.int64),
        np.array(cl),
        np.array(bu),
        np.array(buy, dtype=object),
        np.array(root),
        list(subs),
    )
    return depts, slots


def _add_bureau(
    rows: list[dict],
    meta: list[tuple],
    slots: list[tuple],
    bureau: Bureau,
    bname: str,
    pref: Prefecture,
    region: str,
    place: str,
    county: bool,
    gov: int,
    party: int,
) -> None:
    lead_rank, sub_rank = ("section", "staff") if county else ("county", "section")
    b = len(rows)
    code = f"{region}{bureau.index:02d}"
    full = f"{place}{bname}"
    rows.append(
        {
            "code": code,
            "name": full,
            "parent_code": rows[party if bureau.sector == "discipline" else gov]["code"],
            "level": "bureau",
            "region_code": region,
            "sector": bureau.sector,
        }
    )
    meta.append((region, pref.code, county, bureau.index, bureau.buyer or "", gov, None))
    deputy = "常务副" + bureau.head if bureau.sector == "police" else "副" + bureau.head
    slots += [
        (
            b,
            "top",
            f"党组书记、{bureau.head}" if bureau.sector != "discipline" else bureau.head,
            lead_rank,
            bureau.duties,
        ),
        (b, "deputy", deputy, lead_rank, bureau.deputy_duties),
        (b, "deputy", "副" + bureau.head, lead_rank, ""),
    ]
    for s, sub in enumerate(bureau.subs, start=1):
        sname = sub.county if county else sub.city
        if sname is None:
            continue
        d = len(rows)
        unit = sub.level == "unit"
        rows.append(
            {
                "code": f"{code}{s:02d}",
                "name": f"{place}{sname}" if unit else f"{full}{sname}",
                "parent_code": code,
                "level": sub.level,
                "region_code": region,
                "sector": sub.sector or bureau.sector,
            }
        )
        meta.append((region, pref.code, county, bureau.index, sub.buyer or "", gov, sub))
        head = "股长" if county and sub.head == "科长" else sub.head
        if unit:
            slots += [
                (d, "top", head, lead_rank if sub.sector else sub_rank, sub.duties),
                (d, "deputy", "副" + head, sub_rank, sub.duties),
            ]
        else:
            slots.append((d, "head", head, sub_rank, sub.duties))


def make_officials(
    rng: np.random.Generator,
    scale: Scale,
    depts: Departments,
    slots: list[tuple],
    prefectures: tuple[Prefecture, ...],
) -> Officials:
    must = [s for s in slots if s[1] == "top"]
    rest = [s for s in slots if s[1] != "top"]
    if len(must) > scale.officials:
        raise ValueError(f"scale {scale.name}: {scale.officials} officials cannot lead {len(must)} units")
    leaders = must + rest[: scale.officials - len(must)]
    n_staff = scale.officials - len(leaders)
    # Staff go to sections and units, more where items are handled (handlers) and in big bureaus.
    weight = np.array(
        [
            (2.5 if sub is not None and sub.items else 1.0) * (1.0 if sub is not None else 0.4)
            for sub in depts.subs
        ]
    )
    weight[depts.bureau == 0] = 0.2
    # Every unit that handles items has at least two handlers; the rest are spread by weight.
    handling = np.repeat([d for d, sub in enumerate(depts.subs) if sub is not None and sub.items], 2)[
        :n_staff
    ]
    staff_dept = np.concatenate(
        [handling, rng.choice(weight.shape[0], n_staff - handling.shape[0], p=weight / weight.sum())]
    )
    staff_duty = np.array([sub.duties if sub is not None else "" for sub in depts.subs], dtype=object)
    grades = np.array(["一级科员", "二级科员", "四级主任科员", "三级主任科员", "副科长"], dtype=object)
    dept = np.concatenate([np.array([s[0] for s in leaders], dtype=np.int64), staff_dept])
    kind = np.concatenate(
        [np.array([s[1] for s in leaders], dtype=object), np.full(n_staff, "staff", object)]
    )
    title = np.concatenate(
        [
            np.array([s[2] for s in leaders], dtype=object),
            grades[rng.choice(5, n_staff, p=[0.35, 0.2, 0.2, 0.15, 0.1])],
        ]
    )
    rank = np.concatenate(
        [
            np.array([s[3] for s in leaders], dtype=object),
            np.where(rng.random(n_staff) < 0.25, "section", "staff").astype(object),
        ]
    )
    duties = np.concatenate([np.array([s[4] for s in leaders], dtype=object), staff_duty[staff_dept]])
    n = dept.shape[0]
    lo = np.array([AGES[k][0] for k in kind])
    hi = np.array([AGES[k][1] for k in kind])
    age = lo + rng.random(n) * (hi - lo)
    birth = years_before(np.full(n, d64(AS_OF)), age)
    male = rng.random(n) < np.array([MALE[k] for k in kind])
    region = np.empty(n, dtype=np.int64)
    for p in prefectures:  # officials are mostly born in the prefecture they serve
        here = np.flatnonzero(depts.prefecture[dept] == int(p.code))
        region[here] = birthplaces(rng, here.shape[0], (p,), outside=0.12)
    people = make_people(rng, region, birth, male, codes.OFFICIAL_BLOCK)
    tenure = np.where(kind == "top", rng.exponential(3.0, n), rng.exponential(4.0, n))
    long_in_post = (kind == "top") & (rng.random(n) < 0.12)
    tenure = np.where(long_in_post, rng.uniform(5.5, 12.0, n), tenure)
    start = np.maximum(years_before(np.full(n, d64(AS_OF)), tenure), years_before(birth, -23.0))
    handler = np.array([bool(sub is not None and sub.items) for sub in depts.subs])[dept]
    start = np.where(
        handler, np.minimum(start, years_before(np.full(n, d64(ACTIVITY_START)), rng.random(n) * 5)), start
    )
    start = np.maximum(start, years_before(birth, -22.0))
    ids = pl.Series("official_id", [f"OF{i:07d}" for i in range(1, n + 1)])
    return Officials(
        people, ids, rank.astype(str), kind.astype(str), dept, title.astype(str), duties.astype(str), start
    )


def officials_table(rng: np.random.Generator, off: Officials) -> pl.DataFrame:
    party = (off.kind != "staff") | (rng.random(len(off)) < 0.75)
    return pl.DataFrame(
        {
            "official_id": off.official_id,
            "name": off.people.name,
            "id_number": off.people.id_number,
            "gender": np.where(off.people.male, "M", "F"),
            "birth_date": off.people.birth,
            "rank": off.rank,
            "party_member": party,
        }
    )


def posts_table(rng: np.random.Generator, off: Officials, depts: Departments) -> pl.DataFrame:
    n = len(off)
    current = pl.DataFrame(
        {
            "official_id": off.official_id,
            "department_code": depts.code[off.dept],
            "title": off.title,
            "is_top_leader": off.kind == "top",
            "start_date": off.start,
            "end_date": np.full(n, np.datetime64("NaT"), dtype="datetime64[D]"),
            "duties": pl.Series(off.duties).replace("", None),
        }
    )
    tenure_years = (d64(AS_OF) - off.start).astype(np.int64) / 365.25
    # Long-serving top leaders often rose inside the same unit (>10 years there); others rotated in.
    same_unit = (off.kind == "top") & (tenure_years > 5) & (rng.random(n) < 0.5)
    moved = ~same_unit & (rng.random(n) < 0.35)
    earlier = same_unit | moved
    end = off.start - np.timedelta64(1, "D")
    start = years_before(end, rng.uniform(2.0, 6.0, n))
    ok = earlier & (start > years_before(off.people.birth, -22.0))
    tree = depts.root[off.dept]
    roots, first = np.unique(depts.root, return_index=True)
    sizes = np.diff(np.append(first, depts.root.shape[0]))
    pos = np.searchsorted(roots, tree)
    other = first[pos] + (rng.random(n) * sizes[pos]).astype(np.int64)  # departments are grouped by tree
    dept = np.where(same_unit, off.dept, other)
    bare = np.char.replace(off.title.astype(str), "党组书记、", "")
    deputy = np.where(
        np.char.find(bare, "委书记") >= 0,
        np.char.replace(bare, "委书记", "委副书记"),
        np.char.add("副", bare),
    )
    title = np.where(same_unit, deputy, np.array(["四级主任科员", "副科长", "科长"])[rng.integers(0, 3, n)])
    history = pl.DataFrame(
        {
            "official_id": off.official_id.filter(pl.Series(ok)),
            "department_code": depts.code[dept[ok]],
            "title": title[ok],
            "is_top_leader": np.zeros(int(ok.sum()), dtype=bool),
            "start_date": start[ok],
            "end_date": end[ok],
            "duties": pl.Series([None] * int(ok.sum()), dtype=pl.String),
        }
    )
    return pl.concat([current, history])


@dataclass
class Items:
    frame: pl.DataFrame  # service_items.csv
    dept: np.ndarray
    limit: np.ndarray
    category: np.ndarray
    weight: np.ndarray
    amount: np.ndarray
    name: np.ndarray


def make_items(depts: Departments) -> Items:
    rows, dept, limit, category, weight, amount, names_ = [], [], [], [], [], [], []
    for d, sub in enumerate(depts.subs):
        if sub is None:
            continue
        for k, item in enumerate(sub.items, start=1):
            rows.append(
                {
                    "item_code": f"SX{depts.code[d]}{k:02d}",
                    "name": item.name,
                    "department_code": depts.code[d],
                    "time_limit_days": item.limit,
                    "steps": item.steps,
                    "materials": item.materials,
                }
            )
            # Counties handle most matters; prefecture-level units see a share of them.
            w = item.weight * (1.0 if depts.county_level[d] else 1.5)
            dept.append(d), limit.append(item.limit), category.append(item.category), weight.append(w)
            amount.append(item.amount), names_.append(item.name)
    return Items(
        pl.DataFrame(rows),
        np.array(dept),
        np.array(limit),
        np.array(category),
        np.array(weight),
        np.array(amount),
        np.array(names_),
    )
