"""Aggregate forms (Biểu 06, 07a-style) in a sheet → rows of raw counts.

Grain of the output: one :class:`FormRow` per body row of the sheet (unit
rows, the totals row, subtotal/section rows flagged by ``kind``).

How a sheet is read (DOMAIN.md §2, issue 3 §1):
- the header is found by its labels: a short cell naming the unit column
  ("Đơn vị", "Tên đơn vị", "Lĩnh vực", …) starts it; 1–4 header rows are
  tried and the smallest depth whose column paths match every required
  column of a layout in config/layouts/ wins; merged cells are spread over
  their range (without merge information group labels are carried right);
- columns are matched by LABEL (regular expressions over folded text), never
  by position; leading blank columns and extra columns are allowed;
- the "(1) (2) … (13)" row is skipped; section rows (a name, no counts) are
  kept as ``kind="section"`` (never units: a province heading among them scopes
  the name matching of the rows below, see :mod:`motcua.ingest.aggregate`); a
  "Cộng tỉnh X" row under a heading naming X closes that province's group (a
  subtotal, not the end of the body); a row whose STT has children ("1" above "1.1") or is a Roman
  numeral and carries counts is a subtotal; the "Tổng cộng" row is kept
  apart for the totals check and the body ends there;
- the period comes from the text above the header (see
  :mod:`motcua.ingest.periods`).
"""
from __future__ import annotations

import re
from dataclasses import dataclass, field
from functools import lru_cache
from typing import Any

from motcua.config import load_config
from motcua.ingest.grid import Grid
from motcua.ingest.numbers import ParsedCount, max_count, parse_count
from motcua.ingest.periods import Period, parse_period_text
from motcua.ingest.text import clean_text, fold

__all__ = ["FormRow", "FormSheet", "Layout", "aggregate_layouts", "read_form_sheet"]

MAX_HEADER_SCAN = 40
MAX_DEPTH = 4


@dataclass(frozen=True)
class ColumnRule:
    name: str
    all: tuple[re.Pattern[str], ...]
    none: tuple[re.Pattern[str], ...]

    def matches(self, levels: list[str]) -> bool:
        if not levels:
            return False
        if any(p.search(lv) for p in self.none for lv in levels):
            return False
        return all(any(p.search(lv) for lv in levels) for p in self.all)


@dataclass(frozen=True)
class Layout:
    name: str
    description: str
    priority: int
    unit_header: tuple[re.Pattern[str], ...]
    stt_header: tuple[re.Pattern[str], ...]
    totals_row: tuple[re.Pattern[str], ...]
    columns: tuple[ColumnRule, ...]
    required: tuple[str, ...]
    other_outcomes: tuple[str, ...]
    exclude: tuple[str, ...] = ()
    sums: tuple[tuple[str, tuple[str, ...]], ...] = ()
    field_header: tuple[re.Pattern[str], ...] = ()


def _rx(p: str) -> re.Pattern[str]:
    return re.compile(r"(?:^|\b)(?:" + p + r")(?:\b|$)")


@lru_cache(maxsize=4)
def _layouts_cached(root: str) -> tuple[Layout, ...]:
    out = []
    for name, spec in sorted(load_config().layouts.items()):
        if spec.get("kind") != "aggregate":
            continue
        cols = tuple(
            ColumnRule(c, tuple(_rx(p) for p in rule.get("all", [])), tuple(_rx(p) for p in rule.get("none", [])))
            for c, rule in spec["columns"].items()
        )
        out.append(Layout(
            spec.get("name", name), spec.get("description", name), int(spec.get("priority", 9)),
            tuple(re.compile(p) for p in spec.get("unit_header", [])),
            tuple(re.compile(p) for p in spec.get("stt_header", [])),
            tuple(re.compile(p) for p in spec.get("totals_row", [])),
            cols, tuple(spec.get("required", [])), tuple(spec.get("other_outcomes", [])),
            tuple(spec.get("exclude_columns", [])),
            tuple((k, tuple(v)) for k, v in (spec.get("sums") or {}).items()),
            tuple(re.compile(p) for p in spec.get("field_header", [])),
        ))
    return tuple(sorted(out, key=lambda lo: lo.priority))


def aggregate_layouts() -> tuple[Layout, ...]:
    """Aggregate-form layouts from config/layouts/*.yaml (kind: aggregate), by priority."""
    return _layouts_cached(str(load_config().root))


@dataclass
class FormRow:
    row: int  # 1-based sheet row
    stt: str
    name: str
    values: dict[str, ParsedCount]
    kind: str = "unit"  # unit | total | subtotal | section (a name without counts)
    extra: dict[str, Any] = field(default_factory=dict)


