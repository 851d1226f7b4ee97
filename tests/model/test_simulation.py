"""Honesty checked by simulation: slopes unbiased, 95 % intervals cover the truth 90–98 % of the time;
shrunk rates and ranks of the comparison cover the units' true window rates and true ranks.

Simulated provinces with a known logit-linear trend, month-of-year seasonality
and overdispersion (logit-normal period noise, or beta-binomial), many units of
very different volume, run through the same ``run_model`` the stage uses.
"""

from __future__ import annotations

import time

import numpy as np
import pandas as pd
import pytest

from motcua.model import run_model
from motcua.model.compare import compare_units
from motcua.model.series import build_series
from motcua.model.settings import settings_from_config
from motcua.model.simulate import SimSpec, simulate_panel, simulate_province

SETTINGS = settings_from_config().with_(rates=("online_rate", "ontime_rate_report"), targets=(), rank_simulations=500)


@pytest.mark.parametrize(
    "spec",
    [
        SimSpec(n_units=250, months=48, seed=11, noise="logit_normal", sigma=0.15, volume_low=50),
        SimSpec(n_units=250, months=42, seed=12, noise="beta_binomial", rho=0.004, volume_low=50, start="2021-07-01"),
    ],
    ids=["logit_normal", "beta_binomial"],
)
def test_slope_intervals_cover_truth_and_are_unbiased(spec):
    t0 = time.perf_counter()
    panel, truth = simulate_panel(spec)
    res = run_model(panel, SETTINGS)
    elapsed = time.perf_counter() - t0
    m = res.trend_summary.merge(truth, on=["unit_schema", "unit_code", "rate"], suffixes=("", "_true"))
    assert len(m) == 2 * spec.n_units
    assert (m["status"] == "ok").all(), m["status"].value_counts()
    for rate, g in m.groupby("rate"):
        cover_pp = (
            (g["slope_low"] <= g["slope_pp_per_year_true"]) & (g["slope_pp_per_year_true"] <= g["slope_high"])
        ).mean()
        cover_logit = ((g["slope_logit_low"] <= g["logit_slope"]) & (g["logit_slope"] <= g["slope_logit_high"])).mean()
        assert 0.90 <= cover_pp <= 0.98, f"{rate}: pp slope coverage {cover_pp:.3f}"
        assert 0.90 <= cover_logit <= 0.98, f"{rate}: logit slope coverage {cover_logit:.3f}"
        err = g["slope_pp_per_year"] - g["slope_pp_per_year_true"]
        se = err.std() / np.sqrt(len(err))
        assert abs(err.mean()) < 3.5 * se + 1e-3, f"{rate}: pp slope bias {err.mean():.4f} (se {se:.4f})"
        err_l = g["slope_logit_per_year"] - g["logit_slope"]
        assert abs(err_l.mean()) < 3.5 * err_l.std() / np.sqrt(len(err_l)) + 1e-3, (
            f"{rate}: logit slope bias {err_l.mean():.4f}"
        )
        # intervals are honest, not merely wide: median width well under the spread of true slopes
        width = (g["slope_high"] - g["slope_low"]).median()
        assert width < g["slope_pp_per_year_true"].abs().max()
    assert elapsed < 60


def test_forecast_intervals_cover_held_out_months():
    """95 % prediction intervals for the 12 months after the data cover the real outcome ~95 % of the time."""
    spec = SimSpec(n_units=120, months=48, seed=21, noise="logit_normal", sigma=0.15, volume_low=50)
    panel, _ = simulate_panel(spec)
    cut = pd.Timestamp("2023-12-31")
    res = run_model(panel.loc[panel["period_end"] <= cut], SETTINGS)
    fc = res.trends.loc[res.trends["kind"] == "forecast"]
    assert fc["period_start"].min() == pd.Timestamp("2024-01-01")
    assert fc["period_end"].max() == pd.Timestamp("2024-12-31")
    held = panel.loc[panel["period_end"] > cut].copy()
    from motcua.rates import compute_rate

    rows = []
    for rate in SETTINGS.rates:
        h = held[["unit_schema", "unit_code", "period_start"]].assign(
            rate=rate, actual=compute_rate(held, rate).to_numpy()
        )
        rows.append(h)
    m = fc.merge(pd.concat(rows), on=["unit_schema", "unit_code", "rate", "period_start"])
    assert len(m) == len(fc)
    inside = ((m["lower"] <= m["actual"]) & (m["actual"] <= m["upper"])).mean()
    assert 0.90 <= inside <= 0.99, f"forecast PI coverage {inside:.3f}"


