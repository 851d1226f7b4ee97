"""Property tests of the header / column-label matcher (motcua.ingest.form, motcua.ingest.dossiers).

Columns are found by their LABELS, never by position: whatever the order of the column groups, extra
columns, a leading blank column, 2- or 3-row headers, upper case, missing diacritics, old-style tone
marks or stray whitespace, every form-06 column maps to the sheet column that carries its label. On
arbitrary grids the matcher never raises (documented: no exception escapes find_header,
read_form_sheet or map_columns); it returns None / no roles instead.
"""
from __future__ import annotations

import unicodedata
from typing import Any

from hypothesis import given
from hypothesis import strategies as st

from motcua.ingest.dossiers import map_columns
from motcua.ingest.form import find_header, read_form_sheet
from motcua.ingest.grid import Grid
from motcua.sample import styles
from motcua.sample.workbook import FORM06_GROUPS, FORM06_LEAVES

GROUP_LEAVES = [FORM06_LEAVES[0:4], FORM06_LEAVES[4:8], FORM06_LEAVES[8:11]]
EXTRA_LABELS = ["Ghi chú", "Tỷ lệ giải quyết đúng hạn (%)", "Mã đơn vị", "Người tổng hợp"]


def _variant(label: str, how: str) -> str:
    if how == "upper":
        return label.upper()
    if how == "ascii":
        return unicodedata.normalize("NFC", "".join(
            ch for ch in unicodedata.normalize("NFD", label.replace("đ", "d").replace("Đ", "D"))
            if not unicodedata.combining(ch)))
    if how == "old_tones":
        return styles.to_old_style(label)
    if how == "nfd":
        return unicodedata.normalize("NFD", label)
    if how == "spaces":
        return "  " + label.replace(" ", "  \u00a0") + " \n"
    return label


@st.composite
def form06_headers(draw) -> tuple[Grid, dict[str, int]]:
    """A form-06 header (title row, 2–3 header rows with merges) in random group order with extra columns."""
    order = draw(st.permutations([0, 1, 2]))
    depth = draw(st.sampled_from([2, 3]))
    lead = draw(st.integers(0, 2))
    how = draw(st.sampled_from(["plain", "upper", "ascii", "old_tones", "nfd", "spaces"]))
    extras = draw(st.lists(st.sampled_from(EXTRA_LABELS), max_size=2, unique=True))
    extra_at = [draw(st.integers(0, 3)) for _ in extras]  # before which group (3 = at the end)
    top = 2  # row 0: title, row 1: period line
    rows: list[list[Any]] = [[None] * 40 for _ in range(top + depth)]
    rows[0][lead] = "TÌNH HÌNH, KẾT QUẢ GIẢI QUYẾT THỦ TỤC HÀNH CHÍNH"
    rows[1][lead] = "Kỳ báo cáo: Từ ngày 01/03/2024 đến ngày 31/03/2024"
    merged: list[tuple[int, int, int, int]] = []
    h0, hl = top, top + depth - 1

    def put(r: int, c: int, v: str) -> None:
        rows[r][c] = _variant(v, how)

    put(h0, lead, "STT")
    put(h0, lead + 1, "Đơn vị")
    merged += [(h0, hl, lead, lead), (h0, hl, lead + 1, lead + 1)]
    col = lead + 2
    expected: dict[str, int] = {}

    def extra(pos: int) -> None:
        nonlocal col
        for lab, at in zip(extras, extra_at):
            if at == pos:
                put(h0, col, lab)
                merged.append((h0, hl, col, col))
                col += 1

    for i, g in enumerate(order):
        extra(i)
        gname, width = FORM06_GROUPS[g]
        put(h0, col, gname)
        merged.append((h0, h0, col, col + width - 1))
        k = 0
        leaves = GROUP_LEAVES[g]
        while k < width:
            key, lab2, lab3 = leaves[k]
            if lab3 is not None and depth == 3:
                span = sum(1 for x in leaves[k:] if x[1] == lab2 and x[2] is not None)
                put(h0 + 1, col, lab2)
                if span > 1:
                    merged.append((h0 + 1, h0 + 1, col, col + span - 1))
                for s in range(span):
                    put(h0 + 2, col + s, leaves[k + s][2])
                    expected[leaves[k + s][0]] = col + s
                col += span
                k += span
                continue
            put(h0 + 1, col, lab3 if (lab3 is not None and depth == 2) else lab2)
            if depth == 3:
                merged.append((h0 + 1, hl, col, col))
            expected[key] = col
            col += 1
            k += 1
    extra(3)
    body = [[None] * lead + ["1", "Huyện Tuy An"] + [1] * (col - lead - 2)]
    return Grid("Biểu 06", [r[:col] for r in rows] + body, merged), expected


@given(form06_headers())
def test_property_header_columns_found_by_label_in_any_order(case):
    grid, expected = case
    found = find_header(grid)
    assert found is not None
    layout, hr, depth, cols, unit_col, _ = found
    assert layout.name == "form06"
    assert cols == expected
    fs = read_form_sheet(grid)
    assert fs is not None and fs.columns == expected and [r.name for r in fs.rows] == ["Huyện Tuy An"]


cell = st.one_of(st.none(), st.text(max_size=25), st.integers(-10**6, 10**12), st.floats(allow_nan=True),
                 st.sampled_from(["STT", "Đơn vị", "Tổng số", "Trực tuyến", "Quá hạn", "Từ kỳ trước", "Tổng cộng",
                                  "Số hồ sơ đã giải quyết", "Trong hạn", "Kỳ báo cáo: Năm 0000", "(1)", "I", "1.1"]))


@st.composite
def grids(draw) -> Grid:
    n_rows, n_cols = draw(st.integers(0, 14)), draw(st.integers(0, 15))
    rows = [[draw(cell) for _ in range(draw(st.integers(0, n_cols)))] for _ in range(n_rows)]
    merged = []
    for _ in range(draw(st.integers(0, 4))):
        a, c = draw(st.integers(0, max(n_rows, 1))), draw(st.integers(0, max(n_cols, 1)))
        merged.append((a, a + draw(st.integers(0, 3)), c, c + draw(st.integers(0, 3))))
    return Grid("S", rows, merged)


@given(grids())
def test_property_form_reader_never_raises_on_arbitrary_grids(grid):
    fs = read_form_sheet(grid)
    if fs is not None:
        assert len(set(fs.columns.values())) == len(fs.columns)
        assert all(0 <= c < grid.n_cols for c in fs.columns.values())
        for r in fs.rows:
            for pc in r.values.values():
                assert pc.value is None or (isinstance(pc.value, int) and pc.value >= 0)


@given(st.lists(st.one_of(st.text(max_size=20), st.sampled_from(
    ["NgayTiepNhan", "Ngày hẹn trả", "NgayHoanThanh", "KenhThucHien", "Họ tên", "CCCD", "Số điện thoại", "Địa chỉ",
     "DonViXuLy", "Ngày sinh", "HoTenNguoiNop"])), max_size=14))
def test_property_dossier_header_never_maps_personal_columns(header):
    roles, personal = map_columns(header)
    assert not set(roles.values()) & set(personal)
    assert len(set(roles.values())) == len(roles)
    assert all(0 <= i < len(header) for i in [*roles.values(), *personal])
