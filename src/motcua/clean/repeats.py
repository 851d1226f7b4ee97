"""A period that repeats the period before it: an export re-saved under a new month is a copy, not a month.

A clerk who sends last month's file again under this month's title gives figures that look valid: every identity
holds, only (6) differs from the (11) before it. Booking it would make a month of dossiers that never happened and
hide the real one, so the clean stage refuses it.

Grain of :class:`RowPrint`: one kept, matched, non-cumulative unit row of an aggregate form (a record whose source
kind is an aggregate layout of config/layouts/), with its figures (3)–(13); a file's prints are grouped by period (:func:`file_prints`) when the file is
read, and kept with its cache entry, so that the check reads no record blob.

The rule (:func:`find_repeats`), per file and period P of whole months: the previous period P' is the one of the
same length ending the day before P starts; the file's units found in P' (any file, any sheet) must be at least
``min_share`` of the file's units of P, every one of them must have the same figures in P as in one of its P'
rows, and at least ``min_units`` of them must have dossiers (a row of zeros repeats by nature, not by copy). Then
every unit row of the file for P is dropped: one ``repeated_period`` error naming the file, its sheets, the period
and the period (and files) it repeats, and one per row dropped (rows in = rows kept + rows rejected). Thresholds:
config/ingest.yaml ``repeated_period``. A period copied from a file that is itself a copy (P'' → P' → P) is
refused too: P equals P'. The first period of a unit has nothing to repeat.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date, timedelta
from typing import Any

from motcua.ingest.form_header import aggregate_layouts
from motcua.ingest.records import Record
from motcua.panel import FORM_COLUMN
from motcua.quality import Finding, Quality, period_label

__all__ = ["RowPrint", "Repeats", "file_prints", "find_repeats", "repeat_settings"]

#: the form's count columns (3) … (13), in form order
FIGURES = tuple(sorted(FORM_COLUMN, key=FORM_COLUMN.get))

UnitKey = tuple[str, str]
Period = tuple[date, date]


@dataclass(frozen=True)
class RowPrint:
    """One unit row of a form as read: where it is, which unit, and its figures (3)–(13) (None when blank)."""

    file: str
    pos: int  # index in the file's records
    key: UnitKey
    sheet: str
    row: int | None
    name: str
    figures: tuple[int | None, ...]
    unit: Any = None  # the reader's match (fills a finding's unit_schema and unit_code)


def file_prints(records: Sequence[Record]) -> dict[Period, tuple[RowPrint, ...]]:
    """The prints of a file's kept, matched form rows of whole-month periods, by period (in file order)."""
    forms = {lo.name for lo in aggregate_layouts()}
    out: dict[Period, list[RowPrint]] = {}
    for i, r in enumerate(records):
        if r.status != "kept" or not r.code or r.cumulative or r.source_kind not in forms:
            continue
        if _months(r.start, r.end) is None:
            continue
        figs = tuple(r.values.get(c) for c in FIGURES)
        out.setdefault((r.start, r.end), []).append(RowPrint(r.file, i, r.key, r.sheet, r.row, r.name, figs, r.unit))
    return {p: tuple(v) for p, v in out.items()}


def _months(start: date, end: date) -> int | None:
    """How many months ``start`` … ``end`` spans when it runs from a day to the day before that day n months on."""
    nxt = end + timedelta(days=1)
    n = (nxt.year - start.year) * 12 + nxt.month - start.month
    return n if n >= 1 and nxt.day == start.day else None


def _previous(start: date, end: date) -> Period | None:
    n = _months(start, end)
    if n is None or start.day > 28:
        return None
    y, m = divmod(start.year * 12 + start.month - 1 - n, 12)
    return date(y, m + 1, start.day), start - timedelta(days=1)


def repeat_settings() -> dict[str, float]:
    """config/ingest.yaml ``repeated_period`` (``min_units``, ``min_share``) over the defaults."""
    from motcua.ingest.names import settings

    got = dict(settings().get("repeated_period") or {})
    return {"min_units": float(got.get("min_units", 5)), "min_share": float(got.get("min_share", 0.9))}


