"""A binomial-logit GLM fitted by IRLS in plain numpy: statsmodels' algorithm without its wrapper.

Grain: one fit = one series' observed periods (plus the prior pseudo-records) as
rows, successes ``y`` of ``n`` trials with variance weights ``w`` and an offset.

It repeats, step for step, what ``statsmodels.GLM(..., family=Binomial(),
var_weights=w, offset=o).fit(method="IRLS", tol=tol, start_params=start)``
computes: the same start (μ₀ = (y/n + 0.5)/2, or the linear predictor of
``start``), the same working response and weights (with statsmodels' clipping of
probabilities at machine epsilon), a least-squares solve per step, the same
stopping rule (|Δ deviance| ≤ tol, at most ``maxiter`` steps), and a final
pseudo-inverse solve of the last step's weighted problem that gives the
estimates and their unscaled covariance (pinv(X̃) pinv(X̃)ᵀ). Estimates agree
with statsmodels' to rounding (~1e-13 relative on the model's series); a fit
costs a few hundred microseconds instead of several milliseconds, since no model
object, rank check or result wrapper is built. Rank-deficient designs are
solved as statsmodels solves them (minimum-norm), without its warning.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from motcua.model import linalg

_EPS = np.finfo(float).eps


@dataclass
class IrlsResult:
    """Estimates, their unscaled covariance, the number of steps and whether the deviance settled."""

    params: np.ndarray
    normalized_cov_params: np.ndarray
    iterations: int
    converged: bool


def _clip(p: np.ndarray) -> np.ndarray:
    # np.clip's result, without its dispatch overhead
    return np.minimum(np.maximum(p, _EPS), 1.0 - _EPS)


def _deviance(prop: np.ndarray, mu: np.ndarray, n: np.ndarray, w: np.ndarray) -> float:
    """Binomial deviance of proportions ``prop`` at means ``mu`` (as statsmodels' Binomial family)."""
    a = np.maximum(prop / (mu + 1e-20), _EPS)
    b = np.maximum((1.0 - prop) / (1.0 - mu + 1e-20), _EPS)
    resid = 2 * n * (prop * np.log(a) + (1 - prop) * np.log(b))
    return float(np.add.reduce(resid * w))  # statsmodels' × freq_weights (1) / scale (1): exact no-ops


def _pinv(x: np.ndarray, rcond: float = 1e-15) -> np.ndarray:
    """Moore–Penrose pseudo-inverse by SVD, singular values below ``rcond`` × the largest set to 0."""
    u, s, vt = np.linalg.svd(x, False)
    cutoff = rcond * np.maximum.reduce(s)
    big = s > cutoff
    s = np.where(big, 1.0 / np.where(big, s, 1.0), 0.0)
    return np.dot(np.transpose(vt), np.multiply(s[:, np.newaxis], np.transpose(u)))


def fit_binomial(
    y: np.ndarray,
    n: np.ndarray,
    X: np.ndarray,
    w: np.ndarray,
    start: np.ndarray | None = None,
    offset: np.ndarray | None = None,
    *,
    maxiter: int = 100,
    tol: float = 1e-9,
) -> IrlsResult:
    """Fit logit P(success) = X β + offset to ``y`` successes of ``n`` trials with variance weights ``w``.

    Raises ``ValueError`` where statsmodels does: a NaN first deviance, or a
    non-finite working response or weight during the steps.
    """
    n = np.asarray(n, float)
    prop = np.asarray(y, float) * 1.0 / n
    X = np.asarray(X, float)
    w = np.asarray(w, float)
    off = np.zeros(len(prop)) if offset is None else np.asarray(offset, float)
    if start is None:
        mu = (prop + 0.5) / 2
        pc = _clip(mu)
        lin = np.log(pc / (1.0 - pc))
    else:
        lin = np.dot(X, start) + off
        mu = 1.0 / (1.0 + np.exp(-lin))
    dev = _deviance(prop, mu, n, w)
    if np.isnan(dev):
        raise ValueError("The first guess on the deviance function returned a nan.")
    converged = False
    steps = 0
    wts = zendog = None
    for step in range(maxiter):
        steps = step + 1
        pc = _clip(mu)
        deriv = 1.0 / (pc * (1 - pc))
        wts = w * n * (1.0 / (deriv**2 * (pc * (1 - pc))))  # the variance clips μ as the link does
        zendog = lin + deriv * (prop - mu) - off
        half = np.sqrt(wts)
        if not np.isfinite(half).all():
            raise ValueError("NaN, inf or invalid value detected in weights, estimation infeasible.")
        if not np.isfinite(zendog).all():
            raise ValueError("NaN, inf or invalid value detected in endog, estimation infeasible.")
        beta = linalg.lstsq(half[:, None] * X, half * zendog, -1.0)  # np.linalg.lstsq's, without its wrapper
        lin = np.dot(X, beta)
        lin += off
        mu = 1.0 / (1.0 + np.exp(-lin))
        new_dev = _deviance(prop, mu, n, w)
        if new_dev == dev or abs(new_dev - dev) <= tol:  # np.allclose(dev, new_dev, atol=tol, rtol=0)
            converged = True
            dev = new_dev
            break
        dev = new_dev
    half = np.sqrt(wts)
    pinv = _pinv(half[:, None] * X)
    params = pinv.dot(half * zendog)
    cov = np.dot(pinv, np.transpose(pinv))
    return IrlsResult(params=params, normalized_cov_params=cov, iterations=steps, converged=converged)
