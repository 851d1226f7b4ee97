"""The forecasts' parts fitted for many series at once give the numbers of one series at a time, bit for bit:
the curve rising from a floor (motcua.model.forecast_rise_batch) against its per-series, per-cell fit and against
the plain numpy calls it was first written with, the growth curve (motcua.model.forecast_growth_batch) against its
per-series fits, and a worker's share (fit_chunk, which prefits those curves) against each series fitted alone."""

from __future__ import annotations

import numpy as np
import pytest
from scipy import special

from motcua.model import backtest as bt
from motcua.model import fit_tasks, forecast, forecast_growth, forecast_rise, linalg
from motcua.model.forecast_growth_batch import growths
from motcua.model.forecast_rise_batch import rises
from motcua.model.forecast_season import forecast_fit
from motcua.model.settings import settings_from_config
from motcua.model.simulate_designs import DESIGNS, simulate

from .test_run_workers import _same, _tasks

FIELDS = ("logit_c", "theta", "cov", "weight", "T", "rho", "df")


def _plain_curve(theta, logit_c, tc):
    """forecast_rise._curve as first written (np.clip, np.stack of the broadcast columns)."""
    u = special.expit(theta[..., 0:1] + theta[..., 1:2] * tc)
    c, f = special.expit(np.asarray(logit_c)[..., None]), special.expit(theta[..., 2:3])
    p = np.clip(f + (c - f) * u, 1e-12, 1 - 1e-12)
    du = (c - f) * u * (1 - u)
    J = np.stack(np.broadcast_arrays(du, tc * du, (1 - u) * f * (1 - f)), axis=-1)
    return p, J


def _fits(n_series: int, seed: int) -> list:
    """Online-share trends of simulated series, most still rising from their floor (about half of those
    identify the curve), some levelling off; of 32 to 48 fitted months."""
    s = settings_from_config()
    rng = np.random.default_rng(seed)
    out = []
    for i in range(n_series):
        design = DESIGNS[("rising", "fit36", "rising", "mid_before", "rising")[i % 5]]
        sim = simulate(design, rng)
        months = sim["fit_months"] - (i % 3) * 2  # lengths differ within a design too
        out.append(forecast_fit(bt.fit_first(sim, months, s, breaks=[]), s))
    return out


def _same_rise(a, b) -> None:
    assert (a is None) == (b is None)
    if a is not None:
        for k in FIELDS:
            assert np.asarray(getattr(a, k)).tobytes() == np.asarray(getattr(b, k)).tobytes(), k


def test_batched_rising_curves_are_the_per_series_fits(monkeypatch):
    s = settings_from_config()
    fits = [f for f in _fits(45, seed=101) if f.has_trend]
    alone = [forecast_rise._rise(f, s) for f in fits]
    together = rises(fits, s)
    assert sum(r is not None for r in alone) >= 8  # the curve is identified on many of them
    assert sum(r is None for r in alone) >= 3
    for a, b in zip(alone, together):
        _same_rise(a, b)
    # the straight line kept by the growth curve's fit is the one the rising curve fits for itself
    again = [f for f in _fits(45, seed=101) if f.has_trend]
    for f in again:
        forecast_growth._fit_growth(f, s)
    assert sum(forecast_growth.straight_line(f) is not None for f in again) >= 20
    for a, f in zip(alone, again):
        _same_rise(a, forecast_rise._rise(f, s))
    # and the per-series fit is the one written with numpy's own functions
    with monkeypatch.context() as m:
        m.setattr(forecast_rise, "_curve", _plain_curve)
        m.setattr(linalg, "polyfit1", lambda x, y: np.polyfit(x, y, 1))
        m.setattr(linalg, "solve", np.linalg.solve)
        plain = [forecast_rise._rise(f, s) for f in fits]
    for a, b in zip(plain, together):
        _same_rise(a, b)


def test_a_batch_of_one_and_an_empty_batch():
    s = settings_from_config()
    fits = [f for f in _fits(10, seed=7) if f.has_trend]
    for f in fits:
        _same_rise(forecast_rise._rise(f, s), rises([f], s)[0])
    assert rises([], s) == []


