"""Numbers in the report's language, and the two catalogs kept in step."""

import re
import string

import numpy as np
import pandas as pd
import pytest

from motcua.report import fmt
from motcua.report.strings import cap, strings


def test_vietnamese_formats_match_the_press_releases():
    assert fmt.num(7697, "vi") == "7.697"
    assert fmt.num(47563, "vi") == "47.563"
    assert fmt.pct(0.559, "vi") == "55,9%"
    assert fmt.pct(47563 / 47590, "vi", 2) == "99,94%"
    assert fmt.pct(0.9947, "vi", 2) == "99,47%"
    assert fmt.pp(0.041, "vi") == "+4,1"
    assert fmt.signed(-3, "vi") == "-3"
    assert fmt.signed(0, "vi") == "0"
    assert fmt.month(pd.Timestamp("2025-06-30"), "vi") == "06/2025"
    assert fmt.day(pd.Timestamp("2025-06-30"), "vi") == "30/06/2025"
    assert fmt.period(pd.Timestamp("2024-07-01"), pd.Timestamp("2025-06-30"), "vi") == "07/2024–06/2025"


def test_english_formats():
    assert fmt.num(7697, "en") == "7,697"
    assert fmt.pct(0.559, "en") == "55.9%"
    assert fmt.month(pd.Timestamp("2025-06-30"), "en") == "Jun 2025"


@pytest.mark.parametrize("x", [None, float("nan"), pd.NA, pd.NaT, np.inf])
def test_missing_values_print_a_dash_not_nan(x):
    for f in (fmt.num, fmt.pct, fmt.pp, fmt.signed):
        assert f(x, "vi") == fmt.DASH
    assert fmt.month(x if x is not np.inf else None, "vi") == fmt.DASH


def test_unknown_language_is_refused():
    with pytest.raises(ValueError):
        fmt.num(1, "fr")
    with pytest.raises(ValueError):
        strings("fr")


def _fields(s: str) -> set[str]:
    return {f.lower() for _, f, _, _ in string.Formatter().parse(s) if f}  # {Rate} starts a sentence


def test_catalogs_have_the_same_keys_and_placeholders():
    vi, en = strings("vi"), strings("en")
    assert set(vi.keys()) == set(en.keys())
    for k in vi.keys():
        assert _fields(vi[k]) == _fields(en[k]), k


def test_vietnamese_catalog_has_diacritics_and_no_mojibake():
    vi = strings("vi")
    text = " ".join(vi[k] for k in vi.keys())
    for word in ("hồ sơ", "Tỷ lệ", "đúng hạn", "trực tuyến", "DỮ LIỆU MÔ PHỎNG", "quá hạn"):
        assert word in text
    assert not re.search(r"Ã|Æ|á»", text)


def test_cap_keeps_diacritics():
    assert cap("tỷ lệ") == "Tỷ lệ"
    assert cap("đúng hạn") == "Đúng hạn"


def test_interval_bounds_never_print_as_zero_when_they_are_not():
    assert fmt.signed_small(-0.04, "vi") == "-0,04"
    assert fmt.signed_small(0.004, "vi") == "+0,004"
    assert fmt.signed_small(2.34, "vi") == "+2,3"
    assert fmt.signed_small(0, "vi") == "0,0"


def test_build_stamp_time_is_written_as_the_reports_write_dates():
    from datetime import UTC, datetime, timedelta, timezone

    assert fmt.stamp_time(datetime(2026, 12, 8, 1, 18, tzinfo=UTC), "vi") == "08/12/2026 01:18 UTC"
    assert (
        fmt.stamp_time(datetime(2026, 12, 8, 8, 18, tzinfo=timezone(timedelta(hours=7))), "en")
        == "8 Dec 2026 01:18 UTC"
    )
