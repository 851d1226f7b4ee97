"""Forecast by a logistic growth curve with an estimated ceiling (``forecast_method: growth``).

Online filing is adopted along an S-curve that levels off below 100 %. The
deseasonalised share is modelled as c · expit(a + b·(t − T)) (T the end of the
data, c the ceiling), and the month's share as
logit(share) = logit(c · expit(a + b·(t − T))) + o(t), where o(t) is the
month-of-year seasonality and the level steps at configured breaks inside the
data, both taken from the fitted trend (:class:`motcua.model.trend.TrendFit`).
(a, b, logit c) are fitted to the monthly successes/trials by quasi-likelihood
(binomial, scaled by the dispersion φ of the curve's Pearson residuals), with a
weak normal prior on logit c centred halfway between the highest recent share
and 1 (sd ``forecast_growth_prior_sd``); the parameter uncertainty is the
Laplace approximation times φ (multivariate t on the residual degrees of
freedom), a month's noise is beta-binomial with the ρ of the same residuals
(Williams 1982), and the logit takes a drift of variance
``forecast_growth_drift_sd``² per year ahead.

The curve is used only when the data identify it: rising (b > 0), with a
curvature the straight logit line (c = 1) cannot follow — the drop in the
scaled deviance exceeds the χ²₁ quantile at ``forecast_growth_test_level`` —
and a ceiling below ``forecast_growth_max_ceiling``. Otherwise (flat, falling,
straight, too short) the growth curve is not used. When identified, a
share ``forecast_growth_weight`` of the draws comes from the growth curve and
the rest from the method ``forecast_growth_mix``; when not, all come from the
method ``forecast_growth_else`` (both damped by default). Draws stay inside
0–1 (logit scale) and a configured break inside the forecast adds the same
logit step as for the other methods.
"""

from __future__ import annotations

import copy
from collections.abc import Callable
from dataclasses import dataclass
from functools import lru_cache
from typing import Any

import numpy as np
from scipy import optimize, special, stats

from motcua.model import linalg
from motcua.model.forecast_kalman import observed_design
from motcua.model.month_noise import fit_noise
from motcua.model.settings import ModelSettings
from motcua.model.trend import TrendFit, predictive_draws

TREND_COLUMNS = ("intercept", "trend", "bend_")


@dataclass(frozen=True)
class GrowthFit:
    """The fitted curve: θ = (a, b, logit c) with its covariance, the end of the data T, the overdispersion ρ."""

    theta: np.ndarray
    cov: np.ndarray
    T: float
    rho: float
    df: int
    curvature: float  # drop of the scaled deviance from the straight logit line (c = 1)

    @property
    def ceiling(self) -> float:
        return float(special.expit(self.theta[2]))


def season_offset(fit: TrendFit, X: np.ndarray) -> np.ndarray:
    """Seasonality and steps at breaks of the fitted trend: the design's columns that are not the trend's."""
    keep = np.array([not nm.startswith(TREND_COLUMNS) for nm in fit.names])
    return X[:, keep] @ fit.params[keep] if keep.any() else np.zeros(len(X))


def _eta(theta: np.ndarray, tc: np.ndarray, off: np.ndarray, curved: bool) -> tuple[np.ndarray, np.ndarray]:
    """(logit of the share, its Jacobian in θ) at times tc (years from the end), θ = (a, b, logit c)."""
    eta, parts = _eta_value(theta, tc, off, curved)
    return eta, _jacobian(theta, tc, parts, curved)


def _eta_value(theta: np.ndarray, tc: np.ndarray, off: np.ndarray, curved: bool) -> tuple[np.ndarray, tuple]:
    """The logit of the share at times tc, and what its Jacobian (:func:`_jacobian`) is built from: a step
    that is not taken needs no Jacobian."""
    z = theta[0] + theta[1] * tc
    if not curved:
        return z + off, ()
    log_m = special.log_expit(theta[2]) + special.log_expit(z)  # log(c·u)
    m = np.minimum(np.exp(log_m), 1 - 1e-12)
    return log_m - np.log1p(-m) + off, (z, m)


