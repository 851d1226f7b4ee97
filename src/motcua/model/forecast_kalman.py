"""State-space forecast on the logit scale (``forecast_method: kalman``): a local linear trend, Kalman-filtered.

The observed months' empirical logits z = log((y + ½)/(n − y + ½)), less the
month-of-year seasonality of the fitted trend, are read as

    z_t = L_t + e_t,        e_t ~ N(0, 1/(n_t p_t (1 − p_t)) + σ²)
    L_t = L_{t−1} + Δ·S_{t−1} + u_t,    u_t ~ N(0, q_L·Δ)
    S_t = S_{t−1} + w_t,                 w_t ~ N(0, q_S·Δ)

with Δ the years between two months' mid-dates (a gap is skipped, not filled),
the binomial variance known from the counts (p_t the fitted rate) and σ² the
period's overdispersion. (q_L, q_S, σ²) are not optimised: the filter runs at
once over every point of the grid ``forecast_kalman_level_var`` ×
``forecast_kalman_slope_var`` × ``forecast_kalman_noise_var`` (one vectorised
pass), and the forecast averages the grid's forecasts with weights proportional
to their likelihoods (Bayesian model averaging: the uncertainty of the variances
enters the band). At a structural break inside the data the level's variance
grows by ``prior_sd_step``²: the level restarts there.

From the filtered level and slope at the last month, the logit path is drawn
forward month by month (the slope fading to ``forecast_kalman_damping`` of
itself per year), plus the seasonality, plus N(0, σ²) for the month's own
overdispersion; the observed share then takes the binomial noise of the
expected volume. Shares stay inside 0–1; a configured break ahead adds its step
in :func:`motcua.model.forecast.forecast_draws`. Cost: one filter of
(months × grid) arrays per series, kept on the fit.
"""

from __future__ import annotations

from dataclasses import dataclass
from functools import lru_cache

import numpy as np
from scipy import special

