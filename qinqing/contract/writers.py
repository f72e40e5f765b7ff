"""Where a validated import is written: one transaction, key look-ups, upserts and the audit event.

`open_writer()` picks the fastest writer that keeps the all-or-nothing guarantee:
- `AdbcSqliteWriter` for a SQLite database file when no outer transaction is open (the CLI, the demo,
  benchmarks): Arrow columns are bound in C by the ADBC driver, with no Python object per value;
- `ThreadedDjangoWriter` for PostgreSQL when no outer transaction is open: COPY on the import's writer
  thread, in a transaction of that thread's own connection, while the caller checks the next table;
- `DjangoWriter` otherwise (an import nested in a caller's transaction, SQLite in memory).
"""

from __future__ import annotations

import contextlib
from collections.abc import Iterator
from concurrent.futures import Executor
from typing import Protocol

import polars as pl
import pyarrow as pa
from django.db import connection, transaction

from qinqing.audit import services as audit
from qinqing.audit.models import AuditEvent
from qinqing.contract import db
from qinqing.contract.schema import TABLE_BY_NAME, TABLES, Table


class Writer(Protocol):
    concurrent: bool  # may be driven from one other thread (the Django connection is per thread)

    def prepare(self, table: Table, frame: pl.DataFrame): ...  # pure data work, any thread
    def upsert(self, table: Table, prepared) -> db.WriteStats: ...  # database work, the writer's thread

    def existing_keys(self, table_name: str, column: str, values: list[str]) -> set[str]: ...
    def record_audit(self, **event) -> None: ...
    def rollback(self) -> None: ...


class DjangoWriter:
    """Writes through Django's connection inside `transaction.atomic()` (see contract.db)."""

    concurrent = False

    def __init__(self) -> None:
        self.first_loads: set[str] = set()  # tables this transaction found empty and loaded

    def existing_keys(self, table_name: str, column: str, values: list[str]) -> set[str]:
        return db.existing_keys(table_name, column, values)

    def prepare(self, table: Table, frame: pl.DataFrame) -> pl.DataFrame:
        return frame

    def upsert(self, table: Table, prepared: pl.DataFrame) -> db.WriteStats:
        return db.upsert(table, prepared, self.first_loads)

    def record_audit(self, **event) -> None:
        audit.record(**event)

    def rollback(self) -> None:
        transaction.set_rollback(True)


class ThreadedDjangoWriter(DjangoWriter):
    """A DjangoWriter whose transaction lives on the import's writer thread, on that thread's own Django
    connection: the database loads one table while the caller checks the next. Used when no outer
    transaction is open (the CLI on PostgreSQL); every call comes from that one thread (see open_writer).
    """

    concurrent = True


