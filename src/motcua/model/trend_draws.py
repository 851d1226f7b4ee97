"""Predictions of a fitted trend: the mean rate with its confidence interval, draws of the coefficients,
of future changes of slope, and of the observed rate (parameter uncertainty plus beta-binomial noise),
and the band quantiles of those draws. Arrays hold one column per period predicted, one row per draw.
"""

from __future__ import annotations

from functools import lru_cache
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from motcua.model.month_noise import MonthNoise
    from motcua.model.trend import TrendFit

import numpy as np
from scipy import special

from motcua.model import linalg
from motcua.model.design import hinge_mean


def predict_mean(fit: TrendFit, X: np.ndarray, level: float | None = None) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """Fitted rate and its confidence interval (t quantile, on the logit scale) for design rows X."""
    eta = X @ fit.params
    se = np.sqrt(np.maximum(np.einsum("ij,jk,ik->i", X, fit.cov, X), 0.0))
    q = fit.tq(level)
    return special.expit(eta), special.expit(eta - q * se), special.expit(eta + q * se)


def param_draws(fit: TrendFit, size: int, rng: np.random.Generator) -> np.ndarray:
    """Draws of the coefficients from a multivariate t (df = residual df), shape (size, k)."""
    k = len(fit.params)
    vals, vecs = linalg.eigh(fit.cov)
    L = vecs * np.sqrt(np.maximum(vals, 0.0))
    z = rng.standard_normal((size, k)) @ L.T
    g = np.sqrt(rng.chisquare(max(fit.df_resid, 1), size) / max(fit.df_resid, 1))
    return fit.params + z / g[:, None]


def future_bends(
    fit: TrendFit, t0: np.ndarray, t1: np.ndarray, size: int, rng: np.random.Generator, months: int
) -> np.ndarray | None:
    """Logit shifts (size, m) from changes of slope still to come, for a trend that has bent.

    A series whose slope changed in the past may change it again: at the
    forecast's start and every ``months`` months after, a change is drawn from
    N(0, s²), s the root mean square of the fitted changes, and enters the
    forecast as (t − κ)₊ — so the band widens with the horizon instead of
    trusting today's pace for a year and a half. None for a straight trend.
    """
    idx = [j for j, nm in enumerate(fit.names) if nm.startswith("bend_")]
    if not idx or not len(t0):
        return None
    sd = float(np.sqrt(np.mean(fit.params[idx] ** 2)))
    start = float(t0.min())
    knots = np.arange(start, float(t1.max()), months / 12.0)
    H = np.column_stack([hinge_mean(t0, t1, k) for k in knots])  # (m, K)
    C = rng.standard_normal((size, len(knots))) * sd
    return C @ H.T


#: Where a skew-corrected normal stands in for an exact draw (:func:`predictive_draws`): a beta whose smaller
#: shape is at least this, a binomial whose variance m·q·(1 − q) is at least this. Largest distance between
#: the distribution functions, exact against approximate, over every beta / binomial past the threshold
#: (bench/README.md, run 8): 0.0059 / 0.0033; the plain normal used before, at 50 shapes / events, 0.018 / 0.009.
NORMAL_BETA_MIN_SHAPE = 10.0
NORMAL_BINOMIAL_MIN_VARIANCE = 5.0


def skew_normal(z: np.ndarray, gamma: np.ndarray) -> np.ndarray:
    """Cornish–Fisher: a standard normal z moved to a distribution of skewness ``gamma`` (first order)."""
    return z + gamma * (z * z - 1.0) / 6.0


