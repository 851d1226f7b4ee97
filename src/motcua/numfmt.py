"""Every number a reader sees, formatted in one place: Vietnamese "7.697", "99,47%", "+3,2"; English "7,697".

Two parts. The reader's formats (:func:`num`, :func:`signed`, :func:`pct`, :func:`pp`, :func:`points`,
:func:`number`, :func:`vi_count`, :func:`fmt_vi`, …) say what a report, a quality message or a flag writes for a
count, a rate, a change or a score, and print a missing value (None, NaN, NA) as the dash (or "trống" in a
message), never as "nan". They all go through the engine below them.

The engine is Babel's number formatting without Babel's per-call overhead: the same strings, several times
faster. ``babel.numbers.format_decimal`` / ``format_percent`` parse the
pattern, parse the locale and look up its symbols on every call (~25 µs),
which adds up to seconds when a table of 700 units × 3 rates is formatted.

Here a (pattern, locale) pair is compiled once: the pattern by
``babel.numbers.parse_pattern`` (Babel's :class:`~babel.numbers.NumberPattern`:
prefixes, suffixes, grouping, precisions, scale) and the locale's symbols by
Babel's getters. Formatting then follows ``NumberPattern.apply`` step by step
for plain (non-scientific, non-significant-digit, non-currency) patterns — the
value as ``Decimal(str(x))``, scaled, its sign taken before rounding, quantized
in the current decimal context (ROUND_HALF_EVEN), grouped and padded as
Babel does — so the output is Babel's own, character for character
(tests/test_numfmt.py compares them over many values). Any other pattern is
handed to Babel unchanged. Strings are remembered per pattern by ``str(value)``
(all Babel's result depends on), assuming the default decimal context, which
motcua never changes.

    >>> format_decimal(7697, locale="vi")
    '7.697'
    >>> format_percent(0.5594, "#,##0.0%", locale="en")
    '55.9%'
    >>> pct(0.9947, "vi", 2), num(7697, "en"), pp(0.032, "vi"), points(73.344, "vi")
    ('99,47%', '7,697', '+3,2', '73,34')
"""

from __future__ import annotations

import decimal
import math
import re
from functools import lru_cache
from typing import Any

import pandas as pd
from babel.core import Locale
from babel.numbers import (
    NumberPattern,
    get_decimal_symbol,
    get_group_symbol,
    get_infinity_symbol,
    parse_pattern,
)
from babel.numbers import format_decimal as _babel_decimal
from babel.numbers import format_percent as _babel_percent

__all__ = [
    "BLANK",
    "DASH",
    "CompiledPattern",
    "compile_pattern",
    "fmt_vi",
    "format_decimal",
    "format_percent",
    "locale_of",
    "missing",
    "num",
    "number",
    "pct",
    "pct_digits",
    "points",
    "pp",
    "signed",
    "signed_points",
    "signed_small",
    "signed_unrounded",
    "vi_count",
    "vi_points",
]

_QUOTED = re.compile(r"'([^']*)'")
#: strings remembered per compiled pattern (then forgotten all at once)
MEMO_SIZE = 65536


def _unquote(text: str) -> str:
    """Babel's last step: text in single quotes loses them, a doubled quote becomes one."""
    return _QUOTED.sub(lambda m: m.group(1) or "'", text)