class AdbcSqliteWriter:
    """One `BEGIN IMMEDIATE` transaction on its own ADBC connection to the database file.

    The write lock is taken before validation reads stored keys, so nothing can change between the
    checks and the writes. Foreign keys are not enforced per row on this connection (SQLite's default):
    every reference was checked set-based inside the same transaction.

    With `first_load_direct`, a first load (no contract table holds a row) into a file no other process
    has open writes straight into the file under a rollback journal instead of the WAL: SQLite journals
    no page past the file's size at the start, so the gigabytes a first load adds are written once, not
    once to the WAL and again at the checkpoint. A crash rolls back from the journal as the WAL would;
    `close()` switches the file back to WAL, and failing that the next Django connection does (settings).
    Other processes that open the file meanwhile wait for the commit instead of reading alongside, which
    costs nothing on an empty database. Only a process that opens no other connection to the file may
    ask for it (the CLI): SQLite sees the locks of other processes, not those taken by another SQLite
    library in the same process (Python's sqlite3).
    """

    concurrent = True

    def __init__(self, path: str, *, first_load_direct: bool = False) -> None:
        import adbc_driver_sqlite.dbapi as adbc

        self.conn = adbc.connect(path, autocommit=True)
        self.cur = self.conn.cursor()
        self.direct = first_load_direct and self._first_load() and self._leave_wal()
        # Under a rollback journal, NORMAL could lose the file to a power cut mid-commit; FULL costs a few syncs.
        pragmas = ("busy_timeout = 30000", f"synchronous = {'FULL' if self.direct else 'NORMAL'}",
                   "cache_size = -200000", "temp_store = MEMORY", "threads = 2")
        for pragma in pragmas:
            self.cur.execute(f"PRAGMA {pragma}")
        self.cur.execute("BEGIN IMMEDIATE")
        self.failed = False

    def _first_load(self) -> bool:
        tables = [db.db_table(t) for t in TABLES]
        stored = [row[0] for row in self._rows("SELECT name FROM sqlite_master WHERE type = 'table'")]
        if not set(tables) <= set(stored):
            return False  # not migrated: let the import fail on its own terms
        probe = " UNION ALL ".join(f"SELECT 1 FROM (SELECT 1 FROM {db._q(t)} LIMIT 1)" for t in tables)  # noqa: S608
        return not self._rows(probe)

    def _leave_wal(self) -> bool:
        """Switch to a rollback journal unless another process has the file open (it is busy then).

        Asked before the busy timeout is set, so a busy file answers at once instead of after 30 s.
        """
        from adbc_driver_manager import OperationalError

        try:
            self.cur.execute("PRAGMA journal_mode = DELETE")
            return self.cur.fetchone()[0] == "delete"
        except OperationalError:
            return False

    def _scalar(self, sql: str):
        self.cur.execute(sql)
        return self.cur.fetchone()[0]

    def _rows(self, sql: str) -> list[tuple]:
        self.cur.execute(sql)
        return self.cur.fetchall() if self.cur.description else []

    def existing_keys(self, table_name: str, column: str, values: list[str]) -> set[str]:
        name = db.db_table(TABLE_BY_NAME[table_name])
        self.cur.adbc_ingest("_qq_keys", pa.table({"k": pa.array(values, pa.string())}), mode="replace",
                             temporary=True)
        found = self._rows(f"SELECT k FROM temp._qq_keys JOIN {db._q(name)} ON {db._q(name)}.{db._q(column)} = k")  # noqa: S608
        return {row[0] for row in found}

    def prepare(self, table: Table, frame: pl.DataFrame) -> pa.Table:
        """Rows in key order (appends for a fresh table) as Django stores them on SQLite, as Arrow."""
        cols = db.write_columns(table)
        return db._for_sqlite(frame.select(cols).sort(db.conflict_column(table))).to_arrow()

    def upsert(self, table: Table, prepared: pa.Table) -> db.WriteStats:
        cols = db.write_columns(table)
        data, rows = prepared, prepared.num_rows
        name = db.db_table(table)
        before = self._scalar(f"SELECT COUNT(*) FROM {db._q(name)}")  # noqa: S608
        with db.indexes_rebuilt_after(name, rows, before, run=self._rows, vendor="sqlite"):
            if before == 0:  # a first load: validated keys are unique, so a plain append is an upsert
                self.cur.adbc_ingest(name, data, mode="append")
                return db.WriteStats(rows=rows, inserted=rows, updated=0)
            self.cur.adbc_ingest("_qq_stage", data, mode="replace", temporary=True)
            col_list = ", ".join(db._q(c) for c in cols)
            conflict = f"ON CONFLICT ({db._q(db.conflict_column(table))}) {db._update_clause(table, cols, db._q(name))}"
            # `WHERE true` resolves SQLite's parsing ambiguity between a join and the upsert clause.
            self.cur.execute(f"INSERT INTO {db._q(name)} ({col_list}) SELECT {col_list} FROM temp._qq_stage "  # noqa: S608
                             f"WHERE true {conflict}")
            changed = self._scalar("SELECT changes()")
        inserted = self._scalar(f"SELECT COUNT(*) FROM {db._q(name)}") - before  # noqa: S608
        return db.WriteStats(rows=rows, inserted=inserted, updated=max(changed - inserted, 0))

    def record_audit(self, **event) -> None:
        last = self._rows("SELECT seq, hash FROM audit_auditevent ORDER BY seq DESC LIMIT 1")
        made = audit.next_event(last[0] if last else None, **event)
        field = AuditEvent._meta.get_field
        row = {
            "seq": pa.array([made.seq], pa.int64()),
            "at": pa.array([field("at").get_db_prep_value(made.at, connection)], pa.string()),
            "actor_id": pa.array([made.actor_id], pa.int64()),
            "actor_role": pa.array([made.actor_role], pa.string()),
            "action": pa.array([made.action], pa.string()),
            "object_type": pa.array([made.object_type], pa.string()),
            "object_id": pa.array([made.object_id], pa.string()),
            "detail": pa.array([field("detail").get_db_prep_value(made.detail, connection)], pa.string()),
            "prev_hash": pa.array([made.prev_hash], pa.string()),
            "hash": pa.array([made.hash], pa.string()),
        }
        self.cur.adbc_ingest(AuditEvent._meta.db_table, pa.table(row), mode="append")

    def rollback(self) -> None:
        self.failed = True

    def close(self, ok: bool) -> None:
        try:
            self.cur.execute("COMMIT" if ok and not self.failed else "ROLLBACK")
            if self.direct:
                from adbc_driver_manager import OperationalError

                with contextlib.suppress(OperationalError):  # busy: the next Django connection does it
                    self.cur.execute("PRAGMA journal_mode = WAL")
        finally:
            self.cur.close()
            self.conn.close()


