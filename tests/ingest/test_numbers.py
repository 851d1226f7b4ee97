"""Count cells → integers: Vietnamese, English and spaced thousands; errors never guessed."""

from __future__ import annotations

import math

import pytest
from babel.numbers import format_decimal
from hypothesis import given
from hypothesis import strategies as st

from motcua.ingest.numbers import max_count, parse_count, parse_percent


@pytest.mark.parametrize(
    "cell, value",
    [
        ("7.697", 7697),
        ("1.233", 1233),
        ("1,233", 1233),
        ("1 233", 1233),
        ("1\u00a0233", 1233),
        (" 308 ", 308),
        ("12.0", 12),
        ("12,00", 12),
        (12.0, 12),
        (4302, 4302),
        ("0", 0),
        ("1.234.567", 1234567),
        ("-0", 0),
    ],
)
def test_counts(cell, value):
    assert parse_count(cell).value == value


@pytest.mark.parametrize(
    "cell, error",
    [
        ("-3", "negative_count"),
        (-3, "negative_count"),
        ("(12)", "negative_count"),
        ("1,5", "non_integer_count"),
        (12.5, "non_integer_count"),
        ("99,47%", "non_integer_count"),
        ("abc", "non_numeric_count"),
        ("1.23.4", "non_numeric_count"),
        ("1.234,567", "non_numeric_count"),
        (True, "non_numeric_count"),
        (float("inf"), "non_integer_count"),
    ],
)
def test_errors(cell, error):
    pc = parse_count(cell)
    assert pc.value is None and pc.error == error


@pytest.mark.parametrize("cell", [None, "", "  ", "-", "—", float("nan")])
def test_blank(cell):
    assert parse_count(cell).blank


@pytest.mark.parametrize(
    "cell, value", [("99,47%", 0.9947), ("14.3%", 0.143), ("85,6%", 0.856), (0.5, 0.5), (99.5, 0.995)]
)
def test_percent(cell, value):
    assert math.isclose(parse_percent(cell), value)


@given(st.integers(min_value=0, max_value=max_count()))
def test_property_count_formats_round_trip(n):
    for text in (format_decimal(n, locale="vi"), format_decimal(n, locale="en"), str(n), f"{n:,}".replace(",", " ")):
        assert parse_count(text).value == n, text
    assert parse_count(n).value == n and parse_count(float(n)).value == n


@given(st.integers(min_value=max_count() + 1, max_value=10**24))
def test_property_counts_above_max_count_are_implausible(n):
    """Above config max_count (default 10^8) a count is an error, also beyond 64-bit integers; never a value."""
    for cell in (n, format_decimal(n, locale="vi"), str(n)):
        pc = parse_count(cell)
        assert pc.value is None and pc.error == "implausible_count", cell


@given(st.integers(min_value=1, max_value=10**9))
def test_property_negative_counts_are_errors(n):
    assert parse_count(-n).error == "negative_count"
    assert parse_count(f"-{format_decimal(n, locale='vi')}").error == "negative_count"


@given(st.one_of(st.text(max_size=20), st.floats(allow_nan=True), st.integers(), st.none()))
def test_property_parse_count_is_total(cell):
    pc = parse_count(cell)
    assert (pc.value is None) or (isinstance(pc.value, int) and pc.value >= 0)
    assert not (pc.value is not None and pc.error)


@given(st.integers(0, 10_000), st.integers(1, 99))
def test_property_fractions_are_not_counts(i, frac):
    assert parse_count(f"{i},{frac:02d}").value is None or frac == 0


@given(
    st.integers(1, 999),
    st.lists(st.integers(0, 999), min_size=1, max_size=3),
    st.integers(1, 99),
    st.sampled_from(["vi", "en"]),
)
def test_property_grouped_decimals_are_not_counts(head, groups, frac, style):
    """ "1.234,5" (vi) or "1,234.5" (en) in a count column is a decimal: non_integer_count, never 1234 or 12345."""
    thou, dec = (".", ",") if style == "vi" else (",", ".")
    text = str(head) + "".join(f"{thou}{g:03d}" for g in groups) + f"{dec}{frac}"
    pc = parse_count(text)
    assert pc.value is None and pc.error == "non_integer_count", text


@given(
    st.one_of(
        st.none(),
        st.booleans(),
        st.integers(),
        st.floats(allow_nan=True, allow_infinity=True),
        st.decimals(allow_nan=True),
        st.text(),
        st.binary(max_size=10),
        st.dates(),
        st.datetimes(),
        st.lists(st.integers(), max_size=2),
    )
)
def test_property_number_parsers_never_raise(cell):
    """parse_count and parse_percent accept any object (documented: no exception)."""
    pc = parse_count(cell)
    assert pc.value is None or (isinstance(pc.value, int) and 0 <= pc.value <= max_count())
    assert pc.error in ("", "negative_count", "non_integer_count", "non_numeric_count", "implausible_count")
    r = parse_percent(cell)
    assert r is None or isinstance(r, float)
