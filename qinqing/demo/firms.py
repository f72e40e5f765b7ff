"""The business registry: enterprises, shareholdings (multi-layer, with cross-holdings and cycles as
real registries have) and people's roles in firms, all built column-wise.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
import polars as pl

from qinqing.demo import codes
from qinqing.demo import industries as ind
from qinqing.demo.clock import d64, years_before
from qinqing.demo.geography import COAL_COUNTIES, Prefecture
from qinqing.demo.params import AS_OF, Scale
from qinqing.demo.people import People, pick_local

STATUSES = ("active", "revoked", "cancelled")
TIER_P = np.array([0.5, 0.25, 0.15, 0.10])  # holding companies: how far up an ownership chain they sit


@dataclass
class Firms:
    uscc: pl.Series
    name: pl.Series
    industry: np.ndarray  # index into industries.INDUSTRIES
    region: np.ndarray  # int county code
    capital: np.ndarray  # yuan
    established: np.ndarray  # datetime64[D]
    status: np.ndarray  # index into STATUSES
    tier: np.ndarray  # 0 operating firm, 1–4 holding company
    legal_rep: np.ndarray  # index into the registry people
    contact: np.ndarray
    contact_phone: pl.Series
    project_manager: np.ndarray  # first project manager of a builder, else -1
    pm_phone: pl.Series  # that project manager's phone
    spare_serials: np.ndarray  # organisation-code serials kept for the planted firms

    def __len__(self) -> int:
        return self.tier.shape[0]

    def in_category(self, category: str) -> np.ndarray:
        return ind.in_category(category)[self.industry]


def _counties(prefectures: tuple[Prefecture, ...]) -> tuple[np.ndarray, np.ndarray, list[str]]:
    counties = [c for p in prefectures for c in p.counties]
    weight = np.array([c.weight for c in counties])
    return np.array([int(c.code) for c in counties]), weight / weight.sum(), [c.name for c in counties]


def _industries(rng: np.random.Generator, region: np.ndarray) -> np.ndarray:
    base = np.array([i.weight for i in ind.INDUSTRIES])
    coal = base * np.array([5.0 if i.coal else 1.0 for i in ind.INDUSTRIES])
    in_coal = np.isin(region, [int(c) for c in COAL_COUNTIES])
    plain = rng.choice(base.shape[0], region.shape[0], p=base / base.sum())
    rich = rng.choice(base.shape[0], region.shape[0], p=coal / coal.sum())
    return np.where(in_coal, rich, plain)


def _names(
    rng: np.random.Generator, region: np.ndarray, industry: np.ndarray, prefectures: tuple[Prefecture, ...]
) -> pl.Series:
    """Firm names: place + 字号 (two characters) + business word + legal form, one per registration."""
    n = region.shape[0]
    counties = [c for p in prefectures for c in p.counties]
    codes_ = np.array([int(c.code) for c in counties])
    order = np.argsort(codes_)
    pos = order[np.searchsorted(codes_[order], region)]
    short = {c.code: p.short for p in prefectures for c in p.counties}
    places = pl.Series([c.name for c in counties] + [short[c.code] for c in counties] + ["云南"])
    where = rng.choice(3, n, p=[0.5, 0.35, 0.15])  # county name, prefecture, province
    place = np.where(where == 0, pos, np.where(where == 1, pos + len(counties), 2 * len(counties)))
    words = pl.Series([w for i in ind.INDUSTRIES for w in i.words])
    offset = np.cumsum([0] + [len(i.words) for i in ind.INDUSTRIES])
    count = np.diff(offset)
    word = offset[industry] + (rng.random(n) * count[industry]).astype(np.int64)
    trade = pl.Series(ind.TRADE_CHARS)
    t = len(ind.TRADE_CHARS)
    frame = pl.DataFrame(
        {
            "place": places.gather(place),
            "word": words.gather(word),
            "form": pl.Series(ind.LEGAL_FORMS).gather(rng.choice(3, n, p=ind.LEGAL_FORM_P)),
            "trade": trade.gather(rng.integers(0, t, n)) + trade.gather(rng.integers(0, t, n)),
        }
    )
    name = frame.select(pl.concat_str("place", "trade", "word", "form")).to_series()
    for _ in range(8):  # one name per registration: lengthen the 字号 of clashes until none is left
        clash = ~name.is_first_distinct()
        if not clash.any():
            break
        frame = frame.with_columns(
            pl.when(clash)
            .then(pl.col("trade") + trade.gather(rng.integers(0, t, n)))
            .otherwise(pl.col("trade"))
            .alias("trade")
        )
        name = frame.select(pl.concat_str("place", "trade", "word", "form")).to_series()
    return name.alias("name")


def make_firms(
    rng: np.random.Generator,
    scale: Scale,
    prefectures: tuple[Prefecture, ...],
    people: People,
    spare: int = 2_000,
) -> Firms:
    n = scale.firms
    county_codes, county_p, _ = _counties(prefectures)
    region = county_codes[rng.choice(county_codes.shape[0], n, p=county_p)]
    holding = rng.random(n) < 0.05
    tier = np.where(holding, rng.choice(4, n, p=TIER_P) + 1, 0)
    industry = np.where(holding, ind.INDEX[ind.HOLDING], _industries(rng, region))
    # Firm ages: a truncated exponential (many young firms, few from the 1990s), no pile-up at the ends.
    age_years = 0.08 - 7.0 * np.log1p(-rng.random(n) * (1 - np.exp(-30.0 / 7.0)))
    established = years_before(np.full(n, d64(AS_OF)), age_years)
    median = np.array([i.capital for i in ind.INDUSTRIES])[industry] * 1e4
    capital = np.maximum(np.round(median * rng.lognormal(0.0, 0.9, n), -4), 1e4)
    capital = np.where(ind.CODES[industry] == ind.MICRO_LOAN, np.maximum(capital, 5e7), capital)
    status = rng.choice(3, n, p=[0.88, 0.04, 0.08])
    status = np.where(age_years < 2, 0, status)
    legal_rep = pick_local(rng, people, region)
    adult = years_before(people.birth[legal_rep], -20.0)
    late = adult > established
    established = np.where(late, adult + rng.integers(0, 1000, n).astype("timedelta64[D]"), established)
    established = np.minimum(established, d64(AS_OF) - np.timedelta64(30, "D"))
    serials = codes.unique_serials(rng, n + spare)
    contact = np.where(rng.random(n) < 0.3, legal_rep, pick_local(rng, people, region))
    is_builder = np.char.startswith(ind.CODES[industry].astype(str), "E")
    project_manager = np.where(is_builder, pick_local(rng, people, region), -1)
    return Firms(
        uscc=codes.usccs(region, serials[:n]),
        name=_names(rng, region, industry, prefectures),
        industry=industry,
        region=region,
        capital=capital,
        established=established,
        status=status,
        tier=tier,
        legal_rep=legal_rep,
        contact=contact,
        contact_phone=codes.phones(rng, n),
        project_manager=project_manager,
        pm_phone=codes.phones(rng, n),
        spare_serials=serials[n:],
    )


def enterprises_table(rng: np.random.Generator, firms: Firms, people: People) -> pl.DataFrame:
    shown = rng.random(len(firms)) < 0.8  # registries often leave the number out
    return pl.DataFrame(
        {
            "uscc": firms.uscc,
            "name": firms.name,
            "legal_rep_name": people.name.gather(firms.legal_rep),
            "legal_rep_id": codes.keep_where(people.id_number.gather(firms.legal_rep), shown),
            "industry": ind.CODES[firms.industry].astype(str),
            "region_code": firms.region.astype(str),
            "registered_capital": firms.capital,
            "established_date": firms.established,
            "status": np.array(STATUSES)[firms.status],
        }
    )


class FirmIndex:
    """Active firms by area and category, for drawing applicants and bidders without scanning all firms."""

    def __init__(self, firms: Firms) -> None:
        self.firms = firms
        self.order = np.argsort(firms.region, kind="stable")
        self.sorted_region = firms.region[self.order]
        self.active = firms.status == 0
        self._category: dict[str, np.ndarray] = {}
        self._pools: dict[tuple[int, bool, str], np.ndarray] = {}

    def category(self, name: str) -> np.ndarray:
        if name not in self._category:
            self._category[name] = self.firms.in_category(name)
        return self._category[name]

    def pool(self, area: int, county: bool, category: str) -> np.ndarray:
        """Active firms of `category` in a county (county=True) or a prefecture; any trade if none."""
        key = (int(area), bool(county), category)
        if key not in self._pools:
            lo_code, hi_code = (area, area) if county else (area, area + 99)
            lo = np.searchsorted(self.sorted_region, lo_code, side="left")
            hi = np.searchsorted(self.sorted_region, hi_code, side="right")
            local = self.order[lo:hi]
            local = local[self.active[local]]
            chosen = local[self.category(category)[local]]
            self._pools[key] = chosen if chosen.shape[0] else local
        return self._pools[key]
