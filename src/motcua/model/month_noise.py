"""The month noise of a series' forecast draws: how far a month's observed share falls from its mean, per series.

A month of n dossiers whose mean share is p is drawn in three steps: its logit takes N(0, σ²) (logit-normal noise,
the share's variance ∝ (p(1 − p))²), the share q then a Beta with intra-month correlation ρ (beta-binomial noise,
variance ∝ p(1 − p)), the count Binomial(n, q). Either of σ, ρ may be 0; both 0 is the binomial, the floor. The
count's variance is

    Var(y) = n · (1 + (n − 1) · ρ) · (m(1 − m) − v) + n² · v

with m, v the mean and variance of expit(logit p + σ·z) (Gauss–Hermite, exact where the delta method's
σ²(p(1 − p))² is 10–30 % off at σ = 0.3–0.5 away from p = ½).

Estimated from the fitted trend's residuals e = y − n·p over the observed months (p the fitted rate) by moment
matching with the trend's residual degrees of freedom, Σ e² / Var(y) = df (Williams' equation, for ρ alone
the trend fit's own estimator). The excess over the binomial is split between the two components by a share
s, ρ = (1 − s)·τ and σ² = s·τ / mean(p(1 − p)), and the scale τ solves the equation for each s tried; among
them the one of least Σ log Var(y) wins — the Gaussian pseudo-likelihood of the residuals, the other term being
df at every solution. How the residuals' variance grows with p(1 − p) tells the two apart: linearly for the
beta-binomial, quadratically for the logit-normal, so a series that moves across shares (an adoption curve)
shows which it is; a series held at one share cannot, and either then serves alike.

``forecast_noise`` (config/model.yaml) says which s are tried: ``beta_binomial`` 0 (ρ the trend fit's own, the
draws as before this module), ``logit_normal`` 1, ``auto`` 0 or 1, ``combined`` 0, ¼, ½, ¾, 1.
"""

from __future__ import annotations

from dataclasses import dataclass
from functools import lru_cache
from typing import TYPE_CHECKING

import numpy as np
from scipy import optimize, special, stats

if TYPE_CHECKING:
    from motcua.model.settings import ModelSettings
    from motcua.model.trend import TrendFit

#: Gauss–Hermite nodes for the moments of a logit-normal share (probabilists' weights, summing to 1).
_NODES = 10
#: The shares s of the excess variance put on the logit-normal component, per ``forecast_noise``.
SHARES = {"beta_binomial": (0.0,), "logit_normal": (1.0,), "auto": (0.0, 1.0), "combined": (0.0, 0.25, 0.5, 0.75, 1.0)}
MAX_SIGMA = 3.0  # the largest logit sd the estimator returns


@dataclass(frozen=True)
class MonthNoise:
    """A series' month noise: ρ (beta-binomial), σ (logit-normal sd), and the share s of the excess chosen."""

    rho: float = 0.0
    sigma: float = 0.0
    share: float = 0.0
    df: int = 0  # the degrees of freedom they were estimated on
    binomial: float = 1.0  # below 1: the binomial deviation scaled by it (variance), for counts less noisy than it


@lru_cache(maxsize=1)
def _hermite() -> tuple[np.ndarray, np.ndarray]:
    z, w = np.polynomial.hermite_e.hermegauss(_NODES)
    return z, w / w.sum()


def logit_normal_moments(eta: np.ndarray, sigma: float) -> tuple[np.ndarray, np.ndarray]:
    """(mean, variance) of expit(eta + σ·z), z standard normal, elementwise (Gauss–Hermite)."""
    if sigma <= 0:
        m = special.expit(eta)
        return m, np.zeros_like(m)
    z, w = _hermite()
    q = special.expit(eta[:, None] + sigma * z[None, :])
    m = q @ w
    return m, np.maximum((q * q) @ w - m * m, 0.0)


def count_variance(n: np.ndarray, p: np.ndarray, rho: float, sigma: float) -> np.ndarray:
    """Var(y) of counts of n trials with mean share p (its logit the centre of the logit-normal step)."""
    m, v = logit_normal_moments(special.logit(p), sigma)
    return n * (1.0 + (n - 1.0) * rho) * np.maximum(m * (1.0 - m) - v, 0.0) + n * n * v


