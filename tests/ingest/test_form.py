"""Aggregate forms: header found by labels, messy layouts, totals and subtotals, 07a, .xls."""

from __future__ import annotations

import importlib.util
from pathlib import Path

import pytest

from motcua.ingest.form import read_form_sheet
from motcua.ingest.grid import UnreadableFile, read_book
from motcua.sample.workbook import FileStyle, RowSpec

_spec = importlib.util.spec_from_file_location(
    "builders", Path(__file__).parents[1] / "data" / "ingest" / "builders.py"
)
builders = importlib.util.module_from_spec(_spec)
_spec.loader.exec_module(builders)  # type: ignore[union-attr]
counts, write_form = builders.counts, builders.write_form

XLS = Path(__file__).parents[1] / "data" / "ingest" / "bieu06_2024-03.xls"
A = counts(10, 90, 5, 60, 30, 2, 10, 3)
B = counts(1, 49, 0, 20, 20, 0, 10, 0)


def _read(path: Path):
    book = read_book(path)
    return read_form_sheet(book.grids[0])


@pytest.mark.parametrize(
    "style, unmerge",
    [
        (FileStyle(header_rows=3, number_row=True), False),
        (FileStyle(header_rows=2, number_row=False), False),
        (
            FileStyle(header_rows=3, number_row=False, leading_blank_col=True, section_row=True, hierarchical_stt=True),
            False,
        ),
        (FileStyle(header_rows=2, number_row=True, extra_rate_col=True), False),
        (FileStyle(header_rows=3, number_row=True), True),  # no merge information at all
        (FileStyle(header_rows=2, numbers_as_text=True), False),
    ],
)
def test_layout_variants_read_the_same_values(tmp_path, style, unmerge):
    p = write_form(
        tmp_path / "f.xlsx",
        [("Huyện Tuy An", A), ("Huyện Sơn Hòa", B)],
        period_text="Từ ngày 01/03/2024 đến ngày 31/03/2024",
        style=style,
        unmerge=unmerge,
    )
    fs = _read(p)
    assert fs is not None and fs.layout == "form06"
    units = [r for r in fs.rows if r.kind == "unit"]
    assert [r.name for r in units] == ["Huyện Tuy An", "Huyện Sơn Hòa"]
    assert {k: v.value for k, v in units[0].values.items()} == A
    assert {k: v.value for k, v in units[1].values.items()} == B
    assert [r.kind for r in fs.rows].count("total") == 1
    assert fs.period.start.isoformat() == "2024-03-01" and not fs.period.from_label


def test_columns_matched_by_label_not_position(tmp_path):
    """Swap two columns' labels: the values must follow the labels."""
    p = write_form(tmp_path / "f.xlsx", [("Huyện Tuy An", A)], period_text="Từ ngày 01/03/2024 đến ngày 31/03/2024")
    import openpyxl

    wb = openpyxl.load_workbook(p)
    ws = wb.active
    # header row 9 holds "Trước hạn" (col H) and "Đúng hạn" (col I) in a 3-row header
    h, i = ws["H9"].value, ws["I9"].value
    assert (h, i) == ("Trước hạn", "Đúng hạn")
    ws["H9"].value, ws["I9"].value = i, h
    wb.save(p)
    fs = _read(p)
    vals = {k: v.value for k, v in fs.rows[0].values.items()}
    assert vals["resolved_early"] == A["resolved_ontime"] and vals["resolved_ontime"] == A["resolved_early"]


def test_subtotal_rows_are_not_units(tmp_path):
    sub = RowSpec("1", "Cấp huyện", {k: A[k] + B[k] for k in A})
    p = write_form(
        tmp_path / "f.xlsx",
        [],
        period_text="Từ ngày 01/03/2024 đến ngày 31/03/2024",
        extra_rows=[sub, RowSpec("1.1", "Huyện Tuy An", A), RowSpec("1.2", "Huyện Sơn Hòa", B)],
        totals={k: A[k] + B[k] for k in A},
    )
    fs = _read(p)
    kinds = [(r.name, r.kind) for r in fs.rows]
    assert kinds == [
        ("Cấp huyện", "subtotal"),
        ("Huyện Tuy An", "unit"),
        ("Huyện Sơn Hòa", "unit"),
        ("Tổng cộng", "total"),
    ]


def test_07a_layout_leaves_missing_columns_null(tmp_path):
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
    p = write_form(
        tmp_path / "f.xlsx",
        [("Huyện Tuy An", row)],
        period_text="Từ ngày 01/01/2019 đến ngày 31/03/2019",
        style=FileStyle(layout="07a", header_rows=2),
    )
    fs = _read(p)
    assert fs.layout == "form07a"
    vals = {k: v.value for k, v in fs.rows[0].values.items()}
    assert vals == row
    assert "received_online" not in fs.columns and "resolved_early" not in fs.columns


