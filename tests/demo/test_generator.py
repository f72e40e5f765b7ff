"""The demo world generator: deterministic, contract-shaped, internally consistent, with its planted
patterns and honest look-alikes really present in the data. No database is used.
"""

from __future__ import annotations

import datetime as dt
import itertools
import json
from pathlib import Path

import chinese_calendar
import numpy as np
import polars as pl
import pytest

from qinqing.contract.schema import TABLE_BY_NAME, TABLES
from qinqing.core.identifiers import (
    id_birth_date,
    id_gender,
    id_number_invalid,
    ids_agree,
    make_id_number,
    make_uscc,
    uscc_invalid,
)
from qinqing.demo import codes, generate

PATTERNS = {
    "relative_stake_approvals",
    "relative_loan_firm_flows",
    "pay_first_handler",
    "borrowed_qualification",
    "one_person_many_bidders",
    "shared_contact_phone",
    "bid_rotation_ring",
    "habitual_winner",
    "new_shell_winner",
    "audit_favouritism",
    "assets_beyond_income",
    "blacklisted_bidder",
    "negative_list_contact",
    "contact_during_pending_matter",
}
LOOK_ALIKES = {
    "relative_firm_no_dealings",
    "urgent_with_documented_reason",
    "namesake_shareholder",
    "masked_id_birth_mismatch",
    "asset_explained_by_income",
    "fast_appeal_resolution",
}


def load(folder: Path) -> dict[str, pl.DataFrame]:
    return {t.name: pl.read_csv(folder / f"{t.name}.csv", infer_schema=False) for t in TABLES}


@pytest.fixture(scope="module")
def tiny(tmp_path_factory: pytest.TempPathFactory) -> Path:
    out = tmp_path_factory.mktemp("tiny")
    generate("tiny", 7, out)
    return out


@pytest.fixture(scope="module")
def data(tiny: Path) -> dict[str, pl.DataFrame]:
    return load(tiny)


@pytest.fixture(scope="module")
def planted(tiny: Path) -> dict:
    return json.loads((tiny / "planted.json").read_text(encoding="utf-8"))


def files(folder: Path) -> dict[str, bytes]:
    return {p.name: p.read_bytes() for p in sorted(folder.iterdir())}


def test_same_seed_gives_identical_bytes(tiny: Path, tmp_path: Path) -> None:
    generate("tiny", 7, tmp_path)
    assert files(tmp_path) == files(tiny)


def test_another_seed_gives_another_world(tiny: Path, tmp_path: Path) -> None:
    generate("tiny", 8, tmp_path)
    again, before = files(tmp_path), files(tiny)
    assert again.keys() == before.keys()
    assert again["enterprises.csv"] != before["enterprises.csv"]
    assert again["applications.csv"] != before["applications.csv"]


def test_every_contract_file_is_written_with_the_exact_header(tiny: Path) -> None:
    for table in TABLES:
        with (tiny / f"{table.name}.csv").open(encoding="utf-8") as fh:
            assert fh.readline().rstrip("\n") == ",".join(table.column_names), table.name
    assert (tiny / "planted.json").exists()


def test_required_fields_are_never_empty(data: dict[str, pl.DataFrame]) -> None:
    for table in TABLES:
        frame = data[table.name]
        assert frame.height > 0, table.name
        for col in table.required:
            assert frame[col].null_count() == 0, f"{table.name}.{col}"


def test_id_numbers_and_usccs_are_valid(data: dict[str, pl.DataFrame]) -> None:
    for table in TABLES:
        frame = data[table.name]
        for col in table.columns:
            if col.type == "id_number":
                bad = frame.filter(id_number_invalid(pl.col(col.name)))
            elif col.type == "uscc":
                bad = frame.filter(uscc_invalid(pl.col(col.name)))
            elif col.type == "party":
                bad = frame.filter(id_number_invalid(pl.col(col.name)) & uscc_invalid(pl.col(col.name)))
            elif col.item_type == "uscc":
                items = frame.select(pl.col(col.name).str.split(";").explode().alias("u")).drop_nulls()
                bad = items.filter(uscc_invalid(pl.col("u")))
            else:
                continue
            assert bad.height == 0, f"{table.name}.{col.name}: {bad.head(3)}"


def test_vectorised_identifiers_match_the_scalar_rules() -> None:
    births = np.array(["1968-07-09", "1990-01-01", "2004-02-29"], dtype="datetime64[D]")
    got = codes.id_numbers(
        np.array([530302, 530325, 530381]), births, np.array([22, 0, 499]), np.array([True, False, True])
    ).to_list()
    assert got == [
        make_id_number("530302", dt.date(1968, 7, 9), 22, "M"),
        make_id_number("530325", dt.date(1990, 1, 1), 0, "F"),
        make_id_number("530381", dt.date(2004, 2, 29), 499, "M"),
    ]
    serials = np.array([31**8, 123456789012, 31**9 - 1])
    assert codes.usccs(np.array([530300, 530302, 530381]), serials).to_list() == [
        make_uscc(r, int(s)) for r, s in zip(("530300", "530302", "530381"), serials, strict=True)
    ]


