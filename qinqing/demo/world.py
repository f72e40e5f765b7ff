"""The deterministic demo world: build it, plant the patterns, write the contract files.

`generate(scale, seed, out_dir)` writes the 21 contract CSV files and `planted.json` (the planted
patterns and honest look-alikes with the ids involved). Each stage draws from its own random stream
derived from the seed, so the same seed gives byte-identical files.
"""

from __future__ import annotations

import json
import time
import zlib
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path

import numpy as np
import polars as pl

from qinqing.contract.schema import TABLES
from qinqing.demo import discipline, families, flows, government, matters, ownership, procurement, support
from qinqing.demo import firms as firm_mod
from qinqing.demo.catalogue import NEGATIVE_LIST, POSITIVE_LIST
from qinqing.demo.geography import Prefecture, prefectures_for
from qinqing.demo.output import write_table
from qinqing.demo.params import AS_OF, Scale, scale_named
from qinqing.demo.people import People, Reserve, registry_people

Progress = Callable[[str], None] | None


@dataclass
class World:
    scale: Scale
    seed: int
    prefectures: tuple[Prefecture, ...]
    depts: government.Departments
    off: government.Officials
    rel: families.Relatives
    people: People
    firms: firm_mod.Firms
    index: firm_mod.FirmIndex
    items: government.Items
    cases: discipline.Cases
    liaisons: support.Liaisons
    tables: dict[str, pl.DataFrame]
    reserve: Reserve
    planted: list[dict] = field(default_factory=list)

    def rng(self, stage: str) -> np.random.Generator:
        return stream(self.seed, stage)


def stream(seed: int, stage: str) -> np.random.Generator:
    """An independent, reproducible random stream per stage: adding a stage never shifts another."""
    return np.random.default_rng(np.random.SeedSequence([seed, zlib.crc32(stage.encode())]))


def lists_table() -> pl.DataFrame:
    rows = [(c, "positive", t, d) for c, t, d in POSITIVE_LIST] + [
        (c, "negative", t, d) for c, t, d in NEGATIVE_LIST
    ]
    return pl.DataFrame(rows, schema=["code", "list", "title", "description"], orient="row")


def _numbers_in_use(
    off: government.Officials, rel: families.Relatives, people: People, cases: discipline.Cases
) -> set[str]:
    numbers = set(off.people.id_number.to_list()) | set(rel.people.id_number.to_list())
    return numbers | set(people.id_number.to_list()) | set(cases.former["id_number"].to_list())


def build(scale: Scale, seed: int, progress: Progress = None) -> World:
    say = progress or (lambda _: None)
    rng = lambda stage: stream(seed, stage)  # noqa: E731 - a local shorthand
    prefectures = prefectures_for(scale)
    depts, slots = government.make_departments(prefectures)
    off = government.make_officials(rng("officials"), scale, depts, slots, prefectures)
    t: dict[str, pl.DataFrame] = {"lists": lists_table(), "departments": depts.frame}
    t["officials"] = government.officials_table(rng("officials-table"), off)
    t["posts"] = government.posts_table(rng("posts"), off, depts)
    rel = families.make_relatives(rng("relatives"), off, prefectures)
    t["relatives"] = rel.frame
    t["assets"] = families.assets_table(rng("assets"), off, rel)
    t["incomes"] = families.incomes_table(rng("incomes"), off, rel)
    say("officials")
    people = registry_people(rng("registry-people"), int(scale.firms * 1.2), prefectures)
    firms = firm_mod.make_firms(rng("firms"), scale, prefectures, people)
    index = firm_mod.FirmIndex(firms)
    t["enterprises"] = firm_mod.enterprises_table(rng("enterprises"), firms, people)
    t["holdings"] = ownership.holdings_table(rng("holdings"), firms, people)
    t["roles"] = ownership.roles_table(rng("roles"), firms, people)
    say("enterprises")
    items = government.make_items(depts)
    t["service_items"] = items.frame
    t["applications"] = matters.applications_table(
        rng("applications"), scale, items, depts, firms, index, off
    )
    say("applications")
    cases = discipline.make_cases(rng("cases"), scale, prefectures, depts, firms, index, off.official_id)
    t["officials"] = pl.concat([t["officials"], cases.former])
    t["posts"] = pl.concat([t["posts"], cases.former_posts])
    t["cases"], t["blacklist"] = cases.frame, cases.blacklist
    tenders = procurement.tenders_table(rng("tenders"), scale, depts)
    bids = procurement.bids_table(rng("bids"), tenders, firms, index, people, cases.banned)
    t["tenders"] = procurement.unawarded_without_winner(tenders, bids)
    t["bids"] = bids
    say("tenders")
    liaisons = support.make_liaisons(rng("liaisons"), firms, off, depts)
    t["liaisons"] = liaisons.frame
    t["policies"] = support.policies_table(rng("policies"), scale, depts, prefectures)
    t["appeals"] = support.appeals_table(rng("appeals"), scale, firms, off, liaisons)
    t["transactions"] = flows.transactions_table(
        rng("transactions"), scale, firms, people, index, t["tenders"], bids
    )
    t["interactions"] = flows.interactions_table(
        rng("interactions"), scale, firms, off, liaisons, t["applications"]
    )
    say("activity")
    return World(
        scale,
        seed,
        prefectures,
        depts,
        off,
        rel,
        people,
        firms,
        index,
        items,
        cases,
        liaisons,
        t,
        Reserve(rng("reserve"), _numbers_in_use(off, rel, people, cases)),
    )


