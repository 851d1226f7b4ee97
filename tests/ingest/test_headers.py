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

from motcua.ingest.dossier_layout import map_columns
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
        return unicodedata.normalize(
            "NFC",
            "".join(
                ch
                for ch in unicodedata.normalize("NFD", label.replace("đ", "d").replace("Đ", "D"))
                if not unicodedata.combining(ch)
            ),
        )
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


cell = st.one_of(
    st.none(),
    st.text(max_size=25),
    st.integers(-(10**6), 10**12),
    st.floats(allow_nan=True),
    st.sampled_from(
        [
            "STT",
            "Đơn vị",
            "Tổng số",
            "Trực tuyến",
            "Quá hạn",
            "Từ kỳ trước",
            "Tổng cộng",
            "Số hồ sơ đã giải quyết",
            "Trong hạn",
            "Kỳ báo cáo: Năm 0000",
            "(1)",
            "I",
            "1.1",
        ]
    ),
)


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


@given(
    st.lists(
        st.one_of(
            st.text(max_size=20),
            st.sampled_from(
                [
                    "NgayTiepNhan",
                    "Ngày hẹn trả",
                    "NgayHoanThanh",
                    "KenhThucHien",
                    "Họ tên",
                    "CCCD",
                    "Số điện thoại",
                    "Địa chỉ",
                    "DonViXuLy",
                    "Ngày sinh",
                    "HoTenNguoiNop",
                ]
            ),
        ),
        max_size=14,
    )
)
def test_property_dossier_header_never_maps_personal_columns(header):
    roles, personal = map_columns(header)
    assert not set(roles.values()) & set(personal)
    assert len(set(roles.values())) == len(roles)
    assert all(0 <= i < len(header) for i in [*roles.values(), *personal])


# --------------------------------------------------------------------------- the form's own column numbers

import importlib.util  # noqa: E402
from pathlib import Path  # noqa: E402

import pytest  # noqa: E402

from motcua.config import load_config  # noqa: E402
from motcua.ingest.grid import read_book  # noqa: E402
from motcua.ingest.numbering import parse_number_row  # noqa: E402
from motcua.panel import FORM_COLUMN  # noqa: E402
from motcua.sample.workbook import FileStyle  # noqa: E402

_spec = importlib.util.spec_from_file_location(
    "builders", Path(__file__).parents[1] / "data" / "ingest" / "builders.py"
)
builders = importlib.util.module_from_spec(_spec)
_spec.loader.exec_module(builders)  # type: ignore[union-attr]

AUG25 = "Từ ngày 01/08/2025 đến ngày 31/08/2025"
U1 = builders.counts(10, 90, 5, 60, 30, 2, 10, 3)  # every column a different number: a misplaced column shows
U2 = builders.counts(41, 17, 6, 25, 22, 4, 9, 4)


def _read(path: Path):
    return read_form_sheet(read_book(path).grids[0])


def _values(row) -> dict[str, int | None]:
    return {k: v.value for k, v in row.values.items()}


def test_form06_numbering_is_data_and_matches_the_panel_contract():
    """The number → column map lives in config/layouts/form06.yaml and says what the panel's FORM_COLUMN says."""
    spec = load_config().layouts["form06"]["numbering"]
    assert {v["column"]: int(k) for k, v in spec.items() if not v["column"].startswith("_")} == FORM_COLUMN
    assert spec[2]["column"] == "_unit"
    assert "numbering" not in load_config().layouts["form07a"]


