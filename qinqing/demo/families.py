"""What officials declare (个人有关事项报告): relatives with their ID numbers, household assets and yearly
household incomes.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
import polars as pl

from qinqing.demo import codes, names
from qinqing.demo.clock import d64, random_dates, years_before
from qinqing.demo.geography import COUNTY_NAME, Prefecture
from qinqing.demo.government import Officials
from qinqing.demo.params import AS_OF, INCOME_YEARS
from qinqing.demo.people import People, birthplaces, make_people

ESTATES = (
    "翠峰花园",
    "南城门小区",
    "麒麟花园",
    "阳光花园",
    "金域华府",
    "锦绣华城",
    "世纪花园",
    "春城小区",
    "龙华苑",
    "凤凰城",
    "江南水乡",
    "珠江源壹号",
)
BANKS = ("中国农业银行", "中国建设银行", "中国工商银行", "富滇银行", "曲靖市商业银行", "中国邮政储蓄银行")
SALARY = {"staff": 85_000.0, "section": 110_000.0, "county": 150_000.0, "bureau": 210_000.0}


@dataclass
class Relatives:
    frame: pl.DataFrame  # relatives.csv
    official: np.ndarray  # index of the declaring official
    relation: np.ndarray
    people: People


def make_relatives(
    rng: np.random.Generator, off: Officials, prefectures: tuple[Prefecture, ...]
) -> Relatives:
    n = len(off)
    p = off.people
    age = (d64(AS_OF) - p.birth).astype(np.int64) / 365.25
    spouse_surname = names.draw_surnames(rng, n)
    has_spouse = (age >= 27) & (rng.random(n) < 0.9)
    children = np.where(age >= 30, rng.choice(3, n, p=[0.1, 0.6, 0.3]), 0)
    siblings = rng.choice(4, n, p=[0.45, 0.3, 0.17, 0.08])
    parents = np.where(rng.random(n) < 0.1, rng.integers(1, 3, n), 0)
    in_law = (rng.random(n) < 0.03) & has_spouse
    parts: list[
        tuple[np.ndarray, str, np.ndarray, np.ndarray, np.ndarray]
    ] = []  # who, relation, male, birth, sur

    who = np.flatnonzero(has_spouse)
    parts.append(
        (
            who,
            "spouse",
            ~p.male[who],
            years_before(p.birth[who], rng.uniform(-4, 4, who.shape[0])),
            spouse_surname[who],
        )
    )
    who = np.repeat(np.arange(n), children)
    kid_birth = years_before(p.birth[who], -rng.uniform(23, np.minimum(38, age[who] - 1)))
    kid_surname = np.where(p.male[who] | ~has_spouse[who], p.surname[who], spouse_surname[who])
    kid_male = rng.random(who.shape[0]) < 0.5
    parts.append((who, "child", kid_male, kid_birth, kid_surname))
    grown = (d64(AS_OF) - kid_birth).astype(np.int64) / 365.25 >= 26
    married = grown & (rng.random(who.shape[0]) < 0.5)
    parts.append(
        (
            who[married],
            "child_spouse",
            ~kid_male[married],
            years_before(kid_birth[married], rng.uniform(-3, 3, int(married.sum()))),
            names.draw_surnames(rng, int(married.sum())),
        )
    )
    who = np.repeat(np.arange(n), siblings)
    parts.append(
        (
            who,
            "sibling",
            rng.random(who.shape[0]) < 0.5,
            years_before(p.birth[who], rng.uniform(-10, 10, who.shape[0])),
            p.surname[who],
        )
    )
    who = np.repeat(np.arange(n), parents)
    first = np.r_[True, who[1:] != who[:-1]] if who.shape[0] else np.zeros(0, bool)
    parts.append(
        (
            who,
            "parent",
            first,
            years_before(p.birth[who], rng.uniform(22, 34, who.shape[0])),
            np.where(first, p.surname[who], names.draw_surnames(rng, who.shape[0])),
        )
    )
    who = np.flatnonzero(in_law)
    parts.append(
        (
            who,
            "parent_in_law",
            rng.random(who.shape[0]) < 0.5,
            years_before(p.birth[who], rng.uniform(24, 34, who.shape[0])),
            spouse_surname[who],
        )
    )

    official = np.concatenate([x[0] for x in parts])
    relation = np.concatenate([np.full(x[0].shape[0], x[1], dtype=object) for x in parts]).astype(str)
    male = np.concatenate([x[2] for x in parts]).astype(bool)
    birth = np.concatenate([x[3] for x in parts]).astype("datetime64[D]")
    surname = np.concatenate([x[4] for x in parts]).astype(np.int32)
    family_home = rng.random(official.shape[0]) < 0.7
    region = np.where(family_home, p.region[official], birthplaces(rng, official.shape[0], prefectures))
    people = make_people(rng, region, birth, male, codes.RELATIVE_BLOCK, surname)
    declared = rng.random(official.shape[0]) < 0.92  # some relatives are declared without a number
    frame = pl.DataFrame(
        {
            "official_id": off.official_id.gather(official),
            "name": people.name,
            "relation": relation,
            "id_number": codes.keep_where(people.id_number, declared),
            "birth_date": birth,
        }
    )
    return Relatives(frame, official, relation, people)


def assets_table(rng: np.random.Generator, off: Officials, rel: Relatives) -> pl.DataFrame:
    n = len(off)
    k = rng.choice(4, n, p=[0.3, 0.4, 0.2, 0.1]) + 1
    who = np.repeat(np.arange(n), k)
    m = who.shape[0]
    kind = np.array(["property", "vehicle", "deposit", "securities"])[
        rng.choice(4, m, p=[0.5, 0.25, 0.17, 0.08])
    ]
    median = np.select(
        [kind == "property", kind == "vehicle", kind == "deposit"], [750_000, 150_000, 200_000], 100_000
    )
    value = np.round(median * rng.lognormal(0, 0.5, m), -2)
    # Owner: the official, or the spouse / a child as declared.
    spouse = rel.frame.with_columns(pl.Series("o", rel.official)).filter(pl.col("relation") == "spouse")
    spouse_name = np.full(n, None, dtype=object)
    spouse_name[spouse["o"].to_numpy()] = spouse["name"].to_numpy()
    owner = off.people.name.gather(who).to_numpy().astype(object)
    use_spouse = (rng.random(m) < 0.35) & (spouse_name[who] != None)  # noqa: E711 - numpy elementwise
    owner[use_spouse] = spouse_name[who][use_spouse]
    acquired = random_dates(rng, m, AS_OF.replace(year=2005), AS_OF)
    region = off.people.region[who]
    county = np.array([COUNTY_NAME.get(str(r), "曲靖市麒麟区") for r in region], dtype=object)
    estate = np.array(ESTATES, dtype=object)[rng.integers(0, len(ESTATES), m)]
    bank = np.array(BANKS, dtype=object)[rng.integers(0, len(BANKS), m)]
    location = np.where(kind == "property", county + estate, bank).astype(str)
    return pl.DataFrame(
        {
            "official_id": off.official_id.gather(who),
            "owner_name": owner.astype(str),
            "kind": kind,
            "value": value,
            "acquired_date": np.where(kind == "deposit", np.datetime64("NaT"), acquired),
            "location": codes.keep_where(pl.Series(location), (kind == "property") | (kind == "deposit")),
        }
    )


def incomes_table(rng: np.random.Generator, off: Officials, rel: Relatives) -> pl.DataFrame:
    n = len(off)
    has_spouse = np.zeros(n, dtype=bool)
    has_spouse[rel.official[rel.relation == "spouse"]] = True
    base = np.array([SALARY[r] for r in off.rank]) * rng.lognormal(0, 0.1, n)
    base += np.where(has_spouse, 70_000 * rng.lognormal(0, 0.5, n), 0)
    years = np.array(INCOME_YEARS)
    growth = 1.03 ** (years - years[0])
    income = np.round(base[:, None] * growth[None, :] * rng.lognormal(0, 0.04, (n, years.shape[0])), -2)
    return pl.DataFrame(
        {
            "official_id": off.official_id.gather(np.repeat(np.arange(n), years.shape[0])),
            "year": np.tile(years, n),
            "income": income.ravel(),
        }
    )
