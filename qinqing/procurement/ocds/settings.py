"""Cardinal's ``settings.ini`` format (cardinal-rs ``ocdscardinal init``, docs/cli/indicators/index.md).

The file is INI (as read by the ``config`` crate with ``rust-ini``): top-level keys before any section,
``[section]`` headers whose dotted names nest (``[R003.procurement_method_details]`` is the table
``procurement_method_details`` inside ``R003``), ``;``/``#`` comment lines and optionally quoted values. Like
Cardinal (``deny_unknown_fields``), an unknown section or key is an error. An indicator is enabled by the
presence of its section, even if empty.

Deviation, for convenience: an inline comment (whitespace then ``;`` or ``#``) is stripped from values, so the
``threshold = 15 # default`` lines in Cardinal's documentation work.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from datetime import date
from pathlib import Path
from typing import Any

#: Indicator codes in the order Cardinal runs them (``add_indicators!`` in src/lib.rs).
INDICATOR_CODES = ("R003", "R018", "R024", "R025", "R028", "R030", "R035", "R036", "R038", "R044", "R048",
                   "R055", "R058")
#: Indicators that Cardinal knows but this implementation does not calculate (accepted, then ignored).
UNSUPPORTED_CODES = frozenset({"R044", "R055"})

_STR, _BOOL, _INT, _UINT, _FLOAT, _DATE = "str", "bool", "int", "uint", "float", "date"

# Value types per key; a dict is a nested table, ("map", T) is a table with arbitrary keys of type T.
_SCHEMA: dict[str, Any] = {
    "currency": _STR,
    "no_price_comparison_procurement_methods": _STR,
    "price_comparison_procurement_methods": _STR,
    "defaults": {"currency": _STR, "item_classification_scheme": _STR, "bid_status": _STR,
                 "award_status": _STR, "party_roles": _BOOL},
    "redactions": {"amount": _STR, "organization_id": _STR},
    "corrections": {"award_status_by_contract_status": _BOOL},
    "modifications": {"move_auctions": _BOOL, "prefix_buyer_or_procuring_entity_id": _STR,
                      "prefix_tenderer_or_supplier_id": _STR, "split_procurement_method_details": _STR},
    "codelists": {"bid_status": ("map", _STR), "award_status": ("map", _STR)},
    "exclusions": {"procurement_method_details": _STR},
    "R003": {"threshold": _INT, "procurement_methods": _STR, "procurement_method_details": ("map", _INT)},
    "R018": {"procurement_methods": _STR},
    "R024": {"threshold": _FLOAT},
    "R025": {"percentile": _UINT, "threshold": _FLOAT},
    "R028": {},
    "R030": {},
    "R035": {"threshold": _UINT},
    "R036": {},
    "R038": {"threshold": _FLOAT, "minimum_submitted_bids": _UINT, "minimum_contracting_processes": _UINT},
    "R044": {},
    "R048": {"digits": _UINT, "threshold": _UINT, "minimum_contracting_processes": _UINT},
    "R055": {"threshold": _FLOAT, "start_date": _DATE, "end_date": _DATE},
    "R058": {"threshold": _FLOAT},
}
_INLINE_COMMENT = re.compile(r"\s[;#].*$")
_ESCAPES = {"\\": "\\", '"': '"', "'": "'", "0": "\0", "a": "\a", "b": "\b", "t": "\t", "r": "\r", "n": "\n",
            ";": ";", "#": "#", "=": "=", ":": ":"}


class SettingsError(ValueError):
    """The settings file is malformed, or has an unknown key or an invalid value."""


@dataclass
class Settings:
    """Parsed settings. ``indicators`` maps each enabled indicator code to its (typed) options."""

    currency: str | None = None
    no_price_comparison_procurement_methods: str | None = None
    price_comparison_procurement_methods: str | None = None
    exclusions: dict[str, Any] = field(default_factory=dict)
    defaults: dict[str, Any] = field(default_factory=dict)
    redactions: dict[str, Any] = field(default_factory=dict)
    corrections: dict[str, Any] = field(default_factory=dict)
    modifications: dict[str, Any] = field(default_factory=dict)
    codelists: dict[str, dict[str, str]] = field(default_factory=dict)
    indicators: dict[str, dict[str, Any]] = field(default_factory=dict)

    @classmethod
    def all_indicators(cls, **kwargs: Any) -> Settings:
        """Every supported indicator enabled with Cardinal's defaults (like ``ocdscardinal init``)."""
        codes = [code for code in INDICATOR_CODES if code not in UNSUPPORTED_CODES]
        return cls(indicators={code: {} for code in codes}, **kwargs)

    @classmethod
    def from_dict(cls, tree: dict[str, Any]) -> Settings:
        """Build settings from a nested dict (as parsed from the INI file), validating keys and types."""
        checked = _check(tree, _SCHEMA, "")
        settings = cls()
        for key, value in checked.items():
            if key in INDICATOR_CODES:
                settings.indicators[key] = value
            else:
                setattr(settings, key, value)
        return settings

    def option(self, code: str, name: str, default: Any = None) -> Any:
        """An indicator option, or ``default`` if unset."""
        value = self.indicators.get(code, {}).get(name)
        return default if value is None else value


