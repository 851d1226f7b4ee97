"""The one rule for what a reader is told about a trend (motcua.model.claims) and the analyst tables using it."""

import math

import pandas as pd

from motcua.model.claims import bends, direction, trend_claim, trend_direction
from motcua.model.summary import province_overview, province_summary

KNOTS = "2022-07-01,2023-07-01,2024-07-01"


def row(**over):
    """Unit 555's online share in the sample: +18,5 (18,0 to 19,0) on average, +1,1 (-1,6 to 3,8) at the latest period."""
    r = {
        "unit_schema": "legacy",
        "unit_code": "555",
        "unit_name": "Thành phố Tuy Hòa",
        "unit_level": "district",
        "rate": "online_rate",
        "status": "ok",
        "n_periods": 54,
        "latest_rate": 0.6,
        "knots": KNOTS,
        "slope_pp_per_year": 18.479,
        "slope_low": 18.004,
        "slope_high": 18.955,
        "slope_recent_pp_per_year": 1.058,
        "slope_recent_low": -1.635,
        "slope_recent_high": 3.750,
        "target": 0.5,
        "p_meet_target": 0.9,
        "p_meet_target_year": 0.9,
        "shrunk_rate": 0.6,
        "shrunk_low": 0.58,
        "shrunk_high": 0.62,
        "rank": 1,
        "rank_low": 1,
        "rank_high": 2,
        "n_ranked": 9,
        "funnel_flag": "within",
        "latest_outside_band": False,
    }
    r.update(over)
    return r


def test_direction_needs_the_interval_to_exclude_zero():
    assert direction(0.1, 2.0) == "up" and direction(-2.0, -0.1) == "down"
    assert direction(-0.1, 2.0) == "flat" and direction(0.0, 1.0) == "flat"
    assert direction(None, 1.0) is None and direction(math.nan, 1.0) is None


def test_a_bending_trend_is_described_by_its_recent_slope():
    c = trend_claim(row())
    assert c.basis == "recent" and c.recent
    assert (c.slope, c.low, c.high) == (1.058, -1.635, 3.750)
    assert c.direction == "flat"  # the average (18,0 to 19,0) excludes 0, the recent interval does not
    assert c.average == (18.479, 18.004, 18.955)
    assert trend_direction(row()) == "flat"


def test_a_bending_trend_recently_rising_or_falling():
    assert trend_direction(row(slope_recent_low=0.3)) == "up"
    # the recent pace decides even when the average points the other way
    assert trend_direction(row(slope_recent_pp_per_year=-2.0, slope_recent_low=-3.0, slope_recent_high=-1.0)) == "down"


def test_a_straight_trend_is_described_by_its_average():
    for knots in ("", None, math.nan):
        c = trend_claim(row(knots=knots))
        assert c.basis == "average" and c.direction == "up" and c.slope == 18.479 and c.average is None
    assert not bends(row(knots="")) and bends(row()) and bends({"knots": ["2024-07-01"]})


def test_no_claim_without_the_needed_slopes():
    assert trend_claim(None) is None and trend_claim({}) is None
    assert trend_claim(row(knots="", slope_low=None)) is None
    # a bending trend without its recent slope: never fall back to the average's direction
    assert trend_claim(row(slope_recent_low=math.nan)) is None


def test_analyst_tables_use_the_same_rule():
    ts = pd.DataFrame([row(), row(unit_code="557", knots="", slope_low=0.5)])
    vi = province_summary(ts, "vi")
    slope = vi["Xu hướng (điểm %/năm, KTC 95%)"].tolist()
    assert slope[0].startswith("kỳ gần nhất: +1,1 (-1,6 … +3,8)") and "bình quân cả giai đoạn: +18,5" in slope[0]
    assert slope[1] == "+18,5 (+0,5 … +19,0)"
    comp = pd.DataFrame(
        {
            "unit_schema": "legacy",
            "unit_level": "district",
            "rate": "online_rate",
            "unit_code": ["555", "557"],
            "window_start": pd.Timestamp("2024-07-01"),
            "window_end": pd.Timestamp("2025-06-30"),
            "province_rate": 0.6,
            "n_units": 2,
            "outside_998": False,
            "funnel_method": "none",
        }
    )
    ov = province_overview(ts, comp, "en").iloc[0]
    up = next(k for k in ov.index if k.startswith("Clearly rising"))
    assert ov[up] == 1  # only 557; 555's recent interval holds 0
