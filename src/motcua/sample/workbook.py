"""Write one form-06 (or 07a-style) workbook, byte-for-byte deterministic.

Layout (form 06 of Thông tư 01/2020/TT-VPCP): a title block with "Kỳ báo cáo: … Từ ngày dd/mm/yyyy
đến ngày dd/mm/yyyy", a 2–3 row merged header, an optional "(1) … (13)" row,
unit rows (optionally under a section row, with hierarchical STT), a
"Tổng cộng" row, and a footer. Styles (tone marks, prefixes, numbers as text,
a leading blank column, …) come from :class:`FileStyle` so the generator can
write the messiness real exports have.

Determinism: openpyxl stamps ``modified`` with the current time and zip
entries with the current local time; :func:`save_deterministic` rewrites
both, so the same inputs give identical bytes.
"""

from __future__ import annotations

import io
import re
import zipfile
from dataclasses import dataclass, field
from datetime import datetime
from pathlib import Path
from typing import Any

from openpyxl import Workbook
from openpyxl.styles import Alignment, Border, Font, Side
from openpyxl.utils import get_column_letter

from motcua.cache.atomic import atomic_write_bytes
from motcua.numfmt import vi_count

#: The keyword every synthetic workbook carries in its document properties.
SYNTHETIC_KEYWORD = "motcua-synthetic"

FORM06_GROUPS = [
    ("Số hồ sơ nhận giải quyết", 4),
    ("Số hồ sơ đã giải quyết", 4),
    ("Số hồ sơ đang giải quyết", 3),
]
#: (panel column, level-2 label, level-3 label or None)
FORM06_LEAVES = [
    ("received_total", "Tổng số", None),
    ("received_online", "Trong kỳ", "Trực tuyến"),
    ("received_offline", "Trong kỳ", "Trực tiếp, dịch vụ bưu chính"),
    ("carried_over", "Từ kỳ trước", None),
    ("resolved_total", "Tổng số", None),
    ("resolved_early", "Trước hạn", None),
    ("resolved_ontime", "Đúng hạn", None),
    ("resolved_late", "Quá hạn", None),
    ("pending_total", "Tổng số", None),
    ("pending_ontime", "Trong hạn", None),
    ("pending_overdue", "Quá hạn", None),
]
#: The leaf labels of a flattened one-row form-06 header, as some exports write it (two columns read "Quá hạn").
FLAT_LABELS = {
    "received_total": "Tổng số hồ sơ tiếp nhận",
    "received_online": "Trực tuyến",
    "received_offline": "Trực tiếp, dịch vụ bưu chính",
    "carried_over": "Từ kỳ trước",
    "resolved_total": "Đã giải quyết",
    "resolved_early": "Trước hạn",
    "resolved_ontime": "Đúng hạn",
    "resolved_late": "Quá hạn",
    "pending_total": "Đang giải quyết",
    "pending_ontime": "Trong hạn",
    "pending_overdue": "Quá hạn",
}
#: Older 07a-style layout: no online split, early+on-time merged, extra outcomes.
FORM07A_GROUPS = [
    ("Số hồ sơ nhận giải quyết", 3),
    ("Kết quả giải quyết", 3),
    ("Số hồ sơ đang giải quyết", 3),
    ("Số hồ sơ khác", 2),
]
FORM07A_LEAVES = [
    ("received_total", "Tổng số", None),
    ("received_new", "Số mới tiếp nhận", None),
    ("carried_over", "Số kỳ trước chuyển qua", None),
    ("resolved_total", "Tổng số", None),
    ("resolved_early_ontime", "Trả đúng thời hạn", None),
    ("resolved_late", "Trả quá hạn", None),
    ("pending_total", "Tổng số", None),
    ("pending_ontime", "Chưa đến hạn", None),
    ("pending_overdue", "Quá hạn", None),
    ("supplement", "Bổ sung", None),
    ("returned", "Trả lại", None),
]


@dataclass(frozen=True)
class FileStyle:
    """How one workbook is written (all options are real-world variants)."""

    layout: str = "06"  # "06" or "07a"
    header_rows: int = 3  # 2 or 3 (3 puts "Trong kỳ" above the online split)
    number_row: bool = True  # the "(1) (2) … (13)" row
    leading_blank_col: bool = False
    numbers_as_text: bool = False  # counts written as Vietnamese text "1.234"
    section_row: bool = False  # "Huyện, thị xã, thành phố" above the units
    hierarchical_stt: bool = False  # "1.1", "1.2", …
    totals_row: bool = True
    extra_rate_col: bool = False  # an extra "Tỷ lệ đúng hạn (%)" column with text like "99,47%"
    sheet_name: str = "Biểu 06"
    title_extra: str = ""  # e.g. "(Lũy kế)"
    flat_header: bool = False  # one header row of leaf labels ("Quá hạn" twice); the "(1)…(13)" row tells them apart


@dataclass
class RowSpec:
    """One body row: STT, the name as written, values by panel column (int, str or None)."""

    stt: str
    name: str
    values: dict[str, Any] = field(default_factory=dict)
    kind: str = "unit"  # unit | section | total


