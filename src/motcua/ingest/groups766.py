"""The 766 groups a dossier-level export holds: online payment, digitisation, apology letters, satisfaction.

Grain of the output (:data:`GROUPS_COLUMNS`, written to ``groups766.parquet``):
one row per unit (``unit_schema``, ``unit_code``) and month (``period_start`` –
``period_end``, months as config/layouts/dossier.yaml cuts them), summed over the
dossier exports that hold the unit. Every group is a pair of counts (numerator,
denominator), so a rate can be computed and modelled (:data:`motcua.rates.GROUP_RATES`):

- ``fee_payable`` / ``paid_online``: dossiers *received* in the month with a fee
  (Phí, lệ phí > 0) / of them paid online (Thanh toán trực tuyến = có);
- ``dossier_checked`` / ``digitised_dossier``: dossiers received in the month whose
  "Số hóa hồ sơ" cell was readable / of them digitised;
- ``result_checked`` / ``digitised_result``: dossiers *completed* in the month with a
  readable "Số hóa kết quả" / of them digitised;
- ``late_or_faulty`` / ``apology_issued``: dossiers completed in the month late
  (completion date after the due date) or marked faulty (Sai sót) or returned for
  supplement (Trả lại, bổ sung) / of them with an apology letter (Thư xin lỗi = có,
  or a readable date in its date column); dossiers still open are counted when they
  are completed (the letter may still come);
- ``resolved`` / ``surveyed`` / ``satisfied``: dossiers completed in the month /
  of them with a survey answer (Đánh giá, Hài lòng) / of them satisfied.

A count is NA (never 0) when the export lacks the group's column. A cell that is
not a word of config/layouts/groups766.yaml is one finding (file, row, value) and
that dossier is left out of that group's counts, nothing else. Dossiers without a
readable received date, or of a unit that matches no official unit, are left out:
the dossier reader (:mod:`motcua.ingest.dossiers`) reports them already. Only role
columns are read: personal columns never are.
"""

from __future__ import annotations

import re
from datetime import date
from pathlib import Path
from typing import Any

import numpy as np
import pandas as pd

from motcua.config import load_config
from motcua.ingest.dossier_layout import (
    column_key,
    cutoff_day,
    filename_period,
    is_dossier_header,
    map_columns,
    month_windows,
    parse_dates,
)
from motcua.ingest.text import clean_text, fold
from motcua.quality import Quality, period_label

#: Count columns, in order; pairs (denominator, numerator) per group.
COUNT_COLUMNS = [
    "fee_payable",
    "paid_online",
    "dossier_checked",
    "digitised_dossier",
    "result_checked",
    "digitised_result",
    "late_or_faulty",
    "apology_issued",
    "resolved",
    "surveyed",
    "satisfied",
]
GROUPS_COLUMNS = [
    "unit_schema",
    "unit_code",
    "unit_name",
    "unit_level",
    "province_code",
    "period_start",
    "period_end",
    *COUNT_COLUMNS,
    "source",
]
#: Which role column each count needs (counts of a file without it are NA).
NEEDS = {
    "fee_payable": "paid_online",
    "paid_online": "paid_online",
    "dossier_checked": "digitised_dossier",
    "digitised_dossier": "digitised_dossier",
    "result_checked": "digitised_result",
    "digitised_result": "digitised_result",
    "late_or_faulty": "apology",
    "apology_issued": "apology",
    "resolved": None,
    "surveyed": "survey",
    "satisfied": "survey",
}
MAX_FINDINGS_PER_COLUMN = 50


def spec() -> dict[str, Any]:
    """config/layouts/groups766.yaml."""
    return load_config().layouts.get("groups766", {})


