"""The DuckDB query over a dossier CSV: dates read in SQL, each kept row reduced to one packed key.

Grain of the query's result: one row per (unit text, channel text when untagged, raw date texts when
SQL could not read them, packed key) with the number of dossiers ``n``; with ``lines_for``, one row
per dossier that may be rejected, in file order, with its line number. The packed key holds the
window keys of the received, completed and due dates, early/on-time/late, the channel tag and the
rejection code (:func:`unpack`, :func:`pack`). Quirks: every column is read as ``VARCHAR`` under a
neutral name ``c0, c1, …`` and only role columns are selected, so no personal column is named or
projected; a date in a shape SQL does not read is left NULL and decided in Python
(:mod:`motcua.ingest.dossier_slow_dates`).
"""

from __future__ import annotations

from datetime import date
from pathlib import Path
from typing import Any

import numpy as np
import pandas as pd

from motcua.ingest.dossier_layout import channel_kind, spec

#: base of the packed group key (window keys of received, completed and due dates, class, channel, code)
PACK = 1 << 16


#: canonical date shapes parsed in SQL: (LIKE pattern, strptime format); tried in parse_dates' order
FAST_SHAPES = [
    ("__/__/____ __:__:__", "%d/%m/%Y %H:%M:%S"),
    ("__/__/____ __:__", "%d/%m/%Y %H:%M"),
    ("__/__/____", "%d/%m/%Y"),
    ("____-__-__ __:__:__", "%Y-%m-%d %H:%M:%S"),
    ("____-__-__T__:__:__", "%Y-%m-%dT%H:%M:%S"),
    ("____-__-__ __:__", "%Y-%m-%d %H:%M"),
    ("____-__-__", "%Y-%m-%d"),
    ("__-__-____", "%d-%m-%Y"),
    ("__.__.____", "%d.%m.%Y"),
]
#: day/month without leading zeros ("5/3/2024 8:05"), checked by a regular expression, only for values no LIKE took
LOOSE_DMY = (r"^\d{1,2}/\d{1,2}/\d{4}( \d{1,2}:\d{2}(:\d{2})?)?$", ["%d/%m/%Y %H:%M:%S", "%d/%m/%Y %H:%M", "%d/%m/%Y"])


def _lit(s: str) -> str:
    """A SQL string literal."""
    return "'" + s.replace("'", "''") + "'"


def _fast(col: str) -> str:
    """SQL: the timestamp of a value in a canonical shape, else NULL (the row then goes to parse_dates).

    A LIKE pattern picks the shape, then strptime with that one format checks the fields (DuckDB's
    strptime is no more lenient than pandas' for such values). Day/month without leading zeros are
    checked by a regular expression and read with parse_dates' formats in its order; years outside
    1900–2099 are left to parse_dates (:func:`_in_range`).
    """
    parts = [f"WHEN {col} LIKE {_lit(like)} THEN try_strptime({col}, {_lit(fmt)})" for like, fmt in FAST_SHAPES]
    rx, fmts = LOOSE_DMY
    parts.append(
        f"WHEN regexp_full_match({col}, {_lit(rx)}) THEN try_strptime({col}, [{', '.join(_lit(f) for f in fmts)}])"
    )
    return "CASE " + " ".join(parts) + " END"


def _in_range(col: str) -> str:
    """Years pandas holds in datetime64[ns] with room to spare; others go to parse_dates (same outcome as pandas)."""
    return f"CASE WHEN year({col}) BETWEEN 1900 AND 2099 THEN CAST({col} AS DATE) END"


def _key_sql(col: str, cutoff: int, hint: tuple[date, date, int, int] | None) -> str:
    """SQL for a date's window: its index 0…W-1 (-1 before, W after) with a hint, else (y·12+m-1)·2 + (day > cutoff)."""
    hi = f"CAST(day({col}) > {cutoff} AS INTEGER)" if cutoff > 0 else "0"
    if hint is None:
        return f"((year({col}) * 12 + month({col}) - 1) * 2 + {hi})"
    p0, p1, k0, w = hint
    return (
        f"CASE WHEN {col} < DATE '{p0.isoformat()}' THEN -1 WHEN {col} > DATE '{p1.isoformat()}' THEN {w} "
        f"ELSE year({col}) * 12 + month({col}) - 1 + {hi} - {k0} END"
    )


