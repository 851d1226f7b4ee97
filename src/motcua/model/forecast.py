"""Forecasts of a fitted trend: the design of the forecast mean and the predictive draws.

Methods (``forecast_method`` in config/model.yaml):

* ``glm`` — the fitted model continued as it is: the straight (or bent) logit
  trend extrapolated, with slope changes still to come drawn for a trend that
  has bent (:func:`motcua.model.trend.future_bends`). Measured out of sample on
  S-shaped adoption curves it overshoots the level-off and its 95 % intervals
  cover too rarely.
* ``damped`` — a damped trend on the logit scale: from the deseasonalised
  trend's level and slope at the end of the data, the slope fades at the rate
  ``forecast_damping`` per year (what is left of it after one year), so the
  logit mean at Δ years ahead is level + slope · (1 − φ^Δ)/(−ln φ), plus the
  month-of-year seasonality. The level is moved to where the latest months are
  (their logit residuals weighted ``forecast_level_weight``^k, k months back): a
  trend fitted to years of data lags a curve that is levelling off. Beside the
  parameter uncertainty (multivariate t) and the beta-binomial noise of a
  period, the logit takes a drift whose variance grows with the horizon,
  ``forecast_drift_sd``² · Δ + ((``forecast_slope_sd`` · |slope| + b) · (1 − φ^Δ)/(−ln φ))²
  with b the root mean square of the fitted changes of slope (0 for a straight
  trend): the level of a series wanders, and the pace of one that is moving, or
  has already changed pace, may change. The constants are learned by simulation
  (bench/forecast_bench.py: coverage and interval score of held-out months on
  S-curves, lines, flat series and breaks) and kept in config/model.yaml.

* ``kalman`` — a local linear trend Kalman-filtered on the logit scale
  (:mod:`motcua.model.forecast_kalman`); ``ensemble`` — a mixture of its draws
  (share ``forecast_ensemble_weight``) and the damped method's. A series fitted
  without a trend is forecast as by the damped method.
* ``growth`` (:mod:`motcua.model.forecast_growth`) — where the data identify
  a logistic growth curve with an estimated ceiling, a mixture of its draws
  (share ``forecast_growth_weight``) and those of the method
  ``forecast_growth_mix``; elsewhere, with ``forecast_growth_floor: rising``, the curve rising from a floor
  (:mod:`motcua.model.forecast_rise`) where the data identify a share still accelerating towards the
  midpoint of its rise, mixed alike; elsewhere the method ``forecast_growth_else``.

Every method but glm reads the month-of-year seasonality shrunk by empirical
Bayes when ``forecast_season_shrink`` says so (:mod:`motcua.model.forecast_season`).
All stay inside 0–1 (logit scale). A configured structural break that falls
inside the forecast (after the data's end) is not crossed as if nothing
happened: periods after it take an extra logit step drawn from
N(0, ``forecast_break_sd``²), so the band widens there.

A forecast month's own noise around its mean is, with ``forecast_noise: beta_binomial``, the beta-binomial of
the fit's ρ (of the growth curve's ρ for its draws; the kalman method's own logit-normal σ² and the binomial for
its draws); any other ``forecast_noise`` draws every method's months with the series' month noise estimated
from the fitted trend's residuals (:mod:`motcua.model.month_noise`).
"""

from __future__ import annotations

import json
from functools import lru_cache
from pathlib import Path

import numpy as np
import pandas as pd
from scipy import special

from motcua.model.design import trend_only
from motcua.model.forecast_growth import fit_growth, growth_draws, growth_mean
from motcua.model.forecast_kalman import kalman_eta, kalman_mean, observed_draws
from motcua.model.forecast_rise import fit_rise, rise_draws, rise_mean
from motcua.model.forecast_season import forecast_fit
from motcua.model.month_noise import fit_noise
from motcua.model.series import years
from motcua.model.settings import FORECAST_METHODS, ModelSettings
from motcua.model.trend import TrendFit, future_bends, month_draws, predictive_draws

METHODS = FORECAST_METHODS
KALMAN = ("kalman", "ensemble")
#: Written by bench/forecast_bench.py: the measured out-of-sample coverage of the configured method.
CALIBRATION_FILE = Path(__file__).with_name("forecast_calibration.json")


def method_name(settings: ModelSettings) -> str:
    """The configured forecast model's name: the method, and for the growth method its partners
    (``growth_<forecast_growth_mix>_<forecast_growth_else>``); the calibration file records it."""
    if settings.forecast_method == "growth":
        return f"growth_{settings.forecast_growth_mix}_{settings.forecast_growth_else}"
    return settings.forecast_method