def _word(v: object) -> str:
    """A cell folded to compare with the vocabulary: lower-case ASCII, single spaces, no trailing ".0"; a cell with
    other symbols ("??") is kept apart so that it matches no word (and is not blank)."""
    if v is None or (isinstance(v, float) and np.isnan(v)):
        return ""
    if isinstance(v, bool):
        return "1" if v else "0"
    raw = clean_text(v).strip()
    if re.fullmatch(r"\d+\.0+", raw):  # a number a workbook stored as 1.0
        raw = raw.split(".")[0]
    if re.search(r"[^\w\s.,/()-]", raw):  # "??", "x?": never a word of the vocabulary
        return "\x00" + raw
    return fold(raw).strip(" .")


def extra_roles(header: list[str], taken: set[int] | None = None) -> dict[str, int]:
    """(role → column index) of the 766 columns in a dossier header; ``taken``: indices already given a role
    (received, due, …) or personal, never reused. An apology date column counts as the apology column when
    there is no yes/no one."""
    keys = [column_key(h) for h in header]
    taken = set(taken or ())
    roles: dict[str, int] = {}
    for role, aliases in spec().get("columns", {}).items():
        for alias in aliases:
            hits = [i for i, k in enumerate(keys) if k == alias and i not in taken and i not in roles.values()]
            if hits:
                roles[role] = hits[0]
                break
    return roles


def yes_no(values: pd.Series) -> tuple[pd.Series, pd.Series]:
    """(True/False/NA per cell, unreadable mask). Blank → False; words of ``yes_words``/``no_words`` (with or without
    diacritics, any case) → True/False; anything else → NA and unreadable."""
    sp = spec()
    yes = {_word(w) for w in sp.get("yes_words", [])}
    no = {_word(w) for w in sp.get("no_words", [])}
    w = values.map(_word)
    out = pd.Series(pd.NA, index=values.index, dtype="boolean")
    out[w.isin(yes)] = True
    out[w.isin(no) | (w == "")] = False
    return out, out.isna()


def _amount(w: str) -> float | None:
    """A fee cell's amount: "50.000", "50,000", "50000", "50.000 đồng" → 50000.0; None if not a number."""
    s = w.replace("dong", "").replace("vnd", "").replace("d", "").strip()
    s = s.replace(".", "").replace(",", "").replace(" ", "")
    return float(s) if s.isdigit() else None


def fee_payable(values: pd.Series) -> tuple[pd.Series, pd.Series]:
    """(fee payable True/False/NA, unreadable mask): an amount > 0 or a yes word → True; 0, blank or a no word
    → False."""
    yn, bad = yes_no(values)
    w = values.map(_word)
    amounts = w[bad].map(_amount)
    yn[amounts.index[amounts.notna()]] = (amounts.dropna() > 0).to_numpy()
    return yn, yn.isna()


def survey(values: pd.Series) -> tuple[pd.Series, pd.Series, pd.Series]:
    """(surveyed, satisfied, unreadable) per cell: blank → not surveyed; ``satisfied`` / ``not_satisfied`` words →
    surveyed with that answer; anything else unreadable (neither surveyed nor satisfied)."""
    sp = spec()
    sat = {_word(w) for w in sp.get("satisfied", [])}
    unsat = {_word(w) for w in sp.get("not_satisfied", [])}
    w = values.map(_word)
    satisfied = w.isin(sat)
    answered = satisfied | w.isin(unsat)
    bad = ~answered & (w != "")
    return answered, satisfied, bad


