"""Identifiers built column-wise: citizen ID numbers (GB 11643), USCCs (GB 32100) and phone numbers.

The scalar builders in `qinqing.core.identifiers` define the rules; these do the same arithmetic on
numpy arrays so that millions of valid numbers cost a few array operations (tests compare the two).
"""

from __future__ import annotations

import numpy as np
import polars as pl

from qinqing.core.identifiers import ID_CHECK, ID_WEIGHTS, USCC_CHARSET, USCC_WEIGHTS

_ID_W = np.array(ID_WEIGHTS, dtype=np.int64)
_ID_CHECK = np.frombuffer(ID_CHECK.encode(), dtype=np.uint8)
_USCC_W = np.array(USCC_WEIGHTS, dtype=np.int64)
_USCC_CHARS = np.frombuffer(USCC_CHARSET.encode(), dtype=np.uint8)
_MOBILE = np.array(
    [
        130,
        131,
        132,
        133,
        135,
        136,
        137,
        138,
        139,
        150,
        151,
        152,
        155,
        157,
        158,
        159,
        176,
        177,
        178,
        180,
        181,
        182,
        183,
        185,
        186,
        187,
        188,
        189,
        198,
        199,
    ],
    dtype=np.int64,
)

# Sequence blocks of the ID number's order code (0–499 per gender, see make_id_number). Officials,
# declared relatives and the people of the business registry use disjoint blocks, so a masked registry
# number (first 4 and last 4 characters visible) can agree with a declared relative's number only
# where a pattern or a look-alike puts it there on purpose.
OFFICIAL_BLOCK = (0, 90)
FORMER_BLOCK = (90, 100)  # former officials, dismissed in closed cases
RELATIVE_BLOCK = (100, 250)
FIRM_BLOCK = (250, 500)


def digits(values: np.ndarray, width: int) -> np.ndarray:
    """(n, width) decimal digits of non-negative integers, most significant first."""
    powers = 10 ** np.arange(width - 1, -1, -1, dtype=np.int64)
    return (values.astype(np.int64)[:, None] // powers) % 10


def ymd(dates: np.ndarray) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """Year, month, day of a datetime64[D] array."""
    months = dates.astype("datetime64[M]")
    year = months.astype("datetime64[Y]").astype(np.int64) + 1970
    month = months.astype(np.int64) % 12 + 1
    day = (dates - months.astype("datetime64[D]")).astype(np.int64) + 1
    return year, month, day


def to_strings(matrix: np.ndarray) -> pl.Series:
    """Rows of ASCII bytes → a String column."""
    matrix = np.ascontiguousarray(matrix, dtype=np.uint8)
    return pl.Series(matrix.view(f"S{matrix.shape[1]}").ravel()).cast(pl.String)


def id_numbers(region: np.ndarray, birth: np.ndarray, sequence: np.ndarray, male: np.ndarray) -> pl.Series:
    """Valid 18-character ID numbers; same arithmetic as `make_id_number`."""
    year, month, day = ymd(birth)
    sequence = sequence.astype(np.int64)
    body = np.concatenate(
        [
            digits(region, 6),
            digits(year, 4),
            digits(month, 2),
            digits(day, 2),
            digits(sequence // 5 % 100, 2),
            ((sequence % 5) * 2 + male.astype(np.int64))[:, None],
        ],
        axis=1,
    )
    out = np.empty((body.shape[0], 18), dtype=np.uint8)
    out[:, :17] = body + ord("0")
    out[:, 17] = _ID_CHECK[(body @ _ID_W) % 11]
    return to_strings(out)


def unique_sequences(
    rng: np.random.Generator, region: np.ndarray, birth: np.ndarray, male: np.ndarray, block: tuple[int, int]
) -> np.ndarray:
    """Order codes that make (region, birth date, gender, code) unique: rank within each group, spread."""
    n = region.shape[0]
    order = np.lexsort((rng.random(n), male, birth.astype(np.int64), region))
    r, b, m = region[order], birth.astype(np.int64)[order], male[order]
    start = np.ones(n, dtype=bool)
    start[1:] = (r[1:] != r[:-1]) | (b[1:] != b[:-1]) | (m[1:] != m[:-1])
    group = np.cumsum(start) - 1
    first = np.flatnonzero(start)
    rank = np.arange(n) - first[group]
    size = block[1] - block[0]
    if n and rank.max() >= size:
        raise ValueError("too many people share a birthplace, birth date and gender")
    offset = rng.integers(0, size, first.shape[0])[group]
    seq = np.empty(n, dtype=np.int64)
    seq[order] = block[0] + (rank * 37 + offset) % size  # 37 is prime to the block sizes: no clashes
    return seq


def unique_serials(rng: np.random.Generator, n: int) -> np.ndarray:
    """Distinct organisation-code serials (9 base-31 characters, never starting low)."""
    lo, hi = 31**8, 31**9
    serial = rng.integers(lo, hi, n)
    while True:
        _, first = np.unique(serial, return_index=True)
        dup = np.ones(n, dtype=bool)
        dup[first] = False
        if not dup.any():
            return serial
        serial[dup] = rng.integers(lo, hi, int(dup.sum()))


def usccs(region: np.ndarray, serial: np.ndarray, kind: np.ndarray | int = 1) -> pl.Series:
    """Valid USCCs: authority 9 (market regulation), kind (1 firm, 2 sole trader), region, code, check."""
    n = region.shape[0]
    org = (serial.astype(np.int64)[:, None] // (31 ** np.arange(8, -1, -1, dtype=np.int64))) % 31
    values = np.concatenate(
        [
            np.full((n, 1), 9),
            np.broadcast_to(np.asarray(kind), (n,))[:, None],
            digits(region, 6),
            org,
        ],
        axis=1,
    ).astype(np.int64)
    check = (31 - (values @ _USCC_W) % 31) % 31
    return to_strings(_USCC_CHARS[np.concatenate([values, check[:, None]], axis=1)])


def phones(rng: np.random.Generator, n: int) -> pl.Series:
    """Mobile numbers (11 digits)."""
    prefix = _MOBILE[rng.integers(0, _MOBILE.shape[0], n)]
    number = prefix * 10**8 + rng.integers(0, 10**8, n)
    return to_strings(digits(number, 11) + ord("0"))


def mask(ids: pl.Expr) -> pl.Expr:
    """The public-registry mask of `mask_id_number`, column-wise."""
    return ids.str.slice(0, 4) + pl.lit("*" * 10) + ids.str.slice(14)


def keep_where(values: pl.Series, keep: np.ndarray) -> pl.Series:
    """The values where `keep`, null elsewhere."""
    frame = pl.DataFrame({"v": values, "k": keep})
    return frame.select(pl.when(pl.col("k")).then(pl.col("v"))).to_series().alias(values.name)
