"""Helpers for contract tests: database fingerprints and scratch databases for subprocess runs."""

from __future__ import annotations

import contextlib
import hashlib
import os
import subprocess
import sys
import uuid
from collections.abc import Iterator
from pathlib import Path

from django.db import connection

from qinqing.contract.db import db_table
from qinqing.contract.schema import TABLES

REPO = Path(__file__).resolve().parents[2]
MINIMAL = Path(__file__).parent / "fixtures" / "minimal"


def table_fingerprints(conn=None) -> dict[str, tuple[int, str]]:
    """(row count, digest of all contract columns) per table, independent of insertion order."""
    conn = conn or connection
    out = {}
    with conn.cursor() as cur:
        for table in TABLES:
            cols = ", ".join(conn.ops.quote_name(c) for c in table.column_names)
            cur.execute(f"SELECT {cols} FROM {conn.ops.quote_name(db_table(table))}")
            rows = sorted(repr(r) for r in cur.fetchall())
            out[table.name] = (len(rows), hashlib.sha256("\n".join(rows).encode()).hexdigest())
    return out


def qinqing(*args: str, database_url: str, check: bool = True, **kw) -> subprocess.CompletedProcess:
    env = {**os.environ, "DATABASE_URL": database_url, "PYTHONUNBUFFERED": "1"}
    return subprocess.run([sys.executable, "-m", "qinqing.cli", *args], cwd=REPO, env=env, check=check,
                          capture_output=True, text=True, **kw)


@contextlib.contextmanager
def scratch_database(tmp_path: Path) -> Iterator[str]:
    """A migrated database of the current backend that a subprocess can write to and commit."""
    if connection.vendor == "postgresql":
        import psycopg

        settings = connection.settings_dict
        name = f"qq_scratch_{uuid.uuid4().hex[:10]}"
        auth = f"{settings['USER']}:{settings['PASSWORD']}@" if settings["PASSWORD"] else f"{settings['USER']}@"
        host = settings["HOST"] or "localhost"
        base = f"postgresql://{auth}{host}:{settings['PORT'] or 5432}"
        with psycopg.connect(f"{base}/postgres", autocommit=True) as admin:
            admin.execute(f'CREATE DATABASE "{name}"')
        url = f"{base}/{name}"
        try:
            qinqing("migrate", "-v0", database_url=url)
            yield url
        finally:
            with psycopg.connect(f"{base}/postgres", autocommit=True) as admin:
                admin.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')
    else:
        tmp_path.mkdir(parents=True, exist_ok=True)
        url = f"sqlite:///{tmp_path / 'scratch.sqlite3'}"
        qinqing("migrate", "-v0", database_url=url)
        yield url
