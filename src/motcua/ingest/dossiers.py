"""Dossier-level exports (one row per hồ sơ, CSV or XLSX) → unit-period records (docs/domain.md).

Personal columns (config/layouts/dossier.yaml ``personal``: applicant name,
ID/CCCD number, phone, e-mail, address, …) are dropped as the file is read:
for CSV they are excluded from parsing (``usecols``), for workbooks they are
deleted from the grid before anything else; only their header names are
reported. Nothing personal is kept, logged or written.

Aggregation (grain of the output: one record per unit and period; periods
are calendar months, or months cut on ``cutoff_day`` of config):
- (4)/(5): dossiers received in the period, online ⇔ channel in
  ``channel_online`` (2 = trực tuyến), in person or post otherwise;
- (6): received before the period and not completed before it starts;
- (7)–(10): completed in the period; early ⇔ completion date < due date,
  on time ⇔ equal, late ⇔ after (dates, not times; the system's due date is
  trusted);
- (11)–(13): received by the cut-off and not completed by it; overdue ⇔ due
  date ≤ cut-off day (it can no longer finish on time);
- (3) = (4)+(5)+(6).
Completion is NgayHoanThanh, or else the return date. The periods are those
the file name states (e.g. "…_2022.csv" → the twelve months of 2022); without
one, the months from the first to the last received date (reported).
Dossiers with an unreadable received or due date, or an unknown channel, are
rejected and counted.
"""

from __future__ import annotations

from datetime import date
from pathlib import Path

import numpy as np
import pandas as pd

from motcua.ingest.dossier_layout import (
    channel_kind,
    cutoff_day,
    filename_period,
    is_dossier_header,
    map_columns,
    month_windows,
    parse_dates,
)
from motcua.ingest.dossier_records import note_aggregated, unit_from_filename, unit_period_record
from motcua.ingest.grid import Grid
from motcua.ingest.periods import month_end
from motcua.ingest.records import Record
from motcua.ingest.text import clean_text
from motcua.ingest.tidy import read_head
from motcua.ingest.unit_match import MatchContext, match_with_fallback, settle_agencies
from motcua.numfmt import vi_count
from motcua.quality import Quality, period_label


def looks_like_dossier_csv(path: Path) -> bool:
    cols, _, _ = read_head(path)
    return is_dossier_header(cols)


def aggregate_dossiers(
    df: pd.DataFrame,
    display: str,
    sheet: str,
    q: Quality,
    ctx: MatchContext,
    order: tuple,
    period_hint: tuple[date, date] | None,
    line_offset: int = 2,
) -> list[Record]:
    """Dossier table with role columns (received, due, completed, returned, channel, unit) → records."""
    rec = parse_dates(df["received"])
    due = parse_dates(df["due"])
    done = parse_dates(df["completed"])
    if "returned" in df:
        done = done.fillna(parse_dates(df["returned"]))
    chan = channel_kind(df["channel"])
    bad_done = df["completed"].astype("string").str.strip().fillna("").ne("") & done.isna()
    rejected = _reject(rec, due, done, chan, bad_done, display, sheet, q, line_offset)
    stats = getattr(q, "dossier_stats", {"read": 0, "used": 0, "rejected": 0})
    stats["read"] += len(df)
    stats["rejected"] += int(rejected.sum())
    stats["used"] += int((~rejected).sum())
    q.dossier_stats = stats  # type: ignore[attr-defined]
    ok = ~rejected
    rec, due, done, chan = rec[ok], due[ok], done[ok], chan[ok]
    units = df.loc[ok, "unit"].map(clean_text) if "unit" in df else pd.Series("", index=rec.index)
    if (units == "").any():
        guess = unit_from_filename(display, ctx, period_hint[0] if period_hint else None)
        if guess:
            q.add(
                display,
                "unit_from_filename",
                "warning",
                f'{vi_count(int((units == "").sum()))} hồ sơ không ghi đơn vị; lấy đơn vị "{guess}" từ tên tệp.',
                sheet=sheet,
                action="derived",
            )
            units = units.where(units != "", guess)
    if period_hint is not None:
        p0, p1 = period_hint
    else:
        if rec.empty:
            return []
        p0, p1 = _received_months(rec, display, sheet, q)
    out = _unit_month_records(rec, due, done, chan, units, p0, p1, display, sheet, ctx, order, q)
    note_aggregated(q, display, sheet, int(ok.sum()), len(out), p0, p1)
    return out


