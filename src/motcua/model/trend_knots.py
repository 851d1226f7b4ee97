"""Changes of slope of a trend: the yearly knots counted back from the last period, and the F test that
decides whether a straight trend bends at them (the knots enter the fit only when it rejects)."""

from __future__ import annotations

from functools import lru_cache

import numpy as np
import pandas as pd
from scipy import special, stats

from motcua.model.design import hinge_mean
from motcua.model.series import years


def default_knots(first_start: pd.Timestamp, last_end: pd.Timestamp, months: int) -> list[pd.Timestamp]:
    """Knots every ``months`` months counted back from the end of the series, each with at least
    ``months`` months of data before it (so the first segment is as long as the others)."""
    return list(_default_knots(pd.Timestamp(first_start), pd.Timestamp(last_end), int(months)))


@lru_cache(maxsize=1024)
def _default_knots(first_start: pd.Timestamp, last_end: pd.Timestamp, months: int) -> tuple[pd.Timestamp, ...]:
    if months <= 0:
        return ()
    end = pd.Timestamp(last_end) + pd.Timedelta(days=1)
    out = []
    k = 1
    while True:
        kn = end - pd.DateOffset(months=months * k)
        if kn - pd.DateOffset(months=months) < pd.Timestamp(first_start):
            break
        out.append(kn)
        k += 1
    return tuple(sorted(out))


def bend_test(
    first: tuple, t0: np.ndarray, t1: np.ndarray, y: np.ndarray, n: np.ndarray, knots: list[pd.Timestamp]
) -> float:
    """p-value of an F test for adding changes of slope at ``knots`` to the straight-trend fit.

    Weighted least squares of the standardised residuals (with the fit's
    overdispersion) on the fit's working design and the hinge columns: the
    usual score-type test of omitted terms in a GLM, a few microseconds.
    """
    X, _, _, params, _, rho, _, df = first
    p = special.expit(X @ params)
    var = n * p * (1 - p) * (1.0 + (n - 1.0) * rho)
    w = np.sqrt(np.maximum(n * p * (1 - p), 1e-12) ** 2 / np.maximum(var, 1e-12))  # sqrt of IRLS weight
    r = (y - n * p) / np.sqrt(np.maximum(var, 1e-12))
    H = np.column_stack([hinge_mean(t0, t1, float(years(k))) for k in knots])
    Xw = X * w[:, None]
    Hw = H * w[:, None]
    # residualise the hinges on the fitted design, then regress the residuals on them
    coef, *_ = np.linalg.lstsq(Xw, Hw, rcond=None)
    Hr = Hw - Xw @ coef
    g, *_ = np.linalg.lstsq(Hr, r, rcond=None)
    explained = float(np.sum((Hr @ g) ** 2))
    q = H.shape[1]
    rest = float(np.sum(r**2)) - explained
    dfr = df - q
    if dfr <= 0 or rest <= 0:
        return 1.0
    F = (explained / q) / (rest / dfr)
    return float(stats.f.sf(F, q, dfr))
