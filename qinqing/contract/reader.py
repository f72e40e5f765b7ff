"""Reading a contract dataset: a folder of CSV files or one XLSX workbook, every value as text.

Values are read as strings and typed later by the validator, so a bad value becomes a reported error
with its line and column instead of a parser exception or a silent null.
"""

from __future__ import annotations

import csv
import hashlib
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path

import polars as pl

from qinqing.contract.schema import TABLE_BY_NAME

BOM = "\ufeff"


@dataclass
class SourceTable:
    """One table: all-string columns, the file it came from, and what did not fit the contract.

    A CSV file is read when its frame is first needed and can be released after, so an import holds one
    large table in memory at a time, not the whole dataset.
    """

    name: str
    path: Path
    sheet: str | None = None  # for workbooks
    unknown_columns: list[str] = field(default_factory=list)
    sha256: str = ""
    loader: Callable[[], SourceTable] | None = None
    _frame: pl.DataFrame | None = None

    @property
    def frame(self) -> pl.DataFrame:
        """The table's rows; raises ReadError when the file cannot be read."""
        if self._frame is None:
            if self.loader is None:
                raise ReadError((None, "the table was released"))
            loaded = self.loader()
            self._frame, self.unknown_columns, self.sha256 = loaded._frame, loaded.unknown_columns, loaded.sha256
        return self._frame

    def release(self) -> None:
        """Forget the rows (they are read again if needed); keeps what the report needs."""
        if self.loader is not None:
            self._frame = None

    @property
    def label(self) -> str:
        return f"{self.path.name}:{self.sheet}" if self.sheet else self.path.name

    def line_numbers(self, rows: list[int]) -> dict[int, int]:
        """Physical line (or sheet row) where each 0-based data row starts.

        CSV records may span lines inside quotes, so the mapping is read from the file; it is only
        needed on the error path.
        """
        if self.sheet is not None:
            return {r: r + 2 for r in rows}
        wanted = set(rows)
        found: dict[int, int] = {}
        with self.path.open(newline="", encoding="utf-8-sig") as fh:
            reader = csv.reader(fh)
            next(reader, None)
            start = reader.line_num + 1
            for index, _ in enumerate(reader):
                if index in wanted:
                    found[index] = start
                    if len(found) == len(wanted):
                        break
                start = reader.line_num + 1
        return found


@dataclass
class Dataset:
    tables: dict[str, SourceTable]
    ignored_files: list[str]
    problems: list[tuple[str, int | None, str]]  # (file, line, reason) for files that could not be read


class ReadError(Exception):
    """A file that cannot be read at all; `args` are (line or None, reason) pairs."""


def _diagnose_csv(path: Path, limit: int = 1000) -> list[tuple[int | None, str]]:
    """Why Polars refused a CSV file, line by line: bad encoding or rows with the wrong number of fields."""
    reasons: list[tuple[int | None, str]] = []
    try:
        with path.open(newline="", encoding="utf-8-sig") as fh:
            reader = csv.reader(fh)
            header = next(reader, None)
            if header is None:
                return [(1, "the file is empty: a header row is required")]
            start = reader.line_num + 1
            for row in reader:
                if row and len(row) != len(header):
                    reasons.append((start, f"{len(row)} fields where the header has {len(header)}"))
                    if len(reasons) >= limit:
                        break
                start = reader.line_num + 1
    except UnicodeDecodeError as exc:
        with path.open("rb") as fh:
            line = fh.read(exc.start + 1).count(b"\n") + 1 if exc.start is not None else None
        return [(line, f"not valid UTF-8 (byte {exc.start} of the file)")]
    except csv.Error as exc:
        return [(reader.line_num, f"malformed CSV: {exc}")]
    return reasons


def _clean_header(name: str) -> str:
    return name.replace(BOM, "").strip()


def _normalise(frame: pl.DataFrame) -> pl.DataFrame:
    """Trim whitespace; empty means absent (null) everywhere in the contract."""
    frame = frame.rename({c: _clean_header(c) for c in frame.columns})
    return frame.with_columns(
        pl.col(c).cast(pl.String).str.strip_chars().replace("", None) for c in frame.columns
    )


def _sha256(path: Path) -> str:
    digest = hashlib.sha256()
    with path.open("rb") as fh:
        for chunk in iter(lambda: fh.read(1 << 20), b""):
            digest.update(chunk)
    return digest.hexdigest()


def _unknown_columns(name: str, frame: pl.DataFrame) -> list[str]:
    """Columns the contract does not know: kept aside and reported, never imported."""
    known = set(TABLE_BY_NAME[name].column_names)
    return [c for c in frame.columns if c not in known]


def read_csv_table(name: str, path: Path) -> SourceTable:
    try:
        frame = pl.read_csv(
            path, infer_schema=False, encoding="utf8", quote_char='"', has_header=True,
            raise_if_empty=False, truncate_ragged_lines=False, glob=False,
        )
    except (pl.exceptions.ComputeError, pl.exceptions.NoDataError, UnicodeDecodeError) as exc:
        reasons = _diagnose_csv(path) or [(None, f"cannot be read as UTF-8 CSV: {str(exc).splitlines()[0]}")]
        raise ReadError(*reasons) from exc
    frame = _normalise(frame)
    duplicates = sorted({c for c in frame.columns if frame.columns.count(c) > 1})
    if duplicates:
        raise ReadError((1, f"repeated column(s) {', '.join(duplicates)}"))
    return SourceTable(name, path, unknown_columns=_unknown_columns(name, frame), sha256=_sha256(path), _frame=frame)


def read_folder(folder: Path) -> Dataset:
    tables: dict[str, SourceTable] = {}
    ignored: list[str] = []
    problems: list[tuple[str, int | None, str]] = []
    for path in sorted(folder.iterdir()):
        if path.suffix.lower() != ".csv":
            if path.is_file():
                ignored.append(path.name)
            continue
        if path.stem not in TABLE_BY_NAME:
            ignored.append(path.name)
            continue
        tables[path.stem] = SourceTable(path.stem, path, loader=lambda n=path.stem, p=path: read_csv_table(n, p))
    return Dataset(tables, ignored, problems)


def read_workbook(path: Path) -> Dataset:
    try:
        sheets = pl.read_excel(path, sheet_id=0, engine="calamine", infer_schema_length=0)
    except Exception as exc:
        raise ReadError((None, f"cannot be read as an XLSX workbook: {exc}")) from exc
    tables: dict[str, SourceTable] = {}
    ignored: list[str] = []
    digest = _sha256(path)
    for sheet, frame in sheets.items():
        name = sheet.strip()
        if name not in TABLE_BY_NAME:
            ignored.append(f"{path.name}:{sheet}")
            continue
        frame = _normalise(frame)
        tables[name] = SourceTable(name, path, sheet=sheet, unknown_columns=_unknown_columns(name, frame),
                                   sha256=digest, _frame=frame)
    return Dataset(tables, ignored, [])


def read_dataset(path: Path) -> Dataset:
    path = Path(path)
    if path.is_dir():
        return read_folder(path)
    if path.suffix.lower() in {".xlsx", ".xlsm"}:
        return read_workbook(path)
    if path.suffix.lower() == ".csv" and path.stem in TABLE_BY_NAME:
        return Dataset({path.stem: SourceTable(path.stem, path, loader=lambda: read_csv_table(path.stem, path))},
                       [], [])
    raise ReadError((None, "expected a folder of contract CSV files, a contract CSV file or an XLSX workbook"))
