"""Aggregate forms (Biểu 06, 07a-style) in a sheet → rows of raw counts.

Grain of the output: one :class:`FormRow` per body row of the sheet (unit
rows, the totals row, subtotal/section rows flagged by ``kind``).

How a sheet is read:
- the header is found by its labels: a short cell naming the unit column
  ("Đơn vị", "Tên đơn vị", "Lĩnh vực", …) starts it; 1–4 header rows are
  tried and the smallest depth whose column paths match every required
  column of a layout in config/layouts/ wins; merged cells are spread over
  their range (without merge information group labels are carried right);
- columns are matched by LABEL (regular expressions over folded text), never
  by position; leading blank columns and extra columns are allowed;
- the form's own column numbers, the row "(1) (2) … (13)" under the header, are read when the layout declares a
  ``numbering`` (form 06; see :mod:`motcua.ingest.numbering`): they place the columns the labels leave ambiguous
  (a flattened one-row header with "Quá hạn" twice, "Tổng số" three times), and labels that contradict them
  (the column labelled "Trực tuyến" numbered (5)) are kept as ``header_disagreements``: the caller reports the
  sheet and books none of its rows; the row itself is skipped; section rows (a name, no counts) are
  kept as ``kind="section"`` (never units: a province heading among them scopes
  the name matching of the rows below, see :mod:`motcua.ingest.aggregate`); a
  "Cộng tỉnh X" row under a heading naming X closes that province's group (a
  subtotal, not the end of the body); totals words are matched as written when the label has diacritics
  (:mod:`motcua.ingest.rowlabels`: "Công an tỉnh" is a unit row, not "Cộng"); a row whose STT has children ("1" above "1.1") or is a Roman
  numeral and carries counts is a subtotal; the "Tổng cộng" row is kept
  apart for the totals check and the body ends there;
- the period comes from the text above the header (see
  :mod:`motcua.ingest.periods`).

The body rows are read and classified in :mod:`motcua.ingest.form_body`.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field, replace
from typing import Any

from motcua.ingest.form_body import FormRow, read_body
from motcua.ingest.form_body import totals_label as _totals_label  # noqa: F401 - a test reads it here
from motcua.ingest.form_header import (
    HeaderMatch,
    Layout,
    aggregate_layouts,
    cell_folded,
    cell_str,
    column_paths,
    find_header,
    match_header,
    spread_header,
)
from motcua.ingest.grid import Grid
from motcua.ingest.name_normal import strip_prefix
from motcua.ingest.periods import Period, parse_period_text
from motcua.ingest.rowlabels import WordPattern, has_marks, written_key
from motcua.ingest.text import fold

__all__ = [
    "FormRow",
    "FormSheet",
    "HeaderMatch",
    "Layout",
    "aggregate_layouts",
    "find_header",
    "match_header",
    "read_form_sheet",
    "read_form_tables",
]

#: the most tables read from one sheet (communes, then agencies, …)
MAX_TABLES = 20


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
    number_row: int | None = None  # 1-based row of the layout's column numbers "(1) … (13)", when read
    #: columns the labels left ambiguous, placed by the number row: (column, its number, its label as written)
    by_numbers: list[tuple[str, int, str]] = field(default_factory=list)
    #: labels and the number row that contradict each other, one text per column (Vietnamese); the sheet is not booked
    header_disagreements: list[str] = field(default_factory=list)
    #: 1-based rows the sheet hides
    hidden_rows: frozenset[int] = frozenset()


def _cell_text(v: Any) -> str:
    if hasattr(v, "strftime") and hasattr(v, "year"):
        return v.strftime("%d/%m/%Y")
    return cell_str(v)


#: a label cell naming a month, whose neighbouring date cell (the 1st of a month, shown "mm/yyyy") is that month
_MONTH_LABEL = re.compile(r"(?:^|\s)tháng(?:\s+báo\s+cáo)?\s*:?\s*$", re.I)


def _period_from_top(grid: Grid, header_row: int, start: int = 0) -> tuple[Period | None, str]:
    """The period stated above the header (from row ``start``): each row's cells joined (dates in their own cells
    too), then single cells."""
    lines, cells = [], []
    for r in range(start, header_row):
        parts: list[str] = []
        for v in grid.rows[r]:
            t = _cell_text(v)
            if t and parts and getattr(v, "day", 0) == 1 and _MONTH_LABEL.search(parts[-1]):
                t = f"tháng {v.month} năm {v.year}"  # "Tháng báo cáo:" | a date cell shown as "09/2025"
            if t:
                parts.append(t)
        if parts:
            lines.append(" ".join(parts))
            cells += parts
    key = re.compile(r"k[yỳ] báo cáo|từ ngày|lũy kế|luỹ kế|tháng|quý|năm", re.I)
    ordered = sorted(lines, key=lambda t: 0 if key.search(t) else 1) + cells
    for t in ordered:
        p = parse_period_text(t)
        if p is not None:
            return _cumulative_by_title(p, lines), t
    # nothing datable: keep the line that looks like a period (e.g. "đến ngày 30/02/2019") for the message
    bad = next((t for t in lines if re.search(r"\d{1,2}\s*[/.-]\s*\d{1,2}\s*[/.-]\s*\d{4}", t)), "")
    return None, bad


#: a title line saying the figures run from the start of the year ("SỐ LIỆU LŨY KẾ TỪ ĐẦU NĂM", "(cộng dồn)")
_CUMULATIVE_TITLE = re.compile(r"\bluy ke\b|\bcong don\b")


def _cumulative_by_title(p: Period, lines: list[str]) -> Period:
    """``p`` read as cumulative when another title line says "lũy kế" / "cộng dồn" and ``p`` is longer than a month
    ("SỐ LIỆU LŨY KẾ TỪ ĐẦU NĂM" above "(Từ ngày 01/01/2026 đến ngày 31/03/2026)"): year-to-date figures are never
    a quarter's. A month stays a month (its cumulative figures are its own)."""
    if p.cumulative or (p.end - p.start).days < 32 or not any(_CUMULATIVE_TITLE.search(fold(t)) for t in lines):
        return p
    return replace(p, cumulative=True)


