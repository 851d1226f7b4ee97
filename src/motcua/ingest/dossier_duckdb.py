"""Dossier CSV → unit-period records with DuckDB (large files: 10 million rows in bounded memory).

Same result as the pandas path (:func:`motcua.ingest.dossiers.aggregate_dossiers`): the same
records (columns (3)–(13) per unit and period, same order, same source_ref) and the same
quality findings (rejection counts per rule with their first line numbers, dossier_stats).

How it stays exact and fast:

- DuckDB reads the CSV itself (``read_csv`` with every column declared ``VARCHAR`` under
  neutral names ``c0, c1, …``, header skipped, no sniffing). Only the role columns
  (received, due, completed, returned, channel, unit) are selected; personal columns are
  never projected, so their values never become DuckDB vectors, tables or outputs, and
  their header names never appear in SQL (:func:`build_sql` shows the whole query).
- Dates: a value in a canonical shape (``dd/mm/yyyy[ HH:MM[:SS]]``, ``yyyy-mm-dd[ HH:MM[:SS]]``,
  ``yyyy-mm-ddTHH:MM:SS``, ``dd-mm-yyyy``, ``dd.mm.yyyy``; day/month without leading zeros;
  years 1900–2099) is read in SQL, where :func:`~motcua.ingest.dossier_layout.parse_dates` gives the
  same date. A row with any other non-blank date text (odd format, stray blank, unreadable) is
  grouped by its raw texts and read in Python by ``parse_dates`` itself, once per distinct
  combination, with the pandas path's rules.
- Channels and unit names are grouped by their raw text and interpreted in Python once per
  distinct value (``channel_kind``, ``clean_text``, ``match_with_fallback``); the channel texts of
  the configuration are tagged in SQL.
- Each kept row is reduced to the window index of its received, completed and due dates
  (windows from ``month_windows``: calendar months or cut on ``cutoff_day``) and early/on-time/late,
  packed into one integer; DuckDB counts rows per (unit text, key) in a parallel scan and
  Python expands the groups into columns (4)–(13) with difference arrays.
- Line numbers of rejected rows (the first eight per reason, as the pandas path reports them)
  come from a second, ordered scan (``row_number() OVER ()``; DuckDB keeps a CSV's row order)
  that runs only when rows were rejected and stops once every reason has its lines.
- Memory: DuckDB streams the file (``memory_limit``, ``threads`` in config/ingest.yaml
  ``dossier_engine``); only the grouped counts (about 10^5–10^6 rows) reach Python.

The pieces: :mod:`motcua.ingest.dossier_sql` (the query and its packed key),
:mod:`motcua.ingest.dossier_slow_dates` (rows whose dates SQL cannot read),
:mod:`motcua.ingest.dossier_window_counts` (groups → columns (4)–(13)); this module runs the scans,
reports the rejections and builds the records.
"""

from __future__ import annotations

from datetime import date
from pathlib import Path
from typing import Any

import numpy as np
import pandas as pd

from motcua.ingest.dossier_layout import cutoff_day
from motcua.ingest.dossier_records import note_aggregated, unit_from_filename, unit_period_record
from motcua.ingest.dossier_slow_dates import slow_codes, split_raw
from motcua.ingest.dossier_sql import (
    FAST_SHAPES,
    LOOSE_DMY,
    PACK,
    build_sql,
    channel_kinds,
    known_channels,
    month_key,
    pack,
    unpack,
)
from motcua.ingest.dossier_window_counts import hinted_windows, window_counts, window_indices
from motcua.ingest.records import Record
from motcua.ingest.text import clean_text
from motcua.ingest.unit_match import MatchContext, match_with_fallback, settle_agencies
from motcua.numfmt import vi_count
from motcua.quality import Quality

__all__ = [
    "DEFAULTS",
    "FAST_SHAPES",
    "LOOSE_DMY",
    "PACK",
    "REASONS",
    "aggregate_dossier_csv_duckdb",
    "build_sql",
    "choose_engine",
    "engine_settings",
    "known_channels",
    "month_key",
    "pack",
    "unpack",
]

DEFAULTS: dict[str, Any] = {
    "engine": "auto",  # auto | pandas | duckdb
    "duckdb_min_mb": 32,  # auto: DuckDB for CSV files at least this large (MB)
    "threads": 2,
    "memory_limit": "1GB",
}

REASONS = {  # rejection code → reason, in the order the pandas path applies them
    1: "ngày tiếp nhận không đọc được",
    2: "ngày hẹn trả không đọc được",
    3: "ngày hoàn thành không đọc được",
    4: "kênh thực hiện không rõ",
    5: "ngày hoàn thành trước ngày tiếp nhận",
}


def engine_settings() -> dict[str, Any]:
    """config/ingest.yaml ``dossier_engine`` over :data:`DEFAULTS`."""
    from motcua.ingest.names import settings

    return {**DEFAULTS, **(settings().get("dossier_engine") or {})}


