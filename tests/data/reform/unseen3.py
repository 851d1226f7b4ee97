"""A third round of post-reform exports nobody here has seen, written with openpyxl directly (a fixture module).

Grain of what :func:`write_unseen3` writes: form-06 exports of the communes of the 2025 Tỉnh Đắk Lắk (66) that lie
in the former Đắk Lắk area (as tests/data/reform/unseen2.py, whose simulation it reuses with another seed) and
three agencies, one file per month 07/2025–11/2026 except 03/2026, each month in another shape; a year-to-date
file standing for March 2026; a quarter; a sheet of the former Phú Yên area's communes under the pre-merger
province's heading.

The shapes, none of which the first two rounds wrote: a three-row header whose group labels are split over two
rows ("Số hồ sơ đã" | "giải quyết") with vertical merges; a sheet per commune; counts as text with Vietnamese
thousands dots ("1.234") beside percent cells ("97,5%"); hidden rows and a hidden column of last month's figures;
the totals row at the top; a year-to-date file ("LŨY KẾ TỪ ĐẦU NĂM ĐẾN HẾT THÁNG 3/2026", no monthly March file):
differenced against January and February into March; a quarter file ("Quý III/2025") whose months are all there:
a check, not booked; names in decomposed Unicode (combining marks) with non-breaking spaces; "P." and "TT PVHCC"
abbreviations; the dissolved "TP. Buôn Ma Thuột" written after the reform (refused); a sheet headed by the
pre-merger "UBND TỈNH PHÚ YÊN" after 07/2025 (its communes booked to the 2025 province); an English header grouped
over two rows; merged name cells; a "Mã ĐVHC" column.

:func:`write_unseen3` returns the truth: every unit row written, with the key and period it must be booked to,
None when it must be refused with a finding, ``ANY`` when booking it or dropping it as a duplicate of the shipped
sample's identical row are both right.
"""

from __future__ import annotations

import importlib.util
import sys
import unicodedata
from datetime import date
from pathlib import Path
from typing import Any

import openpyxl

_here = Path(__file__).resolve().parent
if "reform_unseen2" not in sys.modules:
    _spec = importlib.util.spec_from_file_location("reform_unseen2", _here / "unseen2.py")
    _mod = importlib.util.module_from_spec(_spec)  # type: ignore[arg-type]
    sys.modules["reform_unseen2"] = _mod
    _spec.loader.exec_module(_mod)  # type: ignore[union-attr]
u2 = sys.modules["reform_unseen2"]

COLS = u2.COLS
ANY = u2.ANY
ZERO = u2.ZERO
H_GROUP, H_SUB = u2.H_GROUP, u2.H_SUB
TITLE = u2.TITLE
Truth = u2.Truth
_title, _header, _vals, _sum, _period = u2._title, u2._header, u2._vals, u2._sum, u2._period
ROOT = _here.parents[2]


def _dots(x: int) -> str:
    """A count as Vietnamese text: "1.234" for 1234."""
    return f"{x:,}".replace(",", ".")


class _Writer(u2._Writer):
    """unseen2's writer with this round's simulation (another seed) and the year-to-date sums."""

    def ytd(self, key: str, upto: date) -> dict[str, int]:
        """The year-to-date row of a unit from January of ``upto``'s year to the month ``upto``: flows summed,
        (6) the carried-over at 1 January, stocks (11)–(13) at the end, (3) = (4)+(5)+(6)."""
        ms = [s for s, _ in u2.months() if s.year == upto.year and s <= upto]
        rows = [self.sim[(key, s)] for s in ms]
        out = {c: sum(r[c] for r in rows) for c in COLS}
        out["carried_over"] = rows[0]["carried_over"]
        for c in ("pending_total", "pending_ontime", "pending_overdue"):
            out[c] = rows[-1][c]
        out["received_total"] = out["received_online"] + out["received_offline"] + out["carried_over"]
        return out


def write_unseen3(folder: Path, seed: int = 11) -> Truth:
    """Write the exports into ``folder``; return what each unit row written must become."""
    w = _Writer(Path(folder), seed)
    for s, e in u2.months():
        shape = SHAPES.get((s.year, s.month), m_plain)
        shape(w, s, e)
    _quarter(w)
    _phu_yen_heading(w)
    return w.truth


# each month's shape ------------------------------------------------------------------------------------------


