"""A readable data-quality summary of a clean run (for notebooks/10_clean.ipynb).

Tables, all small (grain noted per function), with Vietnamese headers by
default and English with ``lang="en"``; numbers formatted as Babel formats them (:mod:`motcua.numfmt`).
"""

from __future__ import annotations

from typing import TYPE_CHECKING

import pandas as pd

from motcua.numfmt import number
from motcua.products import QUALITY
from motcua.quality import RULES

if TYPE_CHECKING:
    from motcua.clean.run import CleanResult

SEVERITY_LABEL = {
    "vi": {"error": "lỗi", "warning": "cảnh báo", "info": "thông tin"},
    "en": {"error": "error", "warning": "warning", "info": "info"},
}
ACTION_LABEL = {
    "vi": {
        "kept": "giữ nguyên",
        "dropped": "loại",
        "value_removed": "để trống giá trị",
        "derived": "tính ra",
        "checked": "đối chiếu",
        "file_skipped": "bỏ qua tệp",
        "dossiers_rejected": "loại hồ sơ",
    },
    "en": {
        "kept": "kept",
        "dropped": "dropped",
        "value_removed": "value removed",
        "derived": "derived",
        "checked": "checked",
        "file_skipped": "file skipped",
        "dossiers_rejected": "dossiers rejected",
    },
}
HEAD = {
    "vi": {
        "rule": "Quy tắc",
        "description": "Nội dung",
        "severity": "Mức độ",
        "count": "Số phát hiện",
        "action": "Xử lý",
        "unit": "Đơn vị",
        "file": "Tệp",
        "sheet": "Trang tính",
        "row": "Dòng",
        "period": "Kỳ",
        "message": "Chi tiết",
        "item": "Mục",
        "value": "Số lượng",
    },
    "en": {
        "rule": "Rule",
        "description": "Description",
        "severity": "Severity",
        "count": "Findings",
        "action": "Action",
        "unit": "Unit",
        "file": "File",
        "sheet": "Sheet",
        "row": "Row",
        "period": "Period",
        "message": "Detail",
        "item": "Item",
        "value": "Count",
    },
}


def counts_table(result: CleanResult, lang: str = "vi") -> pd.DataFrame:
    """Rows read, kept and dropped; files; dossiers. Grain: one row per item."""
    m = result.meta
    vi = lang == "vi"
    items = [
        ("Tệp đầu vào" if vi else "Input files", len(m["sources"])),
        ("Dòng đọc được (đơn vị × kỳ)" if vi else "Rows read (unit × period)", m["rows"]["in"]),
        ("Dòng giữ lại trong bảng" if vi else "Rows kept in the panel", m["rows"]["kept"]),
        ("Dòng bị loại (có ghi lý do)" if vi else "Rows dropped (each with a reason)", m["rows"]["dropped"]),
        ("Đơn vị" if vi else "Units", m["units"]),
    ]
    d = m.get("dossiers")
    if d:
        items += [
            ("Hồ sơ trong danh sách chi tiết" if vi else "Dossiers in dossier lists", d["read"]),
            ("Hồ sơ bị loại" if vi else "Dossiers rejected", d["rejected"]),
        ]
    par = m.get("par")
    if par:  # the PAR index tables: their own rows (unit × year), apart from the panel's
        items += [
            ("Bảng Chỉ số CCHC: dòng đơn vị đọc được" if vi else "PAR index tables: unit rows read", par["in"]),
            ("Bảng Chỉ số CCHC: dòng giữ lại" if vi else "PAR index tables: rows kept", par["kept"]),
            (
                "Bảng Chỉ số CCHC: dòng bị loại (có ghi lý do)"
                if vi
                else "PAR index tables: rows dropped (each with a reason)",
                par["dropped"],
            ),
        ]
    h = HEAD[lang]
    return pd.DataFrame([(a, number(int(b), lang)) for a, b in items], columns=[h["item"], h["value"]])


def by_rule(quality: pd.DataFrame, lang: str = "vi") -> pd.DataFrame:
    """Findings per (rule, severity, action), most severe first. Grain: one row per combination."""
    h = HEAD[lang]
    if quality.empty:
        return pd.DataFrame(columns=[h["rule"], h["description"], h["severity"], h["action"], h["count"]])
    g = quality.groupby(["rule", "severity", "action"], sort=False).size().reset_index(name="count")
    order = {"error": 0, "warning": 1, "info": 2}
    g = g.sort_values(["severity", "count"], key=lambda s: s.map(order) if s.name == "severity" else -s, kind="stable")
    idx = 0 if lang == "vi" else 1
    return pd.DataFrame(
        {
            h["rule"]: g["rule"],
            h["description"]: g["rule"].map(lambda r: RULES.get(r, (r, r))[idx]),
            h["severity"]: g["severity"].map(SEVERITY_LABEL[lang]),
            h["action"]: g["action"].map(lambda a: ACTION_LABEL[lang].get(a, a)),
            h["count"]: g["count"].map(lambda x: number(int(x), lang)),
        }
    ).reset_index(drop=True)


