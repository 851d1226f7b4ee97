"""Post-reform exports written as clerks write them, unlike the shipped sample's generator (a fixture module).

Grain of what :func:`write_unseen` writes: monthly form-06 workbooks of the 2025 Tỉnh Đắk Lắk (66) for
07/2025–11/2026 covering every one of its 102 communes (the former Đắk Lắk area and the former Phú Yên area)
and its provincial level, plus one quarterly and one cumulative-to-date file, one workbook with three month
sheets, and pre-reform files with 2025 names. Its quirks, on purpose: names as clerks write them ("UBND xã Ea
Kao", "P. Tân Lập", "TT PVHCC phường Buôn Ma Thuột", all capitals, NFD Unicode, non-breaking and double
spaces, trailing notes), numbering "1.", roman section rows with "Cộng" subtotals, "Công an tỉnh" between
communes, a flattened one-row header with the "(1)…(13)" row, a leading blank column, numbers as text with
Vietnamese thousands dots, empty cells, a province heading of the old province, a dissolved district's name
after the reform and a 2025 commune's name before it.

:func:`write_unseen` returns the truth: every row written, with the panel key it must be booked to
(None: it must be refused with a finding), so a test can check rows in = kept + rejected and that every
commune-month is present.
"""

from __future__ import annotations

import random
import unicodedata
from dataclasses import dataclass, field
from datetime import date
from pathlib import Path
from typing import Any

import openpyxl
import pandas as pd
from openpyxl.utils import get_column_letter

from motcua.reference.crosswalk import crosswalk
from motcua.ingest.names import reference_units

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
FLOWS = ["received_online", "received_offline", "resolved_early", "resolved_ontime", "resolved_late"]
AGENCIES = [
    ("trung-tam-pvhcc", "TT Phục vụ HCC tỉnh"),
    ("cong-an", "Công an tỉnh"),
    ("so-tu-phap", "Sở Tư pháp"),
    ("so-xay-dung", "Sở Xây dựng"),
    ("so-nong-nghiep-moi-truong", "Sở Nông nghiệp và Môi trường"),
]
NBSP = "\u00a0"


@dataclass
class Written:
    """One body row written: where, the name as written, its period and the key it must be booked to."""

    file: str
    sheet: str
    name: str
    start: date
    end: date
    expect: tuple[str, str] | None  # (unit_schema, unit_code); None: refused with a finding
    values: dict[str, int | None] = field(default_factory=dict)


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
                }
                for w in self.rows
            ]
        )


def communes_66() -> pd.DataFrame:
    """The 2025 communes of Tỉnh Đắk Lắk with the legacy province their area came from (54 or 66)."""
    ref = reference_units("2025")
    com = ref[(ref["province_code"] == "66") & (ref["unit_level"] == "commune")].copy()
    cw = crosswalk("commune")
    area = cw.groupby("new_code")["legacy_province_code"].agg(lambda s: "54" if (s == "54").all() else "66")
    com["area"] = com["unit_code"].map(area).fillna("66")
    return com.sort_values("unit_code").reset_index(drop=True)


def _months() -> list[tuple[date, date]]:
    out = []
    for y, m in [(2025, m) for m in range(7, 13)] + [(2026, m) for m in range(1, 12)]:
        nxt = date(y + (m == 12), m % 12 + 1, 1)
        out.append((date(y, m, 1), date.fromordinal(nxt.toordinal() - 1)))
    return out


