"""Periods stated in prose, resolved to explicit dates (docs/domain.md, "Periods").

Grain: one :class:`PeriodMention` per phrase ("năm 2023", "6 tháng đầu năm 2022",
"từ ngày 01/1-21/10/2022", "Quý I", "tháng 5/2023", "từ đầu năm đến nay").
Missing years come from the article's date. Quarters are calendar quarters and
say so in ``flags`` (some provinces count "Quý I" from 1 December). A mention
after "so với"/"cùng kỳ" is a comparison; one that ends after the article was
published is a plan or target; neither sets the period of the figures.
"""

from __future__ import annotations

import calendar
import re
from dataclasses import dataclass, field
from datetime import date

from motcua.prose.vocab import Vocab
from motcua.prose.windows import find_windows


def tet_days(vocab: Vocab) -> dict[int, date]:
    """config/extract.yaml ``first_working_day_after_tet`` as {year: date}."""
    raw = vocab.raw.get("first_working_day_after_tet") or {}
    return {int(y): (d if isinstance(d, date) else date.fromisoformat(str(d))) for y, d in raw.items()}


#: Days a period may end after the article date and still be a result (cut-offs on the 14th/20th).
CUTOFF_SLACK_DAYS = 20
#: A range longer than this (two years) is an anniversary or a term of office, not a reporting period.
MAX_RANGE_DAYS = 731

_ROMAN = {"i": 1, "ii": 2, "iii": 3, "iv": 4, "1": 1, "2": 2, "3": 3, "4": 4}
_WORD_MONTHS = {"ba": 3, "sáu": 6, "chín": 9, "mười hai": 12}


@dataclass(frozen=True)
class PeriodMention:
    """A period phrase at [start, end) of the (normalised) text."""

    start: int
    end: int
    period_start: date
    period_end: date
    kind: str  # range | months | quarter | month | year | ytd | day
    flags: tuple[str, ...] = field(default_factory=tuple)
    comparison: bool = False
    future: bool = False

    @property
    def usable(self) -> bool:
        """May set the period of figures (not a comparison, not a plan)."""
        return not self.comparison and not self.future


def _last_day(y: int, m: int) -> date:
    return date(y, m, calendar.monthrange(y, m)[1])


def _safe(y: int, m: int, d: int) -> date | None:
    try:
        return date(y, m, d)
    except ValueError:
        return None


_RANGE = re.compile(
    r"(?:từ\s+)?(?:ngày\s+)?(\d{1,2})[/.-](\d{1,2})(?:[/.-](\d{4}))?\s*(?:-|–|—|đến(?:\s+hết)?(?:\s+ngày)?|tới(?:\s+ngày)?)\s*"
    r"(?:ngày\s+)?(\d{1,2})[/.-](\d{1,2})[/.-](\d{4})"
)
_MONTHS_OF_YEAR = re.compile(
    r"(\d{1,2}|ba|sáu|chín)\s+tháng\s+(đầu|cuối)?\s*(?:của\s+)?năm(?:\s+(\d{4}))?"
    r"|(?<=tính chung )(\d{1,2}|ba|sáu|chín)\s+tháng(?!\s+(?:đầu|cuối|năm|vận|hoạt|qua))"
)
_QUARTER = re.compile(r"quý\s+(iv|iii|ii|i|[1-4])(?!\w)(?:\s*(?:/|năm|-)\s*(\d{4}))?")
_MONTH = re.compile(r"(?<!\d\s)tháng\s+(\d{1,2})(?:\s*(?:/|năm|-)\s*(\d{4}))?(?![\d/])")
_YEAR = re.compile(r"năm\s+(\d{4})(?!\d)")
_UNTIL = re.compile(r"(?:tính\s+)?(?:đến|tới)\s+(?:hết\s+)?ngày\s+(\d{1,2})[/.-](\d{1,2})[/.-](\d{4})")
_YTD = re.compile(
    r"(?:từ\s+đầu\s+năm(?:\s+(\d{4}))?(?:\s+(?:đến\s+nay|tới\s+nay|đến\s+ngày\s+(\d{1,2})[/.-](\d{1,2})(?:[/.-](\d{4}))?))?|lũy\s+kế(?:\s+từ\s+đầu\s+năm)?|lũy\s+kế\s+năm)"
)


_PLAN = re.compile(r"(?:triển khai|phương hướng|mục tiêu|chỉ tiêu|phấn đấu|dự kiến|đề ra)(?:\s+\S+){0,3}\s*$")
_PLAN_AFTER = re.compile(r"^\s*(?:và\s+)?(?:các|những)\s+năm\s+(?:tiếp theo|tới|sau)")


