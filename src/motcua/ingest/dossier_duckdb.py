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
"""

from __future__ import annotations

from datetime import date
from pathlib import Path
from typing import Any

import numpy as np
import pandas as pd

from motcua.ingest.dossier_layout import channel_kind, cutoff_day, month_windows, parse_dates, spec
from motcua.ingest.dossier_records import note_aggregated, unit_from_filename, unit_period_record
from motcua.ingest.periods import month_end
from motcua.ingest.records import Record
from motcua.ingest.text import clean_text
from motcua.ingest.unit_match import MatchContext, match_with_fallback
from motcua.numfmt import vi_count
from motcua.quality import Quality, period_label

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


def _lit(s: str) -> str:
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
    kr, kc, kd = (_key_sql(c, cutoff, hint) for c in ("r", "c", "d"))
    line = "row_number() OVER () AS line, " if lines_for is not None else ""
    body = f"""
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
    US, NUL = "chr(31)", "chr(30)"
    raw_cat = "CASE WHEN slow THEN concat(" + f", {US}, ".join(f"coalesce({c}_s, {NUL})" for c in "rdct") + ") END"
    if lines_for is not None:
        bad = [c for c in lines_for if c is not None]
        cond = (
            ["code <> 0"]
            + ([f"ch IN ({', '.join(_lit(c) for c in bad)})"] if bad else [])
            + (["ch IS NULL"] if None in lines_for else [])
        )
        return (
            body
            + f"""
SELECT line, code, ch, {raw_cat} AS raw
FROM coded WHERE {" OR ".join(cond)}
"""
        )
    on, off = channels if channels is not None else known_channels()
    chk = (
        f"CASE WHEN ch IN ({', '.join(_lit(c) for c in on) or 'NULL'}) THEN 1 "
        f"WHEN ch IN ({', '.join(_lit(c) for c in off) or 'NULL'}) THEN 2 ELSE 0 END"
    )
    return (
        body
        + f""", keyed AS (
  SELECT *, {chk} AS chk FROM coded
)
SELECT u, CASE WHEN chk = 0 THEN ch END AS ch, {raw_cat} AS raw,
  CASE WHEN code = 0 THEN ((((CAST({kr} AS BIGINT) + 2) * {PACK} + coalesce({kc}, -2) + 2) * {PACK}
    + {kd} + 2) * 4 + coalesce(sign(c - d), -2) + 2) * 32 ELSE 0 END + chk * 8 + code + 1 AS packed,
  count(*) AS n
FROM keyed
GROUP BY ALL
"""
    )


def known_channels() -> tuple[list[str], list[str]]:
    """Channel texts whose kind the pandas path's own rule (``channel_kind``) gives: (online, offline).

    DuckDB tags rows with these cheaply; any other text is kept as written and interpreted once in Python.
    """
    layout = spec()
    cand = {str(x) for x in [*layout.get("channel_online", ["2"]), *layout.get("channel_offline", ["1", "3"])]}
    cand |= {"1", "2", "3", "1.0", "2.0", "3.0"}
    cand = sorted(cand)
    kinds = dict(zip(cand, _channel_kind(cand)))
    return [c for c in cand if kinds[c] == "online"], [c for c in cand if kinds[c] == "offline"]


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


def _channel_kind(values: list[Any]) -> list[str]:
    return channel_kind(pd.Series(values, dtype=object)).tolist() if values else []


def _slow_codes(raws: list[tuple], cutoff: int, hint) -> dict[str, np.ndarray]:
    """Rejection code (before the channel rule) and window keys for rows whose dates need ``parse_dates``.

    ``raws`` holds (received, due, completed, returned) as written; the pandas path's own parser and rules
    decide, so odd formats give exactly its result.
    """
    cols = list(zip(*raws)) if raws else [(), (), (), ()]
    txt = [pd.Series(["" if v is None else v for v in c], dtype=object) for c in cols]
    rec, due, done, ret = (parse_dates(t) for t in txt)
    done = done.fillna(ret)
    bad_done = txt[2].astype("string").str.strip().fillna("").ne("") & done.isna()
    code = np.select(
        [rec.isna().to_numpy(), due.isna().to_numpy(), bad_done.to_numpy(), (done < rec).to_numpy()], [1, 2, 3, 5], 0
    )
    out = {"code": code, **{k: np.full(len(raws), -2, dtype=np.int64) for k in ("kr", "kc", "kd", "cls")}}
    for i in np.flatnonzero(code == 0):
        out["kr"][i] = _py_key(rec.iloc[i].date(), cutoff, hint)
        out["kd"][i] = _py_key(due.iloc[i].date(), cutoff, hint)
        if not pd.isna(done.iloc[i]):
            out["kc"][i] = _py_key(done.iloc[i].date(), cutoff, hint)
            out["cls"][i] = int(np.sign((done.iloc[i] - due.iloc[i]).days))
    return out


