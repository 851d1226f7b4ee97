"""PAR index tables (Chỉ số cải cách hành chính) in a sheet → rows of raw scores.

Grain of the output: one :class:`ParRow` per unit row of the sheet (a row with a name and scores). Rows that are
not units are kept apart: the maxima row ("Điểm tối đa") gives the sheet's own maxima, totals and averages
("Tổng cộng", "Trung bình") are skipped, section headings ("I. Sở, ban, ngành") start a new ranking group.

How a sheet is read:
- the header is found by its labels: a short cell naming the unit column ("Đơn vị", "Địa phương", …,
  config/par.yaml ``unit_header``) starts it; 1–4 header rows are tried (merged cells spread over their range) and
  the smallest depth at which every field of a set (config/layouts/par_*.yaml, ``kind: par``) and the total column
  are found wins; header rows below it that hold only labels (criteria under their field) are added;
- a column under a field's label is that field's score, or, with a label of its own under the field, one of its
  criteria (tiêu chí) — unless that label names the field's own score ("Điểm", "Tổng", ``field_score_column``);
- the set is the one whose level the title names ("cấp huyện", "sở, ban, ngành": ``title_level``); when the title
  names no level the set of lowest priority is used and :attr:`ParSheet.level_assumed` says so;
- the year comes from the title ("… năm 2022"), else from a "Năm" column per row; the caller falls back to the
  file name;
- maxima: the set's defaults, overridden by a maximum in a header label ("(22 điểm)") or by the maxima row.

Scores are kept as written (:func:`parse_score` reads them); every check is the caller's
(:mod:`motcua.clean.par_validate`).
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from typing import Any

from motcua.ingest.form_header import column_paths, spread_header
from motcua.ingest.grid import Book, Grid
from motcua.ingest.numbering import parse_number_row
from motcua.ingest.par_layouts import FieldRule, ParLayout, par_layouts, par_rules, par_settings, parse_score
from motcua.ingest.text import clean_text, fold

__all__ = [
    "FieldRule",
    "ParLayout",
    "ParColumn",
    "ParRow",
    "ParSheet",
    "par_layouts",
    "par_settings",
    "parse_score",
    "looks_like_par",
    "is_par_book",
    "read_par_sheet",
]

MAX_HEADER_SCAN = 40
MAX_DEPTH = 4
TITLE_SCAN = 15


def _text(v: Any) -> str:
    return "" if v is None else clean_text(v)


def _title_lines(grid: Grid, upto: int) -> list[str]:
    out = []
    for r in range(min(upto, grid.n_rows)):
        parts = [_text(v) for v in grid.rows[r] if _text(v)]
        if parts:
            out.append(" ".join(parts))
    return out


def looks_like_par(grid: Grid) -> bool:
    """The text at the top of the sheet names the index ("Chỉ số cải cách hành chính", config/par.yaml ``title``)."""
    pats = par_rules()["title"]
    return any(p.search(fold(t)) for t in _title_lines(grid, TITLE_SCAN) for p in pats)


@dataclass(frozen=True)
class ParColumn:
    """A score column: ``key`` is a field key, or "total", "rank", "grade", "year"; ``criterion`` the criterion's label
    as written ("" for the field's own score); ``header_max`` the maximum the label states."""

    key: str
    criterion: str
    col: int
    label: str
    header_max: float | None = None


@dataclass
class ParRow:
    row: int  # 1-based sheet row
    stt: str
    name: str
    cells: dict[tuple[str, str], Any]  # (field, criterion) → raw cell
    total: Any = None
    rank: Any = None
    grade: Any = None
    year: Any = None
    group: int = 0  # ranking group: the section heading above the row (0: none)


@dataclass
class ParSheet:
    sheet: str
    layout: ParLayout
    header_row: int  # 1-based first header row
    header_depth: int
    columns: list[ParColumn]
    unit_col: int
    year: int | None
    year_text: str
    title_lines: list[str]
    rows: list[ParRow]
    #: maxima the file states: (field, criterion) → points (field's own: criterion ""), "total" as ("total", "")
    maxima: dict[tuple[str, str], float] = field(default_factory=dict)
    max_row: int | None = None  # 1-based row of "Điểm tối đa"
    level_assumed: bool = False  # the title names no level: the set of lowest priority was used
    #: rows with scores but no unit name (1-based)
    nameless: list[int] = field(default_factory=list)

    def field_columns(self) -> list[ParColumn]:
        return [c for c in self.columns if c.key not in ("total", "rank", "grade", "year")]

    def other(self, key: str) -> ParColumn | None:
        return next((c for c in self.columns if c.key == key), None)


def _header_max(label: str) -> float | None:
    m = par_rules()["header_max"].search(label)
    return float(m.group(1).replace(",", ".")) if m else None


def _match_columns(
    paths: list[list[str]], written: list[list[str]], layout: ParLayout, unit_col: int
) -> list[ParColumn] | None:
    """The sheet's score columns under ``layout``, or None unless every field and the total are found once."""
    rules = par_rules()
    out: list[ParColumn] = []
    seen: set[tuple[str, str]] = set()
    for c, levels in enumerate(paths):
        if c == unit_col or not levels:
            continue
        hits = [(f, f.matches(levels)) for f in layout.fields]
        hits = [(f, i) for f, i in hits if i is not None]
        w = written[c] if c < len(written) else []
        if len(hits) > 1:
            return None  # a column two fields claim: not this set's header
        if hits:
            f, i = hits[0]
            deeper = levels[i + 1 :]
            crit = "" if not deeper or any(p.search(deeper[-1]) for p in rules["field_score"]) else w[-1]
            key = (f.key, crit)
            if key in seen:
                return None
            seen.add(key)
            out.append(ParColumn(f.key, crit, c, " › ".join(w), _header_max(w[i] if crit == "" else w[-1])))
            continue
        for name, (alls, nones) in rules["columns"].items():
            if any(p.search(lv) for p in nones for lv in levels):
                continue
            if alls and all(any(p.search(lv) for lv in levels) for p in alls):
                if (name, "") in seen:
                    return None
                seen.add((name, ""))
                out.append(ParColumn(name, "", c, " › ".join(w), _header_max(" ".join(w)) if name == "total" else None))
                break
    fields_found = {c.key for c in out}
    if not all(f.key in fields_found for f in layout.fields) or "total" not in fields_found:
        return None
    return out


def _label_only(grid: Grid, r: int, unit_col: int) -> bool:
    """Row ``r`` can be a further header row: nothing in the unit column, text only, no number row."""
    if r >= grid.n_rows or _text(grid.cell(r, unit_col)):
        return False
    cells = [v for v in grid.rows[r] if _text(v)]
    if not cells or parse_number_row(grid.rows[r]) is not None:
        return False
    return all(isinstance(v, str) and parse_score(v)[0] is None for v in cells)


def _find_header(grid: Grid) -> tuple[int, int, int, list[tuple[ParLayout, list[ParColumn]]]] | None:
    """(header row, depth, unit column, [(layout, columns)] of every set the header fits), 0-based, or None."""
    rules = par_rules()
    for r in range(min(grid.n_rows, MAX_HEADER_SCAN)):
        texts = [fold(_text(v)) for v in grid.rows[r]]
        if sum(1 for t in texts if t) < 3:
            continue
        unit_cols = [c for c, t in enumerate(texts) if any(p.search(t) for p in rules["unit_header"])]
        if not unit_cols:
            continue
        uc = unit_cols[0]
        for depth in range(1, MAX_DEPTH + 1):
            if r + depth > grid.n_rows:
                break
            fits = []
            for layout in par_layouts():
                d = depth
                while d < MAX_DEPTH and _label_only(grid, r + d, uc):
                    d += 1  # criteria under their field: labels only, below the fields' row
                for dd in range(d, depth - 1, -1):
                    cols = _match_columns(
                        column_paths(spread_header(grid, r, r + dd - 1)),
                        column_paths(spread_header(grid, r, r + dd - 1, raw=True)),
                        layout,
                        uc,
                    )
                    if cols is not None:
                        fits.append((layout, cols, dd))
                        break
            if fits:
                dd = fits[0][2]
                return r, dd, uc, [(lo, cols) for lo, cols, d2 in fits if d2 == dd]
    return None


def _year_of(text: str) -> int | None:
    m = re.search(r"\bnam\s+(20\d{2})\b", fold(text))
    return int(m.group(1)) if m else None


def _choose(fits: list[tuple[ParLayout, list[ParColumn]]], title: list[str]) -> tuple[ParLayout, list[ParColumn], bool]:
    folded = " | ".join(fold(t) for t in title)
    for lo, cols in fits:
        if any(p.search(folded) for p in lo.title_level):
            return lo, cols, False
    lo, cols = fits[0]
    return lo, cols, len(par_layouts()) > 1


def read_par_sheet(grid: Grid) -> ParSheet | None:
    """Read one sheet as a PAR table; None when no set's header is recognised. Never raises on cell content."""
    found = _find_header(grid)
    if found is None:
        return None
    rules = par_rules()
    hr, depth, uc, fits = found
    title = _title_lines(grid, hr)
    layout, cols, assumed = _choose(fits, title)
    titled = [t for t in title if any(p.search(fold(t)) for p in rules["title"])]
    year_text = next((t for t in titled + title if _year_of(t) is not None), "")
    texts0 = [fold(_text(v)) for v in grid.rows[hr]]
    stt_col = next((c for c, t in enumerate(texts0) if any(p.search(t) for p in rules["stt_header"])), None)
    maxima: dict[tuple[str, str], float] = {}
    for c in cols:
        if c.header_max is not None and c.key not in ("rank", "grade", "year"):
            maxima[(c.key, c.criterion)] = c.header_max
    sheet = ParSheet(
        grid.sheet,
        layout,
        hr + 1,
        depth,
        cols,
        uc,
        _year_of(year_text) if year_text else None,
        year_text,
        title,
        [],
        maxima,
        level_assumed=assumed,
    )
    score_cols = [c for c in cols if c.key not in ("rank", "grade", "year")]
    group, blank_run = 0, 0
    for r in range(hr + depth, grid.n_rows):
        row = grid.rows[r]
        name = _text(grid.cell(r, uc))
        stt = _text(grid.cell(r, stt_col)) if stt_col is not None else ""
        values = {c.col: grid.cell(r, c.col) for c in score_cols}
        filled = [v for v in values.values() if _text(v)]
        if not name and not stt and not filled:
            blank_run += 1
            if blank_run >= 3 and sheet.rows:
                break
            continue
        blank_run = 0
        if not sheet.rows and sheet.max_row is None and parse_number_row(row) is not None:
            continue  # the column numbers "(1) (2) …" right under the header
        label = fold(name or stt)
        if any(p.search(label) for p in rules["max_row"]):
            sheet.max_row = r + 1
            for c in score_cols:
                v, err = parse_score(values[c.col])
                if v is not None and not err:
                    maxima[(c.key, c.criterion)] = v
            continue
        if any(p.search(label) for p in rules["not_unit"]):
            continue
        if not filled:
            if name or stt:
                group += 1  # a section heading ("I. Sở, ban, ngành"): ranks restart under it
            continue
        if not name:
            sheet.nameless.append(r + 1)
            continue
        cells = {(c.key, c.criterion): values[c.col] for c in score_cols if c.key != "total"}
        total = next((values[c.col] for c in score_cols if c.key == "total"), None)
        extra = {
            k: (grid.cell(r, c.col) if (c := sheet.other(k)) is not None else None) for k in ("rank", "grade", "year")
        }
        sheet.rows.append(ParRow(r + 1, stt, name, cells, total, extra["rank"], extra["grade"], extra["year"], group))
    return sheet


def is_par_book(book: Book) -> bool:
    """True when a visible sheet of ``book`` is a PAR table (by its title, or by a header every field of a set fits)."""
    return any(looks_like_par(g) or _find_header(g) is not None for g in book.grids)