def m_split_group_labels(w: _Writer, s: date, e: date) -> None:
    """07/2025: a three-row header: each group label split over two rows without a merge ("Số hồ sơ đã" over
    "giải quyết"), "STT" and "Tên đơn vị" merged down three rows, then the leaves and the number row."""
    fname = "BC 07.2025 cap xa.xlsx"
    wb = openpyxl.Workbook()
    ws = wb.active
    ws.title = "Bieu 06"
    r = _title(ws, [*TITLE, _period(s, e)])
    ws.cell(r, 1, "STT")
    ws.cell(r, 2, "Tên đơn vị")
    ws.merge_cells(start_row=r, start_column=1, end_row=r + 2, end_column=1)
    ws.merge_cells(start_row=r, start_column=2, end_row=r + 2, end_column=2)
    for c0, c1, a, b in ((3, 6, "Số hồ sơ nhận", "giải quyết"), (7, 10, "Số hồ sơ đã", "giải quyết"),
                         (11, 13, "Số hồ sơ đang", "giải quyết")):  # fmt: skip
        ws.cell(r, c0, a)
        ws.cell(r + 1, c0, b)
        ws.merge_cells(start_row=r, start_column=c0, end_row=r, end_column=c1)
        ws.merge_cells(start_row=r + 1, start_column=c0, end_row=r + 1, end_column=c1)
    for j, v in enumerate(H_SUB):
        ws.cell(r + 2, 3 + j, v)
    for j in range(13):
        ws.cell(r + 3, 1 + j, f"({j + 1})")
    r += 4
    rows = w.unit_rows(s)
    for i, (n, v, k) in enumerate(rows):
        ws.cell(r, 1, i + 1)
        ws.cell(r, 2, n)
        _vals(ws, r, 3, v)
        w.record(fname, ws.title, n, s, e, k, v)
        r += 1
    ws.cell(r, 2, "Tổng cộng")
    _vals(ws, r, 3, _sum([v for _, v, _ in rows]))
    w.save(wb, f"2025/{fname}")


def m_sheet_per_commune(w: _Writer, s: date, e: date) -> None:
    """08/2025: one sheet per unit, named after it (cut to 31 characters), each a form with one unit row, its
    name merged over two columns, and a "Tổng cộng" row; a first sheet "Tong hop" left empty but for a title."""
    fname = "BC T8-2025 tung xa.xlsx"
    wb = openpyxl.Workbook()
    first = wb.active
    first.title = "Tong hop"
    first["A1"] = "TỔNG HỢP (xem từng trang tính)"
    used: set[str] = set()
    for n, v, k in w.unit_rows(s):
        title = n.replace("Phường ", "P ").replace("Xã ", "X ")[:28]
        while title in used:
            title = title[:26] + f"_{len(used) % 10}"
        used.add(title)
        ws = wb.create_sheet(title)
        w.plain(ws, fname, s, e, [*TITLE, f"Đơn vị: {n}", _period(s, e)], [(n, v, k)], footer=False)
    w.save(wb, f"2025/{fname}")


def m_text_dots_percent(w: _Writer, s: date, e: date) -> None:
    """09/2025: every count as text, thousands with a dot ("1.234"), and "Tỷ lệ đúng hạn" / "Tỷ lệ trực tuyến"
    columns as percent text ("97,5%") between the counts and a "Ghi chú" column."""
    fname = "BC thang 9 nam 2025.xlsx"
    wb = openpyxl.Workbook()
    ws = wb.active
    ws.title = "T9"
    r0 = _title(ws, [*TITLE, _period(s, e)])
    r = _header(ws, r0)
    for c, lab in ((14, "Tỷ lệ đúng hạn (%)"), (15, "Tỷ lệ trực tuyến (%)"), (16, "Ghi chú")):
        ws.cell(r0, c, lab)
        ws.merge_cells(start_row=r0, start_column=c, end_row=r0 + 1, end_column=c)
    rows = w.unit_rows(s)
    for i, (n, v, k) in enumerate(rows):
        ws.cell(r, 1, i + 1)
        ws.cell(r, 2, n)
        _vals(ws, r, 3, v, _dots)
        ok = 100 * (v["resolved_early"] + v["resolved_ontime"]) / max(1, v["resolved_total"])
        ws.cell(r, 14, f"{ok:.1f}%".replace(".", ","))
        ws.cell(r, 15, f"{100 * v['received_online'] / max(1, v['received_total']):.2f}%".replace(".", ","))
        ws.cell(r, 16, "Cập nhật chậm" if i % 9 == 4 else None)
        w.record(fname, ws.title, n, s, e, k, v)
        r += 1
    ws.cell(r, 2, "Tổng cộng")
    _vals(ws, r, 3, _sum([v for _, v, _ in rows]), _dots)
    w.save(wb, f"2025/{fname}")