def find_periods(
    ntext: str, ref: date | None, vocab: Vocab, *, ref_strong: bool = True, reform: bool = False
) -> list[PeriodMention]:
    """All period phrases in a normalised sentence, longest first, no overlaps, in text order.

    ``ref`` is the article's date (for missing years and to tell plans from results);
    ``ref_strong`` says it is a publication date, not merely the first date in the text,
    so that a period ending after it can only be a plan. ``reform``: the text is about the
    two-level government, so windows count from 1 July 2025 (:mod:`motcua.prose.windows`).
    """
    found: list[PeriodMention] = []
    ref_year = ref.year if ref else None

    def add(m: re.Match[str], ps: date | None, pe: date | None, kind: str, flags: tuple[str, ...] = ()) -> None:
        if ps is None or pe is None or pe < ps or (kind == "range" and (pe - ps).days > MAX_RANGE_DAYS):
            return  # "(03/02/1930 - 03/02/2020)": an anniversary, not a reporting period
        if any(not (m.end() <= f.start or m.start() >= f.end) for f in found):
            return
        before = ntext[max(0, m.start() - 40) : m.start()]
        comp = bool(vocab.comparison.search(before)) and not re.search(
            r"[.;]", before[before.rfind("so") :] if "so" in before else ""
        )
        plan_words = bool(
            _PLAN.search(ntext[max(0, m.start() - 40) : m.start()]) or _PLAN_AFTER.match(ntext[m.end() :])
        )
        late = bool(ref and pe > ref)
        # a period that ends within CUTOFF_SLACK days after publication may use an earlier cut-off (15th/20th)
        fut = plan_words or bool(
            ref
            and ref_strong
            and kind in ("year", "months", "quarter", "month")
            and (ps > ref or (pe - ref).days > CUTOFF_SLACK_DAYS)
        )
        if late and not fut:
            flags = flags + (
                f"period_end_after_article: kỳ kết thúc sau ngày đăng bài ({ref.strftime('%d/%m/%Y')}); "
                "số liệu có thể chốt sớm hơn",
            )
        found.append(PeriodMention(m.start(), m.end(), ps, pe, kind, flags, comp, fut))

    for m in _RANGE.finditer(ntext):
        d1, m1, y1, d2, m2, y2 = m.groups()
        y2i = int(y2)
        y1i = int(y1) if y1 else (y2i if int(m1) <= int(m2) else y2i - 1)
        add(m, _safe(y1i, int(m1), int(d1)), _safe(y2i, int(m2), int(d2)), "range")
    find_windows(ntext, ref, add, reform=reform, tet=tet_days(vocab))
    for m in _YTD.finditer(ntext):
        y = m.group(1)
        end = None
        if m.group(2):
            end = _safe(int(m.group(4) or (y or ref_year or 0)), int(m.group(3)), int(m.group(2)))
        elif ref:
            end = ref
        year = int(y) if y else (end.year if end else ref_year)
        if year:
            flags = () if m.group(2) else ("period_end_from_article: kỳ tính đến ngày đăng bài",)
            add(m, date(year, 1, 1), end, "ytd", flags)
    for m in _UNTIL.finditer(ntext):
        end = _safe(int(m.group(3)), int(m.group(2)), int(m.group(1)))
        if end:
            add(m, date(end.year, 1, 1), end, "ytd", ("period_assumed: 'tính đến ngày' hiểu là lũy kế từ đầu năm",))
    for m in _MONTHS_OF_YEAR.finditer(ntext):
        said = m.group(1) or m.group(4)  # "9 tháng năm 2023", or "tính chung 9 tháng" (of the article's year)
        n = _WORD_MONTHS.get(said) or int(said)
        year = int(m.group(3)) if m.group(3) else ref_year
        if not year or not 1 <= n <= 12:
            continue
        if m.group(2) == "cuối":
            add(m, date(year, 13 - n, 1), _last_day(year, 12), "months")
        else:
            add(m, date(year, 1, 1), _last_day(year, n), "months")
    for m in _QUARTER.finditer(ntext):
        q = _ROMAN[m.group(1)]
        year = int(m.group(2)) if m.group(2) else ref_year
        if year:
            flags = ("period_assumed: quý theo lịch (có tỉnh tính Quý I từ 01/12)",)
            if not m.group(2):
                flags += ("period_year_from_article: năm lấy từ ngày đăng bài",)
            add(m, date(year, 3 * q - 2, 1), _last_day(year, 3 * q), "quarter", flags)
    for m in _MONTH.finditer(ntext):
        mo = int(m.group(1))
        year = int(m.group(2)) if m.group(2) else ref_year
        if year and 1 <= mo <= 12:
            flags = () if m.group(2) else ("period_year_from_article: năm lấy từ ngày đăng bài",)
            add(m, date(year, mo, 1), _last_day(year, mo), "month", flags)
    for m in _YEAR.finditer(ntext):
        y = int(m.group(1))
        if 1990 <= y <= 2100:
            add(m, date(y, 1, 1), date(y, 12, 31), "year")
    return sorted(found, key=lambda f: f.start)


