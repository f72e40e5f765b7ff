"""People of the demo world: name, gender, birth date, birthplace and a valid ID number for each.

Two pools: public officials with their declared relatives, and the people of the business registry
(legal representatives, shareholders, managers, contacts). The pools' ID numbers come from disjoint
order-code blocks (see codes.OFFICIAL_BLOCK); the planted patterns add their people through `Reserve`.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

import numpy as np
import polars as pl

from qinqing.core.identifiers import make_id_number
from qinqing.demo import codes, names
from qinqing.demo.clock import d64
from qinqing.demo.geography import OUTSIDE_BIRTHPLACES, Prefecture


@dataclass
class People:
    name: pl.Series
    surname: np.ndarray  # index into names.SURNAMES
    male: np.ndarray
    birth: np.ndarray  # datetime64[D]
    region: np.ndarray  # int birthplace code (first 6 characters of the ID number)
    id_number: pl.Series

    def __len__(self) -> int:
        return self.male.shape[0]

    def take(self, index: np.ndarray) -> People:
        return People(
            self.name.gather(index),
            self.surname[index],
            self.male[index],
            self.birth[index],
            self.region[index],
            self.id_number.gather(index),
        )


def make_people(
    rng: np.random.Generator,
    region: np.ndarray,
    birth: np.ndarray,
    male: np.ndarray,
    block: tuple[int, int],
    surname: np.ndarray | None = None,
) -> People:
    if surname is None:
        surname = names.draw_surnames(rng, male.shape[0])
    given = names.draw_given(rng, male)
    seq = codes.unique_sequences(rng, region, birth, male, block)
    return People(
        names.full_names(surname, given),
        surname,
        male,
        birth,
        region,
        codes.id_numbers(region, birth, seq, male),
    )


def birthplaces(
    rng: np.random.Generator, n: int, prefectures: tuple[Prefecture, ...], outside: float = 0.08
) -> np.ndarray:
    """Birthplace codes: the world's counties by population, a few from elsewhere."""
    counties = [c for p in prefectures for c in p.counties]
    weight = np.array([c.weight for c in counties])
    local = np.array([int(c.code) for c in counties])[rng.choice(len(counties), n, p=weight / weight.sum())]
    far = np.array([int(c) for c in OUTSIDE_BIRTHPLACES])[rng.integers(0, len(OUTSIDE_BIRTHPLACES), n)]
    return np.where(rng.random(n) < outside, far, local)


def births_between(rng: np.random.Generator, n: int, oldest: dt.date, youngest: dt.date) -> np.ndarray:
    lo, hi = d64(oldest).astype(np.int64), d64(youngest).astype(np.int64)
    # A hump in the middle of the range, as the working-age population has.
    u = (rng.random(n) + rng.random(n)) / 2
    return (lo + (u * (hi - lo)).astype(np.int64)).astype("datetime64[D]")


def registry_people(rng: np.random.Generator, n: int, prefectures: tuple[Prefecture, ...]) -> People:
    """The business registry's people, sorted by birthplace so that firms can pick local people fast."""
    region = np.sort(birthplaces(rng, n, prefectures))
    male = rng.random(n) < 0.68  # most legal representatives and shareholders are men
    birth = births_between(rng, n, dt.date(1952, 1, 1), dt.date(2001, 12, 31))
    return make_people(rng, region, birth, male, codes.FIRM_BLOCK)


def pick_local(
    rng: np.random.Generator, pool: People, region: np.ndarray, local: float = 0.85, busy: float = 0.15
) -> np.ndarray:
    """Pool indices of one person per slot: mostly born in the slot's region, and a 'busy' few (the
    first 3% of each region's range) who turn up again and again, as serial entrepreneurs do."""
    n = region.shape[0]
    codes_, start, count = np.unique(pool.region, return_index=True, return_counts=True)
    pos = np.clip(np.searchsorted(codes_, region), 0, codes_.shape[0] - 1)
    found = codes_[pos] == region
    u = rng.random(n)
    u = np.where(rng.random(n) < busy, u * 0.03, u)
    local_idx = start[pos] + (u * count[pos]).astype(np.int64)
    anywhere = rng.integers(0, len(pool), n)
    return np.where(found & (rng.random(n) < local), local_idx, anywhere)


class Reserve:
    """Hand-placed people of the planted patterns. Their ID numbers come from the same order-code blocks
    as everyone else's (relatives from the relatives' block, business people from the registry's), so
    nothing in a number marks a planted person; `used` holds every number already given out."""

    def __init__(self, rng: np.random.Generator, used: set[str]) -> None:
        self.rng = rng
        self.used = used

    def id_number(self, region: str, birth: dt.date, male: bool, block: tuple[int, int]) -> str:
        gender = "M" if male else "F"
        while True:
            seq = int(self.rng.integers(*block))
            number = make_id_number(region, birth, seq, gender)
            if number not in self.used:
                self.used.add(number)
                return number

    def person(
        self,
        region: str,
        birth: dt.date,
        male: bool,
        surname: str | None = None,
        name: str | None = None,
        relative: bool = False,
    ) -> dict[str, object]:
        block = codes.RELATIVE_BLOCK if relative else codes.FIRM_BLOCK
        return {
            "name": name or names.one_name(self.rng, male, surname),
            "id_number": self.id_number(region, birth, male, block),
            "birth": birth,
            "male": male,
            "region": region,
        }