@pytest.mark.parametrize(
    "numbers, extra_header, extra_numbers",
    [
        ([f"({i})" for i in range(1, 14)], [], []),
        ([str(i) for i in range(1, 14)], [], []),
        ([f"( {i} )" for i in range(1, 14)], [], []),
        (list(range(1, 14)), [], []),
        ([float(i) for i in range(1, 14)], [], []),
        (
            [
                "(1)",
                "(2)",
                "(3)=(4)+(5)+(6)",
                "(4)",
                "(5)",
                "(6)",
                "(7)=(8)+(9)+(10)",
                "(8)",
                "(9)",
                "(10)",
                "(11)=(12)+(13)",
                "(12)",
                "(13)",
            ],
            [],
            [],
        ),
        ([f"({i})" for i in range(1, 14)], ["Tỷ lệ đúng hạn (%)", "Ghi chú"], ["(14)", "(15)"]),
        ([f"({i})" for i in range(1, 14)], ["Trả lại", "Ghi chú"], ["(a)", "B"]),
    ],
)
def test_flattened_header_is_read_by_the_form_numbers(tmp_path, numbers, extra_header, extra_numbers):
    """One header row whose "Quá hạn" appears twice (labels alone: no header) and the "(1) … (13)" row under it:
    each column is placed by its number and every value lands in its column."""
    p = builders.write_flat_form(
        tmp_path / "f.xlsx",
        [("Xã Tuy An Bắc", U1), ("Phường Tuy Hòa", U2)],
        period_text=AUG25,
        numbers=numbers,
        extra_header=extra_header,
        extra_numbers=extra_numbers,
    )
    fs = _read(p)
    assert fs is not None and fs.layout == "form06"
    assert fs.header_row == 5 and fs.header_depth == 1 and fs.number_row == 6
    assert fs.columns == {k: FORM_COLUMN[k] - 1 for k in FORM_COLUMN}  # column (k) is the k-th sheet column
    assert fs.header_disagreements == []
    assert {k for k, _, _ in fs.by_numbers} == {"resolved_late", "pending_ontime", "pending_overdue"}
    units = [r for r in fs.rows if r.kind == "unit"]
    assert [r.name for r in units] == ["Xã Tuy An Bắc", "Phường Tuy Hòa"]
    assert _values(units[0]) == U1 and _values(units[1]) == U2
    assert [r.kind for r in fs.rows] == ["unit", "unit", "total"]


def test_flattened_header_without_number_row_is_not_guessed(tmp_path):
    p = builders.write_flat_form(tmp_path / "f.xlsx", [("Xã Tuy An Bắc", U1)], period_text=AUG25, number_row=False)
    assert _read(p) is None


def test_repeated_leaf_labels_in_a_two_row_header_are_placed_by_numbers():
    """Group labels that name no column ("Hồ sơ giải quyết xong"): "Tổng số" three times and "Quá hạn" twice are
    only told apart by their numbers."""
    top = [
        "STT",
        "Đơn vị",
        "Hồ sơ tiếp nhận",
        None,
        None,
        None,
        "Hồ sơ giải quyết xong",
        None,
        None,
        None,
        "Hồ sơ chưa xong",
        None,
        None,
    ]
    leaves = [
        None,
        None,
        "Tổng số",
        "Trực tuyến",
        "Trực tiếp, dịch vụ bưu chính",
        "Từ kỳ trước",
        "Tổng số",
        "Trước hạn",
        "Đúng hạn",
        "Quá hạn",
        "Tổng số",
        "Trong hạn",
        "Quá hạn",
    ]
    body = ["1", "Xã Tuy An Bắc"] + [U1[k] for k in builders.COLS06]
    merged = [(0, 1, 0, 0), (0, 1, 1, 1), (0, 0, 2, 5), (0, 0, 6, 9), (0, 0, 10, 12)]
    assert read_form_sheet(Grid("S", [top, leaves, body], merged)) is None
    fs = read_form_sheet(Grid("S", [top, leaves, [f"({i})" for i in range(1, 14)], body], merged))
    assert fs is not None and fs.header_depth == 2 and fs.number_row == 3
    assert _values(fs.rows[0]) == U1
    assert {"resolved_total", "resolved_late", "pending_total", "pending_overdue"} <= {k for k, _, _ in fs.by_numbers}


@pytest.mark.parametrize("header_rows", [2, 3])
def test_labels_contradicting_the_numbers_are_a_disagreement(tmp_path, header_rows):
    """A complete, unambiguous header whose "Trực tuyến" and "Trực tiếp" labels sit over (5) and (4): not guessed."""
    import openpyxl

    p = builders.write_form(
        tmp_path / "f.xlsx", [("Huyện Tuy An", U1)], period_text=AUG25, style=FileStyle(header_rows=header_rows)
    )
    wb = openpyxl.load_workbook(p)
    ws = wb.active
    leaf = 8 + header_rows - 1
    assert (ws[f"D{leaf}"].value, ws[f"E{leaf}"].value) == ("Trực tuyến", "Trực tiếp, dịch vụ bưu chính")
    ws[f"D{leaf}"].value, ws[f"E{leaf}"].value = ws[f"E{leaf}"].value, ws[f"D{leaf}"].value
    wb.save(p)
    fs = _read(p)
    assert fs is not None and fs.number_row == leaf + 1
    assert len(fs.header_disagreements) == 2
    first, second = fs.header_disagreements
    assert (
        first.startswith('cột D "Số hồ sơ nhận giải quyết › ') and 'Trực tiếp, dịch vụ bưu chính" mang số (4)' in first
    )
    assert '(4) của biểu là "Số hồ sơ nhận giải quyết › Trong kỳ › Trực tuyến" — nhãn của (4) ở cột E' in first
    assert second.startswith('cột E "Số hồ sơ nhận giải quyết › ') and 'Trực tuyến" mang số (5)' in second


