"""Set-based writes of validated contract tables: upsert on the natural key, inside the caller's transaction.

SQLite: one prepared INSERT … ON CONFLICT DO UPDATE run with executemany over plain tuples.
PostgreSQL: COPY into a temporary staging table, then one INSERT … SELECT … ON CONFLICT.
Rows whose values are unchanged are not touched, so a re-import changes nothing.
"""

from __future__ import annotations

import contextlib
import io
from collections.abc import Callable, Collection, Iterator
from dataclasses import dataclass

import polars as pl
from django.apps import apps
from django.db import connection

from qinqing.contract.schema import Table

CHUNK = 50_000
# A load at least this large (and at least half the table's size) rebuilds the table's secondary indexes
# afterwards instead of maintaining them row by row: one sort per index instead of a B-tree walk per row.
REBUILD_MIN_ROWS = 50_000
# PostgreSQL: memory for each index build and foreign-key check of a large load, for this transaction only.
INDEX_BUILD_MEMORY = "512MB"


@dataclass
class WriteStats:
    rows: int
    inserted: int
    updated: int

    @property
    def unchanged(self) -> int:
        return self.rows - self.inserted - self.updated


def db_table(table: Table) -> str:
    return apps.get_model(table.model)._meta.db_table


def write_columns(table: Table) -> list[str]:
    return table.column_names + ([] if table.primary_key else ["id"])


def conflict_column(table: Table) -> str:
    return table.primary_key or "id"


def _q(name: str) -> str:
    return connection.ops.quote_name(name)


def _for_sqlite(frame: pl.DataFrame) -> pl.DataFrame:
    """Values as Django's SQLite backend stores them: ISO text dates, naive UTC datetimes, 0/1."""
    out = []
    for name, dtype in frame.schema.items():
        col = pl.col(name)
        if isinstance(dtype, pl.Datetime):
            base = col.dt.strftime("%Y-%m-%d %H:%M:%S")
            micro = col.dt.microsecond()
            out.append(pl.when(micro == 0).then(base).otherwise(base + "." + micro.cast(pl.String).str.zfill(6))
                       .alias(name))
        elif dtype == pl.Date:
            out.append(col.cast(pl.String))
        elif dtype == pl.Boolean:
            out.append(col.cast(pl.Int8))
        else:
            out.append(col)
    return frame.select(out)


def _for_copy(frame: pl.DataFrame) -> pl.DataFrame:
    return frame.with_columns(
        pl.col(n).dt.strftime("%Y-%m-%dT%H:%M:%S%.6f+00:00")
        for n, t in frame.schema.items() if isinstance(t, pl.Datetime)
    )


def _update_clause(table: Table, cols: list[str], target: str) -> str:
    key_cols = set(table.key) | {"id"}
    updatable = [c for c in cols if c not in key_cols]
    if not updatable:
        return "DO NOTHING"
    sets = ", ".join(f"{_q(c)} = excluded.{_q(c)}" for c in updatable)
    if connection.vendor == "postgresql":
        changed = (f"({', '.join(f'{target}.{_q(c)}' for c in updatable)}) IS DISTINCT FROM "
                   f"({', '.join(f'excluded.{_q(c)}' for c in updatable)})")
    else:
        changed = " OR ".join(f"{target}.{_q(c)} IS NOT excluded.{_q(c)}" for c in updatable)
    return f"DO UPDATE SET {sets} WHERE {changed}"


def _count(name: str) -> int:
    with connection.cursor() as cur:
        cur.execute(f"SELECT COUNT(*) FROM {_q(name)}")  # noqa: S608 - name comes from the model registry
        return cur.fetchone()[0]


@contextlib.contextmanager
def bulk_session() -> Iterator[None]:
    """SQLite: no per-row foreign-key enforcement while a validated import writes.

    The importer checks every reference set-based, inside the same write transaction, so the per-row
    lookups SQLite would add are redundant; they cost about half the write time. The pragma only takes
    effect outside a transaction, so an import nested in an outer transaction keeps enforcement on.
    """
    if connection.vendor != "sqlite" or connection.in_atomic_block:
        yield
        return
    connection.ensure_connection()
    with connection.cursor() as cur:
        cur.execute("PRAGMA foreign_keys = OFF")
    try:
        yield
    finally:
        with connection.cursor() as cur:
            cur.execute("PRAGMA foreign_keys = ON")


