"""Row-level consistency rules of the contract: (column blamed, condition that is bad, reason)."""

from __future__ import annotations

import polars as pl

from qinqing.contract.columns import is_masked

Rule = tuple[str, pl.Expr, str]


def _after(later: str, earlier: str) -> Rule:
    return (later, pl.col(later) < pl.col(earlier), f"{later} is before {earlier}")


def _id_agrees(id_col: str, gender_col: str | None, birth_col: str | None) -> list[Rule]:
    full = pl.col(id_col).is_not_null() & ~is_masked(pl.col(id_col)) & pl.col(id_col).str.contains(r"^\d{17}")
    out: list[Rule] = []
    if gender_col:
        from_id = pl.when(pl.col(id_col).str.slice(16, 1).cast(pl.Int64, strict=False) % 2 == 1).then(
            pl.lit("M")).otherwise(pl.lit("F"))
        out.append((gender_col, full & pl.col(gender_col).is_not_null() & (pl.col(gender_col) != from_id),
                    f"{gender_col} disagrees with the ID number"))
    if birth_col:
        from_id = pl.col(id_col).str.slice(6, 8).str.to_date("%Y%m%d", strict=False)
        out.append((birth_col, full & pl.col(birth_col).is_not_null() & (pl.col(birth_col) != from_id),
                    f"{birth_col} disagrees with the ID number"))
    return out


def _holder_id() -> list[Rule]:
    from qinqing.contract.columns import id_invalid, uscc_invalid

    return [
        ("holder_id", (pl.col("holder_type") == "person") & id_invalid("holder_id"),
         "a person holder's id must be an ID number"),
        ("holder_id", (pl.col("holder_type") == "enterprise") & uscc_invalid("holder_id"),
         "an enterprise holder's id must be a USCC"),
    ]


def row_rules(table: str) -> list[Rule]:
    match table:
        case "officials":
            return _id_agrees("id_number", "gender", "birth_date")
        case "relatives":
            return _id_agrees("id_number", None, "birth_date")
        case "holdings":
            return [*_holder_id(), _after("end_date", "start_date")]
        case "posts" | "roles" | "blacklist" | "liaisons" | "policies":
            extra: list[Rule] = []
            if table == "policies":
                extra = [
                    ("max_capital", pl.col("max_capital").cast(pl.Float64) < pl.col("min_capital").cast(pl.Float64),
                     "max_capital is below min_capital"),
                    ("max_age_years", pl.col("max_age_years") < pl.col("min_age_years"),
                     "max_age_years is below min_age_years"),
                ]
            return [_after("end_date", "start_date"), *extra]
        case "applications":
            return [_after("accepted_at", "submitted_at"), _after("completed_at", "submitted_at")]
        case "tenders":
            return [_after("bid_deadline", "published_at"), _after("awarded_at", "published_at")]
        case "appeals":
            return [_after("resolved_at", "submitted_at")]
    return []