@dataclass
class FormSheet:
    sheet: str
    layout: str
    header_row: int  # 1-based first header row
    header_depth: int
    columns: dict[str, int]  # panel column → 0-based sheet column
    column_labels: dict[str, str]
    unit_col: int
    period: Period | None
    period_text: str
    rows: list[FormRow]
    ignored_columns: list[str] = field(default_factory=list)
    other_outcomes: tuple[str, ...] = ()
    sums: tuple[tuple[str, tuple[str, ...]], ...] = ()
    field_mode: bool = False  # rows are fields (lĩnh vực) of one unit named in the title block
    title_unit: str = ""
    title_lines: list[str] = field(default_factory=list)  # non-empty cell texts above the header, as written


def _text(v: Any) -> str:
    return "" if v is None else clean_text(v)


def _folded(v: Any) -> str:
    return fold(_text(v))


def _spread(grid: Grid, r0: int, r1: int, raw: bool = False) -> list[list[str]]:
    """Header rows r0..r1 (inclusive) as folded text (``raw``: as written) with merged cells spread over their range."""
    n = grid.n_cols
    conv = _text if raw else _folded
    block = [[conv(grid.cell(r, c)) for c in range(n)] for r in range(r0, r1 + 1)]
    merged_here = False
    for (a, b, c, d) in grid.merged:
        if b < r0 or a > r1:
            continue
        val = conv(grid.cell(a, c))
        for r in range(max(a, r0), min(b, r1) + 1):
            for cc in range(c, min(d, n - 1) + 1):
                block[r - r0][cc] = val
        merged_here = True
    if not merged_here and len(block) > 1:
        # no merge information: carry group labels to the right over blank cells of upper rows
        for ri in range(len(block) - 1):
            last = ""
            for c in range(n):
                if block[ri][c]:
                    last = block[ri][c]
                elif last and any(block[k][c] for k in range(ri + 1, len(block))):
                    block[ri][c] = last
                else:
                    last = "" if not any(block[k][c] for k in range(ri + 1, len(block))) else last
    return block


def _paths(block: list[list[str]]) -> list[list[str]]:
    n = len(block[0]) if block else 0
    out = []
    for c in range(n):
        levels: list[str] = []
        for r in range(len(block)):
            t = block[r][c]
            if t and (not levels or levels[-1] != t):
                levels.append(t)
        out.append(levels)
    return out


def _match_layout(paths: list[list[str]], layout: Layout) -> tuple[dict[str, int], list[str]] | None:
    """Column index per panel column when every required column matches exactly one sheet column."""
    found: dict[str, int] = {}
    problems: list[str] = []
    excluded = {c for c, lv in enumerate(paths) if any(x in level for x in layout.exclude for level in lv)}
    for rule in layout.columns:
        hits = [c for c, lv in enumerate(paths) if c not in excluded and rule.matches(lv)]
        if len(hits) == 1:
            found[rule.name] = hits[0]
        elif len(hits) > 1:
            problems.append(rule.name)
            if rule.name in layout.required:
                return None
    if any(r not in found for r in layout.required):
        return None
    if len(set(found.values())) != len(found):
        return None
    return found, problems


def _is_unit_header(text: str, layout: Layout) -> bool:
    return bool(text) and ":" not in text and len(text.split()) <= 5 and any(p.search(text) for p in layout.unit_header)


#: "Cộng tỉnh Cao Bằng", "Tổng cộng TP. Hà Nội" (folded): a province's subtotal, not the end of the body
_PROVINCE_TOTAL = re.compile(r"^(?:tong cong|tong so|tong|cong)\s*:?\s+(?:tinh|thanh pho|tp\b\.?)\s*(?P<name>\S.*)$")


def _closes_group(label: str, body: list[FormRow]) -> bool:
    """"Cộng tỉnh Cao Bằng" closes a province group when a heading above named that province (otherwise, e.g.
    "Tổng cộng tỉnh Phú Yên" at the end of a one-province file, it is the totals row as before)."""
    m = _PROVINCE_TOTAL.match(label)
    if not m:
        return False
    key = m.group("name").strip(" .:")
    return bool(key) and any(b.kind in ("section", "subtotal") and fold(b.name).strip(" .:").endswith(key) for b in body)
_NUMBER_ROW = re.compile(r"^\(?\d{1,2}\)?$")
_ROMAN = re.compile(r"^[ivxlc]+\.?$", re.I)


