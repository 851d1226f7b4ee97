"""Count cells → integers ("7.697" is 7697; files mix the Vietnamese and English conventions).

A count of dossiers is a non-negative integer. Excel cells hold real numbers
or text in Vietnamese ("7.697"), English ("7,697") or spaced ("7 697")
thousands conventions. In a count column a separator followed by exactly
three digits is a thousands separator ("1.233" is 1233, never 1.233); a
decimal part of zeros ("12,0", "12.00") is accepted with a note; anything
else (fractions, percentages, words, negatives) is an error, never a guess.
A count above ``max_count`` (config/ingest.yaml, default 10^8) is implausible
and an error too, which also keeps every count inside a 64-bit integer.

Exceptions: none. :func:`parse_count` and :func:`parse_percent` accept any
object and never raise; problems are returned as ``ParsedCount.error`` or None.
"""

from __future__ import annotations

import math
import re
from dataclasses import dataclass
from datetime import date, datetime

__all__ = ["ParsedCount", "parse_count", "parse_percent"]

_PLAIN = re.compile(r"\d+")
_GROUPED = re.compile(r"\d{1,3}(?:([.,\u00a0 ])\d{3})+")
_ZERO_DEC = re.compile(r"(\d+)[.,]0{1,2}")
# thousands groups AND a decimal part of 1–2 or 4+ digits: "1.234,5" (vi) or "1,234.50" (en)
_GROUPED_DEC = re.compile(r"(\d{1,3}(?:\.\d{3})+),(\d{1,2}|\d{4,})|(\d{1,3}(?:,\d{3})+)\.(\d{1,2}|\d{4,})")
DEFAULT_MAX_COUNT = 10**8
_HARD_MAX = 2**62  # never above a 64-bit integer, whatever the configuration says


def max_count() -> int:
    """The largest plausible count (config/ingest.yaml ``max_count``)."""
    try:
        from motcua.ingest.names import settings

        v = int(settings().get("max_count", DEFAULT_MAX_COUNT))
    except Exception:  # noqa: BLE001 - no configuration: the default
        v = DEFAULT_MAX_COUNT
    return min(max(v, 0), _HARD_MAX)


_BLANKS = {"", "-", "–", "—", "x", "X", "/"}


@dataclass(frozen=True)
class ParsedCount:
    """Result of parsing one count cell.

    ``value`` is the integer, or None when the cell is blank or invalid.
    ``error`` (rule name) is set when the cell could not be read as a
    non-negative integer; ``note`` describes a non-standard but unambiguous
    reading (e.g. an English thousands comma).
    """

    value: int | None
    raw: object = None
    error: str = ""
    note: str = ""

    @property
    def blank(self) -> bool:
        return self.value is None and not self.error


def parse_count(cell: object, max_value: int | None = None) -> ParsedCount:
    """Parse a count cell (int, float, or text); never raises.

    ``max_value`` (default :func:`max_count`): larger values are ``implausible_count``.
    Errors: negative_count, non_integer_count ("1,5", "1.234,5"), non_numeric_count, implausible_count.

    >>> parse_count("7.697").value, parse_count(12.0).value, parse_count(" 1 233 ").value
    (7697, 12, 1233)
    >>> parse_count("-3").error, parse_count("1,5").error
    ('negative_count', 'non_integer_count')
    """
    pc = _parse_count(cell)
    if pc.value is not None:
        limit = max_count() if max_value is None else max_value
        if pc.value > limit:
            return ParsedCount(None, cell, "implausible_count")
    return pc


def _parse_count(cell: object) -> ParsedCount:
    if cell is None:
        return ParsedCount(None, cell)
    if isinstance(cell, (bool, date, datetime)):
        return ParsedCount(None, cell, "non_numeric_count")
    if isinstance(cell, int):
        return ParsedCount(None, cell, "negative_count") if cell < 0 else ParsedCount(int(cell), cell)
    if isinstance(cell, float):
        if math.isnan(cell):
            return ParsedCount(None, cell)
        if math.isinf(cell) or cell != int(cell):
            return ParsedCount(None, cell, "non_integer_count")
        if cell < 0:
            return ParsedCount(None, cell, "negative_count")
        return ParsedCount(int(cell), cell)
    s = str(cell).replace("\u00a0", " ").replace("\u202f", " ").strip()
    if s in _BLANKS:
        return ParsedCount(None, cell)
    neg = False
    if s[:1] in "-−–" or (s.startswith("(") and s.endswith(")")):
        neg = True
        s = s.strip("()").lstrip("-−–").strip()
    if _PLAIN.fullmatch(s):
        v = int(s)
        note = ""
    elif m := _GROUPED.fullmatch(s):
        sep = m.group(1)
        if len({c for c in s if not c.isdigit()}) != 1:
            return ParsedCount(None, cell, "non_numeric_count")
        v = int(re.sub(r"\D", "", s))
        note = "" if sep == "." else ("thousands separator ','" if sep == "," else "thousands separator ' '")
    elif m := _ZERO_DEC.fullmatch(s):
        v = int(m.group(1))
        note = f"decimal zeros dropped from {s!r}"
    elif m := _GROUPED_DEC.fullmatch(s):
        frac = m.group(2) if m.group(1) else m.group(4)
        if set(frac) != {"0"}:
            return ParsedCount(None, cell, "non_integer_count")
        v = int(re.sub(r"\D", "", m.group(1) or m.group(3)))
        note = f"decimal zeros dropped from {s!r}"
    elif re.fullmatch(r"\d+[.,]\d+", s) or re.fullmatch(r"\d+[.,]\d+%?", s):
        return ParsedCount(None, cell, "non_integer_count")
    else:
        return ParsedCount(None, cell, "non_numeric_count")
    if neg:
        return ParsedCount(None, cell, "negative_count") if v != 0 else ParsedCount(0, cell)
    return ParsedCount(v, cell, "", note)


def parse_percent(cell: object) -> float | None:
    """A rate cell ("99,47%", "14.3%", 0.9947, 99.47) → proportion 0–1, or None.

    A lone separator in a rate is the decimal mark, whichever it is. Never raises.
    """
    if cell is None:
        return None
    if isinstance(cell, (int, float)) and not isinstance(cell, bool):
        try:
            x = float(cell)
        except OverflowError:
            return None
        if math.isnan(x) or math.isinf(x):
            return None
        return x / 100 if x > 1 else x
    s = str(cell).strip().replace("\u00a0", "").replace(" ", "")
    pct = s.endswith("%")
    s = s.rstrip("%")
    if not re.fullmatch(r"\d+(?:[.,]\d+)?", s):
        return None
    x = float(s.replace(",", "."))
    return x / 100 if (pct or x > 1) else x
