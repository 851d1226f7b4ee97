"""Spreadsheets as plain grids: .xlsx (openpyxl) and .xls (xlrd), merged cells kept.

Grain: one :class:`Grid` per sheet — a list of rows of cell values (None for
empty), 0-based, plus merged ranges as (row0, row1, col0, col1) inclusive.
Formula cells give their cached values. Workbook properties (created date,
keywords) are returned for provenance and the "newest file wins" rule.
"""
from __future__ import annotations

import re
from dataclasses import dataclass, field
from datetime import datetime
from pathlib import Path
from typing import Any


@dataclass
class Grid:
    sheet: str
    rows: list[list[Any]]
    merged: list[tuple[int, int, int, int]] = field(default_factory=list)

    @property
    def n_rows(self) -> int:
        return len(self.rows)

    @property
    def n_cols(self) -> int:
        return max((len(r) for r in self.rows), default=0)

    def cell(self, r: int, c: int) -> Any:
        if 0 <= r < len(self.rows) and 0 <= c < len(self.rows[r]):
            return self.rows[r][c]
        return None


@dataclass
class Book:
    path: Path
    grids: list[Grid]
    created: datetime | None = None
    keywords: str = ""
    title: str = ""


class UnreadableFile(Exception):
    """The file could not be opened as a spreadsheet (message in Vietnamese)."""


def read_book(path: Path) -> Book:
    """Read every sheet of an .xlsx/.xlsm or .xls file."""
    suffix = path.suffix.lower()
    if suffix in (".xlsx", ".xlsm"):
        return _read_xlsx(path)
    if suffix == ".xls":
        return _read_xls(path)
    raise UnreadableFile(f"định dạng không hỗ trợ: {suffix}")


_MERGE_RE = re.compile(rb'<mergeCell[^>]*\bref="([A-Z]+)(\d+):([A-Z]+)(\d+)"')


def _col_index(letters: bytes) -> int:
    n = 0
    for ch in letters:
        n = n * 26 + (ch - 64)
    return n - 1


def _read_xlsx(path: Path) -> Book:
    """Read-only openpyxl for values (fast); merged ranges parsed from each sheet's XML."""
    import openpyxl

    try:
        wb = openpyxl.load_workbook(path, data_only=True, read_only=True)
    except Exception as exc:  # noqa: BLE001 - zip, xml or openpyxl errors: all mean unreadable
        raise UnreadableFile(f"không mở được tệp Excel (.xlsx): {type(exc).__name__}: {exc}") from exc
    grids = []
    try:
        for ws in wb.worksheets:
            rows = [list(r) for r in ws.iter_rows(values_only=True)]
            merged: list[tuple[int, int, int, int]] = []
            wpath = getattr(ws, "_worksheet_path", None)
            if wpath:
                with wb._archive.open(wpath) as fh:  # noqa: SLF001 - openpyxl keeps the zip open in read-only mode
                    xml = fh.read()
                for m in _MERGE_RE.finditer(xml):
                    c0, r0, c1, r1 = m.groups()
                    merged.append((int(r0) - 1, int(r1) - 1, _col_index(c0), _col_index(c1)))
            grids.append(Grid(ws.title, rows, merged))
        p = wb.properties
        return Book(path, grids, p.created, p.keywords or "", p.title or "")
    except Exception as exc:  # noqa: BLE001 - truncated or corrupt sheet XML
        raise UnreadableFile(f"tệp Excel (.xlsx) bị hỏng hoặc không đầy đủ: {type(exc).__name__}: {exc}") from exc
    finally:
        wb.close()


def _read_xls(path: Path) -> Book:
    import xlrd

    try:
        wb = xlrd.open_workbook(str(path), formatting_info=True)
    except Exception:  # noqa: BLE001 - retry without formatting (some writers omit it)
        try:
            wb = xlrd.open_workbook(str(path))
        except Exception as exc:  # noqa: BLE001
            raise UnreadableFile(f"không mở được tệp Excel (.xls): {type(exc).__name__}: {exc}") from exc
    grids = []
    for sh in wb.sheets():
        rows: list[list[Any]] = []
        for r in range(sh.nrows):
            row: list[Any] = []
            for c in range(sh.ncols):
                cell = sh.cell(r, c)
                if cell.ctype in (xlrd.XL_CELL_EMPTY, xlrd.XL_CELL_BLANK):
                    row.append(None)
                elif cell.ctype == xlrd.XL_CELL_NUMBER:
                    v = cell.value
                    row.append(int(v) if float(v).is_integer() else v)
                elif cell.ctype == xlrd.XL_CELL_DATE:
                    try:
                        row.append(xlrd.xldate.xldate_as_datetime(cell.value, wb.datemode))
                    except Exception:  # noqa: BLE001
                        row.append(cell.value)
                elif cell.ctype == xlrd.XL_CELL_BOOLEAN:
                    row.append(bool(cell.value))
                elif cell.ctype == xlrd.XL_CELL_ERROR:
                    row.append(None)
                else:
                    row.append(cell.value)
            rows.append(row)
        merged = [(r0, r1 - 1, c0, c1 - 1) for (r0, r1, c0, c1) in getattr(sh, "merged_cells", [])]
        grids.append(Grid(sh.name, rows, merged))
    return Book(path, grids, None, "", "")


def read_csv_grid(path: Path) -> Book:
    """A CSV file as a one-sheet book (a form exported to CSV: no merges, text cells)."""
    import csv

    for enc in ("utf-8-sig", "cp1258"):
        try:
            text = path.read_text(encoding=enc)
            break
        except UnicodeDecodeError:
            continue
    else:
        raise UnreadableFile("không đọc được bảng mã của tệp CSV (không phải UTF-8 hay Windows-1258)")
    delim = guess_delimiter(text.splitlines()[:30])
    rows = [[c if c.strip() != "" else None for c in r] for r in csv.reader(text.splitlines(), delimiter=delim)]
    return Book(path, [Grid(path.stem, rows, [])])


def guess_delimiter(lines: list[str]) -> str:
    """The delimiter with the largest median count per non-empty line (";", ",", tab or "|"); "," on ties."""
    import statistics

    lines = [ln for ln in lines if ln.strip()]
    if not lines:
        return ","
    best, score = ",", -1.0
    for d in (",", ";", "\t", "|"):
        med = statistics.median(ln.count(d) for ln in lines)
        if med > score:
            best, score = d, med
    return best