def calibration() -> dict | None:
    """The last out-of-sample measurement of the forecasts (:data:`CALIBRATION_FILE`), None when absent."""
    try:
        return json.loads(CALIBRATION_FILE.read_text(encoding="utf-8"))
    except (OSError, ValueError):
        return None


def _damped_sum(dt: np.ndarray, damping: float) -> np.ndarray:
    """∫₀^Δ φ^s ds in years: the years of today's slope a damped trend adds by Δ years ahead."""
    if damping >= 1.0:
        return dt
    lam = -np.log(max(damping, 1e-9))
    return (1.0 - np.exp(-lam * dt)) / lam


def _end_parts(fit: TrendFit) -> tuple[float, np.ndarray, np.ndarray]:
    """(T, design of the deseasonalised trend's level at T, gradient of its slope at T) with T the end of the
    data; built from the columns' names (no design call), kept on the fit: a series asks for it several times."""
    got = getattr(fit, "_forecast_end", None)
    if got is not None:
        return got
    T = float(fit.t_end[np.flatnonzero(fit.observed_mask)[-1]])
    x = np.zeros(len(fit.names))
    d = np.zeros(len(fit.names))
    for j, nm in enumerate(fit.names):
        if nm == "intercept":
            x[j] = 1.0
        elif nm == "trend":
            x[j], d[j] = T - fit.center, 1.0
        elif nm.startswith(("step_", "bend_")):
            tk = float(years(pd.Timestamp(nm[5:])))
            x[j] = float(tk < T) if nm[0] == "s" else max(T - tk, 0.0)
            d[j] = float(tk < T) if nm[0] == "b" else 0.0
    fit._forecast_end = (T, x, d)
    return fit._forecast_end


def level_correction(fit: TrendFit, settings: ModelSettings) -> tuple[float, float]:
    """(c, sd of c): how far the last months sit from the fitted trend, on the logit scale (damped method).

    A trend fitted to years of data lags a curve that is levelling off; the recent months say where the
    level is now. c is the mean of the last 12 observed months' logit residuals with weights
    ``forecast_level_weight``^k (k months back), its sd from their spread. (0, 0) for the glm method.
    """
    if settings.forecast_method == "glm" or settings.forecast_level_weight <= 0:
        return 0.0, 0.0
    got = getattr(fit, "_forecast_level", None)
    if got is not None and got[0] == settings.forecast_level_weight:
        return got[1]
    obs = np.flatnonzero(fit.observed_mask)[-12:]
    if len(obs) < 3:
        return 0.0, 0.0
    y, n = fit.successes[obs], fit.trials[obs]
    eta = special.logit(np.clip(fit.fitted[obs], 1e-12, 1 - 1e-12))
    r = np.log((y + 0.5) / (n - y + 0.5)) - eta
    w = settings.forecast_level_weight ** np.arange(len(obs))[::-1]
    c = float(w @ r / w.sum())
    s2 = float(np.var(r, ddof=1))
    out = (c, float(np.sqrt(s2 * (w @ w) / w.sum() ** 2)))
    fit._forecast_level = (settings.forecast_level_weight, out)  # a series asks twice (mean and draws)
    return out


def forecast_mean(
    fit: TrendFit, settings: ModelSettings, X: np.ndarray, t0: np.ndarray | None = None, t1: np.ndarray | None = None
) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """Forecast rate (logit mean through expit) with the confidence interval of the mean, for rows X of
    :func:`forecast_design`: :func:`motcua.model.trend.predict_mean` with the level correction; for the kalman,
    ensemble and growth methods the moments of the draws' distribution (the growth curve needs the periods
    [t0, t1); without them the growth method's mean is that of ``forecast_growth_else``)."""
    eta, se = _logit_mean(fit, settings, X, t0, t1)
    q = fit.tq()
    return special.expit(eta), special.expit(eta - q * se), special.expit(eta + q * se)


