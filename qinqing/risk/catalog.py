"""The rule catalogue: every folder under `risk/rules/` with a `rule.sql` and a `rule.toml` is a rule.

Adding a rule touches no engine code. The shared derived relations the rules read (kin, ownership
chains, a unit's subtree, ...) are SQL files under `risk/views/`, found the same way.
"""

from __future__ import annotations

import re
import tomllib
from dataclasses import dataclass, field
from functools import cache
from pathlib import Path

HERE = Path(__file__).resolve().parent
RULES_DIR = HERE / "rules"
VIEWS_DIR = HERE / "views"

SEVERITIES = ("low", "medium", "high", "critical")
ENTITY_KINDS = ("official_id", "enterprise_uscc", "application_id", "tender_id", "department_code")
_CODE = re.compile(r"^[a-z][a-z0-9_]*$")


class CatalogError(ValueError):
    pass


@dataclass(frozen=True)
class Param:
    name: str
    default: object
    description: str
    # The least value the rule is written for (`minimum = 2` in rule.toml): a kept relation may hold only
    # what values from there up can select (repeated_returns' evidence: matters returned at least twice).
    minimum: int | float | None = None

    def check(self, value: object, where: str) -> None:
        if self.minimum is None:
            return
        if isinstance(value, bool) or not isinstance(value, int | float) or value < self.minimum:
            raise CatalogError(f"{where}: parameter {self.name} must be a number of at least {self.minimum} "
                               f"(got {value!r})")


@dataclass(frozen=True)
class Rule:
    code: str
    title_zh: str
    title_en: str
    scheme: str  # the corruption scheme it points at
    basis: str  # legal or policy basis
    severity: str
    entities: tuple[str, ...]
    params: dict[str, Param]
    sql: str
    folder: Path
    description: str = ""
    tags: tuple[str, ...] = field(default=())

    @property
    def fixtures(self) -> list[Path]:
        root = self.folder / "fixtures"
        return sorted(p for p in root.iterdir() if (p / "expected.toml").exists()) if root.exists() else []

    def values(self, overrides: dict[str, object] | None = None) -> dict[str, object]:
        """Parameter values: the documented defaults, with `overrides` (unknown names are an error)."""
        overrides = overrides or {}
        unknown = set(overrides) - set(self.params)
        if unknown:
            raise CatalogError(f"rule {self.code}: unknown parameter(s) {', '.join(sorted(unknown))}")
        for name, value in overrides.items():
            self.params[name].check(value, f"rule {self.code}")
        return {name: overrides.get(name, p.default) for name, p in self.params.items()}


def _load_rule(folder: Path) -> Rule:
    meta_path = folder / "rule.toml"
    try:
        meta = tomllib.loads(meta_path.read_text(encoding="utf-8"))
    except tomllib.TOMLDecodeError as exc:
        raise CatalogError(f"{meta_path}: {exc}") from exc
    code = meta.get("code")
    if code != folder.name or not _CODE.match(code or ""):
        raise CatalogError(f"{meta_path}: code must be the folder name ({folder.name}), lowercase")
    missing = [k for k in ("title_zh", "title_en", "scheme", "basis", "severity", "entities") if not meta.get(k)]
    if missing:
        raise CatalogError(f"{meta_path}: missing {', '.join(missing)}")
    if meta["severity"] not in SEVERITIES:
        raise CatalogError(f"{meta_path}: severity must be one of {', '.join(SEVERITIES)}")
    bad = [e for e in meta["entities"] if e not in ENTITY_KINDS]
    if bad:
        raise CatalogError(f"{meta_path}: unknown entity kind(s) {', '.join(bad)}")
    params = {}
    for name, spec in meta.get("params", {}).items():
        if not isinstance(spec, dict) or "default" not in spec or not spec.get("description"):
            raise CatalogError(f"{meta_path}: parameter {name} needs a default and a description")
        minimum = spec.get("minimum")
        if minimum is not None and (isinstance(minimum, bool) or not isinstance(minimum, int | float)):
            raise CatalogError(f"{meta_path}: parameter {name}: minimum must be a number")
        params[name] = Param(name, spec["default"], spec["description"], minimum)
        params[name].check(spec["default"], f"{meta_path}: default")
    return Rule(
        code=code, title_zh=meta["title_zh"], title_en=meta["title_en"], scheme=meta["scheme"],
        basis=meta["basis"], severity=meta["severity"], entities=tuple(meta["entities"]), params=params,
        sql=(folder / "rule.sql").read_text(encoding="utf-8"), folder=folder,
        description=meta.get("description", ""), tags=tuple(meta.get("tags", ())),
    )


@cache
def rules() -> dict[str, Rule]:
    found = {}
    for folder in sorted(RULES_DIR.iterdir()):
        if (folder / "rule.toml").exists() and (folder / "rule.sql").exists():
            rule = _load_rule(folder)
            found[rule.code] = rule
    return found


def rule(code: str) -> Rule:
    try:
        return rules()[code]
    except KeyError:
        raise CatalogError(f"no rule {code!r}; known: {', '.join(rules())}") from None


def select(codes: list[str] | None) -> list[Rule]:
    return [rule(c) for c in codes] if codes else list(rules().values())


@cache
def views() -> dict[str, str]:
    """Shared derived relations: file name (without .sql) → SELECT."""
    return {p.stem: p.read_text(encoding="utf-8") for p in sorted(VIEWS_DIR.glob("*.sql"))}


@dataclass(frozen=True)
class Patch:
    """A view declared row-wise over one contract table (`-- @patch table.key`): each of its rows comes
    from one row of `table`, carries that row's `key` under the same name and depends on no other row of
    it. A kept copy of the view can then follow a change to a few rows of `table` by re-deriving those rows
    alone, instead of deriving the whole view again."""

    table: str
    key: str


