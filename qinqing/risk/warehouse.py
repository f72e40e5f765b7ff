"""The scan's columnar copy of the stored contract tables: a DuckDB file kept current from the audit log.

A province-scale scan used to spend half its time and most of its memory reading 21M rows out of the
application database into Arrow. Scans now read this copy instead: DuckDB scans it from disk (its memory
limit caps what it holds), and it is brought up to date incrementally. Every write to a contract table
leaves an audit event: an import names the tables it changed, with the keys of the rows when there are
few (`contract.importer.CHANGED_KEYS_MAX`), an edit names its row. The copy re-reads those rows, or the
whole table when the event does not say which rows. A table's *version* is the sequence number of the
last event that changed it; rules whose tables, parameters and scan date are unchanged need not run again.

The copy records the sequence number and hash of the last event it has applied. If the application
database no longer holds that event with that hash (a restored backup, another database, a test rolled
back) the copy is thrown away and rebuilt: the hash chain makes "is this still the history I copied?" one
look-up. Writes that bypass the ORM and the importer (raw SQL) are not seen: run `qinqing scan --rebuild`.

Layout: schema `stored` holds each contract table under its own name with the engine's column types
(`sources.engine_schema`) plus `_key` (the row's surrogate id) for tables whose natural key is several
columns; schema `cache` holds derived relations (the kin and ownership views) kept while the versions of
what they read are unchanged; `_tables` (name, version), `_state` (the last applied event and the
database it came from) and `_views` (cached relation → signature of its inputs, token of its content) say
what is there.
"""

from __future__ import annotations

import contextlib
import fcntl
import hashlib
import tempfile
from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass, field
from pathlib import Path

import duckdb
import polars as pl
from django.apps import apps
from django.conf import settings
from django.db import connection

from qinqing.contract.schema import TABLE_BY_NAME, TABLES, Table
from qinqing.risk.engine.base import before_table
from qinqing.risk.sources import engine_schema, read_stored, stored_batches, typed

CHANGE_ACTIONS = ("import", "create", "update", "delete")
KEY_CHUNK = 500
Progress = Callable[[str], None]


def key_column(table: Table) -> str:
    """The column of the copy that identifies a row: the natural key, or `_key` = the stored id."""
    return table.primary_key or "_key"


def database_identity() -> str:
    s = connection.settings_dict
    return "|".join(str(s.get(k) or "") for k in ("ENGINE", "NAME", "HOST", "PORT"))


def default_path() -> Path:
    """One copy per application database; an in-memory database's copy is private to the process."""
    configured = getattr(settings, "RISK_WAREHOUSE", None)
    digest = hashlib.sha256(database_identity().encode()).hexdigest()[:12]
    name = str(connection.settings_dict.get("NAME") or "")
    if configured:
        return Path(configured)
    if connection.vendor == "sqlite" and (name == ":memory:" or "mode=memory" in name):
        import os

        return Path(tempfile.gettempdir()) / f"qinqing-warehouse-{os.getpid()}-{digest}.duckdb"
    return Path(settings.VAR_DIR) / "risk" / f"warehouse-{digest}.duckdb"


@dataclass
class SyncReport:
    head: int = 0  # the last audit event applied
    rebuilt: bool = False  # the copy was thrown away (history changed) or did not exist
    loaded: list[str] = field(default_factory=list)  # tables read whole
    patched: dict[str, int] = field(default_factory=dict)  # table → rows re-read by key
    versions: dict[str, int] = field(default_factory=dict)  # table → its version after the sync
    # For each table re-read by key: its version before the sync, the copy's key column and the keys of
    # the rows that changed (gone ones included). A derived relation kept for that version can follow
    # those rows alone.
    changes: dict[str, tuple[int, str, list]] = field(default_factory=dict)


@dataclass
class _Pending:
    reload: set[str] = field(default_factory=set)
    keys: dict[str, set] = field(default_factory=dict)
    version: dict[str, int] = field(default_factory=dict)

    def touch(self, name: str, seq: int, keys: Iterable | None) -> None:
        self.version[name] = max(self.version.get(name, 0), seq)
        if keys is None:
            self.reload.add(name)
        elif name not in self.reload:
            self.keys.setdefault(name, set()).update(keys)


def _model_tables() -> dict[str, Table]:
    return {apps.get_model(t.model)._meta.label_lower: t for t in TABLES}


def _key_value(table: Table, raw: str):
    return raw if table.primary_key else int(raw)