@dataclass
class Repeats:
    """What :func:`find_repeats` found: the record positions to drop, per file index, and the findings."""

    drops: dict[int, frozenset[int]]
    findings: list[Finding]


def _month_words(p: Period) -> str:
    s, e = p
    if s.day == 1 and _months(s, e) == 1:
        return f"tháng {s:%m/%Y}"
    return f"kỳ {period_label(s, e)}"


def find_repeats(files: Sequence[dict[Period, tuple[RowPrint, ...]]]) -> Repeats:
    """The periods of ``files`` (each file's :func:`file_prints`, in input order) that repeat the period before
    them."""
    cfg = repeat_settings()
    seen: dict[Period, dict[UnitKey, list[tuple[int, tuple[int | None, ...]]]]] = {}
    for fi, prints in enumerate(files):
        for p, rows in prints.items():
            by_unit = seen.setdefault(p, {})
            for r in rows:
                by_unit.setdefault(r.key, []).append((fi, r.figures))
    drops: dict[int, set[int]] = {}
    q = Quality()
    for fi, prints in enumerate(files):
        for p in sorted(prints):
            prev = _previous(*p)
            before = seen.get(prev) if prev is not None else None
            if not before:
                continue
            rows = prints[p]
            found = [r for r in rows if r.key in before]
            if not found or len(found) < cfg["min_share"] * len({r.key for r in rows}):
                continue
            same = [r for r in found if any(f == r.figures for _, f in before[r.key])]
            with_dossiers = {r.key for r in same if any(v for v in r.figures)}
            if len(same) != len(found) or len(with_dossiers) < cfg["min_units"]:
                continue
            assert prev is not None
            display = rows[0].file
            others = sorted({files[fj][prev][0].file for r in same for fj, f in before[r.key] if f == r.figures})
            _report(q, display, p, prev, rows, others, len(found), len(with_dossiers))
            drops.setdefault(fi, set()).update(r.pos for r in rows)
    return Repeats({k: frozenset(v) for k, v in drops.items()}, q.findings)


def _report(
    q: Quality,
    display: str,
    p: Period,
    prev: Period,
    rows: Sequence[RowPrint],
    others: list[str],
    n_same: int,
    n_dossiers: int,
) -> None:
    sheets = list(dict.fromkeys(r.sheet for r in rows))
    where = sheets[0] if len(sheets) == 1 else f"{len(sheets)} trang tính: " + ", ".join(sheets[:3])
    where += "" if len(sheets) <= 3 else ", …"
    src = "chính tệp này" if others == [display] else ", ".join(others[:3]) + (", …" if len(others) > 3 else "")
    plabel = period_label(*p)
    q.add(
        display,
        "repeated_period",
        "error",
        f"Số liệu {_month_words(p)} ({where}) trùng hoàn toàn với {_month_words(prev)} ({src}): {n_same} đơn vị có "
        f"mặt ở cả hai kỳ, mọi cột (3)–(13) giống hệt, {n_dossiers} đơn vị trong đó có hồ sơ. Đây là số liệu của "
        f"kỳ trước lưu lại dưới kỳ mới, không phải số liệu {_month_words(p)}; loại {len(rows)} dòng đơn vị của tệp "
        f"cho kỳ này (từng dòng ghi bên dưới). Gửi lại số liệu đúng của {_month_words(p)} rồi chạy lại.",
        sheet=sheets[0] if len(sheets) == 1 else "",
        period=plabel,
        action="checked",
    )
    for r in rows:
        q.add(
            display,
            "repeated_period",
            "error",
            f'Dòng "{r.name}" bị loại: số liệu {_month_words(p)} của tệp trùng với {_month_words(prev)} '
            "(bản sao kỳ trước).",
            sheet=r.sheet,
            row=r.row,
            unit=r.key[1],
            match=r.unit,
            period=plabel,
            action="dropped",
        )
