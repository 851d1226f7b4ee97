"""Count cells → integers (DOMAIN.md §6).

A count of dossiers is a non-negative integer. Excel cells hold real numbers
or text in Vietnamese ("7.697"), English ("7,697") or spaced ("7 697")
thousands conventions. In a count column a separator followed by exactly
three digits is a thousands separator ("1.233" is 1233, never 1.233); a
decimal part of zeros ("12,0", "12.00") is accepted with a note; anything
else (fractions, percentages, words, negatives) is an error, never a guess.
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


def parse_count(cell: object) -> ParsedCount:
    """Parse a count cell (int, float, or text).

    >>> parse_count("7.697").value, parse_count(12.0).value, parse_count(" 1 233 ").value
    (7697, 12, 1233)
    >>> parse_count("-3").error, parse_count("1,5").error
    ('negative_count', 'non_integer_count')
    """
    if cell is None:
        return ParsedCount(None, cell)
    if isinstance(cell, bool) or isinstance(cell, (date, datetime)):
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
    elif re.fullmatch(r"\d+[.,]\d+", s) or re.fullmatch(r"\d+[.,]\d+%?", s):
        return ParsedCount(None, cell, "non_integer_count")
    else:
        return ParsedCount(None, cell, "non_numeric_count")
    if neg:
        return ParsedCount(None, cell, "negative_count") if v != 0 else ParsedCount(0, cell)
    return ParsedCount(v, cell, "", note)


def parse_percent(cell: object) -> float | None:
    """A rate cell ("99,47%", "14.3%", 0.9947, 99.47) → proportion 0–1, or None.

    A lone separator in a rate is the decimal mark, whichever it is.
    """
    if cell is None:
        return None
    if isinstance(cell, (int, float)) and not isinstance(cell, bool):
        x = float(cell)
        return x / 100 if x > 1 else x
    s = str(cell).strip().replace("\u00a0", "").replace(" ", "")
    pct = s.endswith("%")
    s = s.rstrip("%")
    if not re.fullmatch(r"\d+(?:[.,]\d+)?", s):
        return None
    x = float(s.replace(",", "."))
    return x / 100 if (pct or x > 1) else x
