"""Month-of-year seasonality of a forecast, shrunk by empirical Bayes (``forecast_season_shrink``).

With four or five years of monthly data, each month-of-year effect is seen only
four or five times: the harmonic coefficients of the fitted trend carry
estimation noise of the same order as the effect itself when the seasonality is
weak, and a forecast that continues them adds that noise to every month ahead
(and, in the Kalman method, to the deseasonalised data it filters). Treating the
p seasonal coefficients b (covariance C) as drawn from N(0, τ² C), their Wald
statistic W = b' C⁻¹ b has mean p (1 + τ²), and the posterior mean of the
coefficients is b · τ²/(1 + τ²), estimated by b · max(0, 1 − p/W) (Efron & Morris
1973): a clear seasonality (W ≫ p) is kept nearly whole, one that is not
distinguishable from noise (W ≤ p) is dropped. The covariance of the shrunk
coefficients is scaled alike. The fitted trend itself (its table, slopes and
comparisons) is untouched: only the forecast reads the shrunk copy.
"""

from __future__ import annotations

import copy

import numpy as np
from scipy import special

from motcua.model.settings import ModelSettings
from motcua.model.trend import TrendFit

#: Forecast caches kept on a fit that depend on its coefficients: not carried to the shrunk copy.
_CACHES = ("_kalman", "_forecast_level", "_forecast_growth", "_forecast_rise")


def season_factor(fit: TrendFit) -> float:
    """The empirical-Bayes factor max(0, 1 − p/W) of the fit's p seasonal coefficients (1 without any)."""
    j = [i for i, nm in enumerate(fit.names) if nm.startswith(("sin", "cos"))]
    if not j or fit.params is None or fit.cov is None:
        return 1.0
    b, C = fit.params[j], fit.cov[np.ix_(j, j)]
    try:
        W = float(b @ np.linalg.solve(C, b))
    except np.linalg.LinAlgError:
        return 1.0
    return max(0.0, 1.0 - len(j) / W) if W > 0 else 0.0


def forecast_fit(fit: TrendFit, settings: ModelSettings) -> TrendFit:
    """The fit the forecast reads: ``fit`` itself, or with ``forecast_season_shrink: empirical_bayes`` a copy
    whose seasonal coefficients (and their covariance, and the fitted values) are shrunk by
    :func:`season_factor`; the copy is kept on the fit, and a copy is returned as it is."""
    if settings.forecast_season_shrink == "none" or getattr(fit, "_season_shrunk_of", None) is not None:
        return fit
    got = getattr(fit, "_season_shrunk", None)
    if got is not None:
        return got
    k = season_factor(fit)
    if k >= 1.0:
        fit._season_shrunk = fit
        return fit
    out = copy.copy(fit)
    for name in _CACHES:
        out.__dict__.pop(name, None)
    j = [i for i, nm in enumerate(fit.names) if nm.startswith(("sin", "cos"))]
    params, cov = fit.params.copy(), fit.cov.copy()
    params[j] *= k
    cov[j, :] *= k
    cov[:, j] *= k
    out.params, out.cov = params, cov
    out.fitted = special.expit(fit.X(fit.t_start, fit.t_end) @ params)
    out._season_shrunk_of = fit
    fit._season_shrunk = out
    return out
