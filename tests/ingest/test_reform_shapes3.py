"""The root causes the third round of unseen exports (tests/data/reform/unseen3.py) found, each on a small sheet:
header labels wrapped by hand over two rows, a year-to-date title on its own line, a unit's name split over two
columns under one merged header, and an old row hidden beside the one shown."""

from __future__ import annotations

from datetime import date

import pytest

from motcua.clean.periods import resolve_overlaps
from motcua.ingest.form import read_form_sheet
from motcua.ingest.grid import Grid
from motcua.ingest.names import UnitMatch
from motcua.ingest.records import Record
from motcua.panel import FORM_COLUMN
from motcua.quality import Quality

COLS = sorted(FORM_COLUMN, key=FORM_COLUMN.get)
U1 = dict(zip(COLS, [100, 60, 30, 10, 90, 50, 35, 5, 10, 8, 2]))
GROUPS = ["Số hồ sơ nhận giải quyết", None, None, None, "Số hồ sơ đã giải quyết", None, None, None]
GROUPS += ["Số hồ sơ đang giải quyết", None, None]
MERGES = [(0, 0, 2, 5), (0, 0, 6, 9), (0, 0, 10, 12)]
TITLE = [["UBND TỈNH ĐẮK LẮK"], ["Từ ngày 01/06/2026 đến ngày 30/06/2026"], []]


def _shift(merged, dr: int) -> list[tuple[int, int, int, int]]:
    return [(a + dr, b + dr, c, d) for a, b, c, d in merged]


def _values(row) -> dict:
    return {k: v.value for k, v in row.values.items()}


def test_leaves_wrapped_over_two_rows_are_read_across_them():
    """ "Trực" over "tuyến", "Trước" over "hạn", "Từ kỳ" over "trước", no number row: each label read whole."""
    top = ["STT", "Đơn vị", *GROUPS]
    one = [None, None, "Tổng", "Trực", "Trực tiếp,", "Từ kỳ", "Tổng", "Trước", "Đúng", "Quá", "Tổng", "Trong", "Quá"]
    two = [None, None, "số", "tuyến", "dịch vụ bưu chính", "trước", "số", "hạn", "hạn", "hạn", "số", "hạn", "hạn"]
    body = ["1", "Xã Hòa Phú", *(U1[c] for c in COLS)]
    merged = _shift([(0, 2, 0, 0), (0, 2, 1, 1), *MERGES], 3)
    fs = read_form_sheet(Grid("T6", [*TITLE, top, one, two, body], merged))
    assert fs is not None and fs.header_depth == 3 and fs.number_row is None
    assert fs.columns == {k: FORM_COLUMN[k] - 1 for k in FORM_COLUMN}
    assert _values(fs.rows[0]) == U1
    # one row alone is not the header: "Trước" is not "Trước hạn"
    assert read_form_sheet(Grid("T6", [*TITLE, top, one, body], _shift(MERGES, 3))) is None


@pytest.mark.parametrize(
    "title, cumulative",
    [
        (["BÁO CÁO - SỐ LIỆU LŨY KẾ TỪ ĐẦU NĂM", "(Từ ngày 01/01/2026 đến ngày 31/03/2026)"], True),
        (["BÁO CÁO (số liệu cộng dồn)", "Từ ngày 01/01/2026 đến ngày 31/03/2026"], True),
        (["BÁO CÁO QUÝ I", "Từ ngày 01/01/2026 đến ngày 31/03/2026"], False),
        (["SỐ LIỆU LŨY KẾ", "Từ ngày 01/03/2026 đến ngày 31/03/2026"], False),  # a month is its own figures
    ],
)
def test_a_year_to_date_title_on_its_own_line_makes_the_period_cumulative(title, cumulative):
    top = ["STT", "Đơn vị", *GROUPS]
    leaves = [None, None, "Tổng số", "Trực tuyến", "Trực tiếp", "Từ kỳ trước", "Tổng số", "Trước hạn", "Đúng hạn"]
    leaves += ["Quá hạn", "Tổng số", "Trong hạn", "Quá hạn"]
    rows = [[t] for t in title] + [[], top, leaves, ["1", "Xã Hòa Phú", *(U1[c] for c in COLS)]]
    fs = read_form_sheet(Grid("S", rows, _shift([(0, 1, 0, 0), (0, 1, 1, 1), *MERGES], len(title) + 1)))
    assert fs is not None and fs.period is not None and fs.period.cumulative is cumulative
    assert fs.period.start in (date(2026, 1, 1), date(2026, 3, 1))