from motcua.model import linalg
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

    One pass over time for every grid point at once: the state and its 2×2 covariance are the rows
    (level, slope, P11, P12, P22) of one (5, G) array, predicted by one 5×5 matrix product per month and
    updated by the scalar Kalman gain written out; innovations and their variances are kept, and the
    log-likelihood is summed from them after the pass.
    """
    z = np.asarray(z, float)
    n_obs = len(z)
    q_level, q_slope = np.asarray(q_level, float), np.asarray(q_slope, float)
    G = len(q_level)
    v = np.broadcast_to(np.asarray(v, float).reshape(n_obs, -1), (n_obs, G))
    dt = np.asarray(dt, float)
    a0 = (float(z[0]), 0.0) if a0 is None else a0
    w = np.empty((5, G))
    w[0], w[1], w[2], w[3], w[4] = float(a0[0]), float(a0[1]), float(p0[0]), 0.0, float(p0[1])
    # the prediction of month t: w ← M_t w + Q_t (level += Δ·slope; P ← F P F' + diag(q_L, q_S)·Δ)
    M = np.zeros((n_obs, 5, 5))
    M[:, range(5), range(5)] = 1.0
    M[:, 0, 1] = M[:, 3, 4] = dt
    M[:, 2, 3] = 2.0 * dt
    M[:, 2, 4] = dt * dt
    Q = np.zeros((n_obs, 5, G))
    Q[:, 2] = dt[:, None] * q_level[None, :]
    Q[:, 4] = dt[:, None] * q_slope[None, :]
    if restart is not None:
        Q[:, 2] += np.asarray(restart, float)[:, None]
        w[2] += float(restart[0])  # the first month has no prediction
    f, e = np.empty((n_obs, G)), np.empty((n_obs, G))
    pred, k, tmp = np.empty((5, G)), np.empty((2, G)), np.empty((2, G))
    state, p11, p12, p22, cov1 = w[0:2], w[2], w[3], w[4], w[2:4]  # views, updated in place
    for t, (m_t, q_t, v_t, f_t, e_t) in enumerate(zip(M, Q, v, f, e)):
        if t:
            np.dot(m_t, w, out=pred)
            np.add(pred, q_t, out=w)
        np.add(p11, v_t, out=f_t)
        np.subtract(z[t], w[0], out=e_t)
        np.divide(cov1, f_t, out=k)  # the gain (k1, k2) = (P11, P12) / f
        np.multiply(k[1], p12, out=tmp[0])
        p22 -= tmp[0]  # with the P12 before the update
        np.multiply(k[0], cov1, out=tmp)
        cov1 -= tmp  # P11 -= k1·P11, P12 -= k1·P12
        np.multiply(k, e_t, out=tmp)
        state += tmp
    f, e = f[skip:], e[skip:]
    ll = -0.5 * (np.log(2 * np.pi * f) + e * e / f).sum(axis=0) if len(f) else np.zeros(G)
    return w[0], w[1], w[2], w[3], w[4], ll


def _grid(settings: ModelSettings) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    return _grid_of(
        tuple(settings.forecast_kalman_level_var),
        tuple(settings.forecast_kalman_slope_var),
        tuple(settings.forecast_kalman_noise_var),
    )


@lru_cache(maxsize=8)
def _grid_of(level: tuple, slope: tuple, noise: tuple) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """(q_L, q_S, σ²) of every grid point, built once per grid (read-only: every series' state shares them)."""
    out = tuple(a.ravel() for a in np.meshgrid(level, slope, noise, indexing="ij"))
    for a in out:
        a.flags.writeable = False
    return out


def observed_design(fit: TrendFit) -> tuple[np.ndarray, np.ndarray]:
    """(indices of the observed periods, the model's design rows of them), kept on the fit: the kalman and
    the growth forecasts both start from them."""
    got = getattr(fit, "_forecast_observed", None)
    if got is None:
        obs = np.flatnonzero(fit.observed_mask)
        got = fit._forecast_observed = (obs, fit.X(fit.t_start[obs], fit.t_end[obs]))
    return got


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
    got = getattr(fit, "_kalman", None)
    if got is not None and got[0] == key:
        return got[1]
    obs, X = observed_design(fit)
    t0, t1 = fit.t_start[obs], fit.t_end[obs]
    tm = (t0 + t1) / 2.0
    y, n = fit.successes[obs], fit.trials[obs]
    z = np.log((y + 0.5) / (n - y + 0.5)) - (X - trend_only(X, fit.names)) @ fit.params
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
    fit._kalman = (key, state)
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


def _path_weights(steps: np.ndarray, damping: float) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """The forecast paths as linear maps of their inputs: the logit level at each of m forecast steps is
    level₀ + slope₀·c + du @ U + dw @ W with du, dw (size, m) the level's and the slope's standardised
    disturbances scaled by the grid point's sd. Returns (c, U, W): the recursion
    level_j = level_{j−1} + g_j·slope_{j−1} + √Δ_j·u_j, slope_j = φ^Δ_j·slope_{j−1} + √Δ_j·w_j
    run once on coefficients rather than once per draw."""
    m = len(steps)
    g, fade, root = _damped_years(steps, damping), damping**steps, np.sqrt(steps)
    c, U, W = np.empty(m), np.triu(np.ones((m, m))) * root[:, None], np.zeros((m, m))
    slope, level, s0, l0 = np.zeros(m), np.zeros(m), 1.0, 0.0  # coefficients of (w_0..w_{m−1}) and of slope₀
    for j in range(m):
        level += g[j] * slope
        l0 += g[j] * s0
        W[:, j], c[j] = level, l0
        slope *= fade[j]
        s0 *= fade[j]
        slope[j] += root[j]
    return c, U, W


def kalman_eta(
    fit: TrendFit,
    settings: ModelSettings,
    t0: np.ndarray,
    t1: np.ndarray,
    size: int,
    rng: np.random.Generator,
    own_noise: bool = True,
) -> np.ndarray:
    """Draws (size, m) of the logit of forecast periods [t0, t1): paths of the state from the last month on,
    one grid point per path (drawn by its weight), plus seasonality (with its coefficients' uncertainty) and the
    month's overdispersion (the grid point's σ²; not with ``own_noise`` False, when the caller draws the month's
    noise itself).

    The random numbers are drawn in a fixed order (grid points, the state's two normals, the level's and the
    slope's disturbances, the seasonality's, the month's noise); the paths are linear in them
    (:func:`_path_weights`), so they come from a few matrix products, not a loop over the months."""
    st = kalman_state(fit, settings)
    cdf = np.cumsum(st.weight)
    if not np.isfinite(cdf[-1]) or cdf[-1] <= 0:
        k = rng.choice(len(st.weight), size=size, p=st.weight)  # raises on weights that are not a distribution
    else:  # what Generator.choice(p=…) does, without its checks: the same grid points from the same stream
        k = (cdf / cdf[-1]).searchsorted(rng.random(size), side="right")
    # the filtered state's sd and the slope's regression on the level, per grid point, then per draw
    sd_level = np.sqrt(np.maximum(st.p11, 0.0))
    c12 = st.p12 / np.sqrt(np.maximum(st.p11, 1e-300))
    sd_slope = np.sqrt(np.maximum(st.p22 - c12**2, 0.0))
    z1, z2 = rng.standard_normal(size), rng.standard_normal(size)
    lev = st.level[k] + sd_level[k] * z1
    slo = st.slope[k] + c12[k] * z1 + sd_slope[k] * z2
    tm = (t0 + t1) / 2.0
    steps = np.diff(np.maximum(tm, st.t_last), prepend=st.t_last)
    c, U, W = _path_weights(steps, settings.forecast_kalman_damping)
    m = len(t0)
    du = rng.standard_normal((size, m)) * np.sqrt(st.q_level)[k][:, None]
    dw = rng.standard_normal((size, m)) * np.sqrt(st.q_slope)[k][:, None]
    season, cs = _season_cov(fit, fit.X(t0, t1))
    vals, vecs = linalg.eigh(cs)
    out = du @ U
    out += dw @ W
    out += lev[:, None] + slo[:, None] * c[None, :] + season[None, :]
    out += rng.standard_normal((size, m)) @ (vecs * np.sqrt(np.maximum(vals, 0.0))).T
    if own_noise:
        out += np.sqrt(st.noise)[k][:, None] * rng.standard_normal((size, m))
    return out


def observed_draws(eta: np.ndarray, volume: np.ndarray, rng: np.random.Generator) -> np.ndarray:
    """The observed share of periods with ``volume`` expected trials, given draws of their logit: binomial
    (its normal approximation where both expected counts are ≥ 50). Where the volume is 0, the rate itself."""
    q = special.expit(eta)
    m = np.broadcast_to(np.maximum(np.rint(volume), 0).astype(np.int64), q.shape)
    mq, one_q = m * q, 1 - q
    big = np.minimum(mq, m * one_q) >= 50
    n_big = int(np.count_nonzero(big))
    if n_big == q.size:  # every period large: no masks (the same normals, in the same order)
        y = np.minimum(np.maximum(np.rint(mq + np.sqrt(mq * one_q) * rng.standard_normal(q.shape)), 0), m)
    else:
        y = np.empty_like(q)
        if n_big:
            mqb = mq[big]
            yb = np.rint(mqb + np.sqrt(mqb * one_q[big]) * rng.standard_normal(n_big))
            y[big] = np.minimum(np.maximum(yb, 0), m[big])
        small = ~big
        y[small] = rng.binomial(m[small], q[small])
    return np.where(m > 0, y / np.maximum(m, 1), q)
