"""The 766 flags of each dossier of an export (paid online, digitised, apology letter, survey answer),
with one finding per unreadable cell.

Grain: one row per dossier (the rows of the export's table, columns renamed to roles); columns
``received``, ``completed``, ``late_or_faulty`` and one nullable boolean per 766 role the export has
(absent when it lacks the column). Quirks: a dossier returned for supplement counts as completed on its
return date; without a fee column a dossier with a payment recorded had a fee; findings are capped at
:data:`MAX_FINDINGS_PER_COLUMN` per column, then one finding counts the rest.
"""

from __future__ import annotations

import numpy as np
import pandas as pd

from motcua.ingest.dossier_layout import parse_dates
from motcua.ingest.groups766_cells import apology, cell_word, fee_payable, survey, yes_no
from motcua.ingest.text import clean_text
from motcua.quality import Quality

MAX_FINDINGS_PER_COLUMN = 50


def _report_bad(
    q: Quality,
    display: str,
    sheet: str,
    col_label: str,
    values: pd.Series,
    bad: pd.Series,
    lines: np.ndarray,
    what: str,
    units: pd.Series | None = None,
) -> None:
    """One finding per unreadable cell (file, sheet, row, value), up to MAX_FINDINGS_PER_COLUMN per column; then
    one finding counting the rest."""
    pos = np.flatnonzero(bad.to_numpy())
    for p in pos[:MAX_FINDINGS_PER_COLUMN]:
        v = str(clean_text(values.iloc[p]))[:40]
        q.add(
            display,
            "groups766_value_unreadable",
            "warning",
            f'Cột "{col_label}": giá trị "{v}" không đọc được ({what}); hồ sơ này không được tính vào nhóm chỉ số đó.',
            sheet=sheet,
            row=int(lines[p]),
            unit=str(units.iloc[p]) if units is not None else "",
            action="value_ignored",
        )
    if len(pos) > MAX_FINDINGS_PER_COLUMN:
        q.add(
            display,
            "groups766_value_unreadable",
            "warning",
            f'Cột "{col_label}": thêm {len(pos) - MAX_FINDINGS_PER_COLUMN} giá trị không đọc được ({what}), không liệt kê.',
            sheet=sheet,
            action="value_ignored",
        )


def dossier_flags(
    df: pd.DataFrame,
    labels: dict[str, str],
    display: str,
    sheet: str,
    q: Quality,
    line_offset: int = 2,
    units: pd.Series | None = None,
) -> pd.DataFrame:
    """Per dossier (rows of ``df``, whose columns are role names): received, completed, late_or_faulty and the
    766 flags (nullable booleans; absent when the export lacks the column). ``labels``: role → header as written,
    for findings; ``units``: each dossier's unit as findings name it (its code once matched). Unreadable cells are
    reported here."""
    lines = np.arange(len(df)) + line_offset
    if units is None and "unit" in df:
        units = df["unit"].map(clean_text)

    def report(role: str, bad: pd.Series, what: str) -> None:
        _report_bad(q, display, sheet, labels[role], df[role], bad, lines, what, units)

    rec = parse_dates(df["received"])
    due = parse_dates(df["due"])
    done = parse_dates(df["completed"])
    if "returned" in df:
        done = done.fillna(parse_dates(df["returned"]))
    out = pd.DataFrame({"received": rec, "completed": done}, index=df.index)
    late = (done > due) & done.notna() & due.notna()
    flagged = pd.Series(False, index=df.index)
    for role, what in (("faulty", "sai sót: có/không"), ("supplement", "trả lại, bổ sung: có/không")):
        if role in df:
            v, bad = yes_no(df[role])
            report(role, bad, what)
            flagged |= v.fillna(False).astype(bool)
    out["late_or_faulty"] = late | flagged
    if "paid_online" in df:
        paid, bad = yes_no(df["paid_online"])
        report("paid_online", bad, "thanh toán trực tuyến: có/không")
        if "fee" in df:
            fee, bad_fee = fee_payable(df["fee"])
            report("fee", bad_fee, "số tiền hoặc có/không")
        else:  # no fee column: a dossier with a payment recorded (paid online or not) had a fee
            fee = df["paid_online"].map(cell_word).ne("").astype("boolean")
        out["fee_payable"] = fee.where(paid.notna())
        out["paid_online"] = (paid & fee).where(paid.notna() & fee.notna())
    for role in ("digitised_dossier", "digitised_result"):
        if role in df:
            v, bad = yes_no(df[role])
            report(role, bad, "có/không")
            out[role] = v
    if "apology" in df or "apology_date" in df:
        letter, bad_flag, bad_date = apology(df.get("apology"), df.get("apology_date"))
        if "apology" in df:
            report("apology", bad_flag, "có/không hoặc ngày")
        if "apology_date" in df:
            report("apology_date", bad_date, "ngày")
        out["apology"] = letter
    if "survey" in df:
        answered, sat, bad = survey(df["survey"])
        report("survey", bad, "hài lòng/không hài lòng")
        out["surveyed"] = answered.astype("boolean").where(~bad)
        out["satisfied"] = sat.astype("boolean").where(~bad)
    return out
