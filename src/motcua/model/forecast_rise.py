"""Forecast of an adoption curve still rising from its floor (``forecast_growth_floor``, growth method).

The growth curve of :mod:`motcua.model.forecast_growth`, c · expit(a + b·t), starts at 0 %: on the logit scale
it is a straight line bending down towards its ceiling, so it follows a share that is levelling off. A share
that sat for years at a floor of a few per cent (paper filing, a handful of online dossiers) and has only begun
to climb bends the other way: its logit is accelerating, the curve without a floor is not identified there,
and the damped and Kalman trends that then forecast it fade the slope while the share speeds up: the held-out
months fall above their intervals, more often the further ahead.

The curve here adds the floor f: the deseasonalised share is f + (c − f) · expit(a + b·(t − T)) (T the end of
the data), the month's share that with the month-of-year seasonality and the steps at configured breaks of the
fitted trend added on the logit scale, as for the growth curve. Before the curve's midpoint the data say little
about its ceiling c, so c is not fitted but integrated over: for each of :data:`GRID` cells of logit c between
the last year's share and ``forecast_growth_max_ceiling``, θ = (a, b, logit f) is fitted to the monthly
successes/trials by quasi-likelihood (binomial, scaled by the dispersion φ of the best cell's Pearson
residuals; a weak normal prior of sd ``forecast_growth_prior_sd`` on logit f centred on the first year's
share), and the cell is weighted by its profile quasi-likelihood, the growth curve's prior on logit c (centred
halfway between the highest recent share and 1, sd ``forecast_growth_prior_sd``) and the Laplace volume of θ.
A ceiling the data do not yet show thus keeps its prior's spread in the forecast: the band is wide where the
future is open, not narrow and wrong (one Laplace fit of all four parameters put the ceiling at a noisy
maximum and covered two thirds of such months).

It is used only where the growth curve without a floor is not identified and this one is: rising (b > 0),
still below the midpoint of its rise at the end of the data (a < 0: accelerating), and beating the straight
logit line by a drop in scaled deviance above the χ²₂ quantile at ``forecast_growth_test_level`` (two more
parameters than the line), all at the best cell. Then, as for the growth curve, a share
``forecast_growth_weight`` of the draws comes from it (a cell by its weight, θ from its multivariate t, logit
drift ``forecast_growth_drift_sd`` per sqrt(year), beta-binomial month noise with the ρ of the best cell's
residuals) and the rest from the method ``forecast_growth_mix``.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from functools import lru_cache

import numpy as np
from scipy import special, stats

from motcua.model import linalg
from motcua.model.forecast_growth import (
    TREND_COLUMNS,
    fit_curve,
    memo_on_fit,
    mixed_curve_draws,
    neg_loglik,
    pearson_phi,
    season_offset,
    straight_line,
    williams_rho,
)
from motcua.model.forecast_kalman import observed_design
from motcua.model.settings import ModelSettings
from motcua.model.trend import TrendFit

#: Cells of the grid over the ceiling's logit, from the last year's share to the largest ceiling allowed.
GRID = 8


@dataclass(frozen=True)
class RiseFit:
    """The fitted curve, one row per point k of a grid over the ceiling c: θ_k = (a, b, logit f) fitted with c
    fixed at ``logit_c[k]``, their covariances, and the point's posterior weight (profile quasi-likelihood ×
    prior on logit c × the Laplace volume of the rest); the end of the data T, the overdispersion ρ of the
    best point's residuals, the residual degrees of freedom."""

    logit_c: np.ndarray
    theta: np.ndarray  # (GRID, 3)
    cov: np.ndarray  # (GRID, 3, 3)
    weight: np.ndarray  # (GRID,), sums to 1
    T: float
    rho: float
    df: int


