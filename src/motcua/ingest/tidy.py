"""Tidy CSV input: a table with the panel's own columns, for users with their own ETL.

Grain: one row per (unit, period), like the panel. Required: period_start,
period_end (ISO "2024-03-01" or "01/03/2024"), and unit_code or unit_name.
Optional: unit_schema (default from config), the 11 count columns (missing
ones stay null), cumulative (true/false). Counts go through the same parser
as the forms; a code is looked up in the reference, a name is matched.
"""

from __future__ import annotations

import csv
import io
import re
from dataclasses import dataclass
from datetime import date, datetime
from functools import lru_cache
from pathlib import Path

from motcua.ingest.grid import guess_delimiter
from motcua.ingest.names import UnitMatch, normalize_name, reference_units
from motcua.ingest.numbers import max_count, parse_count
from motcua.ingest.periods import classify
from motcua.ingest.records import Record
from motcua.ingest.text import fold
from motcua.ingest.unit_match import MatchContext, match_with_fallback
from motcua.panel import COUNT_COLUMNS
from motcua.quality import Quality, period_label

NO_DATE = date(1900, 1, 1)
_ISO_DAY = re.compile(r"[0-9]{4}-[0-9]{2}-[0-9]{2}")


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


def parse_date(v: object) -> date | None:
    """ISO or Vietnamese day-first dates ("2024-03-01", "01/03/2024", "1-3-2024"); None if unreadable."""
    if v is None:
        return None
    if isinstance(v, datetime):
        return v.date()
    if isinstance(v, date):
        return v
    s = str(v).strip()
    if not s:
        return None
    if _ISO_DAY.fullmatch(s):  # the common case, without strptime's cost per row
        try:
            return date(int(s[:4]), int(s[5:7]), int(s[8:]))
        except ValueError:
            pass
    for fmt in (
        "%Y-%m-%d",
        "%d/%m/%Y",
        "%d-%m-%Y",
        "%d.%m.%Y",
        "%Y/%m/%d",
        "%Y-%m-%d %H:%M:%S",
        "%d/%m/%Y %H:%M",
        "%d/%m/%Y %H:%M:%S",
    ):
        try:
            return datetime.strptime(s, fmt).date()
        except ValueError:
            continue
    return None


@lru_cache(maxsize=2)
def _units_by_code(schema: str) -> dict[str, list[tuple[str, str, str, str, str]]]:
    """The reference's units of ``schema`` by code: code → [(unit_code, unit_name, unit_level, province_code,
    province_name)], one entry per level that uses the code (built once; the reference is package data)."""
    ref = reference_units(schema)
    out: dict[str, list[tuple[str, str, str, str, str]]] = {}
    for r in ref[["unit_code", "unit_name", "unit_level", "province_code", "province_name"]].itertuples(index=False):
        out.setdefault(r[0], []).append(tuple(r))
    return out


def unit_by_code(code: str, schema: str) -> UnitMatch | None:
    """The official unit with this code in ``schema`` (any level), as a UnitMatch; None if unknown
    or if the code names units of more than one level. A numeric code may omit its leading zeros
    (tried as 2, 3 and 5 digits: province, district, commune)."""
    by_code = _units_by_code(schema)
    hit = by_code.get(code, [])
    if not hit and code.isdigit():
        for width in (2, 3, 5):
            hit = by_code.get(code.zfill(width), [])
            if len(hit) == 1:
                break
    if len(hit) != 1:
        return None
    unit_code, unit_name, level, province_code, province_name = hit[0]
    return UnitMatch(code, unit_code, unit_name, level, province_code, province_name, 100.0, [], "code", schema)


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