def _leaves(layout: str) -> tuple[list[tuple[str, int]], list[tuple[str, str, str | None]]]:
    return (FORM06_GROUPS, FORM06_LEAVES) if layout == "06" else (FORM07A_GROUPS, FORM07A_LEAVES)


def build_workbook(
    *,
    period_text: str,
    rows: list[RowSpec],
    style: FileStyle,
    reporter: str,
    place_date: str,
    note: str,
) -> Workbook:
    """The workbook object for one report (not yet saved)."""
    groups, leaves = _leaves(style.layout)
    wb = Workbook()
    ws = wb.active
    ws.title = style.sheet_name
    c0 = 2 if style.leading_blank_col else 1  # first used column
    ncols = 2 + len(leaves) + (1 if style.extra_rate_col else 0)
    last = c0 + ncols - 1
    _title_block(ws, style, reporter, period_text, c0, last)
    h0 = 8
    leaf_col, hl = _header(ws, style, groups, leaves, c0, h0)
    r = hl + 1
    if style.number_row:
        for i in range(ncols):
            _put(ws, r, c0 + i, f"({i + 1})", alignment=_CENTER)
        r += 1
    for spec in rows:
        _put(ws, r, c0, spec.stt, alignment=_CENTER)
        _put(ws, r, c0 + 1, spec.name, font=Font(bold=True) if spec.kind != "unit" else Font())
        if spec.kind != "section":
            for key, c in leaf_col.items():
                v = spec.values.get(key)
                if v is None:
                    continue
                if style.numbers_as_text and isinstance(v, int):
                    v = vi_count(int(v))
                _put(ws, r, c, v, font=Font(bold=True) if spec.kind == "total" else Font())
        r += 1
    thin = Side(style="thin")
    box = Border(left=thin, right=thin, top=thin, bottom=thin)
    for rr in range(h0, r):
        for cc in range(c0, last + 1):
            ws.cell(row=rr, column=cc).border = box
    _put(ws, r + 1, last - 4, place_date)
    _put(ws, r + 2, c0, note)
    ws.column_dimensions[get_column_letter(c0 + 1)].width = 32
    for cc in range(c0 + 2, last + 1):
        ws.column_dimensions[get_column_letter(cc)].width = 12
    return wb


_CENTER = Alignment(horizontal="center", vertical="center", wrap_text=True)


def _put(ws: Any, r: int, c: int, v: Any, **kw: Any) -> None:
    """Write ``v`` at (``r``, ``c``) with the cell attributes ``kw`` (font, alignment)."""
    cell = ws.cell(row=r, column=c, value=v)
    for k, val in kw.items():
        setattr(cell, k, val)


def _title_block(ws: Any, style: FileStyle, reporter: str, period_text: str, c0: int, last: int) -> None:
    """Rows 1–6: the reporting office, the national motto, the synthetic-data notice, the form's title, the
    period and the unit of count."""
    bold = Font(bold=True)
    half = c0 + 3
    _put(ws, 1, c0, reporter.upper(), font=bold)
    _put(ws, 1, half + 2, "CỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM", font=bold)
    _put(ws, 2, half + 2, "Độc lập - Tự do - Hạnh phúc", font=bold)
    _put(ws, 3, c0, "DỮ LIỆU MẪU TỔNG HỢP GIẢ LẬP (synthetic) — không phải số liệu thật")
    title = (
        "TÌNH HÌNH, KẾT QUẢ GIẢI QUYẾT THỦ TỤC HÀNH CHÍNH TẠI CƠ QUAN, ĐƠN VỊ TRỰC TIẾP GIẢI QUYẾT THỦ TỤC HÀNH CHÍNH"
    )
    if style.layout == "07a":
        title = "TỔNG HỢP TÌNH HÌNH GIẢI QUYẾT THỦ TỤC HÀNH CHÍNH (Mẫu 07a)"
    _put(ws, 4, c0, title + (f" {style.title_extra}" if style.title_extra else ""), font=bold, alignment=_CENTER)
    ws.merge_cells(start_row=4, start_column=c0, end_row=4, end_column=last)
    _put(ws, 5, c0, f"Kỳ báo cáo: {period_text}", alignment=_CENTER)
    ws.merge_cells(start_row=5, start_column=c0, end_row=5, end_column=last)
    _put(ws, 6, c0, f"Đơn vị báo cáo: {reporter}")
    _put(ws, 6, last - 2, "Đơn vị tính: Số hồ sơ TTHC")