def test_a_name_split_over_two_columns_under_one_merged_header():
    top = ["STT", "Tên đơn vị", None, *GROUPS]
    leaves = [None, None, None, "Tổng số", "Trực tuyến", "Trực tiếp", "Từ kỳ trước", "Tổng số", "Trước hạn"]
    leaves += ["Đúng hạn", "Quá hạn", "Tổng số", "Trong hạn", "Quá hạn"]
    body = [["1", "Xã", "Hòa Phú", *(U1[c] for c in COLS)], ["2", "Sở", "Tài chính", *(U1[c] for c in COLS)]]
    merged = [(3, 4, 0, 0), (3, 4, 1, 2)] + [(3, 3, c + 1, d + 1) for _, _, c, d in MERGES]
    fs = read_form_sheet(Grid("S", [*TITLE, top, leaves, *body], merged))
    assert fs is not None and [r.name for r in fs.rows if r.kind == "unit"] == ["Xã Hòa Phú", "Sở Tài chính"]
    assert _values(fs.rows[0]) == U1


def _rec(row: int, hidden: bool, received: int) -> Record:
    unit = UnitMatch("2025", "24121", "commune", "Phường Tân Lập", "66", 100.0, "exact")  # type: ignore[call-arg]
    vals = dict(U1, received_total=received)
    return Record("f.xlsx", "T7", row, "Phường Tân Lập", unit, date(2026, 7, 1), date(2026, 7, 31), "month", False,
                  vals, hidden=hidden)  # fmt: skip


def test_an_old_row_hidden_beside_the_one_shown_is_dropped_and_the_shown_row_kept():
    recs = [_rec(9, True, 70), _rec(10, False, 100)]
    q = Quality()
    resolve_overlaps(recs, q)
    assert [r.status for r in recs] == ["dropped", "kept"]
    assert [(f.rule, f.severity, f.row, f.action) for f in q.findings] == [
        ("duplicate_unit_row", "warning", 9, "dropped")
    ]
    # two rows shown that differ: neither can win
    recs = [_rec(9, False, 70), _rec(10, False, 100)]
    resolve_overlaps(recs, Quality())
    assert [r.status for r in recs] == ["dropped", "dropped"]


def test_hidden_rows_are_read_from_the_workbook(tmp_path):
    import openpyxl

    from motcua.ingest.grid import read_book

    wb = openpyxl.Workbook()
    ws = wb.active
    for r in range(1, 6):
        ws.cell(r, 1, r)
    ws.row_dimensions[3].hidden = True
    wb.save(tmp_path / "h.xlsx")
    assert read_book(tmp_path / "h.xlsx").grids[0].hidden_rows == frozenset({2})


@pytest.mark.parametrize(
    "own, other", [("Trong kỳ báo cáo", "Lũy kế từ đầu năm"), ("Kỳ báo cáo", "Cùng kỳ năm trước"), (None, "Lũy kế")]
)
def test_the_periods_own_block_beside_a_cumulative_or_last_years_block(own, other):
    """The form's eleven columns twice: under the period's own heading (or none) and under another period's; the
    period's are read, the other's left as ignored columns, never mixed."""
    top = ["STT", "Đơn vị", own, *[None] * 10, other, *[None] * 10]
    groups = [None, None, *GROUPS, *GROUPS]
    leaves = ["Tổng số", "Trực tuyến", "Trực tiếp", "Từ kỳ trước", "Tổng số", "Trước hạn", "Đúng hạn", "Quá hạn"]
    leaves = [None, None, *leaves, "Tổng số", "Trong hạn", "Quá hạn"] * 1
    leaves += leaves[2:]
    other_vals = [v * 3 for v in U1.values()]
    body = ["1", "Xã Hòa Phú", *(U1[c] for c in COLS), *other_vals]
    merged = [(3, 5, 0, 0), (3, 5, 1, 1), (3, 3, 2, 12), (3, 3, 13, 23)]
    merged += [(4, 4, c + 2 + 11 * b - 2, d + 2 + 11 * b - 2) for b in (0, 1) for _, _, c, d in MERGES]
    fs = read_form_sheet(Grid("S", [*TITLE, top, groups, leaves, body], merged))
    assert fs is not None and fs.header_depth == 3
    assert fs.columns == {k: FORM_COLUMN[k] - 1 for k in FORM_COLUMN}
    assert _values(fs.rows[0]) == U1 and len(fs.ignored_columns) == 11
