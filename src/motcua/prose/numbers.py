"""Vietnamese number tokens → Python numbers ("7.697" is 7697, "99,47%" is 99.47 %; files mix conventions).

Vietnamese writes "7.697" for 7697 and "99,47" for 99.47, but real texts mix
conventions ("14.3%" beside "85,6%"). Which reading applies depends on what
the number counts: a count of dossiers is an integer, so a separator followed
by exactly three digits is a thousands separator; a rate or a score is a
decimal, so a lone separator is the decimal mark.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from typing import Literal

Kind = Literal["count", "decimal"]


@dataclass(frozen=True)
class ParsedNumber:
    """A parsed number and how it was read.

    ``note`` is empty for the ordinary Vietnamese reading and names the
    convention otherwise (e.g. an English thousands comma in a count).
    """

    value: float | int
    note: str = ""


def parse_number(token: str, kind: Kind = "count") -> ParsedNumber:
    """Parse one written number.

    >>> parse_number("7.697").value, parse_number("02").value
    (7697, 2)
    >>> parse_number("99,47", "decimal").value, parse_number("14.3", "decimal").value
    (99.47, 14.3)
    """
    t = token.strip().replace("\u00a0", "").replace(" ", "")
    if not t or not re.fullmatch(r"\d+(?:[.,]\d+)*", t):
        raise ValueError(f"not a number: {token!r}")
    dots, commas = t.count("."), t.count(",")
    if dots and commas:  # both: the last one is the decimal mark
        dec = "." if t.rfind(".") > t.rfind(",") else ","
        thou = "," if dec == "." else "."
        body = t.replace(thou, "").replace(dec, ".")
        val = float(body)
        note = "" if dec == "," else "dấu chấm thập phân, dấu phẩy hàng nghìn"
        return ParsedNumber(int(val) if kind == "count" and val.is_integer() else val, note)
    sep = "." if dots else ("," if commas else "")
    if not sep:
        return ParsedNumber(int(t) if kind == "count" else float(int(t)))
    groups = t.split(sep)
    three = all(len(g) == 3 for g in groups[1:])
    if kind == "count":
        if three:
            note = "" if sep == "." else "dấu phẩy hàng nghìn"
            return ParsedNumber(int("".join(groups)), note)
        # a decimal in a count: keep it, the caller flags it
        return ParsedNumber(float(t.replace(",", ".")), "số lẻ ở chỗ cần số nguyên")
    if len(groups) == 2:
        note = "" if sep == "," else "dấu chấm thập phân"
        return ParsedNumber(float(t.replace(",", ".")), note)
    # several groups in a decimal context: thousands separators
    return ParsedNumber(float("".join(groups)), "nhiều dấu phân cách")


def decimals_of(token: str) -> int:
    """Decimals written in a rate/score token ("99,47" → 2, "14.3" → 1, "100" → 0)."""
    m = re.search(r"[.,](\d+)$", token.strip())
    if not m:
        return 0
    return len(m.group(1))