class Warehouse:
    def __init__(self, path: Path | None = None) -> None:
        self.path = Path(path) if path else default_path()

    @contextlib.contextmanager
    def open(self) -> Iterator[duckdb.DuckDBPyConnection]:
        """The copy, opened for this process alone (a lock file serialises scans of one database)."""
        self.path.parent.mkdir(parents=True, exist_ok=True)
        with open(self.path.with_suffix(".lock"), "w") as lock:
            fcntl.flock(lock, fcntl.LOCK_EX)
            con = duckdb.connect(str(self.path), config={"autoinstall_known_extensions": False,
                                                         "autoload_known_extensions": False})
            try:
                con.execute("CREATE SCHEMA IF NOT EXISTS stored")
                con.execute("CREATE SCHEMA IF NOT EXISTS cache")
                con.execute("CREATE TABLE IF NOT EXISTS _tables (name VARCHAR PRIMARY KEY, version BIGINT)")
                con.execute("CREATE TABLE IF NOT EXISTS _state (seq BIGINT, hash VARCHAR, source VARCHAR)")
                con.execute("CREATE TABLE IF NOT EXISTS _views (name VARCHAR PRIMARY KEY, signature VARCHAR)")
                # The token of what a kept relation holds (base._Relations); copies made before it lack it.
                con.execute("ALTER TABLE _views ADD COLUMN IF NOT EXISTS content VARCHAR")
                yield con
            finally:
                con.close()

    # --- bringing the copy up to date ------------------------------------------------------------
    def sync(self, con: duckdb.DuckDBPyConnection, needed: Iterable[str], *, rebuild: bool = False,
             progress: Progress | None = None) -> SyncReport:
        """Apply the changes recorded since the last sync to the tables held, and load `needed` ones."""
        from qinqing.audit.models import AuditEvent

        report = SyncReport()
        head = AuditEvent.objects.order_by("-seq").values_list("seq", "hash").first() or (0, "")
        state = con.execute("SELECT seq, hash, source FROM _state").fetchone()
        if rebuild or not self._still_valid(state):
            self._clear(con)
            report.rebuilt, state = True, (0, "", "")
        held = dict(con.execute("SELECT name, version FROM _tables").fetchall())
        pending = self._pending(state[0], head[0]) if held else _Pending()
        con.execute("BEGIN")
        try:
            for name in [t.name for t in TABLES if t.name in held or t.name in set(needed)]:
                table = TABLE_BY_NAME[name]
                if name not in held or name in pending.reload:
                    self._load(con, table)
                    report.loaded.append(name)
                    version = pending.version.get(name, head[0]) if name in held else head[0]
                elif name in pending.keys:
                    keys = sorted(pending.keys[name])
                    report.patched[name] = self._patch(con, table, keys)
                    report.changes[name] = (held[name], key_column(table), keys)
                    version = pending.version[name]
                else:
                    continue
                con.execute("INSERT OR REPLACE INTO _tables VALUES (?, ?)", [name, version])
                if name in report.loaded:
                    # Committed table by table: DuckDB holds what a transaction wrote in memory until it
                    # ends (a province's copy in one took 6 GB). Safe to stop between tables: `_state`
                    # still names the last event of a finished sync, and applying an event again (a
                    # table read whole or rows by key) leaves the same rows.
                    con.execute("COMMIT")
                    con.execute("BEGIN")
                if progress:
                    progress(name)
            con.execute("DELETE FROM _state")
            con.execute("INSERT INTO _state VALUES (?, ?, ?)", [head[0], head[1], database_identity()])
            con.execute("COMMIT")
        except BaseException:
            con.execute("ROLLBACK")
            raise
        report.head = head[0]
        report.versions = dict(con.execute("SELECT name, version FROM _tables").fetchall())
        return report

    def _still_valid(self, state: tuple | None) -> bool:
        from qinqing.audit.models import AuditEvent

        if state is None or state[2] != database_identity():
            return False
        return state[0] == 0 or AuditEvent.objects.filter(seq=state[0], hash=state[1]).exists()

    def _clear(self, con: duckdb.DuckDBPyConnection) -> None:
        for schema, name in con.execute("SELECT schema_name, table_name FROM duckdb_tables() "
                                        "WHERE schema_name IN ('stored', 'cache')").fetchall():
            con.execute(f'DROP TABLE {schema}."{name}"')
        for meta in ("_tables", "_state", "_views"):
            con.execute(f"DELETE FROM {meta}")  # noqa: S608 - fixed names

    def _pending(self, after: int, head: int) -> _Pending:
        """What the audit events after `after` (up to `head`) changed, table by table."""
        from qinqing.audit.models import AuditEvent

        models = _model_tables()
        pending = _Pending()
        events = (AuditEvent.objects.filter(seq__gt=after, seq__lte=head, action__in=CHANGE_ACTIONS)
                  .filter(object_type__in=[*models, "contract.dataset"])
                  .values_list("seq", "action", "object_type", "object_id", "detail").order_by("seq"))
        for seq, action, object_type, object_id, detail in events.iterator(chunk_size=500):
            if action == "import":
                for name, change in (detail or {}).get("tables", {}).items():
                    if name in TABLE_BY_NAME and change.get("inserted", 0) + change.get("updated", 0):
                        pending.touch(name, seq, change.get("keys"))
            elif object_type in models:
                table = models[object_type]
                pending.touch(table.name, seq, [_key_value(table, object_id)])
        return pending

    @staticmethod
    def _typed(table: Table, raw: pl.DataFrame) -> pl.DataFrame:
        """Stored rows of `table` as the engines type them, with the copy's key column."""
        frame = typed(table, raw)
        if not table.primary_key:
            frame = frame.with_columns(raw.get_column("id").cast(pl.Int64).alias("_key"))
        return frame

    def _frame(self, table: Table, keys: list | None) -> pl.DataFrame:
        return self._typed(table, read_stored(table, keys=keys))

    def _load(self, con: duckdb.DuckDBPyConnection, table: Table) -> None:
        """The whole table, read and typed a slice at a time (a province's roles at once took gigabytes)."""
        target = f'stored."{table.name}"'
        for i, raw in enumerate(stored_batches(table)):
            con.register("_incoming", self._typed(table, raw).to_arrow())
            con.execute(f"CREATE OR REPLACE TABLE {target} AS SELECT * FROM _incoming" if i == 0  # noqa: S608
                        else f"INSERT INTO {target} SELECT * FROM _incoming")  # noqa: S608
            con.unregister("_incoming")

    def _patch(self, con: duckdb.DuckDBPyConnection, table: Table, keys: list) -> int:
        key = key_column(table)
        frames = [self._frame(table, keys[i:i + KEY_CHUNK]) for i in range(0, len(keys), KEY_CHUNK)]
        fresh = pl.concat(frames) if frames else self._frame(table, [])
        con.register("_gone", pl.DataFrame({"k": keys}).to_arrow())
        # The rows as they were, for this connection's scan: a kept relation grouped over the table re-derives
        # the groups they leave as well as those the fresh rows join (engine.base.Patch).
        con.execute(f'CREATE OR REPLACE TEMP TABLE "{before_table(table.name)}" AS '  # noqa: S608
                    f'SELECT * FROM stored."{table.name}" WHERE "{key}" IN (SELECT k FROM _gone)')
        con.execute(f'DELETE FROM stored."{table.name}" WHERE "{key}" IN (SELECT k FROM _gone)')  # noqa: S608
        con.unregister("_gone")
        con.register("_incoming", fresh.to_arrow())
        con.execute(f'INSERT INTO stored."{table.name}" SELECT * FROM _incoming')  # noqa: S608
        con.unregister("_incoming")
        return fresh.height

    # --- what the engine reads -------------------------------------------------------------------
    @staticmethod
    def select(name: str, columns: list[str] | None = None) -> str:
        cols = columns or list(engine_schema(TABLE_BY_NAME[name]))
        return f'SELECT {", ".join(quote(c) for c in cols)} FROM stored.{quote(name)}'  # noqa: S608

    def frames(self, con: duckdb.DuckDBPyConnection, names: Iterable[str],
               columns: dict[str, list[str]] | None = None) -> dict[str, pl.DataFrame]:
        """Tables of the copy as Polars frames (for engines that take frames, e.g. Spark)."""
        return {name: con.sql(self.select(name, (columns or {}).get(name))).pl() for name in names}

    def minima(self, con: duckdb.DuckDBPyConnection, names: Iterable[str]) -> dict[str, pl.DataFrame]:
        """One row per table: the earliest value of each date and timestamp column (what bounds a calendar)."""
        out = {}
        held = {n for (n,) in con.execute("SELECT name FROM _tables").fetchall()}
        for name in names:
            schema = engine_schema(TABLE_BY_NAME[name])
            cols = [c for c, t in schema.items() if t == pl.Date or isinstance(t, pl.Datetime)]
            if name in held and cols:
                mins = ", ".join(f"min({quote(c)}) AS {quote(c)}" for c in cols)
                out[name] = con.sql(f"SELECT {mins} FROM stored.{quote(name)}").pl()  # noqa: S608
        return out