_PUBLISHED = re.compile(
    r"(?:đăng ngày|ngày đăng|cập nhật|ngày cập nhật|ngày xuất bản|đăng lúc|posted)\s*:?\s*(?:lúc\s*)?(?:\d{1,2}:\d{2}(?::\d{2})?\s*(?:,|-|\|)?\s*)?"
    r"(?:ngày\s*)?(\d{1,2})[/.-](\d{1,2})[/.-](\d{4})"
)
_STAMP = re.compile(r"\d{1,2}:\d{2}(?::\d{2})?\s*(?:\||,|-)?\s*(?:ngày\s*)?(\d{1,2})[/.-](\d{1,2})[/.-](\d{4})")
_DATE_LINE = re.compile(
    r"(?m)^\s*(?:(?:thứ\s+\S+|chủ nhật)\s*,?\s*)?(\d{1,2})[/.-](\d{1,2})[/.-](\d{4})\s*"
    r"(?:\|?\s*\d{1,2}:\d{2}(?::\d{2})?)?\s*$"
)
_FULL_DATE = re.compile(r"(?<![\d/])(\d{1,2})[/.-](\d{1,2})[/.-](\d{4})(?![\d/])")
_ISO_DATE = re.compile(r"(?<![\d/-])(\d{4})-(\d{2})-(\d{2})(?![\d/-])")
_DATE_WORDS = re.compile(r"ngày\s+(\d{1,2})\s+tháng\s+(\d{1,2})\s+năm\s+(\d{4})")


#: Dates before this year are history (a banner's founding date), never the article's date.
MIN_ARTICLE_YEAR = 2000


def _in_date_range(ntext: str, m: re.Match[str]) -> bool:
    """A date that is one end of "dd/mm/yyyy - dd/mm/yyyy" (a banner's anniversary) is not the article's date."""
    link = r"\s*(?:[-–]|đến(?:\s+hết)?(?:\s+ngày)?|tới(?:\s+ngày)?)\s*"
    after = re.match(link + r"\d{1,2}[/.-]\d{1,2}[/.-]\d{4}", ntext[m.end() :])
    before = re.search(r"\d{1,2}[/.-]\d{1,2}(?:[/.-]\d{4})?" + link + r"$", ntext[max(0, m.start() - 30) : m.start()])
    return bool(after or before or re.search(r"từ\s+(?:ngày\s+)?$", ntext[max(0, m.start() - 12) : m.start()]))


def _anniversary(ntext: str, m: re.Match[str]) -> bool:
    """One end of a range of years ("03/02/1930 - 03/02/2020"): a banner, not a period."""
    near = ntext[max(0, m.start() - 30) : m.end() + 30]
    years = [int(y) for y in re.findall(r"\d{1,2}[/.-]\d{1,2}[/.-](\d{4})", near)]
    return bool(years) and max(years) - min(years) > 2


def article_date(ntext: str) -> tuple[date | None, str]:
    """The article's own date and how it was found.

    Order: a "Đăng ngày"/"Cập nhật" label; a time stamp ("03:55:00 | 22-10-2022");
    the first full date in the text ("Sáng ngày 02/02/2024"). None if there is none.
    """
    for rx, how in (
        (_PUBLISHED, "ngày đăng"),
        (_STAMP, "dấu thời gian"),
        (_DATE_LINE, "dòng ngày"),
        (_FULL_DATE, "ngày đầu tiên trong bài"),
    ):
        for m in rx.finditer(ntext):
            d = _safe(int(m.group(3)), int(m.group(2)), int(m.group(1)))
            if d and d.year >= MIN_ARTICLE_YEAR and not (how == "ngày đầu tiên trong bài" and _in_date_range(ntext, m)):
                return d, how
    ends = [
        d
        for m in _FULL_DATE.finditer(ntext)
        if _in_date_range(ntext, m)
        and not _anniversary(ntext, m)
        and (d := _safe(int(m.group(3)), int(m.group(2)), int(m.group(1))))
        and d.year >= MIN_ARTICLE_YEAR
    ]
    if ends:  # only dates of periods: the article came after the first period it reports
        return max(ends[:2]), "cuối kỳ đầu tiên trong bài"
    m = _ISO_DATE.search(ntext)
    if m:
        d = _safe(int(m.group(1)), int(m.group(2)), int(m.group(3)))
        if d:
            return d, "ngày ISO"
    m = _DATE_WORDS.search(ntext)
    if m:
        d = _safe(int(m.group(3)), int(m.group(2)), int(m.group(1)))
        if d:
            return d, "ngày đầu tiên trong bài"
    return None, ""
