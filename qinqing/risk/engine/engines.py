"""Engine by name."""

from __future__ import annotations

ENGINES = ("duckdb", "spark")


def open_engine(name: str):
    if name == "duckdb":
        from qinqing.risk.engine.duck import DuckEngine

        return DuckEngine()
    if name == "spark":
        from qinqing.risk.engine.spark import SparkEngine

        return SparkEngine()
    raise ValueError(f"unknown engine {name!r}; choose one of {', '.join(ENGINES)}")
