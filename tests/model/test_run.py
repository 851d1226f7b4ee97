"""The stage's contract: tables, columns, proportions, files written atomically, determinism, targets."""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pandas as pd
import pytest

from motcua.model import read_results, run_model, run_model_dir, write_results
from motcua.model.summary import flagged_units, province_summary, status_counts

TREND_CONTRACT = [
    "unit_schema",
    "unit_code",
    "rate",
    "period_start",
    "period_end",
    "kind",
    "estimate",
    "lower",
    "upper",
    "n",
    "observed",
]
SUMMARY_CONTRACT = [
    "unit_schema",
    "unit_code",
    "rate",
    "status",
    "n_periods",
    "latest_rate",
    "slope_pp_per_year",
    "slope_low",
    "slope_high",
    "target",
    "p_meet_target",
    "shrunk_rate",
    "shrunk_low",
    "shrunk_high",
    "rank",
    "rank_low",
    "rank_high",
    "funnel_flag",
]
COMPARISON_CONTRACT = [
    "unit_schema",
    "unit_code",
    "rate",
    "successes",
    "trials",
    "observed",
    "province_rate",
    "limit95_low",
    "limit95_high",
    "limit998_low",
    "limit998_high",
    "phi",
    "tau2",
    "funnel_flag",
]


@pytest.fixture(scope="module")
def result(small_panel):
    return run_model(small_panel)


def test_tables_hold_the_contract_columns(result):
    assert set(TREND_CONTRACT) <= set(result.trends.columns)
    assert set(SUMMARY_CONTRACT) <= set(result.trend_summary.columns)
    assert set(COMPARISON_CONTRACT) <= set(result.comparison.columns)
    assert set(result.trends["kind"]) == {"fit", "forecast"}
    assert set(result.trend_summary["rate"]) == {"online_rate", "ontime_rate_report", "ontime_rate_766"}
    assert not result.trends.duplicated(["unit_schema", "unit_code", "rate", "period_start", "kind"]).any()
    assert not result.trend_summary.duplicated(["unit_schema", "unit_code", "rate"]).any()


def test_rates_are_proportions_with_ordered_intervals(result):
    t = result.trends
    for c in ("estimate", "lower", "upper", "mean_lower", "mean_upper"):
        assert t[c].between(0, 1).all(), c
    assert (t["lower"] <= t["estimate"] + 1e-12).all() and (t["estimate"] <= t["upper"] + 1e-12).all()
    fc = t.loc[t["kind"] == "forecast"]
    # prediction intervals contain the confidence interval of the mean
    assert (fc["lower"] <= fc["mean_lower"] + 1e-9).mean() > 0.99 and (
        fc["upper"] >= fc["mean_upper"] - 1e-9
    ).mean() > 0.99
    s = result.trend_summary
    assert (s["slope_low"] <= s["slope_pp_per_year"]).all() and (s["slope_pp_per_year"] <= s["slope_high"]).all()
    assert s["p_meet_target"].between(0, 1).all()
    assert s[["shrunk_rate", "shrunk_low", "shrunk_high", "latest_rate"]].stack().between(0, 1).all()


def test_forecast_runs_to_end_of_next_year_and_targets_at_end_of_this_year(result):
    s = result.trend_summary
    assert result.as_of == pd.Timestamp("2025-06-30")
    assert (s["forecast_end"] == pd.Timestamp("2026-12-31")).all()
    assert (s["target_period_end"] == pd.Timestamp("2025-12-31")).all()
    fc = result.trends.loc[result.trends["kind"] == "forecast"]
    assert fc.groupby(["unit_code", "rate"]).size().eq(18).all()
    assert (fc["n"] > 0).all()
    tg = result.targets
    assert len(tg) == 27 and tg["source"].str.len().gt(0).all()
    on = s.loc[s["rate"] == "ontime_rate_report"]
    assert (on["target"] == 0.95).all() and on["target_source"].str.contains("Sông Cầu").all()
    # consistent with the forecast band at the target period
    above = s.loc[s["target_low"] > s["target"]]
    assert (above["p_meet_target"] > 0.95).all()
    below = s.loc[s["target_high"] < s["target"]]
    assert (below["p_meet_target"] < 0.05).all()