def beta_noise(p: np.ndarray, c: float | np.ndarray, rng: np.random.Generator) -> np.ndarray:
    """q ~ Beta(p·c, (1 − p)·c): exact where the smaller shape is under :data:`NORMAL_BETA_MIN_SHAPE`, a
    skew-corrected normal with the beta's mean, variance and skewness elsewhere (kept in 0–1). ``c`` a number,
    or an array broadcast to p's shape (a precision per draw)."""
    small = np.minimum(p, 1.0 - p) * c < NORMAL_BETA_MIN_SHAPE
    c_all, per = c, np.ndim(c) > 0
    if per:
        c = np.broadcast_to(c, p.shape)
    q = np.empty_like(p)
    n_small = int(np.count_nonzero(small))
    if n_small < p.size:
        pa = p if n_small == 0 else p[~small]
        if per:
            c = c if n_small == 0 else c[~small]
        pq = pa * (1.0 - pa)
        gamma = 2.0 * (1.0 - 2.0 * pa) * np.sqrt(c + 1.0) / ((c + 2.0) * np.sqrt(pq))
        v = np.minimum(
            np.maximum(pa + np.sqrt(pq / (c + 1.0)) * skew_normal(rng.standard_normal(pa.shape), gamma), 0.0), 1.0
        )
        if n_small == 0:
            return v
        q[~small] = v
    ps, cs = p[small], (np.broadcast_to(c_all, p.shape)[small] if per else c_all)
    q[small] = rng.beta(np.maximum(ps * cs, 1e-9), np.maximum((1.0 - ps) * cs, 1e-9))
    return q


def binomial_noise(m: np.ndarray, q: np.ndarray, rng: np.random.Generator) -> np.ndarray:
    """y ~ Binomial(m, q) as floats: exact where m·q·(1 − q) is under :data:`NORMAL_BINOMIAL_MIN_VARIANCE`,
    elsewhere a skew-corrected normal rounded to a count in 0–m (the rounding is the continuity correction)."""
    mq = m * q
    var = mq * (1.0 - q)
    small = var < NORMAL_BINOMIAL_MIN_VARIANCE
    y = np.empty_like(q)
    n_small = int(np.count_nonzero(small))
    if n_small < q.size:
        big = ~small
        mu, v, qb, mb = (mq, var, q, m) if n_small == 0 else (mq[big], var[big], q[big], m[big])
        sd = np.sqrt(v)
        draw = np.rint(mu + sd * skew_normal(rng.standard_normal(mu.shape), (1.0 - 2.0 * qb) / sd))
        draw = np.minimum(np.maximum(draw, 0), mb)  # np.clip's, without its dispatch
        if n_small == 0:
            return draw
        y[big] = draw
    y[small] = rng.binomial(m[small], q[small])
    return y


def predictive_draws(
    fit: TrendFit,
    X: np.ndarray,
    volume: np.ndarray,
    size: int,
    rng: np.random.Generator,
    eta_shift: np.ndarray | None = None,
    noise: MonthNoise | None = None,
) -> np.ndarray:
    """Draws of the observed rate in periods X with ``volume`` expected trials, shape (size, m).

    Parameter uncertainty (multivariate t) plus beta-binomial noise with the
    fitted ρ: q ~ Beta(p·c, (1 − p)·c) with c = (1 − ρ)/ρ, then y ~ Binomial(m, q).
    Each step is drawn exactly where it is skewed or discrete (a beta's smaller
    shape under 10, a binomial's variance under 5) and from a normal with the
    same mean, variance and skewness (Cornish–Fisher) elsewhere: its
    distribution function is then within 0.006 (beta) and 0.0033 (binomial) of
    the exact one — closer than the plain normal used before at 50 shapes or
    events, and inside the Monte Carlo error of 1 000 draws' 2.5 % quantile.
    Where the volume is 0, the draw is the mean rate. ``noise`` (a series' month noise,
    :mod:`motcua.model.month_noise`) replaces the fitted ρ: a logit-normal step of sd σ, then ρ's beta.
    """
    B = param_draws(fit, size, rng)
    eta = B @ X.T
    if eta_shift is not None:
        eta = eta + eta_shift
    if noise is None:
        return month_draws(eta, volume, fit.rho, 0.0, rng)
    return month_draws(eta, volume, noise.rho, noise.sigma, rng, noise.df, noise.binomial)