def _jacobian(theta: np.ndarray, tc: np.ndarray, parts: tuple, curved: bool) -> np.ndarray:
    """(len(tc), 2 or 3): the derivative of the logit in (a, b[, logit c])."""
    J = np.empty((len(tc), 3 if curved else 2))
    if not curved:
        J[:, 0], J[:, 1] = 1.0, tc
        return J
    z, m = parts
    u = special.expit(z)
    c = special.expit(theta[2])
    g = 1.0 / (1.0 - m)
    one_u = 1 - u
    np.multiply(one_u, g, out=J[:, 0])
    np.multiply(tc * one_u, g, out=J[:, 1])
    np.multiply(1 - c, g, out=J[:, 2])
    return J


def neg_loglik(y, n, p, w, n_y=None) -> float:
    """−log-likelihood of successes y of n at rates p (clipped to 10⁻¹²…1 − 10⁻¹²), weights w (None: all 1);
    ``n_y`` = n − y when known."""
    p = np.minimum(np.maximum(p, 1e-12), 1 - 1e-12)  # np.clip, without its dispatch
    ll = y * np.log(p) + ((n - y) if n_y is None else n_y) * np.log1p(-p)
    return float(-(ll if w is None else w * ll).sum())


def fit_curve(y, n, tc, off, w, theta, prior, curved: bool, iters: int = 30):
    """Penalised Fisher scoring with step halving, stopped when the Newton decrement is below 10⁻³ (the
    −log-likelihood then within 10⁻⁶ of its minimum); returns (θ, information matrix, −log-likelihood, p).
    The Jacobian is built only at the points a step reaches (not at the halved steps it rejects), and for
    the straight line (constant) once."""
    P = np.zeros((len(theta), len(theta)))
    mu0 = np.zeros(len(theta))
    if curved:
        P[2, 2], mu0[2] = 1.0 / prior[1] ** 2, prior[0]
    n_y, wn = n - y, w * n
    w_nll = None if np.all(w == 1.0) else w  # a weight of 1 multiplies nothing
    J_line = None if curved else _jacobian(theta, tc, (), False)

    def objective(th):
        eta, parts = _eta_value(th, tc, off, curved)
        p = special.expit(eta)
        # the prior's penalty ½(θ − μ₀)'P(θ − μ₀): P has one entry, on logit c (none for the straight line)
        d = th[2] - mu0[2] if curved else 0.0
        return neg_loglik(y, n, p, w_nll, n_y) + 0.5 * ((d * P[2, 2]) * d if curved else 0.0), p, parts

    def jac(th, parts):
        return J_line if J_line is not None else _jacobian(th, tc, parts, True)

    f, p, parts = objective(theta)
    J = jac(theta, parts)
    for _ in range(iters):
        info = J.T @ (J * (wn * p * (1 - p))[:, None]) + P
        grad = J.T @ (w * (y - n * p)) - P @ (theta - mu0)
        try:
            step = linalg.solve(info, grad)
        except np.linalg.LinAlgError:
            break
        decrement = float(grad @ step)
        for _half in range(12):
            f_new, p_new, parts = objective(theta + step)
            if np.isfinite(f_new) and f_new <= f + 1e-10:
                break
            step = step / 2
        else:
            break
        theta, f, p = theta + step, f_new, p_new
        J = jac(theta, parts)
        if decrement < 1e-3:
            break
    info = J.T @ (J * (wn * p * (1 - p))[:, None]) + P
    return theta, info, f, p