@dataclass
class Snapshot:
    """The copy as one scan reads it: table versions, SQL over it, Parquet files of it (for Spark), and
    what the sync before it re-read by key (`SyncReport.changes`)."""

    warehouse: Warehouse
    con: duckdb.DuckDBPyConnection
    versions: dict[str, int]
    changes: dict[str, tuple[int, str, list]] = field(default_factory=dict)

    def select(self, name: str, columns: list[str] | None) -> str:
        return Warehouse.select(name, columns)

    def parquet(self, name: str, columns: list[str] | None) -> str:
        """A Parquet file of the table at its current version (written once, kept until it changes)."""
        cols = columns or list(engine_schema(TABLE_BY_NAME[name]))
        folder = self.warehouse.path.parent / f"{self.warehouse.path.stem}-parquet"
        folder.mkdir(parents=True, exist_ok=True)
        digest = hashlib.sha256("|".join(cols).encode()).hexdigest()[:10]
        path = folder / f"{name}-v{self.versions.get(name, 0)}-{digest}.parquet"
        if not path.exists():
            for old in folder.glob(f"{name}-v*.parquet"):
                old.unlink()
            partial = path.with_suffix(".partial")
            target = str(partial).replace("'", "''")
            self.con.execute(f"COPY ({self.select(name, cols)}) TO '{target}' (FORMAT parquet)")
            partial.rename(path)  # a killed scan leaves no half-written file under the final name
        return str(path)


def quote(name: str) -> str:
    return '"' + name.replace('"', '""') + '"'
