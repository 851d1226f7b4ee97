"""The kalman forecast (motcua.model.forecast_kalman): the filter is the textbook one, the forecast stays in 0–1."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest
from statsmodels.tsa.statespace.structural import UnobservedComponents

from motcua.model import backtest as bt
from motcua.model.forecast import forecast_draws, forecast_mean
from motcua.model.forecast_kalman import kalman_state, llt_filter
from motcua.model.settings import Break, settings_from_config
from motcua.model.trend import fit_arrays


def _statsmodels(z, s2e, ql, qs, a0, p0):
    mod = UnobservedComponents(z, level="local linear trend")
    mod.ssm.initialize_known(np.array(a0, float), np.diag(p0).astype(float))
    mod.ssm.loglikelihood_burn = 0  # the model burns the diffuse states by default; here they are known
    res = mod.filter(np.array([s2e, ql, qs]))
    return res.filtered_state[:, -1], res.filtered_state_cov[:, :, -1], res.llf


@pytest.mark.parametrize("ql,qs", [(0.05, 0.002), (0.3, 0.0), (0.0, 0.01)])
def test_filter_matches_statsmodels_local_linear_trend(ql, qs):
    rng = np.random.default_rng(4)
    z = np.cumsum(rng.normal(0.02, 0.1, 60)) + rng.normal(0, 0.3, 60)
    a0, p0 = (0.1, -0.05), (2.0, 0.5)
    state, cov, llf = _statsmodels(z, 0.09, ql, qs, a0, p0)
    # a second grid point beside it: the vectorised pass must not mix them
    a1, a2, p11, p12, p22, ll = llt_filter(
        z, np.full(60, 0.09), np.ones(60), np.array([ql, 1.0]), np.array([qs, 0.5]), a0=a0, p0=p0, skip=0
    )
    assert np.allclose([a1[0], a2[0]], state, atol=1e-6)
    assert np.allclose([[p11[0], p12[0]], [p12[0], p22[0]]], cov, atol=1e-6)
    assert ll[0] == pytest.approx(llf, abs=1e-6)
    assert not np.isclose(a1[1], a1[0])


def test_a_local_level_with_no_noise_in_the_level_is_the_running_mean():
    """q_L = q_S = 0, slope known 0: the filtered level is the precision-weighted mean of the observations."""
    z = np.array([1.0, 2.0, 0.5, 1.5, 3.0])
    v = np.array([1.0, 0.5, 2.0, 1.0, 0.25])
    a1, _, p11, *_ = llt_filter(z, v, np.ones(5), np.zeros(1), np.zeros(1), a0=(0.0, 0.0), p0=(1e12, 0.0))
    assert a1[0] == pytest.approx(np.sum(z / v) / np.sum(1 / v), abs=1e-6)
    assert p11[0] == pytest.approx(1 / np.sum(1 / v), abs=1e-6)


def test_a_restart_lets_the_level_jump_at_a_break():
    z = np.r_[np.zeros(20), np.full(5, 2.0)]
    restart = np.zeros(25)
    with_break = llt_filter(
        z, np.full(25, 0.1), np.ones(25), np.zeros(1), np.zeros(1), np.r_[restart[:20], 4.0, restart[21:]]
    )
    without = llt_filter(z, np.full(25, 0.1), np.ones(25), np.zeros(1), np.zeros(1))
    assert abs(with_break[0][0] - 2.0) < 0.1 < abs(without[0][0] - 2.0)


def _fit(settings, kind="logistic", seed=2, months=48, breaks=()):
    s = bt.simulate_series(kind, np.random.default_rng(seed), months=months + 12)
    f = fit_arrays(
        "x", "1", "online_rate", s.period_start[:months], s.period_end[:months], s.t_start[:months],
        s.t_end[:months], s.successes[:months], s.trials[:months], settings, breaks=list(breaks),
    )  # fmt: skip
    return s, f


@pytest.mark.parametrize("method", ["kalman", "ensemble"])
def test_kalman_forecasts_stay_in_0_1_and_widen_after_a_break_ahead(method):
    base = settings_from_config().with_(forecast_method=method, structural_breaks=())
    for kind, seed in (("flat", 5), ("logistic", 8), ("linear", 13)):
        s, f = _fit(base, kind, seed)
        d = forecast_draws(f, base, s.t_start[48:], s.t_end[48:], np.full(12, 300.0), 500, np.random.default_rng(0))
        assert d.shape == (500, 12) and np.isfinite(d).all() and d.min() >= 0.0 and d.max() <= 1.0
    s, f = _fit(base)
    t0, t1, vol = s.t_start[48:], s.t_end[48:], np.full(12, 500.0)
    ahead = base.with_(structural_breaks=(Break(pd.Timestamp(s.period_start[54])),))

    def w(st):
        d = forecast_draws(f, st, t0, t1, vol, 4000, np.random.default_rng(1))
        return np.subtract(*np.quantile(d, [0.975, 0.025], axis=0))

    assert np.allclose(w(ahead)[:6], w(base)[:6], rtol=0.15)
    assert (w(ahead)[7:] > 1.1 * w(base)[7:]).all()


def test_the_forecast_mean_follows_the_draws():
    st = settings_from_config().with_(forecast_method="kalman")
    s, f = _fit(st, "linear", 13)
    t0, t1 = s.t_start[48:], s.t_end[48:]
    est, lo, hi = forecast_mean(f, st, f.X(t0, t1))
    d = forecast_draws(f, st, t0, t1, np.full(12, 1e6), 4000, np.random.default_rng(3))
    assert ((lo < est) & (est < hi)).all()
    assert np.allclose(np.median(d, axis=0), est, atol=0.02)


def test_a_break_in_the_data_restarts_the_level():
    st = settings_from_config()
    s, f = _fit(st, "break", 3)
    s, f = _fit(st, "break", 3, breaks=[s.brk])
    plain = kalman_state(f, st.with_(prior_sd_step=0.0))
    kept = kalman_state(f, st)
    assert f.breaks and np.isclose(kept.weight.sum(), 1.0)
    # the restart lets the level follow the step: the data are more likely with it
    assert kept.loglik > plain.loglik + 2.0