def apology(flag: pd.Series | None, when: pd.Series | None) -> tuple[pd.Series, pd.Series, pd.Series]:
    """(letter issued True/False/NA, unreadable flag, unreadable date). A yes/no column decides; without one,
    a readable date is a letter and a blank none. A flag cell holding a date counts as a letter."""
    idx = (flag if flag is not None else when).index  # type: ignore[union-attr]
    dates = parse_dates(when) if when is not None else pd.Series(pd.NaT, index=idx)
    bad_date = pd.Series(False, index=idx)
    if when is not None:
        bad_date = dates.isna() & when.map(_word).ne("")
    if flag is None:
        out = dates.notna().astype("boolean")
        out[bad_date] = pd.NA
        return out, pd.Series(False, index=idx), bad_date
    out, bad = yes_no(flag)
    as_date = parse_dates(flag.where(bad, None).astype(object))
    out[bad & as_date.notna()] = True
    bad = out.isna()
    return out, bad, bad_date & ~bad


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
            _report_bad(q, display, sheet, labels[role], df[role], bad, lines, what, units)
            flagged |= v.fillna(False).astype(bool)
    out["late_or_faulty"] = late | flagged
    if "paid_online" in df:
        paid, bad = yes_no(df["paid_online"])
        _report_bad(
            q,
            display,
            sheet,
            labels["paid_online"],
            df["paid_online"],
            bad,
            lines,
            "thanh toán trực tuyến: có/không",
            units,
        )
        if "fee" in df:
            fee, bad_fee = fee_payable(df["fee"])
            _report_bad(q, display, sheet, labels["fee"], df["fee"], bad_fee, lines, "số tiền hoặc có/không", units)
        else:  # no fee column: a dossier with a payment recorded (paid online or not) had a fee
            fee = df["paid_online"].map(_word).ne("").astype("boolean")
        out["fee_payable"] = fee.where(paid.notna())
        out["paid_online"] = (paid & fee).where(paid.notna() & fee.notna())
    for role in ("digitised_dossier", "digitised_result"):
        if role in df:
            v, bad = yes_no(df[role])
            _report_bad(q, display, sheet, labels[role], df[role], bad, lines, "có/không", units)
            out[role] = v
    if "apology" in df or "apology_date" in df:
        letter, bad_flag, bad_date = apology(df.get("apology"), df.get("apology_date"))
        if "apology" in df:
            _report_bad(
                q, display, sheet, labels["apology"], df["apology"], bad_flag, lines, "có/không hoặc ngày", units
            )
        if "apology_date" in df:
            _report_bad(q, display, sheet, labels["apology_date"], df["apology_date"], bad_date, lines, "ngày", units)
        out["apology"] = letter
    if "survey" in df:
        answered, sat, bad = survey(df["survey"])
        _report_bad(q, display, sheet, labels["survey"], df["survey"], bad, lines, "hài lòng/không hài lòng", units)
        out["surveyed"] = answered.astype("boolean").where(~bad)
        out["satisfied"] = sat.astype("boolean").where(~bad)
    return out


def _month_index(d: pd.Series, windows: list[tuple[date, date]]) -> np.ndarray:
    """Index of the window holding each date (-1 outside every window or NaT)."""
    starts = np.array([np.datetime64(s) for s, _ in windows], dtype="datetime64[D]")
    ends = np.array([np.datetime64(e) for _, e in windows], dtype="datetime64[D]")
    v = d.to_numpy("datetime64[D]")
    i = np.searchsorted(starts, v, side="right") - 1
    ok = ~np.isnat(v) & (i >= 0)
    i = np.where(ok, i, 0)
    ok &= v <= ends[i]
    return np.where(ok, i, -1)


