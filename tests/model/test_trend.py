"""The trend model where real data is awkward: zero months, 100 % on time, short series, breaks, quarters."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest
from scipy import stats

from motcua.model import fit_trend, run_model, trend_frame, trend_summary_row
from motcua.model.design import design, harmonic_means
from motcua.model.series import build_series, years
from motcua.model.simulate import SimSpec, simulate_panel
from motcua.model.trend import daily_volume, forecast_periods
from motcua.panel import conform

from .conftest import make_perfect, zero_months


def _summary(res, code, rate):
    s = res.trend_summary
    return s.loc[(s["unit_code"] == code) & (s["rate"] == rate)].iloc[0]


def test_harmonics_average_over_the_period():
    # a whole year averages every harmonic to 0; one month is close to the midpoint value
    t0, t1 = np.array([25.0]), np.array([26.0])
    s, c = harmonic_means(t0, t1, 1)
    assert abs(s[0]) < 1e-12 and abs(c[0]) < 1e-12
    m0, m1 = np.array([25.0]), np.array([25.0 + 1 / 12])
    s, c = harmonic_means(m0, m1, 1)
    mid = (m0 + m1) / 2
    assert s[0] == pytest.approx(np.sin(2 * np.pi * mid[0]), abs=0.02)
    X, names = design(t0, t1, center=25.0, harmonics=2, breaks=[pd.Timestamp("2025-07-01")])
    assert names == ["intercept", "trend", "sin1", "cos1", "sin2", "cos2", "step_2025-07-01"]
    assert X[0, -1] == pytest.approx((26.0 - years(pd.Timestamp("2025-07-01"))), abs=1e-9)


def test_zero_dossier_months_are_kept_but_do_not_break_the_fit(small_panel):
    p = zero_months(small_panel, "557", [2, 3])
    res = run_model(p)
    for rate in ("online_rate", "ontime_rate_report", "ontime_rate_766"):
        s = _summary(res, "557", rate)
        assert s["status"] == "ok"
        assert s["n_periods"] == 54 - 10  # Feb and Mar of 2021–2025
        assert "no dossiers" in s["notes"]
        assert np.isfinite([s["slope_pp_per_year"], s["slope_low"], s["slope_high"]]).all()
    t = res.trends.loc[(res.trends["unit_code"] == "557") & (res.trends["kind"] == "fit")]
    zero = t.loc[t["n"] == 0]
    assert len(zero) == 3 * 10
    assert zero["observed"].isna().all()
    assert zero["estimate"].between(0, 1).all() and zero["lower"].notna().all()


def test_unit_with_no_late_dossier_gets_finite_sensible_estimates(small_panel):
    p = make_perfect(small_panel, "555")
    res = run_model(p)
    for rate in ("ontime_rate_report", "ontime_rate_766"):
        s = _summary(res, "555", rate)
        assert s["status"] == "few_events"
        assert "trend not estimable" in s["notes"]
        assert np.isnan(s["slope_pp_per_year"])  # said plainly, not a fake slope
        t = res.trends.loc[(res.trends["unit_code"] == "555") & (res.trends["rate"] == rate)]
        assert t[["estimate", "lower", "upper"]].notna().all().all()
        # no absurd intervals: with thousands of on-time dossiers and none late, the rate is near 100 %
        assert (t["estimate"] > 0.995).all()
        assert (t.loc[t["kind"] == "fit", "lower"] > 0.99).all()
        assert (t.loc[t["kind"] == "forecast", "lower"] > 0.95).all()
        assert (t["upper"] <= 1).all()
        # pooled: the shrunken rate is below 100 % and the unit is not certain to rank first
        assert 0.97 < s["shrunk_rate"] < 1.0
        assert s["rank_high"] >= s["rank_low"]
        assert s["p_meet_target"] == pytest.approx(1.0, abs=0.01)


def test_unit_with_a_few_late_dossiers_still_gets_a_trend(small_panel):
    p = make_perfect(small_panel, "555")
    i = p.index[(p["unit_code"] == "555")][::4][:15]
    p.loc[i, "resolved_late"] += 1
    p.loc[i, "resolved_ontime"] -= 1
    res = run_model(p)
    s = _summary(res, "555", "ontime_rate_report")
    assert s["status"] == "ok"
    assert np.isfinite(s["slope_pp_per_year"]) and abs(s["slope_pp_per_year"]) < 1


def test_short_series_is_skipped_plainly(small_panel):
    p = small_panel.loc[~((small_panel["unit_code"] == "558") & (small_panel["period_start"] < "2024-09-01"))]
    res = run_model(p)
    for rate in ("online_rate", "ontime_rate_report"):
        s = _summary(res, "558", rate)
        assert s["status"] == "short_series"
        assert s["n_periods"] == 10
        assert "trend not fitted" in s["notes"]
        assert np.isnan(s["slope_pp_per_year"])
        assert np.isfinite(s["latest_rate"])
    assert not (res.trends["unit_code"] == "558").any()
    # still compared with its peers over the window (10 of 12 months)
    c = res.comparison.loc[(res.comparison["unit_code"] == "558")]
    assert len(c) == 3 and c["rank"].notna().all()


def test_structural_break_is_a_step_not_a_trend():
    """A flat series with a jump at a configured break: no trend with the break, a spurious one without."""
    panel, _ = simulate_panel(
        SimSpec(
            n_units=3, months=48, seed=7, online_slope=(0.0, 0.0), online_level=(-0.5, -0.5), sigma=0.05, season_amp=0.0
        )
    )
    brk = pd.Timestamp("2023-01-01")
    p = panel.copy()
    after = p["period_start"] >= brk
    moved = (p["received_offline"] * 0.4).round().astype(int)
    p.loc[after, "received_online"] += moved[after]
    p.loc[after, "received_offline"] -= moved[after]
    unit = p.loc[p["unit_code"] == "555"]
    with_break = fit_trend(unit, "online_rate", breaks=[brk])
    without = fit_trend(unit, "online_rate", breaks=[])
    s_with = trend_summary_row(with_break)
    s_without = trend_summary_row(without)
    assert "step_2023-01-01" in with_break.names
    assert s_with["slope_low"] <= 0 <= s_with["slope_high"]
    assert s_without["slope_low"] > 2  # the step read as a trend
    # config-driven: run_model with the break in config gives the same slope
    res = run_model(p, {"structural_breaks": [{"date": "2023-01-01", "label": "test"}]})
    s = _summary(res, "555", "online_rate")
    assert s["breaks"] == "2023-01-01"
    assert s["slope_pp_per_year"] == pytest.approx(s_with["slope_pp_per_year"], abs=0.01)  # prior: province vs own rate


def test_break_outside_or_at_the_edge_is_not_modelled(small_panel):
    unit = small_panel.loc[small_panel["unit_code"] == "555"]
    fit = fit_trend(unit, "online_rate", breaks=["2025-07-01"])  # after the data
    assert not any(n.startswith("step_") for n in fit.names)
    fit = fit_trend(unit, "online_rate", breaks=["2025-05-01"])  # two months after: too few
    assert not any(n.startswith("step_") for n in fit.names)
    assert any("too few periods" in n for n in fit.notes)


def test_quarterly_rows_among_monthly_enter_with_their_dates(small_panel):
    unit = small_panel.loc[small_panel["unit_code"] == "559"].copy()
    first = unit.loc[unit["period_start"] < "2022-01-01"].copy()
    first["q"] = first["period_start"].dt.quarter
    flows = [
        "received_online",
        "received_offline",
        "resolved_total",
        "resolved_early",
        "resolved_ontime",
        "resolved_late",
    ]
    stocks = ["carried_over", "pending_total", "pending_ontime", "pending_overdue"]
    agg = first.groupby("q").agg(
        {
            **{c: "sum" for c in flows},
            **{c: "last" for c in stocks},
            "period_start": "min",
            "period_end": "max",
            **{
                c: "first"
                for c in [
                    "unit_schema",
                    "unit_code",
                    "unit_name",
                    "unit_level",
                    "province_code",
                    "province_name",
                    "source",
                    "source_ref",
                ]
            },
        }
    )
    agg["carried_over"] = first.groupby("q")["carried_over"].first()
    agg["received_total"] = agg["received_online"] + agg["received_offline"] + agg["carried_over"]
    mixed = conform(pd.concat([unit.loc[unit["period_start"] >= "2022-01-01"], agg.reset_index(drop=True)]))
    fit_m = fit_trend(unit, "online_rate")
    fit_q = fit_trend(mixed, "online_rate")
    assert fit_q.ok and fit_q.n_periods == 54 - 12 + 4
    tf = trend_frame(fit_q)
    q1 = tf.loc[(tf["kind"] == "fit") & (tf["period_start"] == pd.Timestamp("2021-01-01"))].iloc[0]
    assert q1["period_end"] == pd.Timestamp("2021-03-31") and q1["n"] > 0
    # same data, coarser: the slope barely moves
    a, b = trend_summary_row(fit_m), trend_summary_row(fit_q)
    assert b["slope_pp_per_year"] == pytest.approx(a["slope_pp_per_year"], abs=0.5)
    assert b["slope_low"] < a["slope_pp_per_year"] < b["slope_high"]


def test_overlapping_period_is_set_aside(small_panel):
    unit = small_panel.loc[small_panel["unit_code"] == "560"]
    q = unit.loc[unit["period_start"] < "2021-04-01"]
    extra = q.iloc[[0]].copy()
    extra["period_end"] = pd.Timestamp("2021-03-31")
    for c in [
        "received_online",
        "received_offline",
        "resolved_total",
        "resolved_early",
        "resolved_ontime",
        "resolved_late",
    ]:
        extra[c] = q[c].sum()
    p = conform(pd.concat([small_panel, extra]))
    series, notes = build_series(p, ["online_rate"])
    n = notes.loc[notes["unit_code"] == "560"].iloc[0]
    assert n["overlap_dropped"] == 1
    s = series.loc[series["unit_code"] == "560"]
    assert len(s) == 54 and (s["period_end"] - s["period_start"]).dt.days.max() < 31
    res = run_model(p)
    assert "overlapping" in _summary(res, "560", "online_rate")["notes"]


def test_missing_counts_leave_only_that_rate(small_panel):
    p = small_panel.copy()
    sel = (p["unit_code"] == "561") & (p["period_start"] < "2022-01-01")
    p["received_online"] = p["received_online"].astype("Int64")
    p.loc[sel, "received_online"] = pd.NA
    p.loc[sel, "received_offline"] = pd.NA
    res = run_model(p)
    on = _summary(res, "561", "online_rate")
    ot = _summary(res, "561", "ontime_rate_report")
    assert on["n_periods"] == 42 and "without the counts" in on["notes"]
    assert ot["n_periods"] == 54


def test_forecast_periods_follow_the_cutoff():
    fc = forecast_periods(pd.Timestamp("2025-06-30"), pd.Timestamp("2026-12-31"))
    assert len(fc) == 18 and fc["period_start"].iloc[0] == pd.Timestamp("2025-07-01")
    assert fc["period_end"].iloc[-1] == pd.Timestamp("2026-12-31")
    fc = forecast_periods(pd.Timestamp("2025-06-14"), pd.Timestamp("2025-12-31"))
    assert fc["period_start"].iloc[0] == pd.Timestamp("2025-06-15")
    assert fc["period_end"].iloc[0] == pd.Timestamp("2025-07-14")
    assert (fc["period_start"].dt.day == 15).all()


def test_daily_volume_pro_rata():
    s = np.array(["2024-01-01", "2024-07-01"], dtype="datetime64[ns]")
    e = np.array(["2024-06-30", "2024-12-31"], dtype="datetime64[ns]")
    n = np.array([182.0, 184.0])
    assert daily_volume(s, e, n) == pytest.approx(1.0, rel=0.01)


def test_fit_trend_rejects_several_units(small_panel):
    with pytest.raises(ValueError):
        fit_trend(small_panel, "online_rate")


def test_seasonality_switch(small_panel):
    unit = small_panel.loc[small_panel["unit_code"] == "562"]
    assert fit_trend(unit, "online_rate").harmonics == 2
    assert fit_trend(unit, "online_rate", seasonality=False).harmonics == 0
    assert fit_trend(unit, "online_rate", seasonality=1).names[:4] == ["intercept", "trend", "sin1", "cos1"]


def _s_curve_unit(seed: int = 3) -> pd.DataFrame:
    """One unit whose online share rises on an S-curve and levels off at 70 % (binomial noise only)."""
    panel, _ = simulate_panel(SimSpec(n_units=1, months=54, seed=seed, sigma=0.0, season_amp=0.0))
    rng = np.random.default_rng(seed)
    t = np.arange(len(panel))
    share = 0.03 + 0.67 / (1 + np.exp(-0.2 * (t - 24)))
    new = (panel["received_online"] + panel["received_offline"]).to_numpy()
    online = rng.binomial(new, share)
    return panel.assign(received_online=online, received_offline=new - online)


def test_bending_trend_is_followed_and_forecast_widens():
    unit = _s_curve_unit()
    straight = fit_trend(unit, "online_rate", bends=False)
    fit = fit_trend(unit, "online_rate")  # policy: curvature test decides
    assert fit.knots and any(n.startswith("bend_") for n in fit.names)
    assert any("trend bends" in n for n in fit.notes)
    s = trend_summary_row(fit)
    assert s["slope_recent_pp_per_year"] < s["slope_pp_per_year"]  # levelling off
    assert s["dispersion"] <= trend_summary_row(straight)["dispersion"] + 1e-9
    fc = trend_frame(fit)
    fc = fc.loc[fc["kind"] == "forecast"]
    width = (fc["upper"] - fc["lower"]).to_numpy()
    assert width[-1] > width[0]  # future changes of slope: the band widens with the horizon
    assert fc["estimate"].iloc[-1] < 0.85  # does not run off to 100 % at the old pace


def test_straight_trends_rarely_bend():
    panel, _ = simulate_panel(SimSpec(n_units=60, months=48, seed=17))
    res = run_model(panel, {"targets": []})
    share = (res.trend_summary["knots"].fillna("") != "").mean()
    assert share <= 0.05


def test_band_quantiles_are_numpys():
    from motcua.model.trend import band_quantiles

    rng = np.random.default_rng(11)
    for S, m in [(1000, 13), (1, 3), (2, 1), (999, 5), (4000, 2)]:
        x = np.round(rng.random((S, m)) * 40) / 40  # ties too
        for a in (0.025, 0.005, 0.5):
            lo, hi = band_quantiles(x, a)
            q = np.quantile(x, [a, 1 - a], axis=0)
            assert np.array_equal(lo, q[0]) and np.array_equal(hi, q[1])
            lo1, hi1 = band_quantiles(x[:, 0], a)
            assert (lo1, hi1) == tuple(np.quantile(x[:, 0], [a, 1 - a]))


def _ks_discrete(draws: np.ndarray, m: int, q: float) -> float:
    k = np.arange(m + 1)
    emp = np.searchsorted(np.sort(draws), k, side="right") / len(draws)
    return float(np.max(np.abs(emp - stats.binom.cdf(k, m, q))))


def test_binomial_noise_exact_below_threshold_and_close_above():
    from motcua.model.trend import NORMAL_BINOMIAL_MIN_VARIANCE, _binomial_noise

    N = 200_000
    # below the threshold: numpy's exact draws, the same numbers for the same seed
    m, q = np.full(N, 120), np.full(N, 0.02)
    assert NORMAL_BINOMIAL_MIN_VARIANCE > 120 * 0.02 * 0.98
    assert np.array_equal(_binomial_noise(m, q, np.random.default_rng(3)), np.random.default_rng(3).binomial(m, q))
    # above it: a skew-corrected normal whose distribution is within sampling error + 0.0033 of the exact one
    for mm, qq in [(60, 0.1), (200, 0.03), (150, 0.7), (900, 0.006), (40, 0.5)]:
        assert mm * qq * (1 - qq) >= NORMAL_BINOMIAL_MIN_VARIANCE
        y = _binomial_noise(np.full(N, mm), np.full(N, qq), np.random.default_rng(4))
        assert np.all(y == np.rint(y)) and y.min() >= 0 and y.max() <= mm
        assert _ks_discrete(y, mm, qq) < 0.0033 + 0.004, (mm, qq)
        assert abs(y.mean() - mm * qq) < 5 * np.sqrt(mm * qq * (1 - qq) / N)


def test_beta_noise_close_to_the_beta():
    from motcua.model.trend import _beta_noise

    N = 200_000
    for p, c in [(0.03, 400.0), (0.5, 30.0), (0.97, 1000.0), (0.01, 5000.0), (0.02, 100.0)]:
        qd = _beta_noise(np.full(N, p), c, np.random.default_rng(5))
        assert qd.min() >= 0 and qd.max() <= 1
        x = np.sort(qd)
        grid = np.quantile(x, np.linspace(0.001, 0.999, 200))
        emp = np.searchsorted(x, grid, side="right") / N
        assert np.max(np.abs(emp - stats.beta.cdf(grid, p * c, (1 - p) * c))) < 0.006 + 0.004, (p, c)