# Tables whose ids are handed out at the end, in time order, so that planted rows hide among the rest:
# (id column, time column, prefix, digits, {table: referring column})
RENUMBER = {
    "applications": ("application_id", "submitted_at", "BJ", 7, {}),
    "tenders": ("tender_id", "published_at", "ZB", 6, {"bids": "tender_id"}),
    "cases": ("case_id", "opened_at", "AJ", 5, {"blacklist": "case_id"}),
    "appeals": ("appeal_id", "submitted_at", "SQ", 6, {}),
}


def _renumber(tables: dict[str, pl.DataFrame]) -> dict[str, str]:
    mapping: dict[str, str] = {}
    for name, (col, when, prefix, width, refs) in RENUMBER.items():
        frame = tables[name].sort(when, col, maintain_order=True)
        year = frame[when].dt.year().cast(pl.String)
        seq = frame.select(
            pl.int_range(1, pl.len() + 1).over(pl.col(when).dt.year()).cast(pl.String)
        ).to_series()
        new = pl.lit(prefix) + pl.lit(year) + pl.lit(seq).str.zfill(width)
        pairs = frame.select(pl.col(col).alias("old"), new.alias("new"))
        tables[name] = frame.with_columns(pairs["new"].alias(col))
        for table, ref in refs.items():
            tables[table] = (
                tables[table]
                .join(pairs, left_on=ref, right_on="old", how="left", maintain_order="left")
                .with_columns(pl.col("new").alias(ref))
                .drop("new")
            )
        mapping.update(zip(pairs["old"].to_list(), pairs["new"].to_list(), strict=True))
    return mapping


def _remap(value: object, mapping: dict[str, str]) -> object:
    if isinstance(value, str):
        return mapping.get(value, value)
    if isinstance(value, list):
        return [_remap(v, mapping) for v in value]
    if isinstance(value, dict):
        return {k: _remap(v, mapping) for k, v in value.items()}
    return value


# The order rows are written in: stable sorts on a few columns, so ties keep their (deterministic)
# generation order and planted rows land among the others instead of at the end.
ORDER = {
    "departments": ("code",),
    "officials": ("official_id",),
    "enterprises": ("uscc",),
    "posts": ("official_id", "start_date"),
    "relatives": ("official_id", "relation", "birth_date"),
    "holdings": ("enterprise_uscc", "start_date", "holder_name"),
    "roles": ("enterprise_uscc", "role", "start_date"),
    "service_items": ("item_code",),
    "applications": ("application_id",),
    "tenders": ("tender_id",),
    "bids": ("tender_id", "submitted_at"),
    "transactions": ("date", "payer_id", "payee_id"),
    "interactions": ("date", "official_id", "enterprise_uscc"),
    "assets": ("official_id", "kind", "acquired_date"),
    "incomes": ("official_id", "year"),
    "cases": ("case_id",),
    "blacklist": ("start_date", "uscc"),
    "liaisons": ("enterprise_uscc", "role", "start_date"),
    "policies": ("policy_code",),
    "appeals": ("appeal_id",),
}


def finish(world: World) -> tuple[dict[str, pl.DataFrame], list[dict]]:
    """Renumber ids, drop helper columns, and put every table in its canonical order."""
    tables = {
        name: frame.select([c for c in frame.columns if not c.startswith("_")])
        for name, frame in world.tables.items()
    }
    mapping = _renumber(tables)
    for name, order in ORDER.items():
        tables[name] = tables[name].sort(list(order), nulls_last=True, maintain_order=True)
    return tables, [_remap(p, mapping) for p in world.planted]


def generate(
    scale: str = "city", seed: int = 1, out_dir: Path | str = "demo-data", progress: Progress = None
) -> dict:
    """Write the demo world of `scale` for `seed` into `out_dir`; return rows per table and seconds taken."""
    from qinqing.demo import plant

    started = time.perf_counter()
    spec = scale_named(scale)
    out = Path(out_dir)
    out.mkdir(parents=True, exist_ok=True)
    world = build(spec, seed, progress)
    plant.plant_all(world)
    if progress:
        progress("planted")
    tables, planted = finish(world)
    rows = {table.name: write_table(table, tables[table.name], out) for table in TABLES}
    summary = {"scale": spec.name, "seed": seed, "as_of": AS_OF.isoformat()}
    document = summary | {
        "patterns": [p for p in planted if not p["honest"]],
        "look_alikes": [p for p in planted if p["honest"]],
    }
    (out / "planted.json").write_text(
        json.dumps(document, ensure_ascii=False, indent=2) + "\n", encoding="utf-8"
    )
    if progress:
        progress("written")
    return summary | {
        "out_dir": str(out),
        "rows": rows,
        "planted": len(planted),
        "seconds": round(time.perf_counter() - started, 2),
    }