def _true_window_rates(periods: pd.DataFrame, comparison: pd.DataFrame) -> pd.DataFrame:
    """Each unit's true rate over the comparison window: its periods' expected rates weighted by their dossiers."""
    w = periods.merge(
        comparison[["unit_schema", "unit_code", "rate", "window_start", "window_end"]],
        on=["unit_schema", "unit_code", "rate"],
    )
    w = w.loc[(w["period_start"] >= w["window_start"]) & (w["period_end"] <= w["window_end"])]
    w = w.assign(expected_n=w["expected"] * w["trials"])
    t = w.groupby(["unit_schema", "unit_code", "rate"])[["expected_n", "trials"]].sum().reset_index()
    return t.assign(true_rate=t["expected_n"] / t["trials"])[["unit_schema", "unit_code", "rate", "true_rate"]]


def _coverage(comparison: pd.DataFrame, truth: pd.DataFrame) -> pd.DataFrame:
    """Per rate: share of units whose true window rate lies in the shrunk interval, and whose true rank
    (1 = highest true rate among the peers) lies in the rank interval."""
    m = comparison.merge(truth, on=["unit_schema", "unit_code", "rate"])
    m["true_rank"] = m.groupby("rate")["true_rate"].rank(ascending=False, method="first")
    m["rate_in"] = (m["shrunk_low"] <= m["true_rate"]) & (m["true_rate"] <= m["shrunk_high"])
    m["rank_in"] = (m["rank_low"] <= m["true_rank"]) & (m["true_rank"] <= m["rank_high"])
    return m.groupby("rate")[["rate_in", "rank_in"]].mean()


@pytest.mark.parametrize(
    "spec",
    [
        # overdispersion differing tenfold between units, as between a city and a mountain district
        SimSpec(n_units=200, months=48, seed=41, noise="beta_binomial", rho=0.0005, rho_high=0.005, volume_low=50),
        SimSpec(n_units=200, months=48, seed=42, noise="logit_normal", sigma=0.2, volume_low=50),
    ],
    ids=["beta_binomial_mixed_rho", "logit_normal"],
)
def test_comparison_intervals_cover_true_window_rates_and_ranks(spec):
    """The comparison's 95 % shrunk-rate intervals hold each unit's true rate over the window for
    90–99 % of units, and its rank intervals the true rank for at least 90 %; with ρ ignored
    (design effect 1, what a plain binomial comparison does) they would not."""
    panel, _, periods = simulate_province(spec)
    res = run_model(panel, SETTINGS)
    truth = _true_window_rates(periods, res.comparison)
    assert len(truth) == 2 * spec.n_units
    cover = _coverage(res.comparison, truth)
    for rate, row in cover.iterrows():
        assert 0.90 <= row["rate_in"] <= 0.99, f"{rate}: shrunk-rate coverage {row['rate_in']:.3f}"
        assert row["rank_in"] >= 0.90, f"{rate}: rank coverage {row['rank_in']:.3f}"
    # the test can fail: a comparison that ignores period-to-period overdispersion covers too rarely
    series, _ = build_series(panel, SETTINGS.rates)
    keys = res.comparison[["unit_schema", "unit_code", "rate"]]
    naive = _coverage(compare_units(series, SETTINGS, design_effects=keys.assign(rho=0.0)), truth)
    assert (naive["rate_in"] < 0.90).any(), naive
