"""Periods written without a year, and windows of a few days (the article's date supplies the year).

Grain: each pattern gives (match, start, end, kind, flags) to the caller's ``add`` (see
:func:`motcua.prose.periods.find_periods`, which keeps the first of overlapping phrases):

* day-month ranges: "từ ngày 1-7 đến ngày 30-9", "từ 15/12 đến 14/3", "từ ngày 1 - 14/7";
* a range to the end of a month: "từ ngày 1/7 đến cuối tháng 10/2025";
* open ranges to the article's date: "từ 1/7", "từ ngày 1/7/2025 đến nay"; the year to a day: "tính đến ngày 29/8";
* one day: "trong ngày 23/2", "riêng ngày 14/7", "ngày làm việc đầu tiên sau Tết" (config/extract.yaml
  ``first_working_day_after_tet``), "ngày đầu tiên" of the two-level government (1 July 2025);
* windows counted from the 2025 reform, only in an article about it: "sau 3 tháng vận hành",
  "tháng đầu tiên", "100 ngày".

A year-less date takes the article's year, or the year before when it would fall after the article.
"""

from __future__ import annotations

import calendar
import re
from collections.abc import Callable
from datetime import date, timedelta

REFORM = date(2025, 7, 1)
_WORD_N = {"một": 1, "hai": 2, "ba": 3, "bốn": 4, "năm": 5, "sáu": 6}
_Y = r"(?:[/.-]\s*(\d{4}))?"
_DM = r"(\d{1,2})\s*[/.-]\s*(\d{1,2})"

_DM_RANGE = re.compile(
    rf"(?:từ\s+)?(?:ngày\s+)?{_DM}{_Y}\s*(?:-|–|đến(?:\s+hết)?(?:\s+ngày)?|tới(?:\s+ngày)?)\s*"
    rf"(?:ngày\s+)?{_DM}(?![\d/.-]*\d)"
)
_DAYS_IN_MONTH = re.compile(rf"(?:từ\s+ngày|từ|ngày)\s+(\d{{1,2}})\s*(?:-|–|đến)\s*(?:ngày\s+)?{_DM}{_Y}(?![\d/])")
_TO_MONTH_END = re.compile(
    rf"từ\s+(?:ngày\s+)?{_DM}{_Y}\s*(?:đến|tới)\s+(?:hết|cuối)\s+tháng\s+(\d{{1,2}})"
    rf"(?:\s*[/-]\s*(\d{{4}})|\s+năm\s+(\d{{4}}))?"
)
_UNTIL_MONTH_END = re.compile(
    r"(?:tính\s+)?(?:đến|tới)\s+(?:hết|cuối)\s+tháng\s+(\d{1,2})(?:\s*[/-]\s*(\d{4})|\s+năm\s+(\d{4}))?"
)
_UNTIL_DAY = re.compile(rf"(?:tính\s+)?(?:đến|tới)\s+(?:hết\s+)?ngày\s+{_DM}(?![\d/.-]*\d)")
_OPEN = re.compile(rf"từ\s+(?:ngày\s+)?{_DM}{_Y}(?:\s+(?:đến|tới)\s+nay)?(?!\s*(?:đến|tới|-|–)\s*(?:ngày\s+)?\d)")
_ONE_DAY = re.compile(rf"(?:trong|riêng|chỉ\s+trong|chỉ\s+riêng|tính\s+riêng)\s+ngày\s+{_DM}{_Y}(?![\d/])")
_TET = re.compile(r"ngày\s+(?:làm\s+việc\s+)?đầu\s+tiên\s+(?:sau|của\s+năm\s+mới\s+sau)\s+(?:kỳ\s+nghỉ\s+)?tết")
_FIRST_DAY = re.compile(
    r"(?:trong\s+)?ngày\s+đầu\s+tiên(?:\s+(?:vận\s+hành|hoạt\s+động|triển\s+khai|thực\s+hiện|"
    r"chính\s+thức\s+vận\s+hành)(?:\s+[^,.;]{0,40})?)?"
)
_AFTER_MONTHS = re.compile(
    r"(?:sau|qua|trong)\s+(\d{1,2}|một|hai|ba|bốn|năm|sáu)\s+tháng\s+(?:đầu\s+)?"
    r"(?:vận\s+hành|hoạt\s+động|triển\s+khai|thực\s+hiện|đi\s+vào\s+hoạt\s+động)"
)
_FIRST_MONTH = re.compile(r"(?:trong\s+)?tháng\s+đầu\s+tiên(?:\s+(?:vận\s+hành|hoạt\s+động|triển\s+khai|thực\s+hiện))?")
_DAYS_AFTER = re.compile(r"(?:sau|qua|trong)\s+(\d{2,3})\s+ngày\s+(?:vận\s+hành|hoạt\s+động|triển\s+khai|thực\s+hiện)")

Add = Callable[..., None]
_YEAR_NOTE = ("period_year_from_article: năm lấy từ ngày đăng bài",)