def choose_engine(path: Path, encoding: str, engine: str | None = None) -> str:
    """ "pandas" or "duckdb" for a dossier CSV: forced by ``engine`` or config, else by file size.

    DuckDB reads UTF-8 only; other encodings (cp1258) always go to pandas.
    """
    cfg = engine_settings()
    choice = (engine or str(cfg["engine"])).lower()
    if choice not in ("auto", "pandas", "duckdb"):
        raise ValueError(f"unknown dossier engine {choice!r} (auto, pandas, duckdb)")
    if encoding not in ("utf-8", "utf-8-sig"):
        return "pandas"
    if choice != "auto":
        return choice
    try:
        import duckdb  # noqa: F401
    except ImportError:  # pragma: no cover - duckdb is pinned
        return "pandas"
    return "duckdb" if path.stat().st_size >= float(cfg["duckdb_min_mb"]) * 1e6 else "pandas"


def _connect(cfg: dict[str, Any]):
    import tempfile

    import duckdb

    # spills (if any) go to the system's temporary folder, never to a ".tmp" in the working directory
    tmp = str(cfg.get("temp_directory") or Path(tempfile.gettempdir()) / "motcua-duckdb")
    return duckdb.connect(
        config={
            "threads": int(cfg["threads"]),
            "memory_limit": str(cfg["memory_limit"]),
            "preserve_insertion_order": True,
            "temp_directory": tmp,
        }
    )


def _first_lines(con, sql: str, need: dict[int, int], bad_ch: set, slow_code: dict[tuple, int]) -> dict[int, list[int]]:
    """The first ``need[code]`` line numbers (1-based rows) of each rejection code, streaming the file in order.

    Stops as soon as every code has its lines: rejected rows are usually spread through a file, so this
    reads only its beginning; a code with few rows may need the whole file (one sequential scan).
    """
    found: dict[int, list[int]] = {c: [] for c in need}
    missing = {c for c, k in need.items() if k > 0}
    reader = con.sql(sql).to_arrow_reader(65536)
    try:
        for batch in reader:
            d = batch.to_pydict()
            for line, code, ch, raw in zip(d["line"], d["code"], d["ch"], d["raw"]):
                if code == -1:
                    code = slow_code[raw]
                if code in (0, 5) and ch in bad_ch:
                    code = 4
                if code in missing:
                    found[code].append(int(line))
                    if len(found[code]) >= need[code]:
                        missing.discard(code)
            if not missing:
                break
    finally:
        reader.close()
    return found


def aggregate_dossier_csv_duckdb(
    path: Path,
    display: str,
    q: Quality,
    ctx: MatchContext,
    order: tuple,
    header: list[str],
    delim: str,
    roles: dict[str, int],
    period_hint: tuple[date, date] | None,
    *,
    return_sql: list | None = None,
) -> list[Record]:
    """Records from a dossier CSV, aggregated by DuckDB; same records and findings as the pandas path."""
    cfg = engine_settings()
    cutoff = cutoff_day()
    windows, hint = hinted_windows(period_hint, cutoff)
    sql = build_sql(path, len(header), roles, delim, cutoff, hint)
    if return_sql is not None:
        return_sql.append(sql)
    con = _connect(cfg)
    try:
        g = con.sql(sql).df()
        f, slow_code = _unpacked_keys(g, cutoff, hint)
        kind, bad_ch = _channel_kinds_of(g, f["chk"])
        code = f["code"]
        code[((code == 0) | (code == 5)) & (kind == "")] = 4
        n = g["n"].to_numpy(dtype=np.int64)
        counts = {c: int(n[code == c].sum()) for c in REASONS}
        lines: dict[int, list[int]] = {c: [] for c in REASONS}
        if any(counts.values()):
            need = {c: min(k, 8) for c, k in counts.items()}
            lines_for = sorted(bad_ch, key=lambda v: (v is None, str(v)))
            lsql = build_sql(path, len(header), roles, delim, cutoff, hint, lines_for=lines_for)
            if return_sql is not None:
                return_sql.append(lsql)
            lines = _first_lines(con, lsql, need, bad_ch, slow_code)
    finally:
        con.close()
    sheet = ""
    _report_rejections(q, display, sheet, counts, lines)
    rejected = code != 0
    _add_dossier_stats(q, n, rejected)
    keep = ~rejected
    kn = n[keep]
    online = kind[keep] == "online"
    kr, kc, kd, cls = (f[k][keep] for k in ("kr", "kc", "kd", "cls"))
    names, ui = _unit_names(g["u"].to_numpy(dtype=object)[keep], kn, display, ctx, period_hint, q, sheet)
    has_done = kc != -2
    span = window_indices(kr, kc, kd, has_done, period_hint, windows, cutoff, q, display, sheet)
    if span is None:
        return []
    p0, p1, windows, a, b, c_due = span
    cols = window_counts(ui, kn, a, b, c_due, has_done, cls, online, len(names), len(windows))
    per_unit = np.rint(np.bincount(ui, weights=kn, minlength=len(names))).astype(np.int64)
    out: list[Record] = []
    ms = settle_agencies(  # an agency of no named province: the province of the file's units, when one
        [match_with_fallback(u, ctx, p0) if u else None for u in names],
        lambda i, code: match_with_fallback(names[i], ctx, p0, province_hint=code),
    )
    for i, (uname, m) in enumerate(zip(names, ms)):
        n_u = int(per_unit[i])
        for w, (s, e) in enumerate(windows):
            vals = {c: int(v[i, w]) for c, v in cols.items()}
            out.append(unit_period_record(display, sheet, uname, m, s, e, vals, n_u, order, q))
    note_aggregated(q, display, sheet, int(kn.sum()), len(out), p0, p1)
    return out


