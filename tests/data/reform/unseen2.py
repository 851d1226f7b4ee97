"""A second round of post-reform exports nobody here has seen, written with openpyxl directly (a fixture module).

Grain of what :func:`write_unseen2` writes: one form-06 export per month 07/2025–11/2026 of the communes of the
2025 Tỉnh Đắk Lắk (66) that lie in the former Đắk Lắk area (the shipped sample holds the former Phú Yên area's),
plus three agencies the sample does not hold, each month in another shape; a file whose period spans the reform; and a June 2025 file of
the legacy wards of Thành phố Tuy Hòa (54), whose names carry numbers ("Phường 1").

The shapes, one or two per month, none of which the first round (tests/data/reform/unseen.py) wrote: a notes sheet,
a hidden sheet and a chart sheet before the data sheet; numbers as floats, with spaces and both thousands marks;
percentage columns beside the counts; the period as a date cell; months only in the file name ("T8-2025",
"thang 10 nam 2025"); formulas with and without cached values; unit codes in a column or in the name; hidden rows
and columns; names off by one diacritic; a commune listed twice; a commune row split over two lines; two tables on
one sheet; a "Ghi chú" footer and a signature block with names and dates; communes under headings of their old
districts; English headers; a semicolon CSV with a BOM; communes with no dossiers ("0", "-"); a month that repeats
the month before (refused).

:func:`write_unseen2` returns the truth: every unit row written, with the key it must be booked to, None when it
must be refused with a finding, or ``ANY`` when either a correct booking or a refusal is right (a name off by one
diacritic: matched only when no other unit is that close).
"""

from __future__ import annotations

import random
import re
import shutil
import zipfile
from dataclasses import dataclass, field
from datetime import date, datetime
from pathlib import Path
from typing import Any

import openpyxl
import pandas as pd
from openpyxl.chart import BarChart, Reference

from motcua.ingest.names import reference_units
from motcua.reference.crosswalk import crosswalk

COLS = [
    "received_total",
    "received_online",
    "received_offline",
    "carried_over",
    "resolved_total",
    "resolved_early",
    "resolved_ontime",
    "resolved_late",
    "pending_total",
    "pending_ontime",
    "pending_overdue",
]
AGENCIES = [("so-tai-chinh", "Sở Tài chính"), ("so-y-te", "Sở Y tế"), ("so-cong-thuong", "Sở Công Thương")]
ANY = ("any", "any")  # booked to the intended unit, or refused: both right; a wrong unit never

H_GROUP = ["Số hồ sơ nhận giải quyết"] + [None] * 3 + ["Số hồ sơ đã giải quyết"] + [None] * 3
H_GROUP += ["Số hồ sơ đang giải quyết", None, None]
H_SUB = ["Tổng số", "Trực tuyến", "Trực tiếp, dịch vụ bưu chính", "Từ kỳ trước", "Tổng số", "Trước hạn"]
H_SUB += ["Đúng hạn", "Quá hạn", "Tổng số", "Trong hạn", "Quá hạn"]
H_EN = ["Total received", "Online", "In person / post", "Carried over", "Resolved", "Early", "On time", "Late"]
H_EN += ["Pending", "Not yet due", "Overdue"]


@dataclass
class Written:
    file: str
    sheet: str
    name: str
    start: date
    end: date
    expect: tuple[str, str] | None
    values: dict[str, int | None] = field(default_factory=dict)
    intended: tuple[str, str] | None = None  # for ``ANY``: the unit meant


@dataclass
class Truth:
    rows: list[Written] = field(default_factory=list)

    def frame(self) -> pd.DataFrame:
        return pd.DataFrame(
            [
                {
                    "file": w.file,
                    "sheet": w.sheet,
                    "name": w.name,
                    "start": w.start,
                    "end": w.end,
                    "schema": w.expect[0] if w.expect else None,
                    "code": w.expect[1] if w.expect else None,
                    **{c: w.values.get(c) for c in COLS},
                    "intended": w.intended[1] if w.intended else None,
                }
                for w in self.rows
            ]
        )


def communes_west() -> pd.DataFrame:
    """The 2025 communes of Tỉnh Đắk Lắk made only of legacy Đắk Lắk (66) communes, with their main predecessor
    district (the legacy district holding most of their predecessor communes)."""
    ref = reference_units("2025")
    com = ref[(ref["province_code"] == "66") & (ref["unit_level"] == "commune")].copy()
    cw = crosswalk("commune")
    cw = cw[cw["new_province_code"] == "66"]
    west = cw.groupby("new_code")["legacy_province_code"].agg(lambda s: (s == "66").all())
    com = com[com["unit_code"].map(west).fillna(False).astype(bool)]
    leg = reference_units("legacy")
    parent = leg.set_index("unit_code")["parent_name"]
    main = cw.assign(d=cw["legacy_code"].map(parent)).groupby("new_code")["d"].agg(lambda s: s.mode().iloc[0])
    com["district"] = com["unit_code"].map(main)
    return com.sort_values("unit_code").reset_index(drop=True)