def parse_settings(text: str) -> Settings:
    """Parse the text of a Cardinal settings file."""
    return Settings.from_dict(parse_ini(text))


def load_settings(path: str | Path) -> Settings:
    """Read and parse a Cardinal settings file."""
    return parse_settings(Path(path).read_text(encoding="utf-8"))


def parse_ini(text: str) -> dict[str, Any]:
    """Parse INI text into a nested dict of strings, nesting dotted section names like ``config-rs``."""
    root: dict[str, Any] = {}
    table = root
    for number, raw in enumerate(text.splitlines(), 1):
        line = raw.strip()
        if not line or line[0] in ";#":
            continue
        if line[0] == "[":
            end = line.find("]")
            if end < 0:
                raise SettingsError(f"line {number}: unterminated section header {raw!r}")
            name = line[1:end].strip()
            table = root
            for part in name.split("."):
                child = table.setdefault(part.strip(), {})
                if not isinstance(child, dict):
                    raise SettingsError(f"line {number}: section [{name}] conflicts with a key")
                table = child
            continue
        positions = [i for i in (line.find("="), line.find(":")) if i >= 0]
        if not positions:
            raise SettingsError(f"line {number}: expected 'key = value', got {raw!r}")
        key, value = line[: min(positions)].strip(), line[min(positions) + 1:].strip()
        if not key:
            raise SettingsError(f"line {number}: missing key in {raw!r}")
        if isinstance(table.get(key), dict):
            raise SettingsError(f"line {number}: key {key!r} conflicts with a section")
        table[key] = _unquote(value)
    return root


def _unquote(value: str) -> str:
    if len(value) >= 2 and value[0] in "\"'" and value.endswith(value[0]):
        body, out, index = value[1:-1], [], 0
        while index < len(body):
            char = body[index]
            if char == "\\" and index + 1 < len(body):
                index += 1
                out.append(_ESCAPES.get(body[index], "\\" + body[index]))
            else:
                out.append(char)
            index += 1
        return "".join(out)
    return _INLINE_COMMENT.sub("", value).strip()


def _check(value: Any, schema: Any, path: str) -> Any:
    where = path or "settings"
    if isinstance(schema, dict):
        if not isinstance(value, dict):
            raise SettingsError(f"{where}: expected a section, got {value!r}")
        out = {}
        for key, item in value.items():
            if key not in schema:
                raise SettingsError(f"{where}: unknown field {key!r}, expected one of {sorted(schema)}")
            out[key] = _check(item, schema[key], f"{path}.{key}" if path else key)
        return out
    if isinstance(schema, tuple):
        if not isinstance(value, dict):
            raise SettingsError(f"{where}: expected a section, got {value!r}")
        return {key: _check(item, schema[1], f"{path}.{key}") for key, item in value.items()}
    if isinstance(value, dict):
        raise SettingsError(f"{where}: expected a value, got a section")
    return _convert(value, schema, where)


def _convert(value: str, kind: str, where: str) -> Any:
    try:
        if kind == _STR:
            return value
        if kind == _BOOL:
            lowered = value.lower()
            if lowered in ("1", "true", "on", "yes"):
                return True
            if lowered in ("0", "false", "off", "no"):
                return False
            raise ValueError(value)
        if kind in (_INT, _UINT):
            try:
                number = int(value)
            except ValueError:
                number = int(float(value))
            if kind == _UINT and number < 0:
                raise ValueError(value)
            return number
        if kind == _FLOAT:
            return float(value)
        return date.fromisoformat(value)
    except (ValueError, OverflowError):
        raise SettingsError(f"{where}: invalid {kind} value {value!r}") from None
