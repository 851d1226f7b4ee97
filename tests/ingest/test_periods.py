"""Periods from sheet text and file names: explicit dates kept, labels flagged, cumulative detected."""

from __future__ import annotations

from datetime import date, timedelta

import pytest
from hypothesis import given
from hypothesis import strategies as st

from motcua.ingest.periods import classify, format_period_text, parse_period_filename, parse_period_text


@pytest.mark.parametrize(
    "text, start, end, kind, cum, label",
    [
        (
            "Kỳ báo cáo: Từ ngày 15/02/2024 đến ngày 14/03/2024",
            date(2024, 2, 15),
            date(2024, 3, 14),
            "month",
            False,
            False,
        ),
        (
            "Tháng 01 năm 2021 (Từ ngày 01/01/2021 đến ngày 31/01/2021)",
            date(2021, 1, 1),
            date(2021, 1, 31),
            "month",
            False,
            False,
        ),
        (
            "Quý I (Từ ngày 01/12/2023 đến ngày 29/02/2024)",
            date(2023, 12, 1),
            date(2024, 2, 29),
            "quarter",
            False,
            False,
        ),
        ("Lũy kế từ ngày 01/01/2025 đến ngày 31/03/2025", date(2025, 1, 1), date(2025, 3, 31), "quarter", True, False),
        ("từ 21/01 đến 20/02/2024", date(2024, 1, 21), date(2024, 2, 20), "month", False, False),
        ("Từ 21/12 - 20/01/2024", date(2023, 12, 21), date(2024, 1, 20), "month", False, False),
        ("Quý II/2023", date(2023, 4, 1), date(2023, 6, 30), "quarter", False, True),
        ("Quý IV năm 2022", date(2022, 10, 1), date(2022, 12, 31), "quarter", False, True),
        ("6 tháng đầu năm 2024", date(2024, 1, 1), date(2024, 6, 30), "half", False, True),
        ("Năm 2023", date(2023, 1, 1), date(2023, 12, 31), "year", False, True),
        ("Tháng 3/2024", date(2024, 3, 1), date(2024, 3, 31), "month", False, True),
        ("Từ ngày 05/01/2024 đến ngày 20/01/2024", date(2024, 1, 5), date(2024, 1, 20), "custom", False, False),
    ],
)
def test_text(text, start, end, kind, cum, label):
    p = parse_period_text(text)
    assert (p.start, p.end, p.kind, p.cumulative, p.from_label) == (start, end, kind, cum, label)


@pytest.mark.parametrize(
    "text", ["", "Báo cáo tình hình", "Đơn vị tính: hồ sơ", "Từ ngày 31/02/2024 đến ngày 14/03/2024"]
)
def test_undatable_text(text):
    assert parse_period_text(text) is None


@pytest.mark.parametrize(
    "name, start, end, label, cum",
    [
        ("bieu06_2024-03.xlsx", date(2024, 3, 1), date(2024, 3, 31), True, False),
        ("bc_2024-02-15_2024-03-14.xlsx", date(2024, 2, 15), date(2024, 3, 14), False, False),
        ("bc_15-02-2024_14-03-2024.xls", date(2024, 2, 15), date(2024, 3, 14), False, False),
        ("bieu06_quy2-2023.xlsx", date(2023, 4, 1), date(2023, 6, 30), True, False),
        ("2024_Q1.xlsx", date(2024, 1, 1), date(2024, 3, 31), True, False),
        ("BC_T3-2024.xls", date(2024, 3, 1), date(2024, 3, 31), True, False),
        ("bao-cao-6-thang-dau-nam-2024.xlsx", date(2024, 1, 1), date(2024, 6, 30), True, False),
        ("danh-sach-ho-so_Song-Hinh_2022.csv", date(2022, 1, 1), date(2022, 12, 31), True, False),
        ("bieu06_luy-ke_2025-03.xlsx", date(2025, 1, 1), date(2025, 3, 31), True, True),
    ],
)
def test_filename(name, start, end, label, cum):
    p = parse_period_filename(name)
    assert (p.start, p.end, p.from_label, p.cumulative) == (start, end, label, cum)


@pytest.mark.parametrize("name", ["bao-cao.xlsx", "x.csv", "2021_2022.xlsx"])
def test_filename_without_period(name):
    assert parse_period_filename(name) is None


dates = st.dates(min_value=date(2000, 1, 1), max_value=date(2040, 12, 31))


@given(dates, st.integers(0, 800), st.booleans())
def test_property_explicit_dates_round_trip(start, length, cumulative):
    end = start + timedelta(days=length)
    p = parse_period_text("Kỳ báo cáo: " + format_period_text(start, end, cumulative))
    assert (p.start, p.end, p.cumulative, p.from_label) == (start, end, cumulative, False)
    assert p.kind == classify(start, end)


@given(dates, st.integers(0, 800))
def test_property_filename_dates_round_trip(start, length):
    end = start + timedelta(days=length)
    for name in (f"bc_{start:%Y-%m-%d}_{end:%Y-%m-%d}.xlsx", f"bc_{start:%d-%m-%Y}_{end:%d-%m-%Y}.xls"):
        p = parse_period_filename(name)
        assert (p.start, p.end) == (start, end)


@given(st.integers(2000, 2040), st.integers(1, 12), st.integers(1, 28))
def test_property_non_calendar_months_are_months(y, m, d):
    start = date(y, m, d)
    ny, nm = (y + (m == 12), m % 12 + 1)
    end = date(ny, nm, d) - timedelta(days=1)
    assert classify(start, end) == "month"


@given(st.text(max_size=60))
def test_property_parsers_are_total(s):
    for p in (parse_period_text(s), parse_period_filename(s)):
        assert p is None or p.start <= p.end


_PERIOD_ALPHABET = "0123456789/.-– :TừtừngàyđếnhếtQuýIVquýthángThángnămNăm6đầucuốiLũykế_ "


@given(st.text(alphabet=_PERIOD_ALPHABET, max_size=80))
def test_property_period_parsers_are_total_on_date_like_text(s):
    """Date-like noise ("30/02/2019", "Năm 0000", "Quý IV/9999", "99-99-9999_…"): a Period or None, never an exception."""
    for p in (parse_period_text(s), parse_period_filename(s), parse_period_filename(s.replace(" ", "_") + ".xlsx")):
        assert p is None or (p.start <= p.end and p.kind in ("month", "quarter", "half", "year", "custom"))


@given(st.dates(), st.integers(0, 4000))
def test_property_period_out_of_range_is_total_and_consistent(start, length):
    """period_out_of_range never raises; it names the bound it breaks and is empty inside the bounds."""
    from datetime import date as _date

    from motcua.ingest.periods import period_out_of_range

    try:
        end = start + timedelta(days=length)
    except OverflowError:
        end = _date.max
    today = _date(2026, 1, 1)
    why = period_out_of_range(start, end, today=today)
    inside = start >= _date(2000, 1, 1) and end <= today
    assert (why == "") == inside
    if start < _date(2000, 1, 1):
        assert "period_min_start" in why