def months() -> list[tuple[date, date]]:
    out = []
    for y, m in [(2025, m) for m in range(7, 13)] + [(2026, m) for m in range(1, 12)]:
        nxt = date(y + (m == 12), m % 12 + 1, 1)
        out.append((date(y, m, 1), date.fromordinal(nxt.toordinal() - 1)))
    return out


def simulate(codes: list[str], seed: int) -> dict[tuple[str, date], dict[str, int]]:
    """(code, month start) → a form-06 row whose identities hold; carried over = last month's pending."""
    rng = random.Random(seed)
    out: dict[tuple[str, date], dict[str, int]] = {}
    for code in codes:
        base = rng.randint(900, 9000) if code.startswith("66-") else rng.randint(30, 3000)
        pend = rng.randint(0, base // 5)
        for s, _ in months():
            n = max(5, int(base * rng.uniform(0.8, 1.2)))
            online = int(n * rng.uniform(0.3, 0.8))
            avail = n + pend
            res = int(avail * rng.uniform(0.75, 0.95))
            late = rng.randint(0, max(0, res // 80))
            early = int((res - late) * rng.uniform(0.5, 0.9))
            p_total = avail - res
            p_over = rng.randint(0, max(0, p_total // 30))
            out[(code, s)] = dict(
                zip(COLS, [avail, online, n - online, pend, res, early, res - late - early, late, p_total,
                           p_total - p_over, p_over])
            )  # fmt: skip
            pend = p_total
    return out


ZERO = dict.fromkeys(COLS, 0)


# --- writing --------------------------------------------------------------------------------------------------


def _title(ws: Any, lines: list[Any]) -> int:
    """Title lines from row 1 (a line may be a list of cells); returns the next free row."""
    r = 1
    for line in lines:
        cells = line if isinstance(line, list) else [line]
        for j, v in enumerate(cells):
            ws.cell(r, 1 + j, v)
        r += 1
    return r + 1


def _header(ws: Any, r: int, *, english: bool = False, numbers: bool = True, c0: int = 1, unit: str = "Đơn vị"):
    """The two-row merged header (or the English one-row header) at row ``r``; returns the first body row."""
    if english:
        for j, v in enumerate(["No.", "Unit", *H_EN]):
            ws.cell(r, c0 + j, v)
        return r + 1
    for j, v in enumerate(["STT", unit, *H_GROUP]):
        if v is not None:
            ws.cell(r, c0 + j, v)
    for j, v in enumerate(H_SUB):
        ws.cell(r + 1, c0 + 2 + j, v)
    ws.merge_cells(start_row=r, start_column=c0, end_row=r + 1, end_column=c0)
    ws.merge_cells(start_row=r, start_column=c0 + 1, end_row=r + 1, end_column=c0 + 1)
    for a, b in ((2, 5), (6, 9), (10, 12)):
        ws.merge_cells(start_row=r, start_column=c0 + a, end_row=r, end_column=c0 + b)
    if not numbers:
        return r + 2
    for j in range(13):
        ws.cell(r + 2, c0 + j, f"({j + 1})")
    return r + 3


def _vals(ws: Any, r: int, c: int, v: dict[str, int | None], fmt: Any = None) -> None:
    for j, col in enumerate(COLS):
        x = v.get(col)
        if x is not None:
            ws.cell(r, c + j, fmt(x) if fmt else x)


def _sum(rows: list[dict[str, int | None]]) -> dict[str, int]:
    return {c: sum(r.get(c) or 0 for r in rows) for c in COLS}


def _signature(ws: Any, r: int, place: str, day: date) -> None:
    """A "Ghi chú" footer and the signature block: place and date, titles, names (as every report ends)."""
    ws.cell(r + 1, 1, "Ghi chú: số liệu trích xuất từ Hệ thống thông tin giải quyết TTHC tỉnh; 3 đơn vị cập nhật chậm.")
    ws.cell(r + 2, 9, f"{place}, ngày {day.day:02d} tháng {day.month:02d} năm {day.year}")
    ws.cell(r + 3, 2, "NGƯỜI LẬP BIỂU")
    ws.cell(r + 3, 9, "KT. GIÁM ĐỐC")
    ws.cell(r + 4, 9, "PHÓ GIÁM ĐỐC")
    ws.cell(r + 8, 2, "Nguyễn Thị Hồng Nhung")
    ws.cell(r + 8, 9, "Trần Văn Bình")
    ws.cell(r + 9, 2, "ĐT: 0262.3 812 345")


def _cache_formulas(path: Path, values: dict[tuple[str, str], int]) -> None:
    """Give formula cells a cached value, as Excel does on saving (openpyxl writes formulas without one).

    ``values``: (sheet xml name, cell ref) → the value."""
    tmp = path.with_suffix(".tmp")
    with zipfile.ZipFile(path) as zin, zipfile.ZipFile(tmp, "w", zipfile.ZIP_DEFLATED) as zout:
        for item in zin.infolist():
            data = zin.read(item.filename)
            keys = {ref: v for (sheet, ref), v in values.items() if item.filename.endswith(f"/{sheet}")}
            if keys:

                def put(m: re.Match) -> str:
                    ref = m.group(1)
                    if ref not in keys:
                        return m.group(0)
                    return f'<c r="{ref}"{m.group(2)}><f>{m.group(3)}</f><v>{keys[ref]}</v></c>'

                text = re.sub(r'<c r="([A-Z]+\d+)"([^>]*)><f>([^<]*)</f><v\s*/?>(?:</v>)?</c>', put, data.decode())
                data = text.encode()
            zout.writestr(item, data)
    shutil.move(tmp, path)


# --- the folder -----------------------------------------------------------------------------------------------


class _Writer:
    def __init__(self, folder: Path, seed: int) -> None:
        self.folder = folder
        self.com = communes_west()
        self.codes = list(self.com["unit_code"])
        self.sim = simulate(self.codes + [f"66-{k}" for k, _ in AGENCIES], seed)
        self.truth = Truth()

    def unit_rows(self, s: date) -> list[tuple[str, dict[str, int], tuple[str, str]]]:
        """(official name, values, key) of every commune in the month, then the agencies."""
        out = [(str(r.unit_name), self.sim[(r.unit_code, s)], ("2025", r.unit_code)) for r in self.com.itertuples()]
        out += [(n, self.sim[(f"66-{k}", s)], ("2025", f"66-{k}")) for k, n in AGENCIES]
        return out

    def record(
        self, file: str, sheet: str, name: str, s: date, e: date, key: Any, v: dict | None = None, meant: Any = None
    ) -> None:
        self.truth.rows.append(Written(file, sheet, name, s, e, key, dict(v or {}), meant))

    def save(self, wb: openpyxl.Workbook, name: str) -> Path:
        p = self.folder / name
        p.parent.mkdir(parents=True, exist_ok=True)
        wb.save(p)
        return p

    def plain(
        self,
        ws: Any,
        fname: str,
        s: date,
        e: date,
        title: list[Any],
        rows: list[tuple[str, dict | None, Any]],
        *,
        fmt: Any = None,
        english: bool = False,
        numbers: bool = True,
        footer: bool = True,
    ) -> int:
        """A sheet with a title, a header and ``rows`` (label, values or None for a heading, key), a total row and
        a footer; records the unit rows. Returns the total row's number."""
        r = _header(ws, _title(ws, title), english=english, numbers=numbers)
        n = 0
        for label, v, key in rows:
            if v is not None:
                n += 1
                ws.cell(r, 1, n)
                meant = None
                if isinstance(key, tuple) and key and key[0] == ANY:
                    key, meant = ANY, key[1]
                self.record(fname, ws.title, label, s, e, key, v, meant)
                _vals(ws, r, 3, v, fmt)
            ws.cell(r, 2, label)
            r += 1
        ws.cell(r, 2, "Tổng cộng" if not english else "Total")
        _vals(ws, r, 3, _sum([v for _, v, _ in rows if v]), fmt)
        if footer:
            _signature(ws, r + 1, "Đắk Lắk", date(e.year + (e.month == 12), e.month % 12 + 1, 5))
        return r


TITLE = ["UBND TỈNH ĐẮK LẮK", "TRUNG TÂM PHỤC VỤ HÀNH CHÍNH CÔNG", "BÁO CÁO TÌNH HÌNH, KẾT QUẢ GIẢI QUYẾT TTHC"]


def _period(s: date, e: date) -> str:
    return f"Từ ngày {s:%d/%m/%Y} đến ngày {e:%d/%m/%Y}"


def write_unseen2(folder: Path, seed: int = 7) -> Truth:
    """Write the exports into ``folder``; return what each unit row written must become."""
    w = _Writer(Path(folder), seed)
    ms = months()
    for no, (s, e) in enumerate(ms):
        SHAPES[no](w, s, e)
    _spanning(w)
    _tuy_hoa_wards(w)
    _legacy_communes_by_district(w)
    return w.truth


# each month's shape ------------------------------------------------------------------------------------------


def m_notes_hidden_chart(w: _Writer, s: date, e: date) -> None:
    """07/2025: a notes sheet (with dates of its own), a hidden list of legacy districts and a chart sheet
    before the data sheet; the data sheet's footer dated the month after."""
    fname = "BC thang 07-2025 (gui So Noi vu).xlsx"
    wb = openpyxl.Workbook()
    notes = wb.active
    notes.title = "Huong dan"
    notes["A1"] = "HƯỚNG DẪN LẬP BIỂU"
    notes["A2"] = "Số liệu tính từ ngày 01/01/2025 đến ngày 30/06/2025 theo Thông tư 01/2020/TT-VPCP."
    notes["A3"] = "Cột (3) = (4) + (5) + (6); cột (7) = (8) + (9) + (10)."
    hid = wb.create_sheet("DM don vi")
    for i, d in enumerate(["Thành phố Buôn Ma Thuột", "Huyện Krông Pắc", "Huyện Ea Kar", "Thị xã Buôn Hồ"]):
        hid.cell(i + 1, 1, d)
        hid.cell(i + 1, 2, 100 + i)
    hid.sheet_state = "hidden"
    ws = wb.create_sheet("Bieu 06")
    rows = [(n, v, k) for n, v, k in w.unit_rows(s)]
    r = w.plain(ws, fname, s, e, [*TITLE, _period(s, e)], rows)
    cs = wb.create_chartsheet("Bieu do", 1)
    ch = BarChart()
    ch.add_data(Reference(ws, min_col=3, min_row=9, max_row=r - 1))
    cs.add_chart(ch)
    w.save(wb, f"2025/{fname}")


def m_floats_percent_filename(w: _Writer, s: date, e: date) -> None:
    """08/2025: the month only in the file name ("T8-2025"); counts stored as floats (12.0); rate columns
    (as fractions and as "97,5%") beside the counts; no column-number row."""
    fname = "DakLak_T8-2025.xlsx"
    wb = openpyxl.Workbook()
    ws = wb.active
    ws.title = "Sheet1"
    r0 = _title(ws, TITLE[:2] + ["BÁO CÁO KẾT QUẢ GIẢI QUYẾT TTHC CẤP XÃ VÀ CẤP TỈNH"])
    r = _header(ws, r0, numbers=False)
    ws.cell(r0, 14, "Tỷ lệ giải quyết đúng hạn (%)")
    ws.cell(r0, 15, "Tỷ lệ trực tuyến")
    ws.merge_cells(start_row=r0, start_column=14, end_row=r0 + 1, end_column=14)
    ws.merge_cells(start_row=r0, start_column=15, end_row=r0 + 1, end_column=15)
    for i, (n, v, k) in enumerate(w.unit_rows(s)):
        ws.cell(r, 1, i + 1)
        ws.cell(r, 2, n)
        _vals(ws, r, 3, v, float)
        ok = (v["resolved_early"] + v["resolved_ontime"]) / max(1, v["resolved_total"])
        ws.cell(r, 14, round(ok, 4) if i % 2 else f"{ok * 100:.2f}%".replace(".", ","))
        ws.cell(r, 15, v["received_online"] / max(1, v["received_online"] + v["received_offline"]))
        w.record(fname, ws.title, n, s, e, k, v)
        r += 1
    w.save(wb, f"2025/{fname}")


def m_date_cell(w: _Writer, s: date, e: date) -> None:
    """09/2025: the period as a date cell beside its label ("Tháng báo cáo:" | 01/09/2025 shown "mm/yyyy");
    the file name says nothing."""
    fname = "bao cao mot cua (3).xlsx"
    wb = openpyxl.Workbook()
    ws = wb.active
    ws.title = "BC"
    title = [*TITLE, ["Tháng báo cáo:", datetime(s.year, s.month, 1)]]
    w.plain(ws, fname, s, e, title, w.unit_rows(s))
    ws.cell(4, 2).number_format = "mm/yyyy"
    w.save(wb, f"2025/{fname}")


def m_formulas_cached(w: _Writer, s: date, e: date) -> None:
    """10/2025: the month only in the file name ("thang 10 nam 2025"); column (3), (7), (11) and the total row
    are formulas, saved with their values as Excel saves them."""
    fname = "Bao cao thang 10 nam 2025.xlsx"
    wb = openpyxl.Workbook()
    ws = wb.active
    ws.title = "Bieu06"
    r = _header(ws, _title(ws, TITLE))
    cached: dict[tuple[str, str], int] = {}
    rows = w.unit_rows(s)
    first = r
    for i, (n, v, k) in enumerate(rows):
        ws.cell(r, 1, i + 1)
        ws.cell(r, 2, n)
        _vals(ws, r, 3, v)
        for col, (a, b) in (("C", ("D", "F")), ("G", ("H", "J")), ("K", ("L", "M"))):
            ws[f"{col}{r}"] = f"=SUM({a}{r}:{b}{r})"
            cached[("sheet1.xml", f"{col}{r}")] = v[COLS["CGK".index(col) * 4 if col != "K" else 8]]
        w.record(fname, ws.title, n, s, e, k, v)
        r += 1
    ws.cell(r, 2, "Tổng cộng")
    tot = _sum([v for _, v, _ in rows])
    for j, c in enumerate(COLS):
        L = openpyxl.utils.get_column_letter(3 + j)
        ws[f"{L}{r}"] = f"=SUM({L}{first}:{L}{r - 1})"
        cached[("sheet1.xml", f"{L}{r}")] = tot[c]
    p = w.save(wb, f"2025/{fname}")
    _cache_formulas(p, cached)


def m_formulas_uncached(w: _Writer, s: date, e: date) -> None:
    """11/2025: the total row and column (11) as formulas never calculated (written by a program)."""
    fname = "BC TTHC 11-2025.xlsx"
    wb = openpyxl.Workbook()
    ws = wb.active
    ws.title = "T11"
    r = _header(ws, _title(ws, [*TITLE, _period(s, e)]))
    rows = w.unit_rows(s)
    first = r
    for i, (n, v, k) in enumerate(rows):
        ws.cell(r, 1, i + 1)
        ws.cell(r, 2, n)
        _vals(ws, r, 3, v)
        ws[f"K{r}"] = f"=L{r}+M{r}"
        w.record(fname, ws.title, n, s, e, k, {**v, "pending_total": None})
        r += 1
    ws.cell(r, 2, "Tổng cộng")
    for j in range(11):
        L = openpyxl.utils.get_column_letter(3 + j)
        ws[f"{L}{r}"] = f"=SUM({L}{first}:{L}{r - 1})"
    w.save(wb, f"2025/{fname}")


def m_spaces_codes_in_name(w: _Writer, s: date, e: date) -> None:
    """12/2025: counts as text with a space, a non-breaking space or a comma between thousands; unit codes in
    the name ("24133 - Xã …", "Xã … (24133)", "[24133] …")."""
    fname = "BC T12.2025.xlsx"
    wb = openpyxl.Workbook()
    ws = wb.active
    ws.title = "T12"
    seps = [" ", "\u00a0", ","]
    rows = []
    for i, (n, v, k) in enumerate(w.unit_rows(s)):
        if k[1].isdigit():
            n = [f"{k[1]} - {n}", f"{n} ({k[1]})", f"[{k[1]}] {n}", n][i % 4]
        rows.append((n, v, k))

    def fmt(x: int, _c=[0]) -> Any:
        _c[0] += 1
        return f"{x:,}".replace(",", seps[_c[0] % 3]) if x >= 1000 else x

    w.plain(ws, fname, s, e, [*TITLE, _period(s, e)], rows, fmt=fmt)
    w.save(wb, f"2025/{fname}")


def m_code_column_hidden(w: _Writer, s: date, e: date) -> None:
    """01/2026: a "Mã ĐVHC" column between STT and the name; a hidden column; a hidden row holding a commune
    that no longer reports (a legacy commune's name, zeros)."""
    fname = "BC thang 01-2026.xlsx"
    wb = openpyxl.Workbook()
    ws = wb.active
    ws.title = "Thang 1"
    r = _title(ws, [*TITLE, _period(s, e)])
    ws.cell(r, 1, "STT")
    ws.cell(r, 2, "Mã ĐVHC")
    ws.cell(r, 3, "Tên đơn vị")
    for j, v in enumerate(H_GROUP):
        if v:
            ws.cell(r, 4 + j, v)
    for j, v in enumerate(H_SUB):
        ws.cell(r + 1, 4 + j, v)
    for a, b in ((3, 6), (7, 10), (11, 13)):
        ws.merge_cells(start_row=r, start_column=1 + a, end_row=r, end_column=1 + b)
    ws.cell(r, 15, "Ghi chú")
    ws.column_dimensions["B"].hidden = True
    r += 2
    for i, (n, v, k) in enumerate(w.unit_rows(s)):
        ws.cell(r, 1, i + 1)
        ws.cell(r, 2, k[1] if k[1].isdigit() else None)
        ws.cell(r, 3, n)
        _vals(ws, r, 4, v)
        w.record(fname, ws.title, n, s, e, k, v)
        r += 1
    w.save(wb, f"2026/{fname}")


def m_typos_duplicates(w: _Writer, s: date, e: date) -> None:
    """02/2026: names off by one diacritic; one commune listed twice as the same row; another listed twice with
    different numbers (neither can win)."""
    fname = "BC thang 02-2026.xlsx"
    wb = openpyxl.Workbook()
    ws = wb.active
    ws.title = "Thang 2"
    base = w.unit_rows(s)
    rows: list[tuple[str, dict | None, Any]] = []
    swaps = [("ắ", "ă"), ("ờ", "ơ"), ("ô", "o"), ("ư", "u"), ("ạ", "a"), ("ả", "ã"), ("ê", "ế")]
    typos = 0
    for i, (n, v, k) in enumerate(base):
        if i % 9 == 4 and k[1].isdigit():
            for a, b in swaps:
                if a in n:
                    n, k = n.replace(a, b, 1), (ANY, k)
                    typos += 1
                    break
        rows.append((n, v, k))
    same, diff = 10, 20
    rows.insert(same + 1, (rows[same][0], rows[same][1], None))  # the copy: dropped, the first kept
    rows.insert(diff + 2, (rows[diff + 1][0], {**rows[diff + 1][1], "resolved_early": 1}, None))
    rows[diff + 1] = (rows[diff + 1][0], rows[diff + 1][1], None)  # differing copies: both dropped
    w.plain(ws, fname, s, e, [*TITLE, _period(s, e)], rows)
    w.save(wb, f"2026/{fname}")


def m_split_row(w: _Writer, s: date, e: date) -> None:
    """03/2026: a commune's name wrapped onto two rows ("Trung tâm Phục vụ hành chính công" | "xã Ea Kar"),
    the numbers on the first; a "Ghi chú" footer and a signature block with names and dates."""
    fname = "BC thang 03-2026.xlsx"
    wb = openpyxl.Workbook()
    ws = wb.active
    ws.title = "Thang 3"
    r = _header(ws, _title(ws, [*TITLE, _period(s, e)]))
    rows = w.unit_rows(s)
    for i, (n, v, k) in enumerate(rows):
        ws.cell(r, 1, i + 1)
        _vals(ws, r, 3, v)
        if i in (5, 30):
            typ, rest = n.split(" ", 1)
            ws.cell(r, 2, "Trung tâm Phục vụ hành chính công")
            ws.cell(r + 1, 2, f"{typ.lower()} {rest}")
            w.record(fname, ws.title, n, s, e, ANY, v, k)
            r += 2
            continue
        ws.cell(r, 2, n)
        w.record(fname, ws.title, n, s, e, k, v)
        r += 1
    ws.cell(r, 2, "Tổng cộng")
    _vals(ws, r, 3, _sum([v for _, v, _ in rows]))
    _signature(ws, r + 1, "Buôn Ma Thuột", date(2026, 4, 3))
    w.save(wb, f"2026/{fname}")


def m_two_tables(w: _Writer, s: date, e: date) -> None:
    """04/2026: two tables on one sheet: the communes, then (after a blank row and a heading) the agencies with
    a header of their own ("Cơ quan")."""
    fname = "BC thang 04-2026.xlsx"
    wb = openpyxl.Workbook()
    ws = wb.active
    ws.title = "Thang 4"
    rows = w.unit_rows(s)
    com = [x for x in rows if x[2][1].isdigit()]
    ag = [x for x in rows if not x[2][1].isdigit()]
    r = w.plain(ws, fname, s, e, [*TITLE, _period(s, e), "I. CẤP XÃ"], com, footer=False)
    r += 3
    ws.cell(r, 1, "II. CẤP TỈNH (SỞ, BAN, NGÀNH)")
    r = _header(ws, r + 1, unit="Cơ quan")
    for i, (n, v, k) in enumerate(ag):
        ws.cell(r, 1, i + 1)
        ws.cell(r, 2, n)
        _vals(ws, r, 3, v)
        w.record(fname, ws.title, n, s, e, k, v)
        r += 1
    ws.cell(r, 2, "Cộng")
    _vals(ws, r, 3, _sum([v for _, v, _ in ag]))
    w.save(wb, f"2026/{fname}")


def m_old_district_headings(w: _Writer, s: date, e: date) -> None:
    """05/2026: the communes grouped under headings of the districts they came from ("Huyện Krông Pắc"), the
    heading rows empty; the agencies under "Cấp tỉnh"."""
    fname = "BC thang 05-2026.xlsx"
    wb = openpyxl.Workbook()
    ws = wb.active
    ws.title = "Thang 5"
    rows = w.unit_rows(s)
    dist = dict(zip(w.com["unit_code"], w.com["district"]))
    out: list[tuple[str, dict | None, Any]] = [("CẤP TỈNH", None, None)]
    out += [x for x in rows if not x[2][1].isdigit()]
    out.append(("CẤP XÃ", None, None))
    for d in sorted(set(dist.values())):
        out.append((d, None, None))
        out += [x for x in rows if dist.get(x[2][1]) == d]
    w.plain(ws, fname, s, e, [*TITLE, _period(s, e)], out)
    w.save(wb, f"2026/{fname}")


def m_english(w: _Writer, s: date, e: date) -> None:
    """06/2026: the portal's English export: one header row ("No.", "Unit", "Total received", …)."""
    fname = "Report_2026-06.xlsx"
    wb = openpyxl.Workbook()
    ws = wb.active
    ws.title = "Report"
    title = ["DAK LAK PROVINCE - PUBLIC ADMINISTRATION SERVICE CENTRE", f"Period: {s:%d/%m/%Y} - {e:%d/%m/%Y}"]
    w.plain(ws, fname, s, e, title, w.unit_rows(s), english=True, footer=False)
    w.save(wb, f"2026/{fname}")


def m_csv(w: _Writer, s: date, e: date) -> None:
    """07/2026: a form exported as CSV (UTF-8 with a BOM, ";" between cells, a one-row header, the title lines
    above it)."""
    fname = "BC_TTHC_T07_2026.csv"
    lines = ["UBND TỈNH ĐẮK LẮK;;;", f"Kỳ báo cáo: {_period(s, e)};;;", ""]
    head = ["STT", "Đơn vị"] + [f"{g} - {h}" for g, h in zip(_groups_filled(), H_SUB)]
    lines.append(";".join(head))
    lines.append(";".join(f"({j + 1})" for j in range(13)))
    for i, (n, v, k) in enumerate(w.unit_rows(s)):
        lines.append(";".join([str(i + 1), n, *(f"{v[c]:,}".replace(",", ".") for c in COLS)]))
        w.record(fname, fname.removesuffix(".csv"), n, s, e, k, v)
    p = w.folder / "2026" / fname
    p.parent.mkdir(parents=True, exist_ok=True)
    p.write_bytes(b"\xef\xbb\xbf" + "\r\n".join(lines).encode("utf-8"))


def _groups_filled() -> list[str]:
    out, cur = [], ""
    for g in H_GROUP:
        cur = g or cur
        out.append(cur)
    return out


def _zeros_sheet(w: _Writer, ws: Any, fname: str, s: date, e: date, data: date, refused: bool = False) -> None:
    """The month ``data``'s communes, some with no dossier (a row of "0", a row of "-"), under the title of the
    month ``s`` … ``e``; ``refused``: every row recorded as one that must be refused."""
    rows = []
    dash: set[int] = set()
    for i, (n, v, k) in enumerate(w.unit_rows(data)):
        if i in (3, 17):
            v = dict(ZERO)
        if i in (8, 40):
            v = dict(ZERO)
            dash.add(i)
        rows.append((n, v, None if refused else k))
    r0 = w.plain(ws, fname, s, e, [*TITLE, _period(s, e)], rows) - len(rows)
    for i in dash:
        for j in range(11):
            ws.cell(r0 + i, 3 + j, "-")


def m_zeros(w: _Writer, s: date, e: date) -> None:
    """08/2026: communes with no dossier this month: a row of "0", a row of "-"."""
    fname = "BC thang 08-2026.xlsx"
    wb = openpyxl.Workbook()
    ws = wb.active
    ws.title = "Thang 8"
    _zeros_sheet(w, ws, fname, s, e, s)
    w.save(wb, f"2026/{fname}")


def m_repeat(w: _Writer, s: date, e: date) -> None:
    """09/2026: the clerk re-saved August's file under September's title (every figure August's, zeros and dashes
    included): a copy of the month before, refused (``repeated_period``), never booked as September."""
    fname = "BC thang 09-2026.xlsx"
    wb = openpyxl.Workbook()
    ws = wb.active
    ws.title = "Thang 9"
    _zeros_sheet(w, ws, fname, s, e, date(2026, 8, 1), refused=True)
    w.save(wb, f"2026/{fname}")


def m_legacy_wards_after(w: _Writer, s: date, e: date) -> None:
    """10/2026: a numbered legacy ward ("Phường 1" of Tuy Hòa, whose code 22015 is re-used by the 2025 Phường Tuy
    Hòa) written among the communes after the reform: refused, never booked to Phường Tuy Hòa."""
    fname = "BC thang 10-2026.xlsx"
    wb = openpyxl.Workbook()
    ws = wb.active
    ws.title = "Thang 10"
    rows = list(w.unit_rows(s))
    rows.insert(
        12, ("Phường 1", dict(ZERO, received_total=3, received_offline=3, pending_total=3, pending_ontime=3), None)
    )
    w.plain(ws, fname, s, e, [*TITLE, _period(s, e)], rows)
    w.save(wb, f"2026/{fname}")


def m_hidden_stale_row(w: _Writer, s: date, e: date) -> None:
    """11/2026: a hidden row under the title holding last year's heading; a notes sheet named "Ghi chu" before
    the data; the period written as "Tháng 11 năm 2026" only; the old district written after some names ("Xã Ea
    Kar, huyện Ea Kar", "… - Huyện Ea Kar (cũ)"), once a district the commune never lay in."""
    fname = "BC thang 11-2026.xlsx"
    wb = openpyxl.Workbook()
    n0 = wb.active
    n0.title = "Ghi chu"
    n0["A1"] = "Ghi chú: số liệu tháng 11/2025 xem tệp năm trước."
    ws = wb.create_sheet("Thang 11")
    dist = dict(zip(w.com["unit_code"], w.com["district"]))
    rows: list[tuple[str, dict | None, Any]] = []
    for i, (n, v, k) in enumerate(w.unit_rows(s)):
        d = dist.get(k[1])
        if d and i % 7 == 2:  # the old district written after the name, as the first months' lists did
            n = f"{n}, {d[0].lower()}{d[1:]}" if i % 2 else f"{n} - {d} (cũ)"
        if d and i == 30:  # a district the commune never lay in: refused, never booked
            other = next(x for x in w.com["district"] if x != d)
            n, k = f"{n}, {other}", None
        rows.append((n, v, k))
    r = w.plain(ws, fname, s, e, [*TITLE, "Tháng 11 năm 2026", "Tháng 11 năm 2025"], rows)
    ws.row_dimensions[5].hidden = True
    del r
    w.save(wb, f"2026/{fname}")


SHAPES = [
    m_notes_hidden_chart,
    m_floats_percent_filename,
    m_date_cell,
    m_formulas_cached,
    m_formulas_uncached,
    m_spaces_codes_in_name,
    m_code_column_hidden,
    m_typos_duplicates,
    m_split_row,
    m_two_tables,
    m_old_district_headings,
    m_english,
    m_csv,
    m_zeros,
    m_repeat,
    m_legacy_wards_after,
    m_hidden_stale_row,
]


def _spanning(w: _Writer) -> None:
    """A two-month file 01/06/2025–31/07/2025 across the reform, with 2025 names: no row can be booked."""
    fname = "BC 2 thang 06-07.2025.xlsx"
    s, e = date(2025, 6, 1), date(2025, 7, 31)
    wb = openpyxl.Workbook()
    ws = wb.active
    ws.title = "T6-T7"
    rows = [(n, v, None) for n, v, _ in w.unit_rows(date(2025, 7, 1))[:10]]
    w.plain(ws, fname, s, e, [*TITLE, _period(s, e)], rows)
    w.save(wb, f"2025/{fname}")


def _tuy_hoa_wards(w: _Writer) -> None:
    """06/2025 (before the reform): the legacy wards and communes of Thành phố Tuy Hòa (54), the numbered wards
    written "Phường 01", "P.2", "Phường 4"; a "Phường 3" (merged away before 2025) refused, never read as 1 or 4."""
    fname = "TP Tuy Hoa - cap xa T6-2025.xlsx"
    s, e = date(2025, 6, 1), date(2025, 6, 30)
    leg = reference_units("legacy")
    wards = leg[(leg["province_code"] == "54") & (leg["parent_code"] == "555")].sort_values("unit_code")
    rng = random.Random(555)
    rows: list[tuple[str, dict | None, Any]] = []
    for i, u in enumerate(wards.itertuples()):
        name = str(u.unit_name)
        m = re.fullmatch(r"Phường (\d)", name)
        if m:
            name = [f"Phường 0{m.group(1)}", f"P.{m.group(1)}", name][i % 3]
        n = rng.randint(20, 400)
        v = dict(ZERO, received_total=n, received_offline=n, resolved_total=n, resolved_ontime=n)
        rows.append((name, v, ("legacy", str(u.unit_code))))
    rows.insert(
        3, ("Phường 3", dict(ZERO, received_total=5, received_offline=5, resolved_total=5, resolved_ontime=5), None)
    )
    wb = openpyxl.Workbook()
    ws = wb.active
    ws.title = "Cap xa"
    title = ["UBND TỈNH PHÚ YÊN", "UBND THÀNH PHỐ TUY HÒA", _period(s, e)]
    w.plain(ws, fname, s, e, title, rows)
    w.save(wb, f"2025/{fname}")


def _legacy_communes_by_district(w: _Writer) -> None:
    """05/2025 (before the reform): the legacy communes of Thành phố Buôn Ma Thuột and Huyện Krông Pắc (legacy
    Đắk Lắk), each district a Roman-numbered row with its sums above its communes numbered "1.1", "1.2"; names as
    one-stop units write them ("Bộ phận TN&TKQ xã …", "BP một cửa phường …", "TT Phước An" for the township)."""
    fname = "DakLak-cu cap xa T5-2025.xlsx"
    s, e = date(2025, 5, 1), date(2025, 5, 31)
    leg = reference_units("legacy")
    rng = random.Random(643)
    wb = openpyxl.Workbook()
    ws = wb.active
    ws.title = "Cap xa"
    r = _header(ws, _title(ws, ["UBND TỈNH ĐẮK LẮK", "VĂN PHÒNG UBND TỈNH", _period(s, e)]))
    grand: list[dict] = []
    for i, dcode in enumerate(("643", "653")):
        dname = str(leg.loc[(leg["unit_code"] == dcode) & (leg["unit_level"] == "district"), "unit_name"].iloc[0])
        com = leg[(leg["province_code"] == "66") & (leg["parent_code"] == dcode)].sort_values("unit_code")
        head = r
        r += 1
        vals = []
        for j, u in enumerate(com.itertuples()):
            n = rng.randint(10, 300)
            v = dict(ZERO, received_total=n, received_online=n // 3, received_offline=n - n // 3)
            v.update(resolved_total=n, resolved_early=n // 2, resolved_ontime=n - n // 2)
            name = str(u.unit_name)
            typ, rest = name.split(" ", 1) if not name.startswith("Thị trấn") else ("Thị trấn", name[9:])
            name = [
                f"Bộ phận TN&TKQ {typ.lower()} {rest}",
                f"BP một cửa {typ.lower()} {rest}",
                f"TT {rest}" if typ == "Thị trấn" else name,
                f"{name} - {dname}",
                name,
            ][j % 5]
            ws.cell(r, 1, f"{i + 1}.{j + 1}")
            ws.cell(r, 2, name)
            _vals(ws, r, 3, v)
            w.record(fname, ws.title, name, s, e, ("legacy", str(u.unit_code)), v)
            vals.append(v)
            r += 1
        ws.cell(head, 1, ["I", "II"][i])
        ws.cell(head, 2, dname)
        _vals(ws, head, 3, _sum(vals))
        grand += vals
    ws.cell(r, 2, "Tổng cộng")
    _vals(ws, r, 3, _sum(grand))
    w.save(wb, f"2025/{fname}")
