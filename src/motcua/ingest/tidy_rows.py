"""The rows of a tidy CSV into records: one record per non-blank row, kept with its unit or dropped with
exactly one finding naming its line.

Grain: one row per (unit, period), like the panel. Dates are ISO ("2024-03-01") or Vietnamese day-first
("01/03/2024"); a row names its unit by code (looked up in the reference; leading zeros may be omitted) or
by name (matched). Quirks: a row whose cell count differs from the header's is dropped, never guessed; a
row's unit_schema must be "legacy" or "2025" and agree with its period (codes are re-used across the two
lists); a count cell that is not a count is reported and left empty, the row kept.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from datetime import date, datetime
from functools import lru_cache

from motcua.ingest.names import UnitMatch, normalize_name, reference_units
from motcua.ingest.numbers import max_count, parse_count
from motcua.ingest.periods import classify, period_out_of_range
from motcua.ingest.records import Record
from motcua.ingest.text import fold
from motcua.ingest.unit_match import MatchContext, match_with_fallback
from motcua.panel import COUNT_COLUMNS
from motcua.quality import Quality, period_label

#: The dates of a dropped row whose period could not be read.
NO_DATE = date(1900, 1, 1)
_ISO_DAY = re.compile(r"[0-9]{4}-[0-9]{2}-[0-9]{2}")


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
class _FileReading:
    """What every row of one tidy CSV is read against (the file's header, delimiter and place in the run, the
    count limit and the 2025 switch date from the configuration), and the records read so far."""

    display: str
    q: Quality
    ctx: MatchContext
    order: tuple
    delim: str
    header: list[str]
    limit: int
    switch: date | None
    #: What :func:`motcua.ingest.periods.period_out_of_range` said of each period (a file holds few).
    out_of_range: dict[tuple[date, date], str] = field(default_factory=dict)
    out: list[Record] = field(default_factory=list)

    def drop(
        self,
        line: int,
        label: str,
        values: dict,
        rule: str,
        msg: str,
        unit: str,
        s: date | None = None,
        e: date | None = None,
    ) -> None:
        """Report the row at ``line`` (one error, action "dropped") and keep it as a dropped record."""
        self.q.add(self.display, rule, "error", msg, row=line, unit=unit, period=period_label(s, e), action="dropped")
        self.out.append(
            Record(
                self.display,
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
                self.order,
                "tidy",
                f"dòng {line}",
                status="dropped",
            )
        )


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

    switch = settings().get("schema_2025_from")
    switch_d = switch if isinstance(switch, date) else (date.fromisoformat(str(switch)) if switch else None)
    reading = _FileReading(display, q, ctx, order, delim, header, max_count(), switch_d)  # the limit: once per file
    missing = [c for c in COUNT_COLUMNS if c not in header]
    if missing and file_findings:
        q.add(
            display,
            "tidy_missing_column",
            "info",
            f"Tệp không có cột {', '.join(missing)}; các giá trị này để trống.",
            action="checked",
        )
    for line, cells in rows:
        _read_row(reading, line, cells)
    return reading.out


def _read_row(rd: _FileReading, line: int, cells: list[str]) -> None:
    """One row into ``rd.out``: kept with its unit, or dropped with its one finding (a row whose cells do not
    line up with the header, no readable period, an impossible period, an unknown schema or one that
    disagrees with the period, an unknown code or unmatched name)."""
    if len(cells) != len(rd.header):
        rd.drop(
            line,
            "",
            {c: None for c in COUNT_COLUMNS},
            "ragged_row",
            f'Dòng {line} có {len(cells)} ô nhưng tiêu đề có {len(rd.header)} cột (thừa/thiếu dấu phân cách "{rd.delim}"); '
            f"không biết ô nào thuộc cột nào, loại dòng.",
            "",
        )
        return
    row = dict(zip(rd.header, cells))
    s, e = parse_date(row.get("period_start")), parse_date(row.get("period_end"))
    # without a unit_schema, the period decides the list (never the configured era: both eras' codes of one
    # province read the same rows); a row without a readable period is dropped below
    schema = (row.get("unit_schema") or "").strip() or _era(rd, s)
    code = str(row.get("unit_code", "")).strip()
    name = str(row.get("unit_name", "")).strip()
    values = _counts(rd, row, line, code or name, s, e)
    flag = row.get("cumulative")
    cumulative = bool(flag) and fold(str(flag)) in ("true", "1", "yes", "co", "x")
    if s is None or e is None or e < s:
        rd.drop(
            line,
            name or code,
            values,
            "no_period",
            f'Không đọc được kỳ (period_start="{row.get("period_start")}", period_end="{row.get("period_end")}"); loại dòng.',
            code or name,
        )
        return
    refused = _refused_period(rd, s, e, schema)
    if refused is not None:
        rd.drop(line, name or code, values, refused[0], refused[1], code or name, s, e)
        return
    m = _unit(rd, line, code, name, schema, s, e)
    status = "kept" if m is not None and m.matched else "dropped"
    rd.out.append(
        Record(
            rd.display,
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
            rd.order,
            "tidy",
            f"dòng {line}",
            status=status,
        )
    )


def _counts(
    rd: _FileReading, row: dict[str, str], line: int, unit: str, s: date | None, e: date | None
) -> dict[str, int | None]:
    """The row's count columns (None where the header lacks one); a cell that is not a count is reported
    (action "value_removed") and left empty."""
    values: dict[str, int | None] = {}
    for c in COUNT_COLUMNS:
        if c not in row:
            values[c] = None
            continue
        raw = row[c]
        if raw.isascii() and raw.isdigit() and int(raw) <= rd.limit:  # the common case: what parse_count reads it as
            values[c] = int(raw)
            continue
        pc = parse_count(raw, rd.limit)
        if pc.error:
            from motcua.ingest.aggregate_checks import cell_error_message

            rd.q.add(
                rd.display,
                pc.error,
                "error",
                cell_error_message(pc.error, pc.raw, c),
                row=line,
                unit=unit,
                period=period_label(s, e),
                action="value_removed",
            )
        values[c] = pc.value
    return values


def _era(rd: _FileReading, s: date | None) -> str:
    """The list a row without ``unit_schema`` is read in: "2025" from the reform date on, else "legacy"."""
    return "2025" if s is not None and rd.switch is not None and s >= rd.switch else "legacy"


def _refused_period(rd: _FileReading, s: date, e: date, schema: str) -> tuple[str, str] | None:
    """(rule, message) when a dated row cannot be kept: a period that cannot be real, a schema other than
    "legacy" or "2025", or a schema that disagrees with the period (codes are re-used across the two lists,
    so a mixed row is never guessed); None for a row to match."""
    if (s, e) not in rd.out_of_range:  # a file holds few distinct periods
        rd.out_of_range[(s, e)] = period_out_of_range(s, e)
    bad = rd.out_of_range[(s, e)]
    if bad:
        return "period_out_of_range", f"Kỳ {period_label(s, e)} không thể có thật ({bad}); loại dòng."
    if schema not in ("legacy", "2025"):
        return (
            "unknown_schema",
            f'unit_schema "{schema}" không phải "legacy" hay "2025"; không biết tra mã trong danh mục nào, loại dòng.',
        )
    switch_d = rd.switch
    if switch_d is not None and s < switch_d <= e:
        return (
            "period_across_reform",
            f"Kỳ {period_label(s, e)} bắc qua ngày {switch_d:%d/%m/%Y} (ngày sắp xếp đơn vị hành chính): số liệu gộp "
            f"cả đơn vị cũ và mới, không ghi được cho danh mục nào; loại dòng, không đoán.",
        )
    if switch_d is not None and ((schema == "2025" and e < switch_d) or (schema == "legacy" and s >= switch_d)):
        when = "trước" if schema == "2025" else "từ"
        return (
            "schema_period_mismatch",
            f"Dòng theo danh mục {schema} nhưng kỳ {period_label(s, e)} {when} ngày {switch_d:%d/%m/%Y} (danh mục 2025 "
            f"áp dụng từ ngày này; mã hai danh mục có thể trùng nhau); loại dòng, không đoán.",
        )
    return None


def _unit(rd: _FileReading, line: int, code: str, name: str, schema: str, s: date, e: date) -> UnitMatch | None:
    """The row's unit: looked up by code (a name that differs from the official one is noted), else matched
    by name in the period's era; an unknown code or unmatched name is reported (the row is then dropped)."""
    q, display = rd.q, rd.display
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
        m = match_with_fallback(name, rd.ctx, s)  # the period's era is the row's schema (checked above)
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
    return m