def _declaring(word: str) -> frozenset[str]:
    pattern = re.compile(rf"^--\s*@{word}\s*$", re.MULTILINE)
    return frozenset(name for name, sql in views().items() if pattern.search(sql))


@cache
def kept_views() -> frozenset[str]:
    """Views that declare `-- @keep`: kept between scans even when one query reads them (by default such a
    relation is left a plain view of its reader), because their inputs change less often than the reader's."""
    return _declaring("keep")


_LOOKUP = re.compile(r"^--\s*@lookup\s+([a-z_]+)\s*$", re.MULTILINE)


@cache
def view_lookups() -> dict[str, str]:
    """Views that declare `-- @lookup column`: kept in the columnar copy uncompressed, with an index on
    `column`, because queries join a few hundred of their rows by it (a firm's name for an alert): the
    engine then reads those rows through the index instead of scanning and decompressing every row."""
    return dict(_declared(_LOOKUP, "lookup"))


FOLDS = ("sum", "min", "max")


@dataclass(frozen=True)
class Regroup:
    """A view declared grouped over one relation (`-- @regroup relation(col, ...)`): it carries those
    columns under the same names, and its rows for one combination of their values depend only on the
    relation's rows with those values. The relation is a contract table or a view declared `@patch`. When a
    few rows of the relation change, a kept copy re-derives the groups those rows left and joined.

    It may add what each of its other output columns is over a group's rows: `sum(n, k) max(worst)` (`FOLDS`;
    every output column not named is a grouping column, and there is no HAVING or DISTINCT aggregate). When
    the changed rows are all new, the kept groups then take in the new rows' own aggregates (counts add up,
    maxima grow) instead of counting every row of the groups they joined again."""

    relation: str
    columns: tuple[str, ...]
    folds: tuple[tuple[str, str], ...] = ()  # (output column, fold), in the order declared


_REGROUP = re.compile(r"^--\s*@regroup\s+([a-z_]+)\s*\(([a-z_,\s]+)\)((?:\s+[a-z]+\s*\([a-z_,\s]+\))*)\s*$",
                      re.MULTILINE)
_FOLD = re.compile(r"([a-z]+)\s*\(([a-z_,\s]+)\)")


def _folds(name: str, text: str) -> tuple[tuple[str, str], ...]:
    folds: list[tuple[str, str]] = []
    for fold, cols in _FOLD.findall(text):
        if fold not in FOLDS:
            raise CatalogError(f"view {name}: @regroup folds by {', '.join(FOLDS)}, not {fold}")
        folds += [(c.strip(), fold) for c in cols.split(",") if c.strip()]
    named = [c for c, _ in folds]
    if len(set(named)) != len(named):
        raise CatalogError(f"view {name}: @regroup names a column in more than one fold")
    return tuple(folds)


def _declared(pattern: re.Pattern, word: str) -> dict[str, tuple[str, ...]]:
    """Per view, what its one `-- @word ...` line says (the pattern's groups)."""
    out = {}
    for name, sql in views().items():
        found = pattern.findall(sql)
        if len(found) > 1:
            raise CatalogError(f"view {name}: more than one @{word} line")
        if found:
            out[name] = found[0]
    return out


@cache
def view_regroups() -> dict[str, Regroup]:
    """The views that declare `-- @regroup relation(col, ...)`."""
    from qinqing.contract.schema import TABLE_BY_NAME

    out = {}
    for name, (relation, cols, folds) in _declared(_REGROUP, "regroup").items():
        columns = tuple(c.strip() for c in cols.split(",") if c.strip())
        if not columns or name in view_patches():
            raise CatalogError(f"view {name}: @regroup needs its columns, and no @patch beside it")
        table = TABLE_BY_NAME.get(relation)
        if (table is None or not table.primary_key) and relation not in view_patches():
            raise CatalogError(f"view {name}: @regroup {relation} must name a contract table with a primary key "
                               "or a @patch view")
        folded = _folds(name, folds)
        if set(columns) & {c for c, _ in folded}:
            raise CatalogError(f"view {name}: @regroup folds one of its grouping columns")
        out[name] = Regroup(relation, columns, folded)
    return out


_PATCH = re.compile(r"^--\s*@patch\s+([a-z_]+)\.([a-z_]+)\s*$", re.MULTILINE)


@cache
def view_patches() -> dict[str, Patch]:
    """The views that declare `-- @patch relation.key`: the relation is a contract table and the key its
    primary key, or another `@patch` view and the key it carries (row-wise over row-wise: each row still
    comes from one row of the table underneath)."""
    from qinqing.contract.schema import TABLE_BY_NAME

    declared = {name: Patch(table, key) for name, (table, key) in _declared(_PATCH, "patch").items()}
    for name, patch in declared.items():
        table = TABLE_BY_NAME.get(patch.table)
        under = declared.get(patch.table)
        if not ((table is not None and table.primary_key == patch.key)
                or (under is not None and under.key == patch.key)):
            raise CatalogError(f"view {name}: @patch {patch.table}.{patch.key} must name a contract table and its "
                               "primary key, or a @patch view and its key")
        passed, at = [], name
        while at in declared:  # down to the contract table
            passed.append(at)
            at = declared[at].table
            if at in passed:
                raise CatalogError(f"@patch views follow each other in a cycle: {' → '.join((*passed, at))}")
    return declared


def patched_table(name: str) -> str | None:
    """The contract table a `@patch` view's rows come from, through the @patch views between (None for a
    view that is not one)."""
    patches, passed = view_patches(), False
    while name in patches:  # no cycle: view_patches checked
        name, passed = patches[name].table, True
    return name if passed else None
