"""The DuckDB engine: Arrow tables registered without copying, or the scan's columnar copy read from disk;
derived relations materialised once, and kept in the copy's cache while their inputs are unchanged."""

from __future__ import annotations

import contextlib
import os
from collections import Counter
from collections.abc import Callable, Iterator
from concurrent.futures import Future, ThreadPoolExecutor
from typing import TYPE_CHECKING

import duckdb
import polars as pl
import pyarrow as pa

from qinqing.risk.catalog import CatalogError
from qinqing.risk.engine.base import before_table
from qinqing.risk.engine.sql import reading_instead

if TYPE_CHECKING:
    from qinqing.risk.engine.base import Patch

_CONFIG = {"autoinstall_known_extensions": False, "autoload_known_extensions": False}
PARALLEL = 3  # rules computed at a time (DuckEngine.prepare)
# A join whose small side has up to this many keys passes them to the scan of the other side as an IN
# list, which an index (a `@lookup` view's) answers row by row: as many as DuckDB reads through an index
# at most (index_scan_max_count). A connection setting: every cursor of a scan is given it.
_LOOKUP_JOINS = "SET dynamic_or_filter_threshold = 2048"


def _strings(values: list[str]) -> pa.Table:
    """A one-column (`k`) Arrow table of strings, made by Polars: pyarrow converting a Python list imports
    pandas (0.3 s, a sixth of an incremental scan), which nothing else in a scan needs."""
    return pl.DataFrame({"k": values}, schema={"k": pl.String}).to_arrow()


def _keys(values: list) -> pa.Table:
    """Row keys as a one-column (`k`) Arrow table of their own type (the stored ids of tables without a
    natural key are integers): compared without a cast, a join on them filters the scan of a million rows
    by key before reading its other columns."""
    if values and all(isinstance(v, int) for v in values):
        return pl.DataFrame({"k": values}, schema={"k": pl.Int64}).to_arrow()
    return _strings([str(v) for v in values])


