"""PRC identifiers: citizen ID numbers (GB 11643-1999) and unified social credit codes (GB 32100-2015).

Scalar functions for single values and Polars expressions for whole columns, so that an import of
millions of rows checks every check character without a Python loop.
"""

from __future__ import annotations

import datetime as dt
import re

import numpy as np
import polars as pl

ID_WEIGHTS = (7, 9, 10, 5, 8, 4, 2, 1, 6, 3, 7, 9, 10, 5, 8, 4, 2)
ID_CHECK = "10X98765432"  # index = weighted sum mod 11
ID_FULL_RE = re.compile(r"^\d{17}[\dX]$")
# Masked numbers keep at least the first and last characters; `*` hides the rest (`5303**********1232`).
ID_MASKED_RE = re.compile(r"^[\d*]{17}[\dX*]$")

USCC_CHARSET = "0123456789ABCDEFGHJKLMNPQRTUWXY"
USCC_VALUE = {c: i for i, c in enumerate(USCC_CHARSET)}
USCC_WEIGHTS = (1, 3, 9, 27, 19, 26, 16, 17, 20, 29, 25, 13, 8, 24, 10, 30, 28)
USCC_RE = re.compile(r"^[0-9ABCDEFGHJKLMNPQRTUWXY]{18}$")


def id_check_char(first17: str) -> str:
    total = sum(int(c) * w for c, w in zip(first17, ID_WEIGHTS, strict=True))
    return ID_CHECK[total % 11]


def is_masked_id(value: str) -> bool:
    return "*" in value


def id_number_error(value: str) -> str | None:
    """Why `value` is not an acceptable ID number, or None. Masked numbers are acceptable as they are."""
    if is_masked_id(value):
        if not ID_MASKED_RE.match(value):
            return "masked ID number must be 18 characters of digits, '*' and a final X"
        return None
    if not ID_FULL_RE.match(value):
        return "ID number must be 17 digits and a check character 0-9 or X"
    if id_check_char(value[:17]) != value[17]:
        return f"ID number check character should be {id_check_char(value[:17])}"
    try:
        id_birth_date(value)
    except ValueError:
        return "ID number holds no valid birth date"
    return None


def id_birth_date(value: str) -> dt.date | None:
    """Birth date encoded in a full ID number (characters 7–14); None when masked over it."""
    part = value[6:14]
    if "*" in part:
        return None
    return dt.date(int(part[:4]), int(part[4:6]), int(part[6:8]))


def id_gender(value: str) -> str | None:
    """'M' or 'F' from the sequence digit (character 17: odd = male); None when masked."""
    c = value[16]
    if c == "*":
        return None
    return "M" if int(c) % 2 else "F"


def make_id_number(region_code: str, birth: dt.date, sequence: int, gender: str) -> str:
    """Build a valid ID number: `sequence` 0–99 picks the order code, gender fixes its parity."""
    digit = (sequence % 5) * 2 + (1 if gender == "M" else 0)
    body = f"{region_code}{birth:%Y%m%d}{sequence // 5 % 100:02d}{digit}"
    return body + id_check_char(body)


def mask_id_number(value: str) -> str:
    """The public-registry mask: first 4 and last 4 characters visible."""
    return value[:4] + "*" * 10 + value[14:]


def ids_agree(a: str | None, b: str | None) -> bool:
    """Two ID numbers agree when every character visible in both is the same (masked `*` match anything)."""
    if not a or not b or len(a) != len(b):
        return False
    return all(x == y or x == "*" or y == "*" for x, y in zip(a, b, strict=True))


def uscc_check_char(first17: str) -> str:
    total = sum(USCC_VALUE[c] * w for c, w in zip(first17, USCC_WEIGHTS, strict=True))
    return USCC_CHARSET[(31 - total % 31) % 31]


def uscc_error(value: str) -> str | None:
    if not USCC_RE.match(value):
        return "USCC must be 18 characters from 0-9 and ABCDEFGHJKLMNPQRTUWXY"
    expected = uscc_check_char(value[:17])
    if expected != value[17]:
        return f"USCC check character should be {expected}"
    return None