def _d(y: int, m: int, d: int) -> date | None:
    try:
        return date(y, m, d)
    except ValueError:
        return None


def _end_of(y: int, m: int) -> date | None:
    return date(y, m, calendar.monthrange(y, m)[1]) if 1 <= m <= 12 else None


def _year_for(m: int, d: int, ref: date) -> int:
    """The year of a year-less day: the article's, or the year before when that day is after the article."""
    x = _d(ref.year, m, d)
    return ref.year - 1 if x is not None and x > ref + timedelta(days=20) else ref.year


def find_windows(
    ntext: str, ref: date | None, add: Add, *, reform: bool = False, tet: dict[int, date] | None = None
) -> None:
    """Give every window phrase of ``ntext`` to ``add`` (see the module docstring)."""
    for m in _TO_MONTH_END.finditer(ntext):
        d1, m1, y1, m2, y2a, y2b = m.groups()
        y2 = y2a or y2b or y1 or (str(ref.year) if ref else None)
        if y2:
            y1i = int(y1) if y1 else (int(y2) if int(m1) <= int(m2) else int(y2) - 1)
            add(m, _d(y1i, int(m1), int(d1)), _end_of(int(y2), int(m2)), "range", () if (y2a or y2b) else _YEAR_NOTE)
    for m in _UNTIL_MONTH_END.finditer(ntext):
        y = m.group(2) or m.group(3) or (str(ref.year) if ref else None)
        if y:
            add(
                m,
                date(int(y), 1, 1),
                _end_of(int(y), int(m.group(1))),
                "ytd",
                ("period_assumed: 'tính đến cuối tháng' hiểu là lũy kế từ đầu năm",),
            )
    if ref is None:
        return
    for m in _DM_RANGE.finditer(ntext):
        d1, m1, y1, d2, m2 = m.groups()
        y2 = _year_for(int(m2), int(d2), ref)
        y1i = int(y1) if y1 else (y2 if int(m1) <= int(m2) else y2 - 1)
        add(m, _d(y1i, int(m1), int(d1)), _d(y2, int(m2), int(d2)), "range", _YEAR_NOTE)
    for m in _DAYS_IN_MONTH.finditer(ntext):
        d1, d2, mo, y = m.groups()
        yi = int(y) if y else _year_for(int(mo), int(d2), ref)
        if int(d1) < int(d2):
            add(m, _d(yi, int(mo), int(d1)), _d(yi, int(mo), int(d2)), "range", () if y else _YEAR_NOTE)
    for m in _UNTIL_DAY.finditer(ntext):
        d, mo = m.groups()
        yi = _year_for(int(mo), int(d), ref)
        add(
            m,
            date(yi, 1, 1),
            _d(yi, int(mo), int(d)),
            "ytd",
            ("period_assumed: 'tính đến ngày' hiểu là lũy kế từ đầu năm",) + _YEAR_NOTE,
        )
    for m in _ONE_DAY.finditer(ntext):
        d, mo, y = m.groups()
        yi = int(y) if y else _year_for(int(mo), int(d), ref)
        day = _d(yi, int(mo), int(d))
        add(m, day, day, "day", () if y else _YEAR_NOTE)
    for m in _TET.finditer(ntext):
        day = (tet or {}).get(ref.year)
        if day is not None and day <= ref:
            add(
                m,
                day,
                day,
                "day",
                (f"period_from_calendar: ngày làm việc đầu tiên sau Tết {ref.year} là {day.strftime('%d/%m/%Y')}",),
            )
    for m in _OPEN.finditer(ntext):
        d, mo, y = m.groups()
        yi = int(y) if y else _year_for(int(mo), int(d), ref)
        start = _d(yi, int(mo), int(d))
        if start is not None and start <= ref:
            add(
                m,
                start,
                ref,
                "range",
                ("period_end_from_article: kỳ tính đến ngày đăng bài",) + (() if y else _YEAR_NOTE),
            )
    if not reform or ref < REFORM:
        return
    note = ("period_from_reform: tính từ ngày 01/07/2025, ngày chính quyền địa phương hai cấp vận hành",)
    for m in _FIRST_DAY.finditer(ntext):
        add(m, REFORM, REFORM, "day", note)
    for m in _AFTER_MONTHS.finditer(ntext):
        n = _WORD_N.get(m.group(1)) or int(m.group(1))
        end = _end_of(2025 + (6 + n - 1) // 12, (6 + n - 1) % 12 + 1)
        if end is not None and 1 <= n <= 12:
            add(m, REFORM, min(end, ref) if end > ref else end, "range", note)
    for m in _FIRST_MONTH.finditer(ntext):
        add(m, REFORM, date(2025, 7, 31), "month", note)
    for m in _DAYS_AFTER.finditer(ntext):
        end = REFORM + timedelta(days=int(m.group(1)) - 1)
        if end <= ref + timedelta(days=20):
            add(m, REFORM, end, "range", note)