def _solve(e2: np.ndarray, n: np.ndarray, p: np.ndarray, df: int, s: float) -> MonthNoise:
    """The month noise with share s whose scale τ solves Σ e² / Var(y) = df (τ = 0 when the binomial suffices)."""
    pq = float(np.mean(p * (1.0 - p)))

    def parts(tau: float) -> tuple[float, float]:
        return (1.0 - s) * tau, float(np.sqrt(s * tau / max(pq, 1e-12)))

    def excess(tau: float) -> float:
        rho, sigma = parts(tau)
        return float(np.sum(e2 / np.maximum(count_variance(n, p, rho, sigma), 1e-12))) - df

    if excess(0.0) <= 0:
        return MonthNoise(0.0, 0.0, s)
    hi = min(1.0 / (1.0 - s) if s < 1 else np.inf, MAX_SIGMA**2 * pq / s if s > 0 else np.inf)
    if excess(hi) > 0:
        return MonthNoise(*parts(hi), s)
    tau = float(optimize.brentq(excess, 0.0, hi, xtol=1e-10, rtol=1e-6))
    return MonthNoise(*parts(tau), s)


def estimate_noise(y: np.ndarray, n: np.ndarray, p: np.ndarray, df: int, mode: str, below: float = 0.0) -> MonthNoise:
    """The month noise of counts y of n trials around fitted shares p (observed months only; df the fit's residual
    degrees of freedom), the shares of ``SHARES[mode]`` tried, the one of least Σ log Var(y) kept.

    Counts less noisy than the binomial (rounded from a share rather than counted, say) have Σ e² / (n·p(1 − p))
    below df; with ``below`` > 0, when it is below the χ²(df) quantile ``below`` (too far to be chance), the
    binomial's variance is scaled by it over df (at least 1 %) instead of kept as the floor."""
    y, n = np.asarray(y, float), np.asarray(n, float)
    p = np.clip(np.asarray(p, float), 1e-9, 1 - 1e-9)
    if df <= 0 or not len(y):
        return MonthNoise()
    e2 = (y - n * p) ** 2
    best, best_ll = MonthNoise(), np.inf
    for s in SHARES[mode]:
        got = _solve(e2, n, p, df, s)
        if got.rho == 0.0 and got.sigma == 0.0:  # no excess over the binomial: every share gives the binomial
            return _below_binomial(e2, n, p, df, below)
        ll = float(np.sum(np.log(np.maximum(count_variance(n, p, got.rho, got.sigma), 1e-12))))
        if ll < best_ll:
            best, best_ll = got, ll
    return MonthNoise(best.rho, best.sigma, best.share, int(df))


def _below_binomial(e2: np.ndarray, n: np.ndarray, p: np.ndarray, df: int, below: float) -> MonthNoise:
    """The binomial, or with ``below`` > 0 and counts significantly less noisy than it, the binomial scaled down."""
    if below <= 0:
        return MonthNoise()
    x2 = float(np.sum(e2 / np.maximum(n * p * (1.0 - p), 1e-12)))
    if x2 >= _chi2_quantile(below, int(df)):
        return MonthNoise()
    return MonthNoise(df=int(df), binomial=max(x2 / df, 0.01))


@lru_cache(maxsize=64)
def _chi2_quantile(level: float, df: int) -> float:
    return float(stats.chi2.ppf(level, df))


def fit_noise(fit: TrendFit, settings: ModelSettings) -> MonthNoise | None:
    """The month noise of a fitted series' forecast draws under ``forecast_noise``; None for ``beta_binomial``
    (the draws then read the fit's own ρ, as they always did). Estimated from the fit's residuals (of the fit
    itself where the forecast reads a copy with its seasonality shrunk) and kept on it per mode."""
    mode = settings.forecast_noise
    if mode == "beta_binomial" or not fit.ok:
        return None
    base = getattr(fit, "_season_shrunk_of", None) or fit
    kept = base.__dict__.setdefault("_month_noise", {})
    key = (mode, settings.forecast_noise_below)
    got = kept.get(key)
    if got is None:
        obs = base.observed_mask
        y, n, p = base.successes[obs], base.trials[obs], base.fitted[obs]
        got = estimate_noise(y, n, p, base.df_resid, mode, settings.forecast_noise_below)
        kept[key] = got
    return got
