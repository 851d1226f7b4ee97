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

from datetime import date, timedelta
from pathlib import Path
from typing import Any

import numpy as np
import pandas as pd

from motcua.config import load_config
from motcua.ingest.aggregate import MatchContext, match_with_fallback
from motcua.ingest.grid import Grid
from motcua.ingest.periods import classify, month_end, parse_period_filename
from motcua.ingest.records import Record
from motcua.ingest.text import clean_text, fold
from motcua.ingest.tidy import _read_head
from motcua.quality import Quality, period_label

DATE_FORMATS = (
    "%d/%m/%Y %H:%M:%S",
    "%d/%m/%Y %H:%M",
    "%d/%m/%Y",
    "%Y-%m-%d %H:%M:%S",
    "%Y-%m-%dT%H:%M:%S",
    "%Y-%m-%d %H:%M",
    "%Y-%m-%d",
    "%d-%m-%Y",
    "%d.%m.%Y",
)


def _vi(n: int) -> str:
    from babel.numbers import format_decimal

    return format_decimal(n, locale="vi")


def _spec() -> dict[str, Any]:
    return load_config().layouts.get("dossier", {})


def _key(name: object) -> str:
    return fold(clean_text(name)).replace(" ", "")


def map_columns(header: list[str]) -> tuple[dict[str, int], list[int]]:
    """(role → column index, personal column indices) for a dossier header.

    A personal column never gets a role. Exceptions: none — any list of header cells gives a result.
    """
    spec = _spec()
    keys = [_key(h) for h in header]
    personal = [i for i, k in enumerate(keys) if k and any(p in k for p in spec.get("personal", []))]
    roles: dict[str, int] = {}
    for role, aliases in spec.get("columns", {}).items():
        for alias in aliases:
            hits = [i for i, k in enumerate(keys) if k == alias and i not in personal and i not in roles.values()]
            if hits:
                roles[role] = hits[0]
                break
    return roles, personal


def _is_dossier_header(header: list[str]) -> bool:
    roles, _ = map_columns(header)
    return all(r in roles for r in _spec().get("required", ["received", "due", "completed", "channel"]))


def looks_like_dossier_csv(path: Path) -> bool:
    cols, _, _ = _read_head(path)
    return _is_dossier_header(cols)


def parse_dates(s: pd.Series) -> pd.Series:
    """Day-first and ISO date-times → normalised dates (NaT where unreadable, blank or out of
    datetime64[ns] range). Exceptions: none for text input."""
    if pd.api.types.is_datetime64_any_dtype(s):
        return pd.to_datetime(s).dt.normalize()
    txt = s.astype("string").str.strip()
    out = pd.Series(pd.NaT, index=s.index, dtype="datetime64[ns]")
    for fmt in DATE_FORMATS:
        todo = out.isna() & txt.notna() & (txt != "")
        if not todo.any():
            break
        parsed = pd.to_datetime(txt[todo], format=fmt, errors="coerce")
        # a year datetime64[ns] cannot hold (e.g. "07/02/0024") is unreadable, like any other bad date
        parsed = parsed.where(parsed.isna() | ((parsed.dt.year >= 1678) & (parsed.dt.year <= 2261)))
        out[todo] = parsed.astype("datetime64[ns]")
    objs = s[out.isna()]
    for i, v in objs.items():  # real datetimes from a workbook
        if hasattr(v, "year") and hasattr(v, "month"):
            out[i] = pd.Timestamp(v)
    return out.dt.normalize()


def _windows(start: date, end: date, cutoff_day: int) -> list[tuple[date, date]]:
    """Monthly windows covering start … end (calendar months, or cut on ``cutoff_day``)."""
    out = []
    if cutoff_day <= 0:
        y, m = start.year, start.month
        while date(y, m, 1) <= end:
            out.append((max(date(y, m, 1), start), min(month_end(y, m), end)))
            y, m = (y + (m == 12), m % 12 + 1)
        return out
    cur = start
    while cur <= end:
        y, m = cur.year, cur.month
        if cur.day > cutoff_day:
            y, m = (y + (m == 12), m % 12 + 1)
        stop = date(y, m, min(cutoff_day, month_end(y, m).day))
        out.append((cur, min(stop, end)))
        cur = stop + timedelta(days=1)
    return out


def _channel(series: pd.Series) -> pd.Series:
    spec = _spec()
    online = {fold(str(x)) for x in spec.get("channel_online", ["2"])}
    offline = {fold(str(x)) for x in spec.get("channel_offline", ["1", "3"])}
    f = series.map(lambda v: fold(clean_text(v)).removesuffix(" 0") if v is not None else "")
    f = f.str.replace(r"^(\d+)\.0$", r"\1", regex=True)
    return f.map(lambda v: "online" if v in online else ("offline" if v in offline else ""))


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
    n_read = len(df)
    rec = parse_dates(df["received"])
    due = parse_dates(df["due"])
    done = parse_dates(df["completed"])
    if "returned" in df:
        done = done.fillna(parse_dates(df["returned"]))
    chan = _channel(df["channel"])
    bad_done = df["completed"].astype("string").str.strip().fillna("").ne("") & done.isna()
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
    rejected = pd.Series(False, index=df.index)
    for why, mask in reasons.items():
        mask = mask & ~rejected
        if mask.any():
            lines = (np.flatnonzero(mask.to_numpy()) + line_offset)[:8]
            q.add(
                display,
                "dossier_rejected",
                "error",
                f"{_vi(int(mask.sum()))} hồ sơ bị loại vì {why} (dòng {', '.join(map(str, lines))}"
                f"{', …' if mask.sum() > 8 else ''}).",
                sheet=sheet,
                action="dossiers_rejected",
            )
        rejected |= mask
    stats = getattr(q, "dossier_stats", {"read": 0, "used": 0, "rejected": 0})
    stats["read"] += n_read
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
                f'{_vi(int((units == "").sum()))} hồ sơ không ghi đơn vị; lấy đơn vị "{guess}" từ tên tệp.',
                sheet=sheet,
                action="derived",
            )
            units = units.where(units != "", guess)
    if period_hint is not None:
        p0, p1 = period_hint
    else:
        if rec.empty:
            return []
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
    cutoff = int(_spec().get("cutoff_day", 0) or 0)
    windows = _windows(p0, p1, cutoff)
    out: list[Record] = []
    rec_d, due_d, done_d = rec.to_numpy("datetime64[D]"), due.to_numpy("datetime64[D]"), done.to_numpy("datetime64[D]")
    has_done = done.notna().to_numpy()
    online = (chan == "online").to_numpy()
    for uname in sorted(set(units)):
        sel = (units == uname).to_numpy()
        m = match_with_fallback(uname, ctx, p0) if uname else None
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
    note_aggregated(q, display, sheet, int(ok.sum()), len(out), p0, p1)
    return out