def read_tidy_rows(
    header: list[str],
    rows: list[tuple[int, list[str]]],
    delim: str,
    display: str,
    q: Quality,
    ctx: MatchContext,
    order: tuple,
    file_findings: bool = True,
) -> list[Record]:
    """Records from a tidy CSV's rows ([(line, cells)], none blank; ``header`` lower-cased; ``delim`` its
    delimiter): one per row, in row order. What a row gives depends on that row, the header and the configuration alone; its
    findings name its line. ``file_findings``: also report what the header lacks (once per file, first)."""
    from motcua.ingest.names import settings
    from motcua.ingest.periods import period_out_of_range

    switch = settings().get("schema_2025_from")
    switch_d = switch if isinstance(switch, date) else (date.fromisoformat(str(switch)) if switch else None)
    limit = max_count()  # read once per file, not once per cell
    out_of_range: dict[tuple[date, date], str] = {}
    missing = [c for c in COUNT_COLUMNS if c not in header]
    if missing and file_findings:
        q.add(
            display,
            "tidy_missing_column",
            "info",
            f"Tệp không có cột {', '.join(missing)}; các giá trị này để trống.",
            action="checked",
        )
    out: list[Record] = []

    def drop(
        line: int,
        label: str,
        values: dict,
        rule: str,
        msg: str,
        unit: str,
        s: date | None = None,
        e: date | None = None,
    ) -> None:
        q.add(display, rule, "error", msg, row=line, unit=unit, period=period_label(s, e), action="dropped")
        out.append(
            Record(
                display,
                "",
                line,
                label,
                None,
                s or NO_DATE,
                e or NO_DATE,
                "custom",
                False,
                values,
                {},
                order,
                "tidy",
                f"dòng {line}",
                status="dropped",
            )
        )

    for line, cells in rows:
        if len(cells) != len(header):
            drop(
                line,
                "",
                {c: None for c in COUNT_COLUMNS},
                "ragged_row",
                f'Dòng {line} có {len(cells)} ô nhưng tiêu đề có {len(header)} cột (thừa/thiếu dấu phân cách "{delim}"); '
                f"không biết ô nào thuộc cột nào, loại dòng.",
                "",
            )
            continue
        row = dict(zip(header, cells))
        s, e = parse_date(row.get("period_start")), parse_date(row.get("period_end"))
        schema = (row.get("unit_schema") or ctx.schema).strip() or ctx.schema
        code = str(row.get("unit_code", "")).strip()
        name = str(row.get("unit_name", "")).strip()
        values: dict[str, int | None] = {}
        for c in COUNT_COLUMNS:
            if c not in row:
                values[c] = None
                continue
            raw = row[c]
            if raw.isascii() and raw.isdigit() and int(raw) <= limit:  # the common case: what parse_count reads it as
                values[c] = int(raw)
                continue
            pc = parse_count(raw, limit)
            if pc.error:
                from motcua.ingest.aggregate_checks import cell_error_message

                q.add(
                    display,
                    pc.error,
                    "error",
                    cell_error_message(pc.error, pc.raw, c),
                    row=line,
                    unit=code or name,
                    period=period_label(s, e),
                    action="value_removed",
                )
            values[c] = pc.value
        flag = row.get("cumulative")
        cumulative = bool(flag) and fold(str(flag)) in ("true", "1", "yes", "co", "x")
        if s is None or e is None or e < s:
            drop(
                line,
                name or code,
                values,
                "no_period",
                f'Không đọc được kỳ (period_start="{row.get("period_start")}", period_end="{row.get("period_end")}"); loại dòng.',
                code or name,
            )
            continue
        if (s, e) not in out_of_range:  # a file holds few distinct periods
            out_of_range[(s, e)] = period_out_of_range(s, e)
        bad = out_of_range[(s, e)]
        if bad:
            drop(
                line,
                name or code,
                values,
                "period_out_of_range",
                f"Kỳ {period_label(s, e)} không thể có thật ({bad}); loại dòng.",
                code or name,
                s,
                e,
            )
            continue
        if schema not in ("legacy", "2025"):
            drop(
                line,
                name or code,
                values,
                "unknown_schema",
                f'unit_schema "{schema}" không phải "legacy" hay "2025"; không biết tra mã trong danh mục nào, loại dòng.',
                code or name,
                s,
                e,
            )
            continue
        if switch_d is not None and ((schema == "2025" and e < switch_d) or (schema == "legacy" and s >= switch_d)):
            when = "trước" if schema == "2025" else "từ"
            drop(
                line,
                name or code,
                values,
                "schema_period_mismatch",
                f"Dòng theo danh mục {schema} nhưng kỳ {period_label(s, e)} {when} ngày {switch_d:%d/%m/%Y} (danh mục 2025 "
                f"áp dụng từ ngày này; mã hai danh mục có thể trùng nhau); loại dòng, không đoán.",
                code or name,
                s,
                e,
            )
            continue
        m: UnitMatch | None = None
        if code:
            m = unit_by_code(code, schema)
            if m is None:
                q.add(
                    display,
                    "unit_unmatched",
                    "error",
                    f'Mã đơn vị "{code}" không có trong danh mục {schema}; loại dòng.',
                    row=line,
                    unit=code,
                    period=period_label(s, e),
                    action="dropped",
                )
            elif name and fold(normalize_name(name)) != fold(m.unit_name or ""):
                q.add(
                    display,
                    "unit_name_variant",
                    "info",
                    f'Tên "{name}" khác tên chính thức "{m.unit_name}" của mã {code}; dùng mã.',
                    row=line,
                    unit=code,
                    period=period_label(s, e),
                    action="kept",
                )
        else:
            m = match_with_fallback(name, ctx, s)  # the period's era is the row's schema (checked above)
            if not m.matched:
                q.add(
                    display,
                    "unit_unmatched",
                    "error",
                    f'Không khớp "{name}" với đơn vị chính thức; gần nhất: {m.candidates_text(3)}. Loại dòng.',
                    row=line,
                    unit=name,
                    period=period_label(s, e),
                    action="dropped",
                )
        status = "kept" if m is not None and m.matched else "dropped"
        out.append(
            Record(
                display,
                "",
                line,
                name or code,
                m,
                s,
                e,
                classify(s, e),
                cumulative,
                values,
                {},
                order,
                "tidy",
                f"dòng {line}",
                status=status,
            )
        )
    return out
