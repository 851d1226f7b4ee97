"""The header of an aggregate form in a sheet: which layout of config/layouts/ it is and where each column is.

A short cell naming the unit column ("Đơn vị", "Tên đơn vị", "Lĩnh vực", …) starts a header; 1–4 header rows
are tried and the smallest depth whose column paths match every required column of a layout wins; merged
cells are spread over their range (without merge information group labels are carried right). Columns are
matched by LABEL (regular expressions over folded text), never by position; the form's own column numbers
"(1) … (13)", when the layout declares a ``numbering``, place the columns the labels leave ambiguous, and
labels that contradict them are kept as :attr:`HeaderMatch.disagreements`.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from functools import lru_cache
from typing import Any

from motcua.config import load_config
from motcua.ingest.grid import Grid
from motcua.ingest.numbering import Numbering, parse_number_row
from motcua.ingest.rowlabels import WordPattern
from motcua.ingest.text import clean_text, fold

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
        texts = _with_joined(levels)
        if any(p.search(lv) for p in self.none for lv in texts):
            return False
        return all(any(p.search(lv) for lv in texts) for p in self.all)

    def fits(self, levels: list[str]) -> bool:
        """True when a header path could be this column: one of its patterns occurs and none of the excluded ones
        (a flattened header's "Quá hạn" fits both (10) and (13); "Trực tiếp" never fits "Trực tuyến")."""
        if not levels:
            return False
        texts = _with_joined(levels)
        if any(p.search(lv) for p in self.none for lv in texts):
            return False
        return any(p.search(lv) for p in self.all for lv in texts)


def _with_joined(levels: list[str]) -> list[str]:
    """A column's header path, and its levels read as one text: a label wrapped by hand over two rows ("Trực" over
    "tuyến", "Số hồ sơ đã" over "giải quyết") is matched across the rows, as a merged two-line cell is."""
    return levels if len(levels) < 2 else [*levels, " ".join(levels)]


@dataclass(frozen=True)
class Layout:
    name: str
    description: str
    priority: int
    unit_header: tuple[re.Pattern[str], ...]
    stt_header: tuple[re.Pattern[str], ...]
    totals_row: tuple[WordPattern, ...]
    columns: tuple[ColumnRule, ...]
    required: tuple[str, ...]
    other_outcomes: tuple[str, ...]
    exclude: tuple[str, ...] = ()
    sums: tuple[tuple[str, tuple[str, ...]], ...] = ()
    field_header: tuple[re.Pattern[str], ...] = ()
    not_totals_row: tuple[WordPattern, ...] = ()
    numbering: Numbering | None = None
    #: a group's heading that carries the group's sums ("Cấp tỉnh", "Cấp xã"): a subtotal of the unit rows below it
    group_row: tuple[WordPattern, ...] = ()
    #: header words of another period's copy of the form's columns ("Lũy kế từ đầu năm", "Cùng kỳ năm trước" beside
    #: the period's own): such a column gives way to the one column of the same label without them
    secondary: tuple[re.Pattern[str], ...] = ()
    #: a top header level naming the period's own block of columns ("Trong kỳ báo cáo" over the form's columns, beside
    #: a "Lũy kế" block): read as no level at all
    period_block: tuple[re.Pattern[str], ...] = ()


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
        out.append(
            Layout(
                spec.get("name", name),
                spec.get("description", name),
                int(spec.get("priority", 9)),
                tuple(re.compile(p) for p in spec.get("unit_header", [])),
                tuple(re.compile(p) for p in spec.get("stt_header", [])),
                tuple(WordPattern.compile(p) for p in spec.get("totals_row", [])),
                cols,
                tuple(spec.get("required", [])),
                tuple(spec.get("other_outcomes", [])),
                tuple(spec.get("exclude_columns", [])),
                tuple((k, tuple(v)) for k, v in (spec.get("sums") or {}).items()),
                tuple(re.compile(p) for p in spec.get("field_header", [])),
                tuple(WordPattern.compile(p) for p in spec.get("not_totals_row", [])),
                Numbering.from_spec(spec.get("numbering")),
                tuple(WordPattern.compile(p) for p in spec.get("group_row", [])),
                tuple(_rx(p) for p in spec.get("secondary_columns", [])),
                tuple(re.compile(p) for p in spec.get("period_block", [])),
            )
        )
    return tuple(sorted(out, key=lambda lo: lo.priority))


def aggregate_layouts() -> tuple[Layout, ...]:
    """Aggregate-form layouts from config/layouts/*.yaml (kind: aggregate), by priority."""
    return _layouts_cached(str(load_config().root))


@dataclass(frozen=True)
class HeaderMatch:
    """A recognised header: where it is, its columns, and what the layout's number row (when read) said."""

    layout: Layout
    row: int  # 0-based first header row
    depth: int
    columns: dict[str, int]
    unit_col: int
    paths: list[list[str]]
    number_row: int | None = None  # 0-based
    numbers: dict[int, int] = field(default_factory=dict)  # 0-based sheet column → its number
    by_numbers: tuple[str, ...] = ()  # columns whose labels alone did not place them
    #: (column, number the row gives it, sheet column carrying that number, sheet columns its label names)
    disagreements: tuple[tuple[str, int, int, tuple[int, ...]], ...] = ()


def cell_str(v: Any) -> str:
    return "" if v is None else clean_text(v)


def cell_folded(v: Any) -> str:
    return fold(cell_str(v))


def spread_header(grid: Grid, r0: int, r1: int, raw: bool = False) -> list[list[str]]:
    """Header rows r0..r1 (inclusive) as folded text (``raw``: as written) with merged cells spread over their range.

    A group label written without a merge ("Số hồ sơ đã giải quyết" over four leaves, in a header whose other
    groups are merged, or in one without any merge) is carried to the right over the blank cells of its row that
    have labels below; a merged label is never carried beyond its merge."""
    n = grid.n_cols
    conv = cell_str if raw else cell_folded
    block = [[conv(grid.cell(r, c)) for c in range(n)] for r in range(r0, r1 + 1)]
    covered: set[tuple[int, int]] = set()
    for a, b, c, d in grid.merged:
        if b < r0 or a > r1:
            continue
        val = conv(grid.cell(a, c))
        for r in range(max(a, r0), min(b, r1) + 1):
            for cc in range(c, min(d, n - 1) + 1):
                block[r - r0][cc] = val
                covered.add((r - r0, cc))
    for ri in range(len(block) - 1):
        last = ""
        for c in range(n):
            below = any(block[k][c] for k in range(ri + 1, len(block)))
            if (ri, c) in covered:
                last = ""  # a merged label covers its own range only
            elif block[ri][c]:
                last = block[ri][c]
            elif last and below:
                block[ri][c] = last
            elif not below:
                last = ""
    return block


def column_paths(block: list[list[str]]) -> list[list[str]]:
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
    paths = _without_period_block(paths, layout)
    excluded = _excluded(paths, layout)
    for rule in layout.columns:
        hits = _primary(_hits(paths, rule, excluded), paths, layout)
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


def _without_period_block(paths: list[list[str]], layout: Layout) -> list[list[str]]:
    """``paths`` without a top level naming the period's own block ("Trong kỳ báo cáo" over the form's columns, a
    "Lũy kế từ đầu năm" block beside it): the form's labels lie under it as under no heading."""
    if not layout.period_block:
        return paths
    return [p[1:] if len(p) > 1 and any(b.search(p[0]) for b in layout.period_block) else p for p in paths]


def _primary(hits: list[int], paths: list[list[str]], layout: Layout) -> list[int]:
    """Of several columns a label names, the one not under another period's heading (the layout's
    ``secondary_columns``: "Lũy kế từ đầu năm" beside "Trong kỳ"), when exactly one is; else ``hits`` unchanged."""
    if len(hits) < 2 or not layout.secondary:
        return hits
    own = [c for c in hits if not any(p.search(lv) for p in layout.secondary for lv in paths[c])]
    return own if len(own) == 1 else hits


def _is_unit_header(text: str, layout: Layout) -> bool:
    return bool(text) and ":" not in text and len(text.split()) <= 5 and any(p.search(text) for p in layout.unit_header)


def _excluded(paths: list[list[str]], layout: Layout) -> set[int]:
    return {c for c, lv in enumerate(paths) if any(x in level for x in layout.exclude for level in lv)}


def _hits(paths: list[list[str]], rule: ColumnRule, excluded: set[int]) -> list[int]:
    return [c for c, lv in enumerate(paths) if c not in excluded and rule.matches(lv)]


def _disagreements(
    paths: list[list[str]], layout: Layout, by_number: dict[str, int], numbers: dict[int, int]
) -> tuple[tuple[str, int, int, tuple[int, ...]], ...]:
    """Columns the number row places where the labels say otherwise.

    A column disagrees when its label is found on other sheet columns only, when the numbered column is a rate or
    note column, or when the numbered column's label cannot be that column ("Trực tuyến" numbered (5)). A blank label
    or one that fits is no disagreement.
    """
    excluded = _excluded(paths, layout)
    out = []
    for rule in layout.columns:
        c = by_number.get(rule.name)
        if c is None:
            continue
        hits = _hits(paths, rule, excluded)
        if c in excluded or (hits and c not in hits) or (not hits and paths[c] and not rule.fits(paths[c])):
            out.append((rule.name, numbers[c], c, tuple(hits)))
    return tuple(out)


def _number_columns(layout: Layout, numbers: dict[int, int]) -> dict[str, int]:
    assert layout.numbering is not None
    names = {rule.name for rule in layout.columns}
    return {k: c for k, c in layout.numbering.columns_from(numbers).items() if k in names}


def _with_numbers(
    grid: Grid, layout: Layout, r: int, depth: int, cols: dict[str, int], unit_col: int, paths: list[list[str]]
) -> HeaderMatch:
    """A header found by its labels, checked against the layout's number row right under it (when there is one)."""
    plain = HeaderMatch(layout, r, depth, cols, unit_col, paths)
    n = r + depth
    if layout.numbering is None or n >= grid.n_rows:
        return plain
    numbers = parse_number_row(grid.rows[n])
    if numbers is None or not layout.numbering.applies(numbers, unit_col):
        return plain
    by_number = _number_columns(layout, numbers)
    dis = _disagreements(paths, layout, by_number, numbers)  # the numbers present, also in a row cut short
    placed = dict(cols)
    extra: tuple[str, ...] = ()
    if not dis and all(req in by_number for req in layout.required):
        # columns the labels left ambiguous (optional ones) take their place from the numbers
        extra = tuple(k for k, c in by_number.items() if k not in cols and c not in cols.values())
        placed.update({k: by_number[k] for k in extra})
    return HeaderMatch(layout, r, depth, placed, unit_col, paths, n, numbers, extra, dis)


def _by_numbers(grid: Grid, layout: Layout, r: int, unit_col: int) -> HeaderMatch | None:
    """A header the labels alone do not resolve, placed by the layout's number row within MAX_DEPTH rows below ``r``.

    The number row's numbering must apply (the unit column carries the unit's number), cover every required column,
    and the labels must fit the layout: each required column fits some column's label, and more than half of them
    fit the label of the column their number gives (so that another layout's numbered header is never read as this
    one). Disagreements are returned, not resolved.
    """
    assert layout.numbering is not None
    for n in range(r + 1, min(grid.n_rows, r + MAX_DEPTH + 1)):
        numbers = parse_number_row(grid.rows[n])
        if numbers is None:
            continue
        if not layout.numbering.applies(numbers, unit_col):
            return None
        by_number = _number_columns(layout, numbers)
        if any(req not in by_number for req in layout.required):
            return None
        paths = column_paths(spread_header(grid, r, n - 1))
        excluded = _excluded(paths, layout)
        rules = {rule.name: rule for rule in layout.columns}
        required = [rules[k] for k in layout.required]
        if not all(any(c not in excluded and rule.fits(lv) for c, lv in enumerate(paths)) for rule in required):
            return None
        if 2 * sum(1 for rule in required if rule.fits(paths[by_number[rule.name]])) <= len(required):
            return None
        dis = _disagreements(paths, layout, by_number, numbers)
        ambiguous = tuple(k for k, c in by_number.items() if _hits(paths, rules[k], excluded) != [c])
        return HeaderMatch(layout, r, n - r, by_number, unit_col, paths, n, numbers, () if dis else ambiguous, dis)
    return None


def match_header(grid: Grid, start: int = 0) -> HeaderMatch | None:
    """The first recognisable header of ``grid`` at or below row ``start`` (0-based), or None.

    Columns are matched by label (config/layouts/*.yaml), in any order; a layout's number row under the header
    checks them, and places those the labels leave ambiguous when no layout's labels suffice. Exceptions: none — any
    grid (ragged rows, merges outside the grid, any cell type) gives a result or None.
    """
    for r in range(start, min(grid.n_rows, start + MAX_HEADER_SCAN)):
        texts = [cell_folded(v) for v in (grid.rows[r] if r < grid.n_rows else [])]
        if sum(1 for t in texts if t) < 3:  # a header's top row names STT/unit and the column groups
            continue
        candidates = []
        for layout in aggregate_layouts():
            unit_cols = [c for c, t in enumerate(texts) if _is_unit_header(t, layout)]
            if not unit_cols:
                continue
            candidates.append((layout, unit_cols[0]))
            for depth in range(1, MAX_DEPTH + 1):
                if r + depth > grid.n_rows:
                    break
                block = spread_header(grid, r, r + depth - 1)
                paths = column_paths(block)
                m = _match_layout(paths, layout)
                if m is not None:
                    return _with_numbers(grid, layout, r, depth, m[0], unit_cols[0], paths)
        for layout, unit_col in candidates:
            if layout.numbering is not None:
                hm = _by_numbers(grid, layout, r, unit_col)
                if hm is not None:
                    return hm
    return None


def find_header(grid: Grid) -> tuple[Layout, int, int, dict[str, int], int, list[list[str]]] | None:
    """(layout, header row, depth, columns, unit column, paths) of :func:`match_header`, or None."""
    hm = match_header(grid)
    if hm is None:
        return None
    return hm.layout, hm.row, hm.depth, hm.columns, hm.unit_col, hm.paths