def make_uscc(region_code: str, serial: int, *, authority: str = "9", kind: str = "1") -> str:
    """Build a valid USCC: registration authority + kind, region, a 9-character organisation code, check."""
    org = ""
    n = serial
    for _ in range(9):
        n, r = divmod(n, 31)
        org = USCC_CHARSET[r] + org
    body = f"{authority}{kind}{region_code}{org}"
    return body + uscc_check_char(body)


# --- Whole-column check characters with NumPy: the 17 weighted characters of every value at once.
# A Polars expression would slice each value 17 times; joining the fixed-width values into one buffer
# and viewing it as an (n, 18) byte matrix makes the check one table lookup and one matrix product.


def _lookup(mapping: dict[str, int]) -> np.ndarray:
    table = np.full(256, -1, dtype=np.int16)
    for char, value in mapping.items():
        table[ord(char)] = value
    return table


_ID_VALUES = _lookup({str(d): d for d in range(10)})
_USCC_VALUES = _lookup(USCC_VALUE)
_ID_CHECK_BYTES = np.frombuffer(ID_CHECK.encode(), dtype=np.uint8)
_USCC_CHECK_BYTES = np.frombuffer(USCC_CHARSET.encode(), dtype=np.uint8)


def _check_char_ok(series: pl.Series, values: np.ndarray, weights: tuple[int, ...], modulus: int,
                   check_bytes: np.ndarray, complement: bool) -> pl.Series:
    """True where a value is 18 bytes, its first 17 are in the alphabet and its 18th is the check character."""
    lengths = series.str.len_bytes().fill_null(0).to_numpy()
    rows = np.flatnonzero(lengths == 18)
    ok = np.zeros(series.len(), dtype=bool)
    if rows.size:
        joined = series.gather(rows).str.join("").item().encode()
        matrix = np.frombuffer(joined, dtype=np.uint8).reshape(rows.size, 18)
        total = np.zeros(rows.size, dtype=np.int32)
        alphabet_ok = np.ones(rows.size, dtype=bool)
        for i, weight in enumerate(weights):  # 17 column passes beat one (n, 17) gather in memory traffic
            digit = values[matrix[:, i]]
            alphabet_ok &= digit >= 0
            total += digit * weight
        remainder = total % modulus
        index = (modulus - remainder) % modulus if complement else remainder
        ok[rows] = alphabet_ok & (check_bytes[index] == matrix[:, 17])
    return pl.Series(series.name, ok)


def id_check_ok(series: pl.Series) -> pl.Series:
    """GB 11643 check character right (full numbers; masked ones are never 'ok' here)."""
    return _check_char_ok(series, _ID_VALUES, ID_WEIGHTS, 11, _ID_CHECK_BYTES, complement=False)


def uscc_check_ok(series: pl.Series) -> pl.Series:
    """GB 32100 check character right."""
    return _check_char_ok(series, _USCC_VALUES, USCC_WEIGHTS, 31, _USCC_CHECK_BYTES, complement=True)


def id_number_invalid_fast(col: pl.Expr, check_ok: pl.Expr) -> pl.Expr:
    """`id_number_invalid` with the check character computed beforehand by `id_check_ok`."""
    masked = col.str.contains("*", literal=True)
    birth = col.str.slice(6, 8).str.to_date("%Y%m%d", strict=False)
    full_ok = check_ok & col.str.contains(ID_FULL_RE.pattern) & birth.is_not_null()
    masked_ok = col.str.contains(ID_MASKED_RE.pattern)
    return col.is_not_null() & ~pl.when(masked).then(masked_ok).otherwise(full_ok).fill_null(False)


def uscc_invalid_fast(col: pl.Expr, check_ok: pl.Expr) -> pl.Expr:
    return col.is_not_null() & ~(check_ok & col.str.contains(USCC_RE.pattern)).fill_null(False)


# --- The same checks as Polars expressions, for filters and `list.eval`; one implementation underneath.


def id_number_invalid(col: pl.Expr) -> pl.Expr:
    """True where a non-null value is neither a valid full ID number nor a well-formed masked one."""
    return id_number_invalid_fast(col, col.map_batches(id_check_ok, return_dtype=pl.Boolean))


def uscc_invalid(col: pl.Expr) -> pl.Expr:
    """True where a non-null value is not a valid USCC."""
    return uscc_invalid_fast(col, col.map_batches(uscc_check_ok, return_dtype=pl.Boolean))
