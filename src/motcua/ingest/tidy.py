"""Tidy CSV input: a table with the panel's own columns, for users with their own ETL.

Grain: one row per (unit, period), like the panel. Required: period_start,
period_end (ISO "2024-03-01" or "01/03/2024"), and unit_code or unit_name.
Optional: unit_schema (default: the era of the row's period), the 11 count columns (missing
ones stay null), cumulative (true/false). Counts go through the same parser
as the forms; a code is looked up in the reference, a name is matched.
"""

from __future__ import annotations

import csv
import io
from dataclasses import dataclass
from pathlib import Path

from motcua.ingest.grid import guess_delimiter
from motcua.ingest.records import Record
from motcua.ingest.tidy_rows import (  # noqa: F401 - the rows' reader, importable from here as before
    NO_DATE,
    parse_date,
    read_tidy_rows,
    unit_by_code,
)
from motcua.ingest.unit_match import MatchContext
from motcua.quality import Quality


def read_head(path: Path) -> tuple[list[str], str, str]:
    """(header cells, delimiter, encoding); raises UnreadableFile for binary content."""
    from motcua.ingest.grid import UnreadableFile, decode

    with path.open("rb") as fh:
        data = fh.read(65536)
    got = decode(data, partial=True) if data else ("", "utf-8")
    if got is None:
        raise UnreadableFile(
            "tệp không phải văn bản CSV (nội dung nhị phân hoặc bảng mã không phải UTF-8, UTF-16 hay Windows-1258)"
        )
    head, enc = got
    head = head.lstrip("\ufeff")
    if enc == "utf-8":
        enc = "utf-8-sig"
    first = head.splitlines()[0] if head else ""
    delim = guess_delimiter([first])
    cols = next(csv.reader([first], delimiter=delim)) if first else []
    return [c.strip() for c in cols], delim, enc


def looks_like_tidy_csv(path: Path) -> bool:
    cols, _, _ = read_head(path)
    names = {c.strip().lower() for c in cols}
    return {"period_start", "period_end"} <= names and bool({"unit_code", "unit_name"} & names)


@dataclass
class TidyText:
    """How a tidy CSV's text splits into CSV records (what a later read of a changed copy compares with).

    ``header``: its cells, lower-cased; ``header_end``: the line the header record ends on; ``ends``: the line every later record ends on
    (blank ones included), increasing; a record may span lines (a quoted cell holding a line break).
    """

    text: str
    encoding: str
    delimiter: str
    header: list[str]
    header_end: int
    ends: list[int]


def _rows(path: Path, delim: str) -> tuple[list[str], list[tuple[int, list[str]]], TidyText]:
    """(header, [(line number, cells)], the text and its records' lines) of a CSV file, decoded as
    :func:`motcua.ingest.grid.read_text` does."""
    from motcua.ingest.grid import read_text

    text, enc = read_text(path)
    reader = csv.reader(io.StringIO(text, newline=""), delimiter=delim)
    header: list[str] = []
    header_end = 0
    ends: list[int] = []
    rows: list[tuple[int, list[str]]] = []
    for cells in reader:
        if not header:
            header = [c.strip().lower() for c in cells]
            header_end = reader.line_num
            continue
        ends.append(reader.line_num)
        if is_blank(cells):
            continue
        rows.append((reader.line_num, cells))
    return header, rows, TidyText(text, enc, delim, header, header_end, ends)


def split_records(text: str, delim: str, first_line: int) -> list[tuple[int, list[str]]]:
    """[(line the record ends on, cells)] of every CSV record of ``text``, whose first line is line
    ``first_line`` of its file (blank records included, as ``[]`` or blank cells)."""
    reader = csv.reader(io.StringIO(text, newline=""), delimiter=delim)
    return [(first_line - 1 + reader.line_num, cells) for cells in reader]


def is_blank(cells: list[str]) -> bool:
    """A record that holds no value (skipped, as :func:`read_tidy_csv` skips it)."""
    return not any(c.strip() for c in cells)


def read_tidy_csv(
    path: Path, display: str, q: Quality, ctx: MatchContext, order: tuple, text_out: list[TidyText] | None = None
) -> list[Record]:
    """Records from a tidy CSV (one per row; undatable, unmatched or malformed rows are returned as dropped).

    A row with more or fewer cells than the header is dropped and reported with its line; the other
    rows still count. A row's unit_schema must be "legacy" or "2025" and agree with its period
    (2025 codes only from ``schema_2025_from``, legacy codes only before it): codes are re-used
    across the two lists, so a mixed file is never guessed. ``text_out``: gets the file's
    :class:`TidyText` appended. Each non-blank record gives one :class:`Record` (its ``row``: the line the
    record ends on) and findings about that row alone (:func:`read_tidy_rows`).
    """
    _, delim, _ = read_head(path)
    header, rows, text = _rows(path, delim)
    if text_out is not None:
        text_out.append(text)
    return read_tidy_rows(header, rows, delim, display, q, ctx, order)