def month_draws(
    eta: np.ndarray,
    volume: np.ndarray,
    rho: float,
    sigma: float,
    rng: np.random.Generator,
    df: int = 0,
    binomial: float = 1.0,
) -> np.ndarray:
    """Draws (size, m) of the observed rate of months with ``volume`` expected trials around draws ``eta`` of their
    mean's logit: logit-normal noise of sd σ (none at 0), beta-binomial with ρ (none at 0), binomial. Where the
    volume is 0, the mean rate (with the logit-normal step). ``df`` > 0: σ² and ρ were estimated on df degrees of
    freedom, and each draw scales them by df / χ²(df) (their uncertainty: a t-like spread, as for a variance
    estimated from data). ``binomial`` < 1: the binomial step's deviation from q scaled so that its variance is
    that share of the binomial's (counts less noisy than the binomial), likewise scaled per draw by df."""
    g = None
    if df > 0 and (sigma > 0 or rho > 1e-9 or binomial < 1.0):
        g = (df / rng.chisquare(df, eta.shape[0]))[:, None]
    if sigma > 0:
        eta = eta + (sigma if g is None else sigma * np.sqrt(g)) * rng.standard_normal(eta.shape)
    p = special.expit(eta)
    m = np.broadcast_to(np.maximum(np.rint(volume), 0).astype(np.int64), p.shape)
    if rho > 1e-9 and g is not None:
        r = np.minimum(rho * g, 0.999)
        q = beta_noise(p, (1.0 - r) / r, rng)
    else:
        q = beta_noise(p, (1.0 - rho) / rho, rng) if rho > 1e-9 else p
    y = binomial_noise(m, q, rng)
    with np.errstate(invalid="ignore", divide="ignore"):
        r = np.where(m > 0, y / np.maximum(m, 1), p)
    if binomial < 1.0:
        b = binomial if g is None else np.minimum(binomial * g, 1.0)
        r = np.minimum(np.maximum(q + np.sqrt(b) * (r - q), 0.0), 1.0)
    return r


def band_quantiles(draws: np.ndarray, a: float) -> tuple[np.ndarray, np.ndarray]:
    """The ``a`` and ``1 − a`` quantiles of draws (size, m) per column: the numbers of
    ``np.quantile(draws, [a, 1 - a], axis=0)`` (linear interpolation between order statistics, the same
    arithmetic), from one partition of the columns laid out contiguously — several times faster for the few
    columns of a series' forecast. A 1-d array gives two floats' arrays of shape (). NaN anywhere: numpy's own.
    """
    x = np.asarray(draws, float)
    if x.ndim == 1:
        lo, hi = band_quantiles(x[:, None], a)
        return lo[0], hi[0]
    S = x.shape[0]
    if S == 0 or x.shape[1] == 0 or np.isnan(x).any():
        q = np.quantile(x, [a, 1 - a], axis=0)
        return q[0], q[1]
    below, above, gamma, kth = _band_positions(S, a)
    part = np.partition(np.ascontiguousarray(x.T), kth, axis=1)
    out = []
    for k in range(2):
        lo_v, hi_v, t = part[:, below[k]], part[:, above[k]], gamma[k]
        diff = hi_v - lo_v
        out.append(hi_v - diff * (1 - t) if t >= 0.5 else lo_v + diff * t)
    return out[0], out[1]


@lru_cache(maxsize=64)
def _band_positions(S: int, a: float) -> tuple[tuple[int, int], tuple[int, int], np.ndarray, list[int]]:
    """For :func:`band_quantiles` of S draws: the order statistics below and above each quantile (as numpy's
    quantile computes them), the interpolation weights, and the sorted positions to partition at."""
    v = (S - 1) * np.array([a, 1 - a])
    prev = np.floor(v)
    below = prev.astype(np.intp)
    above = np.minimum(below + 1, S - 1)
    below = np.clip(below, 0, S - 1)
    gamma = v - prev
    gamma.flags.writeable = False
    kth = sorted({*below.tolist(), *above.tolist()})
    return tuple(below.tolist()), tuple(above.tolist()), gamma, kth