#: "UBND HUYỆN TUY AN", "Đơn vị báo cáo: Ủy ban nhân dân xã …": the type word as written when the line has
#: diacritics, folded only when it has none; a line naming a province ("UBND TỈNH …", but not "UBND HUYỆN TỊNH BIÊN")
#: is not a unit's title
_TITLE_UNIT = WordPattern.compile(
    r"^(?:(?:ubnd|ủy ban nhân dân|bộ phận một cửa|đơn vị báo cáo|đơn vị)\s*)"
    r"(?:(?:huyện|thị xã|thành phố|quận|xã|phường|thị trấn)\b.*)$"
)


#: a unit type word opening what is left of a title line once its prefix ("Trung tâm Phục vụ hành chính công") is cut
_TITLE_TYPE = WordPattern.compile(r"^(?:huyện|thị xã|thành phố|quận|xã|phường|thị trấn|đặc khu)\s+\S")


def _title_unit(grid: Grid, header_row: int) -> str:
    """The unit a field-level form reports on, from the title block ("UBND HUYỆN TUY AN", "Đơn vị báo cáo: …", or
    a commune centre since 1/7/2025: "TRUNG TÂM PHỤC VỤ HÀNH CHÍNH CÔNG XÃ EA KAR", any prefix of
    config/ingest.yaml ``name_prefixes`` followed by a unit type word)."""
    for r in range(0, header_row):
        for v in grid.rows[r]:
            t = cell_str(v)
            words, province = (written_key(t), "tỉnh") if has_marks(t) else (fold(t), "tinh")
            if not words or province in words.split()[:3]:
                continue
            if _TITLE_UNIT.search(t):
                t = re.sub(r"^(?:Đơn vị báo cáo|Đơn vị)\s*:\s*", "", t, flags=re.I)
                return t
            rest = strip_prefix(t)
            if rest != t and _TITLE_TYPE.search(rest):
                return t
    return ""


def _covered_cells(grid: Grid, columns: set[int], first_body_row: int) -> dict[tuple[int, int], str]:
    """Body cells of count columns hidden under a merged range (not its top-left cell) → the range, e.g. "H13:J13"."""
    from openpyxl.utils import get_column_letter

    out: dict[tuple[int, int], str] = {}
    for a, b, c, d in grid.merged:
        if b < first_body_row:
            continue
        ref = f"{get_column_letter(c + 1)}{a + 1}:{get_column_letter(d + 1)}{b + 1}"
        for r in range(max(a, first_body_row), min(b, grid.n_rows - 1) + 1):
            for cc in columns:
                if c <= cc <= d and (r, cc) != (a, c):
                    out[(r, cc)] = ref
    return out