def williams_rho(r2: np.ndarray, n: np.ndarray, df: int) -> float:
    """ρ ≥ 0 with Σ r2 / (1 + (n − 1)ρ) = df (Williams 1982; the trend fit's estimator): 0 without overdispersion."""
    if df <= 0 or r2.sum() <= df:
        return 0.0
    nm1, add = n - 1.0, np.add.reduce  # np.sum's reduction, without its dispatch
    f = lambda rho: float(add(r2 / (1.0 + nm1 * rho)) - df)  # noqa: E731
    return 1.0 if f(1.0) > 0 else float(optimize.brentq(f, 0.0, 1.0, xtol=1e-10, rtol=1e-8))


def memo_on_fit(fit: TrendFit, attr: str, settings: ModelSettings, compute: Callable[[TrendFit, ModelSettings], Any]):
    """``compute(fit, settings)`` (None for a fit without a trend), kept on the fit under ``attr`` with the growth
    settings it reads (prior sd, test level, largest ceiling): a series asks for its curve more than once."""
    key = (settings.forecast_growth_prior_sd, settings.forecast_growth_test_level, settings.forecast_growth_max_ceiling)
    got = getattr(fit, attr, None)
    if got is not None and got[0] == key:
        return got[1]
    out = compute(fit, settings) if fit.has_trend else None
    setattr(fit, attr, (key, out))
    return out


def pearson_phi(y: np.ndarray, n: np.ndarray, p: np.ndarray, df: int) -> tuple[np.ndarray, float]:
    """(squared Pearson residuals of y successes of n at rates p, the quasi-likelihood dispersion φ ≥ 1 on df)."""
    r2 = (y - n * p) ** 2 / np.maximum(n * p * (1 - p), 1e-12)
    return r2, max(float(r2.sum()) / df, 1.0)


@lru_cache(maxsize=8)
def _chi2_1(level: float) -> float:
    return float(stats.chi2.ppf(1 - level, 1))


def fit_growth(fit: TrendFit, settings: ModelSettings) -> GrowthFit | None:
    """The growth curve of a fitted series, None when the data do not identify it (see the module docstring).
    Kept on the fit: a series asks for it more than once."""
    return memo_on_fit(fit, "_forecast_growth", settings, _fit_growth)


def _fit_growth(fit: TrendFit, settings: ModelSettings) -> GrowthFit | None:
    prob = growth_problem(fit, settings)
    if prob is None:
        return None
    line, _, f_line, _ = fit_curve(prob.y, prob.n, prob.tc, prob.off, prob.w, prob.line0, prob.prior, False)
    fit._forecast_line = (line, f_line)
    if line[1] <= 0:  # falling or flat: no adoption curve to follow
        return None
    theta, info, _, p = fit_curve(prob.y, prob.n, prob.tc, prob.off, prob.w, prob.curve0, prob.prior, True)
    return growth_result(prob, f_line, theta, info, p, settings)


@dataclass(frozen=True)
class GrowthProblem:
    """What the growth curve's two fits of one series start from (:func:`growth_problem`): the observed months'
    successes, trials, times from the end T, seasonal offsets and weights, the prior on logit c, the residual
    degrees of freedom, and the starts of the straight logit line and of the curve."""

    y: np.ndarray
    n: np.ndarray
    tc: np.ndarray
    off: np.ndarray
    w: np.ndarray
    T: float
    prior: tuple[float, float]
    df: int
    line0: np.ndarray
    curve0: np.ndarray


def straight_line(fit: TrendFit) -> tuple[np.ndarray, float] | None:
    """(θ, −log-likelihood) of the straight logit line that the growth curve was tested against, when it was
    fitted (kept on the fit by :func:`_fit_growth`): the curve rising from a floor is tested against the same
    line, fitted to the same months from the same start."""
    return getattr(fit, "_forecast_line", None)


