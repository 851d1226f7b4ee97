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

The pieces: :mod:`motcua.ingest.groups766_cells` (the vocabulary of a cell),
:mod:`motcua.ingest.groups766_flags` (each dossier's flags and the findings),
:mod:`motcua.ingest.groups766_counts` (unit-month counts); this module reads an export, names its
units and months and combines the exports into the product.
"""

from __future__ import annotations

from collections.abc import Callable, Iterator
from datetime import date
from pathlib import Path
from typing import Any

import pandas as pd

from motcua.ingest.dossier_layout import (
    cutoff_day,
    filename_period,
    is_dossier_header,
    map_columns,
    month_windows,
    parse_dates,
)
from motcua.ingest.groups766_cells import apology, extra_roles, fee_payable, spec, survey, yes_no
from motcua.ingest.groups766_counts import COUNT_COLUMNS, count_groups
from motcua.ingest.groups766_flags import MAX_FINDINGS_PER_COLUMN, dossier_flags
from motcua.ingest.groups766_product import GROUPS_COLUMNS, combine, conform, schema
from motcua.ingest.text import clean_text
from motcua.quality import Quality, period_label

__all__ = [
    "CHUNK_ROWS",
    "COUNT_COLUMNS",
    "GROUPS_COLUMNS",
    "MAX_FINDINGS_PER_COLUMN",
    "NEEDS",
    "apology",
    "combine",
    "conform",
    "count_groups",
    "dossier_flags",
    "extra_roles",
    "fee_payable",
    "groups_of_export",
    "read_groups_file",
    "schema",
    "spec",
    "survey",
    "yes_no",
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
#: the roles of the core dossier columns the 766 counts need besides the 766 columns
CORE_ROLES = ("received", "due", "completed", "returned", "unit")
#: a table holds 766 groups when it has one of these roles
GROUP_ROLES = {"paid_online", "digitised_dossier", "digitised_result", "apology", "apology_date", "survey"}
Chunks = Callable[[], Iterator[pd.DataFrame]]


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
    chunks = df if callable(df) else (lambda: iter([df]))
    if not set(labels) & GROUP_ROLES:
        return pd.DataFrame(columns=GROUPS_COLUMNS)
    months = period_hint if period_hint is not None else _received_months(chunks)
    if months is None:
        return pd.DataFrame(columns=GROUPS_COLUMNS)
    p0, p1 = months
    windows = month_windows(p0, p1, cutoff_day())
    totals, matches = _count_chunks(chunks, labels, display, sheet, q, ctx, p0, windows, line_offset)
    if not totals:
        return pd.DataFrame(columns=GROUPS_COLUMNS)
    agg: dict[str, Any] = {c: (lambda x: x.sum(min_count=1)) for c in COUNT_COLUMNS}
    counts = pd.concat(totals, ignore_index=True).groupby(["unit", "month"], sort=True).agg(agg).reset_index()
    out = _unit_rows(counts, matches, windows, display)
    _report_read(q, display, sheet, labels, len(out), p0, p1)
    for c in COUNT_COLUMNS:
        out[c] = out[c].astype("Int64")
    return out


def _received_months(chunks: Chunks) -> tuple[date, date] | None:
    """The months of the received dates (a first pass over that column alone); None without any."""
    from motcua.ingest.periods import month_end

    lo = hi = None
    for part in chunks():
        rec = parse_dates(part["received"]).dropna()
        if len(rec):
            lo = rec.min() if lo is None else min(lo, rec.min())
            hi = rec.max() if hi is None else max(hi, rec.max())
    if lo is None:
        return None
    return date(lo.year, lo.month, 1), month_end(hi.year, hi.month)


def _count_chunks(
    chunks: Chunks,
    labels: dict[str, str],
    display: str,
    sheet: str,
    q: Quality,
    ctx: Any,
    p0: date,
    windows: list[tuple[date, date]],
    line_offset: int,
) -> tuple[list[pd.DataFrame], dict[str, Any]]:
    """Each chunk's unit-month counts (units keyed by their name as written, -1 when unmatched) and the
    unit matches by name; a dossier without a unit name belongs to the unit the file name names."""
    from motcua.ingest.dossier_records import unit_from_filename
    from motcua.ingest.unit_match import match_with_fallback

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
    return totals, matches


def _unit_rows(
    counts: pd.DataFrame, matches: dict[str, Any], windows: list[tuple[date, date]], display: str
) -> pd.DataFrame:
    """:data:`GROUPS_COLUMNS` rows of the summed unit-month ``counts``, each unit named by its match."""
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
    return pd.DataFrame(rows, columns=GROUPS_COLUMNS)


def _report_read(q: Quality, display: str, sheet: str, labels: dict[str, str], n_rows: int, p0: date, p1: date) -> None:
    """The info finding naming the 766 columns read and the unit-month rows derived."""
    roles = set(labels)
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
        f"{n_rows} dòng đơn vị × tháng {period_label(p0, p1)}.",
        sheet=sheet,
        period=period_label(p0, p1),
        action="derived",
    )


#: Rows of a dossier CSV read at a time (the 766 columns of a large export are never held whole).
CHUNK_ROWS = 200_000


def read_groups_file(path: Path, display: str, q: Quality, ctx: Any) -> pd.DataFrame:
    """The 766 counts of one dossier export (CSV or workbook); empty when it has no 766 column."""
    if path.suffix.lower() in (".csv", ".txt", ".tsv"):
        return _read_csv_groups(path, display, q, ctx)
    return _read_book_groups(path, display, q, ctx)


def _read_csv_groups(path: Path, display: str, q: Quality, ctx: Any) -> pd.DataFrame:
    """The 766 counts of a dossier CSV, read :data:`CHUNK_ROWS` rows at a time, role columns only."""
    from motcua.ingest.tidy import read_head

    header, delim, enc = read_head(path)
    roles, personal = map_columns(header)
    extra = extra_roles(header, set(roles.values()) | set(personal))
    if not extra:
        return pd.DataFrame(columns=GROUPS_COLUMNS)
    cols = {r: i for r, i in roles.items() if r in CORE_ROLES} | extra
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

    return groups_of_export(chunks, {r: header[i] for r, i in cols.items()}, display, "", q, ctx, filename_period(path))


def _read_book_groups(path: Path, display: str, q: Quality, ctx: Any) -> pd.DataFrame:
    """The 766 counts of a dossier workbook: the first sheet with a dossier header in its first 20 rows."""
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
            cols = {r: i for r, i in roles.items() if r in CORE_ROLES} | extra
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
