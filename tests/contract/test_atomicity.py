"""An import killed with SIGKILL at any moment leaves the database exactly as before or exactly as after."""

from __future__ import annotations

import contextlib
import json
import os
import shutil
import signal
import subprocess
import sys
from pathlib import Path

import polars as pl
import pytest

from qinqing.core.identifiers import make_uscc
from tests.contract.helpers import MINIMAL, REPO, qinqing, scratch_database

pytestmark = [pytest.mark.django_db(transaction=True), pytest.mark.slow]
EXTRA_FIRMS = 60_000


def fingerprint(url: str) -> dict:
    code = "import json; from tests.contract.helpers import table_fingerprints as f; print(json.dumps(f()))"
    return json.loads(qinqing("shell", "--no-imports", "-c", code, database_url=url).stdout)


def big_dataset(target: Path) -> Path:
    """The minimal world, one of its rows changed, and many new firms each held by the previous one."""
    shutil.copytree(MINIMAL, target)
    enterprises = pl.read_csv(target / "enterprises.csv", infer_schema=False)
    usccs = [make_uscc("530302", 10_000 + i) for i in range(EXTRA_FIRMS)]
    extra = pl.DataFrame(
        {"uscc": usccs, "name": [f"曲靖测试企业{i}有限公司" for i in range(EXTRA_FIRMS)]}
    ).with_columns(
        legal_rep_name=pl.lit("张伟"),
        industry=pl.lit("C3670"),
        region_code=pl.lit("530302"),
        registered_capital=pl.lit("500000.00"),
        established_date=pl.lit("2015-01-01"),
        status=pl.lit("active"),
    )
    enterprises = enterprises.with_columns(
        pl.when(pl.col("name") == "富源县兴旺煤矿")
        .then(pl.lit("富源县兴旺煤业"))
        .otherwise(pl.col("name"))
        .alias("name")
    )
    pl.concat([enterprises, extra], how="diagonal").write_csv(target / "enterprises.csv")
    holdings = pl.read_csv(target / "holdings.csv", infer_schema=False)
    chain = pl.DataFrame(
        {
            "enterprise_uscc": usccs[1:],
            "holder_type": ["enterprise"] * (EXTRA_FIRMS - 1),
            "holder_name": [f"曲靖测试企业{i}有限公司" for i in range(EXTRA_FIRMS - 1)],
            "holder_id": usccs[:-1],
            "share_ratio": ["0.51"] * (EXTRA_FIRMS - 1),
        }
    )
    pl.concat([holdings, chain], how="diagonal").write_csv(target / "holdings.csv")
    return target


def kill_at(marker: str, data: Path, url: str) -> None:
    """Run an import and SIGKILL it as soon as it reports `marker` ("validate holdings", "write bids"...)."""
    env = {**os.environ, "DATABASE_URL": url, "PYTHONUNBUFFERED": "1"}
    proc = subprocess.Popen(
        [sys.executable, "-m", "qinqing.cli", "import", str(data), "--progress", "lines"],
        cwd=REPO,
        env=env,
        stdout=subprocess.PIPE,
        stderr=subprocess.DEVNULL,
        text=True,
    )
    for line in proc.stdout:
        if line.strip() == marker:
            proc.send_signal(signal.SIGKILL)
            break
    else:
        raise AssertionError(f"the import never reported {marker!r}")
    proc.wait()
    proc.stdout.close()


def test_sigkill_during_import_leaves_before_or_after_state(tmp_path):
    data = big_dataset(tmp_path / "big")
    with scratch_database(tmp_path / "a") as url_a, scratch_database(tmp_path / "b") as url_b:
        qinqing("import", str(MINIMAL), "--no-progress", database_url=url_b)
        qinqing("import", str(data), "--no-progress", database_url=url_b)
        after = fingerprint(url_b)

        qinqing("import", str(MINIMAL), "--no-progress", database_url=url_a)
        before = fingerprint(url_a)
        assert before != after
        # While validating; after the first large table is written inside the transaction; after the
        # second; after the last table (only the audit event and the commit remain).
        outcomes = {}
        for marker in ("validate holdings", "write enterprises", "write holdings", "write appeals"):
            kill_at(marker, data, url_a)
            state = fingerprint(url_a)
            assert state in (before, after), f"mixed state after SIGKILL at {marker!r}"
            outcomes[marker] = "after" if state == after else "before"
            if state == after:
                break
        assert list(outcomes.values())[:3] == ["before"] * 3, outcomes
        qinqing("import", str(data), "--no-progress", database_url=url_a)
        assert fingerprint(url_a) == after