def m_hidden_rows_column(w: _Writer, s: date, e: date) -> None:
    """10/2025: a hidden column "Số liệu tháng trước" (last month's (3)) between the name and the counts; hidden
    blank rows between the communes and the agencies, and a hidden draft row "Dòng nháp" of zeros."""
    fname = "BC thang 10-2025.xlsx"
    wb = openpyxl.Workbook()
    ws = wb.active
    ws.title = "T10"
    r = _title(ws, [*TITLE, _period(s, e)])
    top = ["STT", "Đơn vị", "Số liệu tháng trước", *H_GROUP]
    for j, v in enumerate(top):
        if v is not None:
            ws.cell(r, 1 + j, v)
    for j, v in enumerate(H_SUB):
        ws.cell(r + 1, 4 + j, v)
    for c in (1, 2, 3):
        ws.merge_cells(start_row=r, start_column=c, end_row=r + 1, end_column=c)
    for a, b in ((4, 7), (8, 11), (12, 14)):
        ws.merge_cells(start_row=r, start_column=a, end_row=r, end_column=b)
    ws.column_dimensions["C"].hidden = True
    r += 2
    prev = date(2025, 9, 1)
    rows = w.unit_rows(s)
    for i, (n, v, k) in enumerate(rows):
        if i == len(w.codes):  # between the communes and the agencies: hidden rows
            ws.row_dimensions[r].hidden = True
            ws.row_dimensions[r + 1].hidden = True
            ws.cell(r + 1, 2, "Dòng nháp")
            r += 2
        ws.cell(r, 1, i + 1)
        ws.cell(r, 2, n)
        ws.cell(r, 3, w.sim[(k[1], prev)]["received_total"])
        _vals(ws, r, 4, v)
        w.record(fname, ws.title, n, s, e, k, v)
        r += 1
    ws.cell(r, 2, "Tổng cộng")
    _vals(ws, r, 4, _sum([v for _, v, _ in rows]))
    w.save(wb, f"2025/{fname}")


def m_totals_on_top(w: _Writer, s: date, e: date) -> None:
    """11/2025: "TỔNG CỘNG" as the first row under the number row, the units below it (no totals row at the end)."""
    fname = "BC 11-2025.xlsx"
    wb = openpyxl.Workbook()
    ws = wb.active
    ws.title = "Thang 11"
    r = _header(ws, _title(ws, [*TITLE, _period(s, e)]))
    rows = w.unit_rows(s)
    ws.cell(r, 2, "TỔNG CỘNG")
    _vals(ws, r, 3, _sum([v for _, v, _ in rows]))
    r += 1
    for i, (n, v, k) in enumerate(rows):
        ws.cell(r, 1, i + 1)
        ws.cell(r, 2, n)
        _vals(ws, r, 3, v)
        w.record(fname, ws.title, n, s, e, k, v)
        r += 1
    w.save(wb, f"2025/{fname}")


def _nfd(text: str) -> str:
    return unicodedata.normalize("NFD", text)


def m_nfd_nbsp_abbrev(w: _Writer, s: date, e: date) -> None:
    """12/2025: names in decomposed Unicode (combining marks), non-breaking spaces inside them, "P." for
    "Phường", "TT PVHCC xã …"; one row "TP. Buôn Ma Thuột" (the city dissolved on 1/7/2025, written after it):
    refused, never booked to Phường Buôn Ma Thuột."""
    fname = "BC thang 12-2025.xlsx"
    wb = openpyxl.Workbook()
    ws = wb.active
    ws.title = "T12"
    rows: list[tuple[str, dict | None, Any]] = []
    for i, (n, v, k) in enumerate(w.unit_rows(s)):
        if i % 4 == 0:
            n = _nfd(n)
        elif i % 4 == 1:
            n = n.replace(" ", "\u00a0", 1) + "\u00a0"
        elif i % 4 == 2 and n.startswith("Phường "):
            n = "P. " + n.removeprefix("Phường ")
        elif i % 4 == 2 and n.startswith("Xã "):
            n = ["TT PVHCC xã ", "X. ", "UBND X."][i % 3] + n.removeprefix("Xã ")
        elif i % 4 == 3 and n.startswith("Phường ") and i % 3 == 0:
            n = "UBND P." + n.removeprefix("Phường ")
        rows.append((n, v, k))
    dissolved = dict(ZERO, received_total=40, received_offline=40, resolved_total=40, resolved_ontime=40)
    rows.insert(5, ("TP. Buôn Ma Thuột", dissolved, None))
    w.plain(ws, fname, s, e, [*TITLE, _period(s, e)], rows)
    w.save(wb, f"2025/{fname}")