def _unpacked_keys(
    g: pd.DataFrame, cutoff: int, hint: tuple[date, date, int, int] | None
) -> tuple[dict[str, np.ndarray], dict[str, int]]:
    """The packed keys of the grouped scan ``g`` unpacked, the rows SQL could not date decided in Python;
    and the rejection code of each such raw date text (for the line scan)."""
    f = unpack(g["packed"].to_numpy(dtype=np.int64))
    slow = np.flatnonzero(f["code"] == -1)
    slow_code: dict[str, int] = {}
    if len(slow):
        raw_txt = g["raw"].iloc[slow].tolist()
        sf = slow_codes([split_raw(r) for r in raw_txt], cutoff, hint)
        for k, v in sf.items():
            f[k][slow] = v
        slow_code = dict(zip(raw_txt, sf["code"].tolist()))
    return f, slow_code


def _channel_kinds_of(g: pd.DataFrame, chk: np.ndarray) -> tuple[np.ndarray, set]:
    """Each group's channel kind ("online", "offline", "" when not valid) and the channel texts that are not valid.

    DuckDB tagged the known texts (chk 1 online, 2 offline); others are read once per distinct text (NULL would
    be a missing field, which pandas reads as NaN)."""
    other = chk == 0
    ch = g["ch"].astype(object).where(g["ch"].notna(), None)
    distinct = list(dict.fromkeys(ch[other].tolist()))
    kinds = dict(zip(distinct, channel_kinds([float("nan") if v is None else v for v in distinct])))
    kind = np.where(chk == 1, "online", np.where(chk == 2, "offline", "")).astype(object)
    if other.any():
        kind[other] = ch[other].map(lambda v: kinds[v]).to_numpy(dtype=object)
    return kind, {v for v, k in kinds.items() if not k}


def _report_rejections(
    q: Quality, display: str, sheet: str, counts: dict[int, int], lines: dict[int, list[int]]
) -> None:
    """One error finding per rejection reason with dossiers, naming its first eight lines."""
    line_offset = 1  # line = row_number (1-based) + 1 = pandas index + 2
    for c, why in REASONS.items():
        total = counts[c]
        if total:
            shown = [x + line_offset for x in sorted(lines[c])[:8]]
            q.add(
                display,
                "dossier_rejected",
                "error",
                f"{vi_count(total)} hồ sơ bị loại vì {why} (dòng {', '.join(map(str, shown))}{', …' if total > 8 else ''}).",
                sheet=sheet,
                action="dossiers_rejected",
            )


def _add_dossier_stats(q: Quality, n: np.ndarray, rejected: np.ndarray) -> None:
    """Dossiers read, used and rejected, added to ``q.dossier_stats`` (summed over the files)."""
    stats = getattr(q, "dossier_stats", {"read": 0, "used": 0, "rejected": 0})
    stats["read"] += int(n.sum())
    stats["rejected"] += int(n[rejected].sum())
    stats["used"] += int(n[~rejected].sum())
    q.dossier_stats = stats  # type: ignore[attr-defined]


def _unit_names(
    raw_units: np.ndarray,
    kn: np.ndarray,
    display: str,
    ctx: MatchContext,
    period_hint: tuple[date, date] | None,
    q: Quality,
    sheet: str,
) -> tuple[list[str], np.ndarray]:
    """The unit names of the kept groups, sorted, and each group's index into them. Names are cleaned once
    per distinct text (NULL would be a missing field: pandas reads NaN → "nan"); a blank name takes the unit
    the file name names, with a warning."""
    ucodes, uniq = pd.factorize(raw_units, use_na_sentinel=True)
    uniq_clean = np.array([clean_text(v) for v in uniq] + [clean_text(float("nan"))], dtype=object)
    units_c = uniq_clean[ucodes]  # code -1 (NULL) picks the last entry
    if (units_c == "").any():
        guess = unit_from_filename(display, ctx, period_hint[0] if period_hint else None)
        if guess:
            q.add(
                display,
                "unit_from_filename",
                "warning",
                f'{vi_count(int(kn[units_c == ""].sum()))} hồ sơ không ghi đơn vị; lấy đơn vị "{guess}" từ tên tệp.',
                sheet=sheet,
                action="derived",
            )
            uniq_clean = np.where(uniq_clean == "", guess, uniq_clean)
    names = sorted(set(uniq_clean[np.unique(ucodes)].tolist())) if len(ucodes) else []
    name_id = {nm: i for i, nm in enumerate(names)}
    ui = (
        np.array([name_id.get(x, -1) for x in uniq_clean], dtype=np.int64)[ucodes]
        if len(ucodes)
        else np.zeros(0, np.int64)
    )
    return names, ui
