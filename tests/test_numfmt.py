"""motcua.numfmt gives Babel's strings exactly: every pattern the project uses, vi and en, many values."""

from __future__ import annotations

import decimal
import math

import numpy as np
import pytest
from babel.numbers import format_decimal as babel_decimal
from babel.numbers import format_percent as babel_percent
from hypothesis import given
from hypothesis import strategies as st

from motcua.numfmt import compile_pattern, format_decimal, format_percent

LANGS = ("vi", "en")


def _frac(d: int) -> str:
    return "." + "0" * d if d else ""


#: every decimal pattern the project formats with (report/fmt.py, model/summary.py, clean/*), None = locale default
DECIMAL_PATTERNS = (
    [None, "#,##0.###"]
    + [f"#,##0{_frac(d)}" for d in range(5)]
    + [f"+#,##0{_frac(d)};-#,##0{_frac(d)}" for d in range(5)]
    + ["+#,##0.;-#,##0."]
)
PERCENT_PATTERNS = [None, "#,##0.%"] + [f"#,##0{_frac(d)}%" for d in range(5)]  # "#,##0.%": model/summary.py, 0 digits

TIES = [
    0.125,
    2.675,
    1.005,
    0.5,
    1.5,
    2.5,
    -0.5,
    -2.5,
    0.045,
    0.0005,
    0.00125,
    1.0005,
    12345.6785,
    0.995,
    0.9995,
    0.99995,
    0.015,
    0.025,
    0.035,
    0.105,
    0.115,
    -0.125,
    -2.675,
    1e-9,
    -1e-9,
    5e-5,
    -5e-5,
]
SPECIAL = [
    0,
    0.0,
    -0.0,
    1,
    -1,
    7697,
    -7697,
    1_000_000,
    123456789,
    -123456789,
    10**15,
    10**20 + 1,
    1e15,
    1e22,
    3e-7,
    999.9995,
    0.1,
    0.2,
    0.3,
    1 / 3,
    2 / 3,
    float("inf"),
    float("-inf"),
    np.float64(0.559),
    np.float64(-0.0),
    np.int64(42),
    np.int64(-1234567),
    10**30 + 1,
    -(10**29) - 5,
    1.2345678901234567e27,
    np.float32(0.1),
    True,
    decimal.Decimal("2.675"),
    decimal.Decimal("-0.125"),
    "1234.5",
]


def _values() -> list[object]:
    rng = np.random.default_rng(20240601)
    out: list[object] = list(TIES) + list(SPECIAL)
    out += rng.uniform(-1, 1, 1500).tolist()  # proportions and differences
    out += (rng.uniform(-1, 1, 800) * 10.0 ** rng.integers(-6, 9, 800)).tolist()  # many magnitudes
    out += [
        round(x, int(d)) + s
        for x, d, s in zip(rng.uniform(0, 100, 600), rng.integers(1, 5, 600), rng.choice([5e-5, 5e-4, 5e-3, 0.0], 600))
    ]  # near ties
    out += rng.integers(-(10**9), 10**9, 300).tolist()
    return out


VALUES = _values()


def _both(fast, slow, value):
    """The two results, or the two exception types when Babel refuses the value."""
    try:
        want = slow(value)
    except (decimal.InvalidOperation, ValueError, OverflowError) as e:
        with pytest.raises(type(e)):
            fast(value)
        return None, None
    return fast(value), want


@pytest.mark.parametrize("lang", LANGS)
@pytest.mark.parametrize("pattern", DECIMAL_PATTERNS)
def test_decimal_matches_babel_over_many_values(pattern: str | None, lang: str) -> None:
    bad = []
    for v in VALUES:
        got, want = _both(
            lambda x: format_decimal(x, pattern, lang), lambda x: babel_decimal(x, format=pattern, locale=lang), v
        )
        if got != want:
            bad.append((v, got, want))
    assert not bad, bad[:10]


@pytest.mark.parametrize("lang", LANGS)
@pytest.mark.parametrize("pattern", PERCENT_PATTERNS)
def test_percent_matches_babel_over_many_values(pattern: str | None, lang: str) -> None:
    bad = []
    for v in VALUES:
        got, want = _both(
            lambda x: format_percent(x, pattern, lang), lambda x: babel_percent(x, format=pattern, locale=lang), v
        )
        if got != want:
            bad.append((v, got, want))
    assert not bad, bad[:10]


@given(
    x=st.floats(allow_nan=False, allow_infinity=True, width=64),
    d=st.integers(0, 4),
    lang=st.sampled_from(LANGS),
    signed=st.booleans(),
)
def test_property_decimal_and_percent_equal_babel(x: float, d: int, lang: str, signed: bool) -> None:
    body = f"#,##0{_frac(d)}"
    dec = f"+{body};-{body}" if signed else body
    for fast, slow in (
        (lambda v: format_decimal(v, dec, lang), lambda v: babel_decimal(v, format=dec, locale=lang)),
        (lambda v: format_percent(v, body + "%", lang), lambda v: babel_percent(v, format=body + "%", locale=lang)),
    ):
        got, want = _both(fast, slow, x)
        assert got == want, (x, got, want)