def m_ytd_march(w: _Writer, s: date, e: date) -> None:
    """03/2026: no monthly file; the year-to-date report titled "… SỐ LIỆU LŨY KẾ TỪ ĐẦU NĂM" with its dates on the
    next line "(Từ ngày 01/01/2026 đến ngày 31/03/2026)": differenced against January and February into March."""
    fname = "Bao cao luy ke Q1-2026.xlsx"
    wb = openpyxl.Workbook()
    ws = wb.active
    ws.title = "Luy ke"
    title = [
        *TITLE[:2],
        "BÁO CÁO KẾT QUẢ GIẢI QUYẾT TTHC - SỐ LIỆU LŨY KẾ TỪ ĐẦU NĂM",
        "(" + _period(date(2026, 1, 1), e) + ")",
    ]
    r = _header(ws, _title(ws, title))
    rows = w.unit_rows(s)
    tot: list[dict[str, int]] = []
    for i, (n, v, k) in enumerate(rows):
        cum = w.ytd(k[1], s)
        ws.cell(r, 1, i + 1)
        ws.cell(r, 2, n)
        _vals(ws, r, 3, cum)
        tot.append(cum)
        w.record(fname, ws.title, n, s, e, k, v)  # booked as March, its figures March's
        r += 1
    ws.cell(r, 2, "Tổng cộng")
    _vals(ws, r, 3, _sum(tot))
    w.save(wb, f"2026/{fname}")


def m_english_grouped(w: _Writer, s: date, e: date) -> None:
    """04/2026: the English interface's export grouped over two rows ("Received" › "Total", … "Resolved" ›
    "Overdue", "Pending" › "Overdue"), with the number row."""
    fname = "Report_2026-04.xlsx"
    wb = openpyxl.Workbook()
    ws = wb.active
    ws.title = "Report"
    r = _title(ws, ["DAK LAK PROVINCE - PUBLIC ADMINISTRATION SERVICE CENTRE", f"From {s:%d/%m/%Y} to {e:%d/%m/%Y}"])
    top = ["No.", "Unit", "Received", None, None, None, "Resolved", None, None, None, "Pending", None, None]
    leaves = ["Total", "Online", "In person / by post", "Carried over", "Total", "Early", "On time", "Overdue"]
    leaves += ["Total", "Not yet due", "Overdue"]
    for j, v in enumerate(top):
        if v is not None:
            ws.cell(r, 1 + j, v)
    for j, v in enumerate(leaves):
        ws.cell(r + 1, 3 + j, v)
    for c in (1, 2):
        ws.merge_cells(start_row=r, start_column=c, end_row=r + 1, end_column=c)
    for a, b in ((3, 6), (7, 10), (11, 13)):
        ws.merge_cells(start_row=r, start_column=a, end_row=r, end_column=b)
    for j in range(13):
        ws.cell(r + 2, 1 + j, j + 1)
    r += 3
    rows = w.unit_rows(s)
    for i, (n, v, k) in enumerate(rows):
        ws.cell(r, 1, i + 1)
        ws.cell(r, 2, n)
        _vals(ws, r, 3, v)
        w.record(fname, ws.title, n, s, e, k, v)
        r += 1
    ws.cell(r, 2, "Total")
    _vals(ws, r, 3, _sum([v for _, v, _ in rows]))
    w.save(wb, f"2026/{fname}")