class CompiledPattern:
    """One Babel number pattern bound to one locale's symbols, ready to format many values.

    The string of a value that is not a Decimal depends on ``str(value)`` alone (Babel formats
    ``Decimal(str(value))``), so strings already made are remembered by it (up to :data:`MEMO_SIZE`)."""

    __slots__ = (
        "pattern",
        "group",
        "decimal",
        "infinity",
        "quantum",
        "quoted",
        "_prefix",
        "_suffix",
        "_scale",
        "_int_min",
        "_g1",
        "_g2",
        "_frac_min",
        "_frac_max",
        "_number",
        "_memo",
    )

    def __init__(self, pattern: NumberPattern, group: str, decimal_symbol: str, infinity: str) -> None:
        self.pattern = pattern
        self.group = group
        self.decimal = decimal_symbol
        self.infinity = infinity
        self.quantum = decimal.Decimal(10) ** (-pattern.frac_prec[1])
        self.quoted = "'" in "".join(pattern.prefix + pattern.suffix)  # run Babel's unquoting on the result
        self._prefix, self._suffix, self._scale = pattern.prefix, pattern.suffix, pattern.scale
        self._int_min = pattern.int_prec[0]
        self._g1, self._g2 = pattern.grouping
        self._frac_min, self._frac_max = pattern.frac_prec
        self._number = pattern.number_pattern != ""
        self._memo: dict[str, str] = {}

    def __call__(self, value: Any) -> str:
        """``value`` formatted exactly as ``NumberPattern.apply(value, locale)`` formats it."""
        if isinstance(value, decimal.Decimal):
            return self._apply(value)
        key = str(value)
        text = self._memo.get(key)
        if text is None:
            text = self._apply(decimal.Decimal(key))
            if len(self._memo) >= MEMO_SIZE:
                self._memo.clear()
            self._memo[key] = text
        return text

    def _apply(self, value: decimal.Decimal) -> str:
        """``NumberPattern.apply`` for a plain pattern, symbols fetched once."""
        value = value.scaleb(self._scale)
        neg = int(value.is_signed())
        value = abs(value).normalize()
        if value.is_infinite():
            number = self.infinity
        else:
            a, _, b = f"{value.quantize(self.quantum):f}".partition(".")
            number = self._int(a) + self._frac(b or "0")
        text = self._prefix[neg] + (number if self._number else "") + self._suffix[neg]
        return _unquote(text) if self.quoted else text

    def _int(self, digits: str) -> str:
        """``NumberPattern._format_int`` with the group symbol fetched once."""
        if len(digits) < self._int_min:
            digits = "0" * (self._int_min - len(digits)) + digits
        size = self._g1
        if len(digits) <= size:
            return digits
        parts = []
        while len(digits) > size:
            parts.append(digits[-size:])
            digits = digits[:-size]
            size = self._g2
        parts.append(digits)
        return self.group.join(reversed(parts))

    def _frac(self, digits: str) -> str:
        """``NumberPattern._format_frac`` with the decimal symbol fetched once."""
        lo, hi = self._frac_min, self._frac_max
        if len(digits) < lo:
            digits += "0" * (lo - len(digits))
        if hi == 0 or (lo == 0 and int(digits) == 0):
            return ""
        while len(digits) > lo and digits[-1] == "0":
            digits = digits[:-1]
        return self.decimal + digits


def _plain(p: NumberPattern) -> bool:
    """A pattern :class:`CompiledPattern` renders as Babel does: no exponent, significant digits or currency."""
    text = p.pattern if isinstance(p.pattern, str) else ""
    return not p.exp_prec and "@" not in text and "¤" not in text


@lru_cache(maxsize=256)
def compile_pattern(pattern: str | None, locale: str, kind: str = "decimal") -> CompiledPattern | None:
    """The compiled form of ``pattern`` for ``locale`` (None: the locale's default ``kind`` pattern,
    "decimal" or "percent"); None when the pattern is one only Babel itself renders."""
    loc = Locale.parse(locale)
    if pattern is None or (kind == "percent" and not pattern):  # as format_decimal / format_percent default
        pattern = (loc.percent_formats if kind == "percent" else loc.decimal_formats)[None]
    p = parse_pattern(pattern)
    if not _plain(p):
        return None
    return CompiledPattern(p, get_group_symbol(loc), get_decimal_symbol(loc), get_infinity_symbol(loc))


def format_decimal(number: Any, format: str | None = None, locale: str = "vi") -> str:
    """``babel.numbers.format_decimal(number, format, locale)``, same string."""
    c = compile_pattern(format, locale, "decimal")
    return c(number) if c is not None else _babel_decimal(number, format=format, locale=locale)