def _curve(theta: np.ndarray, logit_c, tc: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """(deseasonalised share at times tc, its Jacobian in θ = (a, b, logit f)) for the ceiling expit(logit_c);
    θ and logit_c broadcast over leading axes."""
    u = special.expit(theta[..., 0:1] + theta[..., 1:2] * tc)
    c, f = special.expit(np.asarray(logit_c)[..., None]), special.expit(theta[..., 2:3])
    p = np.minimum(np.maximum(f + (c - f) * u, 1e-12), 1 - 1e-12)  # np.clip, without its dispatch
    du = (c - f) * u * (1 - u)
    J = np.empty((*du.shape, 3))  # the three columns, as np.stack of them broadcast would lay them out
    J[..., 0], J[..., 1], J[..., 2] = du, tc * du, (1 - u) * f * (1 - f)
    return p, J


def _eta(theta: np.ndarray, logit_c, tc: np.ndarray, off: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """(logit of the month's share, its Jacobian in θ)."""
    p, J = _curve(theta, logit_c, tc)
    return special.logit(p) + off, J / (p * (1 - p))[..., None]


def _fit_rise(y, n, tc, off, logit_c: float, theta, mu_f: float, prec: float, iters: int = 40):
    """Penalised Fisher scoring with step halving of θ = (a, b, logit f) at a fixed ceiling (prior N(mu_f,
    1/prec) on logit f); returns (θ, information matrix, −log-likelihood without the prior, p)."""
    P = np.diag([0.0, 0.0, prec])
    m0 = np.array([0.0, 0.0, mu_f])

    def objective(th):
        eta, J = _eta(th, logit_c, tc, off)
        p = special.expit(eta)
        d = th - m0
        return neg_loglik(y, n, p, None) + 0.5 * float(d @ P @ d), p, J

    f, p, J = objective(theta)
    for _ in range(iters):
        info = J.T @ (J * (n * p * (1 - p))[:, None]) + P
        grad = J.T @ (y - n * p) - P @ (theta - m0)
        try:
            step = np.linalg.solve(info, grad)
        except np.linalg.LinAlgError:
            break
        decrement = float(grad @ step)
        for _half in range(15):
            f_new, p_new, J_new = objective(theta + step)
            if np.isfinite(f_new) and f_new <= f + 1e-10:
                break
            step = step / 2
        else:
            break
        theta, f, p, J = theta + step, f_new, p_new, J_new
        if decrement < 1e-4:
            break
    info = J.T @ (J * (n * p * (1 - p))[:, None]) + P
    return theta, info, neg_loglik(y, n, p, None), p


@lru_cache(maxsize=8)
def _chi2_2(level: float) -> float:
    return float(stats.chi2.ppf(1 - level, 2))


def fit_rise(fit: TrendFit, settings: ModelSettings) -> RiseFit | None:
    """The rising curve with a floor of a fitted series, None when the data do not identify it (module
    docstring). Kept on the fit: a series asks for it more than once."""
    return memo_on_fit(fit, "_forecast_rise", settings, _rise)


def _rise(fit: TrendFit, settings: ModelSettings) -> RiseFit | None:
    prob = rise_problem(fit, settings)
    return None if prob is None else rise_result(prob, *_cells(prob), settings)


@dataclass(frozen=True)
class RiseProblem:
    """What the grid's fits of one series start from (:func:`rise_problem`): its observed months' successes,
    trials, times from the end T and seasonal offsets, the residual degrees of freedom, the grid over logit c,
    the priors' centres (logit c, logit f) and precision of logit f, the straight line's −log-likelihood and
    the first (highest) cell's start."""

    y: np.ndarray
    n: np.ndarray
    tc: np.ndarray
    off: np.ndarray
    df: int
    T: float
    grid: np.ndarray
    mu_c: float
    mu_f: float
    prec: float
    f_line: float
    theta0: np.ndarray


def rise_problem(fit: TrendFit, settings: ModelSettings) -> RiseProblem | None:
    """The series' grid of fits to make, None when the curve is not tried on it: too short, not rising from
    where it started, or a straight logit line that does not rise."""
    obs = np.flatnonzero(fit.observed_mask)
    if len(obs) < max(settings.min_periods_for_trend, 12):
        return None
    y, n = fit.successes[obs], fit.trials[obs]
    T = float(fit.t_end[obs[-1]])
    tc = (fit.t_start[obs] + fit.t_end[obs]) / 2 - T
    off = season_offset(fit, observed_design(fit)[1])
    df = len(y) - 4 - int(np.sum([not nm.startswith(TREND_COLUMNS) for nm in fit.names]))
    if df < 3:
        return None
    level = float(np.clip((y[-12:].sum() + 0.5) / (n[-12:].sum() + 1.0), 0.002, 0.98))  # the last year's share
    top = float(np.clip(max(level, np.max((y[-12:] + 0.5) / (n[-12:] + 1.0))), 0.02, 0.98))
    first = float(np.clip((y[:12].sum() + 0.5) / (n[:12].sum() + 1.0), 0.002, 0.9))
    if first >= top or top >= settings.forecast_growth_max_ceiling:
        return None  # not rising from where it started
    sd = settings.forecast_growth_prior_sd
    # the growth curve's straight line when it was fitted (the same months, start and fit: the prior on logit c
    # does not enter a straight line's fit)
    got = straight_line(fit)
    line, f_line = got if got is not None else _line(y, n, tc, off, sd)
    if line[1] <= 0:
        return None
    # the ceiling lies above the last year's share: GRID cells of its logit up to the largest allowed, by their middles
    lo, hi = special.logit(level), special.logit(settings.forecast_growth_max_ceiling)
    grid = lo + (hi - lo) * (np.arange(GRID) + 0.5) / GRID
    mu_c, mu_f = float(special.logit((1 + top) / 2)), float(special.logit(first))
    c0 = special.expit(grid[-1])  # the highest cell starts from a line through the shares rescaled to its ceiling
    u0 = np.clip(((y + 0.5) / (n + 1.0) - first) / (c0 - first), 0.01, 0.99)
    s0 = linalg.polyfit1(tc, special.logit(u0))
    return RiseProblem(y, n, tc, off, df, T, grid, mu_c, mu_f, 1 / sd**2, f_line, np.array([s0[1], s0[0], mu_f]))


def _line(y, n, tc, off, sd) -> tuple[np.ndarray, float]:
    """(θ, −log-likelihood) of the straight logit line from a linear start."""
    lin = linalg.polyfit1(tc, np.log((y + 0.5) / (n - y + 0.5)) - off)  # np.polyfit(…, 1)'s numbers
    line, _, f_line, _ = fit_curve(y, n, tc, off, np.ones(len(y)), np.array([lin[1], lin[0]]), (0.0, sd), False)
    return line, f_line


def _cells(prob: RiseProblem) -> tuple[list, list, list, list]:
    """The grid's fits (θ, information, −log-likelihood, p per cell, highest ceiling first), each starting
    from the last."""
    thetas, infos, nll, ps = [], [], [], []
    theta = prob.theta0
    for lc in prob.grid[::-1]:  # from the highest ceiling down, each fit starting from the last
        theta, info, f_k, p = _fit_rise(prob.y, prob.n, prob.tc, prob.off, lc, theta, prob.mu_f, prob.prec)
        thetas.append(theta)
        infos.append(info)
        nll.append(f_k)
        ps.append(p)
    return thetas, infos, nll, ps


def rise_result(prob: RiseProblem, thetas, infos, nll, ps, settings: ModelSettings) -> RiseFit | None:
    """The curve from the grid's fits (lists in :func:`_cells`' order, highest ceiling first), None when the
    best cell is not rising, past its midpoint or no better than the straight line (module docstring)."""
    y, n, df, grid, sd = prob.y, prob.n, prob.df, prob.grid, settings.forecast_growth_prior_sd
    thetas, infos, nll = np.array(thetas[::-1]), np.array(infos[::-1]), np.array(nll[::-1])
    best = int(np.argmin(nll))
    p = ps[::-1][best]
    r2, phi = pearson_phi(y, n, p, df)
    if (
        thetas[best, 1] <= 0
        or thetas[best, 0] >= 0  # past the midpoint of its rise: no longer accelerating
        or 2 * (prob.f_line - nll[best]) / phi < _chi2_2(settings.forecast_growth_test_level)
    ):
        return None
    sign, logdet = np.linalg.slogdet(infos)
    if np.any(sign <= 0):
        return None
    logw = -nll / phi - 0.5 * ((grid - prob.mu_c) / sd) ** 2 - 0.5 * logdet
    w = np.exp(logw - logw.max())
    covs = np.linalg.inv(infos) * phi
    return RiseFit(grid, thetas, covs, w / w.sum(), prob.T, williams_rho(r2, n, df), df)


def _draws(r: RiseFit, tc: np.ndarray, size: int, rng: np.random.Generator) -> np.ndarray:
    """Draws (size, m) of the deseasonalised share at times tc: a grid point by its weight, then θ from its
    multivariate t."""
    k = rng.choice(len(r.weight), size=size, p=r.weight)
    vals, vecs = np.linalg.eigh(r.cov[k])
    z = np.einsum("sij,sj->si", vecs * np.sqrt(np.maximum(vals, 0.0))[:, None, :], rng.standard_normal((size, 3)))
    th = r.theta[k] + z / np.sqrt(rng.chisquare(r.df, size) / r.df)[:, None]
    return _curve(th, r.logit_c[k], tc[None, :])[0]


def rise_draws(
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
    """Draws (size, m) of the observed rate: where the rising curve is identified, a share
    ``forecast_growth_weight`` from it and the rest from ``mix(k, rng)``; otherwise ``other(size, rng)``."""
    r = fit_rise(fit, settings)
    if r is None:
        return other(size, rng)
    tc = (t0 + t1) / 2 - r.T

    def curve(k: int, rng: np.random.Generator) -> np.ndarray:
        eta = special.logit(_draws(r, tc, k, rng)) + season_offset(fit, fit.X(t0, t1))[None, :]
        return eta + rng.standard_normal(eta.shape) * (settings.forecast_growth_drift_sd * np.sqrt(np.maximum(tc, 0.0)))

    return mixed_curve_draws(fit, settings, volume, size, rng, r.rho, curve, mix, steps)


def rise_mean(
    fit: TrendFit, settings: ModelSettings, t0: np.ndarray, t1: np.ndarray, eta: np.ndarray, se: np.ndarray
) -> tuple[np.ndarray, np.ndarray]:
    """(logit mean, its se) of forecast periods given those of the method mixed in (``eta``, ``se``): the
    moments of the mixture (the curve's logit mean and delta-method se with weight ``forecast_growth_weight``)."""
    r = fit_rise(fit, settings)
    if r is None or not len(t0):
        return eta, se
    er, J = _eta(r.theta, r.logit_c, (t0 + t1) / 2 - r.T, season_offset(fit, fit.X(t0, t1)))  # (GRID, m), (GRID, m, 3)
    var = np.einsum("kmi,kij,kmj->km", J, r.cov, J)
    mg = r.weight @ er
    vg = r.weight @ (np.maximum(var, 0.0) + er**2) - mg**2
    w = settings.forecast_growth_weight
    mean = w * mg + (1 - w) * eta
    return mean, np.sqrt(np.maximum(w * vg + (1 - w) * se**2 + w * (1 - w) * (mg - eta) ** 2, 0.0))
