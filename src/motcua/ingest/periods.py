"""Reporting periods from sheet text or file names (docs/domain.md, "Periods").

Explicit dates win: "Kỳ báo cáo: Từ ngày 15/02/2024 đến ngày 14/03/2024" is
kept exactly as given (non-calendar cut-offs included). Without dates, a
label ("Tháng 3 năm 2024", "Quý II/2024", "6 tháng đầu năm 2024", "Năm
2023") or a file name ("bieu06_2024-03.xlsx", "quy2-2024", "2022") names a
calendar period; such periods carry ``from_label=True`` so the clean stage can
report that no cut-off dates were given. "Lũy kế" / "từ đầu năm" marks a
cumulative-to-date period.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import date, timedelta

from motcua.ingest.text import clean_text, strip_marks

__all__ = [
    "Period",
    "parse_period_text",
    "parse_period_filename",
    "parse_period_sheetname",
    "classify",
    "month_end",
    "format_period_text",
    "period_out_of_range",
]

ROMAN = {"i": 1, "ii": 2, "iii": 3, "iv": 4}


@dataclass(frozen=True)
class Period:
    """An explicit, inclusive reporting period."""

    start: date
    end: date
    kind: str  # month | quarter | half | year | custom
    cumulative: bool = False
    from_label: bool = False
    text: str = ""

    def __post_init__(self) -> None:
        if self.end < self.start:
            raise ValueError(f"period ends before it starts: {self.start} – {self.end}")

    def label(self) -> str:
        return f"{self.start:%d/%m/%Y}–{self.end:%d/%m/%Y}"


def month_end(y: int, m: int) -> date:
    nxt = date(y + (m == 12), m % 12 + 1, 1)
    return nxt - timedelta(days=1)


def _add_months(d: date, n: int) -> date:
    y, m = divmod(d.month - 1 + n, 12)
    y += d.year
    m += 1
    last = month_end(y, m).day
    return date(y, m, min(d.day, last))


def classify(start: date, end: date) -> str:
    """month | quarter | half | year | custom, by length in months (cut-offs need not be calendar).

    Exceptions: none (periods near date.max that cannot be extended are "custom" when no length fits).
    """
    try:
        return _classify(start, end)
    except (ValueError, OverflowError):
        return "custom"


def _classify(start: date, end: date) -> str:
    for n, kind in ((1, "month"), (3, "quarter"), (6, "half"), (12, "year")):
        if _add_months(start, n) - timedelta(days=1) == end:
            return kind
        # calendar periods ending on a month end (e.g. 01/02 – 28/02)
        if start.day == 1 and end == month_end(_add_months(start, n - 1).year, _add_months(start, n - 1).month):
            return kind
    return "custom"


_DATE = r"(\d{1,2})\s*[/.\-]\s*(\d{1,2})(?:\s*[/.\-]\s*(\d{4}))?"
_RANGE = re.compile(
    r"(?:tu\s+(?:ngay\s+)?)?" + _DATE + r"\s*(?:den\s+(?:het\s+)?ngay|den|toi|-|–|—)\s*(?:ngay\s+)?" + _DATE
)
_CUM = re.compile(r"\bluy\s*ke\b|\btu\s+dau\s+nam\b|\bcong\s+don\b")


def _mkdate(d: str, m: str, y: str | None, fallback_year: int | None) -> date | None:
    try:
        return date(int(y) if y else int(fallback_year), int(m), int(d))  # type: ignore[arg-type]
    except (TypeError, ValueError):
        return None


def _label_period(f: str) -> tuple[date, date] | None:
    """Calendar period named by a folded label, or None (also for years Python cannot date, e.g. "năm 0000")."""
    try:
        return _label_period_unsafe(f)
    except (ValueError, OverflowError):
        return None


def _label_period_unsafe(f: str) -> tuple[date, date] | None:
    m = re.search(r"\b(6|sau)\s+thang\s+(dau|cuoi)\s+nam\s+(\d{4})\b", f)
    if m:
        y = int(m.group(3))
        return (date(y, 1, 1), date(y, 6, 30)) if m.group(2) == "dau" else (date(y, 7, 1), date(y, 12, 31))
    m = re.search(r"\bquy\s+(i{1,3}|iv|[1-4])\s*(?:nam|/|-)?\s*(\d{4})\b", f)
    if m:
        q = ROMAN.get(m.group(1)) or int(m.group(1))
        y = int(m.group(2))
        return date(y, 3 * q - 2, 1), month_end(y, 3 * q)
    m = re.search(r"\bthang\s+(\d{1,2})\s*(?:nam|/|-)\s*(\d{4})\b", f)
    if m and 1 <= int(m.group(1)) <= 12:
        y, mo = int(m.group(2)), int(m.group(1))
        return date(y, mo, 1), month_end(y, mo)
    m = re.search(r"\bnam\s+(\d{4})\b", f)
    if m:
        y = int(m.group(1))
        return date(y, 1, 1), date(y, 12, 31)
    return None


def parse_period_text(text: str) -> Period | None:
    """The period stated in a sheet's text (title block), or None.

    Exceptions: none — any text (or None) gives a Period or None; dates that do not exist
    ("30/02/2019", year 0 or 10000) give None.

    >>> p = parse_period_text("Kỳ báo cáo: Từ ngày 15/02/2024 đến ngày 14/03/2024")
    >>> (p.start.isoformat(), p.end.isoformat(), p.kind)
    ('2024-02-15', '2024-03-14', 'month')
    """
    if not text:
        return None
    raw = clean_text(text)
    f = re.sub(r"\s+", " ", strip_marks(raw).lower())
    cumulative = bool(_CUM.search(f))
    for m in _RANGE.finditer(f):
        d1, m1, y1, d2, m2, y2 = m.groups()
        if not y2:
            continue
        end = _mkdate(d2, m2, y2, None)
        if end is None:
            continue
        start = _mkdate(d1, m1, y1, end.year)
        if start is None:
            continue
        if not y1 and start > end:
            start = _mkdate(d1, m1, str(end.year - 1), None)
        if start is None or start > end:
            continue
        return Period(start, end, classify(start, end), cumulative, False, raw)
    lab = _label_period(f)
    if lab:
        s, e = lab
        if cumulative and s.month != 1:
            s = date(s.year, 1, 1)
        kind = classify(s, e)
        return Period(s, e, kind, cumulative, True, raw)
    return None


def parse_period_filename(name: str) -> Period | None:
    """The period a file name states, or None ("bieu06_2024-03.xlsx" → March 2024, from_label).

    Two dates ("2024-02-15_2024-03-14", "15-02-2024_14-03-2024") are explicit
    (``from_label=False``); months, quarters, halves and years are labels.

    Exceptions: none — any string gives a Period or None (impossible dates give None).
    """
    try:
        return _parse_period_filename(name)
    except (ValueError, OverflowError):
        return None


def parse_period_sheetname(sheet: str, within: Period | None = None) -> Period | None:
    """The month or quarter a sheet's name states ("T10.2025", "Tháng 10-2025", "Quý IV 2025"; "T10" or
    "Tháng 10" without a year when ``within``, the file name's period, holds that month in one year), as a
    label; None for any other name (a sheet named for a year or for nothing). A sheet's period is never wider
    than ``within``: one that does not lie inside it is None.

    Exceptions: none — any string gives a Period or None.
    """
    try:
        got = _parse_label(str(sheet))
        if got is None and within is not None:
            f = strip_marks(str(sheet)).lower().strip()
            m = re.fullmatch(r"(?:thang|t)\s*[.-]?\s*(\d{1,2})", f)
            mo = int(m.group(1)) if m else 0
            years = (
                {
                    y
                    for y in range(within.start.year, within.end.year + 1)
                    if within.start <= date(y, mo, 1) <= within.end
                }
                if 1 <= mo <= 12
                else set()
            )
            if len(years) == 1:
                y = years.pop()
                got = Period(date(y, mo, 1), month_end(y, mo), "month", False, True, str(sheet))
    except (ValueError, OverflowError):
        return None
    if got is None or got.kind not in ("month", "quarter"):
        return None
    if within is not None and not (within.start <= got.start and got.end <= within.end):
        return None
    return got


def _parse_period_filename(name: str) -> Period | None:
    return _parse_label(re.sub(r"\.[A-Za-z0-9]{1,5}$", "", name.rsplit("/", 1)[-1]))


def _parse_label(stem: str) -> Period | None:
    """A file name's stem (or a sheet's name) → the period it states."""
    f = re.sub(r"\s+", " ", strip_marks(stem).lower().replace("_", " ").replace(".", " "))
    cumulative = bool(re.search(r"\bluy ke\b|\bluyke\b|\bcumulative\b|\bytd\b", f))
    # two ISO dates or two dd-mm-yyyy dates
    m = re.search(r"(\d{4})-(\d{2})-(\d{2})\s*(?:-|den|to)?\s*(\d{4})-(\d{2})-(\d{2})", f)
    if m:
        try:
            s = date(int(m.group(1)), int(m.group(2)), int(m.group(3)))
            e = date(int(m.group(4)), int(m.group(5)), int(m.group(6)))
            if s <= e:
                return Period(s, e, classify(s, e), cumulative, False, stem)
        except ValueError:
            pass
    m = re.search(r"(\d{1,2})-(\d{1,2})-(\d{4})\s*(?:-|den|to)?\s*(\d{1,2})-(\d{1,2})-(\d{4})", f)
    if m:
        try:
            s = date(int(m.group(3)), int(m.group(2)), int(m.group(1)))
            e = date(int(m.group(6)), int(m.group(5)), int(m.group(4)))
            if s <= e:
                return Period(s, e, classify(s, e), cumulative, False, stem)
        except ValueError:
            pass
    span: tuple[date, date] | None = None
    f = re.sub(r"\s+", " ", f.replace("-", " "))
    cumulative = cumulative or bool(re.search(r"\bluy ke\b", f))
    if m := re.search(r"\b(?:6 thang dau|h1)[ -]?(?:nam )?(\d{4})\b|\b(\d{4})[ -]h1\b", f):
        y = int(m.group(1) or m.group(2))
        span = (date(y, 1, 1), date(y, 6, 30))
    elif m := re.search(r"\b(?:6 thang cuoi|h2)[ -]?(?:nam )?(\d{4})\b|\b(\d{4})[ -]h2\b", f):
        y = int(m.group(1) or m.group(2))
        span = (date(y, 7, 1), date(y, 12, 31))
    elif m := re.search(r"\b(?:quy|q)[ -]?(i{1,3}|iv|[1-4])[ -]+(?:nam )?(\d{4})\b|\b(\d{4})[ -]?q([1-4])\b", f):
        if m.group(2):
            q, y = ROMAN.get(m.group(1)) or int(m.group(1)), int(m.group(2))
        else:
            q, y = int(m.group(4)), int(m.group(3))
        span = (date(y, 3 * q - 2, 1), month_end(y, 3 * q))
    elif m := re.search(r"\b(20\d{2})[ -](0[1-9]|1[0-2])\b", f):
        y, mo = int(m.group(1)), int(m.group(2))
        span = (date(y, mo, 1), month_end(y, mo))
    elif m := re.search(r"\b(?:thang|t)[ -]?(\d{1,2})[ -]+(?:nam )?(20\d{2})\b|\b(0[1-9]|1[0-2])[ -](20\d{2})\b", f):
        mo = int(m.group(1) or m.group(3))
        y = int(m.group(2) or m.group(4))
        if 1 <= mo <= 12:
            span = (date(y, mo, 1), month_end(y, mo))
    else:
        years = set(re.findall(r"\b(20\d{2})\b", f))
        if len(years) == 1:
            y = int(years.pop())
            span = (date(y, 1, 1), date(y, 12, 31))
    if span is None:
        return None
    s, e = span
    if cumulative:
        s = date(s.year, 1, 1)
    return Period(s, e, classify(s, e), cumulative, True, stem)


def format_period_text(start: date, end: date, cumulative: bool = False) -> str:
    """The inverse of :func:`parse_period_text` for explicit dates (used by tests and the sample)."""
    core = f"Từ ngày {start:%d/%m/%Y} đến ngày {end:%d/%m/%Y}"
    return f"Lũy kế {core.lower()}" if cumulative else core


def period_out_of_range(start: date, end: date, today: date | None = None) -> str:
    """Why a period cannot be real ("" when it can): it starts before ``period_min_start`` or ends after today.

    Bounds come from config/ingest.yaml (``period_min_start``, default 2000-01-01; ``period_max_end``,
    default "today", or a date). A report for a period that has not ended yet is a typo in the year
    (2042 for 2024) or a draft; one before 2000 predates the one-stop-shop statistics.
    """
    from motcua.ingest.names import settings

    cfg = settings()
    lo = _as_date(cfg.get("period_min_start", "2000-01-01"))
    hi_cfg = cfg.get("period_max_end", "today")
    hi = (today or date.today()) if str(hi_cfg).strip().lower() == "today" else _as_date(hi_cfg)
    if start < lo:
        return f"kỳ bắt đầu {start:%d/%m/%Y}, trước {lo:%d/%m/%Y} (period_min_start trong config/ingest.yaml)"
    if end > hi:
        return f"kỳ kết thúc {end:%d/%m/%Y}, sau ngày {hi:%d/%m/%Y} (chưa tới; có thể gõ nhầm năm)"
    return ""


def _as_date(v: object) -> date:
    return v if isinstance(v, date) else date.fromisoformat(str(v))
