"""The end-to-end out-of-sample forecast check: the model stage run on a simulated province's processed panel
in a temporary project folder, its products (the forecast rows of trends.parquet, p_meet_target of
trend_summary.parquet) scored on the 12 held-out months (motcua.model.backtest_products). Seeded; the fuller
version is bench/forecast_e2e_bench.py."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest

from motcua.config import config_dir
from motcua.model.backtest_products import months_after, project, run_stage, score_products
from motcua.model.simulate_adoption import simulate_adoption_panel

RATES = ("online_rate", "ontime_rate_report")


@pytest.fixture(scope="module")
def scored(tmp_path_factory):
    """Rows and target rows of the configured method (new) and of ``forecast_method: glm`` (old), one province
    of 40 real districts fitted February 2019 – January 2023 (the target, 31 December 2023, held out)."""
    panel, _ = simulate_adoption_panel(7, start="2019-02-01", months=60, n_units=40)
    fit_end = pd.Timestamp("2023-01-31")
    out = {}
    for name, method in (("new", None), ("old", "glm")):
        folder = tmp_path_factory.mktemp(name)
        cfg = project(folder, config_dir(), method)
        trends, summary = run_stage(panel[panel["period_end"] <= fit_end], folder, cfg)
        out[name] = score_products(trends, summary, panel, fit_end, RATES)
    return out


def test_simulated_province_is_a_panel():
    panel, truth = simulate_adoption_panel(3, months=24, n_units=52)
    assert panel["unit_code"].nunique() == 52 and len(panel) == 52 * 24
    assert (
        panel["received_online"] + panel["received_offline"] + panel["carried_over"] == panel["received_total"]
    ).all()
    res = panel["resolved_early"] + panel["resolved_ontime"] + panel["resolved_late"]
    assert (res == panel["resolved_total"]).all()
    assert (panel["pending_ontime"] + panel["pending_overdue"] == panel["pending_total"]).all()
    c = truth.groupby("unit_code")["ceiling"].max()
    assert c.between(0.35, 0.92).all() and c.max() - c.min() > 0.3


def test_months_after():
    ps = pd.Series(pd.to_datetime(["2023-02-01", "2023-12-01", "2024-01-01"]))
    assert months_after(ps, pd.Timestamp("2023-01-31")).tolist() == [1, 11, 12]


def test_every_held_out_month_has_its_forecast_row(scored):
    rows, _ = scored["new"]
    assert len(rows) == 40 * 2 * 12
    assert rows["has_forecast"].all()
    assert (rows["lower"] >= 0).all() and (rows["upper"] <= 1).all() and (rows["lower"] <= rows["upper"]).all()


def test_products_intervals_cover_and_beat_the_old_model(scored):
    rows, _ = scored["new"]
    old, _ = scored["old"]
    on = rows[rows["rate"] == "online_rate"]
    cov = on.groupby(pd.cut(on["horizon"], [0, 6, 12]), observed=True)["covered"].mean()
    assert cov.between(0.90, 0.995).all(), cov
    assert rows.loc[rows["rate"] == "ontime_rate_report", "covered"].mean() >= 0.90
    late = lambda r: r[(r["rate"] == "online_rate") & (r["horizon"] >= 7)]["interval_score"].mean()  # noqa: E731
    assert late(rows) < 0.9 * late(old)


def test_p_meet_target_scored_on_the_held_out_target_period(scored):
    _, t = scored["new"]
    _, t_old = scored["old"]
    assert len(t) == 40 * 2 and t["p"].between(0, 1).all()
    brier = float(np.mean((t["p"] - t["met"]) ** 2))
    brier_old = float(np.mean((t_old["p"] - t_old["met"]) ** 2))
    assert brier < 0.15 and brier <= brier_old + 0.02


def test_products_band_is_the_forecast_draws_quantiles_on_the_held_out_periods(tmp_path):
    """Recomputed outside the stage's table code (fit, province prior, the series' seed, forecast_draws,
    np.quantile): the forecast rows' lower/upper are the 2.5 % and 97.5 % quantiles of the same draws,
    on the held-out months' exact periods, at the expected volume the stage states."""
    from motcua.config import load_config
    from motcua.model.compare import window_rows
    from motcua.model.fit_tasks import province_priors
    from motcua.model.forecast import forecast_draws
    from motcua.model.series import build_series
    from motcua.model.settings import settings_from_config
    from motcua.model.trend import daily_volume, fit_arrays, forecast_arrays

    panel, _ = simulate_adoption_panel(8, start="2019-02-01", months=36, n_units=4)
    cfg = project(tmp_path, config_dir())
    trends, _ = run_stage(panel, tmp_path, cfg)
    st = settings_from_config(load_config(cfg))
    series, _ = build_series(panel, list(st.rates))
    priors = province_priors(window_rows(series, st.comparison_window_months), st.shared_logit_decimals)
    until = pd.Timestamp("2023-12-31")  # data to January 2022: forecasts to the end of the next year
    checked = 0
    for (code, rate), g in series[series["rate"].isin(RATES)].groupby(["unit_code", "rate"]):
        a = {c: g[c].to_numpy() for c in ("period_start", "period_end", "t_start", "t_end", "successes", "trials")}
        fit = fit_arrays("legacy", code, rate, *a.values(), st, prior_rate=priors[("legacy", "district", rate)])
        fs, fe, t0, t1 = forecast_arrays(pd.Timestamp(fit.period_end.max()), until)
        vol = daily_volume(fit.period_start, fit.period_end, fit.trials) * (((fe - fs) / np.timedelta64(1, "D")) + 1)
        draws = forecast_draws(fit, st, t0, t1, vol, st.forecast_simulations, np.random.default_rng(fit.seed(st.seed)))
        lo, hi = np.quantile(draws, [0.025, 0.975], axis=0)
        fc = trends[(trends["kind"] == "forecast") & (trends["unit_code"] == code) & (trends["rate"] == rate)]
        assert pd.to_datetime(fc["period_start"]).to_numpy("datetime64[ns]").tolist() == fs.tolist()
        np.testing.assert_allclose(fc["lower"].to_numpy(float), lo, rtol=0, atol=1e-12)
        np.testing.assert_allclose(fc["upper"].to_numpy(float), hi, rtol=0, atol=1e-12)
        np.testing.assert_allclose(fc["n"].to_numpy(float), vol, rtol=1e-12)
        checked += 1
    assert checked == 8