def by_unit(quality: pd.DataFrame, panel: pd.DataFrame | None = None, lang: str = "vi") -> pd.DataFrame:
    """Findings per unit and severity (rows: units, columns: severities). Grain: one row per unit."""
    h = HEAD[lang]
    q = quality[quality["unit"].astype(str) != ""]
    if q.empty:
        return pd.DataFrame(columns=[h["unit"]])
    names = {}
    if panel is not None and len(panel):
        names = dict(zip(panel["unit_code"], panel["unit_name"]))
    t = q.pivot_table(index="unit", columns="severity", values="rule", aggfunc="count", fill_value=0)
    t = t.reindex(columns=[s for s in ("error", "warning", "info") if s in t.columns])
    t.index = [f"{u} – {names[u]}" if u in names else str(u) for u in t.index]
    t.columns = [SEVERITY_LABEL[lang][c] for c in t.columns]
    t.index.name = h["unit"]
    return t.reset_index()


def dropped(quality: pd.DataFrame, lang: str = "vi") -> pd.DataFrame:
    """What was dropped or emptied and why. Grain: one row per finding whose action removes data."""
    h = HEAD[lang]
    sel = quality[quality["action"].isin(["dropped", "value_removed", "file_skipped", "dossiers_rejected"])]
    out = sel[["file", "sheet", "row", "unit", "period", "rule", "message"]].copy()
    out["row"] = out["row"].astype("string").fillna("")
    return out.rename(columns={c: h[c] for c in out.columns}).reset_index(drop=True)


def headline(result: CleanResult, lang: str = "vi") -> str:
    """One paragraph (Markdown) for the top of the summary."""
    m = result.meta
    r = m["rows"]
    f = m["findings"]
    if lang == "vi":
        text = (
            f"Đã đọc **{number(int(r['in']), lang)}** dòng (đơn vị × kỳ) từ **{number(len(m['sources']), lang)}** tệp; "
            f"giữ **{number(int(r['kept']), lang)}**, loại **{number(int(r['dropped']), lang)}** (mỗi dòng loại có lý do trong {QUALITY.file}). "
            f"Phát hiện: {number(int(f['error']), lang)} lỗi, {number(int(f['warning']), lang)} cảnh báo, {number(int(f['info']), lang)} thông tin. "
            f"Số liệu đến ngày {pd.Timestamp(m['as_of']).strftime('%d/%m/%Y') if m['as_of'] else '—'}."
        )
        if m.get("synthetic"):
            text += " **Dữ liệu mẫu tổng hợp giả lập, không phải số liệu thật.**"
    else:
        text = (
            f"Read **{number(int(r['in']), lang)}** rows (unit × period) from **{number(len(m['sources']), lang)}** files; "
            f"kept **{number(int(r['kept']), lang)}**, dropped **{number(int(r['dropped']), lang)}** (each with a reason in {QUALITY.file}). "
            f"Findings: {f['error']} errors, {f['warning']} warnings, {f['info']} notes. Data up to {m['as_of'] or '—'}."
        )
        if m.get("synthetic"):
            text += " **Synthetic sample data, not real figures.**"
    return text


def rules_text(lang: str = "vi") -> str:
    """The documented period rules, for the notebook."""
    if lang == "vi":
        return (
            "**Quy tắc về kỳ báo cáo.** (1) Số lũy kế được trừ đi các kỳ trước trong cùng chuỗi; hiệu âm được ghi là "
            "điều chỉnh và để trống. (2) Kỳ gộp (ví dụ quý) đã có đủ các kỳ chi tiết thì chỉ dùng để đối chiếu. "
            "(3) Các kỳ trùng hoặc chồng lấn khác: tệp mới hơn được dùng (ngày tạo tệp, rồi tên tệp); dòng cũ bị loại "
            "và ghi lại. Không giá trị nào bị sửa âm thầm: vi phạm đẳng thức được giữ nguyên và báo cáo."
        )
    return (
        "**Period rules.** (1) Cumulative rows are differenced against the earlier periods of their series; a negative "
        "difference is a revision, left empty and reported. (2) An aggregate period (e.g. a quarter) tiled by finer "
        "periods is only used as a check. (3) Other duplicate or overlapping periods: the newest file wins (workbook "
        "creation date, then file name); older rows are dropped and reported. Nothing is fixed silently: identity "
        "violations are kept as read and reported."
    )