def count_groups(flags: pd.DataFrame, unit_keys: pd.Series, windows: list[tuple[date, date]]) -> pd.DataFrame:
    """Unit-month counts (:data:`COUNT_COLUMNS`, NA where the flags lack the column) of one export's dossiers.
    ``unit_keys``: each dossier's unit (any hashable label); rows of unit -1 or outside the windows are left out."""
    mrec = _month_index(flags["received"], windows)
    mdone = _month_index(flags["completed"], windows)

    def tally(mask: pd.Series | np.ndarray, month: np.ndarray) -> pd.Series:
        m = np.asarray(mask, dtype=bool) & (month >= 0)
        return (
            pd.Series(1, index=pd.MultiIndex.from_arrays([unit_keys[m].to_numpy(), month[m]]))
            .groupby(level=[0, 1])
            .sum()
        )

    def yes(col: str) -> np.ndarray:
        return flags[col].fillna(False).to_numpy(dtype=bool)

    def read(col: str) -> np.ndarray:
        return flags[col].notna().to_numpy()

    counts: dict[str, pd.Series] = {"resolved": tally(np.ones(len(flags), bool), mdone)}
    if "paid_online" in flags:
        counts["fee_payable"] = tally(yes("fee_payable") & read("paid_online"), mrec)
        counts["paid_online"] = tally(yes("paid_online"), mrec)
    if "digitised_dossier" in flags:
        counts["dossier_checked"] = tally(read("digitised_dossier"), mrec)
        counts["digitised_dossier"] = tally(yes("digitised_dossier"), mrec)
    if "digitised_result" in flags:
        counts["result_checked"] = tally(read("digitised_result"), mdone)
        counts["digitised_result"] = tally(yes("digitised_result"), mdone)
    if "apology" in flags:
        lf = flags["late_or_faulty"].to_numpy(dtype=bool)
        counts["late_or_faulty"] = tally(lf & read("apology"), mdone)
        counts["apology_issued"] = tally(lf & yes("apology"), mdone)
    if "surveyed" in flags:
        counts["surveyed"] = tally(yes("surveyed"), mdone)
        counts["satisfied"] = tally(yes("satisfied"), mdone)
    units = sorted(set(unit_keys[unit_keys != -1]), key=str)
    grid = pd.MultiIndex.from_product([units, range(len(windows))], names=["unit", "month"])
    out = pd.DataFrame(index=grid)
    for c in COUNT_COLUMNS:
        out[c] = (
            counts[c].reindex(grid).fillna(0).astype("Int64")
            if c in counts
            else pd.array([pd.NA] * len(grid), dtype="Int64")
        )
    return out.reset_index()


def groups_of_export(
    df: pd.DataFrame | Any,
    labels: dict[str, str],
    display: str,
    sheet: str,
    q: Quality,
    ctx: Any,
    period_hint: tuple[date, date] | None,
    line_offset: int = 2,
) -> pd.DataFrame:
    """:data:`GROUPS_COLUMNS` rows of one dossier table (role-named columns: received, due, completed, unit and the
    766 roles) — empty when it holds no 766 column. ``df``: the table, or a callable giving it in chunks (an
    iterator of frames, each with the next rows, read again as often as called: a large CSV is never held whole)."""
    from motcua.ingest.dossier_records import unit_from_filename
    from motcua.ingest.periods import month_end
    from motcua.ingest.unit_match import match_with_fallback

    chunks = df if callable(df) else (lambda: iter([df]))
    roles = set(labels)
    if not roles & {"paid_online", "digitised_dossier", "digitised_result", "apology", "apology_date", "survey"}:
        return pd.DataFrame(columns=GROUPS_COLUMNS)
    if period_hint is not None:
        p0, p1 = period_hint
    else:  # the months of the received dates (a first pass over that column alone)
        lo = hi = None
        for part in chunks():
            rec = parse_dates(part["received"]).dropna()
            if len(rec):
                lo = rec.min() if lo is None else min(lo, rec.min())
                hi = rec.max() if hi is None else max(hi, rec.max())
        if lo is None:
            return pd.DataFrame(columns=GROUPS_COLUMNS)
        p0, p1 = date(lo.year, lo.month, 1), month_end(hi.year, hi.month)
    windows = month_windows(p0, p1, cutoff_day())
    guess: str | None = None
    matches: dict[str, Any] = {}
    totals: list[pd.DataFrame] = []
    for part in chunks():
        names = part["unit"].map(clean_text) if "unit" in part else pd.Series("", index=part.index)
        if (names == "").any():
            guess = unit_from_filename(display, ctx, p0) if guess is None else guess
            names = names.where(names != "", guess)
        for n in set(names) - set(matches):
            if n:
                matches[n] = match_with_fallback(n, ctx, p0)
        # findings name the unit by its code once matched (as the clean stage's other findings do)
        codes = names.map(lambda n: str(matches[n].unit_code) if n in matches and matches[n].matched else n)
        flags = dossier_flags(part, labels, display, sheet, q, line_offset, codes)
        line_offset += len(part)
        key = names.where(names.map(lambda n: n in matches and matches[n].matched), -1)
        totals.append(count_groups(flags, key, windows))
    if not totals:
        return pd.DataFrame(columns=GROUPS_COLUMNS)
    agg: dict[str, Any] = {c: (lambda x: x.sum(min_count=1)) for c in COUNT_COLUMNS}
    counts = pd.concat(totals, ignore_index=True).groupby(["unit", "month"], sort=True).agg(agg).reset_index()
    rows = []
    for r in counts.itertuples(index=False):
        m = matches[r.unit]
        s, e = windows[r.month]
        rows.append(
            {
                "unit_schema": m.unit_schema,
                "unit_code": str(m.unit_code),
                "unit_name": m.unit_name or "",
                "unit_level": m.unit_level or "",
                "province_code": m.province_code or "",
                "period_start": pd.Timestamp(s),
                "period_end": pd.Timestamp(e),
                **{c: getattr(r, c) for c in COUNT_COLUMNS},
                "source": display,
            }
        )
    out = pd.DataFrame(rows, columns=GROUPS_COLUMNS)
    present = [
        g
        for g in ("paid_online", "digitised_dossier", "digitised_result", "apology", "survey")
        if g in roles or (g == "apology" and "apology_date" in roles)
    ]
    q.add(
        display,
        "groups766_read",
        "info",
        f"Chỉ số nhóm 766 từ danh sách hồ sơ ({', '.join(labels.get(g) or labels.get('apology_date', g) for g in present)}): "
        f"{len(out)} dòng đơn vị × tháng {period_label(p0, p1)}.",
        sheet=sheet,
        period=period_label(p0, p1),
        action="derived",
    )
    for c in COUNT_COLUMNS:
        out[c] = out[c].astype("Int64")
    return out