def _reject(
    rec: pd.Series,
    due: pd.Series,
    done: pd.Series,
    chan: pd.Series,
    bad_done: pd.Series,
    display: str,
    sheet: str,
    q: Quality,
    line_offset: int,
) -> pd.Series:
    """The dossiers rejected, each for the first reason that applies (one error per reason, naming its first eight
    lines): unreadable dates, unknown channel, completed before received, received before ``period_min_start``,
    received or completed after ``period_max_end`` (config/ingest.yaml)."""
    from motcua.ingest.names import settings

    cfg = settings()
    lo = pd.Timestamp(str(cfg.get("period_min_start", "2000-01-01")))
    hi_cfg = str(cfg.get("period_max_end", "today")).strip().lower()
    hi = pd.Timestamp(date.today()) if hi_cfg == "today" else pd.Timestamp(hi_cfg)
    ok_dates = rec.notna() & due.notna() & ~bad_done & (chan != "") & ~((done < rec) & rec.notna())
    reasons = {
        "ngày tiếp nhận không đọc được": rec.isna(),
        "ngày hẹn trả không đọc được": due.isna() & rec.notna(),
        "ngày hoàn thành không đọc được": bad_done & rec.notna() & due.notna(),
        "kênh thực hiện không rõ": (chan == "") & rec.notna() & due.notna() & ~bad_done,
        "ngày hoàn thành trước ngày tiếp nhận": (done < rec) & rec.notna() & due.notna() & ~bad_done & (chan != ""),
        f"ngày tiếp nhận trước {lo:%d/%m/%Y} (period_min_start)": ok_dates & (rec < lo),
        f"ngày tiếp nhận hoặc hoàn thành sau {hi:%d/%m/%Y} (chưa tới)": ok_dates & ((rec > hi) | (done > hi)),
    }
    rejected = pd.Series(False, index=rec.index)
    for why, mask in reasons.items():
        mask = mask & ~rejected
        if mask.any():
            lines = (np.flatnonzero(mask.to_numpy()) + line_offset)[:8]
            q.add(
                display,
                "dossier_rejected",
                "error",
                f"{vi_count(int(mask.sum()))} hồ sơ bị loại vì {why} (dòng {', '.join(map(str, lines))}"
                f"{', …' if mask.sum() > 8 else ''}).",
                sheet=sheet,
                action="dossiers_rejected",
            )
        rejected |= mask
    return rejected


def _received_months(rec: pd.Series, display: str, sheet: str, q: Quality) -> tuple[date, date]:
    """Without a period in the file name: the months of the received dates, with a warning."""
    first, last = rec.min().date(), rec.max().date()
    p0, p1 = date(first.year, first.month, 1), month_end(last.year, last.month)
    q.add(
        display,
        "period_from_label",
        "warning",
        f"Tên tệp không nêu kỳ; dùng các tháng từ {p0:%m/%Y} đến {p1:%m/%Y} theo ngày tiếp nhận. (6) của tháng đầu "
        f"có thể thiếu hồ sơ tồn từ trước.",
        sheet=sheet,
        period=period_label(p0, p1),
        action="derived",
    )
    return p0, p1


def _unit_month_records(
    rec: pd.Series,
    due: pd.Series,
    done: pd.Series,
    chan: pd.Series,
    units: pd.Series,
    p0: date,
    p1: date,
    display: str,
    sheet: str,
    ctx: MatchContext,
    order: tuple,
    q: Quality,
) -> list[Record]:
    """One record per unit and month window of the kept dossiers, counted by the form-06 definitions."""
    windows = month_windows(p0, p1, cutoff_day())
    out: list[Record] = []
    rec_d, due_d, done_d = rec.to_numpy("datetime64[D]"), due.to_numpy("datetime64[D]"), done.to_numpy("datetime64[D]")
    has_done = done.notna().to_numpy()
    online = (chan == "online").to_numpy()
    names = sorted(set(units))
    ms = settle_agencies(  # an agency of no named province: the province of the file's units, when one
        [match_with_fallback(u, ctx, p0) if u else None for u in names],
        lambda i, code: match_with_fallback(names[i], ctx, p0, province_hint=code),
    )
    for uname, m in zip(names, ms):
        sel = (units == uname).to_numpy()
        n_u = int(sel.sum())
        for s, e in windows:
            s64, e64 = np.datetime64(s), np.datetime64(e)
            new = sel & (rec_d >= s64) & (rec_d <= e64)
            carried = sel & (rec_d < s64) & (~has_done | (done_d >= s64))
            res = sel & has_done & (done_d >= s64) & (done_d <= e64)
            pend = sel & (rec_d <= e64) & (~has_done | (done_d > e64))
            vals = {
                "received_online": int((new & online).sum()),
                "received_offline": int((new & ~online).sum()),
                "carried_over": int(carried.sum()),
                "resolved_early": int((res & (done_d < due_d)).sum()),
                "resolved_ontime": int((res & (done_d == due_d)).sum()),
                "resolved_late": int((res & (done_d > due_d)).sum()),
                "pending_overdue": int((pend & (due_d <= e64)).sum()),
                "pending_total": int(pend.sum()),
            }
            out.append(unit_period_record(display, sheet, uname, m, s, e, vals, n_u, order, q))
    return out