def unit_period_record(
    display: str,
    sheet: str,
    uname: str,
    m: Any,
    s: date,
    e: date,
    vals: dict[str, int],
    n_u: int,
    order: tuple,
    q: Quality,
) -> Record:
    """One unit-period record from its counted columns (4)–(6), (8)–(10), (11), (13); the totals (3), (7)
    and (12) follow from them. An unmatched unit's record is dropped and reported. Both engines use it."""
    vals["received_total"] = vals["received_online"] + vals["received_offline"] + vals["carried_over"]
    vals["resolved_total"] = vals["resolved_early"] + vals["resolved_ontime"] + vals["resolved_late"]
    vals["pending_ontime"] = vals["pending_total"] - vals["pending_overdue"]
    ref = f"{sheet + '!' if sheet else ''}{n_u} hồ sơ của đơn vị, tổng hợp {s:%d/%m/%Y}–{e:%d/%m/%Y}"
    status = "kept" if m is not None and m.matched else "dropped"
    if status == "dropped":
        cand = m.candidates_text(3) if m is not None else "không có"
        q.add(
            display,
            "unit_unmatched",
            "error",
            f'Đơn vị "{uname or "(trống)"}" của danh sách hồ sơ không khớp đơn vị chính thức; gần nhất: {cand}. Loại kỳ này.',
            sheet=sheet,
            unit=uname,
            period=period_label(s, e),
            action="dropped",
        )
    return Record(
        display, sheet, None, uname, m, s, e, classify(s, e), False, vals, {}, order, "dossier", ref, status=status
    )


def note_aggregated(q: Quality, display: str, sheet: str, n_dossiers: int, n_records: int, p0: date, p1: date) -> None:
    """The closing finding of a dossier list: how many dossiers made how many unit-period rows."""
    q.add(
        display,
        "dossier_aggregated",
        "info",
        f"{_vi(n_dossiers)} hồ sơ tổng hợp thành {_vi(n_records)} dòng (đơn vị × kỳ {period_label(p0, p1)}); "
        f"trễ hạn theo ngày hoàn thành so với ngày hẹn trả.",
        sheet=sheet,
        period=period_label(p0, p1),
        action="derived",
    )


def unit_from_filename(display: str, ctx: MatchContext, start: date | None) -> str:
    """A unit named in the file name ("danh-sach-ho-so_Song-Hinh_2022.csv" → "Song Hinh"), exact matches only."""
    stem = Path(display).stem
    for part in stem.replace("-", " ").split("_"):
        part = part.strip()
        if len(part) < 3 or part.replace(" ", "").isdigit():
            continue
        m = match_with_fallback(part, ctx, start)
        if m.matched and m.method in ("exact", "no_diacritics", "alias"):
            return part
    return ""


def _hint(path: Path) -> tuple[date, date] | None:
    p = parse_period_filename(path.name)
    return (p.start, p.end) if p is not None else None


def read_dossier_csv(
    path: Path, display: str, q: Quality, ctx: MatchContext, order: tuple, engine: str | None = None
) -> list[Record]:
    """Records from a dossier CSV; personal columns are never parsed.

    ``engine``: "pandas", "duckdb" or "auto" (default: config/ingest.yaml ``dossier_engine``; auto picks
    DuckDB for UTF-8 files of at least ``duckdb_min_mb``). Both give the same records and findings
    (tests/ingest/test_dossier_engines.py); DuckDB reads the file itself in bounded memory.
    """
    from motcua.ingest.dossier_duckdb import aggregate_dossier_csv_duckdb, choose_engine

    header, delim, enc = _read_head(path)
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
            return aggregate_dossier_csv_duckdb(path, display, q, ctx, order, header, delim, roles, _hint(path))
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
    return aggregate_dossiers(df, display, "", q, ctx, order, _hint(path))


def read_dossier_grid(
    grid: Grid, path: Path, display: str, q: Quality, ctx: MatchContext, order: tuple
) -> list[Record] | None:
    """Records from a dossier table in a worksheet (header in the first 20 rows), or None if there is none."""
    for hr in range(min(20, grid.n_rows)):
        header = ["" if v is None else str(v) for v in grid.rows[hr]]
        if not _is_dossier_header(header):
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
        return aggregate_dossiers(df, display, grid.sheet, q, ctx, order, _hint(path), line_offset=hr + 2)
    return None
