"""Period phrases → explicit dates (docs/domain.md, "Periods")."""

from __future__ import annotations

from datetime import date

import pytest

from motcua.prose.periods import article_date, find_periods
from motcua.prose.vocab import load_vocab, norm

REF = date(2024, 2, 2)


def _one(text, ref=REF):
    ps = find_periods(norm(text), ref, load_vocab())
    assert len(ps) == 1, ps
    return ps[0]


@pytest.mark.parametrize(
    "text,start,end",
    [
        ("Trong năm 2023, bộ phận", date(2023, 1, 1), date(2023, 12, 31)),
        ("6 tháng đầu năm 2022 tiếp nhận", date(2022, 1, 1), date(2022, 6, 30)),
        ("sáu tháng cuối năm 2022", date(2022, 7, 1), date(2022, 12, 31)),
        ("9 tháng năm 2023", date(2023, 1, 1), date(2023, 9, 30)),
        ("từ ngày 01/1-21/10/2022, UBND phường", date(2022, 1, 1), date(2022, 10, 21)),
        ("từ ngày 15/12/2022 đến ngày 14/12/2023", date(2022, 12, 15), date(2023, 12, 14)),
        ("từ 15/12 đến 14/3/2023", date(2022, 12, 15), date(2023, 3, 14)),
        ("Quý III/2023", date(2023, 7, 1), date(2023, 9, 30)),
        ("quý 2 năm 2023", date(2023, 4, 1), date(2023, 6, 30)),
        ("tháng 9/2023", date(2023, 9, 1), date(2023, 9, 30)),
        ("tháng 1 năm 2024", date(2024, 1, 1), date(2024, 1, 31)),
    ],
)
def test_phrases(text, start, end):
    p = _one(text)
    assert (p.period_start, p.period_end) == (start, end)
    assert p.usable


def test_quarter_without_year_takes_article_year_and_says_so():
    p = _one("Quý I tiếp nhận", ref=date(2023, 4, 10))
    assert (p.period_start, p.period_end) == (date(2023, 1, 1), date(2023, 3, 31))
    assert any(f.startswith("period_assumed") for f in p.flags)
    assert any(f.startswith("period_year_from_article") for f in p.flags)


def test_year_to_date_ends_at_article_date():
    p = _one("từ đầu năm đến nay", ref=date(2023, 6, 20))
    assert (p.period_start, p.period_end) == (date(2023, 1, 1), date(2023, 6, 20))


def test_until_date_is_year_to_date_and_says_so():
    p = _one("Tính đến ngày 30/6/2023, huyện tiếp nhận")
    assert (p.period_start, p.period_end) == (date(2023, 1, 1), date(2023, 6, 30))
    assert any(f.startswith("period_assumed") for f in p.flags)


def test_comparison_year_does_not_set_the_period():
    p = _one("So với kết quả năm 2021, kết quả chỉ số tăng")
    assert p.comparison and not p.usable


def test_plan_year_after_the_article_is_not_a_result():
    p = _one("triển khai nhiệm vụ kế hoạch năm 2024")
    assert p.future and not p.usable
    assert _one("tháng 2 năm 2024").future  # not over on 2 Feb 2024
    assert not find_periods(norm("tháng 2 năm 2024"), REF, load_vocab(), ref_strong=False)[0].future
    assert _one("nâng cao chỉ số năm 2023 và các năm tiếp theo", ref=date(2023, 5, 19)).future


@pytest.mark.parametrize(
    "text,expected",
    [
        ("Chuyên mục: Thông báo | Đăng ngày: 19/05/2023\nChiều ngày 17/5", date(2023, 5, 19)),
        ("UBND phường 9\n03:55:00 | 22-10-2022\nSáng ngày 21/10", date(2022, 10, 22)),
        ("Sáng ngày 02/02/2024, UBND thành phố", date(2024, 2, 2)),
        ("Phú Yên, ngày 12 tháng 6 năm 2023", date(2023, 6, 12)),
    ],
)
def test_article_date(text, expected):
    assert article_date(norm(text))[0] == expected


def test_no_article_date():
    assert article_date(norm("Không có ngày tháng"))[0] is None
