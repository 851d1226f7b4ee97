"""Unit-period records from counted dossiers, and the findings both dossier engines write the same way
(motcua.ingest.dossiers with pandas, motcua.ingest.dossier_duckdb with DuckDB).

Grain of a record: one unit and one window (a calendar month, or a month cut on ``cutoff_day``); the
counted columns (4)–(6), (8)–(10), (11), (13) come from the engine, the totals (3), (7), (12) follow.
"""

from __future__ import annotations

from datetime import date
from pathlib import Path
from typing import Any

from motcua.ingest.periods import classify
from motcua.ingest.records import Record
from motcua.ingest.unit_match import MatchContext, match_with_fallback
from motcua.numfmt import vi_count
from motcua.quality import Quality, period_label


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
        f"{vi_count(n_dossiers)} hồ sơ tổng hợp thành {vi_count(n_records)} dòng (đơn vị × kỳ {period_label(p0, p1)}); "
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