Run = Callable[[str], list[tuple]]  # runs one SQL statement, returns its rows


def _django_run(sql: str) -> list[tuple]:
    with connection.cursor() as cur:
        cur.execute(sql)
        return list(cur.fetchall()) if cur.description else []


def _secondary_indexes(name: str, run: Run, vendor: str) -> list[tuple[str, str]]:
    """(index name, its CREATE statement) for indexes that back no primary key or unique constraint."""
    if vendor == "sqlite":
        return run("SELECT name, sql FROM sqlite_master WHERE type = 'index' AND tbl_name = "  # noqa: S608
                   f"'{name}' AND sql IS NOT NULL AND sql NOT LIKE 'CREATE UNIQUE%'")
    return run("SELECT i.relname, pg_get_indexdef(x.indexrelid) FROM pg_index x "  # noqa: S608
               "JOIN pg_class i ON i.oid = x.indexrelid JOIN pg_class t ON t.oid = x.indrelid "
               f"WHERE t.relname = '{name}' AND NOT x.indisunique AND NOT x.indisprimary")


def _foreign_keys(name: str, run: Run, to: Collection[str]) -> list[tuple[str, str]]:
    """PostgreSQL: (constraint name, definition) of `name`'s foreign keys to the tables in `to`."""
    found = run("SELECT conname, pg_get_constraintdef(oid), confrelid::regclass::text FROM pg_constraint "  # noqa: S608
                f"WHERE conrelid = '{_q(name)}'::regclass AND contype = 'f' ORDER BY conname")
    return [(constraint, definition) for constraint, definition, target in found if target.strip('"') in to]


def _flush_pending_checks(run: Run) -> None:
    """PostgreSQL: run the deferred foreign-key checks queued so far (they would run at commit anyway),
    then defer again for the tables still to come."""
    run("SET CONSTRAINTS ALL IMMEDIATE")
    run("SET CONSTRAINTS ALL DEFERRED")