def read_dossier_csv(
    path: Path, display: str, q: Quality, ctx: MatchContext, order: tuple, engine: str | None = None
) -> list[Record]:
    """Records from a dossier CSV; personal columns are never parsed.

    ``engine``: "pandas", "duckdb" or "auto" (default: config/ingest.yaml ``dossier_engine``; auto picks
    DuckDB for UTF-8 files of at least ``duckdb_min_mb``). Both give the same records and findings
    (tests/ingest/test_dossier_engines.py); DuckDB reads the file itself in bounded memory.
    """
    from motcua.ingest.dossier_duckdb import aggregate_dossier_csv_duckdb, choose_engine

    header, delim, enc = read_head(path)
    roles, personal = map_columns(header)
    if personal:
        q.add(
            display,
            "personal_columns_dropped",
            "info",
            f"Đã loại {len(personal)} cột dữ liệu cá nhân khi đọc (Nghị định 13/2023/NĐ-CP): "
            + ", ".join(header[i] for i in personal)
            + ". Giá trị không được lưu ở bất cứ đâu.",
            action="checked",
        )
    chosen = choose_engine(path, enc, engine)
    if chosen == "duckdb":
        import duckdb

        n_findings, stats = len(q.findings), dict(getattr(q, "dossier_stats", {"read": 0, "used": 0, "rejected": 0}))
        try:
            return aggregate_dossier_csv_duckdb(
                path, display, q, ctx, order, header, delim, roles, filename_period(path)
            )
        except duckdb.Error as exc:
            del q.findings[n_findings:]  # nothing half-reported: the pandas path starts from the same state
            q.dossier_stats = stats  # type: ignore[attr-defined]
            if (engine or "").lower() == "duckdb":
                raise ValueError(f"DuckDB could not read the dossier CSV: {exc}") from exc
            import logging

            logging.getLogger(__name__).warning("DuckDB could not read %s (%s); using pandas", display, exc)
    keep = sorted(roles.values())
    df = pd.read_csv(path, sep=delim, encoding=enc, dtype=str, keep_default_na=False, usecols=keep)
    inv = {header[i]: role for role, i in roles.items()}
    df = df.rename(columns=inv)
    return aggregate_dossiers(df, display, "", q, ctx, order, filename_period(path))


def read_dossier_grid(
    grid: Grid, path: Path, display: str, q: Quality, ctx: MatchContext, order: tuple
) -> list[Record] | None:
    """Records from a dossier table in a worksheet (header in the first 20 rows), or None if there is none."""
    for hr in range(min(20, grid.n_rows)):
        header = ["" if v is None else str(v) for v in grid.rows[hr]]
        if not is_dossier_header(header):
            continue
        roles, personal = map_columns(header)
        for row in grid.rows:  # drop personal values from memory first
            for i in personal:
                if i < len(row):
                    row[i] = None
        if personal:
            q.add(
                display,
                "personal_columns_dropped",
                "info",
                f"Đã loại {len(personal)} cột dữ liệu cá nhân khi đọc (Nghị định 13/2023/NĐ-CP): "
                + ", ".join(header[i] for i in personal)
                + ". Giá trị không được lưu ở bất cứ đâu.",
                sheet=grid.sheet,
                action="checked",
            )
        body = [r for r in grid.rows[hr + 1 :] if any(v is not None and str(v).strip() for v in r)]
        data = {role: [r[i] if i < len(r) else None for r in body] for role, i in roles.items()}
        df = pd.DataFrame(data, dtype=object)
        for c in ("received", "due", "completed", "returned"):
            if c in df:
                df[c] = df[c].map(lambda v: v if hasattr(v, "year") else ("" if v is None else str(v)))
        return aggregate_dossiers(df, display, grid.sheet, q, ctx, order, filename_period(path), line_offset=hr + 2)
    return None