def read_form_tables(grid: Grid) -> list[FormSheet]:
    """Every form table of one sheet, top to bottom (empty when no layout's header is recognised).

    A sheet may hold a second table below the first, with a header of its own (the communes, then the provincial
    agencies under "Cơ quan"): each table below the first is read from the row after the last body row of the one
    above. It takes the period and title lines of the sheet's top unless the text between the tables states its
    own. Exceptions: none.
    """
    out: list[FormSheet] = []
    fs = read_form_sheet(grid)
    while fs is not None and len(out) < MAX_TABLES:
        out.append(fs)
        end = max([r.row for r in fs.rows] + [fs.header_row + fs.header_depth - 1])  # 1-based: the next scan's 0-based
        fs = read_form_sheet(grid, start=end, above=fs)
    return out


def read_form_sheet(grid: Grid, start: int = 0, above: FormSheet | None = None) -> FormSheet | None:
    """Read one sheet as an aggregate form; None when no layout's header is recognised.

    ``start``/``above``: the table whose header lies at or below row ``start`` (0-based), under the table ``above``
    on the same sheet (whose period and title lines it takes when the rows between state none).
    Exceptions: none — unreadable cells become ParsedCount errors, never exceptions.
    """
    hm = match_header(grid, start)
    if hm is None:
        return None
    layout, hr, depth, cols, unit_col, paths = hm.layout, hm.row, hm.depth, hm.columns, hm.unit_col, hm.paths
    stt_col = next(
        (c for c in range(grid.n_cols) if any(p.search(cell_folded(grid.cell(hr, c))) for p in layout.stt_header)), None
    )
    written = column_paths(spread_header(grid, hr, hr + depth - 1, raw=True))
    labels = {k: " › ".join(written[c]) for k, c in cols.items()}
    used = set(cols.values()) | {unit_col} | ({stt_col} if stt_col is not None else set())
    ignored = [" › ".join(written[c]) for c in range(len(written)) if c not in used and written[c]]
    rate_col = next((c for c in range(len(paths)) if c not in used and any("ty le" in lv for lv in paths[c])), None)
    period, ptext = _period_from_top(grid, hr, start)
    if above is not None and period is None:
        period, ptext = above.period, above.period_text
    unit_head = cell_folded(grid.cell(hr, unit_col))
    field_mode = any(p.search(unit_head) for p in layout.field_header)
    title_unit = _title_unit(grid, hr) if field_mode else ""
    covered = _covered_cells(grid, set(cols.values()), hr + depth)
    body = read_body(grid, hm, stt_col, rate_col, covered)
    title_lines = [t for r in range(start, hr) for t in (cell_str(v) for v in grid.rows[r]) if t]
    if above is not None:
        title_lines = above.title_lines + title_lines
    by_numbers = [(k, hm.numbers[cols[k]], " › ".join(written[cols[k]])) for k in hm.by_numbers]
    return FormSheet(
        grid.sheet,
        layout.name,
        hr + 1,
        depth,
        cols,
        labels,
        unit_col,
        period,
        ptext,
        body,
        ignored,
        layout.other_outcomes,
        layout.sums,
        field_mode,
        title_unit,
        title_lines,
        None if hm.number_row is None else hm.number_row + 1,
        by_numbers,
        _disagreement_texts(hm, written),
        frozenset(r + 1 for r in grid.hidden_rows),
    )


def _disagreement_texts(hm: HeaderMatch, written: list[list[str]]) -> list[str]:
    """One Vietnamese sentence per column where the labels and the number row disagree."""
    from openpyxl.utils import get_column_letter

    out = []
    numbering = hm.layout.numbering
    for column, k, c, hits in hm.disagreements:
        label = " › ".join(written[c]) if c < len(written) and written[c] else "không có nhãn"
        official = numbering.labels.get(k, column) if numbering is not None else column
        text = f'cột {get_column_letter(c + 1)} "{label}" mang số ({k}), mà ({k}) của biểu là "{official}"'
        if hits:
            text += f" — nhãn của ({k}) ở cột " + ", ".join(get_column_letter(h + 1) for h in hits)
        out.append(text)
    return out