def test_flattened_header_with_a_label_over_the_wrong_number_is_a_disagreement(tmp_path):
    swapped = list(builders.FLAT06)
    swapped[3], swapped[4] = swapped[4], swapped[3]
    p = builders.write_flat_form(tmp_path / "f.xlsx", [("Xã Tuy An Bắc", U1)], period_text=AUG25, header=swapped)
    fs = _read(p)
    assert fs is not None and fs.number_row == 6
    assert [t.split(" mang")[0] for t in fs.header_disagreements] == [
        'cột D "Trực tiếp, dịch vụ bưu chính"',
        'cột E "Trực tuyến"',
    ]


def test_a_consistent_number_row_changes_nothing(tmp_path):
    p = builders.write_form(
        tmp_path / "f.xlsx", [("Huyện Tuy An", U1)], period_text=AUG25, style=FileStyle(extra_rate_col=True)
    )
    fs = _read(p)
    assert fs.number_row == 11 and fs.by_numbers == [] and fs.header_disagreements == []
    assert _values(fs.rows[0]) == U1


@pytest.mark.parametrize(
    "numbers",
    [
        ["A", "B"] + [str(i) for i in range(1, 12)],  # counts numbered from 1: another numbering
        [None] + [f"({i})" for i in range(1, 13)],  # (1) on the unit column
    ],
)
def test_another_numbering_is_left_unused(tmp_path, numbers):
    """A number row whose unit column does not carry (2) is not form 06's numbering: labels decide, nothing disagrees."""
    import openpyxl

    p = builders.write_form(tmp_path / "f.xlsx", [("Huyện Tuy An", U1)], period_text=AUG25)
    wb = openpyxl.load_workbook(p)
    for c, v in enumerate(numbers, start=1):
        wb.active.cell(row=11, column=c).value = v
    wb.save(p)
    fs = _read(p)
    assert fs.number_row is None and fs.header_disagreements == []
    assert [r.name for r in fs.rows if r.kind == "unit"] == ["Huyện Tuy An"] and _values(fs.rows[0]) == U1
    flat = builders.write_flat_form(tmp_path / "flat.xlsx", [("Xã Tuy An Bắc", U1)], period_text=AUG25, numbers=numbers)
    assert _read(flat) is None


def test_07a_layout_never_reads_the_form06_numbering(tmp_path):
    """07a-style forms number their fewer columns (1) … (11) their own way: read by labels, no disagreement."""
    row = {
        "received_total": 100,
        "received_new": 90,
        "carried_over": 10,
        "resolved_total": 80,
        "resolved_early_ontime": 78,
        "resolved_late": 2,
        "pending_total": 15,
        "pending_ontime": 14,
        "pending_overdue": 1,
        "supplement": 3,
        "returned": 2,
    }
    for rows in (2, 3):
        p = builders.write_form(
            tmp_path / f"a{rows}.xlsx",
            [("Huyện Tuy An", row)],
            period_text=AUG25,
            style=FileStyle(layout="07a", header_rows=rows, number_row=True),
        )
        fs = _read(p)
        assert fs.layout == "form07a" and fs.number_row is None and fs.header_disagreements == []
        assert _values(fs.rows[0]) == row


# --------------------------------------------------------------------------- number-row parser, fuzzed


def _write_number(k: int, how: str) -> Any:
    return {
        "paren": f"({k})",
        "bare": str(k),
        "spaced": f"( {k} )",
        "int": k,
        "float": float(k),
        "formula": f"({k})=({k + 1})+({k + 2})",
    }[how]


