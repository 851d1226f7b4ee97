"""The rows of one district workbook of the sample: each unit's name as a file writes it, the file's style,
the title and period texts, and the province heading with its hierarchical STT (roman numerals)."""

from __future__ import annotations

from typing import Any

import pandas as pd

from motcua.panel import COUNT_COLUMNS
from motcua.sample import styles
from motcua.sample.workbook import (
    FileStyle,
    RowSpec,
)


def name_as_written(name: str, unit_type: str, year: int, i: int, month: int) -> str:
    """The unit name in the style of a year's exports (deterministic)."""
    if year <= 2021:
        return styles.to_old_style(name)
    if year == 2022:
        return styles.with_ubnd(name, unit_type) if i % 2 == 0 else styles.abbreviated(name, unit_type)
    if year == 2023:
        return name if i % 3 else styles.to_old_style(name)
    if year == 2024:
        if month == 8 and i == 3:
            return styles.mojibake(name)
        if month == 10 and i == 2:
            return styles.no_diacritics(name)
        return name[len(unit_type) :].strip() if name.startswith(unit_type) else name
    return styles.nfd(name) if i % 2 else name


def style_for(year: int, month: int) -> FileStyle:
    if year <= 2021:
        return FileStyle(header_rows=3, number_row=True)
    if year == 2022:
        return FileStyle(
            header_rows=2,
            number_row=False,
            leading_blank_col=True,
            section_row=True,
            hierarchical_stt=True,
            numbers_as_text=(month % 2 == 0),
            sheet_name="BC06",
        )
    if year == 2023:
        return FileStyle(header_rows=3, number_row=True, extra_rate_col=True, numbers_as_text=(month in (3, 11)))
    if year == 2024:
        return FileStyle(header_rows=2, number_row=True, sheet_name="Sheet1")
    return FileStyle(header_rows=3, number_row=False, section_row=True)


def _rate_text(row: pd.Series) -> str:
    res = int(row["resolved_total"])
    if res <= 0:
        return ""
    pct = 100.0 * (int(row["resolved_early"]) + int(row["resolved_ontime"])) / res
    # real files mix conventions: "99,47%" and "14.3%"
    return f"{pct:.2f}".replace(".", ",") + "%" if int(row["unit_code"]) % 2 else f"{pct:.1f}%"


def _roman(k: int) -> str:
    """1 → "I", 14 → "XIV", 63 → "LXIII" (province numbering in multi-province exports)."""
    out, n = "", k
    for v, s in (
        (1000, "M"),
        (900, "CM"),
        (500, "D"),
        (400, "CD"),
        (100, "C"),
        (90, "XC"),
        (50, "L"),
        (40, "XL"),
        (10, "X"),
        (9, "IX"),
        (5, "V"),
        (4, "IV"),
        (1, "I"),
    ):
        while n >= v:
            out, n = out + s, n - v
    return out


def _province_heading(pname: str, k: int, year: int | None) -> tuple[str, str, bool]:
    """(STT, name as written, carries the province's subtotal) of the k-th province heading, in the style of a
    year's exports: "TỈNH CAO BẰNG", "1 Tỉnh Cao Bằng" (subtotal, hierarchical STT), "II. Tỉnh Bắc Kạn",
    "TP. Hà Nội" (subtotal), "Tỉnh Lâm Đồng"."""
    r = _roman(k)
    if year is None:
        return r, pname, False
    if year <= 2021:
        return r, pname.upper(), False
    if year == 2022:
        return str(k), pname, True
    if year == 2023:
        return "", f"{r}. {pname}", False
    if year == 2024:
        return r, ("TP. " + pname[len("Thành phố ") :]) if pname.startswith("Thành phố ") else pname, True
    return r, pname, False


def rows_for(
    frame: pd.DataFrame, info: pd.DataFrame, style: FileStyle, name_of: Any, year: int | None = None
) -> list[RowSpec]:
    """Body rows of one workbook. Units of several provinces are grouped under one heading row per province
    (some years with the province's subtotal), as national exports do; one province: no heading."""
    rows: list[RowSpec] = []
    multi = info["province_code"].nunique() > 1
    if style.section_row and not multi:
        rows.append(RowSpec("I", "Huyện, thị xã, thành phố", kind="section"))
    order = list(range(len(frame)))
    if multi:
        provs = list(dict.fromkeys(info.loc[frame["unit_code"], "province_code"]))
        pos = {p: n for n, p in enumerate(provs)}
        order.sort(key=lambda n: pos[info.loc[frame["unit_code"].iloc[n], "province_code"]])
    recs = list(frame.itertuples(index=False))
    prev_prov, k, j = None, 0, 0
    for i in order:
        r = recs[i]
        code = r.unit_code
        if multi:
            prov = info.loc[code, "province_code"]
            if prov != prev_prov:
                prev_prov, k, j = prov, k + 1, 0
                stt, text, with_sums = _province_heading(str(info.loc[code, "province_name"]), k, year)
                if with_sums:
                    sub = frame[frame["unit_code"].map(info["province_code"]) == prov]
                    vals_p: dict[str, Any] = {c: int(sub[c].sum()) for c in COUNT_COLUMNS}
                    if style.extra_rate_col:
                        vals_p["_rate"] = _rate_text(pd.Series({**vals_p, "unit_code": "1"}))
                    rows.append(RowSpec(stt, text, vals_p, kind="subtotal"))
                else:
                    rows.append(RowSpec(stt, text, kind="section"))
            j += 1
            stt = f"{k}.{j}" if style.hierarchical_stt else str(i + 1)
        else:
            stt = f"1.{i + 1}" if style.hierarchical_stt else str(i + 1)
        vals = {c: int(getattr(r, c)) for c in COUNT_COLUMNS}
        if style.extra_rate_col:
            vals["_rate"] = _rate_text(pd.Series({**vals, "unit_code": code}))
        rows.append(RowSpec(stt, name_of(code, i), vals))
    tot = {c: int(frame[c].sum()) for c in COUNT_COLUMNS}
    if style.extra_rate_col:
        tot["_rate"] = _rate_text(pd.Series({**tot, "unit_code": "1"}))
    if style.totals_row:
        rows.append(RowSpec("", "Tổng cộng", tot, kind="total"))
    return rows


def period_text(s: pd.Timestamp, e: pd.Timestamp, label: str) -> str:
    dates = f"Từ ngày {s:%d/%m/%Y} đến ngày {e:%d/%m/%Y}"
    return f"{label} ({dates})" if label else dates