def m_code_column_merged_names(w: _Writer, s: date, e: date) -> None:
    """05/2026: a "Mã ĐVHC" column before the name; each name merged over two columns (B:C), the counts from
    column D."""
    fname = "BC 05-2026.xlsx"
    wb = openpyxl.Workbook()
    ws = wb.active
    ws.title = "Bieu 06"
    r = _title(ws, [*TITLE, _period(s, e)])
    for j, v in enumerate(["STT", "Mã ĐVHC", "Đơn vị", None, *H_GROUP]):
        if v is not None:
            ws.cell(r, 1 + j, v)
    for j, v in enumerate(H_SUB):
        ws.cell(r + 1, 5 + j, v)
    for c in (1, 2):
        ws.merge_cells(start_row=r, start_column=c, end_row=r + 1, end_column=c)
    ws.merge_cells(start_row=r, start_column=3, end_row=r + 1, end_column=4)
    for a, b in ((5, 8), (9, 12), (13, 15)):
        ws.merge_cells(start_row=r, start_column=a, end_row=r, end_column=b)
    r += 2
    rows = w.unit_rows(s)
    for i, (n, v, k) in enumerate(rows):
        ws.cell(r, 1, i + 1)
        ws.cell(r, 2, k[1] if k[1].isdigit() else None)
        ws.cell(r, 3, n)
        ws.merge_cells(start_row=r, start_column=3, end_row=r, end_column=4)
        _vals(ws, r, 5, v)
        w.record(fname, ws.title, n, s, e, k, v)
        r += 1
    ws.cell(r, 3, "Tổng cộng")
    _vals(ws, r, 5, _sum([v for _, v, _ in rows]))
    w.save(wb, f"2026/{fname}")


def m_plain(w: _Writer, s: date, e: date) -> None:
    """Any other month: the plain two-row header, the number row, a totals row and the signature block."""
    fname = f"BC thang {s:%m-%Y}.xlsx"
    wb = openpyxl.Workbook()
    ws = wb.active
    ws.title = f"T{s.month}"
    w.plain(ws, fname, s, e, [*TITLE, _period(s, e)], w.unit_rows(s))
    w.save(wb, f"{s.year}/{fname}")


def m_type_word_column(w: _Writer, s: date, e: date) -> None:
    """01/2026: the unit's name in two columns under one header "Tên đơn vị" merged over two rows and two columns:
    the type word ("Xã", "Phường", "Sở") in the first, the rest of the name in the second."""
    fname = "BC thang 01-2026.xlsx"
    wb = openpyxl.Workbook()
    ws = wb.active
    ws.title = "T1"
    r = _title(ws, [*TITLE, _period(s, e)])
    for j, v in enumerate(["STT", "Tên đơn vị", None, *H_GROUP]):
        if v is not None:
            ws.cell(r, 1 + j, v)
    for j, v in enumerate(H_SUB):
        ws.cell(r + 1, 4 + j, v)
    ws.merge_cells(start_row=r, start_column=1, end_row=r + 1, end_column=1)
    ws.merge_cells(start_row=r, start_column=2, end_row=r + 1, end_column=3)
    for a, b in ((4, 7), (8, 11), (12, 14)):
        ws.merge_cells(start_row=r, start_column=a, end_row=r, end_column=b)
    for j in range(13):
        ws.cell(r + 2, 1 + j + (j > 1), f"({j + 1})")
    r += 3
    rows = w.unit_rows(s)
    for i, (n, v, k) in enumerate(rows):
        typ, rest = n.split(" ", 1)
        ws.cell(r, 1, i + 1)
        ws.cell(r, 2, typ)
        ws.cell(r, 3, rest)
        _vals(ws, r, 4, v)
        w.record(fname, ws.title, n, s, e, k, v)
        r += 1
    ws.cell(r, 2, "Tổng cộng")
    _vals(ws, r, 4, _sum([v for _, v, _ in rows]))
    w.save(wb, f"2026/{fname}")


