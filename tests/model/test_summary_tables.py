"""The analyst tables of notebook 20, built column by column, equal the row-by-row tables they replaced
(tests/model/summary_before.py, Babel called per value): same frames, same HTML, on fitted results and on edge cases."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest

from motcua.model import run_model
from motcua.model import summary as new

from . import summary_before as old

LANGS = ("vi", "en")
OPTIONAL = [
    "rank",
    "rank_low",
    "rank_high",
    "n_ranked",
    "shrunk_rate",
    "shrunk_low",
    "shrunk_high",
    "latest_outside_band",
    "funnel_flag",
    "p_meet_target_year",
    "knots",
    "slope_recent_pp_per_year",
    "slope_recent_low",
    "slope_recent_high",
]


@pytest.fixture(scope="module")
def result(small_panel):
    return run_model(small_panel)


def _edge_cases(ts: pd.DataFrame) -> pd.DataFrame:
    """The fitted summary with every branch of the tables exercised: missing ranks and rates, flags, knots, ties."""
    s = ts.copy().reset_index(drop=True)
    loc = s.columns.get_loc
    s.iloc[0, loc("rank")] = pd.NA
    s.iloc[1, loc("shrunk_rate")] = np.nan
    s.iloc[2, loc("latest_outside_band")] = True
    s.iloc[3, loc("latest_outside_band")] = pd.NA
    for i, flag in zip(range(4, 9), [None, "above_998", "below_95", "no_data", ""]):
        s.iloc[i, loc("funnel_flag")] = flag
    s.iloc[9, loc("knots")] = ""
    s.iloc[10, loc("knots")] = None
    s.iloc[11, loc("knots")] = "2023-01-01"
    s.iloc[11, loc("slope_recent_low")] = np.nan
    s.iloc[12, loc("knots")] = "2023-01-01"
    s.iloc[12, loc("slope_low")] = np.nan
    s.iloc[13, loc("status")] = "unheard_of"
    s.iloc[14, loc("rate")] = "some_other_rate"
    s.iloc[15, loc("n_periods")] = pd.NA
    s.iloc[16, loc("latest_rate")] = np.inf
    for i, v in zip(range(17, 27), [0.125, 0.00125, 2.675, -0.0, 0.0, 1.0, 0.99995, 0.0005, 0.9985, 1e-12]):
        for c in ("latest_rate", "target", "p_meet_target", "p_meet_target_year", "shrunk_low"):
            s.iloc[i, loc(c)] = v
        for c in ("slope_pp_per_year", "slope_low", "slope_recent_pp_per_year", "slope_recent_high"):
            s.iloc[i, loc(c)] = v * 100 - 0.05
    return s


def _random(ts: pd.DataFrame, seed: int) -> pd.DataFrame:
    """The fitted summary with random rates, slopes (ties and negative zeros among them) and flags."""
    rng = np.random.default_rng(seed)
    s = pd.concat([ts] * 4, ignore_index=True)
    n = len(s)
    for c in (
        "latest_rate",
        "target",
        "p_meet_target",
        "p_meet_target_year",
        "shrunk_rate",
        "shrunk_low",
        "shrunk_high",
    ):
        v = rng.uniform(0, 1, n)
        v[rng.random(n) < 0.2] = np.round(v[rng.random(n) < 0.2].mean(), 3) + 0.0005  # half-way cases
        v[rng.random(n) < 0.1] = np.nan
        s[c] = v
    for c in (
        "slope_pp_per_year",
        "slope_low",
        "slope_high",
        "slope_recent_pp_per_year",
        "slope_recent_low",
        "slope_recent_high",
    ):
        v = np.round(rng.normal(0, 10, n), 2) + rng.choice([0.0, 0.05, -0.05], n)
        v[rng.random(n) < 0.05] = np.nan
        v[rng.random(n) < 0.05] = -0.0
        s[c] = v
    s["knots"] = rng.choice(np.array(["", "2023-07-01", None], dtype=object), n)
    s["funnel_flag"] = rng.choice(np.array(["within", "above_95", "below_998", "no_data", None], dtype=object), n)
    s["latest_outside_band"] = pd.array(rng.choice([True, False, None], n), dtype="boolean")
    s["rank"] = pd.array(np.where(rng.random(n) < 0.1, None, rng.integers(1, 10, n)), dtype="Int64")
    s["unit_code"] = [f"{i:03d}" for i in rng.permutation(n)]
    return s


def _same(got: pd.DataFrame, want: pd.DataFrame) -> None:
    pd.testing.assert_frame_equal(got, want)
    assert got.to_html() == want.to_html()


def _frames(result) -> dict[str, pd.DataFrame]:
    ts = result.trend_summary
    minimal = ts.drop(columns=[c for c in OPTIONAL if c in ts.columns])
    return {
        "fitted": ts,
        "edge": _edge_cases(ts),
        "random1": _random(ts, 1),
        "random2": _random(ts, 2),
        "minimal": minimal,
        "empty": ts.iloc[:0],
    }


@pytest.mark.parametrize("lang", LANGS)
def test_province_summary_and_flagged_units_equal_the_row_by_row_tables(result, lang: str) -> None:
    for name, ts in _frames(result).items():
        _same(new.province_summary(ts, lang), old.province_summary(ts, lang))
        if name != "minimal":  # flagged_units needs the flag columns
            _same(new.flagged_units(ts, lang), old.flagged_units(ts, lang))
        _same(new.status_counts(ts, lang), old.status_counts(ts, lang))


@pytest.mark.parametrize("lang", LANGS)
def test_province_overview_equals_the_row_by_row_table(result, lang: str) -> None:
    comp = result.comparison
    for name, ts in _frames(result).items():
        if name in ("random1", "random2"):  # units of their own: match the comparison's peer groups to them
            continue
        _same(new.province_overview(ts, comp, lang), old.province_overview(ts, comp, lang))
    _same(
        new.province_overview(result.trend_summary, comp.iloc[:0], lang),
        old.province_overview(result.trend_summary, comp.iloc[:0], lang),
    )


def test_edge_cases_reach_every_branch(result) -> None:
    t = new.province_summary(_edge_cases(result.trend_summary), "vi")
    assert (t["Thứ hạng (khoảng 95%)"] == "–").any() and (t["Kỳ gần nhất bất thường"] == "có").any()
    assert {"trên giới hạn 99,8%", "dưới giới hạn 95%", "không có dữ liệu"} <= set(t["Biểu đồ phễu"])
    assert t["Xu hướng (điểm %/năm, KTC 95%)"].str.startswith("kỳ gần nhất").any()
    assert (t["Xu hướng (điểm %/năm, KTC 95%)"] == "–").any()


@pytest.mark.parametrize("lang", LANGS)
def test_province_summary_after_one_change_formats_that_row_only_and_equals_a_fresh_table(
    result, lang: str, monkeypatch
) -> None:
    """A correction to one unit changes one row of the summary: the table formats that row alone (its other rows
    from the memo of the last call) and equals the table made with an empty memo; so do the flagged units' rows
    and every frame of the row-by-row comparison, made after one another in any order."""
    ts = _edge_cases(result.trend_summary)
    new._ROW_MEMO.clear()
    first = new.province_summary(ts, lang)
    changed = ts.copy()
    changed.iloc[len(changed) - 1, changed.columns.get_loc("latest_rate")] = 0.4321
    made: list[int] = []
    real = new._summary_columns
    monkeypatch.setattr(new, "_summary_columns", lambda s, lg: made.append(len(s)) or real(s, lg))
    again = new.province_summary(changed, lang)
    assert made == [1]
    new._ROW_MEMO.clear()
    _same(again, new.province_summary(changed, lang))
    _same(again, old.province_summary(changed, lang))
    assert not again.equals(first)
    made.clear()
    assert new.province_summary(changed, lang).equals(again) and made == []
    for name, frame in [*_frames(result).items(), ("changed", changed), ("edge again", ts)]:
        _same(new.province_summary(frame, lang), old.province_summary(frame, lang))
        if name != "minimal":
            _same(new.flagged_units(frame, lang), old.flagged_units(frame, lang))