def test_references_resolve_inside_the_dataset(data: dict[str, pl.DataFrame]) -> None:
    for table in TABLES:
        for col in table.columns:
            if not col.references:
                continue
            target, target_col = col.references.split(".")
            values = data[table.name][col.name].drop_nulls()
            missing = values.filter(~values.is_in(data[target][target_col].implode()))
            assert missing.len() == 0, f"{table.name}.{col.name}: {missing.head(3).to_list()}"
    firms = data["enterprises"]["uscc"].implode()
    held_by_firms = data["holdings"].filter(pl.col("holder_type") == "enterprise")["holder_id"]
    assert held_by_firms.is_in(firms).all()
    for side in ("payer_id", "payee_id"):
        usccs = data["transactions"].filter(pl.col(side).str.starts_with("9"))[side]
        assert usccs.is_in(firms).all()
    bribers = data["cases"]["briber_usccs"].drop_nulls().str.split(";").explode()
    assert bribers.is_in(firms).all()


def test_natural_keys_are_unique(data: dict[str, pl.DataFrame]) -> None:
    for table in TABLES:
        if table.key:
            frame = data[table.name].select(pl.col(c).fill_null("") for c in table.key)
            assert frame.is_duplicated().sum() == 0, f"{table.name} {table.key}"


def test_gender_and_birth_date_agree_with_the_id_number(data: dict[str, pl.DataFrame]) -> None:
    for row in data["officials"].drop_nulls("id_number").iter_rows(named=True):
        assert id_gender(row["id_number"]) == row["gender"]
        assert id_birth_date(row["id_number"]).isoformat() == row["birth_date"]
    for row in data["relatives"].drop_nulls("id_number").iter_rows(named=True):
        assert id_birth_date(row["id_number"]).isoformat() == row["birth_date"]


def test_common_names_repeat_as_in_life(data: dict[str, pl.DataFrame]) -> None:
    people = pl.concat(
        [
            data["roles"].select(pl.col("person_name").alias("n")),
            data["officials"].select(pl.col("name").alias("n")),
        ]
    )
    counts = people.group_by("n").len().sort("len", descending=True)
    assert counts["len"][0] >= 10
    assert counts.filter(pl.col("len") >= 3).height >= 50


def test_formats_follow_the_contract(data: dict[str, pl.DataFrame]) -> None:
    apps = data["applications"]
    assert apps["submitted_at"].str.contains(r"^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}\+08:00$").all()
    assert apps["urgent"].is_in(["true", "false"]).all()
    assert data["posts"]["start_date"].str.contains(r"^\d{4}-\d{2}-\d{2}$").all()
    assert data["bids"]["amount"].str.contains(r"^\d+\.\d{2}$").all()


def test_matters_are_submitted_on_working_days(data: dict[str, pl.DataFrame]) -> None:
    days = data["applications"]["submitted_at"].str.slice(0, 10).unique().to_list()
    assert all(chinese_calendar.is_workday(dt.date.fromisoformat(d)) for d in days)


def test_one_winner_per_awarded_tender_and_none_otherwise(data: dict[str, pl.DataFrame]) -> None:
    winners = data["bids"].group_by("tender_id").agg((pl.col("winner") == "true").sum().alias("w"))
    tenders = data["tenders"].join(winners, on="tender_id", how="left").with_columns(pl.col("w").fill_null(0))
    assert (tenders.filter(pl.col("awarded_at").is_not_null())["w"] == 1).all()
    assert (tenders.filter(pl.col("awarded_at").is_null())["w"] == 0).all()


def test_every_active_firm_has_one_county_and_one_industry_leader(data: dict[str, pl.DataFrame]) -> None:
    active = data["enterprises"].filter(pl.col("status") == "active").select("uscc")
    current = data["liaisons"].filter(pl.col("end_date").is_null())
    per_firm = current.group_by("enterprise_uscc", "role").len()
    for role in ("county_leader", "industry_leader"):
        got = active.join(
            per_firm.filter(pl.col("role") == role), left_on="uscc", right_on="enterprise_uscc", how="left"
        )
        assert (got["len"] == 1).all(), role


