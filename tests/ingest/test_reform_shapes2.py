"""Shapes of post-reform exports the second checker found misread (tests/data/reform/unseen2.py): a period across
1 July 2025, a second table on a sheet, unit codes written with the name, "Phường 01", a name wrapped onto two rows,
the month as a date cell."""

from __future__ import annotations

from datetime import date, datetime
from pathlib import Path

import openpyxl
import pandas as pd

from motcua.clean import run_clean
from motcua.ingest.form import read_form_sheet
from motcua.ingest.grid import read_book
from motcua.ingest.names import normalize_name
from motcua.ingest.unit_match import MatchContext, match_with_fallback

SUB = ["Tổng số", "Trực tuyến", "Trực tiếp, dịch vụ bưu chính", "Từ kỳ trước", "Tổng số", "Trước hạn", "Đúng hạn"]
SUB += ["Quá hạn", "Tổng số", "Trong hạn", "Quá hạn"]
GROUPS = ["Số hồ sơ nhận giải quyết"] + [None] * 3 + ["Số hồ sơ đã giải quyết"] + [None] * 3
GROUPS += ["Số hồ sơ đang giải quyết", None, None]
CTX_66 = MatchContext(schema="2025", level="commune", province_code="66")


def _row(n: int) -> list[int]:
    return [n + 1, n // 2, n - n // 2, 1, n, n // 2, n - n // 2, 0, 1, 1, 0]


def _header(ws, unit: str = "Đơn vị") -> None:
    ws.append(["STT", unit, *GROUPS])
    ws.append([None, None, *SUB])


def _book(path: Path, title: list[list], body: list[list]) -> Path:
    wb = openpyxl.Workbook()
    ws = wb.active
    ws.title = "BC"
    for t in title:
        ws.append(t)
    _header(ws)
    for r in body:
        ws.append(r)
    path.parent.mkdir(parents=True, exist_ok=True)
    wb.save(path)
    return path


def test_a_period_across_the_reform_books_nothing(tmp_path):
    """01/06/2025–31/07/2025 holds old and new units at once: "Phường Tân Lập" (legacy 24118 and 2025 24121) was
    booked to the legacy ward for the two months."""
    _book(
        tmp_path / "raw" / "BC 2 thang.xlsx",
        [["UBND TỈNH ĐẮK LẮK"], ["Từ ngày 01/06/2025 đến ngày 31/07/2025"]],
        [["1", "Phường Tân Lập", *_row(40)], ["2", "Xã Hòa Phú", *_row(30)], [None, "Tổng cộng", *_row(70)]],
    )
    res = run_clean([tmp_path / "raw"], tmp_path / "out")
    assert res.panel.empty and res.rows_in == res.rows_dropped == 2
    q = res.quality
    rows = q[(q["rule"] == "period_across_reform") & q["row"].notna()]
    assert sorted(rows["unit"]) == ["Phường Tân Lập", "Xã Hòa Phú"] and (rows["action"] == "dropped").all()
    assert rows["sheet"].eq("BC").all()


def test_a_second_table_below_the_first_is_read(tmp_path):
    """The communes, then the agencies under a header of their own: the agencies were never read nor counted."""
    wb = openpyxl.Workbook()
    ws = wb.active
    ws.append(["UBND TỈNH ĐẮK LẮK"])
    ws.append(["Từ ngày 01/09/2025 đến ngày 30/09/2025"])
    _header(ws)
    ws.append(["1", "Xã Ea Kar", *_row(20)])
    ws.append(["2", "Xã Ea Kly", *_row(40)])
    ws.append([None, "Tổng cộng", *[a + b for a, b in zip(_row(20), _row(40))]])
    ws.append([])
    ws.append(["II. CẤP TỈNH (SỞ, BAN, NGÀNH)"])
    _header(ws, "Cơ quan")
    ws.append(["1", "Sở Tư pháp", *_row(10)])
    ws.append(["2", "Công an tỉnh", *_row(90)])
    ws.append([None, "Cộng", *[a + b for a, b in zip(_row(10), _row(90))]])
    (tmp_path / "raw").mkdir()
    wb.save(tmp_path / "raw" / "BC thang 9.xlsx")
    res = run_clean([tmp_path / "raw"], tmp_path / "out")
    assert res.rows_in == res.rows_kept == 4
    assert {"66-so-tu-phap", "66-cong-an"} <= set(res.panel["unit_code"])
    assert (pd.to_datetime(res.panel["period_start"]) == pd.Timestamp("2025-09-01")).all()
    assert set(res.panel["unit_level"]) == {"commune", "agency"}


def test_a_unit_code_written_with_the_name_is_a_check():
    """ "24121 - Phường Tân Lập" was unmatched; the code must agree with the name, never replace it."""
    plain = match_with_fallback("Phường Tân Lập", CTX_66, date(2025, 9, 1))
    assert plain.matched
    for written in (
        f"{plain.unit_code} - Phường Tân Lập",
        f"[{plain.unit_code}] Phường Tân Lập",
        f"Phường Tân Lập ({plain.unit_code})",
    ):
        m = match_with_fallback(written, CTX_66, date(2025, 9, 1))
        assert m.unit_code == plain.unit_code, written
    other = match_with_fallback("Phường Buôn Ma Thuột", CTX_66, date(2025, 9, 1))
    wrong = match_with_fallback(f"{other.unit_code} - Phường Tân Lập", CTX_66, date(2025, 9, 1))
    assert not wrong.matched and wrong.method == "code_differs"
    assert [c.unit_code for c in wrong.candidates] == [plain.unit_code]
    # a row number is not a code
    assert match_with_fallback("12. Phường Tân Lập", CTX_66, date(2025, 9, 1)).unit_code == plain.unit_code


def test_prefixes_written_with_punctuation_keep_the_type_word():
    """ "Bộ phận TN&TKQ xã Ea Kar": "TN&TKQ" folds to two words, and the type word "xã" was cut with the prefix."""
    assert normalize_name("Bộ phận TN&TKQ xã Ea Kar") == "Xã Ea Kar"
    assert normalize_name("Bộ phận TN & TKQ phường Tân Lập") == "Phường Tân Lập"
    assert normalize_name("BP một cửa thị trấn Phước An") == "Thị trấn Phước An"
    assert normalize_name("UBND TP. Tuy Hoà") == "Thành phố Tuy Hòa"


def test_a_numbered_ward_with_a_leading_zero():
    assert normalize_name("Phường 01") == "Phường 1" and normalize_name("P.04") == "Phường 4"
    assert normalize_name("Phường 10") == "Phường 10"
    legacy_54 = MatchContext(schema="legacy", level="commune", province_code="54")
    assert match_with_fallback("Phường 01", legacy_54, date(2025, 6, 1)).unit_code == "22015"
    assert not match_with_fallback("Phường 3", legacy_54, date(2025, 6, 1)).matched  # merged away before 2025


def test_a_name_wrapped_onto_the_next_row_is_joined(tmp_path):
    """ "Trung tâm Phục vụ hành chính công" | "xã Hòa Phú" (the counts on the first line): the first line alone was
    matched to the provincial centre."""
    p = _book(
        tmp_path / "w.xlsx",
        [["Từ ngày 01/09/2025 đến ngày 30/09/2025"]],
        [
            ["1", "Xã Ea Kar", *_row(20)],
            ["2", "Trung tâm Phục vụ hành chính công", *_row(30)],
            [None, "xã Hòa Phú"],
            ["3", "Xã Ea Kly", *_row(40)],
            [None, "Tổng cộng", *_row(90)],
        ],
    )
    fs = read_form_sheet(read_book(p).grids[0])
    units = [(r.row, r.name) for r in fs.rows if r.kind == "unit"]
    assert units[1][1] == "Trung tâm Phục vụ hành chính công xã Hòa Phú" and len(units) == 3
    m = match_with_fallback(units[1][1], CTX_66, date(2025, 9, 1))
    assert m.unit_name == "Xã Hòa Phú"
    # a heading (capitalised) under a unit row stays a heading
    p2 = _book(
        tmp_path / "h.xlsx",
        [["Từ ngày 01/09/2025 đến ngày 30/09/2025"]],
        [["1", "Xã Ea Kar", *_row(20)], [None, "Khu vực phía Đông"], ["2", "Xã Ea Kly", *_row(40)]],
    )
    kinds = [(r.name, r.kind) for r in read_form_sheet(read_book(p2).grids[0]).rows]
    assert ("Khu vực phía Đông", "section") in kinds


def test_the_month_as_a_date_cell(tmp_path):
    """ "Tháng báo cáo:" | 01/09/2025 (a date cell shown "mm/yyyy"): no period was found."""
    p = _book(tmp_path / "bao cao (3).xlsx", [["Tháng báo cáo:", datetime(2025, 9, 1)]], [["1", "Xã Ea Kar", *_row(9)]])
    fs = read_form_sheet(read_book(p).grids[0])
    assert fs.period is not None and (fs.period.start, fs.period.end) == (date(2025, 9, 1), date(2025, 9, 30))
    # a date that is not the first of a month after "Tháng" is no month
    p2 = _book(tmp_path / "x.xlsx", [["Tháng:", datetime(2025, 9, 15)]], [["1", "Xã Ea Kar", *_row(9)]])
    assert read_form_sheet(read_book(p2).grids[0]).period is None


def _field_book(path: Path, title: str, period: str) -> Path:
    """A form whose rows are the fields (lĩnh vực) of the one unit its title names."""
    wb = openpyxl.Workbook()
    ws = wb.active
    ws.title = "BC"
    ws.append([title])
    ws.append([period])
    ws.append([])
    _header(ws, "Lĩnh vực")
    for i, f in enumerate(["Hộ tịch", "Chứng thực", "Đất đai"]):
        ws.append([i + 1, f, *_row(10 * (i + 1))])
    path.parent.mkdir(parents=True, exist_ok=True)
    wb.save(path)
    return path


def test_a_commune_centres_own_report_by_field(tmp_path):
    """A commune centre reports its own fields under its name ("TRUNG TÂM PHỤC VỤ HÀNH CHÍNH CÔNG XÃ EA KAR"): the
    title was not read as a unit (the commune-month lost); an old-era title is refused naming its successors or
    predecessors, as a unit row would be."""
    raw = tmp_path / "raw"
    _field_book(
        raw / "Ea Kar T9.xlsx", "TRUNG TÂM PHỤC VỤ HÀNH CHÍNH CÔNG XÃ EA KAR", "Từ ngày 01/09/2025 đến ngày 30/09/2025"
    )
    _field_book(raw / "Krong Pac T12.xlsx", "UBND HUYỆN KRÔNG PẮC", "Từ ngày 01/12/2025 đến ngày 31/12/2025")
    _field_book(raw / "Ea Kar T6.xlsx", "BỘ PHẬN TN&TKQ XÃ EA KAR", "Từ ngày 01/06/2025 đến ngày 30/06/2025")
    res = run_clean([raw], tmp_path / "out")
    assert res.rows_in == res.rows_kept + res.rows_dropped == 3
    assert list(zip(res.panel["unit_schema"], res.panel["unit_name"])) == [("2025", "Xã Ea Kar")]
    q = res.quality[res.quality["action"] == "dropped"]
    by_file = {Path(str(f)).name: (r, m) for f, r, m in zip(q["file"], q["rule"], q["message"])}
    assert by_file["Krong Pac T12.xlsx"][0] == "unit_other_era" and "kế thừa" in by_file["Krong Pac T12.xlsx"][1]
    assert by_file["Ea Kar T6.xlsx"][0] == "unit_other_era" and "tiền thân" in by_file["Ea Kar T6.xlsx"][1]


def test_a_district_written_after_the_name_is_a_check():
    """ "Xã Ea Kar, huyện Ea Kar" was unmatched. The district must hold the commune (2025: a predecessor district of
    its area), and it tells apart legacy communes of one name ("Xã Hòa Phú" of Buôn Ma Thuột and of Tây Hòa)."""
    sep = date(2025, 9, 1)
    for written in ("Xã Ea Kar, huyện Ea Kar", "Xã Ea Kar - Huyện Ea Kar (cũ)", "Xã Ea Kar - huyện Ea Kar cũ"):
        assert match_with_fallback(written, CTX_66, sep).unit_name == "Xã Ea Kar", written
    wrong = match_with_fallback("Xã Ea Kar, huyện Krông Pắc", CTX_66, sep)
    assert not wrong.matched and wrong.method == "district_differs"
    legacy = MatchContext(schema="legacy", level="commune", province_code="54")
    may = date(2025, 5, 1)
    assert match_with_fallback("Xã Hòa Phú", legacy, may).method == "ambiguous"
    bmt = match_with_fallback("Xã Hòa Phú - TP Buôn Ma Thuột", legacy, may)
    tay_hoa = match_with_fallback("Xã Hòa Phú, huyện Tây Hòa", legacy, may)
    assert bmt.province_code == "66" and tay_hoa.province_code == "54" and bmt.unit_code != tay_hoa.unit_code
    assert not match_with_fallback("Xã Hòa Phú, huyện Krông Pắc", legacy, may).matched


def test_level_rows_with_their_sums_are_subtotals(tmp_path):
    """ "Toàn tỉnh" = "Cấp tỉnh" + "Cấp xã", each level row with its sums above its units: the level rows were read
    as unknown units (two false rejections) and summed into the units against the totals row."""
    raw = tmp_path / "raw"
    _book(
        raw / "BC thang 9.xlsx",
        [["UBND TỈNH ĐẮK LẮK"], ["Từ ngày 01/09/2025 đến ngày 30/09/2025"]],
        [
            [None, "Toàn tỉnh", *[a + b + c for a, b, c in zip(_row(10), _row(20), _row(30))]],
            [None, "Cấp tỉnh", *_row(10)],
            ["1", "Sở Tư pháp", *_row(10)],
            [None, "CẤP XÃ (2 xã)", *[a + b for a, b in zip(_row(20), _row(30))]],
            ["1", "Xã Ea Kar", *_row(20)],
            ["2", "Xã Ea Kly", *_row(31)],
        ],
    )
    res = run_clean([raw], tmp_path / "out")
    assert res.rows_in == res.rows_kept == 3
    q = res.quality
    assert not (q["rule"] == "unit_unmatched").any()
    bad = q[q["rule"] == "subtotal_mismatch"]
    assert list(bad["row"]) == [8]  # the communes' level row, one off against Xã Ea Kly's 31
    assert (q["rule"] == "totals_mismatch").sum() == 1  # the total counts the units only (one off too)


def test_a_tidy_row_across_the_reform_is_refused(tmp_path):
    """A tidy row of 06–07/2025 passed the schema check either way (legacy: it starts before 1/7/2025; 2025: it
    ends after) and was booked across the reform."""
    head = "unit_schema,unit_code,unit_name,period_start,period_end,received_total,received_online,received_offline"
    head += ",carried_over,resolved_total,resolved_early,resolved_ontime,resolved_late,pending_total,pending_ontime"
    head += ",pending_overdue"
    counts = "12,1,9,2,10,5,4,1,2,1,1"
    lines = [
        head,
        f"legacy,559,Huyện Tuy An,2025-06-01,2025-07-31,{counts}",
        f"2025,22015,Phường Tuy Hòa,2025-06-01,2025-07-31,{counts}",
        f"legacy,559,Huyện Tuy An,2025-05-01,2025-05-31,{counts}",
    ]
    raw = tmp_path / "raw"
    raw.mkdir()
    (raw / "bang.csv").write_text("\n".join(lines) + "\n", encoding="utf-8")
    res = run_clean([raw], tmp_path / "out")
    assert res.rows_in == 3 and res.rows_kept == 1
    assert list(pd.to_datetime(res.panel["period_start"])) == [pd.Timestamp("2025-05-01")]
    q = res.quality
    assert sorted(q.loc[q["rule"] == "period_across_reform", "row"].astype(int)) == [2, 3]