#: Rows of a dossier CSV read at a time (the 766 columns of a large export are never held whole).
CHUNK_ROWS = 200_000


def read_groups_file(path: Path, display: str, q: Quality, ctx: Any) -> pd.DataFrame:
    """The 766 counts of one dossier export (CSV or workbook); empty when it has no 766 column."""

    if path.suffix.lower() in (".csv", ".txt", ".tsv"):
        from motcua.ingest.tidy import read_head

        header, delim, enc = read_head(path)
        roles, personal = map_columns(header)
        extra = extra_roles(header, set(roles.values()) | set(personal))
        if not extra:
            return pd.DataFrame(columns=GROUPS_COLUMNS)
        core = {r: i for r, i in roles.items() if r in ("received", "due", "completed", "returned", "unit")}
        cols = core | extra
        rename = {header[i]: r for r, i in cols.items()}

        def chunks() -> Any:
            for raw in pd.read_csv(
                path,
                sep=delim,
                encoding=enc,
                dtype=str,
                keep_default_na=False,
                usecols=sorted(cols.values()),
                chunksize=CHUNK_ROWS,
            ):
                yield raw.rename(columns=rename)

        return groups_of_export(
            chunks, {r: header[i] for r, i in cols.items()}, display, "", q, ctx, filename_period(path)
        )
    from motcua.ingest.grid import UnreadableFile, read_book, sniff

    try:
        book = read_book(path, sniff(path))
    except UnreadableFile:
        return pd.DataFrame(columns=GROUPS_COLUMNS)  # reported by the dossier reader
    for g in book.grids:
        for hr in range(min(20, g.n_rows)):
            header = ["" if v is None else str(v) for v in g.rows[hr]]
            if not is_dossier_header(header):
                continue
            roles, personal = map_columns(header)
            extra = extra_roles(header, set(roles.values()) | set(personal))
            if not extra:
                return pd.DataFrame(columns=GROUPS_COLUMNS)
            cols = {r: i for r, i in roles.items() if r in ("received", "due", "completed", "returned", "unit")} | extra
            body = [r for r in g.rows[hr + 1 :] if any(v is not None and str(v).strip() for v in r)]
            df = pd.DataFrame(
                {r: [row[i] if i < len(row) else None for row in body] for r, i in cols.items()}, dtype=object
            )
            for c in ("received", "due", "completed", "returned", "apology_date"):
                if c in df:
                    df[c] = df[c].map(lambda v: v if hasattr(v, "year") else ("" if v is None else str(v)))
            return groups_of_export(
                df,
                {r: header[i] for r, i in cols.items()},
                display,
                g.sheet,
                q,
                ctx,
                filename_period(path),
                line_offset=hr + 2,
            )
    return pd.DataFrame(columns=GROUPS_COLUMNS)