def _logit_mean(
    fit: TrendFit, settings: ModelSettings, X: np.ndarray, t0: np.ndarray | None, t1: np.ndarray | None
) -> tuple[np.ndarray, np.ndarray]:
    """(logit mean, its se) of the forecast periods with design rows X of :func:`forecast_design`."""
    method = settings.forecast_method
    if method != "glm":
        fit = forecast_fit(fit, settings)
    if method == "growth":
        periods = t0 is not None and t1 is not None and len(t0)
        identified = periods and fit_growth(fit, settings) is not None
        rising = periods and not identified and _rising(fit, settings)
        base = _sub(settings, settings.forecast_growth_mix if identified or rising else settings.forecast_growth_else)
        eta, se = _logit_mean(fit, base, _design(fit, base, X), t0, t1)
        if rising:
            return rise_mean(fit, settings, t0, t1, eta, se)
        return growth_mean(fit, settings, t0, t1, eta, se) if identified else (eta, se)
    if method in KALMAN and fit.has_trend:
        eta, se = kalman_mean(fit, settings, X)
        if method == "ensemble":  # the mixture's logit mean and sd
            d = _sub(settings, "damped")
            ed, sd_d = _logit_mean(fit, d, damped_design(fit, d, X), t0, t1)
            w = settings.forecast_ensemble_weight
            m = w * eta + (1 - w) * ed
            se = np.sqrt(np.maximum(w * (se**2 + eta**2) + (1 - w) * (sd_d**2 + ed**2) - m**2, 0.0))
            eta = m
        return eta, se
    c, sd_c = level_correction(fit, settings)
    se = np.sqrt(np.maximum(np.einsum("ij,jk,ik->i", X, fit.cov, X), 0.0) + sd_c**2)
    return X @ fit.params + c, se


def _rising(fit: TrendFit, settings: ModelSettings) -> bool:
    """Whether the growth method forecasts the series by the curve rising from a floor
    (:mod:`motcua.model.forecast_rise`): configured, and identified by the data."""
    return _rise_tried(fit, settings) and fit_rise(fit, settings) is not None


def _rise_tried(fit: TrendFit, settings: ModelSettings) -> bool:
    """The curve rising from a floor is configured and tried on the fit's rate (``forecast_growth_floor_rates``:
    it models the adoption of a channel, such as the online share, not an on-time rate held near its ceiling)."""
    return settings.forecast_growth_floor == "rising" and fit.rate in settings.forecast_growth_floor_rates


def _else_draws(fit, settings, t0, t1, volume, size, rng, X) -> np.ndarray:
    """The growth method's draws where its curve is not identified: the curve rising from a floor mixed with
    ``forecast_growth_mix`` where that one is (and configured), else the method ``forecast_growth_else``."""
    mix, other = _sub(settings, settings.forecast_growth_mix), _sub(settings, settings.forecast_growth_else)
    if not _rise_tried(fit, settings):
        return forecast_draws(fit, other, t0, t1, volume, size, rng, _design(fit, other, X))
    return rise_draws(
        fit, settings, t0, t1, volume, size, rng,
        mix=lambda k, r: forecast_draws(fit, mix, t0, t1, volume, k, r, _design(fit, mix, X)),
        other=lambda k, r: forecast_draws(fit, other, t0, t1, volume, k, r, _design(fit, other, X)),
        steps=lambda k, r: _future_breaks(fit, settings, t0, t1, k, r),
    )  # fmt: skip


def _sub(settings: ModelSettings, method: str) -> ModelSettings:
    """The settings with another forecast method (a component of a mixture); made once per settings object and
    method (every series of a run asks for the same ones, several times)."""
    if settings.forecast_method == method:
        return settings
    got = _SUBS.get((id(settings), method))
    if got is None or got[0] is not settings:
        if len(_SUBS) > 64:
            _SUBS.clear()
        got = (settings, settings.with_(forecast_method=method))
        _SUBS[(id(settings), method)] = got
    return got[1]


#: :func:`_sub`'s settings by (id of the settings, method), each with the settings object it was made from (which
#: it keeps alive, so that its id is not reused); ModelSettings is frozen, so an entry never goes stale.
_SUBS: dict[tuple[int, str], tuple[ModelSettings, ModelSettings]] = {}


def _design(fit: TrendFit, settings: ModelSettings, X: np.ndarray) -> np.ndarray:
    """A method's rows from the model's own design rows X (only the damped method has rows of its own)."""
    if settings.forecast_method == "damped" and fit.has_trend and len(X):
        return damped_design(fit, settings, X)
    return X


def forecast_design(fit: TrendFit, settings: ModelSettings, t0: np.ndarray, t1: np.ndarray) -> np.ndarray:
    """Rows (forecast periods) whose product with the coefficients is the forecast's logit mean."""
    return _design(fit, settings, fit.X(t0, t1))


def damped_design(fit: TrendFit, settings: ModelSettings, X: np.ndarray) -> np.ndarray:
    """The damped method's rows from the model's own design rows X of the forecast periods."""
    T, x, d = _end_parts(fit)
    season = X - trend_only(X, fit.names)
    tm = X[:, fit.names.index("trend")] + fit.center
    g = _damped_sum(np.maximum(tm - T, 0.0), settings.forecast_damping)
    return x[None, :] + g[:, None] * d[None, :] + season


