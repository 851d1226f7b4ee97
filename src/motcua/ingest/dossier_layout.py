"""The layout of a dossier-level export (one row per hồ sơ), shared by both dossier engines (pandas in
motcua.ingest.dossiers, DuckDB in motcua.ingest.dossier_duckdb) and the 766 groups reader
(motcua.ingest.groups766).

What is read from config/layouts/dossier.yaml: the column aliases of each role (``columns``), the
personal columns never kept (``personal``), the roles a dossier header must have (``required``), the
channel texts of online and offline filing (``channel_online``, ``channel_offline``) and the day a
month is cut on (``cutoff_day``; 0 = calendar months). Dates are read day-first or ISO
(:data:`DATE_FORMATS`); the period a file covers comes from its name.
"""

from __future__ import annotations

from datetime import date, timedelta
from pathlib import Path
from typing import Any

import pandas as pd

from motcua.config import load_config
from motcua.ingest.periods import month_end, parse_period_filename
from motcua.ingest.text import clean_text, fold

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


def spec() -> dict[str, Any]:
    """The dossier layout of config/layouts/dossier.yaml ({} when there is none)."""
    return load_config().layouts.get("dossier", {})


def cutoff_day() -> int:
    """The day months are cut on (0: calendar months)."""
    return int(spec().get("cutoff_day", 0) or 0)


def column_key(name: object) -> str:
    """A header cell as compared with the aliases: cleaned, folded, without spaces."""
    return fold(clean_text(name)).replace(" ", "")


def map_columns(header: list[str]) -> tuple[dict[str, int], list[int]]:
    """(role → column index, personal column indices) for a dossier header.

    A personal column never gets a role. Exceptions: none — any list of header cells gives a result.
    """
    layout = spec()
    keys = [column_key(h) for h in header]
    personal = [i for i, k in enumerate(keys) if k and any(p in k for p in layout.get("personal", []))]
    roles: dict[str, int] = {}
    for role, aliases in layout.get("columns", {}).items():
        for alias in aliases:
            hits = [i for i, k in enumerate(keys) if k == alias and i not in personal and i not in roles.values()]
            if hits:
                roles[role] = hits[0]
                break
    return roles, personal


def is_dossier_header(header: list[str]) -> bool:
    """Whether a header row names every required role of a dossier list."""
    roles, _ = map_columns(header)
    return all(r in roles for r in spec().get("required", ["received", "due", "completed", "channel"]))


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


def month_windows(start: date, end: date, cutoff_day: int) -> list[tuple[date, date]]:
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


def channel_kind(series: pd.Series) -> pd.Series:
    """Each channel text → "online", "offline" or "" (unknown), by the layout's channel lists."""
    layout = spec()
    online = {fold(str(x)) for x in layout.get("channel_online", ["2"])}
    offline = {fold(str(x)) for x in layout.get("channel_offline", ["1", "3"])}
    f = series.map(lambda v: fold(clean_text(v)).removesuffix(" 0") if v is not None else "")
    f = f.str.replace(r"^(\d+)\.0$", r"\1", regex=True)
    return f.map(lambda v: "online" if v in online else ("offline" if v in offline else ""))


def filename_period(path: Path) -> tuple[date, date] | None:
    """The period a file's name states ("…_2022.csv" → 2022-01-01 … 2022-12-31), or None."""
    p = parse_period_filename(path.name)
    return (p.start, p.end) if p is not None else None