def test_latest_period_outside_its_band_is_flagged(small_panel):
    p = small_panel.copy()
    last = (p["unit_code"] == "562") & (p["period_start"] == p["period_start"].max())
    moved = (p.loc[last, "received_online"] * 0.6).round().astype(int)
    p.loc[last, "received_online"] -= moved
    p.loc[last, "received_offline"] += moved
    res = run_model(p)
    s = res.trend_summary.set_index(["unit_code", "rate"])
    assert bool(s.loc[("562", "online_rate"), "latest_outside_band"])
    assert s.loc[("562", "online_rate"), "latest_z"] < -3
    assert s.loc[("562", "online_rate"), "latest_rate"] < s.loc[("562", "online_rate"), "latest_band_low"]
    # untouched units are rarely flagged at 99.8 %
    assert s["latest_outside_band"].mean() < 0.15


def test_same_inputs_same_outputs(small_panel, result):
    again = run_model(small_panel.sample(frac=1.0, random_state=1))
    pd.testing.assert_frame_equal(result.trends, again.trends)
    pd.testing.assert_frame_equal(result.trend_summary, again.trend_summary)
    pd.testing.assert_frame_equal(result.comparison, again.comparison)


def test_files_are_written_atomically_and_read_back(tmp_path: Path, small_panel, result):
    small_panel.to_parquet(tmp_path / "panel.parquet")
    res = run_model_dir(tmp_path)
    for name in ("trends.parquet", "trend_summary.parquet", "comparison.parquet", "target_probabilities.parquet"):
        assert (tmp_path / name).exists()
    assert not list(tmp_path.glob("*.tmp"))
    back = read_results(tmp_path)
    pd.testing.assert_frame_equal(back.trends, res.trends)
    pd.testing.assert_frame_equal(back.trend_summary, res.trend_summary)
    pd.testing.assert_frame_equal(back.comparison, res.comparison)
    pd.testing.assert_frame_equal(res.trend_summary, result.trend_summary)


def test_failed_write_leaves_old_file(tmp_path: Path, result, monkeypatch):
    write_results(result, tmp_path)
    before = (tmp_path / "trends.parquet").read_bytes()

    def boom(self, *a, **k):
        raise OSError("disk full")

    monkeypatch.setattr(pd.DataFrame, "to_parquet", boom)
    with pytest.raises(OSError):
        write_results(result, tmp_path)
    assert (tmp_path / "trends.parquet").read_bytes() == before
    assert not list(tmp_path.glob(".*.tmp"))


def test_readable_summary_in_vietnamese_and_english(result):
    vi = province_summary(result.trend_summary, "vi")
    assert len(vi) == 27 and "Đơn vị" in vi.columns
    assert vi["Kỳ gần nhất"].str.contains(",").all()  # "99,1%"
    en = province_summary(result.trend_summary, "en")
    assert "Unit" in en.columns and en["Latest period"].str.contains(r"\.").all()
    counts = status_counts(result.trend_summary, "vi")
    assert counts.to_numpy().sum() == 27
    assert isinstance(flagged_units(result.trend_summary, "vi"), pd.DataFrame)


def test_empty_panel_gives_empty_tables():
    from motcua.panel import empty_panel

    res = run_model(empty_panel())
    assert res.trends.empty and res.trend_summary.empty


def test_province_overview_counts(result):
    from motcua.model.summary import province_overview

    vi = province_overview(result.trend_summary, result.comparison, "vi")
    assert len(vi) == 3 and (vi["Số đơn vị"] == 9).all()
    assert vi["Tỷ lệ chung"].str.endswith("%").all()
    en = province_overview(result.trend_summary, result.comparison, "en")
    assert "Pooled rate" in en.columns