class DuckEngine:
    name = "duckdb"
    stores = True  # reads the columnar copy in place (see qinqing.risk.warehouse)

    def __init__(self, memory_limit: str | None = None, threads: int | None = None,
                 con: duckdb.DuckDBPyConnection | None = None, tidy: bool = True) -> None:
        """`con`: the scan's columnar copy (else a private in-memory database). `tidy`: drop what the scan
        defined on `con` when it closes (not when the caller closes `con` right after: 40 statements)."""
        # No extension is ever fetched at run time (intranets have no internet).
        self.con = con or duckdb.connect(":memory:", config=_CONFIG)
        self._owned = con is None
        self._tidy = tidy
        self.con.execute(f"SET threads = {threads or max(1, os.cpu_count() or 1)}")
        self.con.execute(_LOOKUP_JOINS)
        if memory_limit:
            self.con.execute(f"SET memory_limit = '{memory_limit}'")
        self._frames: dict[str, object] = {}
        # The temp views defined for this scan, in order: a rule computed on a cursor of its own defines
        # them again there (temp objects belong to one connection; the copy's tables are shared).
        self._views: list[str] = []
        self._pool: ThreadPoolExecutor | None = None
        self._prepared: dict[str, Future] = {}
        self._after: set[str] = set()  # relations whose changed rows, as they are now, are held (`_after_rows`)
        self._grouped: set[str] = set()  # (relation, columns) whose touched groups are held (`_groups`)
        self._held: dict[str, tuple[str, str]] | None = None  # `_views`: name → (signature, content token)

    def register(self, name: str, frame: pl.DataFrame) -> None:
        arrow = frame.to_arrow()
        self._frames[name] = arrow  # keep it alive while DuckDB scans it
        self.con.register(name, arrow)

    def _view(self, name: str, sql: str) -> None:
        statement = f'CREATE OR REPLACE TEMP VIEW "{name}" AS {sql}'
        self.con.execute(statement)
        self._views.append(statement)

    def register_stored(self, name: str, stored, columns: list[str] | None) -> None:
        """A contract table of the columnar copy, read in place (only the columns the rules read)."""
        self._view(name, stored.select(name, columns))

    def held(self, name: str) -> tuple[str, str] | None:
        if self._owned:
            return None
        if self._held is None:  # read once: a scan asks for every view (40 queries were 30 ms)
            self._held = {n: (sig, content) for n, sig, content in self.con.execute(
                "SELECT name, signature, coalesce(content, signature) FROM _views").fetchall()}
        return self._held.get(name)

    def _kept_as(self, name: str, signature: str, content: str) -> None:
        """Record what the kept copy of `name` now derives from and holds (in the caller's transaction)."""
        self.con.execute("INSERT OR REPLACE INTO _views (name, signature, content) VALUES (?, ?, ?)",
                         [name, signature, content])

    def materialize(self, name: str, sql: str, *, once: bool = False, cache_key: str | None = None,
                    patch: Patch | None = None, content: str | None = None, index: str | None = None) -> str:
        if once:
            self._view(name, sql)
            return "view"
        if cache_key is None or self._owned:
            self.con.execute(f"CREATE OR REPLACE TEMP TABLE {name} AS {sql}")
            if index is not None:
                self.con.execute(f'CREATE INDEX "{name}_by_{index}" ON {name} ("{index}")')
            return "built"
        held = self.held(name)
        how = "kept"
        if held is not None and held[0] != cache_key and patch is not None and held[0] == patch.previous:
            how = self._patch(name, sql, patch, cache_key, content or cache_key)
        elif held is None or held[0] != cache_key:
            self._build(name, sql, index)
            self._kept_as(name, cache_key, content or cache_key)
            self._held[name] = (cache_key, content or cache_key)
            how = "built"
        self._view(name, f"SELECT * FROM cache.{name}")  # noqa: S608
        return how

    def _build(self, name: str, sql: str, index: str | None) -> None:
        if index is None:
            self.con.execute(f"CREATE OR REPLACE TABLE cache.{name} AS {sql}")
            return
        # Looked up by `index`: uncompressed, so that fetching a few hundred rows by the index decodes
        # those rows alone (a compressed vector is decoded whole: 20 ms for 400 firms' names, against 3).
        columns = self.con.execute(f"DESCRIBE {sql}").fetchall()
        defs = ", ".join(f'"{c[0]}" {c[1]} USING COMPRESSION uncompressed' for c in columns)
        self.con.execute(f"CREATE OR REPLACE TABLE cache.{name} ({defs})")
        self.con.execute(f"INSERT INTO cache.{name} {sql}")
        self.con.execute(f'CREATE INDEX "{name}_by_{index}" ON cache.{name} ("{index}")')

    def _after_rows(self, relation: str, key: str) -> str:
        """A temp table of the rows of `relation` whose `key` is among the changed keys (`_patch_keys`), as
        they are now: made once a scan (by the patch of a view, from the rows it derived again) and read by
        every relation kept over it instead of picking those rows out of a million again."""
        name = f"_after_{relation}"
        if relation not in self._after:
            self.con.execute(f'CREATE OR REPLACE TEMP TABLE "{name}" AS SELECT * FROM "{relation}" AS x '  # noqa: S608
                             f'WHERE x."{key}" IN (SELECT k FROM _patch_keys)')
            self._after.add(relation)
        return f'temp."{name}"'

    def _groups(self, relation: str, columns: tuple[str, ...], after: str) -> str:
        """A temp table of the groups (by `columns`) the changed rows of `relation` are in now or were in
        before: made once a scan for every relation kept grouped the same way over it (overdue_groups and
        speed_groups both count matter_times by handler and item). Their rows are read by each through a
        view, so that each reads only the columns it needs (materialising every column of 30k matters
        cost more than reading the few needed twice)."""
        tag = f"{relation}_by_{'_'.join(columns)}"
        groups = f"_groups_{tag}"
        if tag not in self._grouped:
            cols = ", ".join(f'"{c}"' for c in columns)
            self.con.execute(f'CREATE OR REPLACE TEMP TABLE "{groups}" AS SELECT DISTINCT {cols} FROM ('  # noqa: S608
                             f'SELECT {cols} FROM {after} UNION ALL SELECT {cols} FROM "{before_table(relation)}")')
            self._grouped.add(tag)
        return f'temp."{groups}"'

    def _count(self, relation: str) -> int:
        return self.con.execute(f"SELECT count(*) FROM {relation}").fetchall()[0][0]  # noqa: S608

    def _patch(self, name: str, sql: str, patch: Patch, cache_key: str, content: str) -> str:
        """Re-derive the kept rows of `name` that the changed rows of `patch.relation` make, in one
        transaction with the new signature: by key (row-wise) or by the groups they left or joined.
        → "patched", or "unchanged" when the rows derived again are exactly the rows held (then nothing is
        written but the signature, and the copy keeps its content token)."""
        rel, delta = patch.relation, f"_delta_{patch.relation}"
        # Every name here comes from the catalogue (view files), never from input.
        self.con.register("_patch_keys", _keys(patch.keys))  # the changed keys of `rel`
        try:
            after = self._after_rows(rel, patch.key)
            if patch.folds and self._count(f'temp."{before_table(rel)}"') == 0:  # only new rows: fold them in
                return self._fold(name, sql, patch, after, cache_key, content)
            if patch.groups:
                groups = self._groups(rel, patch.groups, after)
                same = " AND ".join(f'x."{c}" IS NOT DISTINCT FROM g."{c}"' for c in patch.groups)
                stale = f"EXISTS (SELECT 1 FROM {groups} AS g WHERE {same})"  # noqa: S608
                kept_as, made_as, fresh = "_patch_old", "_patch_new", f'SELECT * FROM "{rel}" AS x WHERE {stale}'  # noqa: S608
            else:
                stale = f'x."{patch.key}" IN (SELECT k FROM _patch_keys)'  # noqa: S608
                # Kept for the scan: relations kept over this one read them (as they were, as they are now).
                kept_as, made_as, fresh = before_table(name), f"_after_{name}", f"SELECT * FROM {after}"  # noqa: S608
            # The kept rows as they were (with where they are: `_row`), and the rows derived again.
            self.con.execute(f'CREATE OR REPLACE TEMP TABLE "{kept_as}" AS '  # noqa: S608
                             f"SELECT x.rowid AS _row, x.* FROM cache.{name} AS x WHERE {stale}")
            self.con.execute(f"CREATE OR REPLACE TEMP VIEW {delta} AS {fresh}")
            self.con.execute(f'CREATE OR REPLACE TEMP TABLE "{made_as}" AS {reading_instead(sql, rel, delta)}')
            if not patch.groups:
                self._after.add(name)
            old, new = f'(SELECT * EXCLUDE (_row) FROM temp."{kept_as}")', f'temp."{made_as}"'  # noqa: S608
            # Compared as multisets (EXCEPT ALL both ways; NULLs compare equal) where it can pay: a row-wise
            # superset (the kin firms' matters) often gains nothing from an import, while counts regrouped
            # change with nearly every row that moves, and comparing them cost 50 ms a scan. Rows of new
            # keys (a thousand new matters timed) differ by their number alone.
            differs = bool(patch.groups) or self._count(new) != self._count(old) or self.con.execute(
                f"SELECT EXISTS (SELECT * FROM {new} EXCEPT ALL SELECT * FROM {old}) "  # noqa: S608
                f"OR EXISTS (SELECT * FROM {old} EXCEPT ALL SELECT * FROM {new})").fetchall()[0][0]
            if not differs:  # the same rows: the stored ones stay untouched, and so does the content token
                # (a copy made before content tokens were kept goes on under its old signature as token)
                kept = self._held[name][1]
                self._kept_as(name, cache_key, kept)
                self._held[name] = (cache_key, kept)
                return "unchanged"
            self._replace(name, kept_as, f"SELECT * FROM {new}", cache_key, content)  # noqa: S608
            return "patched"
        finally:
            self.con.execute(f"DROP VIEW IF EXISTS {delta}")
            self.con.execute("DROP TABLE IF EXISTS temp._patch_old")
            self.con.execute("DROP TABLE IF EXISTS temp._patch_new")
            self.con.unregister("_patch_keys")

    def _fold(self, name: str, sql: str, patch: Patch, after: str, cache_key: str, content: str) -> str:
        """Fold the aggregates of the new rows of `patch.relation` (`after`; none of their keys was there
        before) into the kept groups of `name`, in one transaction with the new signature: a group they
        joined takes its kept values folded with theirs (sums add up, minima and maxima extend), a group
        they make is added. The groups are found by their keys (every column not folded), not by reading
        every row of the relation in them again. (In `_patch`'s try: it drops what this leaves.)"""
        rel, delta = patch.relation, f"_delta_{patch.relation}"
        self.con.execute(f"CREATE OR REPLACE TEMP VIEW {delta} AS SELECT * FROM {after}")  # noqa: S608
        self.con.execute(f"CREATE OR REPLACE TEMP TABLE _patch_new AS {reading_instead(sql, rel, delta)}")
        columns = [row[0] for row in self.con.execute(f"DESCRIBE cache.{name}").fetchall()]
        folds = dict(patch.folds)
        if set(folds) - set(columns):
            raise CatalogError(f"view {name}: @regroup folds {', '.join(sorted(set(folds) - set(columns)))}, "
                               "which it does not have")
        keys = [c for c in columns if c not in folds]
        same = " AND ".join(f'o."{c}" IS NOT DISTINCT FROM n."{c}"' for c in keys)
        self.con.execute(f"CREATE OR REPLACE TEMP TABLE _patch_old AS SELECT o.rowid AS _row, o.* "  # noqa: S608
                         f"FROM cache.{name} AS o WHERE EXISTS (SELECT 1 FROM temp._patch_new AS n WHERE {same})")

        def folded(c: str) -> str:
            o, n = f'o."{c}"', f'n."{c}"'
            both = {"sum": f"{o} + {n}", "min": f"least({o}, {n})", "max": f"greatest({o}, {n})"}[folds[c]]
            return f'CASE WHEN {o} IS NULL THEN {n} WHEN {n} IS NULL THEN {o} ELSE {both} END'

        merged = ", ".join(folded(c) if c in folds else f'n."{c}"' for c in columns)
        self._replace(name, "_patch_old", f"SELECT {merged} FROM temp._patch_new AS n "  # noqa: S608
                                          f"LEFT JOIN temp._patch_old AS o ON {same}", cache_key, content)
        return "folded"

    def _replace(self, name: str, old: str, rows: str, cache_key: str, content: str) -> None:
        """In one transaction with the new signature and content token: the kept rows of `name` listed in temp
        table `old` (by their `_row`) give way to the rows of query `rows`. Deleted by row id: no column of a
        million rows is read again."""
        self.con.execute("BEGIN")
        try:
            self.con.execute(f'DELETE FROM cache.{name} WHERE rowid IN (SELECT _row FROM temp."{old}")')  # noqa: S608
            self.con.execute(f"INSERT INTO cache.{name} {rows}")
            self._kept_as(name, cache_key, content)
            self.con.execute("COMMIT")
        except BaseException:
            self.con.execute("ROLLBACK")
            raise
        self._held[name] = (cache_key, content)

    def prepare(self, queries: list[str]) -> None:
        """Start computing these queries, `PARALLEL` at a time, each on a cursor of its own; `rows` and
        `rows_since` then take their results in any order. The rules of a scan are independent, and each
        has stretches one core runs alone (small joins, windows over a few thousand rows): three at a time
        keep both cores busy (six rules after an import: 0.97 s one after another, 0.60–0.78 s three at a
        time), and a rule can run while the relations other rules read are still being patched. Not for a
        private in-memory database: its derived relations are temp tables of one connection."""
        if self._owned:
            return
        if self._pool is None:
            self._pool = ThreadPoolExecutor(max_workers=PARALLEL, thread_name_prefix="qinqing-rule")
        for sql in queries:
            if sql not in self._prepared:
                # The cursor is made here, on the scan's thread, with the relations defined so far.
                cursor = self.con.cursor()
                self._prepared[sql] = self._pool.submit(self._compute, cursor, list(self._views),
                                                        dict(self._frames), sql)

    @staticmethod
    def _compute(cursor: duckdb.DuckDBPyConnection, views: list[str], frames: dict[str, object],
                 sql: str) -> duckdb.DuckDBPyConnection:
        """On `cursor`: this scan's relations defined again (temp objects belong to one connection; the
        copy's tables are shared), then temp table `_result` with the rows of `sql`."""
        try:
            cursor.execute(_LOOKUP_JOINS)
            for name, arrow in frames.items():
                cursor.register(name, arrow)
            for statement in views:
                cursor.execute(statement)
            cursor.execute(f"CREATE TEMP TABLE _result AS {sql}")
        except BaseException:
            cursor.close()
            raise
        return cursor

    @contextlib.contextmanager
    def _result(self, sql: str) -> Iterator[duckdb.DuckDBPyConnection]:
        """A connection on which temp table `_result` holds the rows of `sql` (computed now unless
        prepared)."""
        future = self._prepared.pop(sql, None)
        if future is None:
            self.con.execute(f"CREATE OR REPLACE TEMP TABLE _result AS {sql}")
            try:
                yield self.con
            finally:
                self.con.execute("DROP TABLE IF EXISTS temp._result")
            return
        cursor = future.result()
        try:
            yield cursor
        finally:
            cursor.close()

    def rows(self, sql: str) -> list[dict]:
        with self._result(sql) as con:
            return con.sql("SELECT * FROM _result").to_arrow_table().to_pylist()

    def rows_since(self, sql: str, seen: Callable[[str, str], bool]) -> list[dict]:
        """The rows of `sql` that `seen(alert_key, digest)` does not know, each with its `_digest` (MD5 of
        the row as JSON). The result is kept in DuckDB and digested there, so an unchanged row never
        becomes a Python object; a key returned twice is always fetched (the finding code decides)."""
        with self._result(sql) as con:
            pairs = con.execute("SELECT CAST(alert_key AS VARCHAR), md5(to_json(r)) FROM _result AS r").fetchall()
            repeated = {k for k, n in Counter(k for k, _ in pairs).items() if n > 1}
            known = [k for k, d in pairs if k is not None and k not in repeated and seen(k, d)]
            con.register("_known", _strings(known))
            try:
                return con.sql(
                    "SELECT r.*, md5(to_json(r)) AS _digest FROM _result AS r "
                    "WHERE CAST(r.alert_key AS VARCHAR) IS NULL "
                    "OR CAST(r.alert_key AS VARCHAR) NOT IN (SELECT k FROM _known)").to_arrow_table().to_pylist()
            finally:
                con.unregister("_known")

    def close(self) -> None:
        if self._pool is not None:  # no cursor may outlive the scan's connection
            for future in self._prepared.values():
                future.cancel()
            self._pool.shutdown(wait=True)
            for future in self._prepared.values():
                if not future.cancelled() and future.exception() is None:
                    future.result().close()
            self._prepared.clear()
        for name in self._frames:
            self.con.unregister(name)
        if self._owned:
            self.con.close()
        elif self._tidy:  # the copy's connection outlives the scan: drop what this scan defined on it
            for (name, kind) in self.con.execute(
                    "SELECT view_name, 'VIEW' FROM duckdb_views() WHERE temporary AND NOT internal "
                    "UNION ALL SELECT table_name, 'TABLE' FROM duckdb_tables() WHERE temporary").fetchall():
                self.con.execute(f'DROP {kind} IF EXISTS temp."{name}"')
