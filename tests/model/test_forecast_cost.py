"""The kalman, ensemble and growth forecasts give the same means and draws as before their speed-up, on seeded
simulated series of every kind, with a structural break inside the data and one ahead: the same random stream,
so equal up to floating-point order.

The reference, tests/model/data/forecast_reference.npz, was computed by the implementation before the speed-up
(its frozen copies, run at commit e2e3d93e22fe4162e79955477b30f393938ad425 by
tests/model/data/make_forecast_reference.py, which also says how to regenerate it). It holds, per case, the
forecast mean and its interval, the draws' mean, sd and quantiles per month, the growth fits, the grid filter's
state, the exact observed counts of the observation noise and the filter's outputs, together with the
config/model.yaml the reference was computed under: the tests read their settings from it, so a new constant
in config/ does not read as a change of the code; a change of the trend fit or of the forecasts' maths or
random stream does.
"""

from __future__ import annotations

import json
from collections.abc import Iterator
from functools import lru_cache
from pathlib import Path

import numpy as np
import pandas as pd
import pytest
from scipy import special

from motcua.model import backtest as bt
from motcua.model import forecast_growth, forecast_kalman
from motcua.model.forecast import forecast_design, forecast_draws, forecast_mean
from motcua.model.settings import Break, ModelSettings, settings_from_config
from motcua.model.trend import TrendFit

REFERENCE = Path(__file__).parent / "data" / "forecast_reference.npz"
METHODS = {
    "kalman": {"forecast_method": "kalman"},
    "ensemble": {"forecast_method": "ensemble"},
    "growth": {"forecast_method": "growth", "forecast_growth_mix": "damped", "forecast_growth_else": "damped"},
    "growth_k": {"forecast_method": "growth", "forecast_growth_mix": "kalman", "forecast_growth_else": "ensemble"},
    "growth_e": {"forecast_method": "growth", "forecast_growth_mix": "ensemble", "forecast_growth_else": "ensemble"},
}
#: (kind, seed) of the simulated series: S-curves (most identify a growth curve), lines, flat series, breaks.
SERIES = [("logistic", s) for s in range(1, 9)] + [(k, s) for k in ("linear", "flat", "break") for s in (3, 4)]
#: Quantiles of the draws kept per month: with their mean and sd, any change of the random stream shows.
QUANTILES = (0.01, 0.05, 0.25, 0.5, 0.75, 0.95, 0.99)
STATE_FIELDS = ("level", "slope", "p11", "p12", "p22", "weight")
VOLUMES = (0.0, 30.0, 400.0, 5000.0)


@lru_cache(maxsize=1)
def reference() -> dict[str, np.ndarray]:
    """The stored reference: per group of cases and field an array with a row per case (``"kalman/draws"``: the
    draws' summaries of the kalman method, series by series), and ``"model_yaml"``."""
    with np.load(REFERENCE) as z:
        return {k: z[k] for k in z.files}


def stored_model() -> dict:
    """config/model.yaml's keys as they were when the reference was computed."""
    return json.loads(str(reference()["model_yaml"]))


def settings(model: dict, method: str, breaks: tuple[Break, ...] = ()) -> ModelSettings:
    return settings_from_config(model).with_(structural_breaks=breaks, **METHODS[method])


def sims() -> list[bt.SimSeries]:
    return [bt.simulate_series(kind, np.random.default_rng(seed), months=60) for kind, seed in SERIES]


def fit(s: bt.SimSeries, st: ModelSettings, months: int = 48) -> TrendFit:
    return bt.fit_first(s, months, st, breaks=list(st.structural_breaks), unit=("x", "1"))


def forecast_summary(s: bt.SimSeries, st: ModelSettings, size: int = 400) -> dict[str, np.ndarray]:
    """Mean, low and high of the 12 months after the 48 fitted, from a fresh fit (no state kept), and the
    mean, sd and :data:`QUANTILES` per month of ``size`` draws (rows: mean, sd, then the quantiles)."""
    f = fit(s, st)
    t0, t1 = s.t_start[48:], s.t_end[48:]
    X = forecast_design(f, st, t0, t1)
    mean, low, high = forecast_mean(f, st, X, t0, t1)
    vol = np.linspace(40.0, 3000.0, 12)  # small and large volumes: exact binomial and its normal approximation
    draws = forecast_draws(f, st, t0, t1, vol, size, np.random.default_rng(7), X=X)
    summary = np.vstack([draws.mean(axis=0), draws.std(axis=0), np.quantile(draws, QUANTILES, axis=0)])
    return {"mean": mean, "low": low, "high": high, "draws": summary}


def break_cases(model: dict) -> Iterator[tuple[str, bt.SimSeries, ModelSettings]]:
    """A break inside the data, then also one ahead of it, for the kalman and growth_k methods."""
    s = bt.simulate_series("break", np.random.default_rng(11), months=60)
    inside = Break(pd.Timestamp(s.brk) if s.brk is not None else pd.Timestamp(s.period_start[30]))
    ahead = Break(pd.Timestamp(s.period_start[53]))
    for method in ("kalman", "growth_k"):
        for name, breaks in (("inside", (inside,)), ("inside_ahead", (inside, ahead))):
            yield f"{method}, {name}", s, settings(model, method, breaks)


def growth_arrays(g: forecast_growth.GrowthFit | None) -> dict[str, np.ndarray]:
    """θ, its covariance, ρ and the curvature of a growth fit; NaN where the data identify no curve."""
    if g is None:
        return {"theta": np.full(3, np.nan), "cov": np.full((3, 3), np.nan), "rho": np.nan, "curvature": np.nan}
    return {"theta": g.theta, "cov": g.cov, "rho": np.float64(g.rho), "curvature": np.float64(g.curvature)}


