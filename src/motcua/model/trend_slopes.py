"""What a fitted trend says about pace: slopes in percentage points per year (averaged over the observed
periods, or at the latest one), on the logit scale, and the latest period against its own prediction band.
Every interval uses the fit's covariance (dispersion included) and Student's t on its residual df.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from motcua.model.trend import TrendFit

from functools import lru_cache
from typing import Any

import numpy as np
import pandas as pd
from scipy import special, stats

from motcua.model.design import step_share, trend_only
from motcua.model.series import years


def _slope_parts(fit: TrendFit, rows: np.ndarray) -> tuple[np.ndarray, np.ndarray, np.ndarray, np.ndarray]:
    """For observed rows: d(logit)/dt, its gradient wrt the coefficients, p of the
    deseasonalised trend, and the trend-only design."""
    X = trend_only(fit.X(fit.t_start[rows], fit.t_end[rows]), fit.names)
    p = special.expit(X @ fit.params)
    D = np.zeros_like(X)  # d(d eta/dt)/d beta per row
    D[:, 1] = 1.0
    for j, nm in enumerate(fit.names):
        if nm.startswith("bend_"):
            kn = float(years(pd.Timestamp(nm[5:])))
            # share of the period after the knot: the derivative of the averaged hinge
            D[:, j] = step_share(fit.t_start[rows], fit.t_end[rows], kn)
    d = D @ fit.params
    return d, D, p, X


def _pp_slope(fit: TrendFit, rows: np.ndarray, level: float | None) -> tuple[float, float, float]:
    d, D, p, X = _slope_parts(fit, rows)
    v = p * (1 - p)
    n = len(d)  # np.mean's arithmetic (sum, then divide by the count) without its dispatch
    ame = float(np.add.reduce(d * v) / n)
    grad = np.add.reduce(D * v[:, None] + (d * v * (1 - 2 * p))[:, None] * X, axis=0) / n
    se = float(np.sqrt(max(grad @ fit.cov @ grad, 0.0)))
    q = fit.tq(level)
    return 100 * ame, 100 * (ame - q * se), 100 * (ame + q * se)


def ame_slope(fit: TrendFit, level: float | None = None) -> tuple[float, float, float]:
    """Slope in percentage points per year: the average over observed periods of d p/d t of the
    deseasonalised trend (steps and bends kept), with a delta-method t interval. NaN without a trend term."""
    if not fit.has_trend:
        return (np.nan, np.nan, np.nan)
    return _pp_slope(fit, fit.observed_mask, level)


def recent_slope(fit: TrendFit, level: float | None = None) -> tuple[float, float, float]:
    """Slope in percentage points per year at the latest observed period (the pace a forecast continues)."""
    if not fit.has_trend:
        return (np.nan, np.nan, np.nan)
    rows = np.zeros(len(fit.trials), bool)
    rows[np.flatnonzero(fit.observed_mask)[-1]] = True
    return _pp_slope(fit, rows, level)


def logit_slope(fit: TrendFit, level: float | None = None) -> tuple[float, float, float]:
    """Slope on the logit scale per year — d(logit)/dt averaged over the observed periods (the
    coefficient itself when the trend is linear) — with its t interval. NaN without a trend term."""
    if not fit.has_trend:
        return (np.nan, np.nan, np.nan)
    d, D, _, _ = _slope_parts(fit, fit.observed_mask)
    g = D.mean(axis=0)
    b, se = float(g @ fit.params), float(np.sqrt(max(g @ fit.cov @ g, 0.0)))
    q = fit.tq(level)
    return b, b - q * se, b + q * se


def latest_band(fit: TrendFit, level: float) -> dict[str, Any]:
    """The latest observed period against its own ``level`` prediction band (leave-one-out, via leverage).

    The band is centred on the leave-one-out prediction and its half-width is
    the deletion-residual scale: a period outside it surprises the trend.
    """
    i = int(np.flatnonzero(fit.observed_mask)[-1])
    x = fit.X(fit.t_start[i : i + 1], fit.t_end[i : i + 1])[0]
    n = float(fit.trials[i])
    p = float(special.expit(x @ fit.params))
    var_w = 1.0 / (1.0 + (n - 1.0) * fit.rho)
    w = var_w * n * p * (1 - p)
    h = float(min(w * (x @ fit.norm_cov @ x), 0.99))
    var_noise = fit.dispersion * p * (1 - p) * (1.0 + (n - 1.0) * fit.rho) / n  # of the observed proportion
    obs = float(fit.successes[i]) / n
    e = obs - p
    centre = obs - e / (1.0 - h)
    half = _zq(level) * np.sqrt(var_noise / (1.0 - h))
    z = e / np.sqrt(var_noise * (1.0 - h)) if var_noise > 0 else 0.0
    lo, hi = max(0.0, centre - half), min(1.0, centre + half)
    return {
        "latest_band_low": lo,
        "latest_band_high": hi,
        "latest_z": float(z),
        "latest_outside_band": bool(obs < lo or obs > hi),
    }


@lru_cache(maxsize=64)
def _zq(level: float) -> float:
    return float(stats.norm.ppf(0.5 + level / 2.0))