def _split_raw(s: str) -> tuple:
    return tuple(None if v == "\x1e" else v for v in s.split("\x1f"))


def _py_key(d: date, cutoff: int, hint) -> int:
    """The SQL window key (:func:`_key_sql`) in Python."""
    if hint is None:
        return ((d.year * 12 + d.month - 1) * 2) + (1 if cutoff > 0 and d.day > cutoff else 0)
    p0, p1, k0, w = hint
    if d < p0:
        return -1
    if d > p1:
        return w
    return month_key(d, cutoff) - k0


def _check_windows(windows: list[tuple[date, date]], cutoff: int) -> int:
    """k0 = key of the first window; every window w holds exactly the keys k0 + w (else the SQL keys would be wrong)."""
    k0 = month_key(windows[0][0], cutoff)
    for w, (s, e) in enumerate(windows):
        if month_key(s, cutoff) - k0 != w or month_key(e, cutoff) - k0 != w:  # pragma: no cover - a bug, not data
            raise AssertionError(f"window {w} {s}–{e} does not map to key {k0 + w}")
    return k0


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
    hint = None
    windows: list[tuple[date, date]] = []
    if period_hint is not None:
        windows = month_windows(period_hint[0], period_hint[1], cutoff)
        k0 = _check_windows(windows, cutoff) if windows else 0
        hint = (period_hint[0], period_hint[1], k0, len(windows))
    sql = build_sql(path, len(header), roles, delim, cutoff, hint)
    if return_sql is not None:
        return_sql.append(sql)
    con = _connect(cfg)
    try:
        g = con.sql(sql).df()
        sheet = ""
        line_offset = 1  # line = row_number (1-based) + 1 = pandas index + 2
        f = unpack(g["packed"].to_numpy(dtype=np.int64))
        code = f["code"]
        slow = np.flatnonzero(code == -1)
        slow_code: dict[str, int] = {}
        if len(slow):
            raw_txt = g["raw"].iloc[slow].tolist()
            sf = _slow_codes([_split_raw(r) for r in raw_txt], cutoff, hint)
            for k, v in sf.items():
                f[k][slow] = v
            slow_code = dict(zip(raw_txt, sf["code"].tolist()))
        # channel: DuckDB tagged the known texts (chk 1 online, 2 offline); others once per distinct text
        # (NULL would be a missing field, which pandas reads as NaN)
        other = f["chk"] == 0
        ch = g["ch"].astype(object).where(g["ch"].notna(), None)
        distinct = list(dict.fromkeys(ch[other].tolist()))
        kinds = dict(zip(distinct, _channel_kind([float("nan") if v is None else v for v in distinct])))
        kind = np.where(f["chk"] == 1, "online", np.where(f["chk"] == 2, "offline", "")).astype(object)
        if other.any():
            kind[other] = ch[other].map(lambda v: kinds[v]).to_numpy(dtype=object)
        bad_ch = {v for v, k in kinds.items() if not k}
        code[((code == 0) | (code == 5)) & (kind == "")] = 4
        n = g["n"].to_numpy(dtype=np.int64)
        rejected = code != 0
        counts = {c: int(n[code == c].sum()) for c in REASONS}
        lines: dict[int, list[int]] = {c: [] for c in REASONS}
        if any(counts.values()):
            need = {c: min(k, 8) for c, k in counts.items()}
            lsql = build_sql(
                path,
                len(header),
                roles,
                delim,
                cutoff,
                hint,
                lines_for=sorted(bad_ch, key=lambda v: (v is None, str(v))),
            )
            if return_sql is not None:
                return_sql.append(lsql)
            lines = _first_lines(con, lsql, need, bad_ch, slow_code)
    finally:
        con.close()
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
    stats = getattr(q, "dossier_stats", {"read": 0, "used": 0, "rejected": 0})
    stats["read"] += int(n.sum())
    stats["rejected"] += int(n[rejected].sum())
    stats["used"] += int(n[~rejected].sum())
    q.dossier_stats = stats  # type: ignore[attr-defined]
    keep = ~rejected
    kn = n[keep]
    online = kind[keep] == "online"
    kr, kc, kd, cls = (f[k][keep] for k in ("kr", "kc", "kd", "cls"))
    # unit names: cleaned once per distinct text (NULL would be a missing field: pandas reads NaN → "nan")
    ucodes, uniq = pd.factorize(g["u"].to_numpy(dtype=object)[keep], use_na_sentinel=True)
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
    has_done = kc != -2
    if period_hint is not None:
        p0, p1 = period_hint
        a, b, c_due = kr, kc, kd
    else:
        if len(kn) == 0:
            return []
        m0, m1 = int((kr // 2).min()), int((kr // 2).max())
        p0, p1 = date(m0 // 12, m0 % 12 + 1, 1), month_end(m1 // 12, m1 % 12 + 1)
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
        windows = month_windows(p0, p1, cutoff)
        k0 = _check_windows(windows, cutoff)
        W = len(windows)

        def idx(key: np.ndarray) -> np.ndarray:
            ym, hi = key // 2, key % 2
            return np.where(ym < m0, -1, np.where(ym > m1, W, ym + hi - k0))

        a, c_due = idx(kr), idx(kd)
        b = np.where(has_done, idx(np.where(has_done, kc, 0)), -2)
    W = len(windows)
    U = len(names)

    def ranged(start: np.ndarray, stop: np.ndarray) -> np.ndarray:
        """Per (unit, window): sum of kn over groups whose window range [start, stop] (clipped) covers it."""
        lo, hi_ = np.clip(start, 0, W), np.clip(stop, -1, W - 1)
        m = lo <= hi_
        acc = np.bincount(ui[m] * (W + 1) + lo[m], weights=kn[m], minlength=U * (W + 1))
        acc -= np.bincount(ui[m] * (W + 1) + hi_[m] + 1, weights=kn[m], minlength=U * (W + 1))
        return np.rint(np.cumsum(acc.reshape(U, W + 1), axis=1)[:, :W]).astype(np.int64)

    def point(at: np.ndarray, mask: np.ndarray) -> np.ndarray:
        m = mask & (at >= 0) & (at < W)
        return np.rint(np.bincount(ui[m] * W + at[m], weights=kn[m], minlength=U * W)).astype(np.int64).reshape(U, W)

    last = np.full(len(kn), W - 1, dtype=np.int64)
    stop_c = np.where(has_done, b, last)
    stop_p = np.where(has_done, b - 1, last)
    cols = {
        "received_online": point(a, online),
        "received_offline": point(a, ~online),
        "carried_over": ranged(a + 1, stop_c),
        "resolved_early": point(b, has_done & (cls < 0)),
        "resolved_ontime": point(b, has_done & (cls == 0)),
        "resolved_late": point(b, has_done & (cls > 0)),
        "pending_overdue": ranged(np.maximum(a, c_due), stop_p),
        "pending_total": ranged(a, stop_p),
    }
    per_unit = np.rint(np.bincount(ui, weights=kn, minlength=U)).astype(np.int64)
    out: list[Record] = []
    for i, uname in enumerate(names):
        m = match_with_fallback(uname, ctx, p0) if uname else None
        n_u = int(per_unit[i])
        for w, (s, e) in enumerate(windows):
            vals = {c: int(v[i, w]) for c, v in cols.items()}
            out.append(unit_period_record(display, sheet, uname, m, s, e, vals, n_u, order, q))
    note_aggregated(q, display, sheet, int(kn.sum()), len(out), p0, p1)
    return out