def _drift_sd(fit: TrendFit, settings: ModelSettings, t0: np.ndarray, t1: np.ndarray) -> np.ndarray:
    """Per forecast period, the sd of the logit drift of the damped method (see the module docstring)."""
    if not fit.has_trend:
        T = float(fit.t_end[fit.observed_mask].max())
        dt = np.maximum((t0 + t1) / 2.0 - T, 0.0)
        return settings.forecast_drift_sd * np.sqrt(dt)
    T, _, d = _end_parts(fit)
    dt = np.maximum((t0 + t1) / 2.0 - T, 0.0)
    slope = abs(float(d @ fit.params))
    bends = [j for j, nm in enumerate(fit.names) if nm.startswith("bend_")]
    bent = float(np.sqrt(np.mean(fit.params[bends] ** 2))) if bends else 0.0
    g = _damped_sum(dt, settings.forecast_damping)
    return np.sqrt(settings.forecast_drift_sd**2 * dt + ((settings.forecast_slope_sd * slope + bent) * g) ** 2)


@lru_cache(maxsize=16)
def _break_years(breaks: tuple) -> tuple[float, ...]:
    return tuple(float(years(b.date)) for b in breaks)


def _future_breaks(
    fit: TrendFit, settings: ModelSettings, t0: np.ndarray, t1: np.ndarray, size: int, rng: np.random.Generator
) -> np.ndarray | None:
    """Logit steps (size, m) at configured breaks after the data's end: periods after one carry a step of sd
    ``forecast_break_sd`` (its share of the period, for a period straddling it). None when no break lies ahead."""
    T = float(fit.t_end[fit.observed_mask].max())
    ahead = [tb for tb in _break_years(settings.structural_breaks) if T <= tb < float(t1.max(initial=T))]
    if not ahead:
        return None
    out = np.zeros((size, len(t0)))
    for tb in ahead:
        share = np.clip((t1 - tb) / np.maximum(t1 - t0, 1e-9), 0.0, 1.0)
        out += rng.standard_normal(size)[:, None] * settings.forecast_break_sd * share[None, :]
    return out


def forecast_draws(
    fit: TrendFit,
    settings: ModelSettings,
    t0: np.ndarray,
    t1: np.ndarray,
    volume: np.ndarray,
    size: int,
    rng: np.random.Generator,
    X: np.ndarray | None = None,
) -> np.ndarray:
    """Draws (size, m) of the observed rate of forecast periods [t0, t1) at ``volume`` expected trials."""
    if not len(t0):
        return np.empty((size, 0))
    X = forecast_design(fit, settings, t0, t1) if X is None else X
    if settings.forecast_method != "glm":
        fit = forecast_fit(fit, settings)
    if settings.forecast_method == "growth":  # growth curve with a ceiling, mixed with another method
        mix = _sub(settings, settings.forecast_growth_mix)
        return growth_draws(
            fit, settings, t0, t1, volume, size, rng,
            mix=lambda k, r: forecast_draws(fit, mix, t0, t1, volume, k, r, _design(fit, mix, X)),
            other=lambda k, r: _else_draws(fit, settings, t0, t1, volume, k, r, X),
            steps=lambda k, r: _future_breaks(fit, settings, t0, t1, k, r),
        )  # fmt: skip
    if settings.forecast_method in KALMAN and fit.has_trend:
        k = size if settings.forecast_method == "kalman" else int(round(settings.forecast_ensemble_weight * size))
        steps = _future_breaks(fit, settings, t0, t1, k, rng)
        noise = fit_noise(fit, settings)
        eta = kalman_eta(fit, settings, t0, t1, k, rng, own_noise=noise is None)
        eta = eta if steps is None else eta + steps
        out = (
            observed_draws(eta, volume, rng)
            if noise is None
            else month_draws(eta, volume, noise.rho, noise.sigma, rng, noise.df, noise.binomial)
        )
        if k == size:
            return out
        d = _sub(settings, "damped")
        return np.vstack([out, forecast_draws(fit, d, t0, t1, volume, size - k, rng, damped_design(fit, d, X))])
    if settings.forecast_method == "glm":
        shift = future_bends(fit, t0, t1, size, rng, settings.trend_knot_months)
    else:
        shift = rng.standard_normal((size, len(t0))) * _drift_sd(fit, settings, t0, t1)[None, :]
        c, sd_c = level_correction(fit, settings)
        shift += c + sd_c * rng.standard_normal(size)[:, None]
    steps = _future_breaks(fit, settings, t0, t1, size, rng)
    if steps is not None:
        shift = steps if shift is None else shift + steps
    return predictive_draws(fit, X, volume, size, rng, shift, fit_noise(fit, settings))