def test_prefitted_curves_give_the_same_forecast():
    """forecast_batch.prefit keeps each curve where fit_rise finds it: the draws and means are those of a fit
    that computes its own."""
    from motcua.model.forecast_batch import prefit

    s = settings_from_config()
    rng = np.random.default_rng(5)
    sims = [simulate(DESIGNS["rising"], rng) for _ in range(12)]
    fresh = [bt.fit_first(x, x["fit_months"], s, breaks=[]) for x in sims]
    pre = [bt.fit_first(x, x["fit_months"], s, breaks=[]) for x in sims]
    prefit(pre, s)
    used = 0
    for a, b in zip(fresh, pre):
        t0, t1 = a.t_end[-1] + np.arange(12) / 12, a.t_end[-1] + np.arange(1, 13) / 12
        vol = np.full(12, 300.0)
        used += forecast._rising(forecast_fit(b, s), s)
        da = forecast.forecast_draws(a, s, t0, t1, vol, 300, np.random.default_rng(9))
        db = forecast.forecast_draws(b, s, t0, t1, vol, 300, np.random.default_rng(9))
        assert da.tobytes() == db.tobytes()
        X = forecast.forecast_design(a, s, t0, t1)
        for x, y in zip(forecast.forecast_mean(a, s, X, t0, t1), forecast.forecast_mean(b, s, X, t0, t1)):
            assert x.tobytes() == y.tobytes()
    assert used >= 3


GROWTH_FIELDS = ("theta", "cov", "T", "rho", "df", "curvature")


def _same_growth(a, b) -> None:
    assert (a is None) == (b is None)
    if a is not None:
        for k in GROWTH_FIELDS:
            assert np.asarray(getattr(a, k)).tobytes() == np.asarray(getattr(b, k)).tobytes(), k


def test_batched_growth_curves_are_the_per_series_fits():
    s = settings_from_config()
    rng = np.random.default_rng(17)
    fits = []
    for i in range(60):  # levelling off (the curve identified), still rising, straight, flat; 30 to 60 months
        sim = simulate(DESIGNS[("mid_before", "rising", "slow", "ceil_35", "fit60", "fast")[i % 6]], rng)
        fits.append(forecast_fit(bt.fit_first(sim, sim["fit_months"] - (i % 4) * 3, s, breaks=[]), s))
    fits = [f for f in fits if f.has_trend]
    alone = [forecast_growth._fit_growth(f, s) for f in fits]
    together = growths(fits, s)
    assert sum(g is not None for g in alone) >= 10
    assert sum(g is None for g in alone) >= 5
    for a, b in zip(alone, together):
        _same_growth(a, b)


@pytest.mark.parametrize("batch", [1, 7, 256])
def test_a_workers_share_is_each_series_fitted_alone(small_panel, monkeypatch, batch):
    tasks, s, until, target = _tasks(small_panel)
    some = tasks[::3]
    monkeypatch.setattr(fit_tasks, "PREFIT_BATCH", batch)
    got = fit_tasks.fit_chunk(some, s, until, target)
    for task, r in zip(some, got):
        _same(r, fit_tasks.fit_task(task, s, until, target))


def test_newton_steps_are_each_rows_own():
    """The stacked products and solve give each row's numbers as its own 2-D calls do; a singular row stops alone."""
    from motcua.model.forecast_growth_batch import newton_steps

    rng = np.random.default_rng(3)
    for k, m, d in [(1, 12, 2), (37, 17, 3), (120, 54, 3), (9, 30, 2)]:
        J = rng.standard_normal((k, m, d)) * np.exp(rng.standard_normal((k, 1, 1)))
        JW = J * rng.random((k, m))[:, :, None]
        R, th = rng.standard_normal((k, m)), rng.standard_normal((k, d))
        P = np.zeros((k, d, d))
        P[:, -1, -1] = rng.random(k)
        if k > 1:
            J[0], JW[0], P[0] = 0.0, 0.0, 0.0  # singular information
        steps, dec, ok = newton_steps(J, JW, R, P, th)
        for i in range(k):
            info = J[i].T @ JW[i] + P[i]
            grad = J[i].T @ R[i] - P[i] @ th[i]
            try:
                step = np.linalg.solve(info, grad)
            except np.linalg.LinAlgError:
                assert not ok[i]
                continue
            assert ok[i] and steps[i].tobytes() == step.tobytes() and dec[i] == float(grad @ step)
        assert ok.sum() == k - (k > 1)