@contextlib.contextmanager
def indexes_rebuilt_after(name: str, incoming: int, existing: int, run: Run = _django_run,
                          vendor: str | None = None, keys_to: Collection[str] = ()) -> Iterator[None]:
    """Drop `name`'s secondary indexes for a large load and build each once afterwards (one sort per
    index instead of a B-tree walk per row). `name` comes from the model registry, never from input.

    On PostgreSQL only for a first load (the caller decides): dropping an index there locks readers out
    of the table until commit. Its foreign keys to the tables in `keys_to` are set aside too: dropping one
    locks readers out of the table it refers to as well, so the caller names only tables that were empty
    when its transaction began (first loads of the same import), which nobody reads either.
    """
    vendor = vendor or connection.vendor
    if incoming < max(REBUILD_MIN_ROWS, existing // 2):
        yield
        return
    indexes = _secondary_indexes(name, run, vendor)
    # PostgreSQL checks a foreign key row by row, with a lookup and a lock of the referenced row each,
    # after every row the load adds; added back afterwards, the key is checked once for the whole table,
    # by one join. (SQLite does not enforce them on the bulk writer's connection at all.)
    foreign_keys = _foreign_keys(name, run, keys_to) if vendor == "postgresql" and keys_to else []
    if foreign_keys:  # a table with checks still pending cannot be altered: run them now (see below)
        _flush_pending_checks(run)
    for constraint, _ in foreign_keys:
        run(f"ALTER TABLE {_q(name)} DROP CONSTRAINT {_q(constraint)}")
    for index, _ in indexes:
        run(f"DROP INDEX {_q(index)}")
    yield
    if vendor == "sqlite":
        run("PRAGMA threads = 2")  # lets SQLite's sorter use the second core for index builds
    elif indexes or foreign_keys:
        # PostgreSQL builds no index on a table with foreign-key checks still pending. Its default
        # maintenance_work_mem (64 MB) would sort a large table's index on disk, in many passes.
        _flush_pending_checks(run)
        run(f"SET LOCAL maintenance_work_mem = '{INDEX_BUILD_MEMORY}'")
    for _, create in indexes:
        run(create)
    for constraint, definition in foreign_keys:
        run(f"ALTER TABLE {_q(name)} ADD CONSTRAINT {_q(constraint)} {definition}")


def _copy(cur, quoted_target: str, col_list: str, frame: pl.DataFrame) -> None:
    with cur.cursor.copy(f"COPY {quoted_target} ({col_list}) FROM STDIN WITH (FORMAT csv)") as copy:
        for offset in range(0, frame.height, CHUNK * 4):
            buf = io.BytesIO()
            _for_copy(frame.slice(offset, CHUNK * 4)).write_csv(buf, include_header=False)
            copy.write(buf.getvalue())


def upsert(table: Table, frame: pl.DataFrame, first_loads: set[str] | None = None) -> WriteStats:
    """Insert new rows and update changed ones of `table` from a validated frame.

    `first_loads`: the tables this transaction found empty and loaded so far (PostgreSQL); this call adds
    `table` when it is one of them, and sets aside foreign keys only to those (see indexes_rebuilt_after).
    """
    cols = write_columns(table)
    # Key order turns B-tree inserts into appends for a fresh table and keeps pages hot for updates.
    frame = frame.select(cols).sort(conflict_column(table))
    name = db_table(table)
    before = _count(name)
    col_list = ", ".join(_q(c) for c in cols)
    conflict = f"ON CONFLICT ({_q(conflict_column(table))}) {_update_clause(table, cols, _q(name))}"
    changed = 0
    if connection.vendor == "postgresql":
        if before == 0:
            # A first load: COPY straight into the table (validated keys are unique) and build its
            # secondary indexes once afterwards. Nobody reads an empty table, so the exclusive lock that
            # dropping an index takes until commit costs nothing.
            if first_loads is not None:
                first_loads.add(name)
            with (indexes_rebuilt_after(name, frame.height, before, keys_to=first_loads or ()),
                  connection.cursor() as cur):
                _copy(cur, _q(name), col_list, frame)
            return WriteStats(rows=frame.height, inserted=frame.height, updated=0)
        stage = _q(f"_stage_{name}")
        with connection.cursor() as cur:
            # Only the written columns: the surrogate id is an identity column that COPY must not see.
            cur.execute(f"CREATE TEMP TABLE {stage} ON COMMIT DROP AS "  # noqa: S608
                        f"SELECT {col_list} FROM {_q(name)} WITH NO DATA")
            _copy(cur, stage, col_list, frame)
            cur.execute(f"INSERT INTO {_q(name)} ({col_list}) SELECT {col_list} FROM {stage} {conflict}")  # noqa: S608
            changed = cur.rowcount
            cur.execute(f"DROP TABLE {stage}")
    else:
        connection.ensure_connection()
        placeholders = ", ".join("?" for _ in cols)
        sql = f"INSERT INTO {_q(name)} ({col_list}) VALUES ({placeholders}) {conflict}"  # noqa: S608
        with indexes_rebuilt_after(name, frame.height, before):
            raw = connection.connection.cursor()
            try:
                for offset in range(0, frame.height, CHUNK):
                    raw.executemany(sql, _for_sqlite(frame.slice(offset, CHUNK)).rows())
                    changed += raw.rowcount
            finally:
                raw.close()
    inserted = _count(name) - before
    return WriteStats(rows=frame.height, inserted=inserted, updated=max(changed - inserted, 0))


def existing_keys(table_name: str, column: str, values: list[str]) -> set[str]:
    """Which of `values` are stored in `table_name.column` (for references to rows already imported)."""
    from qinqing.contract.schema import TABLE_BY_NAME

    name = db_table(TABLE_BY_NAME[table_name])
    found: set[str] = set()
    with connection.cursor() as cur:
        for offset in range(0, len(values), 500):
            chunk = values[offset:offset + 500]
            marks = ", ".join(["%s"] * len(chunk))
            cur.execute(f"SELECT {_q(column)} FROM {_q(name)} WHERE {_q(column)} IN ({marks})", chunk)  # noqa: S608
            found.update(row[0] for row in cur.fetchall())
    return found