def simulate(codes: list[str], seed: int = 2026) -> dict[tuple[str, date], dict[str, int]]:
    """(unit code, month start) → a consistent form-06 row; carried over = last month's pending."""
    rng = random.Random(seed)
    out: dict[tuple[str, date], dict[str, int]] = {}
    for code in codes:
        base = rng.randint(40, 2600) if not code.startswith("66-") else rng.randint(900, 9000)
        pend = rng.randint(0, base // 5)
        for s, _ in _months():
            n = max(5, int(base * rng.uniform(0.8, 1.25)))
            online = int(n * rng.uniform(0.3, 0.8))
            offline = n - online
            avail = n + pend
            res = int(avail * rng.uniform(0.75, 0.95))
            late = rng.randint(0, max(0, res // 80))
            early = int((res - late) * rng.uniform(0.5, 0.9))
            ontime = res - late - early
            p_total = avail - res
            p_over = rng.randint(0, max(0, p_total // 30))
            out[(code, s)] = {
                "received_total": avail,
                "received_online": online,
                "received_offline": offline,
                "carried_over": pend,
                "resolved_total": res,
                "resolved_early": early,
                "resolved_ontime": ontime,
                "resolved_late": late,
                "pending_total": p_total,
                "pending_ontime": p_total - p_over,
                "pending_overdue": p_over,
            }
            pend = p_total
    return out


def aggregate(rows: list[dict[str, int]]) -> dict[str, int]:
    """Several consecutive months as one period: flows summed, carried over of the first, pending of the last."""
    out = {k: sum(r[k] for r in rows) for k in FLOWS}
    out["carried_over"] = rows[0]["carried_over"]
    for k in ("pending_total", "pending_ontime", "pending_overdue"):
        out[k] = rows[-1][k]
    out["received_total"] = out["received_online"] + out["received_offline"] + out["carried_over"]
    out["resolved_total"] = out["resolved_early"] + out["resolved_ontime"] + out["resolved_late"]
    return out


# --- how a clerk writes a name -------------------------------------------------------------------------------


def clerk_name(row: pd.Series, i: int, month_no: int) -> str:
    """The commune's name in one of the ways exports write it (deterministic by row and month)."""
    typ, short = str(row["unit_type"]), str(row["short_name"])
    low = typ.lower()
    k = (i * 7 + month_no * 3) % 12
    if k == 0:
        return f"UBND {low} {short}"
    if k == 1:
        return f"Trung tâm Phục vụ hành chính công {low} {short}"
    if k == 2:
        return f"TT PVHCC {low} {short}"
    if k == 3:
        return f"{typ} {short}".upper()
    if k == 4:
        return unicodedata.normalize("NFD", f"{typ} {short}")
    if k == 5:
        return f"{typ}{NBSP}{short}"
    if k == 6:
        return f"{typ}  {short} "  # double space, trailing space
    if k == 7:
        return f"{'P.' if typ == 'Phường' else 'X.'} {short}"
    if k == 8:
        return f"{typ} {short} (*)" if month_no % 2 else f"{typ} {short} (sáp nhập)"  # a trailing note
    if k == 9:
        return f"Bộ phận Một cửa {low} {short}"
    if k == 10:
        return f"UBND {typ.upper()} {short.upper()}"
    return f"{typ} {short}"


# --- the workbook writer ---------------------------------------------------------------------------------------

HEAD3 = [
    [
        "STT",
        "Tên đơn vị",
        "Số hồ sơ tiếp nhận giải quyết",
        None,
        None,
        None,
        "Kết quả giải quyết",
        None,
        None,
        None,
        "Số hồ sơ đang giải quyết",
        None,
        None,
    ],
    [
        None,
        None,
        "Tổng số",
        "Tiếp nhận trong kỳ",
        None,
        "Từ kỳ trước chuyển sang",
        "Tổng số",
        "Trước hạn",
        "Đúng hạn",
        "Quá hạn",
        "Tổng số",
        "Trong hạn",
        "Quá hạn",
    ],
    [None, None, None, "Trực tuyến", "Trực tiếp, BCCI", None, None, None, None, None, None, None, None],
]
FLAT = [
    "TT",
    "Đơn vị",
    "Tổng số hồ sơ tiếp nhận",
    "Trực tuyến",
    "Trực tiếp, dịch vụ bưu chính",
    "Từ kỳ trước",
    "Đã giải quyết",
    "Trước hạn",
    "Đúng hạn",
    "Quá hạn",
    "Đang giải quyết",
    "Trong hạn",
    "Quá hạn",
]
HEAD2 = [
    [
        "STT",
        "Đơn vị",
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
        "Ghi chú",
    ],
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
        None,
    ],
]


def _vi_text(v: int) -> str:
    return f"{v:,}".replace(",", ".")


@dataclass
class Body:
    """A sheet's body rows: (stt, label, values or None, kind) with kind unit / section / subtotal / total."""

    rows: list[tuple[str, str, dict[str, int | None] | None, str]] = field(default_factory=list)


def write_sheet(
    ws: Any, *, title: list[str], period: str, body: Body, header: str, text_numbers: bool, blank_first_col: bool
) -> None:
    """One form-06 sheet: a title block, the header (``header``: "3row", "flat" or "2row") and the body."""
    c0 = 2 if blank_first_col else 1
    r = 1
    for line in title:
        ws.cell(r, c0, line)
        r += 1
    ws.cell(r, c0, period)
    r += 2
    head = {"3row": HEAD3, "flat": [FLAT], "2row": HEAD2}[header]
    h0 = r
    for hrow in head:
        for j, v in enumerate(hrow):
            if v is not None:
                ws.cell(r, c0 + j, v)
        r += 1
    if header == "3row":
        ws.merge_cells(start_row=h0, start_column=c0, end_row=h0 + 2, end_column=c0)
        ws.merge_cells(start_row=h0, start_column=c0 + 1, end_row=h0 + 2, end_column=c0 + 1)
        ws.merge_cells(start_row=h0, start_column=c0 + 2, end_row=h0, end_column=c0 + 5)
        ws.merge_cells(start_row=h0, start_column=c0 + 6, end_row=h0, end_column=c0 + 9)
        ws.merge_cells(start_row=h0, start_column=c0 + 10, end_row=h0, end_column=c0 + 12)
        ws.merge_cells(start_row=h0 + 1, start_column=c0 + 3, end_row=h0 + 1, end_column=c0 + 4)
    if header == "2row":
        ws.merge_cells(start_row=h0, start_column=c0 + 2, end_row=h0, end_column=c0 + 5)
        ws.merge_cells(start_row=h0, start_column=c0 + 13, end_row=h0 + 1, end_column=c0 + 13)
    if header in ("3row", "flat"):
        for j in range(13):
            ws.cell(r, c0 + j, f"({j + 1})")
        r += 1
    for stt, label, vals, kind in body.rows:
        ws.cell(r, c0, stt)
        ws.cell(r, c0 + 1, label)
        if vals:
            for j, col in enumerate(COLS):
                v = vals.get(col)
                if v is None:
                    continue
                ws.cell(r, c0 + 2 + j, _vi_text(v) if text_numbers and v >= 1000 else v)
        r += 1
    ws.cell(r + 1, c0 + 8, "Đắk Lắk, ngày 05 tháng sau")
    ws.cell(r + 2, c0, "Ghi chú: (*) xã mới sắp xếp, số liệu do Trung tâm PVHCC tổng hợp.")
    for cc in range(c0, c0 + 14):
        ws.column_dimensions[get_column_letter(cc)].width = 14


# --- the folder ------------------------------------------------------------------------------------------------

#: Legacy names written in post-reform months (each names a dissolved district whose name a 2025 unit also
#: bears, or not) and 2025 names written in a pre-reform month: each must be refused, never booked.
DISSOLVED_AFTER = {
    date(2025, 8, 1): "UBND huyện Krông Pắc",
    date(2025, 9, 1): "Huyện Ea Kar",
    date(2026, 2, 1): "TP. Buôn Ma Thuột",
    date(2026, 5, 1): "Thị xã Sông Cầu",
}
#: names written in June 2025 and what each is then: two 2025 units (refused), and a legacy commune written the
#: new way ("TT PVHCC xã Ea Kao": Xã Ea Kao of Buôn Ma Thuột existed until 30/6/2025; the code 24169 is re-used by
#: the 2025 Phường Ea Kao).
NEW_BEFORE: dict[str, tuple[str, str] | None] = {
    "Xã Tuy An Bắc": None,
    "Phường Buôn Ma Thuột": None,
    "TT PVHCC xã Ea Kao": ("legacy", "24169"),
}


def _unit_rows(
    com: pd.DataFrame, sim: dict, key: Any, month_no: int
) -> list[tuple[str, str, dict | None, str, tuple | None]]:
    """(stt, label, values, kind, expected key) of the body of one period: sections, agencies, communes,
    the police row among the communes, subtotals and the total. ``key``: a month start, or a list of them."""
    starts = key if isinstance(key, list) else [key]

    def vals(code: str) -> dict[str, int]:
        rows = [sim[(code, s)] for s in starts]
        return dict(rows[0]) if len(rows) == 1 else aggregate(rows)

    out: list[tuple[str, str, dict | None, str, tuple | None]] = []
    agencies = [(k, n) for k, n in AGENCIES if k != "cong-an"]
    out.append(("A", "CẤP TỈNH", None, "section", None))
    sub: dict[str, int] = dict.fromkeys(COLS, 0)
    for i, (k, n) in enumerate(agencies):
        v = vals(f"66-{k}")
        label = n if month_no % 2 else (f"{n} Đắk Lắk" if n.endswith("tỉnh") else f"{n} tỉnh Đắk Lắk")
        out.append((f"{i + 1}.", label, v, "unit", ("2025", f"66-{k}")))
        sub = {c: sub[c] + v[c] for c in COLS}
    out.append(("", "Cộng", sub, "subtotal", None))
    out.append(("B", "CẤP XÃ", None, "section", None))
    police = vals("66-cong-an")
    for part, (roman, label, area) in enumerate(
        [("I", "Khu vực phía Tây (Đắk Lắk cũ)", "66"), ("II", "Khu vực phía Đông (Phú Yên cũ)", "54")]
    ):
        out.append((roman, label, None, "section", None))
        sub = dict.fromkeys(COLS, 0)
        part_rows = com[com["area"] == area]
        for i, row in enumerate(part_rows.itertuples(index=False)):
            v = vals(row.unit_code)
            name = clerk_name(pd.Series(row._asdict()), i + part * 3, month_no)
            if month_no % 2:
                name = name.replace("'", "’")
            if (i + month_no) % 17 == 0 and v["pending_overdue"] == 0:
                v = {**v, "pending_overdue": None}  # an empty cell for a zero
            out.append((f"{i + 1}", name, v, "unit", ("2025", row.unit_code)))
            sub = {c: sub[c] + (v[c] or 0) for c in COLS}
            if part == 0 and i == 19:  # the provincial police listed among the communes, as some portals do
                out.append(("", "Công an tỉnh", police, "unit", ("2025", "66-cong-an")))
                sub = {c: sub[c] + police[c] for c in COLS}
        if month_no % 4 == 3:  # the group's sums on its Roman-numbered heading row instead of a "Cộng" row below
            at = next(j for j, r in enumerate(out) if r[0] == roman and r[3] == "section")
            out[at] = (roman, label, sub, "subtotal", None)
        else:
            out.append(("", f"Cộng {roman}", sub, "subtotal", None))
    return out


def _body(rows: list, total: bool = True, total_first: bool = False) -> Body:
    """The sheet body of ``rows``, with the "Tổng cộng" row last (or first, above the units, as some portals
    write it)."""
    b = Body([(s, lab, v, k) for s, lab, v, k, _ in rows])
    if total:
        units = [v for _, _, v, k, _ in rows if k == "unit" and v]
        tot = ("", "TỔNG CỘNG", {c: sum(v[c] or 0 for v in units) for c in COLS}, "total")
        b.rows.insert(0, tot) if total_first else b.rows.append(tot)
    return b


def _record(truth: Truth, file: str, sheet: str, rows: list, start: date, end: date) -> None:
    for _, lab, v, kind, exp in rows:
        if kind == "unit":
            truth.rows.append(Written(file, sheet, lab, start, end, exp, v or {}))


def _save(wb: openpyxl.Workbook, path: Path) -> None:
    path.parent.mkdir(parents=True, exist_ok=True)
    wb.save(path)


def _title(new: bool, extra: str = "") -> list[str]:
    prov = "ỦY BAN NHÂN DÂN TỈNH ĐẮK LẮK" if new else "UBND TỈNH PHÚ YÊN"
    return [
        prov,
        "TRUNG TÂM PHỤC VỤ HÀNH CHÍNH CÔNG",
        "BÁO CÁO TÌNH HÌNH, KẾT QUẢ GIẢI QUYẾT TTHC" + (f" {extra}" if extra else ""),
    ]


def write_unseen(folder: Path, seed: int = 2026) -> Truth:
    """Write the post-reform exports into ``folder`` and return what each written row must become."""
    folder = Path(folder)
    com = communes_66()
    codes = list(com["unit_code"]) + [f"66-{k}" for k, _ in AGENCIES]
    sim = simulate(codes, seed)
    truth = Truth()
    months = _months()
    styles = ["3row", "flat", "2row"]
    q4 = {date(2025, 10, 1): "T10", date(2025, 11, 1): "T11", date(2025, 12, 1): "T12"}
    q4_book = openpyxl.Workbook()
    q4_book.remove(q4_book.active)
    for no, (s, e) in enumerate(months):
        rows = _unit_rows(com, sim, s, no)
        if s in DISSOLVED_AFTER:
            at, extra = len(rows) // 2, sim[(codes[0], s)]
            rows.insert(at, ("", DISSOLVED_AFTER[s], extra, "unit", None))
            # the clerk's subtotal of its group counts it (below the group, or on its Roman-numbered heading above)
            below = [j for j in range(at + 1, len(rows)) if rows[j][3] == "subtotal"]
            above = [j for j in range(at - 1, -1, -1) if rows[j][3] == "subtotal" and rows[j][0] in ("I", "II")]
            k = above[0] if no % 4 == 3 else below[0]
            st, lab, v, kind, exp = rows[k]
            rows[k] = (st, lab, {c: v[c] + extra[c] for c in COLS}, kind, exp)
        period = f"Kỳ báo cáo: Tháng {s.month}/{s.year} (từ ngày {s:%d/%m/%Y} đến hết ngày {e:%d/%m/%Y})"
        if s == date(2025, 7, 1):  # the first month: each former province's portal exports its own area
            for new, area, fname in ((True, "66", "DakLak_T7-2025.xlsx"), (False, "54", "PhuYen-cu_T7-2025.xlsx")):
                wb = openpyxl.Workbook()
                ws = wb.active
                ws.title = "Sheet1"
                part = com[com["area"] == area]
                prow = [
                    r
                    for r in rows
                    if r[4] is None or r[4][1] in set(part["unit_code"]) or (new and r[4][1].startswith("66-"))
                ]
                prow = [r for r in prow if r[3] in ("unit",)]
                write_sheet(
                    ws,
                    title=_title(new),
                    period=period,
                    body=_body(prow),
                    header="3row",
                    text_numbers=False,
                    blank_first_col=False,
                )
                _save(wb, folder / "2025" / fname)
                _record(truth, fname, ws.title, prow, s, e)
            continue
        style = styles[no % 3]
        if s in q4:
            ws = q4_book.create_sheet(q4[s])
            write_sheet(
                ws,
                title=_title(True),
                period=period,
                body=_body(rows),
                header=style,
                text_numbers=True,
                blank_first_col=False,
            )
            _record(truth, "Bao cao quy IV-2025.xlsx", ws.title, rows, s, e)
            continue
        wb = openpyxl.Workbook()
        ws = wb.active
        ws.title = f"Thang {s.month:02d}"
        write_sheet(
            ws,
            title=_title(True),
            period=period,
            body=_body(rows, total_first=s.month == 11),
            header=style,
            text_numbers=no % 2 == 0,
            blank_first_col=no % 4 == 1,
        )
        fname = f"BC TTHC thang {s.month:02d}.{s.year}.xlsx"
        _save(wb, folder / str(s.year) / fname)
        _record(truth, fname, ws.title, rows, s, e)
    _save(q4_book, folder / "2025" / "Bao cao quy IV-2025.xlsx")
    # a quarterly file beside the months
    q1 = [date(2026, m, 1) for m in (1, 2, 3)]
    rows = _unit_rows(com, sim, q1, 5)
    wb = openpyxl.Workbook()
    ws = wb.active
    ws.title = "Quy I"
    write_sheet(
        ws,
        title=_title(True),
        period="Quý I năm 2026 (từ ngày 01/01/2026 đến ngày 31/03/2026)",
        body=_body(rows),
        header="3row",
        text_numbers=True,
        blank_first_col=False,
    )
    _save(wb, folder / "quy" / "BC quy I-2026.xlsx")
    _record(truth, "BC quy I-2026.xlsx", ws.title, rows, date(2026, 1, 1), date(2026, 3, 31))
    # cumulative from 1 January to date (lũy kế), beside the months it covers
    ytd = [date(2026, m, 1) for m in range(1, 12)]
    rows = _unit_rows(com, sim, ytd, 8)
    wb = openpyxl.Workbook()
    ws = wb.active
    ws.title = "Luy ke"
    write_sheet(
        ws,
        title=_title(True, "(LŨY KẾ)"),
        period="Lũy kế từ ngày 01/01/2026 đến ngày 30/11/2026",
        body=_body(rows),
        header="flat",
        text_numbers=True,
        blank_first_col=True,
    )
    _save(wb, folder / "luy-ke" / "BC luy ke 11 thang 2026.xlsx")
    _record(truth, "BC luy ke 11 thang 2026.xlsx", ws.title, rows, date(2026, 1, 1), date(2026, 11, 30))
    # 2025 names in a pre-reform month: refused
    wb = openpyxl.Workbook()
    ws = wb.active
    ws.title = "T6"
    pre = [
        (f"{i + 1}.", n, sim[(codes[i], date(2025, 7, 1))], "unit", exp)
        for i, (n, exp) in enumerate(NEW_BEFORE.items())
    ]
    write_sheet(
        ws,
        title=["UBND TỈNH ĐẮK LẮK"],
        period="Từ ngày 01/06/2025 đến ngày 30/06/2025",
        body=_body(pre),
        header="2row",
        text_numbers=False,
        blank_first_col=False,
    )
    _save(wb, folder / "2025" / "bo-sung T6-2025.xlsx")
    _record(truth, "bo-sung T6-2025.xlsx", "T6", pre, date(2025, 6, 1), date(2025, 6, 30))
    return truth


def write_legacy_daklak(folder: Path, seed: int = 2025) -> Truth:
    """District exports of the legacy Tỉnh Đắk Lắk (66) for 01/2025–06/2025, headed "UBND TỈNH ĐẮK LẮK", names
    as its portal wrote them ("TP. Buôn Ma Thuột", "H. Krông Pắc", "Thị xã Buôn Hồ"): the other predecessor's
    history beside the shipped Phú Yên sample, booked to the legacy districts of 66 under either configuration."""
    ref = reference_units("legacy")
    dist = ref[(ref["province_code"] == "66") & (ref["unit_level"] == "district")].sort_values("unit_code")
    rng = random.Random(seed)
    truth = Truth()
    abbr = {"Thành phố": "TP.", "Thị xã": "TX.", "Huyện": "H."}
    for m in range(1, 7):
        s = date(2025, m, 1)
        e = date.fromordinal(date(2025, m + 1, 1).toordinal() - 1)
        rows = []
        for i, d in enumerate(dist.itertuples(index=False)):
            name = f"{abbr[d.unit_type]} {d.short_name}" if (i + m) % 2 else str(d.unit_name)
            n = rng.randint(500, 4000)
            online, carried = n // 2, rng.randint(0, 200)
            res = int((n + carried) * 0.9)
            v = {
                "received_total": n + carried,
                "received_online": online,
                "received_offline": n - online,
                "carried_over": carried,
                "resolved_total": res,
                "resolved_early": res // 2,
                "resolved_ontime": res - res // 2 - 1,
                "resolved_late": 1,
                "pending_total": n + carried - res,
                "pending_ontime": n + carried - res,
                "pending_overdue": 0,
            }
            rows.append((f"{i + 1}", name, v, "unit", ("legacy", str(d.unit_code))))
        wb = openpyxl.Workbook()
        ws = wb.active
        ws.title = "Bieu 06"
        write_sheet(
            ws,
            title=["UBND TỈNH ĐẮK LẮK", "VĂN PHÒNG UBND TỈNH"],
            period=f"Từ ngày {s:%d/%m/%Y} đến ngày {e:%d/%m/%Y}",
            body=_body(rows),
            header="3row",
            text_numbers=True,
            blank_first_col=False,
        )
        fname = f"DakLak-cu_bieu06_{s:%Y-%m}.xlsx"
        _save(wb, folder / fname)
        _record(truth, fname, ws.title, rows, s, e)
    return truth
