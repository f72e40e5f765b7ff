"""Validating a whole dataset before anything is written.

Every error is collected, not only the first: per value (type, enum, check characters), per row
(dates in order, gender agrees with the ID number), per table (duplicate keys) and across tables and
the database (references).
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass, field

import polars as pl
from django.apps import apps

from qinqing.contract import rules
from qinqing.contract.columns import DecimalSpec, precompute, typed_column
from qinqing.contract.keys import natural_ids
from qinqing.contract.reader import Dataset, ReadError, SourceTable
from qinqing.contract.schema import TABLE_BY_NAME, TABLES, Table

ROW = "__row"  # 0-based data row index in the source file
ERROR_SCHEMA = {"table": pl.String, "row": pl.Int64, "column": pl.String, "value": pl.String, "reason": pl.String}

# (table, column, values) -> the subset of values stored in the database
ExistingKeys = Callable[[str, str, list[str]], set[str]]


@dataclass
class TableResult:
    source: SourceTable
    typed: pl.DataFrame  # contract columns typed, plus ROW and (for composite or no keys) the row's id
    errors: pl.DataFrame


@dataclass
class ValidationResult:
    tables: dict[str, TableResult]
    errors: pl.DataFrame  # table, row, column, value, reason
    file_errors: list[tuple[str, int | None, str]] = field(default_factory=list)  # (file, line, reason)

    @property
    def ok(self) -> bool:
        return self.errors.height == 0 and not self.file_errors


def _empty_errors() -> pl.DataFrame:
    return pl.DataFrame(schema=ERROR_SCHEMA)


def decimal_spec(table: Table, column: str) -> DecimalSpec | None:
    model = apps.get_model(table.model)
    for f in model._meta.concrete_fields:
        if (f.db_column or f.attname) == column and f.get_internal_type() == "DecimalField":
            return DecimalSpec(f.max_digits, f.decimal_places)
    return None


def validate_table(source: SourceTable) -> tuple[TableResult, list[tuple[str, int | None, str]]]:
    table = TABLE_BY_NAME[source.name]
    file_errors = [(source.label, 1, f"required column '{c}' is missing")
                   for c in table.required if c not in source.frame.columns]
    frame = source.frame.with_row_index(ROW).with_columns(pl.col(ROW).cast(pl.Int64))
    frame = frame.with_columns(
        pl.lit(None, dtype=pl.String).alias(c.name) for c in table.columns if c.name not in frame.columns
    )
    helpers = precompute(frame, list(table.columns))
    frame = frame.with_columns(**helpers)
    values, reasons = [], []
    for col in table.columns:
        value, reason = typed_column(col, decimal_spec(table, col.name) if col.type == "decimal" else None)
        values.append(value)
        reasons.append(reason.alias(f"__err__{col.name}"))
    checked = frame.select(pl.col(ROW), *[pl.col(c.name).alias(f"__raw__{c.name}") for c in table.columns],
                           *values, *reasons, *[pl.col(h) for h in helpers])
    typed = checked.select(ROW, *table.column_names)
    if len(table.key) != 1:
        typed = typed.with_columns(natural_ids(typed, table))
    error_frames = [*_column_errors(table, checked), *_rule_errors(table, checked), *_duplicate_errors(table, typed)]
    errors = pl.concat(error_frames) if error_frames else _empty_errors()
    return TableResult(source, typed, errors), file_errors


def _error_rows(table: Table, rows: pl.DataFrame, column: str, value: pl.Expr, reason: pl.Expr) -> pl.DataFrame:
    return rows.select(pl.lit(table.name).alias("table"), pl.col(ROW).alias("row"), pl.lit(column).alias("column"),
                       value.alias("value"), reason.alias("reason"))


def _column_errors(table: Table, checked: pl.DataFrame) -> list[pl.DataFrame]:
    # One pass counts the errors of every column; only columns that have any are filtered.
    counts = checked.select(pl.col(f"__err__{c.name}").is_not_null().sum() for c in table.columns).row(0)
    return [
        _error_rows(table, checked.filter(pl.col(f"__err__{col.name}").is_not_null()), col.name,
                    pl.col(f"__raw__{col.name}"), pl.col(f"__err__{col.name}"))
        for col, count in zip(table.columns, counts, strict=True) if count
    ]


def _rule_errors(table: Table, checked: pl.DataFrame) -> list[pl.DataFrame]:
    found = rules.row_rules(table.name)
    if not found:
        return []
    masks = checked.select(bad.fill_null(False).alias(f"rule{i}") for i, (_, bad, _) in enumerate(found))
    counts = masks.sum().row(0)
    return [
        _error_rows(table, checked.filter(masks[f"rule{i}"]), column, pl.col(f"__raw__{column}"), pl.lit(reason))
        for i, ((column, _, reason), count) in enumerate(zip(found, counts, strict=True)) if count
    ]


def _duplicate_errors(table: Table, typed: pl.DataFrame) -> list[pl.DataFrame]:
    if not table.key:
        return []
    key_col = table.primary_key or "id"
    if typed[key_col].n_unique() == typed.height:
        return []
    first = typed.group_by(key_col, maintain_order=True).agg(pl.col(ROW).min().alias("__first"))
    dup = typed.join(first, on=key_col).filter(pl.col(ROW) != pl.col("__first"))
    shown = ", ".join(table.key)
    return [_error_rows(
        table, dup, shown,
        pl.concat_str([pl.col(c).cast(pl.String).fill_null("") for c in table.key], separator="|"),
        pl.format("duplicate key: the same {} as data row {}", pl.lit(shown), pl.col("__first") + 1),
    )]


@dataclass
class TableCheck:
    """One table, completely checked: its typed rows and every error found in it."""

    name: str
    source: SourceTable
    result: TableResult | None  # None when the file could not be read at all
    errors: pl.DataFrame
    file_errors: list[tuple[str, int | None, str]]


REFERENCED = {c.references for t in TABLES for c in t.columns if c.references}


def _reference_errors(result: TableResult, known: dict[str, pl.Series], existing: ExistingKeys,
                      unreadable: set[str]) -> Iterable[pl.DataFrame]:
    table = TABLE_BY_NAME[result.source.name]
    for col in table.columns:
        if not col.references:
            continue
        target, target_col = col.references.split(".")
        if target in unreadable:
            continue  # its file could not be read; that error is reported already
        values = result.typed.select(pl.col(col.name).drop_nulls().unique()).to_series()
        if col.references in known:
            values = values.filter(~values.is_in(known[col.references].implode()))
        if values.len() == 0:
            continue
        stored = existing(target, target_col, values.to_list())
        missing = [v for v in values.to_list() if v not in stored]
        if not missing:
            continue
        yield _error_rows(table, result.typed.filter(pl.col(col.name).is_in(missing)), col.name,
                          pl.col(col.name).cast(pl.String),
                          pl.lit(f"refers to {target}.{target_col} that is neither in this dataset nor stored"))


def validate_tables(dataset: Dataset, existing: ExistingKeys, progress=None) -> Iterator[TableCheck]:
    """Check the tables one by one in dependency order, each completely, references included.

    A table's references are checked against the keys of the tables checked before it (the contract's
    order puts every referenced table first) and against the database for the rest, so a caller may
    write each table as soon as it is yielded. Each file is read only when its turn comes and released
    after, keeping one large table in memory at a time.
    """
    known: dict[str, pl.Series] = {}
    unreadable = {f.removesuffix(".csv") for f, _, _ in dataset.problems}
    for table in TABLES:
        source = dataset.tables.get(table.name)
        if source is None:
            continue
        try:
            source.frame  # noqa: B018 - reads the file now, to report an unreadable one here
        except ReadError as exc:
            unreadable.add(table.name)
            problems = [(source.label, line, reason) for line, reason in exc.args]
            yield TableCheck(table.name, source, None, _empty_errors(), problems)
            continue
        result, problems = validate_table(source)
        source.release()
        for ref in REFERENCED:
            target, column = ref.split(".")
            if target == table.name:
                known[ref] = result.typed[column].drop_nulls().unique()
        frames = [result.errors, *_reference_errors(result, known, existing, unreadable)]
        errors = pl.concat([f for f in frames if f.height]) if any(f.height for f in frames) else _empty_errors()
        if progress:
            progress(table.name)
        yield TableCheck(table.name, source, result, errors, problems)
        del result, frames, errors  # the caller owns the checked table now; do not hold it while checking the next


def validate_dataset(dataset: Dataset, existing: ExistingKeys, progress=None) -> ValidationResult:
    """Every table checked, kept in memory (for tests and small datasets; imports stream instead)."""
    results: dict[str, TableResult] = {}
    file_errors = list(dataset.problems)
    frames = []
    for check in validate_tables(dataset, existing, progress):
        file_errors += check.file_errors
        if check.result is not None:
            results[check.name] = check.result
        if check.errors.height:
            frames.append(check.errors)
    errors = pl.concat(frames) if frames else _empty_errors()
    return ValidationResult(results, errors.sort("table", "row", "column"), file_errors)
