"""The checks of an aggregate sheet and the words of their findings: totals and subtotal rows against the sum
of the rows they cover (per column), a rate column against the counts, a cell that is not a non-negative
integer, and a sheet refused as a whole."""

from __future__ import annotations

from datetime import date

from motcua.ingest.eras import era_of
from motcua.ingest.form import FormRow, FormSheet
from motcua.ingest.names import UnitMatch
from motcua.ingest.numbers import parse_percent
from motcua.numfmt import pct, vi_count
from motcua.panel import column_ref
from motcua.quality import Quality


def cell_error_message(error: str, raw: object, label: str) -> str:
    """The quality message for a count cell that could not be read (column ``label``)."""
    if error == "formula_no_value":
        return (
            f'Cột {label}: ô là công thức "{raw}" chưa có giá trị tính sẵn (tệp do phần mềm ghi, chưa mở và lưu '
            f"bằng Excel); để trống. Mở tệp bằng Excel, lưu lại rồi chạy lại."
        )
    if error == "merged_cell":
        return (
            f"Cột {label}: ô nằm trong vùng gộp ô {raw} nên không có giá trị riêng (gộp ô che số liệu); để trống, "
            f"không đoán."
        )
    if error == "implausible_count":
        return f'Cột {label}: giá trị "{raw}" lớn bất thường (quá max_count trong config/ingest.yaml); để trống.'
    if error == "non_integer_count":
        return f'Cột {label}: giá trị "{raw}" là số thập phân, không phải số hồ sơ (số nguyên); để trống.'
    return f'Cột {label}: giá trị "{raw}" không phải số nguyên không âm; để trống.'


def refusal_message(m: UnitMatch, name: str, plabel: str, start: date | None) -> tuple[str, str]:
    """(rule, message) for a name refused as a unit of the other era or as an unknown or unplaced agency;
    ("", "") for the other refusals (the caller words those)."""
    from motcua.ingest.agencies import agency_candidates
    from motcua.ingest.eras import cross_era_message

    if m.method == "other_era" and m.candidates:
        era = era_of(start, m.unit_schema)
        msg = " ".join(cross_era_message(c, name, era, plabel) for c in m.candidates[:3])
        if len(m.candidates) > 1:
            msg = f'"{name}" là tên của {len(m.candidates)} đơn vị danh mục khác thời kỳ của kỳ này. ' + msg
        return "unit_other_era", msg
    if m.method == "code_differs" and m.candidates:
        c = m.candidates[0]
        return "unit_unmatched", (
            f'"{name}": mã ghi kèm tên khác mã của đơn vị mang tên này, {c.unit_name} ({c.unit_code}). Không đoán '
            f"tên hay mã đúng; loại dòng, sửa tên hoặc mã trong tệp."
        )
    if m.method == "district_differs" and m.candidates:
        c = m.candidates[0]
        return "unit_unmatched", (
            f'"{name}": huyện ghi sau tên không phải huyện (hay huyện tiền thân) của đơn vị mang tên này, '
            f"{c.unit_name} ({c.unit_code}). Không đoán; loại dòng, sửa tên trong tệp."
        )
    if m.method == "unknown_agency":
        near = "; ".join(agency_candidates(name)) or "không có"
        return "agency_unknown", (
            f'"{name}" có dạng tên cơ quan cấp tỉnh nhưng không có trong config/agencies.yaml; '
            f"gần nhất: {near}. Loại dòng; thêm cơ quan (hoặc bí danh) vào config/agencies.yaml nếu đúng."
        )
    if m.method == "agency_province_unknown":
        cands = " hay ".join(f"{c.unit_name} của {c.province_name} ({c.unit_code})" for c in m.candidates)
        return "agency_province_unknown", (
            f'"{name}" là cơ quan cấp tỉnh nhưng không rõ của tỉnh nào'
            + (f": {cands}" if cands else "")
            + " (kỳ này địa bàn cấu hình gồm nhiều tỉnh; phần đầu tệp, dòng tiêu đề tỉnh và các đơn vị khác "
            "trong trang không cho biết tỉnh nào). Loại dòng; ghi tên tỉnh vào phần đầu tệp hoặc sau tên cơ quan."
        )
    return "", ""


