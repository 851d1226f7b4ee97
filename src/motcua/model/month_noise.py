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
draws as before this module), ``logit_normal`` 1, ``auto`` 0 or 1, ``combined`` 0, ¼, ½, ¾, 1. The draws carry
the estimate's own uncertainty: each scales the excess by df / χ²(df) (a variance estimated on df degrees of
freedom). With ``forecast_noise_below`` > 0, counts significantly less noisy than the binomial (Σ e² / (n·p(1 − p))
below the χ²(df) quantile of that level: counts rounded from a share, say) are drawn with the binomial's
deviation scaled down to that ratio over df, instead of the binomial as a floor.
"""

from __future__ import annotations

from dataclasses import dataclass
from functools import lru_cache
from typing import TYPE_CHECKING

import numpy as np
from scipy import special, stats

if TYPE_CHECKING:
    from motcua.model.settings import ModelSettings
    from motcua.model.trend import TrendFit

#: Gauss–Hermite nodes for the moments of a logit-normal share (probabilists' weights, summing to 1).
_NODES = 6  # variance within 0.2 % of the exact one up to σ = 1, 2 % at 1.5
#: The shares s of the excess variance put on the logit-normal component, per ``forecast_noise``.
SHARES = {"beta_binomial": (0.0,), "logit_normal": (1.0,), "auto": (0.0, 1.0), "combined": (0.0, 0.25, 0.5, 0.75, 1.0)}
MAX_SIGMA = 3.0  # the largest logit sd the estimator returns
BELOW_MIN_VARIANCE, BELOW_MIN_SHARE = 5.0, 0.9  # where counts less noisy than the binomial can be told (see below)


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


def _variances(n: np.ndarray, eta: np.ndarray, rho: np.ndarray, sigma: np.ndarray) -> np.ndarray:
    """Var(y) of every month (columns) for each pair (ρ, σ) (rows): :func:`count_variance`, vectorised."""
    z, w = _hermite()
    q = special.expit(eta[None, :, None] + sigma[:, None, None] * z[None, None, :])
    m = q @ w
    v = np.maximum((q * q) @ w - m * m, 0.0)
    return n * (1.0 + (n - 1.0) * rho[:, None]) * np.maximum(m * (1.0 - m) - v, 0.0) + n * n * v


def _solve(e2: np.ndarray, n: np.ndarray, p: np.ndarray, df: int, shares: tuple[float, ...]) -> list[MonthNoise]:
    """Per share s, the month noise whose scale τ solves Σ e² / Var(y) = df (there is an excess over the binomial:
    the sum exceeds df at τ = 0). Σ e² / Var(y) falls as τ grows. The root is bracketed on a log grid of τ with
    the delta method's variance (σ²(p(1 − p))² for the logit-normal step: no Gauss–Hermite), then found on a fine
    log grid around that bracket with the exact variance, read by linear interpolation (within 0.1 % of τ); the
    whole grid is searched exactly where the fine one misses the root. τ stops at ρ = 1 or σ = :data:`MAX_SIGMA`."""
    eta, pq_i = special.logit(p), p * (1.0 - p)
    pq = max(float(np.mean(pq_i)), 1e-12)
    sh = np.asarray(shares, float)
    rows = np.arange(len(sh))
    with np.errstate(divide="ignore"):
        hi = np.minimum(np.where(sh < 1, 1.0 / (1.0 - sh), np.inf), np.where(sh > 0, MAX_SIGMA**2 * pq / sh, np.inf))

    def excess(tau: np.ndarray, exact: bool = True) -> np.ndarray:  # tau (S, T) → (S, T)
        rho, sig2 = (1.0 - sh)[:, None] * tau, sh[:, None] * tau / pq
        if exact:
            v = _variances(n, eta, rho.ravel(), np.sqrt(sig2.ravel())).reshape(*tau.shape, len(n))
        else:
            v = n * pq_i * (1.0 + (n - 1.0) * (rho[..., None] + sig2[..., None] * pq_i))
        return (e2 / np.maximum(v, 1e-12)).sum(axis=-1) - df

    def bracket(tau: np.ndarray, f: np.ndarray) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
        k = np.argmax(f <= 0, axis=1)  # the first point past the root (0: none, τ = 0 being short of it)
        return tau[rows, np.maximum(k - 1, 0)], tau[rows, k], k > 0

    coarse = hi[:, None] * _COARSE[None, :]
    a, b, found = bracket(coarse, excess(coarse, exact=False))
    a, b = np.where(found, a, hi * 1e-7), np.where(found, b, hi)
    fine = np.exp(
        np.log(np.maximum(a / 2, 1e-300))[:, None]
        + np.log(np.minimum(b * 2, hi) / np.maximum(a / 2, 1e-300))[:, None] * _FINE[None, :]
    )
    g = excess(fine)
    lo, up, ok = bracket(fine, g)
    ok &= g[rows, 0] > 0
    if not ok.all():  # the delta method's bracket missed: the whole grid, exactly
        gc = excess(coarse)
        lo2, up2, ok2 = bracket(coarse, gc)
        fine = np.where(
            ok[:, None],
            fine,
            coarse[:, :1] * 0 + lo2[:, None] + (up2 - lo2)[:, None] * np.linspace(0, 1, fine.shape[1]),
        )
        g = np.where(ok[:, None], g, excess(fine))
        lo, up, ok = bracket(fine, g)
        ok &= g[rows, 0] > 0
    out = []
    for i, s in enumerate(shares):
        if not ok[i]:
            t = float(hi[i])  # Σ e² / Var(y) above df even at the largest noise allowed
        else:
            j = int(np.argmax(g[i] <= 0))
            t0, t1, g0, g1 = fine[i, j - 1], fine[i, j], g[i, j - 1], g[i, j]
            t = float(t0 + (t1 - t0) * g0 / (g0 - g1))
        out.append(MonthNoise((1.0 - s) * t, float(np.sqrt(s * t / pq)), s))
    return out


#: The log grid of τ (as shares of its largest value, after 0) and the fine grid's points (log-spaced from a/2 to 2b).
_COARSE = np.concatenate([[0.0], np.geomspace(1e-7, 1.0, 28)])
_FINE = np.linspace(0.0, 1.0, 12)


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
    if float(np.sum(e2 / np.maximum(n * p * (1.0 - p), 1e-12))) <= df:  # no excess: every share gives the binomial
        return _below_binomial(e2, n, p, df, below)
    got = _solve(e2, n, p, df, SHARES[mode])
    if len(got) == 1:
        best = got[0]
    else:
        v = _variances(n, special.logit(p), np.array([g.rho for g in got]), np.array([g.sigma for g in got]))
        best = got[int(np.argmin(np.log(np.maximum(v, 1e-12)).sum(axis=1)))]
    return MonthNoise(best.rho, best.sigma, best.share, int(df))


def _below_binomial(e2: np.ndarray, n: np.ndarray, p: np.ndarray, df: int, below: float) -> MonthNoise:
    """The binomial, or with ``below`` > 0 and counts significantly less noisy than it, the binomial scaled down.
    Only where the χ² test holds: at least :data:`BELOW_MIN_SHARE` of the months with a binomial variance
    n·p(1 − p) of :data:`BELOW_MIN_VARIANCE` or more (a rate near 0 or 1 on a few dossiers has residuals far
    smaller than the χ² says by discreteness alone, not by less noise)."""
    v = n * p * (1.0 - p)
    if below <= 0 or np.mean(v >= BELOW_MIN_VARIANCE) < BELOW_MIN_SHARE:
        return MonthNoise()
    x2 = float(np.sum(e2 / np.maximum(v, 1e-12)))
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
