"""Planting the article's patterns and their honest look-alikes into a built world.

`Planter` holds the small hand-made pieces (new firms, stakes, matters, tenders, contacts) and records
each planted case with the ids involved; the pattern modules (`plant_power`, `plant_bids`,
`plant_honest`) say what to plant. Planted rows get provisional ids like every other row and are
renumbered with them, so nothing about a row's position or id gives a plant away.
"""

from __future__ import annotations

import datetime as dt
from collections import defaultdict
from typing import TYPE_CHECKING, Any

import numpy as np
import polars as pl

from qinqing.demo import clock, names
from qinqing.demo import industries as ind
from qinqing.demo.geography import COUNTY_PREFECTURE, PREFECTURE_BY_CODE
from qinqing.demo.matters import handlers_by_dept
from qinqing.demo.params import ACTIVITY_START, AS_OF
from qinqing.demo.plant_rows import Firm, Person, Rows, _date

if TYPE_CHECKING:
    from qinqing.demo.world import World

__all__ = ["Firm", "Person", "Planter", "_date", "plant_all"]


class Planter(Rows):
    def __init__(self, world: World) -> None:
        self.w = world
        self.rng = world.rng("plant")
        self.rows: dict[str, list[dict]] = defaultdict(list)
        self.seq = 0
        self.serial = 0
        off = world.off
        self.off_index = {o: i for i, o in enumerate(off.official_id.to_list())}
        subjects = set(world.cases.frame["subject_official_id"].to_list())
        self.used_officials = {self.off_index[s] for s in subjects if s in self.off_index}
        self.used_firms: set[int] = set(world.cases.banned["firm"].to_list())
        self.handlers = handlers_by_dept(off, world.depts.code.shape[0])
        self.dept_index = {c: i for i, c in enumerate(world.depts.code)}
        self.names: set[str] = set(world.firms.name.to_list())  # one registration per name
        depts = world.depts
        self.off_region = depts.region[off.dept]
        self.off_bureau = np.where(
            np.array([s is None for s in depts.subs])[off.dept], depts.bureau[off.dept], -1
        )
        self.off_lead = np.isin(off.kind, ("top", "deputy"))
        self._adults: np.ndarray | None = None
        self._handled: pl.DataFrame | None = None

    # ---- ids, dates, people -------------------------------------------------------------------------
    def next_id(self, prefix: str) -> str:
        self.seq += 1
        return f"{prefix}{self.seq:06d}"

    def day(self, date: dt.date) -> int:
        return int(clock.index_on_or_after(np.array([clock.d64(date)]))[0])

    def random_day(self, start: dt.date, end: dt.date = AS_OF) -> int:
        return int(clock.random_workdays(self.rng, 1, start, end)[0])

    def stamp(self, day: int, hour: float | None = None) -> dt.datetime:
        seconds = int(hour * 3600) if hour is not None else int(self.rng.integers(8 * 3600 + 1800, 17 * 3600))
        return dt.datetime.combine(_date(clock.day_of(np.array([day]))[0]), dt.time()) + dt.timedelta(
            seconds=seconds
        )

    def person(
        self,
        region: str,
        birth: dt.date | None = None,
        male: bool | None = None,
        surname: str | None = None,
        name: str | None = None,
        relative: bool = False,
    ) -> Person:
        """A new person; `relative`: a declared relative (numbers from the relatives' order-code block)."""
        male = bool(self.rng.random() < 0.75) if male is None else male
        birth = birth or dt.date(
            int(self.rng.integers(1962, 1992)), int(self.rng.integers(1, 13)), int(self.rng.integers(1, 29))
        )
        return self.w.reserve.person(region, birth, male, surname, name, relative)

    def registry_person(self, region: int) -> Person:
        """Someone already in the business registry, born in or near `region`."""
        p = self.w.people
        lo, hi = np.searchsorted(p.region, [region, region + 1])
        i = int(self.rng.integers(lo, hi)) if hi > lo else int(self.rng.integers(0, len(p)))
        return {
            "name": p.name[i],
            "id_number": p.id_number[i],
            "birth": _date(p.birth[i]),
            "male": bool(p.male[i]),
            "region": str(p.region[i]),
        }

    def official(self, o: int) -> Person:
        off = self.w.off
        return {
            "official_id": off.official_id[o],
            "name": off.people.name[o],
            "id_number": off.people.id_number[o],
            "birth": _date(off.people.birth[o]),
            "male": bool(off.people.male[o]),
            "region": str(off.people.region[o]),
            "dept": int(off.dept[o]),
            "start": _date(off.start[o]),
        }

    # ---- choosing existing officials and firms ------------------------------------------------------
    def take_official(
        self, mask: np.ndarray, prefer: np.ndarray | None = None, settled: bool = True
    ) -> int | None:
        """A random official of `mask` not yet used by another plant (of `prefer` if any); `settled`: in
        post for the whole activity window, so that every planted matter falls inside the post."""
        free = mask & (self.w.off.start <= clock.d64(ACTIVITY_START)) if settled else mask.copy()
        free[list(self.used_officials)] = False
        if prefer is not None and (free & prefer).any():
            free &= prefer
        cand = np.flatnonzero(free)
        if cand.shape[0] == 0:
            return None
        o = int(cand[self.rng.integers(0, cand.shape[0])])
        self.used_officials.add(o)
        return o

    def take_firms(
        self, area: int, county: bool, category: str, k: int, min_capital: float = 0.0
    ) -> list[Firm]:
        pool = self.w.index.pool(area, county, category)
        pool = pool[(self.w.firms.capital[pool] >= min_capital) & self.w.index.category(category)[pool]]
        pool = np.setdiff1d(pool, np.fromiter(self.used_firms, dtype=np.int64, count=len(self.used_firms)))
        if pool.shape[0] < k:
            return []
        chosen = self.rng.choice(pool, k, replace=False)
        self.used_firms.update(int(f) for f in chosen)
        return [self.firm(int(f)) for f in chosen]

    def firm(self, f: int) -> Firm:
        fs, people = self.w.firms, self.w.people
        pm = int(fs.project_manager[f])
        return {
            "index": f,
            "uscc": fs.uscc[f],
            "name": fs.name[f],
            "region": str(fs.region[f]),
            "industry": ind.CODES[fs.industry[f]],
            "established": _date(fs.established[f]),
            "contact": people.name[int(fs.contact[f])],
            "phone": fs.contact_phone[f],
            "pm": people.id_number[pm] if pm >= 0 else None,
            "pm_name": people.name[pm] if pm >= 0 else None,
            "pm_phone": fs.pm_phone[f] if pm >= 0 else None,
        }

    def handler_in(self, dept: int) -> str | None:
        staff = self.handlers[dept]
        return (
            self.w.off.official_id[int(staff[self.rng.integers(0, staff.shape[0])])]
            if staff.shape[0]
            else None
        )

    def with_adult_relatives(self) -> np.ndarray:
        """Officials who declared an adult relative with an ID number (who could own or run a firm)."""
        if self._adults is not None:
            return self._adults
        rel = self.w.tables["relatives"].filter(
            pl.col("id_number").is_not_null()
            & pl.col("birth_date").is_between(dt.date(1955, 1, 1), dt.date(2000, 12, 31))
            & pl.col("relation").is_in(["spouse", "child", "sibling", "child_spouse", "sibling_spouse"])
        )
        mask = np.zeros(len(self.w.off), dtype=bool)
        mask[[self.off_index[o] for o in rel["official_id"].unique(maintain_order=True).to_list()]] = True
        self._adults = mask
        return mask

    def handled(self) -> pl.DataFrame:
        """Background matters completed by a serving handler (candidates for contact patterns)."""
        if self._handled is None:
            self._handled = self.w.tables["applications"].filter(
                pl.col("application_id").str.starts_with("b")
                & (pl.col("status") == "completed")
                & pl.col("handler_official_id").is_not_null()
                & pl.col("accepted_at").is_not_null()
            )
        return self._handled

    def counties_of(self, region: int) -> list[str]:
        """The world's county codes in the prefecture of `region` (a county or a prefecture code)."""
        pref = str(region) if str(region) in PREFECTURE_BY_CODE else COUNTY_PREFECTURE[str(region)]
        return [c.code for pf in self.w.prefectures if pf.code == pref for c in pf.counties]

    def item_code(self, dept_code: str, name: str) -> str | None:
        hit = self.w.items.frame.filter((pl.col("department_code") == dept_code) & (pl.col("name") == name))
        return hit["item_code"][0] if hit.height else None

    # ---- new rows -----------------------------------------------------------------------------------

    def record(self, kind: str, description: str, honest: bool = False, **ids: Any) -> None:
        self.w.planted.append({"kind": kind, "honest": honest, "description": description, "ids": ids})

    def flush(self) -> None:
        """Append the planted rows to the world's tables (same columns and types)."""
        for name, rows in self.rows.items():
            frame = self.w.tables[name]
            schema = {c: t for c, t in frame.schema.items() if not c.startswith("_")}
            extra = pl.DataFrame(rows, schema=schema)
            self.w.tables[name] = pl.concat([frame.select(list(schema)), extra])
        self.rows.clear()


def given_name_like(rng: np.random.Generator, name: str, male: bool) -> str:
    """Another name of the same family (same surname), never `name` itself."""
    while True:
        other = names.one_name(rng, male, name[0])
        if other != name:
            return other


def plant_all(world: World) -> None:
    from qinqing.demo import plant_bids, plant_honest, plant_power

    planter = Planter(world)
    for i in range(world.scale.plants):
        plant_power.plant(planter, i)
        plant_bids.plant(planter, i)
        plant_honest.plant(planter, i)
    planter.flush()
