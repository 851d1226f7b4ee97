"""Vietnamese number formats ("7.697", "99,47%", and files that mix conventions)."""

from __future__ import annotations

import pytest
from hypothesis import given
from hypothesis import strategies as st

from motcua.numfmt import fmt_vi
from motcua.prose.numbers import decimals_of, parse_number


@pytest.mark.parametrize(
    "token,kind,value",
    [
        ("7.697", "count", 7697),
        ("47.563", "count", 47563),
        ("1.228", "count", 1228),
        ("02", "count", 2),
        ("308", "count", 308),
        ("1.234.567", "count", 1234567),
        ("99,47", "decimal", 99.47),
        ("14.3", "decimal", 14.3),
        ("85,6", "decimal", 85.6),
        ("18,50", "decimal", 18.5),
        ("100", "decimal", 100.0),
        ("1.234,5", "decimal", 1234.5),
        ("1,234.5", "decimal", 1234.5),
    ],
)
def test_parse(token, kind, value):
    assert parse_number(token, kind).value == value


def test_english_thousands_in_a_count_is_noted():
    p = parse_number("1,234", "count")
    assert p.value == 1234 and p.note


def test_decimal_point_noted():
    assert parse_number("14.3", "decimal").note
    assert parse_number("14,3", "decimal").note == ""


def test_not_a_number():
    with pytest.raises(ValueError):
        parse_number("abc")


@pytest.mark.parametrize("token,d", [("99,47", 2), ("14.3", 1), ("100", 0), ("0,16", 2)])
def test_decimals(token, d):
    assert decimals_of(token) == d


@given(st.integers(min_value=0, max_value=10**9))
def test_vietnamese_integers_round_trip(n):
    assert parse_number(fmt_vi(n), "count").value == n


def test_fmt_vi():
    assert fmt_vi(7697) == "7.697"
    assert fmt_vi(99.94, 2) == "99,94"
