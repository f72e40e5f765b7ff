"""The DuckDB engine: Arrow tables registered without copying, or the scan's columnar copy read from disk;
derived relations materialised once, and kept in the copy's cache while their inputs are unchanged."""

from __future__ import annotations

import os

import duckdb
import polars as pl

_CONFIG = {"autoinstall_known_extensions": False, "autoload_known_extensions": False}


class DuckEngine:
    name = "duckdb"
    stores = True  # reads the columnar copy in place (see qinqing.risk.warehouse)

    def __init__(self, memory_limit: str | None = None, threads: int | None = None,
                 con: duckdb.DuckDBPyConnection | None = None) -> None:
        # No extension is ever fetched at run time (intranets have no internet).
        self.con = con or duckdb.connect(":memory:", config=_CONFIG)
        self._owned = con is None
        self.con.execute(f"SET threads = {threads or max(1, os.cpu_count() or 1)}")
        if memory_limit:
            self.con.execute(f"SET memory_limit = '{memory_limit}'")
        self._frames: dict[str, object] = {}

    def register(self, name: str, frame: pl.DataFrame) -> None:
        arrow = frame.to_arrow()
        self._frames[name] = arrow  # keep it alive while DuckDB scans it
        self.con.register(name, arrow)

    def register_stored(self, name: str, stored, columns: list[str] | None) -> None:
        """A contract table of the columnar copy, read in place (only the columns the rules read)."""
        self.con.execute(f'CREATE OR REPLACE TEMP VIEW "{name}" AS {stored.select(name, columns)}')

    def materialize(self, name: str, sql: str, *, once: bool = False, cache_key: str | None = None) -> None:
        if once:
            self.con.execute(f"CREATE OR REPLACE TEMP VIEW {name} AS {sql}")
        elif cache_key is None or self._owned:
            self.con.execute(f"CREATE OR REPLACE TEMP TABLE {name} AS {sql}")
        else:
            held = self.con.execute("SELECT signature FROM _views WHERE name = ?", [name]).fetchone()
            if held is None or held[0] != cache_key:
                self.con.execute(f"CREATE OR REPLACE TABLE cache.{name} AS {sql}")
                self.con.execute("INSERT OR REPLACE INTO _views VALUES (?, ?)", [name, cache_key])
            self.con.execute(f"CREATE OR REPLACE TEMP VIEW {name} AS SELECT * FROM cache.{name}")  # noqa: S608

    def rows(self, sql: str) -> list[dict]:
        return self.con.sql(sql).to_arrow_table().to_pylist()

    def close(self) -> None:
        for name in self._frames:
            self.con.unregister(name)
        if self._owned:
            self.con.close()
        else:  # the copy's connection outlives the scan: drop what this scan defined on it
            for (name, kind) in self.con.execute(
                    "SELECT view_name, 'VIEW' FROM duckdb_views() WHERE temporary AND NOT internal "
                    "UNION ALL SELECT table_name, 'TABLE' FROM duckdb_tables() WHERE temporary").fetchall():
                self.con.execute(f'DROP {kind} IF EXISTS temp."{name}"')