def combine(frames: list[pd.DataFrame]) -> pd.DataFrame:
    """One row per unit and month over several exports: counts summed (NA only where no export had the column),
    sources joined; sorted, validated by :data:`SCHEMA`."""
    frames = [f for f in frames if len(f)]
    if not frames:  # typed, not validated: an empty table breaks no check (and pandera costs ~0.2 s)
        return _typed(pd.DataFrame(columns=GROUPS_COLUMNS))
    df = pd.concat(frames, ignore_index=True)
    keys = ["unit_schema", "unit_code", "period_start", "period_end"]
    agg: dict[str, Any] = {c: (lambda s: s.sum(min_count=1)) for c in COUNT_COLUMNS}
    agg.update({c: "last" for c in ("unit_name", "unit_level", "province_code")})
    agg["source"] = lambda s: "; ".join(sorted(set(map(str, s))))
    out = df.groupby(keys, sort=True, dropna=False).agg(agg).reset_index()
    return conform(out[GROUPS_COLUMNS])


def conform(df: pd.DataFrame) -> pd.DataFrame:
    """Types and order of :data:`GROUPS_COLUMNS`, checked by the pandera schema."""
    return schema().validate(_typed(df))


def _typed(df: pd.DataFrame) -> pd.DataFrame:
    """:data:`GROUPS_COLUMNS` in order with their types, rows sorted by unit and month (not validated)."""
    out = df.reindex(columns=GROUPS_COLUMNS).copy()
    for c in ("unit_schema", "unit_code", "unit_name", "unit_level", "province_code", "source"):
        out[c] = out[c].astype("string")
    for c in ("period_start", "period_end"):
        out[c] = pd.to_datetime(out[c]).astype("datetime64[ns]")
    for c in COUNT_COLUMNS:
        out[c] = pd.array(pd.to_numeric(out[c]), dtype="Int64")
    return out.sort_values(["unit_schema", "unit_code", "period_start"], kind="stable").reset_index(drop=True)


def schema() -> Any:
    """pandera schema of groups766.parquet: counts ≥ 0, each numerator ≤ its denominator."""
    import pandera.pandas as pa

    count = pa.Column("Int64", pa.Check.ge(0), nullable=True)
    pairs = [
        ("paid_online", "fee_payable"),
        ("digitised_dossier", "dossier_checked"),
        ("digitised_result", "result_checked"),
        ("apology_issued", "late_or_faulty"),
        ("satisfied", "surveyed"),
        ("surveyed", "resolved"),
    ]

    def within(num: str, den: str) -> Any:
        return pa.Check(lambda d: ~(d[num] > d[den]).fillna(False), name=f"{num}<={den}")

    return pa.DataFrameSchema(
        {
            "unit_schema": pa.Column("string"),
            "unit_code": pa.Column("string"),
            "unit_name": pa.Column("string", nullable=True),
            "unit_level": pa.Column("string", nullable=True),
            "province_code": pa.Column("string", nullable=True),
            "period_start": pa.Column("datetime64[ns]"),
            "period_end": pa.Column("datetime64[ns]"),
            **{c: count for c in COUNT_COLUMNS},
            "source": pa.Column("string", nullable=True),
        },
        checks=[within(n, d) for n, d in pairs],
        strict=True,
        ordered=True,
    )