def test_planted_json_lists_every_pattern_and_look_alike(planted: dict) -> None:
    assert {p["kind"] for p in planted["patterns"]} == PATTERNS
    assert {p["kind"] for p in planted["look_alikes"]} == LOOK_ALIKES
    for entry in planted["patterns"] + planted["look_alikes"]:
        assert entry["description"] and entry["ids"]


def _ids(entry: dict, key: str) -> list[str]:
    value = entry["ids"].get(key)
    return [] if value is None else value if isinstance(value, list) else [value]


def test_planted_ids_exist_in_the_data(planted: dict, data: dict[str, pl.DataFrame]) -> None:
    where = {
        "official_id": ("officials", "official_id"),
        "enterprise_uscc": ("enterprises", "uscc"),
        "operator_uscc": ("enterprises", "uscc"),
        "counterparty_uscc": ("enterprises", "uscc"),
        "ownership_chain": ("enterprises", "uscc"),
        "application_id": ("applications", "application_id"),
        "delayed_application_id": ("applications", "application_id"),
        "tender_id": ("tenders", "tender_id"),
        "case_id": ("cases", "case_id"),
        "appeal_id": ("appeals", "appeal_id"),
        "department_code": ("departments", "code"),
        "item_code": ("service_items", "item_code"),
    }
    for entry in planted["patterns"] + planted["look_alikes"]:
        for key, (table, col) in where.items():
            for value in _ids(entry, key):
                assert value in data[table][col], f"{entry['kind']}: {key} {value}"
        relative = entry["ids"].get("relative")
        if relative:
            declared = data["relatives"].filter(
                (pl.col("official_id") == entry["ids"]["official_id"])
                & (pl.col("name") == relative["name"])
                & (pl.col("id_number") == relative["id_number"])
            )
            assert declared.height == 1, entry["kind"]


def _entry(planted: dict, kind: str) -> dict:
    return next(p for p in planted["patterns"] + planted["look_alikes"] if p["kind"] == kind)


def test_relative_holds_the_mines_directly_and_through_firms(
    planted: dict, data: dict[str, pl.DataFrame]
) -> None:
    entry = _entry(planted, "relative_stake_approvals")
    relative = entry["ids"]["relative"]
    holdings = data["holdings"]
    direct = holdings.filter(pl.col("enterprise_uscc") == entry["ids"]["enterprise_uscc"][0])
    assert any(
        r["holder_name"] == relative["name"] and ids_agree(r["holder_id"], relative["id_number"])
        for r in direct.iter_rows(named=True)
    )
    chain = entry["ids"]["ownership_chain"]
    first = holdings.filter(pl.col("enterprise_uscc") == chain[0])
    assert any(
        r["holder_name"] == relative["name"] and ids_agree(r["holder_id"], relative["id_number"])
        for r in first.iter_rows(named=True)
    )
    assert chain[-1] == entry["ids"]["enterprise_uscc"][1] and len(chain) >= 2
    for holder, held in itertools.pairwise(chain):
        assert (
            holdings.filter((pl.col("enterprise_uscc") == held) & (pl.col("holder_id") == holder)).height == 1
        )
    apps = data["applications"].filter(pl.col("application_id").is_in(entry["ids"]["application_id"]))
    assert (apps["handler_official_id"] == entry["ids"]["official_id"]).all()
    assert (apps["status"] == "completed").all()


def test_namesake_and_masked_look_alikes_are_other_people(
    planted: dict, data: dict[str, pl.DataFrame]
) -> None:
    namesake = _entry(planted, "namesake_shareholder")
    rel = namesake["ids"]["relative"]
    rows = data["holdings"].filter(
        (pl.col("enterprise_uscc") == namesake["ids"]["enterprise_uscc"][0])
        & (pl.col("holder_name") == rel["name"])
    )
    assert rows.height >= 1
    assert not any(ids_agree(r["holder_id"], rel["id_number"]) for r in rows.iter_rows(named=True))
    masked = _entry(planted, "masked_id_birth_mismatch")
    rel, other = masked["ids"]["relative"], masked["ids"]["person_id"][0]
    assert ids_agree(codes_mask(other), rel["id_number"]) and other != rel["id_number"]
    assert id_birth_date(other) != id_birth_date(rel["id_number"])
    roles = data["roles"].filter(
        (pl.col("enterprise_uscc") == masked["ids"]["enterprise_uscc"][0]) & (pl.col("person_id") == other)
    )
    assert roles.height == 1


def codes_mask(number: str) -> str:
    return number[:4] + "*" * 10 + number[14:]