def m_month_and_ytd_blocks(w: _Writer, s: date, e: date) -> None:
    """02/2026: the month's eleven columns under "Trong kỳ báo cáo" and the same eleven again under "Lũy kế từ đầu
    năm" to their right (a three-row header): the month's block is the month; the year-to-date block is not read."""
    fname = "BC thang 02-2026.xlsx"
    wb = openpyxl.Workbook()
    ws = wb.active
    ws.title = "T2"
    r = _title(ws, [*TITLE, _period(s, e)])
    ws.cell(r, 1, "STT")
    ws.cell(r, 2, "Đơn vị")
    for c in (1, 2):
        ws.merge_cells(start_row=r, start_column=c, end_row=r + 2, end_column=c)
    for b, block in enumerate(("Trong kỳ báo cáo", "Lũy kế từ đầu năm")):
        c0 = 3 + 11 * b
        ws.cell(r, c0, block)
        ws.merge_cells(start_row=r, start_column=c0, end_row=r, end_column=c0 + 10)
        for j, v in enumerate(H_GROUP):
            if v is not None:
                ws.cell(r + 1, c0 + j, v)
        for a_, b_ in ((0, 3), (4, 7), (8, 10)):
            ws.merge_cells(start_row=r + 1, start_column=c0 + a_, end_row=r + 1, end_column=c0 + b_)
        for j, v in enumerate(H_SUB):
            ws.cell(r + 2, c0 + j, v)
    r += 3
    rows = w.unit_rows(s)
    for i, (n, v, k) in enumerate(rows):
        ws.cell(r, 1, i + 1)
        ws.cell(r, 2, n)
        _vals(ws, r, 3, v)
        _vals(ws, r, 14, w.ytd(k[1], s))
        w.record(fname, ws.title, n, s, e, k, v)
        r += 1
    ws.cell(r, 2, "Tổng cộng")
    _vals(ws, r, 3, _sum([v for _, v, _ in rows]))
    w.save(wb, f"2026/{fname}")


def m_split_leaves(w: _Writer, s: date, e: date) -> None:
    """06/2026: the two-word leaves wrapped by hand into two rows ("Trực" over "tuyến", "Trước" over "hạn", "Từ kỳ"
    over "trước"), the group labels merged over both, no number row: the labels must be read across the rows."""
    fname = "BC thang 06-2026.xlsx"
    wb = openpyxl.Workbook()
    ws = wb.active
    ws.title = "T6"
    r = _title(ws, [*TITLE, _period(s, e)])
    for j, v in enumerate(["STT", "Đơn vị", *H_GROUP]):
        if v is not None:
            ws.cell(r, 1 + j, v)
    for c in (1, 2):
        ws.merge_cells(start_row=r, start_column=c, end_row=r + 2, end_column=c)
    for a, b in ((3, 6), (7, 10), (11, 13)):
        ws.merge_cells(start_row=r, start_column=a, end_row=r, end_column=b)
    for j, leaf in enumerate(H_SUB):
        words = leaf.split(" ")
        cut = 1 if len(words) == 2 else 2
        ws.cell(r + 1, 3 + j, " ".join(words[:cut]))
        ws.cell(r + 2, 3 + j, " ".join(words[cut:]) or None)
    r += 3
    rows = w.unit_rows(s)
    for i, (n, v, k) in enumerate(rows):
        ws.cell(r, 1, i + 1)
        ws.cell(r, 2, n)
        _vals(ws, r, 3, v)
        w.record(fname, ws.title, n, s, e, k, v)
        r += 1
    ws.cell(r, 2, "Tổng cộng")
    _vals(ws, r, 3, _sum([v for _, v, _ in rows]))
    w.save(wb, f"2026/{fname}")


def m_hidden_stale_duplicate(w: _Writer, s: date, e: date) -> None:
    """07/2026: the clerk hid last month's row of three communes instead of deleting it: a hidden row with the
    commune's June figures right above its visible July row. The visible row is the month's."""
    fname = "BC thang 07-2026.xlsx"
    wb = openpyxl.Workbook()
    ws = wb.active
    ws.title = "T7"
    r = _header(ws, _title(ws, [*TITLE, _period(s, e)]))
    rows = w.unit_rows(s)
    prev = date(2026, 6, 1)
    for i, (n, v, k) in enumerate(rows):
        if i in (2, 20, 41):
            ws.cell(r, 2, n)
            _vals(ws, r, 3, w.sim[(k[1], prev)])
            ws.row_dimensions[r].hidden = True
            w.record(fname, ws.title, n, s, e, None, w.sim[(k[1], prev)])  # dropped: the shown row is the month's
            r += 1
        ws.cell(r, 1, i + 1)
        ws.cell(r, 2, n)
        _vals(ws, r, 3, v)
        w.record(fname, ws.title, n, s, e, k, v)
        r += 1
    ws.cell(r, 2, "Tổng cộng")
    _vals(ws, r, 3, _sum([v for _, v, _ in rows]))
    w.save(wb, f"2026/{fname}")