def state_arrays(k: forecast_kalman.KalmanState) -> dict[str, np.ndarray]:
    return {**{name: getattr(k, name) for name in STATE_FIELDS}, "loglik": np.float64(k.loglik)}


def observed_cases(volume: float) -> Iterator[tuple[str, np.ndarray, np.ndarray]]:
    """Every period exact binomial, every one normal (shares near ½ at 5 000 trials), or both, and a zero volume."""
    gen = np.random.default_rng(3)
    for i, eta in enumerate((gen.normal(-0.5, 1.5, (300, 6)), gen.normal(0.0, 0.3, (300, 6)))):
        for j, vol in enumerate((np.full(6, volume), np.array([volume, volume, 20.0, 5000.0, volume, 0.0]))):
            yield f"volume {volume:g}, eta {i}, volumes {j}", eta, vol


def trials(eta: np.ndarray, vol: np.ndarray) -> np.ndarray:
    return np.broadcast_to(np.maximum(np.rint(vol), 0).astype(np.int64), eta.shape)


def observed_counts(draws: np.ndarray, eta: np.ndarray, vol: np.ndarray) -> np.ndarray:
    """The observed successes behind draws of shares (0 where the volume is 0): small integers, stored exactly."""
    return np.where(trials(eta, vol) > 0, np.rint(draws * trials(eta, vol)), 0).astype(np.int16)


def observed_from_counts(counts: np.ndarray, eta: np.ndarray, vol: np.ndarray) -> np.ndarray:
    """The shares of :func:`observed_counts` back: successes / trials, and where the volume is 0 the rate itself."""
    m = trials(eta, vol)
    return np.where(m > 0, counts / np.maximum(m, 1), special.expit(eta))


def filter_cases() -> Iterator[tuple[str, tuple, dict]]:
    """The grid filter with one variance for all or one per point and grid point, with restarts, a given start
    and no burn-in."""
    rng = np.random.default_rng(12)
    z = np.cumsum(rng.normal(0.03, 0.2, 40))
    dt = rng.uniform(0.07, 0.1, 40)
    ql, qs = rng.uniform(0, 0.05, 7), rng.uniform(0, 0.2, 7)
    restart = np.zeros(40)
    restart[[0, 17]] = [0.5, 2.0]
    for i, v in enumerate((np.full(40, 0.04), rng.uniform(0.01, 0.2, (40, 7)))):
        for j, kw in enumerate(({}, {"restart": restart, "a0": (0.3, -0.1), "p0": (2.0, 0.5), "skip": 0})):
            yield f"variances {i}, options {j}", (z, v, dt, ql, qs), kw


def stack(group: str, cases: list[dict]) -> dict[str, np.ndarray]:
    """The arrays of a group's cases as the reference stores them: one array per field, a row per case."""
    return {f"{group}/{name}": np.stack([np.asarray(c[name]) for c in cases]) for name in cases[0]}


def _same(group: str, row: int, got: dict[str, np.ndarray], **tol) -> None:
    ref = reference()
    for name, value in got.items():
        np.testing.assert_allclose(value, ref[f"{group}/{name}"][row], err_msg=f"{group}/{name}[{row}]", **tol)


@pytest.mark.parametrize("method", list(METHODS))
def test_means_and_draws_are_those_before_the_speed_up(method):
    st = settings(stored_model(), method)
    for i, s in enumerate(sims()):
        _same(method, i, forecast_summary(s, st), rtol=0, atol=1e-9)


def test_same_with_a_break_inside_the_data_and_one_ahead():
    for i, (_, s, st) in enumerate(break_cases(stored_model())):
        _same("break", i, forecast_summary(s, st), rtol=0, atol=1e-9)


def test_the_series_identify_growth_curves_and_the_kalman_state_is_the_same():
    """Not vacuous: most S-curves identify a growth curve; the growth fits (bit for bit) and the grid's
    filtered state equal the reference."""
    ref = reference()
    st = settings(stored_model(), "growth_k")
    fits = [fit(s, st) for s in sims()]
    growth = [forecast_growth.fit_growth(f, st) for f in fits]
    assert sum(g is not None for g in growth) >= 4
    np.testing.assert_array_equal([g is not None for g in growth], ref["growth/identified"])
    for i, g in enumerate(growth):
        for name, value in growth_arrays(g).items():  # NaN where no curve is identified
            np.testing.assert_array_equal(value, ref[f"growth/{name}"][i], err_msg=f"growth/{name}[{i}]")
    for i, f in enumerate(fits):
        got = state_arrays(forecast_kalman.kalman_state(f, st))
        assert got.pop("loglik") == pytest.approx(ref["kalman_state/loglik"][i], rel=1e-12)
        _same("kalman_state", i, got, rtol=1e-9, atol=1e-12)


@pytest.mark.parametrize("volume", VOLUMES)
def test_observed_draws_are_those_before_with_every_volume_large_small_or_mixed(volume):
    """The observation noise of the kalman draws: the same counts from the same stream, share for share."""
    for i, (label, eta, vol) in enumerate(observed_cases(volume)):
        got = forecast_kalman.observed_draws(eta, vol, np.random.default_rng(5))
        counts = reference()[f"observed/{volume:g}"][i]
        np.testing.assert_array_equal(got, observed_from_counts(counts, eta, vol), err_msg=label)


def test_the_filter_is_the_one_before_with_restarts_a_given_start_and_no_burn_in():
    for i, (_, args, kw) in enumerate(filter_cases()):
        got = forecast_kalman.llt_filter(*args, **kw)
        _same("filter", i, {str(j): a for j, a in enumerate(got)}, rtol=1e-10, atol=1e-12)