def growth_problem(fit: TrendFit, settings: ModelSettings) -> GrowthProblem | None:
    """The series' fits to make, None when it is too short for the curve."""
    obs = np.flatnonzero(fit.observed_mask)
    if len(obs) < max(settings.min_periods_for_trend, 12):
        return None
    y, n = fit.successes[obs], fit.trials[obs]
    t0, t1 = fit.t_start[obs], fit.t_end[obs]
    T = float(fit.t_end[obs[-1]])
    tc = (t0 + t1) / 2 - T
    off = season_offset(fit, observed_design(fit)[1])
    share = (y[-12:].sum() + 0.5) / (n[-12:].sum() + 1.0)
    top = float(np.clip(max(share, np.max((y[-12:] + 0.5) / (n[-12:] + 1.0))), 0.02, 0.98))
    prior = (float(special.logit((1 + top) / 2)), settings.forecast_growth_prior_sd)
    df = len(y) - 3 - int(np.sum([not nm.startswith(TREND_COLUMNS) for nm in fit.names]))
    if df < 3:
        return None
    # the straight logit line (c = 1) from a linear start, then the curve from a ceiling a little above the top
    lin = linalg.polyfit1(tc, np.log((y + 0.5) / (n - y + 0.5)) - off)  # np.polyfit(…, 1)'s numbers
    c0 = (1 + 2 * top) / 3
    u0 = np.clip((y + 0.5) / (n + 1.0) / c0, 0.02, 0.98)
    s0 = linalg.polyfit1(tc, special.logit(u0) - off)
    curve0 = np.array([s0[1], s0[0], special.logit(c0)])
    return GrowthProblem(y, n, tc, off, np.ones(len(y)), T, prior, df, np.array([lin[1], lin[0]]), curve0)


def growth_result(
    prob: GrowthProblem, f_line: float, theta: np.ndarray, info: np.ndarray, p: np.ndarray, settings: ModelSettings
) -> GrowthFit | None:
    """The growth curve from the straight line's −log-likelihood and the curve's fit (θ, information, p), None
    when it is not identified (the module docstring)."""
    y, n, w, df = prob.y, prob.n, prob.w, prob.df
    # quasi-likelihood: the dispersion φ from the Pearson residuals scales the deviance drop and the covariance
    r2, phi = pearson_phi(y, n, p, df)
    curvature = 2 * (f_line - neg_loglik(y, n, p, w)) / phi
    if (
        theta[1] <= 0
        or special.expit(theta[2]) > settings.forecast_growth_max_ceiling
        or curvature < _chi2_1(settings.forecast_growth_test_level)
    ):
        return None
    try:
        cov = np.linalg.inv(info) * phi
    except np.linalg.LinAlgError:
        return None
    rho = williams_rho(r2, n, df)
    return GrowthFit(theta, cov, prob.T, rho, df, float(curvature))


def growth_eta_draws(
    g: GrowthFit, fit: TrendFit, settings: ModelSettings, t0: np.ndarray, t1: np.ndarray, size: int, rng
) -> np.ndarray:
    """Draws (size, m) of the logit of the share's mean in forecast periods [t0, t1): parameters and drift."""
    vals, vecs = linalg.eigh(g.cov)
    z = rng.standard_normal((size, 3)) @ (vecs * np.sqrt(np.maximum(vals, 0.0))).T
    th = g.theta + z / np.sqrt(rng.chisquare(g.df, size) / g.df)[:, None]
    dt = np.maximum((t0 + t1) / 2 - g.T, 0.0)
    zz = th[:, :1] + th[:, 1:2] * ((t0 + t1) / 2 - g.T)[None, :]
    log_m = special.log_expit(th[:, 2:3]) + special.log_expit(zz)
    eta = log_m - np.log1p(-np.minimum(np.exp(log_m), 1 - 1e-12)) + season_offset(fit, fit.X(t0, t1))[None, :]
    return eta + rng.standard_normal(eta.shape) * (settings.forecast_growth_drift_sd * np.sqrt(dt))[None, :]