@given(n=st.integers(-(10**18), 10**18), lang=st.sampled_from(LANGS))
def test_property_integers_equal_babel(n: int, lang: str) -> None:
    assert format_decimal(n, locale=lang) == babel_decimal(n, locale=lang)
    assert format_decimal(n, "#,##0", lang) == babel_decimal(n, format="#,##0", locale=lang)


def test_nan_is_rendered_as_babel_renders_it() -> None:
    # callers print a dash for missing values before formatting; a NaN that gets through still matches Babel
    for lang in LANGS:
        assert format_decimal(math.nan, "#,##0.0", lang) == babel_decimal(math.nan, format="#,##0.0", locale=lang)
        assert format_percent(math.nan, "#,##0.0%", lang) == babel_percent(math.nan, format="#,##0.0%", locale=lang)


def test_remembered_strings_stay_exact() -> None:
    # 0.0 and -0.0 are equal but print differently; 1 and 1.0 are equal; the memo is keyed by str(value)
    for lang in LANGS:
        for _ in range(2):
            for v in (
                0.0,
                -0.0,
                1,
                1.0,
                True,
                np.float32(0.1),
                0.1,
                decimal.Decimal("0.125"),
                decimal.Decimal("0.1250"),
            ):
                got, want = _both(
                    lambda x: format_decimal(x, "+#,##0.00;-#,##0.00", lang),
                    lambda x: babel_decimal(x, format="+#,##0.00;-#,##0.00", locale=lang),
                    v,
                )
                assert got == want, v


def test_known_strings() -> None:
    assert format_decimal(7697, locale="vi") == "7.697" and format_decimal(7697, locale="en") == "7,697"
    assert format_percent(0.559, "#,##0.0%", "vi") == "55,9%"
    assert format_decimal(-0.0, "+#,##0.0;-#,##0.0", "vi") == "-0,0"  # Babel keeps the sign of -0.0
    assert format_decimal(2.675, "#,##0.00", "en") == "2.68"  # Decimal("2.675") is an exact tie: half-even
    assert format_decimal(0.125, "#,##0.00", "en") == "0.12"


def test_other_patterns_fall_back_to_babel() -> None:
    assert compile_pattern("#,##0.00 ¤", "vi") is None
    assert compile_pattern("0.###E0", "en") is None
    assert compile_pattern("@@@", "en") is None
    assert format_decimal(1234.5, "0.###E0", "en") == babel_decimal(1234.5, format="0.###E0", locale="en")
    assert format_decimal(1234.5, "@@@", "vi") == babel_decimal(1234.5, format="@@@", locale="vi")
    assert format_decimal(5, "'#'#", "en") == babel_decimal(5, format="'#'#", locale="en")  # quoted literal


def test_clean_stage_counts_equal_babel() -> None:
    from motcua.numfmt import number, vi_count

    for n in [0, 7, -12000, 1234567, 10**12, 3.5, 2.675, 1e-4, -0.0]:
        assert vi_count(n) == babel_decimal(n, locale="vi")
        assert number(n, "vi") == babel_decimal(n, locale="vi") and number(n, "en") == babel_decimal(n, locale="en")
    assert vi_count(None) == "trống"


def test_reader_formats_equal_the_babel_patterns_they_replaced() -> None:
    """Each reader's format gives the string the Babel call it replaced gave (one formatter, no output changed)."""
    from motcua.numfmt import DASH, fmt_vi, pct, points, signed_points, signed_unrounded, vi_points

    values = [0.0, 0.004, -0.004, 0.05, 0.125, 0.9947, 12.345, -73.344, 1234.5, 99.999, 2.675]
    for x in values:
        for lang in ("vi", "en"):
            assert points(x, lang) == babel_decimal(round(x, 2), format="#,##0.##", locale=lang)
            v = round(x, 2)
            spts = "0" if v == 0 else babel_decimal(v, format="+#,##0.##;-#,##0.##", locale=lang)
            assert signed_points(x, lang) == spts
            for d in (1, 2):
                body = "#,##0." + "0" * d
                assert signed_unrounded(x, lang, d) == babel_decimal(x, format=f"+{body};-{body}", locale=lang)
                assert pct(x, lang, d) == babel_percent(x, format=body + "%", locale=lang)
        assert vi_points(x) == babel_decimal(round(x, 2), format="#,##0.##", locale="vi")
        assert fmt_vi(x, 2) == babel_decimal(x, format="#,##0.00", locale="vi")
        assert fmt_vi(x) == babel_decimal(x, format="#,##0.##", locale="vi")
    assert fmt_vi(7697) == "7.697" and fmt_vi(7696.6, 0) == "7.697"
    assert vi_points(None) == "trống" and points(float("nan"), "vi") == DASH and signed_unrounded(None, "vi") == DASH
    assert signed_unrounded(0.0, "vi") == "+0,0" and signed_unrounded(-0.01, "vi") == "-0,0"


def test_no_module_formats_numbers_with_babel_but_numfmt() -> None:
    """Every number a reader sees goes through motcua.numfmt: no other module imports babel.numbers."""
    from pathlib import Path

    import motcua

    root = Path(motcua.__file__).parent
    found = [
        str(p.relative_to(root))
        for p in sorted(root.rglob("*.py"))
        if p.name != "numfmt.py" and "babel.numbers" in p.read_text(encoding="utf-8")
    ]
    assert found == []