def find_header(grid: Grid) -> tuple[Layout, int, int, dict[str, int], int, list[list[str]]] | None:
    """(layout, header row, depth, columns, unit column, paths) of the first recognisable header, or None.

    Columns are matched by label (config/layouts/*.yaml), in any order. Exceptions: none — any grid
    (ragged rows, merges outside the grid, any cell type) gives a result or None.
    """
    for r in range(min(grid.n_rows, MAX_HEADER_SCAN)):
        texts = [_folded(v) for v in (grid.rows[r] if r < grid.n_rows else [])]
        if sum(1 for t in texts if t) < 3:  # a header's top row names STT/unit and the column groups
            continue
        for layout in aggregate_layouts():
            unit_cols = [c for c, t in enumerate(texts) if _is_unit_header(t, layout)]
            if not unit_cols:
                continue
            for depth in range(1, MAX_DEPTH + 1):
                if r + depth > grid.n_rows:
                    break
                block = _spread(grid, r, r + depth - 1)
                paths = _paths(block)
                m = _match_layout(paths, layout)
                if m is not None:
                    cols, _ = m
                    return layout, r, depth, cols, unit_cols[0], paths
    return None


def _cell_text(v: Any) -> str:
    if hasattr(v, "strftime") and hasattr(v, "year"):
        return v.strftime("%d/%m/%Y")
    return _text(v)


def _period_from_top(grid: Grid, header_row: int) -> tuple[Period | None, str]:
    """The period stated above the header: each row's cells joined (dates in their own cells too), then single cells."""
    lines, cells = [], []
    for r in range(0, header_row):
        parts = [_cell_text(v) for v in grid.rows[r] if v is not None and _cell_text(v)]
        if parts:
            lines.append(" ".join(parts))
            cells += parts
    key = re.compile(r"k[yỳ] báo cáo|từ ngày|lũy kế|luỹ kế|tháng|quý|năm", re.I)
    ordered = sorted(lines, key=lambda t: 0 if key.search(t) else 1) + cells
    for t in ordered:
        p = parse_period_text(t)
        if p is not None:
            return p, t
    # nothing datable: keep the line that looks like a period (e.g. "đến ngày 30/02/2019") for the message
    bad = next((t for t in lines if re.search(r"\d{1,2}\s*[/.-]\s*\d{1,2}\s*[/.-]\s*\d{4}", t)), "")
    return None, bad


_TITLE_UNIT = re.compile(
    r"^(?:(?:ubnd|uy ban nhan dan|bo phan mot cua|don vi bao cao|don vi)\s*:?\s*)"
    r"(?:(?:huyen|thi xa|thanh pho|quan|xa|phuong|thi tran)\b.*)$")


def _title_unit(grid: Grid, header_row: int) -> str:
    """The unit a field-level form reports on, from the title block ("UBND HUYỆN TUY AN", "Đơn vị báo cáo: …")."""
    for r in range(0, header_row):
        for v in grid.rows[r]:
            t = _text(v)
            f = fold(t)
            if f and _TITLE_UNIT.match(f) and "tinh" not in f.split()[:3]:
                t = re.sub(r"^(?:Đơn vị báo cáo|Đơn vị)\s*:\s*", "", t, flags=re.I)
                return t
    return ""


def _covered_cells(grid: Grid, columns: set[int], first_body_row: int) -> dict[tuple[int, int], str]:
    """Body cells of count columns hidden under a merged range (not its top-left cell) → the range, e.g. "H13:J13"."""
    from openpyxl.utils import get_column_letter

    out: dict[tuple[int, int], str] = {}
    for (a, b, c, d) in grid.merged:
        if b < first_body_row:
            continue
        ref = f"{get_column_letter(c + 1)}{a + 1}:{get_column_letter(d + 1)}{b + 1}"
        for r in range(max(a, first_body_row), min(b, grid.n_rows - 1) + 1):
            for cc in columns:
                if c <= cc <= d and (r, cc) != (a, c):
                    out[(r, cc)] = ref
    return out


