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

With ``empirical_bayes_harmonic`` each harmonic pair (sin_k, cos_k) is shrunk by
its own Wald statistic, max(0, 1 − 2/W_k): the annual and the half-yearly cycle
are different effects with variances of their own, and a clear annual cycle no
longer keeps a half-yearly one that the data do not tell apart from noise (one
factor for all four coefficients, W being dominated by the clear pair, keeps
both whole).
"""

from __future__ import annotations

import copy

import numpy as np
from scipy import special

from motcua.model.settings import ModelSettings
from motcua.model.trend import TrendFit

#: Forecast caches kept on a fit that depend on its coefficients: not carried to the shrunk copy.
_CACHES = ("_kalman", "_forecast_level", "_forecast_growth", "_forecast_line", "_forecast_rise", "_season_shrunk")


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


def harmonic_factors(fit: TrendFit) -> tuple[list[int], np.ndarray]:
    """(indices of the seasonal coefficients, the empirical-Bayes factor of each): per harmonic pair
    (sin_k, cos_k), max(0, 1 − p_k/W_k) with W_k the pair's Wald statistic and p_k its size."""
    j = [i for i, nm in enumerate(fit.names) if nm.startswith(("sin", "cos"))]
    k = np.ones(len(j))
    if not j or fit.params is None or fit.cov is None:
        return j, k
    pairs: dict[str, list[int]] = {}
    for a, i in enumerate(j):
        pairs.setdefault(fit.names[i][3:], []).append(a)
    for idx in pairs.values():
        jj = [j[a] for a in idx]
        b, C = fit.params[jj], fit.cov[np.ix_(jj, jj)]
        try:
            W = float(b @ np.linalg.solve(C, b))
        except np.linalg.LinAlgError:
            continue
        k[idx] = max(0.0, 1.0 - len(jj) / W) if W > 0 else 0.0
    return j, k


def _factors(fit: TrendFit, mode: str) -> tuple[list[int], np.ndarray]:
    if mode == "empirical_bayes_harmonic":
        return harmonic_factors(fit)
    j = [i for i, nm in enumerate(fit.names) if nm.startswith(("sin", "cos"))]
    return j, np.full(len(j), season_factor(fit))


def forecast_fit(fit: TrendFit, settings: ModelSettings) -> TrendFit:
    """The fit the forecast reads: ``fit`` itself, or with ``forecast_season_shrink: empirical_bayes`` a copy
    whose seasonal coefficients (and their covariance, and the fitted values) are shrunk by
    :func:`season_factor` (``empirical_bayes_harmonic``: by :func:`harmonic_factors`); the copy is kept on the
    fit per mode, and a copy is returned as it is."""
    mode = settings.forecast_season_shrink
    if mode == "none" or getattr(fit, "_season_shrunk_of", None) is not None:
        return fit
    kept = fit.__dict__.setdefault("_season_shrunk", {})  # per mode: a run may compare them on the same fits
    got = kept.get(mode)
    if got is not None:
        return got
    j, k = _factors(fit, mode)
    if np.all(k >= 1.0):
        kept[mode] = fit
        return fit
    out = copy.copy(fit)
    for name in _CACHES:
        out.__dict__.pop(name, None)
    params, cov = fit.params.copy(), fit.cov.copy()
    params[j] *= k
    cov[j, :] *= k[:, None]
    cov[:, j] *= k[None, :]
    out.params, out.cov = params, cov
    out.fitted = special.expit(fit.X(fit.t_start, fit.t_end) @ params)
    out._season_shrunk_of = fit
    kept[mode] = out
    return out
