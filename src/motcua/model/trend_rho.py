"""The overdispersion of a binomial series: ρ, the intra-period correlation of the beta-binomial variance
n·p·(1 − p)·(1 + (n − 1)·ρ), estimated by Williams' (1982) method from the Pearson residuals."""

from __future__ import annotations

import numpy as np
from scipy import optimize


def pearson_squared(y: np.ndarray, n: np.ndarray, p: np.ndarray) -> np.ndarray:
    """Squared Pearson residuals of binomial counts (no dispersion)."""
    v = np.maximum(n * p * (1.0 - p), 1e-12)
    return (y - n * p) ** 2 / v


def solve_rho(r2: np.ndarray, n: np.ndarray, df: int) -> float:
    """ρ ≥ 0 with Σ r2 / (1 + (n − 1)ρ) = df (Williams 1982); 0 when there is no overdispersion."""
    if df <= 0 or r2.sum() <= df:
        return 0.0
    nm1, add = n - 1.0, np.add.reduce  # np.sum's reduction, without its dispatch: evaluated ~13 times a solve
    f = lambda rho: float(add(r2 / (1.0 + nm1 * rho)) - df)  # noqa: E731
    hi = 1.0
    if f(hi) > 0:
        return hi
    return float(optimize.brentq(f, 0.0, hi, xtol=1e-10, rtol=1e-8))
