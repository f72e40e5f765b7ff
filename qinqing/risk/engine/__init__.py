"""Scan engines: the same rule SQL on DuckDB (one process, Arrow in memory) or Apache Spark."""