def growth_draws(
    fit: TrendFit,
    settings: ModelSettings,
    t0: np.ndarray,
    t1: np.ndarray,
    volume: np.ndarray,
    size: int,
    rng: np.random.Generator,
    mix: Callable[[int, np.random.Generator], np.ndarray],
    other: Callable[[int, np.random.Generator], np.ndarray],
    steps: Callable[[int, np.random.Generator], np.ndarray | None],
) -> np.ndarray:
    """Draws (size, m) of the observed rate: when the curve is identified, the growth curve's (a share
    ``forecast_growth_weight`` of them) and the rest from ``mix(k, rng)`` (the method ``forecast_growth_mix``);
    otherwise ``other(size, rng)`` alone (the method ``forecast_growth_else``). ``steps(k, rng)`` gives the logit
    steps at configured breaks ahead (None when there is none)."""
    g = fit_growth(fit, settings)
    if g is None:
        return other(size, rng)
    curve = lambda k, r: growth_eta_draws(g, fit, settings, t0, t1, k, r)  # noqa: E731
    return mixed_curve_draws(fit, settings, volume, size, rng, g.rho, curve, mix, steps)


def mixed_curve_draws(
    fit: TrendFit,
    settings: ModelSettings,
    volume: np.ndarray,
    size: int,
    rng: np.random.Generator,
    rho: float,
    curve: Callable[[int, np.random.Generator], np.ndarray],
    mix: Callable[[int, np.random.Generator], np.ndarray],
    steps: Callable[[int, np.random.Generator], np.ndarray | None],
) -> np.ndarray:
    """Draws (size, m) of the observed rate from an identified curve mixed with another method: a share
    ``forecast_growth_weight`` from the curve's logit draws ``curve(k, rng)`` (plus the steps at breaks ahead,
    ``steps(k, rng)``) observed with the curve's overdispersion ``rho`` (or the series' month noise, per
    ``forecast_noise``), the rest from ``mix``; in that order on
    ``rng``, so that a series' draws do not depend on which curve gave them."""
    k = int(round(size * settings.forecast_growth_weight))
    if k == 0:
        return mix(size, rng)
    eta = curve(k, rng)
    st = steps(k, rng)
    if st is not None:
        eta = eta + st
    noisy = copy.copy(fit)
    noisy.rho = rho
    zero = np.zeros((len(eta[0]), len(fit.params)))
    out = predictive_draws(noisy, zero, volume, k, rng, eta, fit_noise(fit, settings))
    return out if k == size else np.vstack([out, mix(size - k, rng)])


def growth_mean(
    fit: TrendFit, settings: ModelSettings, t0: np.ndarray, t1: np.ndarray, eta: np.ndarray, se: np.ndarray
) -> tuple[np.ndarray, np.ndarray]:
    """(logit mean, its se) of forecast periods [t0, t1) given those of the method mixed in (``eta``, ``se``): unchanged
    when the growth curve is not identified, else the moments of the mixture the draws come from (the curve's
    logit mean and delta-method se with weight ``forecast_growth_weight``, (``eta``, ``se``) with the rest)."""
    g = fit_growth(fit, settings)
    if g is None or not len(t0):
        return eta, se
    z = g.theta[0] + g.theta[1] * ((t0 + t1) / 2 - g.T)
    log_m = special.log_expit(g.theta[2]) + special.log_expit(z)
    m = np.minimum(np.exp(log_m), 1 - 1e-12)
    eg = log_m - np.log1p(-m) + season_offset(fit, fit.X(t0, t1))
    u, c = special.expit(z), g.ceiling
    J = np.column_stack([(1 - u), ((t0 + t1) / 2 - g.T) * (1 - u), np.full_like(u, 1 - c)]) / (1 - m)[:, None]
    sg = np.sqrt(np.maximum(np.einsum("ij,jk,ik->i", J, g.cov, J), 0.0))
    w = settings.forecast_growth_weight
    mean = w * eg + (1 - w) * eta
    return mean, np.sqrt(w * sg**2 + (1 - w) * se**2 + w * (1 - w) * (eg - eta) ** 2)