def test_blacklisted_firms_bid_during_a_ban_only_where_planted(
    planted: dict, data: dict[str, pl.DataFrame]
) -> None:
    bids = data["bids"].join(data["tenders"].select("tender_id", "published_at"), on="tender_id")
    during = bids.join(data["blacklist"], left_on="bidder_uscc", right_on="uscc").filter(
        (pl.col("published_at").str.slice(0, 10) >= pl.col("start_date"))
        & (pl.col("end_date").is_null() | (pl.col("published_at").str.slice(0, 10) <= pl.col("end_date")))
    )
    entry = _entry(planted, "blacklisted_bidder")
    assert set(during["bidder_uscc"].to_list()) == set(entry["ids"]["enterprise_uscc"])
    assert during.filter(pl.col("winner") == "true").height == 1


def test_the_generated_world_passes_the_contract_validator(tiny: Path) -> None:
    pytest.importorskip("django")
    from django.conf import settings

    if not settings.configured:
        pytest.skip("Django settings are not configured")
    from qinqing.contract.reader import read_folder
    from qinqing.contract.validate import validate_dataset

    result = validate_dataset(read_folder(tiny), lambda table, column, values: set())
    assert result.ok, result.errors.head(10)


def test_city_scale_is_quick_and_sound(tmp_path: Path) -> None:
    summary = generate("city", 1, tmp_path)
    assert summary["seconds"] < 20
    rows = summary["rows"]
    assert 1_000 <= rows["officials"] <= 3_000 and 20_000 <= rows["enterprises"] <= 40_000
    assert rows["holdings"] > 50_000 and rows["applications"] > 45_000 and rows["bids"] > 8_000
    data = load(tmp_path)
    for name in ("holdings", "bids", "incomes", "posts", "liaisons"):
        key = TABLE_BY_NAME[name].key
        assert data[name].select(pl.col(c).fill_null("") for c in key).is_duplicated().sum() == 0
    zhang_wei = data["roles"].filter(pl.col("person_name") == "张伟")["person_id"].drop_nulls().unique()
    assert zhang_wei.len() > 3  # many different people share the name
    holders = data["holdings"].filter(pl.col("holder_type") == "enterprise")
    edges = set(zip(holders["holder_id"].to_list(), holders["enterprise_uscc"].to_list(), strict=True))
    assert any((b, a) in edges for a, b in edges)  # cross-holdings, as real registries have
    owned_by: dict[str, list[str]] = {}
    for holder, held in edges:
        owned_by.setdefault(held, []).append(holder)

    def layers(firm: str, seen: frozenset[str] = frozenset()) -> int:
        ups = [h for h in owned_by.get(firm, []) if h not in seen]
        return 1 + max((layers(h, seen | {firm}) for h in ups), default=0)

    assert max(layers(firm) for firm in list(owned_by)[:2000]) >= 4


def test_some_top_leaders_are_long_in_post_and_longer_in_the_unit(data: dict[str, pl.DataFrame]) -> None:
    posts = data["posts"]
    top = posts.filter((pl.col("is_top_leader") == "true") & pl.col("end_date").is_null())
    long_in_post = top.filter(pl.col("start_date") <= "2020-06-30")
    assert long_in_post.height > 0
    earlier = posts.filter(pl.col("end_date").is_not_null()).select(
        "official_id", "department_code", pl.col("start_date").alias("first")
    )
    in_unit = long_in_post.join(earlier, on=["official_id", "department_code"]).filter(
        pl.col("first") <= "2015-06-30"
    )
    assert in_unit.height > 0


def test_relatives_hold_stakes_only_where_planted(planted: dict, data: dict[str, pl.DataFrame]) -> None:
    """No accidental relative stakes: every holding whose name and visible ID characters agree with a
    declared relative belongs to a planted pattern or look-alike."""
    holders = data["holdings"].filter((pl.col("holder_type") == "person") & pl.col("holder_id").is_not_null())
    relatives = data["relatives"].drop_nulls("id_number").select("name", pl.col("id_number").alias("rid"))
    pairs = holders.join(relatives, left_on="holder_name", right_on="name")
    visible_agree = (pl.col("holder_id").str.slice(0, 4) == pl.col("rid").str.slice(0, 4)) & (
        pl.col("holder_id").str.slice(14) == pl.col("rid").str.slice(14)
    )
    agree = pairs.filter(
        pl.when(pl.col("holder_id").str.contains("*", literal=True))
        .then(visible_agree)
        .otherwise(pl.col("holder_id") == pl.col("rid"))
    )
    expected: set[str] = set()
    for entry in planted["patterns"] + planted["look_alikes"]:
        if entry["kind"] in (
            "relative_stake_approvals",
            "relative_loan_firm_flows",
            "relative_firm_no_dealings",
            "masked_id_birth_mismatch",
        ):
            expected |= set(_ids(entry, "enterprise_uscc")) | set(_ids(entry, "ownership_chain"))
    assert agree.height > 0
    assert set(agree["enterprise_uscc"].to_list()) <= expected
