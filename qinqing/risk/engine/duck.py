"""The DuckDB engine: Arrow tables registered without copying, derived relations materialised once."""

from __future__ import annotations

import os

import duckdb
import polars as pl


class DuckEngine:
    name = "duckdb"

    def __init__(self, memory_limit: str | None = None, threads: int | None = None) -> None:
        config = {"threads": threads or max(1, os.cpu_count() or 1),
                  # No extension is ever fetched at run time (intranets have no internet).
                  "autoinstall_known_extensions": False, "autoload_known_extensions": False}
        if memory_limit:
            config["memory_limit"] = memory_limit
        self.con = duckdb.connect(":memory:", config=config)
        self._frames: dict[str, object] = {}

    def register(self, name: str, frame: pl.DataFrame) -> None:
        arrow = frame.to_arrow()
        self._frames[name] = arrow  # keep it alive while DuckDB scans it
        self.con.register(name, arrow)

    def materialize(self, name: str, sql: str, *, once: bool = False) -> None:
        kind = "VIEW" if once else "TABLE"
        self.con.execute(f"CREATE OR REPLACE TEMP {kind} {name} AS {sql}")

    def rows(self, sql: str) -> list[dict]:
        return self.con.sql(sql).to_arrow_table().to_pylist()

    def close(self) -> None:
        self.con.close()