def test_the_sqlite_bulk_writer_stores_what_the_django_writer_stores(tmp_path):
    """The CLI on a database file takes the ADBC path; in-process (in a transaction) the Django path."""
    from qinqing.contract.importer import import_dataset
    from tests.contract.helpers import table_fingerprints

    with scratch_database(tmp_path / "adbc") as url:
        qinqing("import", str(MINIMAL), "--no-progress", database_url=url)
        changed = tmp_path / "changed"
        shutil.copytree(MINIMAL, changed)
        text = (changed / "enterprises.csv").read_text(encoding="utf-8").replace("富源县兴旺煤矿", "富源县兴旺煤业")
        (changed / "enterprises.csv").write_text(text, encoding="utf-8")
        out = qinqing("import", str(changed), "--no-progress", database_url=url).stdout
        assert "enterprises.csv                   4        0          0         1          3" in out
        bulk = fingerprint(url)
        verified = qinqing("audit", "verify", database_url=url).stdout
        assert "checked 2 events" in verified and "intact" in verified
    from django.db import transaction

    with transaction.atomic():
        import_dataset(MINIMAL)
        import_dataset(changed)
        assert {k: list(v) for k, v in table_fingerprints().items()} == bulk
        transaction.set_rollback(True)


def test_an_error_in_the_last_table_leaves_nothing_written_by_the_bulk_writer(tmp_path):
    """Earlier tables are written (inside the transaction) before the last one is checked: a bad row
    there still means nothing at all is stored, and the report names it."""
    bad = tmp_path / "bad"
    shutil.copytree(MINIMAL, bad)
    text = (bad / "appeals.csv").read_text(encoding="utf-8")
    (bad / "appeals.csv").write_text(text.replace(",5\n", ",9\n"), encoding="utf-8")
    with scratch_database(tmp_path / "db") as url:
        empty = fingerprint(url)
        run = qinqing("import", str(bad), "--no-progress", "--errors", str(tmp_path / "r.csv"),
                      database_url=url, check=False)
        assert run.returncode != 0 and "nothing was written" in run.stderr
        assert fingerprint(url) == empty
        assert "appeals.csv,2,satisfaction,9,must be at most 5" in (tmp_path / "r.csv").read_text(encoding="utf-8")
        assert "checked 0 events" in qinqing("audit", "verify", database_url=url).stdout


def _sqlite_scratch(folder: Path) -> tuple[str, Path]:
    """A migrated SQLite file whatever the suite's backend: the bulk writer's own behaviour is under test."""
    folder.mkdir(parents=True, exist_ok=True)
    path = folder / "scratch.sqlite3"
    url = f"sqlite:///{path}"
    qinqing("migrate", "-v0", database_url=url)
    return url, path


def _journal_mode(path: Path) -> str:
    import sqlite3

    with contextlib.closing(sqlite3.connect(path)) as conn:
        return conn.execute("PRAGMA journal_mode").fetchone()[0]


def test_a_first_load_skips_the_wal_and_a_sigkill_in_it_leaves_the_database_empty(tmp_path):
    data = big_dataset(tmp_path / "big")
    url, path = _sqlite_scratch(tmp_path / "first")
    empty = fingerprint(url)
    kill_at("write holdings", data, url)
    # Killed inside the first load: its rollback journal is hot (the WAL is not in use) ...
    assert path.with_name(path.name + "-journal").stat().st_size > 0
    assert not path.with_name(path.name + "-wal").exists()
    # ... and the next connection rolls it back, and puts the file back in WAL mode (settings).
    assert fingerprint(url) == empty
    assert _journal_mode(path) == "wal"

    qinqing("import", str(data), "--no-progress", database_url=url)
    assert _journal_mode(path) == "wal"
    assert not path.with_name(path.name + "-journal").exists()
    # The same data through the WAL (the file held open by another process) stores the same rows.
    url_wal, path_wal = _sqlite_scratch(tmp_path / "wal")
    with _held_open(path_wal):
        qinqing("import", str(data), "--no-progress", database_url=url_wal)
    assert fingerprint(url_wal) == fingerprint(url)
    assert "intact" in qinqing("audit", "verify", database_url=url).stdout


@contextlib.contextmanager
def _held_open(path: Path):
    """Another process with the database file open in WAL mode, as a running web app has it."""
    code = ("import sqlite3, sys; c = sqlite3.connect(sys.argv[1]); c.execute('PRAGMA journal_mode=WAL'); "
            "c.execute('SELECT count(*) FROM sqlite_master').fetchall(); print('ready', flush=True); "
            "sys.stdin.read()")
    proc = subprocess.Popen([sys.executable, "-c", code, str(path)], stdin=subprocess.PIPE,
                            stdout=subprocess.PIPE, text=True)
    try:
        assert proc.stdout.readline().strip() == "ready"
        yield
    finally:
        proc.stdin.close()
        proc.wait(timeout=30)
        proc.stdout.close()


