"""Periods and units a figure takes from the rest of the article when its own sentence gives none.

Grain: the facts of one text, in reading order, changed in place (each change said in the flags):

* a figure of the title with no period or no unit takes those of the article's first figure in the
  body ("99,4% hồ sơ được giải quyết đúng hạn" above a lead that says "6 tháng đầu năm 2021 …, toàn
  tỉnh …");
* a 766-index score or rank with no period takes the period of another 766 figure of the same unit,
  else the year to the date the article gives for the figures ("Ngày 19/8, … công bố"), else to its
  own date: the 766 index is published as a running score of the year.
"""

from __future__ import annotations

import re
from datetime import date
from typing import TYPE_CHECKING

from motcua.prose.periods import PeriodMention

if TYPE_CHECKING:  # pragma: no cover
    from motcua.prose.core import Fact

_LEAD_DAY = re.compile(
    r"(?m)^\s*(?:chiều|sáng|tối|trưa)?\s*ngày\s+(\d{1,2})\s*[/.-]\s*(\d{1,2})(?:\s*[/.-]\s*(\d{4}))?\s*,"
)


def _headline(f: Fact) -> bool:
    return any(x.startswith("headline") for x in f.flags)


def fill_headlines(facts: list[Fact]) -> None:
    """Title figures without a period or a unit take those of the first body figure."""
    body = [f for f in facts if not f.aux and not _headline(f)]
    first_period = next((f.period for f in body if f.period is not None), None)
    first_unit = next((f.unit for f in body if f.unit.written), None)
    for f in facts:
        if not _headline(f):
            continue
        if f.period is None and first_period is not None:
            f.period = first_period
            f.flags = [x for x in f.flags if not x.startswith("period_unknown")] + [
                "period_from_body: tiêu đề không nêu kỳ; lấy kỳ của số liệu đầu tiên trong bài"
            ]
        if not f.unit.written and first_unit is not None:
            f.unit = first_unit
            f.flags = [x for x in f.flags if not x.startswith("unit_unknown")] + [
                f"unit_from_body: tiêu đề không nêu đơn vị; lấy '{first_unit.written}' của số liệu đầu tiên trong bài"
            ]


def as_of(nbody: str, ref: date | None) -> date | None:
    """The date an article gives its figures ("Ngày 19/8, … công bố"), else its own date."""
    m = _LEAD_DAY.search(nbody)
    if m and ref is not None:
        y = int(m.group(3)) if m.group(3) else ref.year
        try:
            d = date(y, int(m.group(2)), int(m.group(1)))
        except ValueError:
            d = None
        if d is not None and d <= ref:
            return d
    return ref


def fill_index_periods(facts: list[Fact], day: date | None) -> None:
    """766 figures without a period: another 766 figure's period of the same unit, else the year to ``day``."""
    i766 = [f for f in facts if f.metric.startswith("index766_")]
    for f in i766:
        if f.period is not None:
            continue
        same = [o for o in i766 if o.period is not None and o.unit.key == f.unit.key]
        after = [o for o in same if o.pos >= f.pos]
        src = (after or same or [None])[0]
        if src is not None:
            f.period = src.period
            note = "period_from_index: kỳ của số liệu Bộ chỉ số 766 khác của cùng đơn vị trong bài"
        elif day is not None:
            f.period = PeriodMention(0, 0, date(day.year, 1, 1), day, "ytd")
            note = (
                f"period_assumed: Bộ chỉ số 766 là điểm lũy kế của năm; tính từ 01/01 đến "
                f"{day.strftime('%d/%m/%Y')}, ngày bài nêu số liệu"
            )
        else:
            continue
        f.flags = [x for x in f.flags if not x.startswith(("period_unknown", "period_from_context"))] + [note]
