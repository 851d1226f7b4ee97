"""A frozen copy of motcua/model/forecast_kalman.py before its speed-up (the reference tests/model/test_forecast_cost.py
holds the draws and means to, and bench/forecast_cost_bench.py times against). Do not edit; only the cache attribute
on the fit is renamed, so that the copy and the module never read each other's state.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
from scipy import special

from motcua.model.design import trend_only
from motcua.model.series import years
from motcua.model.settings import ModelSettings
from motcua.model.trend import TrendFit

DIFFUSE = 1e4  # variance of the level and slope before the first month (no prior information)


@dataclass(frozen=True)
class KalmanState:
    """The filtered state at the last observed month, per grid point (arrays of the grid's length)."""

    t_last: float  # mid-date (years) of the last observed month
    level: np.ndarray
    slope: np.ndarray
    p11: np.ndarray
    p12: np.ndarray
    p22: np.ndarray
    q_level: np.ndarray
    q_slope: np.ndarray
    noise: np.ndarray  # σ², overdispersion of a month on the logit scale
    weight: np.ndarray  # posterior weight of the grid point (sums to 1)
    loglik: float = 0.0  # the grid's best log-likelihood


def llt_filter(
    z: np.ndarray,
    v: np.ndarray,
    dt: np.ndarray,
    q_level: np.ndarray,
    q_slope: np.ndarray,
    restart: np.ndarray | None = None,
    a0: tuple[float, float] | None = None,
    p0: tuple[float, float] = (DIFFUSE, DIFFUSE),
    skip: int = 2,
) -> tuple[np.ndarray, ...]:
    """Kalman filter of the local linear trend, vectorised over grid points.

    ``z`` (T,) observations, ``v`` (T,) or (T, G) their variances, ``dt`` (T,) years since the previous
    observation (dt[0] unused), ``q_level``/``q_slope`` (G,) disturbance variances per year, ``restart`` (T,)
    extra level variance added before observation t; ``a0``/``p0`` the state's mean (default: the first
    observation, slope 0) and variances before it. Returns (level, slope, P11, P12, P22, loglik) at the
    last observation, each (G,); the log-likelihood leaves out the first ``skip`` observations (diffuse start).
    """
    G = len(q_level)
    v = np.broadcast_to(np.asarray(v, float).reshape(len(z), -1), (len(z), G))
    a0 = (float(z[0]), 0.0) if a0 is None else a0
    a1, a2 = np.full(G, float(a0[0])), np.full(G, float(a0[1]))
    p11, p12, p22 = np.full(G, float(p0[0])), np.zeros(G), np.full(G, float(p0[1]))
    ll = np.zeros(G)
    for t in range(len(z)):
        if t:
            d = dt[t]
            a1 = a1 + d * a2
            p11 = p11 + d * (2.0 * p12 + d * p22) + q_level * d
            p12 = p12 + d * p22
            p22 = p22 + q_slope * d
        if restart is not None and restart[t]:
            p11 = p11 + restart[t]
        f = p11 + v[t]
        e = z[t] - a1
        k1, k2 = p11 / f, p12 / f
        if t >= skip:
            ll -= 0.5 * (np.log(2 * np.pi * f) + e * e / f)
        a1, a2 = a1 + k1 * e, a2 + k2 * e
        p11, p12, p22 = p11 - k1 * p11, p12 - k1 * p12, p22 - k2 * p12
    return a1, a2, p11, p12, p22, ll


def _grid(settings: ModelSettings) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    ql, qs, s2 = np.meshgrid(
        settings.forecast_kalman_level_var,
        settings.forecast_kalman_slope_var,
        settings.forecast_kalman_noise_var,
        indexing="ij",
    )
    return ql.ravel(), qs.ravel(), s2.ravel()


def seasonal_logit(fit: TrendFit, t0: np.ndarray, t1: np.ndarray) -> np.ndarray:
    """The fitted month-of-year seasonality (logit) of periods [t0, t1)."""
    X = fit.X(t0, t1)
    return (X - trend_only(X, fit.names)) @ fit.params


def _season_cov(fit: TrendFit, X: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """(seasonal logit, its covariance from the fitted coefficients' uncertainty) of design rows X."""
    S = X - trend_only(X, fit.names)
    return S @ fit.params, S @ fit.cov @ S.T


def kalman_state(fit: TrendFit, settings: ModelSettings) -> KalmanState:
    """Filter the series (see the module docstring) once; the state is kept on the fit."""
    key = (
        settings.forecast_kalman_level_var,
        settings.forecast_kalman_slope_var,
        settings.forecast_kalman_noise_var,
        settings.prior_sd_step,
    )
    got = getattr(fit, "_kalman_before", None)
    if got is not None and got[0] == key:
        return got[1]
    obs = np.flatnonzero(fit.observed_mask)
    t0, t1 = fit.t_start[obs], fit.t_end[obs]
    tm = (t0 + t1) / 2.0
    y, n = fit.successes[obs], fit.trials[obs]
    z = np.log((y + 0.5) / (n - y + 0.5)) - seasonal_logit(fit, t0, t1)
    p = np.clip(fit.fitted[obs], 0.5 / n, 1.0 - 0.5 / n)
    vb = 1.0 / (n * p * (1.0 - p))
    ql, qs, s2 = _grid(settings)
    restart = np.zeros(len(obs))
    for b in fit.breaks:
        after = np.flatnonzero(t0 >= float(years(b)) - 1e-9)
        if len(after):
            restart[after[0]] += settings.prior_sd_step**2
    dt = np.diff(tm, prepend=tm[0])
    a1, a2, p11, p12, p22, ll = llt_filter(z, vb[:, None] + s2[None, :], dt, ql, qs, restart)
    w = np.exp(ll - ll.max())
    state = KalmanState(float(tm[-1]), a1, a2, p11, p12, p22, ql, qs, s2, w / w.sum(), float(ll.max()))
    fit._kalman_before = (key, state)
    return state


def _damped_years(dt: np.ndarray, damping: float) -> np.ndarray:
    """Years of today's slope a slope fading to ``damping`` per year adds over dt years."""
    if damping >= 1.0:
        return dt
    lam = -np.log(max(damping, 1e-9))
    return (1.0 - np.exp(-lam * dt)) / lam


def kalman_mean(fit: TrendFit, settings: ModelSettings, X: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """(logit mean, its sd without the month's own noise) of forecast periods with the model's design rows X
    (``fit.X``): the grid's mixture."""
    st = kalman_state(fit, settings)
    season, cs = _season_cov(fit, X)
    dt = np.maximum(X[:, fit.names.index("trend")] + fit.center - st.t_last, 0.0)[:, None]
    g = _damped_years(dt, settings.forecast_kalman_damping)
    m = st.level + g * st.slope  # (m, G)
    var = st.p11 + g * (2.0 * st.p12 + g * st.p22) + st.q_level * dt + st.q_slope * g * g * dt / 3.0
    mean = m @ st.weight
    sd = np.sqrt(np.maximum((var + m * m) @ st.weight - mean**2 + np.diag(cs), 0.0))
    return mean + season, sd


def kalman_eta(
    fit: TrendFit, settings: ModelSettings, t0: np.ndarray, t1: np.ndarray, size: int, rng: np.random.Generator
) -> np.ndarray:
    """Draws (size, m) of the logit of forecast periods [t0, t1): paths of the state from the last month on,
    one grid point per path (drawn by its weight), plus seasonality (with its coefficients' uncertainty) and the
    month's overdispersion."""
    st = kalman_state(fit, settings)
    k = rng.choice(len(st.weight), size=size, p=st.weight)
    c12 = st.p12[k] / np.sqrt(np.maximum(st.p11[k], 1e-300))
    z1, z2 = rng.standard_normal(size), rng.standard_normal(size)
    lev = st.level[k] + np.sqrt(np.maximum(st.p11[k], 0.0)) * z1
    slo = st.slope[k] + c12 * z1 + np.sqrt(np.maximum(st.p22[k] - c12**2, 0.0)) * z2
    tm = (t0 + t1) / 2.0
    steps = np.diff(np.maximum(tm, st.t_last), prepend=st.t_last)
    phi = settings.forecast_kalman_damping
    g, fade, root = _damped_years(steps, phi), phi**steps, np.sqrt(steps)
    # the level's and the slope's disturbances of every step, drawn at once: (size, m) each
    du = rng.standard_normal((size, len(t0))) * np.sqrt(st.q_level[k])[:, None] * root[None, :]
    dw = rng.standard_normal((size, len(t0))) * np.sqrt(st.q_slope[k])[:, None] * root[None, :]
    out = np.empty((size, len(t0)))
    for j in range(len(steps)):
        lev = lev + g[j] * slo + du[:, j]
        slo = slo * fade[j] + dw[:, j]
        out[:, j] = lev
    season, cs = _season_cov(fit, fit.X(t0, t1))
    vals, vecs = np.linalg.eigh(cs)
    out += season[None, :] + (rng.standard_normal((size, len(t0))) * np.sqrt(np.maximum(vals, 0.0))) @ vecs.T
    return out + np.sqrt(st.noise[k])[:, None] * rng.standard_normal(out.shape)


def observed_draws(eta: np.ndarray, volume: np.ndarray, rng: np.random.Generator) -> np.ndarray:
    """The observed share of periods with ``volume`` expected trials, given draws of their logit: binomial
    (its normal approximation where both expected counts are ≥ 50). Where the volume is 0, the rate itself."""
    q = special.expit(eta)
    m = np.broadcast_to(np.maximum(np.rint(volume), 0).astype(np.int64), q.shape)
    mq = m * q
    big = np.minimum(mq, m * (1 - q)) >= 50
    y = np.empty_like(q)
    y[big] = np.clip(
        np.rint(mq[big] + np.sqrt(mq[big] * (1 - q[big])) * rng.standard_normal(int(big.sum()))), 0, m[big]
    )
    y[~big] = rng.binomial(m[~big], q[~big])
    return np.where(m > 0, y / np.maximum(m, 1), q)