@st.composite
def number_rows(draw) -> tuple[list[Any], dict[int, int]]:
    """A number row as exports write it: numbers from ``start`` (in order, or with two labels' numbers swapped),
    blank and lettered cells between, each number in its own style."""
    start = draw(st.integers(1, 5))
    n = draw(st.integers(3, 16))
    order = list(range(start, start + n))
    if draw(st.booleans()) and n >= 2:
        i = draw(st.integers(0, n - 2))
        order[i], order[i + 1] = order[i + 1], order[i]
    cells: list[Any] = []
    expected: dict[int, int] = {}
    for k in order:
        for _ in range(draw(st.integers(0, 1))):
            cells.append(draw(st.sampled_from([None, "", " ", "A", "(b)", "4a", "*"])))
        expected[len(cells)] = k
        cells.append(_write_number(k, draw(st.sampled_from(["paren", "bare", "spaced", "int", "float", "formula"]))))
    return cells, expected


@given(number_rows())
def test_property_number_row_parser_reads_every_written_style(case):
    cells, expected = case
    assert parse_number_row(cells) == expected


@given(number_rows(), st.sampled_from(["Huyện Tuy An", "Tổng số", "Quá hạn", "12.345", "1.1", "x y"]), st.data())
def test_property_number_row_parser_refuses_a_row_with_a_word_or_a_repeat(case, word, data):
    cells, expected = case
    at = data.draw(st.integers(0, len(cells)))
    assert parse_number_row(cells[:at] + [word] + cells[at:]) is None
    k = data.draw(st.sampled_from(sorted(expected.values())))
    assert parse_number_row(cells + [f"({k})"]) is None  # a number twice: a row of counts, not column numbers


@given(
    st.lists(
        st.one_of(
            st.none(),
            st.text(max_size=12),
            st.integers(-5, 120),
            st.floats(allow_nan=True),
            st.booleans(),
            st.sampled_from(["(1)", "(13)", "1", "( 2 )", "(3)=(4)+(5)", "A", "(a)"]),
        ),
        max_size=20,
    )
)
def test_property_number_row_parser_never_raises(cells):
    got = parse_number_row(cells)
    if got is not None:
        assert len(got) >= 3 and len(set(got.values())) == len(got)
        assert all(0 <= c < len(cells) and 1 <= k <= 99 for c, k in got.items())


@given(form06_headers(), st.sampled_from(["paren", "bare", "spaced", "int"]))
def test_property_number_row_consistent_with_labels_never_changes_columns(case, how):
    """Whatever the group order, extra columns and label style: a number row giving each column the number of its
    label (not in sheet order when the groups are moved) places every column where the labels do, with no finding."""
    grid, expected = case
    lead = next(c for c, v in enumerate(grid.rows[2]) if v is not None)
    numbers: list[Any] = [None] * len(grid.rows[0])
    numbers[lead], numbers[lead + 1] = _write_number(1, how), _write_number(2, how)
    for k, c in expected.items():
        numbers[c] = _write_number(FORM_COLUMN[k], how)
    rows = grid.rows[:-1] + [numbers] + grid.rows[-1:]
    fs = read_form_sheet(Grid(grid.sheet, rows, grid.merged))
    assert fs is not None and fs.columns == expected
    assert fs.header_disagreements == [] and fs.by_numbers == []
    assert fs.number_row == len(rows) - 1 and [r.name for r in fs.rows] == ["Huyện Tuy An"]


@given(st.permutations(range(11)), st.data())
def test_property_flattened_header_any_column_order_placed_by_numbers(perm, data):
    """A flattened header in any column order with its numbers moved along: values land by number, never by position;
    moving a label away from its number (labels and numbers disagreeing) is never read as values."""
    cols = builders.COLS06
    header = ["STT", "Đơn vị"] + [builders.FLAT06[2 + i] for i in perm]
    numbers = ["(1)", "(2)"] + [f"({3 + i})" for i in perm]
    body = ["1", "Xã Tuy An Bắc"] + [U1[cols[i]] for i in perm]
    title = ["Kỳ báo cáo: " + AUG25]
    fs = read_form_sheet(Grid("S", [title, header, numbers, body], []))
    assert fs is not None and fs.header_disagreements == []
    assert _values(fs.rows[0]) == U1
    i, j = data.draw(
        st.sampled_from(
            [
                (a, b)
                for a in range(11)
                for b in range(11)
                if a < b and builders.FLAT06[2 + perm[a]] != builders.FLAT06[2 + perm[b]]
            ]
        )
    )
    moved = list(header)
    moved[2 + i], moved[2 + j] = moved[2 + j], moved[2 + i]
    fs2 = read_form_sheet(Grid("S", [title, moved, numbers, body], []))
    assert fs2 is None or fs2.header_disagreements != [] or fs2.columns == fs.columns