def read_form_sheet(grid: Grid) -> FormSheet | None:
    """Read one sheet as an aggregate form; None when no layout's header is recognised.

    Exceptions: none — unreadable cells become ParsedCount errors, never exceptions.
    """
    found = find_header(grid)
    if found is None:
        return None
    layout, hr, depth, cols, unit_col, paths = found
    stt_col = next((c for c in range(grid.n_cols) if any(p.search(_folded(grid.cell(hr, c))) for p in layout.stt_header)), None)
    written = _paths(_spread(grid, hr, hr + depth - 1, raw=True))
    labels = {k: " › ".join(written[c]) for k, c in cols.items()}
    used = set(cols.values()) | {unit_col} | ({stt_col} if stt_col is not None else set())
    ignored = [" › ".join(written[c]) for c in range(len(written)) if c not in used and written[c]]
    rate_col = next((c for c in range(len(paths)) if c not in used and any("ty le" in lv for lv in paths[c])), None)
    period, ptext = _period_from_top(grid, hr)
    unit_head = _folded(grid.cell(hr, unit_col))
    field_mode = any(p.search(unit_head) for p in layout.field_header)
    title_unit = _title_unit(grid, hr) if field_mode else ""

    covered = _covered_cells(grid, set(cols.values()), hr + depth)
    limit = max_count()  # once per sheet, not once per cell (it reads the configuration)
    body: list[FormRow] = []
    blank_run = 0
    for r in range(hr + depth, grid.n_rows):
        row = grid.rows[r]
        name = _text(grid.cell(r, unit_col))
        stt = _text(grid.cell(r, stt_col)) if stt_col is not None else ""
        raw_vals = {k: grid.cell(r, c) for k, c in cols.items()}
        nonblank = [v for v in raw_vals.values() if v is not None and str(v).strip() != ""]
        nonblank += [grid.formulas[(r, c)] for c in cols.values() if (r, c) in grid.formulas]
        if not name and not stt and not nonblank:
            blank_run += 1
            if blank_run >= 3 and any(b.kind != "section" for b in body):
                break
            continue
        blank_run = 0
        folded_name = fold(name)
        if _NUMBER_ROW.match(folded_name or "x") and all(_NUMBER_ROW.match(str(v).strip()) for v in nonblank):
            continue  # the "(1) (2) … (13)" row
        label_for_total = folded_name or fold(stt)
        if label_for_total and nonblank and _closes_group(label_for_total, body):
            # "Cộng tỉnh Cao Bằng": one province's subtotal, after its units; the body goes on
            body.append(FormRow(r + 1, stt, name or stt, {k: parse_count(v, limit) for k, v in raw_vals.items()}, "subtotal",
                                {"_closes_group": True}))
            continue
        if label_for_total and any(p.search(label_for_total) for p in layout.totals_row):
            body.append(FormRow(r + 1, stt, name or stt, {k: parse_count(v, limit) for k, v in raw_vals.items()}, "total",
                                {"_rate": grid.cell(r, rate_col)} if rate_col is not None else {}))
            break
        if not nonblank:
            if name or stt:  # section row ("Huyện, thị xã, thành phố", "II. Tỉnh Bắc Kạn") or footer text
                body.append(FormRow(r + 1, stt, name or stt, {}, "section"))
            continue
        values = {k: parse_count(v, limit) for k, v in raw_vals.items()}
        if not name and not stt and all(isinstance(v, str) and pc.error == "non_numeric_count"
                                        for v, pc in ((raw_vals[k], values[k]) for k in values if raw_vals[k] is not None)):
            continue  # footer text ("Phú Yên, ngày … tháng …") that happens to sit under a count column
        for k, c in cols.items():
            if not values[k].blank:
                continue
            if (r, c) in grid.formulas:
                values[k] = ParsedCount(None, grid.formulas[(r, c)], "formula_no_value")
            elif (r, c) in covered:
                values[k] = ParsedCount(None, covered[(r, c)], "merged_cell")
        extra = {"_rate": grid.cell(r, rate_col)} if rate_col is not None else {}
        body.append(FormRow(r + 1, stt, name, values, "unit", extra))
        del row
    for fr in body:
        if fr.kind == "section":
            continue
        for target, parts in layout.sums:
            vals = [fr.values.get(p) for p in parts]
            if all(v is not None and v.value is not None for v in vals):
                fr.values[target] = ParsedCount(sum(v.value for v in vals), "+".join(str(v.raw) for v in vals))  # type: ignore[union-attr,misc]
            else:
                fr.values[target] = ParsedCount(None, None)
    # subtotals: Roman-numeral STT with counts, or an STT that has children ("1" above "1.1")
    # an STT s has a child when another STT (a different string) starts with s + "."; each STT's
    # prefixes before a "." index the STTs under them (linear, where comparing every pair was quadratic)
    under: dict[str, set[str]] = {}
    for o in {fr.stt for fr in body if fr.kind == "unit"}:
        for i, ch in enumerate(o):
            if ch == ".":
                under.setdefault(o[:i], set()).add(o)
    for fr in body:
        if fr.kind != "unit" or not fr.stt:
            continue
        s = fr.stt.rstrip(".")
        kids = under.get(s, ())
        if _ROMAN.match(s) or len(kids) > 1 or (len(kids) == 1 and fr.stt not in kids):
            fr.kind = "subtotal"
    title_lines = [t for r in range(hr) for t in (_text(v) for v in grid.rows[r]) if t]
    return FormSheet(grid.sheet, layout.name, hr + 1, depth, cols, labels, unit_col, period, ptext, body, ignored,
                     layout.other_outcomes, layout.sums, field_mode, title_unit, title_lines)