def _header(ws: Any, style: FileStyle, groups: list, leaves: list, c0: int, h0: int) -> tuple[dict[str, int], int]:
    """The header from row ``h0``: flat (one row of labels) or grouped over 2–3 rows with merged group cells;
    returns each count's column and the last header row."""
    bold = Font(bold=True)
    hrows = 1 if style.flat_header else style.header_rows
    hl = h0 + hrows - 1  # last header row
    _put(ws, h0, c0, "STT", font=bold, alignment=_CENTER)
    _put(ws, h0, c0 + 1, "Đơn vị", font=bold, alignment=_CENTER)
    if hl > h0:
        ws.merge_cells(start_row=h0, start_column=c0, end_row=hl, end_column=c0)
        ws.merge_cells(start_row=h0, start_column=c0 + 1, end_row=hl, end_column=c0 + 1)
    col = c0 + 2
    leaf_col: dict[str, int] = {}
    li = 0
    for key, _, _ in leaves if style.flat_header else []:
        _put(ws, h0, col, FLAT_LABELS.get(key, key), font=bold, alignment=_CENTER)
        leaf_col[key] = col
        col += 1
    for gname, width in [] if style.flat_header else groups:
        _put(ws, h0, col, gname, font=bold, alignment=_CENTER)
        ws.merge_cells(start_row=h0, start_column=col, end_row=h0, end_column=col + width - 1)
        k = 0
        while k < width:
            key, lab2, lab3 = leaves[li]
            if lab3 is not None and hrows == 3:
                # a level-2 group ("Trong kỳ") spanning consecutive leaves with level-3 labels
                span = 1
                while k + span < width and leaves[li + span][1] == lab2 and leaves[li + span][2] is not None:
                    span += 1
                _put(ws, h0 + 1, col, lab2, font=bold, alignment=_CENTER)
                if span > 1:
                    ws.merge_cells(start_row=h0 + 1, start_column=col, end_row=h0 + 1, end_column=col + span - 1)
                for s in range(span):
                    key_s, _, lab3_s = leaves[li + s]
                    _put(ws, h0 + 2, col + s, lab3_s, font=bold, alignment=_CENTER)
                    leaf_col[key_s] = col + s
                col += span
                li += span
                k += span
                continue
            label = lab3 if (lab3 is not None and hrows == 2) else lab2
            _put(ws, h0 + 1, col, label, font=bold, alignment=_CENTER)
            if hrows == 3:
                ws.merge_cells(start_row=h0 + 1, start_column=col, end_row=hl, end_column=col)
            leaf_col[key] = col
            col += 1
            li += 1
            k += 1
    if style.extra_rate_col:
        _put(ws, h0, col, "Tỷ lệ giải quyết đúng hạn (%)", font=bold, alignment=_CENTER)
        ws.merge_cells(start_row=h0, start_column=col, end_row=hl, end_column=col)
        leaf_col["_rate"] = col
    return leaf_col, hl


_MODIFIED_RE = re.compile(rb"<dcterms:modified([^>]*)>[^<]*</dcterms:modified>")


def save_deterministic(
    wb: Workbook, path: Path, *, created: datetime, title: str, keywords: str = SYNTHETIC_KEYWORD
) -> Path:
    """Save with fixed document properties and zip timestamps; atomic (temp file, then replace)."""

    props = wb.properties
    props.creator = "motcua sample generator"
    props.lastModifiedBy = "motcua sample generator"
    props.title = title
    props.keywords = keywords
    props.description = "Dữ liệu tổng hợp giả lập (synthetic) do motcua sinh ra; không phải số liệu thật."
    props.created = created
    props.modified = created
    buf = io.BytesIO()
    wb.save(buf)
    stamp = created.strftime("%Y-%m-%dT%H:%M:%SZ").encode()
    out = io.BytesIO()
    with zipfile.ZipFile(io.BytesIO(buf.getvalue())) as zin, zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as zout:
        for info in zin.infolist():
            data = zin.read(info.filename)
            if info.filename == "docProps/core.xml":
                data = _MODIFIED_RE.sub(rb"<dcterms:modified\1>" + stamp + rb"</dcterms:modified>", data)
            zi = zipfile.ZipInfo(info.filename, date_time=(1980, 1, 1, 0, 0, 0))
            zi.compress_type = zipfile.ZIP_DEFLATED
            zi.external_attr = 0o644 << 16
            zout.writestr(zi, data)
    path = Path(path)
    atomic_write_bytes(path, out.getvalue(), sync=False)
    return path


@dataclass
class MonthFile:
    """One workbook to write: its file name, period, body rows, style and title block."""

    fname: str
    start: Any  # pd.Timestamp of the first day
    end: Any  # pd.Timestamp of the last day
    label: str  # "Tháng 07 năm 2025"
    rows: list[RowSpec]
    style: FileStyle
    reporter: str  # "UBND tỉnh Đắk Lắk"
    place: str  # "Đắk Lắk" (the footer's place before ", ngày …")
    created: datetime


def save_month_file(f: MonthFile, out_dir: Path, note: str) -> Path:
    """Build and save one :class:`MonthFile` into ``out_dir`` (deterministic bytes)."""
    period_text = f"{f.label} (Từ ngày {f.start:%d/%m/%Y} đến ngày {f.end:%d/%m/%Y})"
    wb = build_workbook(
        period_text=period_text,
        rows=f.rows,
        style=f.style,
        reporter=f.reporter,
        place_date=f"{f.place}, ngày {f.created:%d} tháng {f.created:%m} năm {f.created:%Y}",
        note=note,
    )
    return save_deterministic(wb, Path(out_dir) / f.fname, created=f.created, title=f"Biểu 06 – {f.label}")
