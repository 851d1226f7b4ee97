"""Shapes of post-reform exports the first readers missed (found by tests/data/reform/unseen.py): subtotal rows
"Cộng I", "1." numbering, partly merged headers, notes after a name, and another type word across the reform."""

from __future__ import annotations

from datetime import date
from pathlib import Path

import openpyxl

from motcua.ingest.form import read_form_sheet
from motcua.ingest.grid import read_book
from motcua.ingest.names import normalize_name
from motcua.ingest.unit_match import MatchContext, match_with_fallback

COLS = ["Tổng số", "Trực tuyến", "Trực tiếp, dịch vụ bưu chính", "Từ kỳ trước", "Tổng số", "Trước hạn", "Đúng hạn"]
COLS += ["Quá hạn", "Tổng số", "Trong hạn", "Quá hạn"]
GROUPS = ["Số hồ sơ nhận giải quyết"] + [None] * 3 + ["Số hồ sơ đã giải quyết"] + [None] * 3
GROUPS += ["Số hồ sơ đang giải quyết", None, None]


def _row(n: int) -> list[int]:
    return [n + 1, n // 2, n - n // 2, 1, n, n // 2, n - n // 2, 0, 1, 1, 0]


def _book(path: Path, body: list[list], merge_first_group_only: bool = False) -> Path:
    wb = openpyxl.Workbook()
    ws = wb.active
    ws.append(["UBND TỈNH ĐẮK LẮK"])
    ws.append(["Kỳ báo cáo: từ ngày 01/09/2025 đến ngày 30/09/2025"])
    ws.append(["STT", "Đơn vị", *GROUPS])
    ws.append([None, None, *COLS])
    if merge_first_group_only:  # only the first group merged; the others written in their first cell alone
        ws.merge_cells(start_row=3, start_column=3, end_row=3, end_column=6)
        ws.merge_cells(start_row=3, start_column=1, end_row=4, end_column=1)
    for r in body:
        ws.append(r)
    wb.save(path)
    return path


def _kinds(path: Path) -> list[tuple[str, str]]:
    fs = read_form_sheet(read_book(path).grids[0])
    assert fs is not None
    return [(r.name or r.stt, r.kind) for r in fs.rows]


def test_group_subtotals_do_not_end_the_table(tmp_path):
    body = [
        ["A", "CẤP TỈNH"],
        ["1.", "Sở Tư pháp", *_row(10)],
        [None, "Cộng", *_row(10)],
        ["B", "CẤP XÃ"],
        ["1", "Xã Ea Kar", *_row(20)],
        ["2", "Công an tỉnh", *_row(30)],
        [None, "Cộng I", *_row(50)],
        ["3", "Xã Ea Kly", *_row(40)],
        [None, "Cộng II", *_row(40)],
        [None, "Tổng cộng", *_row(100)],
        [None, None, None, None, None, None, None, None, "Đắk Lắk, ngày 5 tháng 10 năm 2025"],
    ]
    kinds = _kinds(_book(tmp_path / "t.xlsx", body))
    assert kinds == [
        ("CẤP TỈNH", "section"),
        ("Sở Tư pháp", "unit"),  # STT "1." is not the parent of the communes' "1"
        ("Cộng", "subtotal"),
        ("CẤP XÃ", "section"),
        ("Xã Ea Kar", "unit"),
        ("Công an tỉnh", "unit"),
        ("Cộng I", "subtotal"),
        ("Xã Ea Kly", "unit"),
        ("Cộng II", "subtotal"),
        ("Tổng cộng", "total"),
    ]


def test_a_header_with_only_some_groups_merged(tmp_path):
    path = _book(tmp_path / "t.xlsx", [["1", "Xã Ea Kar", *_row(20)]], merge_first_group_only=True)
    fs = read_form_sheet(read_book(path).grids[0])
    assert fs is not None and [r.name for r in fs.rows] == ["Xã Ea Kar"]
    assert fs.rows[0].values["resolved_total"].value == 20 and fs.rows[0].values["pending_total"].value == 1


def test_a_trailing_note_in_brackets_is_not_part_of_the_name():
    assert normalize_name("Phường Tân Lập (TP. Buôn Ma Thuột cũ)") == "Phường Tân Lập"
    assert normalize_name("Xã Ea Kao\n(sáp nhập)") == "Xã Ea Kao"
    assert normalize_name("(1) Xã Ea Kar") == "(1) Xã Ea Kar"  # nothing before the bracket: left as written


def test_another_type_word_never_takes_a_name_the_other_era_holds():
    """ "Xã Ea Kao" after 1/7/2025 is the legacy commune (merged into Phường Ea Kao, which re-uses its code):
    refused with the successors named, not booked to the ward by a change of type word."""
    after, before = date(2025, 9, 1), date(2025, 3, 1)
    for ctx in (MatchContext("legacy", "district", "54"), MatchContext("2025", "commune", "66")):
        m = match_with_fallback("Xã Ea Kao", ctx, after)
        assert not m.matched and m.method == "other_era" and m.candidates[0].unit_name == "Xã Ea Kao"
        m = match_with_fallback("TT Ea Drăng", ctx, after)
        assert not m.matched and m.method == "other_era"
        assert match_with_fallback("Xã Ea Kao", ctx, before).unit_schema == "legacy"
        assert match_with_fallback("Phường Ea Kao", ctx, after).unit_code == "24169"
        assert match_with_fallback("Xã M'Đrắk", ctx, after).unit_code == "24412"  # alias: the district's spelling


def test_a_totals_row_written_above_the_units(tmp_path):
    body = [
        [None, "TỔNG CỘNG", *_row(60)],
        ["I", "Khu vực phía Tây"],
        ["1", "Xã Ea Kar", *_row(20)],
        [None, "Cộng I", *_row(20)],
        ["II", "Khu vực phía Đông"],
        ["1", "Xã Ea Kly", *_row(40)],
        [None, "Cộng II", *_row(40)],
    ]
    kinds = _kinds(_book(tmp_path / "t.xlsx", body))
    assert [k for _, k in kinds] == ["total", "section", "unit", "subtotal", "section", "unit", "subtotal"]


def test_an_agency_before_the_reform_is_the_named_province_s_and_refused_when_two_could_be():
    """Before 1/7/2025 the area of the 2025 Đắk Lắk is legacy Đắk Lắk and Phú Yên, each with its own Sở Tư pháp: a
    sở on a sheet naming neither is refused naming both, under either era's code of the province; under a title
    naming one, that one's. After the reform the province is one: booked there."""
    when, after = date(2024, 3, 1), date(2025, 9, 1)
    for ctx in (MatchContext("legacy", "district", "54"), MatchContext("2025", "commune", "66")):
        m = match_with_fallback("Sở Tư pháp", ctx, when)
        assert not m.matched and m.method == "agency_province_unknown"
        assert sorted(c.unit_code for c in m.candidates) == ["54-so-tu-phap", "66-so-tu-phap"]
        assert match_with_fallback("Sở Tư pháp", ctx, when, province_hint="54").unit_code == "54-so-tu-phap"
        assert match_with_fallback("Sở Tư pháp", ctx, when, province_hint="66").unit_code == "66-so-tu-phap"
        assert match_with_fallback("Sở Tư pháp", ctx, after).unit_code == "66-so-tu-phap"
        assert match_with_fallback("Sở Tư pháp tỉnh Phú Yên", ctx, when).unit_code == "54-so-tu-phap"
        assert match_with_fallback("Công an tỉnh Đắk Lắk", ctx, when).unit_code == "66-cong-an"


def test_month_sheets_of_a_quarter_workbook_take_their_own_month(tmp_path):
    """ "BC quy IV-2025.xlsx" with sheets "T10.2025", "Tháng 11", "T12" and no dates in them: each sheet is its
    month (not the quarter three times over); a sheet name outside the file's quarter is not used."""
    from motcua.clean import run_clean

    wb = openpyxl.Workbook()
    wb.remove(wb.active)
    for sheet in ("T10.2025", "Tháng 11", "T12"):
        ws = wb.create_sheet(sheet)
        ws.append(["UBND TỈNH ĐẮK LẮK"])
        ws.append(["BÁO CÁO TÌNH HÌNH GIẢI QUYẾT TTHC"])
        ws.append(["STT", "Đơn vị", *GROUPS])
        ws.append([None, None, *COLS])
        ws.append(["1", "Xã Ea Kar", *_row(20)])
    wb.save(tmp_path / "BC quy IV-2025.xlsx")
    res = run_clean([tmp_path / "BC quy IV-2025.xlsx"], None)
    got = sorted(zip(res.panel["period_start"].dt.strftime("%Y-%m-%d"), res.panel["period_end"].dt.strftime("%m-%d")))
    assert got == [("2025-10-01", "10-31"), ("2025-11-01", "11-30"), ("2025-12-01", "12-31")]
    assert res.rows_in == res.rows_kept == 3

    from motcua.ingest.periods import parse_period_filename, parse_period_sheetname

    q4 = parse_period_filename("BC quy IV-2025.xlsx")
    assert parse_period_sheetname("T10-2024", q4) is None and parse_period_sheetname("Sheet1", q4) is None
    assert parse_period_sheetname("2025", None) is None  # a year-named sheet never widens a file's month


def test_an_agency_beside_one_province_s_units_is_that_province_s_under_either_code():
    """The rows of one sheet (or dossier file): a sở refused for want of a province takes the province of the units
    beside it of its era when they all lie in one; units of both predecessors settle nothing."""
    from motcua.ingest.unit_match import settle_agencies

    when = date(2024, 3, 1)
    for ctx in (MatchContext("legacy", "district", "54"), MatchContext("2025", "commune", "66")):

        def settled(names, start=when):
            ms = [match_with_fallback(n, ctx, start) for n in names]
            again = settle_agencies(ms, lambda i, code: match_with_fallback(names[i], ctx, start, province_hint=code))
            return [m.unit_code for m in again]

        assert settled(["Huyện Tuy An", "Sở Tư pháp"]) == ["559", "54-so-tu-phap"]
        assert settled(["Huyện Ea Kar", "Sở Tư pháp"])[1] == "66-so-tu-phap"
        assert settled(["Huyện Tuy An", "Huyện Ea Kar", "Sở Tư pháp"])[2] is None  # two provinces: still refused
        assert settled(["Sở Tư pháp"]) == [None]
