"""The kalman, ensemble and growth forecasts give the same means and draws as before their speed-up
(tests/model/forecast_before.py: the frozen copies), on seeded simulated series of every kind, with a
structural break inside the data and one ahead: the same random stream, so equal up to floating-point order."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest

from motcua.model import backtest as bt
from motcua.model.forecast import fit_growth, forecast_design, forecast_draws, forecast_mean
from motcua.model.forecast_kalman import kalman_state, llt_filter, observed_draws
from motcua.model.settings import Break, settings_from_config
from motcua.model.trend import fit_arrays

from . import forecast_growth_before as growth_old
from . import forecast_kalman_before as kalman_old
from .forecast_before import before

METHODS = {
    "kalman": {"forecast_method": "kalman"},
    "ensemble": {"forecast_method": "ensemble"},
    "growth": {"forecast_method": "growth", "forecast_growth_mix": "damped", "forecast_growth_else": "damped"},
    "growth_k": {"forecast_method": "growth", "forecast_growth_mix": "kalman", "forecast_growth_else": "ensemble"},
    "growth_e": {"forecast_method": "growth", "forecast_growth_mix": "ensemble", "forecast_growth_else": "ensemble"},
}
#: (kind, seed) of the simulated series: S-curves (most identify a growth curve), lines, flat series, breaks.
SERIES = [("logistic", s) for s in range(1, 9)] + [(k, s) for k in ("linear", "flat", "break") for s in (3, 4)]


def _sims():
    return [bt.simulate_series(kind, np.random.default_rng(seed), months=60) for kind, seed in SERIES]


def _fit(s, settings, months=48):
    return fit_arrays(
        "x", "1", "online_rate", s.period_start[:months], s.period_end[:months], s.t_start[:months],
        s.t_end[:months], s.successes[:months], s.trials[:months], settings, breaks=list(settings.structural_breaks),
    )  # fmt: skip


def _outputs(s, settings, size=400):
    """(mean, low, high, draws) of the 12 months after the 48 fitted, from a fresh fit (no state kept)."""
    f = _fit(s, settings)
    t0, t1 = s.t_start[48:], s.t_end[48:]
    X = forecast_design(f, settings, t0, t1)
    est = forecast_mean(f, settings, X, t0, t1)
    vol = np.linspace(40.0, 3000.0, 12)  # small and large volumes: exact binomial and its normal approximation
    draws = forecast_draws(f, settings, t0, t1, vol, size, np.random.default_rng(7), X=X)
    return (*est, draws)


@pytest.mark.parametrize("method", list(METHODS))
def test_means_and_draws_are_those_before_the_speed_up(method):
    base = settings_from_config().with_(structural_breaks=(), **METHODS[method])
    for s in _sims():
        new = _outputs(s, base)
        with before():
            old = _outputs(s, base)
        for a, b in zip(new, old):
            np.testing.assert_allclose(a, b, rtol=0, atol=1e-9)


@pytest.mark.parametrize("method", ["kalman", "growth_k"])
def test_same_with_a_break_inside_the_data_and_one_ahead(method):
    s = bt.simulate_series("break", np.random.default_rng(11), months=60)
    inside = Break(pd.Timestamp(s.brk) if s.brk is not None else pd.Timestamp(s.period_start[30]))
    ahead = Break(pd.Timestamp(s.period_start[53]))
    for breaks in ((inside,), (inside, ahead)):
        st = settings_from_config().with_(structural_breaks=breaks, **METHODS[method])
        new = _outputs(s, st)
        with before():
            old = _outputs(s, st)
        for a, b in zip(new, old):
            np.testing.assert_allclose(a, b, rtol=0, atol=1e-9)


def test_the_series_identify_growth_curves_and_the_kalman_state_is_the_same():
    """Not vacuous: most S-curves identify a growth curve; the growth fits and the grid's filtered state equal
    the old ones."""
    st = settings_from_config().with_(structural_breaks=(), **METHODS["growth_k"])
    fits = [_fit(s, st) for s in _sims()]
    assert sum(fit_growth(f, st) is not None for f in fits) >= 4
    for f in fits:  # the growth curves: the same fits, bit for bit
        new, old = fit_growth(f, st), growth_old.fit_growth(f, st)
        assert (new is None) == (old is None)
        if new is not None:
            for a, b in zip((new.theta, new.cov, new.rho, new.curvature), (old.theta, old.cov, old.rho, old.curvature)):
                np.testing.assert_array_equal(a, b)
    for f in fits:
        new, old = kalman_state(f, st), kalman_old.kalman_state(f, st)
        for name in ("level", "slope", "p11", "p12", "p22", "weight"):
            np.testing.assert_allclose(getattr(new, name), getattr(old, name), rtol=1e-9, atol=1e-12)
        assert new.loglik == pytest.approx(old.loglik, rel=1e-12)


@pytest.mark.parametrize("volume", [0.0, 30.0, 400.0, 5000.0])
def test_observed_draws_are_those_before_with_every_volume_large_small_or_mixed(volume):
    """The observation noise of the kalman draws: every period exact binomial, every one normal (shares near
    ½ at 5 000 trials), or both, and a zero volume: the same draws from the same stream."""
    gen = np.random.default_rng(3)
    for eta in (gen.normal(-0.5, 1.5, (300, 6)), gen.normal(0.0, 0.3, (300, 6))):
        for vol in (np.full(6, volume), np.array([volume, volume, 20.0, 5000.0, volume, 0.0])):
            new = observed_draws(eta, vol, np.random.default_rng(5))
            old = kalman_old.observed_draws(eta, vol, np.random.default_rng(5))
            np.testing.assert_array_equal(new, old)


def test_the_filter_is_the_one_before_with_restarts_a_given_start_and_no_burn_in():
    rng = np.random.default_rng(12)
    z = np.cumsum(rng.normal(0.03, 0.2, 40))
    dt = rng.uniform(0.07, 0.1, 40)
    ql, qs = rng.uniform(0, 0.05, 7), rng.uniform(0, 0.2, 7)
    restart = np.zeros(40)
    restart[[0, 17]] = [0.5, 2.0]
    for v in (np.full(40, 0.04), rng.uniform(0.01, 0.2, (40, 7))):
        for kw in ({}, {"restart": restart, "a0": (0.3, -0.1), "p0": (2.0, 0.5), "skip": 0}):
            new = llt_filter(z, v, dt, ql, qs, **kw)
            old = kalman_old.llt_filter(z, v, dt, ql, qs, **kw)
            for a, b in zip(new, old):
                np.testing.assert_allclose(a, b, rtol=1e-10, atol=1e-12)
