"""Numbers and dates as a reader of the report's language expects them (Babel).

Vietnamese: "7.697", "55,9%", "+3,2 điểm %", "06/2025", "30/06/2025";
English: "7,697", "55.9%", "+3.2 pp", "Jun 2025", "30 Jun 2025".
A missing value (None, NaN, NA) prints as the catalog's dash, never as "nan".

Numbers go through :mod:`motcua.numfmt` (Babel's patterns and symbols compiled
once: Babel's strings at a fraction of the cost per value); a month or a day
is formatted by Babel once per process and remembered.
"""

from __future__ import annotations

import math
from datetime import date, datetime
from functools import lru_cache
from typing import Any

import pandas as pd
from babel.dates import format_date

from motcua.numfmt import format_decimal, format_percent

DASH = "–"

_MONTH = {"vi": "MM/yyyy", "en": "MMM yyyy"}
_DAY = {"vi": "dd/MM/yyyy", "en": "d MMM yyyy"}


def missing(x: Any) -> bool:
    """True for None, NaN, pandas NA/NaT and non-finite floats."""
    if x is None:
        return True
    t = type(x)
    if t is float:  # the common cases first, without pandas' per-value checks (same answers)
        return not math.isfinite(x)
    if t is str or t is int or t is bool:
        return False
    try:
        if pd.isna(x):
            return True
    except (TypeError, ValueError):
        return False
    return isinstance(x, float) and not math.isfinite(x)


def locale_of(lang: str) -> str:
    """Babel locale for a report language ("vi" or "en")."""
    if lang not in ("vi", "en"):
        raise ValueError(f"unsupported report language {lang!r} (vi or en)")
    return lang


def num(x: Any, lang: str, digits: int = 0) -> str:
    """A count or a decimal with the language's separators: 7697 → "7.697" (vi), "7,697" (en)."""
    if missing(x):
        return DASH
    pattern = "#,##0" + ("." + "0" * digits if digits else "")
    return format_decimal(round(float(x), digits) if digits else int(round(float(x))), pattern, locale_of(lang))


def signed(x: Any, lang: str, digits: int = 0) -> str:
    """A change with its sign: "+3", "-12", "+1,5" ("0" without sign)."""
    if missing(x):
        return DASH
    v = round(float(x), digits)
    if v == 0:
        return num(0, lang, digits)
    body = "#,##0" + ("." + "0" * digits if digits else "")
    return format_decimal(v, f"+{body};-{body}", locale_of(lang))


def signed_small(x: Any, lang: str, digits: int = 1) -> str:
    """A signed change with ``digits`` decimals, or one more while the value would round to 0 ("-0,04", not "0,0")."""
    if missing(x):
        return DASH
    v = float(x)
    d = digits
    while d < digits + 2 and v != 0 and round(v, d) == 0:
        d += 1
    return signed(v, lang, d)


def pct(x: Any, lang: str, digits: int = 1) -> str:
    """A proportion 0–1 as a percentage: 0.559 → "55,9%" (vi), "55.9%" (en)."""
    if missing(x):
        return DASH
    pattern = "#,##0" + ("." + "0" * digits if digits else "") + "%"
    return format_percent(float(x), pattern, locale_of(lang))


def pct_digits(values: list[float], base: int = 1) -> int:
    """Enough decimals that near-100 % rates differ: 99,47% needs 2 where 55,9% needs 1."""
    vals = [v for v in values if not missing(v)]
    if vals and max(vals) >= 0.99:
        return max(base, 2)
    return base


def pp(x: Any, lang: str, digits: int = 1) -> str:
    """A difference of two proportions in percentage points: 0.032 → "+3,2" (the unit comes from the catalog)."""
    if missing(x):
        return DASH
    return signed(100.0 * float(x), lang, digits)


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


def period(start: Any, end: Any, lang: str) -> str:
    """A period label: one month "06/2025", else "07/2024–06/2025"."""
    if missing(start) or missing(end):
        return DASH
    s, e = pd.Timestamp(start), pd.Timestamp(end)
    if s.year == e.year and s.month == e.month:
        return month(s, lang)
    return f"{month(s, lang)}–{month(e, lang)}"
