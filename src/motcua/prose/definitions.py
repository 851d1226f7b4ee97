"""Periods an article defines once and refers to later by their label.

Grain: one :class:`PeriodBook` per text. "Quý I năm 2020 (tính từ 1/12/2019 đến 29/2/2020)" defines
the label's calendar reading (01/01–31/03/2020) as the range in brackets; every later "quý I" whose
calendar reading is the same means that range, for the whole article. The label of the defining
sentence itself means the range too. An open range ("từ 1/7 đến nay") that starts where a range with a
stated end started ("từ 1/7 đến 14/9/2025") ends there too. A running total the text does not start
("tính đến hết tháng 4/2018") counts from the opening date it gives ("bắt đầu hoạt động từ 02/6/2017").
"""

from __future__ import annotations

import re
from dataclasses import replace
from datetime import date

from motcua.prose.periods import PeriodMention

_LABELS = ("quarter", "months", "month", "year", "ytd")
_OPENED = re.compile(
    r"(?:bắt đầu|chính thức|đi vào)\s+(?:đi\s+vào\s+)?(?:hoạt động|vận hành)\s+(?:từ\s+|kể\s+từ\s+)?"
    r"(?:ngày\s+)?(\d{1,2})[/.-](\d{1,2})[/.-](\d{4})"
)
_GAP = re.compile(r"\s*[(,:–-]?\s*(?:(?:tính|kể|được tính|số liệu tính|số liệu)\s+)?")


class PeriodBook:
    """Definitions met so far: calendar reading (start, end) → the range the text gives it."""

    def __init__(self) -> None:
        self.opened: date | None = None  # "bắt đầu hoạt động từ 02/6/2017": running totals count from it
        self.defined: dict[tuple[date, date], PeriodMention] = {}
        self.closed: dict[date, PeriodMention] = {}  # ranges with a stated end, by their first day

    def read(self, nsent: str, periods: list[PeriodMention]) -> list[PeriodMention]:
        """The sentence's periods with definitions learnt from it and applied to it."""
        om = _OPENED.search(nsent)
        if om and self.opened is None:
            try:
                self.opened = date(int(om.group(3)), int(om.group(2)), int(om.group(1)))
            except ValueError:
                pass
        periods = [self._since_opening(nsent, p) for p in periods]
        for p, q in zip(periods, periods[1:]):
            if (
                p.kind in _LABELS
                and q.kind == "range"
                and not q.comparison
                and _GAP.fullmatch(nsent[p.end : q.start])
                and "(" in nsent[p.end : q.start + 1]
            ):
                self.defined[(p.period_start, p.period_end)] = q
            elif (
                p.kind == "range"
                and q.kind in _LABELS
                and not p.comparison
                and re.fullmatch(r"\s*\(\s*(?:tức\s+(?:là\s+)?)?", nsent[p.end : q.start])
            ):
                self.defined[(q.period_start, q.period_end)] = p  # "từ 15/12/2019 đến 14/3/2020 (quý I/2020)"
        out = []
        for p in periods:
            if p.kind == "range" and not any(f.startswith("period_end_from_article") for f in p.flags):
                self.closed.setdefault(p.period_start, p)
            c = self.closed.get(p.period_start)
            if c is not None and c is not p and any(f.startswith("period_end_from_article") for f in p.flags):
                # "từ 1/7 đến nay" after "từ 1/7 đến 14/9/2025": the cut-off the text gave
                flags = tuple(f for f in p.flags if not f.startswith(("period_end_from", "period_year_from")))
                out.append(
                    replace(
                        p,
                        period_end=c.period_end,
                        flags=flags
                        + (
                            f"period_defined_in_text: '{nsent[p.start : p.end]}' tính đến {c.period_end:%d/%m/%Y} như bài đã nêu",
                        ),
                    )
                )
                continue
            q = self.defined.get((p.period_start, p.period_end))
            if q is None or p.kind not in _LABELS:
                out.append(p)
                continue
            said = nsent[p.start : p.end]
            flags = tuple(
                f for f in p.flags if not f.startswith(("period_assumed", "period_year_from", "period_end_after"))
            )
            out.append(
                replace(
                    p,
                    period_start=q.period_start,
                    period_end=q.period_end,
                    kind="range",
                    future=False,
                    flags=flags
                    + (
                        f"period_defined_in_text: '{said}' = {q.period_start:%d/%m/%Y}–"
                        f"{q.period_end:%d/%m/%Y} như bài đã nêu",
                    ),
                )
            )
        return out

    def _since_opening(self, nsent: str, p: PeriodMention) -> PeriodMention:
        """A running total "tính đến hết tháng 4/2018" (read as from 1 January) counts from the opening date
        the text gives when that is within two years before its end."""
        o = self.opened
        if (
            o is None
            or p.kind != "ytd"
            or not any(f.startswith("period_assumed") for f in p.flags)
            or not (p.period_start > o and (p.period_end - o).days <= 731)
        ):
            return p
        flags = tuple(f for f in p.flags if not f.startswith("period_assumed")) + (
            f"period_from_opening: lũy kế từ ngày bắt đầu hoạt động {o:%d/%m/%Y} bài đã nêu",
        )
        return replace(p, period_start=o, flags=flags)


_PREVIOUS = re.compile(r"so với (?:cùng kỳ )?(tháng|quý|năm|kỳ) (?:trước|liền kề|trước đó)")


def previous_period(p: PeriodMention, nsent: str) -> PeriodMention | None:
    """The period "so với tháng/quý/năm trước" compares with: ``p`` one month, quarter or year earlier (a
    running total of the year ends a month earlier); None when the sentence says no such thing."""
    m = _PREVIOUS.search(nsent)
    if m is None:
        return None
    step = {"tháng": 1, "quý": 3, "năm": 12, "kỳ": _months(p)}[m.group(1)]
    if not step:
        return None
    end = _shift_end(p.period_end, step)
    start = p.period_start if p.kind == "ytd" and m.group(1) != "năm" else _shift_start(p.period_start, step)
    if end is None or start is None or end < start:
        return None
    return replace(
        p,
        period_start=start,
        period_end=end,
        comparison=True,
        flags=(f"period_relative: '{m.group(0)}' = {start:%d/%m/%Y}–{end:%d/%m/%Y}",),
    )


def _months(p: PeriodMention) -> int:
    return (p.period_end.year - p.period_start.year) * 12 + p.period_end.month - p.period_start.month + 1


def _shift_start(d: date, months: int) -> date | None:
    y, m = divmod(d.year * 12 + d.month - 1 - months, 12)
    try:
        return date(y, m + 1, d.day)
    except ValueError:
        return None


def _shift_end(d: date, months: int) -> date | None:
    """The last day of the month ``months`` before ``d``'s month when ``d`` ends a month, else the same day."""
    import calendar

    y, m = divmod(d.year * 12 + d.month - 1 - months, 12)
    last = calendar.monthrange(d.year, d.month)[1]
    day = calendar.monthrange(y, m + 1)[1] if d.day == last else min(d.day, calendar.monthrange(y, m + 1)[1])
    return date(y, m + 1, day)
