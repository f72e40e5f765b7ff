"""The Apache Spark engine: the same rule SQL, translated by sqlglot, on a local or cluster session.

`QINQING_SPARK_MASTER` chooses the master (default `local[2]`). Java 17 must be on the machine
(Debian: openjdk-17-jre-headless); `scripts/setup` installs it when missing.
"""

from __future__ import annotations

import logging
import os
import shutil
import sys
import tempfile
import threading
from functools import cached_property
from typing import TYPE_CHECKING

import polars as pl

from qinqing.risk.engine.sql import split_ctes, to_spark

if TYPE_CHECKING:
    from qinqing.risk.engine.base import Patch

_session = None
_lock = threading.Lock()


def session():
    """One Spark session per process: starting the JVM takes seconds, so it is kept."""
    global _session
    with _lock:
        if _session is None:
            from pyspark.sql import SparkSession

            # Spark's Python workers must be this interpreter (the project's venv), not whatever is on PATH.
            os.environ.setdefault("PYSPARK_PYTHON", sys.executable)
            os.environ.setdefault("PYSPARK_DRIVER_PYTHON", sys.executable)

            _session = (
                SparkSession.builder.master(os.environ.get("QINQING_SPARK_MASTER", "local[2]"))
                .appName("qinqing-scan")
                .config("spark.ui.enabled", "false")
                .config("spark.sql.session.timeZone", "Asia/Shanghai")
                .config("spark.sql.timestampType", "TIMESTAMP_NTZ")
                .config("spark.sql.shuffle.partitions", os.environ.get("QINQING_SPARK_PARTITIONS", "4"))
                .config("spark.sql.execution.arrow.pyspark.enabled", "true")
                .config("spark.sql.ansi.enabled", "false")
                .config("spark.driver.memory", os.environ.get("QINQING_SPARK_MEMORY", "2g"))
                .config("spark.sql.caseSensitive", "true")
                # Rule plans are deep (CTEs are inlined); their text is only for the UI, which is off.
                .config("spark.sql.maxPlanStringLength", "4096")
                .config("spark.sql.maxToStringFields", "50")
                .config("spark.ui.showConsoleProgress", "false")
                .getOrCreate()
            )
            _session.sparkContext.setLogLevel("ERROR")
            logging.getLogger("py4j").setLevel(logging.WARNING)  # its shutdown chatter outlives the log streams
        return _session


class SparkEngine:
    name = "spark"

    def __init__(self) -> None:
        self._views: list[str] = []
        self._staged: list[object] = []
        self._serial = 0
        self._dir = tempfile.mkdtemp(prefix="qinqing-spark-")

    @cached_property
    def spark(self):
        """Started when the first relation is made: a scan whose rules all keep their alerts needs none."""
        return session()

    def held(self, name: str) -> tuple[str, str] | None:
        return None  # nothing is kept between scans

    def register(self, name: str, frame: pl.DataFrame) -> None:
        df = self.spark.createDataFrame(frame.to_arrow()) if frame.height else self._empty(frame)
        df.createOrReplaceTempView(name)
        self._views.append(name)

    def register_stored(self, name: str, stored, columns: list[str] | None) -> None:
        """A contract table of the columnar copy, from a Parquet file of it: Spark reads it in parallel,
        and nothing passes through the driver."""
        self.spark.read.parquet(stored.parquet(name, columns)).createOrReplaceTempView(name)
        self._views.append(name)

    def _empty(self, frame: pl.DataFrame):
        # An empty Arrow table loses nothing, but Spark infers no schema from zero rows: build it.
        from pyspark.sql.pandas.types import from_arrow_schema

        return self.spark.createDataFrame([], schema=from_arrow_schema(frame.to_arrow().schema))

    def _stage(self, df, name: str):
        """Compute a step once into Parquet and read it back: later steps are planned over a plain scan
        instead of re-optimising every step before them (planning time grows with the depth of lineage)."""
        path = os.path.join(self._dir, f"{len(self._staged)}_{name}")
        df.write.parquet(path)
        staged = self.spark.read.parquet(path)
        self._staged.append(staged)
        return staged

    def _step(self, name: str, spark_sql: str):
        df = self._stage(self.spark.sql(spark_sql), name)
        df.createOrReplaceTempView(name)
        self._views.append(name)
        return df

    def _query(self, sql: str):
        """Spark inlines a CTE at every reference, so a rule whose steps read each other would run its
        first steps many times over; each step is staged as its own view instead, then the last query."""
        self._serial += 1
        steps, final = split_ctes(sql, prefix=f"_q{self._serial}_")
        for name, step in steps:
            self._step(name, to_spark(step))
        return self.spark.sql(to_spark(final))

    def materialize(self, name: str, sql: str, *, once: bool = False, cache_key: str | None = None,
                    patch: Patch | None = None, content: str | None = None, index: str | None = None) -> str:
        """Spark keeps nothing between scans: every relation is derived again (`cache_key`, `patch`, `content`
        and `index` unused)."""
        df = self._query(sql) if once else self._stage(self._query(sql), name)
        df.createOrReplaceTempView(name)
        self._views.append(name)
        return "built"

    def rows(self, sql: str) -> list[dict]:
        return self._query(sql).toArrow().to_pylist()

    def close(self) -> None:
        self._staged.clear()
        for name in self._views:  # (none when the session never started)
            self.spark.catalog.dropTempView(name)
        shutil.rmtree(self._dir, ignore_errors=True)