@pytest.mark.parametrize("seed", [101, 102, 103])
def test_messy_panels_never_give_absurd_numbers(seed):
    """Tiny volumes, random empty months, random short units: every fitted number finite and in range."""
    from motcua.model.simulate import SimSpec, simulate_panel
    from motcua.panel import COUNT_COLUMNS

    rng = np.random.default_rng(seed)
    panel, _ = simulate_panel(
        SimSpec(n_units=9, months=30, seed=seed, volume_low=2, volume_high=60, ontime_level=(4.0, 6.0))
    )
    empty = rng.random(len(panel)) < 0.15
    for c in COUNT_COLUMNS:
        panel.loc[empty, c] = 0
    drop = (panel["unit_code"] == "564") & (panel["period_start"] < "2022-09-01")
    res = run_model(panel.loc[~drop])
    s = res.trend_summary
    assert set(s["status"]) <= {"ok", "few_events", "short_series"}
    t = res.trends
    assert np.isfinite(t[["estimate", "lower", "upper"]].to_numpy()).all()
    assert t[["estimate", "lower", "upper"]].stack().between(0, 1).all()
    fitted = s.loc[s["status"] == "ok"]
    assert np.isfinite(fitted[["slope_pp_per_year", "slope_low", "slope_high"]].to_numpy()).all()
    assert (fitted["slope_high"] - fitted["slope_low"]).max() < 60  # pp/year: wide when data are thin, never absurd


def test_forecast_horizon_is_configurable(small_panel):
    from motcua.model.settings import settings_from_config

    res = run_model(
        small_panel.loc[small_panel["unit_code"].isin(["555", "557"])], {"forecast_to": "end_of_current_year"}
    )
    assert (res.trend_summary["forecast_end"] == pd.Timestamp("2025-12-31")).all()
    with pytest.raises(ValueError):
        settings_from_config({"forecast_to": "forever"})


def test_year_target_uses_observed_months(small_panel):
    """With the whole year observed, the cumulative year rate is the observed one and the probability 0 or 1."""
    from motcua.rates import successes_trials

    p = small_panel.loc[small_panel["period_end"] <= "2024-12-31"]
    res = run_model(p)
    s = res.trend_summary.set_index(["unit_code", "rate"])
    y2024 = p.loc[p["period_start"] >= "2024-01-01"]
    for code in ("555", "560"):
        u = y2024.loc[y2024["unit_code"] == code]
        num, den = successes_trials(u, "ontime_rate_report")
        rate = float(num.sum() / den.sum())
        row = s.loc[(code, "ontime_rate_report")]
        assert row["year_forecast"] == pytest.approx(rate, abs=1e-12)
        assert row["year_low"] == pytest.approx(rate, abs=1e-12)
        assert row["p_meet_target_year"] == (1.0 if rate >= 0.95 else 0.0)
        assert row["target_period_end"] == pd.Timestamp("2024-12-31")
    # half a year observed: the year's interval contains the observed first half's weight, and is narrower
    # than the December forecast
    h1 = run_model(small_panel).trend_summary
    # (the 766 rate has no year-to-date draw: its pending stock does not add up over months)
    assert h1.loc[h1["rate"] == "ontime_rate_766", "year_low"].isna().all()
    h1 = h1.loc[h1["rate"] != "ontime_rate_766"]
    assert ((h1["year_high"] - h1["year_low"]) <= (h1["target_high"] - h1["target_low"]) + 1e-9).all()


def test_parallel_workers_give_identical_results():
    from motcua.model.simulate import SimSpec, simulate_panel

    panel, _ = simulate_panel(SimSpec(n_units=50, months=30, seed=8))
    one = run_model(panel, {"jobs": 1, "rank_simulations": 500})
    two = run_model(panel, {"jobs": 2, "rank_simulations": 500})
    for name in ("trends", "trend_summary", "comparison", "targets"):
        pd.testing.assert_frame_equal(getattr(one, name), getattr(two, name))
