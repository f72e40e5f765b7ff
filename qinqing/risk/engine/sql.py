"""Rule SQL as text: parameters filled in, the relations it reads, and its Spark dialect.

Rules are written in DuckDB's dialect with `$name` placeholders for their documented parameters;
sqlglot translates them for Spark so both engines run one definition.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import json
import os
import re
import tempfile
from collections.abc import Callable
from functools import lru_cache
from pathlib import Path

import sqlglot
from sqlglot import exp

_PLACEHOLDER = re.compile(r"\$([a-z_][a-z0-9_]*)")


class RuleSqlError(ValueError):
    pass


def literal(value: object) -> str:
    if isinstance(value, bool):
        return "TRUE" if value else "FALSE"
    if isinstance(value, int | float):
        return repr(value)
    if isinstance(value, dt.date):
        return f"DATE '{value.isoformat()}'"
    if isinstance(value, str):
        return "'" + value.replace("'", "''") + "'"
    if isinstance(value, list | tuple):
        return "[" + ", ".join(literal(v) for v in value) + "]"
    raise RuleSqlError(f"a parameter cannot be {type(value).__name__}: {value!r}")


def render(sql: str, values: dict[str, object], where: str = "rule") -> str:
    def fill(match: re.Match) -> str:
        name = match.group(1)
        if name not in values:
            raise RuleSqlError(f"{where}: ${name} is not a parameter (known: {', '.join(sorted(values))})")
        return literal(values[name])

    return _PLACEHOLDER.sub(fill, sql)


@lru_cache(maxsize=512)
def _tree(sql: str) -> exp.Expression:
    """A query parsed once (with its parameters as NULL) for the questions below; never modified."""
    return sqlglot.parse_one(_PLACEHOLDER.sub("NULL", sql), read="duckdb")


# What a query reads is kept on disk (var/risk/sql-facts.json) by a digest of its text: parsing the
# catalogue's queries takes sqlglot about half a second, which every `qinqing scan` process paid before
# its first step. Bump the version when the questions below change how they read a tree.
_FACTS_VERSION = "1"
_facts_store: dict[str, list[list[str]]] | None = None


def _facts_path() -> Path | None:
    from django.conf import settings

    return Path(settings.VAR_DIR) / "risk" / "sql-facts.json" if settings.configured else None


def _load_facts() -> dict[str, list[list[str]]]:
    global _facts_store
    if _facts_store is None:
        path = _facts_path()
        try:
            _facts_store = json.loads(path.read_text(encoding="utf-8")) if path else {}
        except (OSError, ValueError):
            _facts_store = {}  # missing or unreadable: parse again
    return _facts_store


def _save_facts(store: dict[str, list[list[str]]]) -> None:
    path = _facts_path()
    if path is None:
        return
    try:
        path.parent.mkdir(parents=True, exist_ok=True)
        with tempfile.NamedTemporaryFile("w", encoding="utf-8", dir=path.parent, delete=False,
                                         suffix=".partial") as out:
            json.dump(store, out)
        os.replace(out.name, path)  # readers see the old file or the new one, never half of one
    except OSError:
        pass  # a read-only var/ only costs the parse


def _remember(kind: str, sql: str, compute: Callable[[], object]):
    """`compute()`'s JSON-able answer about `sql`, kept on disk by a digest of the question."""
    key = hashlib.sha256(f"{_FACTS_VERSION}\x1f{sqlglot.__version__}\x1f{kind}\x1f{sql}".encode()).hexdigest()
    store = _load_facts()
    if key not in store:
        store[key] = compute()
        _save_facts(store)
    return store[key]


@lru_cache(maxsize=512)
def _facts(sql: str) -> tuple[frozenset[str], frozenset[str], frozenset[str]]:
    """(relations read, column names mentioned, relations read with `SELECT *`) of a query."""
    read, names, starred = _remember("reads", sql, lambda: _read_facts(sql))
    return frozenset(read), frozenset(names), frozenset(starred)


def _read_facts(sql: str) -> list[list[str]]:
    """Parse `sql` and answer `_facts`."""
    tree = _tree(sql)
    ctes = {c.alias_or_name for c in tree.find_all(exp.CTE)}
    read = {t.name for t in tree.find_all(exp.Table) if t.name and t.name not in ctes}
    names = {c.name for c in tree.find_all(exp.Column) if c.name}
    starred: set[str] = set()
    for select in tree.find_all(exp.Select):
        if any(isinstance(e, exp.Star) or (isinstance(e, exp.Column) and isinstance(e.this, exp.Star))
               for e in select.expressions):
            source = select.args.get("from") or select.args.get("from_")
            starred.update(t.name for t in (source.find_all(exp.Table) if source else ()))
            for join in select.args.get("joins") or ():
                starred.update(t.name for t in join.find_all(exp.Table))
    return [sorted(read), sorted(names), sorted(starred)]


def references(sql: str) -> frozenset[str]:
    """The tables and views a query reads (its own CTE names excluded)."""
    return _facts(sql)[0]


@lru_cache(maxsize=512)
def to_spark(sql: str) -> str:
    return sqlglot.transpile(sql, read="duckdb", write="spark", pretty=False)[0]


def split_ctes(sql: str, prefix: str) -> tuple[list[tuple[str, str]], str]:
    """A query's WITH steps as separate (name, SELECT) pairs, renamed `prefix + name` wherever they are
    read, and the final SELECT; all in DuckDB's dialect."""
    tree = sqlglot.parse_one(sql, read="duckdb")
    with_ = tree.args.get("with") or tree.args.get("with_")
    if not with_:
        return [], sql
    names = {cte.alias_or_name: prefix + cte.alias_or_name for cte in with_.expressions}

    def rename(node: exp.Expression) -> exp.Expression:
        if isinstance(node, exp.Table) and not node.args.get("db") and node.name in names:
            alias = node.alias or node.name
            return exp.Table(this=exp.to_identifier(names[node.name]), alias=exp.TableAlias(
                this=exp.to_identifier(alias)))
        return node

    steps = [(names[cte.alias_or_name], cte.this.transform(rename).sql(dialect="duckdb"))
             for cte in with_.expressions]
    tree = tree.copy()
    tree.set("with", None)
    tree.set("with_", None)
    return steps, tree.transform(rename).sql(dialect="duckdb")


def reading_instead(sql: str, table: str, replacement: str) -> str:
    """`sql` (parameters filled in) reading the relation `replacement` wherever it reads `table`."""
    return _remember(f"instead\x1f{table}\x1f{replacement}", sql,
                     lambda: _reading_instead(sql, table, replacement))


def _reading_instead(sql: str, table: str, replacement: str) -> str:
    tree = sqlglot.parse_one(sql, read="duckdb")
    ctes = {c.alias_or_name for c in tree.find_all(exp.CTE)}
    if table in ctes:
        raise RuleSqlError(f"a WITH step of the query is called {table}")

    def swap(node: exp.Expression) -> exp.Expression:
        if isinstance(node, exp.Table) and not node.args.get("db") and node.name == table:
            return exp.Table(this=exp.to_identifier(replacement),
                             alias=exp.TableAlias(this=exp.to_identifier(node.alias or node.name)))
        return node

    return tree.transform(swap).sql(dialect="duckdb")


def column_names(sql: str) -> tuple[frozenset[str], frozenset[str]]:
    """The column names a query mentions, and the tables it reads with `SELECT *` (all columns needed)."""
    _, names, starred = _facts(sql)
    return names, starred