def _total_diffs(fs: FormSheet, t: FormRow, units: list[FormRow]) -> list[str]:
    """The columns where the totals row ``t`` is not the sum of ``units`` (Vietnamese, one text each)."""
    diffs = []
    for col in fs.columns:
        tv = t.values[col].value
        parts = [u.values[col].value for u in units]
        if tv is None or any(p is None for p in parts):
            continue
        s = sum(parts)  # type: ignore[arg-type]
        if s != tv:
            diffs.append(f"{column_ref(col)}: dòng tổng {vi_count(tv)}, cộng các đơn vị {vi_count(s)}")
    return diffs


def check_totals(fs: FormSheet, display: str, q: Quality, plabel: str) -> None:
    units = [r for r in fs.rows if r.kind == "unit"]
    totals = [r for r in fs.rows if r.kind == "total"]
    subtotals = [r for r in fs.rows if r.kind == "subtotal"]
    shown = [u for u in units if u.row not in fs.hidden_rows]
    for t in totals:
        diffs = _total_diffs(fs, t, units)
        if diffs and len(shown) < len(units) and not _total_diffs(fs, t, shown):
            continue  # the totals row adds up the rows the sheet shows (an old row hidden, not deleted)
        if diffs:
            q.add(
                display,
                "totals_mismatch",
                "warning",
                'Dòng "' + t.name + '" khác tổng các đơn vị — ' + "; ".join(diffs),
                sheet=fs.sheet,
                row=t.row,
                period=plabel,
                action="checked",
            )
    for st in subtotals:
        prefix = st.stt.rstrip(".") + "."
        kids = [u for u in units if u.stt.startswith(prefix)] if st.stt.strip() else []
        if not kids and st.extra.get("_closes_group"):
            # "Cộng tỉnh …" after its units: the unit rows back to the previous heading or subtotal
            idx = fs.rows.index(st)
            for r in reversed(fs.rows[:idx]):
                if r.kind != "unit":
                    break
                kids.insert(0, r)
        elif not kids:
            # Roman-numeral group: the unit rows until the next subtotal
            idx = fs.rows.index(st)
            kids = []
            for r in fs.rows[idx + 1 :]:
                if r.kind != "unit":
                    break
                kids.append(r)
        diffs = []
        for col in fs.columns:
            sv = st.values[col].value
            parts = [u.values[col].value for u in kids]
            if sv is None or not parts or any(p is None for p in parts):
                continue
            if sum(parts) != sv:  # type: ignore[arg-type]
                diffs.append(f"{column_ref(col)}: {vi_count(sv)} ≠ {vi_count(sum(parts))}")  # type: ignore[arg-type]
        msg = f'Dòng cộng nhóm "{st.name}" (STT {st.stt}) không tính là đơn vị'
        if diffs:
            q.add(
                display,
                "subtotal_mismatch",
                "warning",
                msg + " và khác tổng các dòng con — " + "; ".join(diffs),
                sheet=fs.sheet,
                row=st.row,
                period=plabel,
                action="checked",
            )


def check_rate(
    r: FormRow, vals: dict[str, int | None], display: str, sheet: str, q: Quality, m: UnitMatch, plabel: str
) -> None:
    stated = parse_percent(r.extra.get("_rate"))
    res, e, o = vals.get("resolved_total"), vals.get("resolved_early"), vals.get("resolved_ontime")
    if stated is None or not res or e is None or o is None:
        return
    computed = (e + o) / res
    if abs(computed - stated) > 0.0005 + 0.0005:  # the file rounds to 0,1 or 0,01 point
        q.add(
            display,
            "rate_column_mismatch",
            "warning",
            f'Cột tỷ lệ ghi "{r.extra.get("_rate")}", tính lại ((8)+(9))/(7) = {pct(computed, "vi", 2)}.',
            sheet=sheet,
            row=r.row,
            unit=m.unit_code or "",
            match=m,
            period=plabel,
            action="checked",
        )