def test_sheet_without_header_is_none(tmp_path):
    import openpyxl

    wb = openpyxl.Workbook()
    wb.active.append(["Ghi chú", "không phải biểu mẫu"])
    wb.active.append([1, 2, 3])
    wb.save(tmp_path / "x.xlsx")
    assert _read(tmp_path / "x.xlsx") is None


def test_truncated_file_is_unreadable(tmp_path):
    good = write_form(tmp_path / "f.xlsx", [("Huyện Tuy An", A)], period_text="Từ ngày 01/03/2024 đến ngày 31/03/2024")
    bad = tmp_path / "bad.xlsx"
    bad.write_bytes(good.read_bytes()[:1500])
    with pytest.raises(UnreadableFile):
        read_book(bad)


def test_xls_fixture():
    fs = _read(XLS)
    assert fs.layout == "form06"
    assert (fs.period.start.isoformat(), fs.period.end.isoformat()) == ("2024-02-15", "2024-03-14")
    units = [r for r in fs.rows if r.kind == "unit"]
    assert [r.name for r in units] == ["TP. Tuy Hòa", "UBND huyện Đồng Xuân", "Huyen Son Hoa"]
    assert units[1].values["received_total"].value == 1050  # text "1.050"
    assert units[0].values["pending_overdue"].value == 4