def test_the_bulk_writer_leaves_the_wal_only_for_a_first_load_into_a_file_nobody_else_has_open(tmp_path):
    from qinqing.contract.writers import AdbcSqliteWriter

    def direct(path: Path, **kw) -> bool:
        writer = AdbcSqliteWriter(str(path), **kw)
        try:
            return writer.direct
        finally:
            writer.close(False)

    url, path = _sqlite_scratch(tmp_path / "w")
    assert not direct(path)  # not asked for
    with _held_open(path):
        assert not direct(path, first_load_direct=True)  # another process reads it: keep the WAL
        assert _journal_mode(path) == "wal"
    assert direct(path, first_load_direct=True)
    assert _journal_mode(path) == "wal"  # put back on close, even after a rollback
    qinqing("import", str(MINIMAL), "--no-progress", database_url=url)
    assert not direct(path, first_load_direct=True)  # rows are stored: not a first load


def test_a_large_first_load_puts_back_every_index_and_foreign_key_it_set_aside(tmp_path):
    """Large first loads drop a table's secondary indexes (and on PostgreSQL its foreign keys) and build
    them once afterwards: the schema after the import is the schema before, and the keys hold again."""
    from decimal import Decimal

    from django.db import IntegrityError, connection, transaction

    from qinqing.contract.db import REBUILD_MIN_ROWS, db_table
    from qinqing.contract.importer import import_dataset
    from qinqing.contract.schema import TABLE_BY_NAME
    from qinqing.registry.models import Holding

    assert EXTRA_FIRMS >= REBUILD_MIN_ROWS  # firms and holdings both take the rebuilding path
    tables = [db_table(TABLE_BY_NAME[n]) for n in ("enterprises", "holdings")]

    def schema() -> dict:
        with connection.cursor() as cur:
            return {t: {name: (tuple(c["columns"]), c["index"], c["unique"], c["primary_key"], c["foreign_key"])
                        for name, c in connection.introspection.get_constraints(cur, t).items()}
                    for t in tables}

    before = schema()
    assert any(c[4] for c in before[tables[1]].values())  # holdings refer to firms
    report = import_dataset(big_dataset(tmp_path / "big"))
    assert report.ok and report.rows > 2 * EXTRA_FIRMS
    assert schema() == before
    with pytest.raises(IntegrityError), transaction.atomic():
        Holding.objects.create(enterprise_id="91530302MA6K000000", holder_type="person", holder_name="张伟",
                               share_ratio=Decimal("0.5"))


@pytest.mark.django_db
def test_foreign_keys_are_set_aside_only_towards_tables_loaded_in_the_same_transaction():
    """Dropping a foreign key locks readers out of the table it refers to, on PostgreSQL: a first load may
    do it only towards tables that were empty when its transaction began (loaded by the same import)."""
    from django.db import connection

    from qinqing.contract.db import _django_run, indexes_rebuilt_after

    def statements(keys_to: set[str]) -> list[str]:
        seen: list[str] = []

        def run(sql: str) -> list[tuple]:
            seen.append(sql)
            return _django_run(sql)

        with indexes_rebuilt_after("registry_holding", 100_000, 0, run=run, keys_to=keys_to):
            pass
        return seen

    kept = statements(set())
    assert any(s.startswith("DROP INDEX") for s in kept) and not any(" CONSTRAINT " in s for s in kept)
    fresh = statements({"registry_enterprise"})
    dropped = [s for s in fresh if "DROP CONSTRAINT" in s]
    added = [s for s in fresh if "ADD CONSTRAINT" in s and "FOREIGN KEY" in s]
    assert len(dropped) == len(added) == (1 if connection.vendor == "postgresql" else 0)
    assert "registry_enterprise" in "".join(added) or connection.vendor != "postgresql"


@pytest.mark.django_db(transaction=True)
def test_a_write_that_fails_midway_rolls_back_everything_the_import_wrote(monkeypatch):
    """The writer fails on a table while later ones are queued: the error reaches the caller, the queued
    writes never run, and nothing of the import stays (every writer: Django's, threaded, ADBC)."""
    from qinqing.contract import writers
    from qinqing.contract.importer import import_dataset
    from tests.contract.helpers import table_fingerprints

    before = table_fingerprints()
    written: list[str] = []

    def failing(upsert):
        def wrapped(self, table, prepared):
            if table.name == "holdings":
                raise RuntimeError("disk full")
            written.append(table.name)
            return upsert(self, table, prepared)
        return wrapped

    for cls in (writers.DjangoWriter, writers.AdbcSqliteWriter):
        monkeypatch.setattr(cls, "upsert", failing(cls.upsert))
    with pytest.raises(RuntimeError, match="disk full"):
        import_dataset(MINIMAL)
    assert "enterprises" in written and "roles" not in written  # written before; never started after
    assert table_fingerprints() == before