def unpack(packed: np.ndarray) -> dict[str, np.ndarray]:
    """The fields of the SQL's packed group key; kc and cls are -2 when there is no completion date."""
    p = packed.astype(np.int64)
    out = {"code": p % 8 - 1, "chk": (p // 8) % 4, "cls": (p // 32) % 4 - 2}
    p = p // 128
    out["kd"], out["kc"], out["kr"] = p % PACK - 2, (p // PACK) % PACK - 2, p // (PACK * PACK) - 2
    return out


def pack(code, chk, cls, kd, kc, kr) -> int:
    """Python twin of the SQL packing (for rows parsed by parse_dates)."""
    return ((((kr + 2) * PACK + kc + 2) * PACK + kd + 2) * 4 + cls + 2) * 32 + chk * 8 + code + 1


def month_key(d: date, cutoff: int) -> int:
    """Window key of a date: the month whose window holds it (cut on ``cutoff`` day, or calendar)."""
    return d.year * 12 + d.month - 1 + (1 if cutoff > 0 and d.day > cutoff else 0)


def check_windows(windows: list[tuple[date, date]], cutoff: int) -> int:
    """k0 = key of the first window; every window w holds exactly the keys k0 + w (else the SQL keys would be wrong)."""
    k0 = month_key(windows[0][0], cutoff)
    for w, (s, e) in enumerate(windows):
        if month_key(s, cutoff) - k0 != w or month_key(e, cutoff) - k0 != w:  # pragma: no cover - a bug, not data
            raise AssertionError(f"window {w} {s}–{e} does not map to key {k0 + w}")
    return k0


def build_sql(
    path: Path,
    n_columns: int,
    roles: dict[str, int],
    delim: str,
    cutoff: int,
    hint: tuple[date, date, int, int] | None,
    *,
    lines_for: list[str | None] | None = None,
    channels: tuple[list[str], list[str]] | None = None,
) -> str:
    """The query over the file; no personal column is named or selected.

    Default: grouped counts (parallel scan, no line numbers). With ``lines_for`` (the channel texts that are
    not valid): the line numbers of the rows that may be rejected, in file order, for the rejection messages.
    """
    body = _coded_rows_sql(path, n_columns, roles, delim, lines_for is not None)
    US, NUL = "chr(31)", "chr(30)"
    raw_cat = "CASE WHEN slow THEN concat(" + f", {US}, ".join(f"coalesce({c}_s, {NUL})" for c in "rdct") + ") END"
    if lines_for is not None:
        return body + _lines_select(lines_for, raw_cat)
    return body + _counts_select(raw_cat, cutoff, hint, channels)


def _coded_rows_sql(path: Path, n_columns: int, roles: dict[str, int], delim: str, with_lines: bool) -> str:
    """The query's common part (CTEs up to ``coded``): role columns as text, dates read where their shape is
    canonical, ``slow`` rows (a date text SQL cannot read) and each row's rejection code (-1: decided in Python)."""
    cols = "{" + ", ".join(f"'c{i}': 'VARCHAR'" for i in range(n_columns)) + "}"
    src = (
        f"read_csv({_lit(str(path))}, columns={cols}, header=true, auto_detect=false, delim={_lit(delim)}, "
        f"quote='\"', escape='\"', nullstr={_lit(chr(1) + chr(2))}, encoding='utf-8')"
    )
    sel = {
        "r_s": f"c{roles['received']}",
        "d_s": f"c{roles['due']}",
        "c_s": f"c{roles['completed']}",
        "t_s": f"c{roles['returned']}" if "returned" in roles else "CAST(NULL AS VARCHAR)",
        "ch": f"c{roles['channel']}",
        "u": f"c{roles['unit']}" if "unit" in roles else "CAST('' AS VARCHAR)",
    }
    raw = ", ".join(f"{expr} AS {name}" for name, expr in sel.items())
    blank = {c: f"coalesce({c}_s, '') = ''" for c in "rdct"}
    line = "row_number() OVER () AS line, " if with_lines else ""
    return f"""
WITH raw AS (
  SELECT {line}{raw} FROM {src}
), stamped AS (
  SELECT *, {_fast("r_s")} AS r1, {_fast("d_s")} AS d1, {_fast("c_s")} AS c1,
    CASE WHEN {blank["c"]} THEN {_fast("t_s")} END AS t1 FROM raw
), parsed AS (
  SELECT *, {_in_range("r1")} AS r, {_in_range("d1")} AS d, {_in_range("c1")} AS c0, {_in_range("t1")} AS t0 FROM stamped
), flagged AS (
  SELECT *, coalesce(c0, t0) AS c,
    (NOT {blank["r"]} AND r IS NULL) OR (NOT {blank["d"]} AND d IS NULL) OR (NOT {blank["c"]} AND c0 IS NULL)
      OR (NOT {blank["t"]} AND t0 IS NULL AND c0 IS NULL) AS slow
  FROM parsed
), coded AS (
  SELECT *, CASE WHEN slow THEN -1 WHEN r IS NULL THEN 1 WHEN d IS NULL THEN 2 WHEN c < r THEN 5 ELSE 0 END AS code
  FROM flagged
)"""


def _lines_select(lines_for: list[str | None], raw_cat: str) -> str:
    """The ordered scan's final SELECT: line, code, channel and raw dates of every row that may be rejected."""
    bad = [c for c in lines_for if c is not None]
    cond = (
        ["code <> 0"]
        + ([f"ch IN ({', '.join(_lit(c) for c in bad)})"] if bad else [])
        + (["ch IS NULL"] if None in lines_for else [])
    )
    return f"""
SELECT line, code, ch, {raw_cat} AS raw
FROM coded WHERE {" OR ".join(cond)}
"""


def _counts_select(
    raw_cat: str, cutoff: int, hint: tuple[date, date, int, int] | None, channels: tuple[list[str], list[str]] | None
) -> str:
    """The grouped scan's tail: known channel texts tagged (1 online, 2 offline), each row's packed key, counts."""
    kr, kc, kd = (_key_sql(c, cutoff, hint) for c in ("r", "c", "d"))
    on, off = channels if channels is not None else known_channels()
    chk = (
        f"CASE WHEN ch IN ({', '.join(_lit(c) for c in on) or 'NULL'}) THEN 1 "
        f"WHEN ch IN ({', '.join(_lit(c) for c in off) or 'NULL'}) THEN 2 ELSE 0 END"
    )
    return f""", keyed AS (
  SELECT *, {chk} AS chk FROM coded
)
SELECT u, CASE WHEN chk = 0 THEN ch END AS ch, {raw_cat} AS raw,
  CASE WHEN code = 0 THEN ((((CAST({kr} AS BIGINT) + 2) * {PACK} + coalesce({kc}, -2) + 2) * {PACK}
    + {kd} + 2) * 4 + coalesce(sign(c - d), -2) + 2) * 32 ELSE 0 END + chk * 8 + code + 1 AS packed,
  count(*) AS n
FROM keyed
GROUP BY ALL
"""


def known_channels() -> tuple[list[str], list[str]]:
    """Channel texts whose kind the pandas path's own rule (``channel_kind``) gives: (online, offline).

    DuckDB tags rows with these cheaply; any other text is kept as written and interpreted once in Python.
    """
    layout = spec()
    cand = {str(x) for x in [*layout.get("channel_online", ["2"]), *layout.get("channel_offline", ["1", "3"])]}
    cand |= {"1", "2", "3", "1.0", "2.0", "3.0"}
    cand = sorted(cand)
    kinds = dict(zip(cand, channel_kinds(cand)))
    return [c for c in cand if kinds[c] == "online"], [c for c in cand if kinds[c] == "offline"]


def channel_kinds(values: list[Any]) -> list[str]:
    """``channel_kind`` of each value: "online", "offline" or "" (not a valid channel)."""
    return channel_kind(pd.Series(values, dtype=object)).tolist() if values else []
