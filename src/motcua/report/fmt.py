"""Dates as a reader of the report's language expects them (Babel), and the report's names for the number
formats of :mod:`motcua.numfmt`.

Vietnamese: "06/2025", "30/06/2025"; English: "Jun 2025", "30 Jun 2025". A month or a day is formatted by Babel
once per process and remembered. A missing value (None, NaN, NA) prints as the catalog's dash, never as "nan".

Numbers ("7.697", "55,9%", "+3,2 điểm %") are formatted by :mod:`motcua.numfmt` alone; its functions are
re-exported here unchanged, so report code reads every format from one namespace (``fmt.num``, ``fmt.pct``,
``fmt.month``).
"""

from __future__ import annotations

from datetime import UTC, date, datetime
from functools import lru_cache
from typing import Any

import pandas as pd
from babel.dates import format_date

from motcua.numfmt import DASH, locale_of, missing, num, pct, pct_digits, pp, signed, signed_small

__all__ = [
    "DASH",
    "day",
    "locale_of",
    "missing",
    "month",
    "num",
    "pct",
    "pct_digits",
    "period",
    "pp",
    "signed",
    "signed_small",
]

_MONTH = {"vi": "MM/yyyy", "en": "MMM yyyy"}
_DAY = {"vi": "dd/MM/yyyy", "en": "d MMM yyyy"}


def _as_date(x: Any) -> date:
    if isinstance(x, datetime):
        return x.date()
    if isinstance(x, date):
        return x
    return pd.Timestamp(x).date()


@lru_cache(maxsize=4096)
def _month(year: int, month_: int, lang: str) -> str:
    return format_date(date(year, month_, 1), _MONTH[locale_of(lang)], locale=lang)


@lru_cache(maxsize=16384)
def _day(d: date, lang: str) -> str:
    return format_date(d, _DAY[locale_of(lang)], locale=lang)


def month(x: Any, lang: str) -> str:
    """A month: "06/2025" (vi), "Jun 2025" (en)."""
    if missing(x):
        return DASH
    d = _as_date(x)
    return _month(d.year, d.month, lang)


def day(x: Any, lang: str) -> str:
    """A date: "30/06/2025" (vi), "30 Jun 2025" (en)."""
    if missing(x):
        return DASH
    return _day(_as_date(x), lang)


def stamp_time(when: datetime, lang: str) -> str:
    """A build time in UTC as a page's build stamp prints it: "08/12/2026 01:18 UTC" (vi), "8 Dec 2026 01:18 UTC"
    (en); a naive time is taken as UTC."""
    if when.tzinfo is not None:
        when = when.astimezone(UTC)
    return f"{day(when, lang)} {when:%H:%M} UTC"


def period(start: Any, end: Any, lang: str) -> str:
    """A period label: one month "06/2025", else "07/2024–06/2025"."""
    if missing(start) or missing(end):
        return DASH
    s, e = pd.Timestamp(start), pd.Timestamp(end)
    if s.year == e.year and s.month == e.month:
        return month(s, lang)
    return f"{month(s, lang)}–{month(e, lang)}"
