"""The body of an aggregate form's sheet: the rows under the header, each classified by ``kind``.

Grain: one :class:`FormRow` per body row (unit rows, the totals row, subtotal and section rows). Quirks:
the "(1) (2) … (13)" numbering row is skipped; a row with a name and no counts is a section (a province
heading among them scopes the name matching of the rows below); "Cộng tỉnh X" under a heading naming X
closes that province's group (a subtotal, the body goes on); totals words are matched as written when
the label has diacritics ("Công an tỉnh" is a unit row, not "Cộng"); the "Tổng cộng" row ends the body
(written above the units, it is the totals row and the body goes on, its later totals-word rows subtotals);
three blank rows after a unit row end it too; a unit's name wrapped onto the next row (no STT, no counts, in
lower case: "xã Hòa Phú" under "Trung tâm Phục vụ hành chính công") is joined to the row above; a row whose STT has children ("1" above "1.1") or is a
Roman numeral is a subtotal, as is a group heading with counts ("Cấp xã", the layout's ``group_row``); footer text under a count column is no row; an empty count cell that holds
a formula without a value, or lies under a merged cell, is an error, not a blank. A totals-word row
("Cộng", "Cộng I") followed by more unit rows is a group's subtotal (checked against the unit rows above it
back to the previous section), never the end of the body: rows below it are read, never silently dropped.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from typing import Any

from motcua.ingest.form_header import HeaderMatch, Layout, cell_str
from motcua.ingest.grid import Grid
from motcua.ingest.numbering import parse_number_row
from motcua.ingest.numbers import ParsedCount, max_count, parse_count
from motcua.ingest.rowlabels import Label, WordPattern, has_marks, written_key
from motcua.ingest.text import fold


@dataclass
class FormRow:
    """One body row: its 1-based sheet row, STT, name as written, parsed counts and kind."""

    row: int  # 1-based sheet row
    stt: str
    name: str
    values: dict[str, ParsedCount]
    kind: str = "unit"  # unit | total | subtotal | section (a name without counts)
    extra: dict[str, Any] = field(default_factory=dict)  # "_folds_to_totals": the totals word the label only folds to


#: "Cộng tỉnh Cao Bằng", "Tổng cộng TP. Hà Nội": a province's subtotal, not the end of the body (matched as written
#: when the label has diacritics, folded only when it has none; punctuation is gone from both forms)
_PROVINCE_TOTAL = WordPattern.compile(r"^(?:tổng cộng|tổng số|tổng|cộng)\s+(?:tỉnh|thành phố|tp)\s+(?P<name>\S.*)$")


def _same_tail(heading: str, key: str, key_written: bool) -> bool:
    """The heading ends with the province named by ``key`` (compared as written when both carry diacritics)."""
    if key_written and has_marks(heading):
        return written_key(heading).endswith(key)
    return fold(heading).endswith(fold(key))


def closes_group(label: str, body: list[FormRow], folded: str | None = None) -> bool:
    """ "Cộng tỉnh Cao Bằng" closes a province group when a heading above named that province (otherwise, e.g.
    "Tổng cộng tỉnh Phú Yên" at the end of a one-province file, it is the totals row as before). ``label`` as written,
    ``folded`` its :func:`fold` when already at hand."""
    if not _PROVINCE_TOTAL.folded.search(fold(label) if folded is None else folded):
        return False  # not even folded: no need to read the label as written
    m = _PROVINCE_TOTAL.search(label)
    if not m:
        return False
    key = m.group("name").strip()
    written = has_marks(label)
    return bool(key) and any(b.kind in ("section", "subtotal") and _same_tail(b.name, key, written) for b in body)


def totals_label(label: str, layout: Layout, folded: str | None = None) -> tuple[bool, str]:
    """(a totals row, the totals word a label only folds to, "" if none) for a row label as written.

    With diacritics the totals word must be spelled as in config ("Tổng cộng", "Cộng"); "Công an tỉnh" folds to
    "cong an tinh" like "Cộng …" but is a unit. ``not_totals_row`` names units that fold to a totals word. ``folded``:
    the label's :func:`fold` when already at hand.
    """
    if not label:
        return False, ""
    folded = fold(label) if folded is None else folded
    if not any(p.folded.search(folded) for p in layout.totals_row):
        return False, ""  # most rows: no totals word even folded (no need to read the label as written)
    lab = Label.of(label)
    if not any(p.search(lab) for p in layout.not_totals_row) and any(p.search(lab) for p in layout.totals_row):
        return True, ""
    word = next((p.word for p in layout.totals_row if p.search_folded(lab)), "")
    return False, word


_NUMBER_ROW = re.compile(r"^\(?\d{1,2}\)?$")


_ROMAN = re.compile(r"^[ivxlc]+\.?$", re.I)


def read_body(
    grid: Grid,
    hm: HeaderMatch,
    stt_col: int | None,
    rate_col: int | None,
    covered: dict[tuple[int, int], str],
) -> list[FormRow]:
    """The body rows under the header matched by ``hm``, classified, with the layout's summed columns and the
    subtotals marked. ``covered``: count cells under a merged cell (their text)."""
    layout, hr, depth, cols, unit_col = hm.layout, hm.row, hm.depth, hm.columns, hm.unit_col
    limit = max_count()  # once per sheet, not once per cell (it reads the configuration)
    body: list[FormRow] = []
    blank_run = 0
    total_on_top = False
    name_cols = name_columns(grid, hm, stt_col)
    for r in range(hr + depth, grid.n_rows):
        row = grid.rows[r]
        name = " ".join(t for t in (cell_str(grid.cell(r, c)) for c in name_cols) if t)
        stt = cell_str(grid.cell(r, stt_col)) if stt_col is not None else ""
        raw_vals = {k: grid.cell(r, c) for k, c in cols.items()}
        nonblank = [v for v in raw_vals.values() if v is not None and str(v).strip() != ""]
        nonblank += [grid.formulas[(r, c)] for c in cols.values() if (r, c) in grid.formulas]
        if not name and not stt and not nonblank:
            blank_run += 1
            if blank_run >= 3 and any(b.kind != "section" for b in body):
                break
            continue
        blank_run = 0
        if r == hm.number_row or (r == hr + depth and parse_number_row(row) is not None):
            continue  # the "(1) (2) … (13)" row (or another numbering, "A B 1 2 …") right under the header
        fr = _body_row(grid, r, name, stt, raw_vals, nonblank, body, layout, cols, rate_col, covered, limit)
        if fr is None:
            continue
        if _continues(fr, body):
            body[-1].extra.setdefault("_wrapped", []).append(fr.name)
            body[-1].name = f"{body[-1].name} {fr.name}"
            continue
        body.append(fr)
        if fr.kind == "total":
            follows = _units_follow(grid, r + 1, unit_col, stt_col, cols, layout)
            if not total_on_top and follows and not any(b.kind == "unit" for b in body):
                total_on_top = True  # "TỔNG CỘNG" above the units: the totals row, and the body goes on below it
            elif total_on_top or follows:
                # "Cộng" under a group with more rows below (or below a totals row written on top): the group's
                # subtotal, not the end of the body
                fr.kind = "subtotal"
                fr.extra["_closes_group"] = True
            if not follows:
                break
    _add_sums(body, layout)
    _mark_subtotals(body)
    return body


def name_columns(grid: Grid, hm: HeaderMatch, stt_col: int | None) -> list[int]:
    """The sheet columns a unit's name is written in: the unit column, and the columns its header cell is merged
    over (a "Tên đơn vị" header over two columns, the type word "Xã" in the first and "Hòa Phú" in the second),
    none of them a count or STT column. A name merged over those columns in its own row is read once."""
    taken = set(hm.columns.values()) | ({stt_col} if stt_col is not None else set())
    for a, b, c, d in grid.merged:
        if a <= hm.row <= b and c == hm.unit_col and d > c:
            return [x for x in range(c, d + 1) if x == c or x not in taken]
    return [hm.unit_col]


def _continues(fr: FormRow, body: list[FormRow]) -> bool:
    """True for the second line of a unit's name wrapped onto the next row ("Trung tâm Phục vụ hành chính công" |
    "xã Hòa Phú", the counts on the first): no STT, no counts, right under a unit row, and starting in lower case,
    as no heading does."""
    if fr.kind != "section" or fr.stt or not body or body[-1].kind != "unit" or body[-1].row != fr.row - 1:
        return False
    first = fr.name.lstrip()[:1]
    return first.isalpha() and first.islower()


def _units_follow(
    grid: Grid, r0: int, unit_col: int, stt_col: int | None, cols: dict[str, int], layout: Layout
) -> bool:
    """True when a row with a name or STT and a number in a count column (a unit row, or another totals row
    below: "Cộng II" above "Tổng cộng") follows row ``r0`` (0-based) before the body ends: three blank rows, or a
    row of several texts in the count columns (a footer, another table's header). A "Cộng" row followed by such a
    row is a group's subtotal; else it is the totals row."""
    limit = max_count()
    blank = 0
    for r in range(r0, grid.n_rows):
        name = cell_str(grid.cell(r, unit_col))
        stt = cell_str(grid.cell(r, stt_col)) if stt_col is not None else ""
        cells = [grid.cell(r, c) for c in cols.values()]
        filled = [v for v in cells if v is not None and str(v).strip() != ""]
        if not name and not stt and not filled:
            blank += 1
            if blank >= 3:
                return False
            continue
        blank = 0
        numbers = [v for v in filled if parse_count(v, limit).value is not None]
        if len(filled) - len(numbers) >= 2:
            return False
        if (name or stt) and numbers:
            return True  # a unit row, or the next totals row ("Cộng II" above "Tổng cộng")
    return False


def _body_row(
    grid: Grid,
    r: int,
    name: str,
    stt: str,
    raw_vals: dict[str, Any],
    nonblank: list[Any],
    body: list[FormRow],
    layout: Layout,
    cols: dict[str, int],
    rate_col: int | None,
    covered: dict[tuple[int, int], str],
    limit: Any,
) -> FormRow | None:
    """The row ``r`` (0-based; its unit name, STT and count cells) as a body row, or None when it is no row
    (a numbering row, footer text)."""
    folded_name = fold(name)
    if _NUMBER_ROW.match(folded_name or "x") and all(_NUMBER_ROW.match(str(v).strip()) for v in nonblank):
        return None  # a "(1) (2) … (13)" row
    label_for_total = name or stt
    folded_label = folded_name if name else fold(stt)
    if label_for_total and nonblank and closes_group(label_for_total, body, folded_label):
        # "Cộng tỉnh Cao Bằng": one province's subtotal, after its units; the body goes on
        values = {k: parse_count(v, limit) for k, v in raw_vals.items()}
        return FormRow(r + 1, stt, name or stt, values, "subtotal", {"_closes_group": True})
    is_total, folds_to_total = totals_label(label_for_total, layout, folded_label)
    if is_total:
        values = {k: parse_count(v, limit) for k, v in raw_vals.items()}
        return FormRow(
            r + 1, stt, name or stt, values, "total", {"_rate": grid.cell(r, rate_col)} if rate_col is not None else {}
        )
    if _group_heading(name, folded_name, nonblank, layout):
        # "Cấp tỉnh" / "Cấp xã" with the sums of the unit rows below it: a subtotal, never a unit
        values = {k: parse_count(v, limit) for k, v in raw_vals.items()}
        return FormRow(r + 1, stt, name, values, "subtotal")
    if not nonblank:
        if name or stt:  # section row ("Huyện, thị xã, thành phố", "II. Tỉnh Bắc Kạn") or footer text
            extra = {"_folds_to_totals": folds_to_total} if folds_to_total else {}
            return FormRow(r + 1, stt, name or stt, {}, "section", extra)
        return None
    values = {k: parse_count(v, limit) for k, v in raw_vals.items()}
    if (
        not name
        and not stt
        and all(
            isinstance(v, str) and pc.error == "non_numeric_count"
            for v, pc in ((raw_vals[k], values[k]) for k in values if raw_vals[k] is not None)
        )
    ):
        return None  # footer text ("Phú Yên, ngày … tháng …") that happens to sit under a count column
    for k, c in cols.items():
        if not values[k].blank:
            continue
        if (r, c) in grid.formulas:
            values[k] = ParsedCount(None, grid.formulas[(r, c)], "formula_no_value")
        elif (r, c) in covered:
            values[k] = ParsedCount(None, covered[(r, c)], "merged_cell")
    extra = {"_rate": grid.cell(r, rate_col)} if rate_col is not None else {}
    if folds_to_total:
        extra["_folds_to_totals"] = folds_to_total  # "Công an tỉnh" folds to "Cộng …": spelled otherwise, a unit row
    return FormRow(r + 1, stt, name, values, "unit", extra)


def _group_heading(name: str, folded: str, nonblank: list[Any], layout: Layout) -> bool:
    """A level's heading written with its counts ("Cấp xã"; the layout's ``group_row``, matched as written)."""
    if not (nonblank and name and layout.group_row):
        return False
    if not any(p.folded.search(folded) for p in layout.group_row):
        return False  # most rows: not even folded
    return any(p.search(Label.of(name)) for p in layout.group_row)


def _add_sums(body: list[FormRow], layout: Layout) -> None:
    """The layout's columns split in the file, summed (None when a part is missing)."""
    for fr in body:
        if fr.kind == "section":
            continue
        for target, parts in layout.sums:
            vals = [fr.values.get(p) for p in parts]
            if all(v is not None and v.value is not None for v in vals):
                fr.values[target] = ParsedCount(sum(v.value for v in vals), "+".join(str(v.raw) for v in vals))  # type: ignore[union-attr,misc]
            else:
                fr.values[target] = ParsedCount(None, None)


def _mark_subtotals(body: list[FormRow]) -> None:
    """Subtotals: Roman-numeral STT with counts, or an STT that has children ("1" above "1.1").

    An STT s has a child when another STT (a different string) starts with s + "."; each STT's prefixes before
    a "." index the STTs under them (linear, where comparing every pair was quadratic)."""
    under: dict[str, set[str]] = {}
    for o in {fr.stt.rstrip(".") for fr in body if fr.kind == "unit"}:  # "1." is "1" written with its dot
        for i, ch in enumerate(o):
            if ch == ".":
                under.setdefault(o[:i], set()).add(o)
    for fr in body:
        if fr.kind != "unit" or not fr.stt:
            continue
        s = fr.stt.rstrip(".")
        kids = under.get(s, ())
        if _ROMAN.match(s) or len(kids) > 1 or (len(kids) == 1 and s not in kids):
            fr.kind = "subtotal"
