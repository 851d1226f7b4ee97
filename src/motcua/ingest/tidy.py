"""Tidy CSV input: a table with the panel's own columns, for users with their own ETL.

Grain: one row per (unit, period), like the panel. Required: period_start,
period_end (ISO "2024-03-01" or "01/03/2024"), and unit_code or unit_name.
Optional: unit_schema (default from config), the 11 count columns (missing
ones stay null), cumulative (true/false). Counts go through the same parser
as the forms; a code is looked up in the reference, a name is matched.
"""
from __future__ import annotations

import csv
from datetime import date, datetime
from pathlib import Path

import pandas as pd

from motcua.clean.quality import Quality, period_label
from motcua.ingest.grid import guess_delimiter
from motcua.ingest.aggregate import MatchContext, match_with_fallback
from motcua.ingest.names import UnitMatch, normalize_name, reference_units
from motcua.ingest.numbers import parse_count
from motcua.ingest.periods import classify
from motcua.ingest.records import Record
from motcua.ingest.text import fold
from motcua.panel import COUNT_COLUMNS

NO_DATE = date(1900, 1, 1)


def _read_head(path: Path) -> tuple[list[str], str, str]:
    for enc in ("utf-8-sig", "cp1258"):
        try:
            with path.open(encoding=enc, newline="") as fh:
                head = fh.read(8192)
            break
        except UnicodeDecodeError:
            continue
    else:
        raise UnicodeDecodeError("utf-8", b"", 0, 1, "neither UTF-8 nor cp1258")
    first = head.splitlines()[0] if head else ""
    delim = guess_delimiter([first])
    cols = next(csv.reader([first], delimiter=delim)) if first else []
    return [c.strip() for c in cols], delim, enc


def looks_like_tidy_csv(path: Path) -> bool:
    cols, _, _ = _read_head(path)
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
    for fmt in ("%Y-%m-%d", "%d/%m/%Y", "%d-%m-%Y", "%d.%m.%Y", "%Y/%m/%d", "%Y-%m-%d %H:%M:%S", "%d/%m/%Y %H:%M",
                "%d/%m/%Y %H:%M:%S"):
        try:
            return datetime.strptime(s, fmt).date()
        except ValueError:
            continue
    return None


def unit_by_code(code: str, schema: str) -> UnitMatch | None:
    """The official unit with this code in ``schema`` (any level), as a UnitMatch; None if unknown."""
    ref = reference_units(schema)
    hit = ref[ref["unit_code"] == code]
    if hit.empty and code.isdigit():
        for width in (2, 3, 5):
            hit = ref[ref["unit_code"] == code.zfill(width)]
            if len(hit) == 1:
                break
    if len(hit) != 1:
        return None
    r = hit.iloc[0]
    return UnitMatch(code, r["unit_code"], r["unit_name"], r["unit_level"], r["province_code"], r["province_name"], 100.0,
                     [], "code", schema)


def read_tidy_csv(path: Path, display: str, q: Quality, ctx: MatchContext, order: tuple) -> list[Record]:
    """Records from a tidy CSV (one per row; undatable or unmatched rows are returned as dropped)."""
    _, delim, enc = _read_head(path)
    df = pd.read_csv(path, dtype=str, keep_default_na=False, sep=delim, encoding=enc)
    df.columns = [c.strip().lower() for c in df.columns]
    missing = [c for c in COUNT_COLUMNS if c not in df.columns]
    if missing:
        q.add(display, "tidy_missing_column", "info",
              f"Tệp không có cột {', '.join(missing)}; các giá trị này để trống.", action="checked")
    out: list[Record] = []
    for i, row in enumerate(df.to_dict("records")):
        line = i + 2  # the header is line 1
        s, e = parse_date(row.get("period_start")), parse_date(row.get("period_end"))
        schema = (row.get("unit_schema") or ctx.schema).strip() or ctx.schema
        code = str(row.get("unit_code", "")).strip()
        name = str(row.get("unit_name", "")).strip()
        values: dict[str, int | None] = {}
        for c in COUNT_COLUMNS:
            if c not in row:
                values[c] = None
                continue
            pc = parse_count(row[c])
            if pc.error:
                q.add(display, pc.error, "error", f"Cột {c}: \"{pc.raw}\" không phải số nguyên không âm; để trống.",
                      row=line, unit=code or name, period=period_label(s, e), action="value_removed")
            values[c] = pc.value
        cumulative = fold(str(row.get("cumulative", ""))) in ("true", "1", "yes", "co", "x")
        if s is None or e is None or e < s:
            q.add(display, "no_period", "error",
                  f"Không đọc được kỳ (period_start=\"{row.get('period_start')}\", period_end=\"{row.get('period_end')}\"); loại dòng.",
                  row=line, unit=code or name, action="dropped")
            out.append(Record(display, "", line, name or code, None, NO_DATE, NO_DATE, "custom", False, values, {}, order,
                              "tidy", f"dòng {line}", status="dropped"))
            continue
        m: UnitMatch | None = None
        if code:
            m = unit_by_code(code, schema)
            if m is None:
                q.add(display, "unit_unmatched", "error", f"Mã đơn vị \"{code}\" không có trong danh mục {schema}; loại dòng.",
                      row=line, unit=code, period=period_label(s, e), action="dropped")
            elif name and fold(normalize_name(name)) != fold(m.unit_name or ""):
                q.add(display, "unit_name_variant", "info", f"Tên \"{name}\" khác tên chính thức \"{m.unit_name}\" của mã {code}; dùng mã.",
                      row=line, unit=code, period=period_label(s, e), action="kept")
        else:
            m = match_with_fallback(name, MatchContext(schema, ctx.level, ctx.province_code), s)
            if not m.matched:
                q.add(display, "unit_unmatched", "error",
                      f"Không khớp \"{name}\" với đơn vị chính thức; gần nhất: {m.candidates_text(3)}. Loại dòng.",
                      row=line, unit=name, period=period_label(s, e), action="dropped")
        status = "kept" if m is not None and m.matched else "dropped"
        out.append(Record(display, "", line, name or code, m, s, e, classify(s, e), cumulative, values, {}, order, "tidy",
                          f"dòng {line}", status=status))
    return out
