"""The form's own column numbers: the row "(1) (2) … (13)" under an aggregate form's header.

Grain: one parsed row → {0-based sheet column: number}. A number row is written
as "(1)", "1", "( 1 )", a number cell 1 or 1.0, or a formula of numbered
columns "(3)=(4)+(5)+(6)"; extra columns may go on numbered ((14), (15)) or be
lettered ("A", "(b)", "4a"). Its numbers are distinct (in order in a tidy
form; a row whose labels were moved keeps its numbers, and they must still be
read to tell that the labels moved); anything else in the row (a name, a word,
a date) means it is not a number row.

A layout that declares ``numbering`` in config/layouts/*.yaml (form 06 does:
number k → panel column) has its number row read; other layouts (07a-style
exports number their fewer columns their own way) never do. The numbering
applies only when the unit column found by its label carries the layout's unit
number ((2) on form 06): a row "A B 1 2 3 …" or one starting (1) at the unit
column is another numbering, left unused.
"""

from __future__ import annotations

import math
import re
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from typing import Any

__all__ = ["Numbering", "parse_number_row", "MIN_NUMBERS"]

#: A row needs at least this many numbered cells to be a number row.
MIN_NUMBERS = 3

_NUMBER = re.compile(r"^\(\s*(\d{1,2})\s*\)(?:\s*=\s*[\d\s()+\-]+)?$|^(\d{1,2})(?:\s*=\s*[\d\s()+\-]+)?$")
_LETTER = re.compile(r"^\(?\s*(?:[A-Za-z]|\d{1,2}[a-z]|\*)\s*\)?$")


def _token(v: Any) -> tuple[str, int | None] | None:
    """("blank", None), ("number", k), ("letter", None), or None when the cell cannot be part of a number row."""
    if v is None:
        return "blank", None
    if isinstance(v, bool):
        return None
    if isinstance(v, int):
        return ("number", v) if 1 <= v <= 99 else None
    if isinstance(v, float):
        if math.isfinite(v) and v.is_integer() and 1 <= v <= 99:
            return "number", int(v)
        return None
    if not isinstance(v, str):
        return None
    t = " ".join(v.replace("\u00a0", " ").split())
    if not t:
        return "blank", None
    m = _NUMBER.match(t)
    if m:
        k = int(m.group(1) or m.group(2))
        return ("number", k) if k >= 1 else None
    if _LETTER.match(t):
        return "letter", None
    return None


def parse_number_row(cells: Sequence[Any]) -> dict[int, int] | None:
    """{0-based column: number} when ``cells`` is a row of column numbers, else None.

    >>> parse_number_row(["(1)", "(2)", "( 3 )", 4, 5.0, None, "(6)=(7)+(8)", "A"])
    {0: 1, 1: 2, 2: 3, 3: 4, 4: 5, 6: 6}
    >>> parse_number_row(["1", "Huyện Tuy An", 12, 1, 9]) is None
    True

    Exceptions: none — any sequence of cell values gives a dict or None.
    """
    out: dict[int, int] = {}
    for c, v in enumerate(cells):
        tok = _token(v)
        if tok is None:
            return None
        kind, k = tok
        if kind != "number" or k is None:
            continue
        if k in out.values():
            return None  # a count row ("1 … 1"), not column numbers
        out[c] = k
    return out if len(out) >= MIN_NUMBERS else None


@dataclass(frozen=True)
class Numbering:
    """A layout's numbering: number → column name ("_stt", "_unit" for the first two) and its official label."""

    columns: Mapping[int, str]
    labels: Mapping[int, str]

    @classmethod
    def from_spec(cls, spec: Mapping[Any, Any] | None) -> Numbering | None:
        """From a layout's ``numbering:`` mapping (k: {column, label}); None when the layout declares none."""
        if not spec:
            return None
        cols: dict[int, str] = {}
        labels: dict[int, str] = {}
        for k, v in spec.items():
            n = int(k)
            if isinstance(v, Mapping):
                cols[n], labels[n] = str(v["column"]), str(v.get("label", v["column"]))
            else:
                cols[n], labels[n] = str(v), str(v)
        return cls(cols, labels)

    @property
    def unit_number(self) -> int | None:
        return next((k for k, c in self.columns.items() if c == "_unit"), None)

    def number_of(self, column: str) -> int | None:
        return next((k for k, c in self.columns.items() if c == column), None)

    def applies(self, numbers: Mapping[int, int], unit_col: int) -> bool:
        """True when the parsed row is this numbering: the unit column carries the unit's number."""
        u = self.unit_number
        return u is None or numbers.get(unit_col) == u

    def columns_from(self, numbers: Mapping[int, int]) -> dict[str, int]:
        """Column name → 0-based sheet column, for the numbers of this numbering found in the row."""
        return {
            self.columns[k]: c for c, k in numbers.items() if k in self.columns and not self.columns[k].startswith("_")
        }