def _sqlite_file() -> str | None:
    if connection.vendor != "sqlite" or connection.in_atomic_block:
        return None
    name = str(connection.settings_dict["NAME"])
    if name == ":memory:" or "mode=memory" in name:
        return None
    return name


@contextlib.contextmanager
def open_writer(pool: Executor | None = None, *, first_load_direct: bool = False) -> Iterator[Writer]:
    """The writer for an import. `pool`: the one thread that will make every call to a concurrent writer
    (without it, the writer works on the caller's thread). `first_load_direct`: the caller's process opens
    no other connection to the database (see AdbcSqliteWriter); ignored where that writer is not used.
    """
    path = _sqlite_file()
    if path is None:
        if pool is None or connection.in_atomic_block or connection.vendor == "sqlite":
            # Nested in the caller's transaction, or SQLite in memory: the caller's connection it must be.
            with db.bulk_session(), transaction.atomic():
                yield DjangoWriter()
            return
        with _transaction_on(pool):
            yield ThreadedDjangoWriter()
        return
    connection.close()  # Django's connection must not hold a read snapshot or lock across the import
    writer = AdbcSqliteWriter(path, first_load_direct=first_load_direct)
    ok = False
    try:
        yield writer
        ok = True
    finally:
        writer.close(ok)


@contextlib.contextmanager
def _transaction_on(pool: Executor) -> Iterator[None]:
    """One `transaction.atomic()` entered and left on the pool's thread; rolled back unless the body
    ends normally. The thread's connection is closed afterwards (Django closes only its own threads')."""
    stack = contextlib.ExitStack()

    def enter() -> None:
        stack.enter_context(db.bulk_session())
        stack.enter_context(transaction.atomic())

    def leave(ok: bool) -> None:
        try:
            if not ok:
                transaction.set_rollback(True)
            stack.close()
        finally:
            connection.close()

    try:
        pool.submit(enter).result()
    except BaseException:
        pool.submit(leave, False).result()  # what was entered is left, and the connection closed
        raise
    ok = False
    try:
        yield
        ok = True
    finally:
        pool.submit(leave, ok).result()