def test_online_split_into_levels_is_summed(tmp_path):
    """Before 2022 online dossiers came as "mức độ 3" and "mức độ 4": (4) is their sum (no merged cells here)."""
    import openpyxl

    wb = openpyxl.Workbook()
    ws = wb.active
    ws.append(["Kỳ báo cáo: Từ ngày 01/03/2021 đến ngày 31/03/2021"])
    ws.append([])
    ws.append(
        [
            "STT",
            "Đơn vị",
            "Số hồ sơ nhận giải quyết",
            None,
            None,
            None,
            None,
            "Số hồ sơ đã giải quyết",
            None,
            None,
            None,
            "Số hồ sơ đang giải quyết",
            None,
            None,
        ]
    )
    ws.append(
        [
            None,
            None,
            "Tổng số",
            "Trực tuyến mức độ 3",
            "Trực tuyến mức độ 4",
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
    )
    ws.append(["1", "Huyện Tuy An", 110, 3, 2, 95, 10, 100, 60, 39, 1, 10, 9, 1])
    wb.save(tmp_path / "md34.xlsx")
    fs = _read(tmp_path / "md34.xlsx")
    assert fs.layout == "form06_online_parts"
    assert fs.rows[0].values["received_online"].value == 5
    assert fs.rows[0].values["received_offline"].value == 95


# --------------------------------------------------------------------------- totals words: diacritics count

AUG25 = "Từ ngày 01/08/2025 đến ngày 31/08/2025"
POLICE = counts(300, 120, 40, 250, 150, 5, 40, 15)


def test_police_row_between_communes_is_a_unit_row_and_the_body_goes_on(tmp_path):
    """ "Công an tỉnh" folds to "cong an tinh" like a "Cộng …" totals row; spelled with "Công" it is a unit row, every
    row after it is read and the real "Tổng cộng" still ends the body."""
    p = write_form(
        tmp_path / "f.xlsx",
        [("Xã Tuy An Bắc", A), ("Công an tỉnh", POLICE), ("Phường Tuy Hòa", B), ("Xã Sơn Hòa", A)],
        period_text=AUG25,
    )
    fs = _read(p)
    assert [(r.name, r.kind) for r in fs.rows] == [
        ("Xã Tuy An Bắc", "unit"),
        ("Công an tỉnh", "unit"),
        ("Phường Tuy Hòa", "unit"),
        ("Xã Sơn Hòa", "unit"),
        ("Tổng cộng", "total"),
    ]
    assert {k: v.value for k, v in fs.rows[1].values.items()} == POLICE
    assert fs.rows[1].extra.get("_folds_to_totals") == "Cộng"
    assert (
        fs.rows[-1].values["received_total"].value
        == 2 * A["received_total"] + B["received_total"] + POLICE["received_total"]
    )


@pytest.mark.parametrize(
    "label, total",
    [
        ("Tổng cộng", True),
        ("TỔNG CỘNG", True),
        ("Tổng cộng:", True),
        ("TONG CONG", True),
        ("Tong cong", True),
        ("Cộng", True),
        ("cong", True),
        ("Tổng số", True),
        ("Tổng", True),
        ("Toàn tỉnh", True),
        ("Tổng cộng toàn tỉnh", True),
        ("Tổng cô\u0323ng", True),  # NFD combining dot below: still "Tổng cộng"
        ("Công an tỉnh", False),
        ("CÔNG AN TỈNH", False),
        ("Công an tỉnh Đắk Lắk", False),
        ("CONG AN TINH", False),
        ("Tổng công ty Điện lực miền Trung", False),
        ("Tông", False),
        ("Tong cộng", False),
        ("Cống Sơn", False),
    ],
)
def test_totals_word_must_keep_its_diacritics(tmp_path, label, total):
    p = write_form(
        tmp_path / "f.xlsx",
        [("Huyện Tuy An", A), (label, B), ("Huyện Sơn Hòa", A)],
        period_text="Từ ngày 01/03/2024 đến ngày 31/03/2024",
    )
    fs = _read(p)
    kinds = [(r.name, r.kind) for r in fs.rows]
    if total:  # a totals word with unit rows below: a group's subtotal, and the rows below it are still read
        assert kinds == [
            ("Huyện Tuy An", "unit"),
            (fs.rows[1].name, "subtotal"),
            ("Huyện Sơn Hòa", "unit"),
            ("Tổng cộng", "total"),
        ]
    else:
        assert kinds == [
            ("Huyện Tuy An", "unit"),
            (fs.rows[1].name, "unit"),
            ("Huyện Sơn Hòa", "unit"),
            ("Tổng cộng", "total"),
        ]


def test_province_subtotal_is_read_as_written(tmp_path):
    """Under a heading "Tỉnh Cao Bằng", "Cộng tỉnh Cao Bằng" closes the group; "Công an tỉnh Cao Bằng" is a unit row."""
    rows = [
        RowSpec("I", "Tỉnh Cao Bằng", kind="section"),
        RowSpec("1", "Huyện Bảo Lâm", A),
        RowSpec("2", "Công an tỉnh Cao Bằng", B),
        RowSpec("", "Cộng tỉnh Cao Bằng", {k: A[k] + B[k] for k in A}),
        RowSpec("II", "Tỉnh Lâm Đồng", kind="section"),
        RowSpec("1", "Huyện Bảo Lâm", B),
    ]
    p = write_form(
        tmp_path / "f.xlsx",
        [],
        period_text="Từ ngày 01/03/2024 đến ngày 31/03/2024",
        extra_rows=rows,
        totals={k: A[k] + 2 * B[k] for k in A},
    )
    fs = _read(p)
    assert [(r.name, r.kind) for r in fs.rows] == [
        ("Tỉnh Cao Bằng", "section"),
        ("Huyện Bảo Lâm", "unit"),
        ("Công an tỉnh Cao Bằng", "unit"),
        ("Cộng tỉnh Cao Bằng", "subtotal"),
        ("Tỉnh Lâm Đồng", "section"),
        ("Huyện Bảo Lâm", "unit"),
        ("Tổng cộng", "total"),
    ]


def test_field_form_title_unit_keeps_its_diacritics(tmp_path):
    """ "UBND HUYỆN TỊNH BIÊN" names a district ("Tịnh" is not "Tỉnh"): the field form's unit is found."""
    import openpyxl

    wb = openpyxl.Workbook()
    ws = wb.active
    ws.append(["UBND HUYỆN TỊNH BIÊN"])
    ws.append(["Kỳ báo cáo: Từ ngày 01/03/2024 đến ngày 31/03/2024"])
    ws.append(
        [
            "STT",
            "Lĩnh vực",
            "Số hồ sơ nhận giải quyết",
            None,
            None,
            None,
            "Số hồ sơ đã giải quyết",
            None,
            None,
            None,
            "Số hồ sơ đang giải quyết",
            None,
            None,
        ]
    )
    ws.append(
        [
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
    )
    ws.append(["1", "Hộ tịch", 110, 5, 95, 10, 100, 60, 39, 1, 10, 9, 1])
    wb.save(tmp_path / "lv.xlsx")
    fs = _read(tmp_path / "lv.xlsx")
    assert fs.field_mode and fs.title_unit == "UBND HUYỆN TỊNH BIÊN"


def test_every_layout_spells_its_totals_words_with_diacritics():
    """A layout's totals_row patterns are written with diacritics (config/layouts/*.yaml): a pattern written folded
    ("^tong cong") would never match "Tổng cộng" as written, and every export's totals row would become a unit row."""
    from motcua.ingest.form import _totals_label, aggregate_layouts

    for layout in aggregate_layouts():
        for label in ("Tổng cộng", "TỔNG CỘNG", "Tổng cộng:", "TONG CONG", "Cộng", "Tổng số"):
            assert _totals_label(label, layout)[0], (layout.name, label)
        for label in ("Công an tỉnh", "CONG AN TINH", "Huyện Tuy An", "Tổng công ty Điện lực"):
            assert not _totals_label(label, layout)[0], (layout.name, label)