def m_months_as_sheets(w: _Writer, s: date, e: date) -> None:
    """08/2026 and 09/2026 in one workbook "Bao cao nam 2026.xlsx": a sheet per month named "Tháng 8", "Tháng 9",
    the title saying only "NĂM 2026"."""
    if s.month == 9:
        return  # written with August
    fname = "Bao cao nam 2026.xlsx"
    wb = openpyxl.Workbook()
    wb.remove(wb.active)
    for mo in (8, 9):
        ms, me = date(2026, mo, 1), date(2026, mo, 30 if mo == 9 else 31)
        ws = wb.create_sheet(f"Tháng {mo}")
        w.plain(ws, fname, ms, me, [*TITLE, "NĂM 2026"], w.unit_rows(ms))
    w.save(wb, f"2026/{fname}")


SHAPES = {
    (2025, 7): m_split_group_labels,
    (2025, 8): m_sheet_per_commune,
    (2025, 9): m_text_dots_percent,
    (2025, 10): m_hidden_rows_column,
    (2025, 11): m_totals_on_top,
    (2025, 12): m_nfd_nbsp_abbrev,
    (2026, 1): m_type_word_column,
    (2026, 2): m_month_and_ytd_blocks,
    (2026, 3): m_ytd_march,
    (2026, 4): m_english_grouped,
    (2026, 5): m_code_column_merged_names,
    (2026, 6): m_split_leaves,
    (2026, 7): m_hidden_stale_duplicate,
    (2026, 8): m_months_as_sheets,
    (2026, 9): m_months_as_sheets,
}


def _quarter(w: _Writer) -> None:
    """ "BÁO CÁO QUÝ III/2025" (the quarter only in the title): its three months are all in the folder: a check of
    them, never booked (each row dropped as an aggregate covered by its months)."""
    fname = "BC Quy III-2025.xlsx"
    s, e = date(2025, 7, 1), date(2025, 9, 30)
    ms = [date(2025, 7, 1), date(2025, 8, 1), date(2025, 9, 1)]
    wb = openpyxl.Workbook()
    ws = wb.active
    ws.title = "Quy III"
    rows = []
    for n, _, k in w.unit_rows(s):
        parts = [w.sim[(k[1], m)] for m in ms]
        v = {c: sum(p[c] for p in parts) for c in COLS}
        v["carried_over"] = parts[0]["carried_over"]
        for c in ("pending_total", "pending_ontime", "pending_overdue"):
            v[c] = parts[-1][c]
        v["received_total"] = v["received_online"] + v["received_offline"] + v["carried_over"]
        rows.append((n, v, None))
    w.plain(ws, fname, s, e, [*TITLE, "BÁO CÁO QUÝ III/2025"], rows)
    w.save(wb, f"2025/{fname}")


def _phu_yen_heading(w: _Writer) -> None:
    """05/2026: a second workbook whose sheet is headed by the pre-merger province ("UBND TỈNH PHÚ YÊN", "BAN
    CHỈ ĐẠO PHÚ YÊN") after the merger, listing ten communes of the former Phú Yên area with the shipped sample's
    own figures for the month: a heading of the other era is a warning; the rows are the 2025 province's, and
    each is booked once (here or from the sample)."""
    from motcua.ingest.form import read_form_sheet
    from motcua.ingest.grid import read_book

    s, e = date(2026, 5, 1), date(2026, 5, 31)
    fs = read_form_sheet(read_book(ROOT / "data" / "raw" / "sample" / "bieu06_2026-05.xlsx").grids[0])
    assert fs is not None
    units = [r for r in fs.rows if r.kind == "unit" and r.name.startswith(("Xã", "Phường", "Trung tâm", "TT", "UBND"))]
    fname = "PhuYen cu - T5-2026.xlsx"
    wb = openpyxl.Workbook()
    ws = wb.active
    ws.title = "Phu Yen"
    rows = []
    for r in units[:10]:
        v = {c: (r.values[c].value if c in r.values else None) for c in COLS}
        rows.append((r.name, v, ANY))
    title = ["UBND TỈNH PHÚ YÊN", "TRUNG TÂM PHỤC VỤ HÀNH CHÍNH CÔNG", _period(s, e)]
    w.plain(ws, fname, s, e, title, rows)
    w.save(wb, f"2026/{fname}")