def format_percent(number: Any, format: str | None = None, locale: str = "vi") -> str:
    """``babel.numbers.format_percent(number, format, locale)``, same string."""
    c = compile_pattern(format, locale, "percent")
    return c(number) if c is not None else _babel_percent(number, format=format, locale=locale)


# --------------------------------------------------------------------------- the reader's formats

#: A missing value in a report (tables, sentences, charts).
DASH = "–"
#: A missing value in a quality message ("blank", as the cell was).
BLANK = "trống"


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


def _fixed(digits: int) -> str:
    return "#,##0" + ("." + "0" * digits if digits else "")


def num(x: Any, lang: str, digits: int = 0) -> str:
    """A count or a decimal with the language's separators: 7697 → "7.697" (vi), "7,697" (en)."""
    if missing(x):
        return DASH
    return format_decimal(round(float(x), digits) if digits else int(round(float(x))), _fixed(digits), locale_of(lang))


def signed(x: Any, lang: str, digits: int = 0) -> str:
    """A change with its sign: "+3", "-12", "+1,5" ("0" without sign: the value is rounded first)."""
    if missing(x):
        return DASH
    v = round(float(x), digits)
    if v == 0:
        return num(0, lang, digits)
    body = _fixed(digits)
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


def signed_unrounded(x: Any, lang: str, digits: int = 1) -> str:
    """A change with its sign taken before rounding, as the model's tables print slopes: "+0,0" for 0, "-0,0" for
    -0,01 (``digits`` ≥ 1; :func:`signed` gives "0,0" for both)."""
    if missing(x):
        return DASH
    body = "#,##0." + "0" * digits
    return format_decimal(x, f"+{body};-{body}", lang)


def pct(x: Any, lang: str, digits: int = 1) -> str:
    """A proportion 0–1 as a percentage: 0.559 → "55,9%" (vi), "55.9%" (en)."""
    if missing(x):
        return DASH
    return format_percent(float(x), _fixed(digits) + "%", locale_of(lang))


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


def points(x: Any, lang: str = "vi", blank: str = DASH) -> str:
    """Points as the PAR and 766 decisions write them, to two decimals at most: "73,34", "12", "18,5" (vi);
    ``blank`` for a missing value."""
    if missing(x):
        return blank
    return format_decimal(round(float(x), 2), "#,##0.##", locale_of(lang))


def vi_points(x: Any) -> str:
    """Points as quality messages write them: "73,34", "12"; "trống" (blank) for a missing value."""
    return points(x, "vi", BLANK)


def signed_points(x: Any, lang: str) -> str:
    """A change in points with its sign: "+8,48", "-0,8", "0"."""
    if missing(x):
        return DASH
    v = round(float(x), 2)
    if v == 0:
        return "0"
    return format_decimal(v, "+#,##0.##;-#,##0.##", locale_of(lang))


def number(x: Any, lang: str = "vi") -> str:
    """A number in the language's default pattern: grouped, at most three decimals, no trailing zero
    ("7.697", "99,47", "1,5"; "7,697" in English)."""
    return format_decimal(x, None, locale_of(lang))


@lru_cache(maxsize=65536, typed=True)
def vi_count(n: int | None) -> str:
    """A count as quality messages write it: Vietnamese digit grouping ("7.697"), "trống" (blank) for None.
    Memoised: the same counts recur in every rebuild."""
    return BLANK if n is None else format_decimal(n, None, "vi")


def fmt_vi(value: float | int, decimals: int | None = None) -> str:
    """A figure read from an article, in Vietnamese format, for the extraction's flags: an int as a count
    ("7.697"), a float to two decimals at most ("99,47") or to exactly ``decimals`` ("99,50")."""
    if isinstance(value, int) or (decimals == 0):
        return format_decimal(int(round(value)), locale="vi")
    pattern = "#,##0.##" if decimals is None else "#,##0." + "0" * decimals
    return format_decimal(value, format=pattern, locale="vi")
