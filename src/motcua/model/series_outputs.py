"""What one fitted series gives the model's tables: its trend rows (fit rows for every period of the series,
forecast rows monthly to the forecast's end), its summary fields and its target rows.

Trend rows are returned as column arrays (:data:`motcua.model.tables.TREND_COLUMNS`, one element per row:
the series' periods, then the forecast's); forecast rows carry no ``successes`` or ``observed``. A series
that was not fitted gives no trend rows, only the latest observed period's fields. The forecast's draws
come from the series' own seed, forecast periods first, then the period holding the target date.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

import numpy as np
import pandas as pd

from motcua.model.forecast import forecast_design, forecast_draws, forecast_mean
from motcua.model.month_noise import fit_noise
from motcua.model.settings import ModelSettings, settings_from_config
from motcua.model.tables import TREND_COLUMNS, empty_trends
from motcua.model.trend import (
    TrendFit,
    ame_slope,
    band_quantiles,
    daily_volume,
    forecast_arrays,
    latest_band,
    logit_slope,
    predict_mean,
    predictive_draws,
    recent_slope,
)


@dataclass
class _Forecast:
    """One series' forecast, one element per monthly period after the series: the periods' bounds (as dates
    and as years), the expected volume, the mean with its confidence interval, the draws (simulations ×
    periods) and their prediction band; ``rng`` continues the series' own stream."""

    start: np.ndarray
    end: np.ndarray
    t0: np.ndarray
    t1: np.ndarray
    vol_day: float
    vol: np.ndarray
    est: np.ndarray
    mean_low: np.ndarray
    mean_high: np.ndarray
    draws: np.ndarray
    low: np.ndarray
    high: np.ndarray
    rng: np.random.Generator


def series_outputs(
    fit: TrendFit, settings: ModelSettings, until: pd.Timestamp, target_date: pd.Timestamp
) -> tuple[dict[str, Any] | None, dict[str, Any], list[dict[str, Any]]]:
    """Trend rows (as column arrays), summary fields and target rows of one fitted series."""
    summ = _latest_fields(fit)
    if not fit.ok:
        return None, summ, []
    summ.update(_fit_fields(fit, settings))
    # forecast periods, plus the observed period holding the target date if the data reach it
    fc = _forecast(fit, settings, until)
    target_rows = _target_fields(fit, settings, fc, target_date, summ)
    summ["forecast_end"] = fc.end.max() if len(fc.end) else pd.NaT
    return _trend_rows(fit, fc), summ, target_rows


def _latest_fields(fit: TrendFit) -> dict[str, Any]:
    """The latest observed period (bounds, trials, rate) and the series' observed span; none without one."""
    summ: dict[str, Any] = {}
    m = fit.observed_mask
    if m.any():
        i = int(np.flatnonzero(m)[-1])
        summ.update(
            latest_period_start=fit.period_start[i],
            latest_period_end=fit.period_end[i],
            latest_n=float(fit.trials[i]),
            latest_rate=float(fit.successes[i] / fit.trials[i]),
            first_period_start=fit.period_start[m].min(),
            last_period_end=fit.period_end[m].max(),
        )
    return summ


def _fit_fields(fit: TrendFit, settings: ModelSettings) -> dict[str, Any]:
    """The fit's slopes (pp/year overall and recent, logit), its terms and overdispersion, and the latest
    observed period against its own band."""
    i = int(np.flatnonzero(fit.observed_mask)[-1])
    slope = ame_slope(fit)
    recent = recent_slope(fit)
    lslope = logit_slope(fit)
    band = latest_band(fit, settings.latest_band_level)
    return dict(
        slope_pp_per_year=slope[0],
        slope_low=slope[1],
        slope_high=slope[2],
        slope_logit_per_year=lslope[0],
        slope_logit_low=lslope[1],
        slope_logit_high=lslope[2],
        slope_recent_pp_per_year=recent[0],
        slope_recent_low=recent[1],
        slope_recent_high=recent[2],
        knots=",".join(f"{k:%Y-%m-%d}" for k in fit.knots),
        rho=fit.rho,
        dispersion=fit.dispersion,
        df_resid=fit.df_resid,
        harmonics=fit.harmonics,
        breaks=",".join(f"{b:%Y-%m-%d}" for b in fit.breaks),
        latest_fitted=float(fit.fitted[i]),
        **band,
    )


def _forecast(fit: TrendFit, settings: ModelSettings, until: pd.Timestamp) -> _Forecast:
    """The forecast periods to ``until`` at the series' daily volume of the last year, with mean, draws and band."""
    fs, fe, t0, t1 = forecast_arrays(pd.Timestamp(fit.period_end.max()), until)
    vol_day = daily_volume(fit.period_start, fit.period_end, fit.trials)
    days = ((fe - fs) / np.timedelta64(1, "D")).astype(float) + 1.0
    vol = vol_day * days
    Xf = forecast_design(fit, settings, t0, t1)
    est, mlo, mhi = forecast_mean(fit, settings, Xf, t0, t1)
    rng = np.random.default_rng(fit.seed(settings.seed))
    a = (1 - settings.confidence_level) / 2
    if len(fs):
        draws = forecast_draws(fit, settings, t0, t1, vol, settings.forecast_simulations, rng, X=Xf)
        plo, phi = band_quantiles(draws, a)
    else:
        draws = np.empty((settings.forecast_simulations, 0))
        plo = phi = np.empty(0)
    return _Forecast(fs, fe, t0, t1, vol_day, vol, est, mlo, mhi, draws, plo, phi, rng)


def _target_draws(
    fit: TrendFit, settings: ModelSettings, fc: _Forecast, target_date: pd.Timestamp
) -> tuple[np.ndarray | None, Any, float]:
    """Draws of the rate of the period holding 31 December of the current year (a forecast period, or an
    observed one), its end and its point estimate; (None, None, NaN) when no period holds it."""
    td = np.datetime64(target_date, "ns")
    infc = np.flatnonzero((fc.start <= td) & (fc.end >= td))
    if len(infc):
        j = int(infc[0])
        return fc.draws[:, j], fc.end[j], fc.est[j]
    hold = np.flatnonzero((fit.period_start <= td) & (fit.period_end >= td))
    if not len(hold):
        return None, None, np.nan
    j = int(hold[-1])
    x = fit.X(fit.t_start[j : j + 1], fit.t_end[j : j + 1])
    days_j = float((fit.period_end[j] - fit.period_start[j]) / np.timedelta64(1, "D")) + 1.0
    n_exp = float(fit.trials[j]) if fit.trials[j] > 0 else fc.vol_day * days_j
    noise = fit_noise(fit, settings)
    tgt_draws = predictive_draws(fit, x, np.array([n_exp]), settings.forecast_simulations, fc.rng, None, noise)[:, 0]
    return tgt_draws, fit.period_end[j], float(predict_mean(fit, x)[0][0])


def _target_fields(
    fit: TrendFit, settings: ModelSettings, fc: _Forecast, target_date: pd.Timestamp, summ: dict[str, Any]
) -> list[dict[str, Any]]:
    """The year's and the target period's forecasts added to ``summ``; the target rows (one per configured
    target of the rate) with the probabilities of meeting it."""
    a = (1 - settings.confidence_level) / 2
    tgt_draws, tgt_end, tgt_est = _target_draws(fit, settings, fc, target_date)
    # the current year as a whole (lũy kế 1/1 – 31/12): observed months plus draws for the rest
    year_draws = _year_draws(fit, fc.start, fc.end, fc.vol, fc.draws, target_date)
    if year_draws is not None:
        ylo, yhi = band_quantiles(year_draws, a)
        summ.update(year_forecast=float(np.mean(year_draws)), year_low=float(ylo), year_high=float(yhi))
    target_rows = []
    if tgt_draws is not None:
        tlo, thi = band_quantiles(tgt_draws, a)
        summ.update(
            target_period_end=tgt_end,
            target_forecast=float(tgt_est),
            target_low=float(tlo),
            target_high=float(thi),
            target_too_uncertain=bool(thi - tlo > settings.forecast_max_width),
        )
        for k, tg in enumerate(settings.targets_for(fit.rate)):
            target_rows.append(
                {
                    "unit_schema": fit.unit_schema,
                    "unit_code": fit.unit_code,
                    "rate": fit.rate,
                    "target_index": k,
                    "target": tg.value,
                    "label_vi": tg.label_vi,
                    "label_en": tg.label_en,
                    "source": tg.source,
                    "target_period_end": tgt_end,
                    "p_meet_target": float(np.mean(tgt_draws >= tg.value)),
                    "p_meet_target_year": float(np.mean(year_draws >= tg.value)) if year_draws is not None else np.nan,
                }
            )
    return target_rows


def _trend_rows(fit: TrendFit, fc: _Forecast) -> dict[str, Any]:
    """The series' trend rows as column arrays: its periods (kind "fit"), then the forecast's."""
    nf, nfc = len(fit.trials), len(fc.start)
    with np.errstate(invalid="ignore", divide="ignore"):
        observed = np.where(fit.trials > 0, fit.successes / np.where(fit.trials > 0, fit.trials, 1), np.nan)
    return {
        "unit_schema": np.full(nf + nfc, fit.unit_schema, dtype=object),
        "unit_code": np.full(nf + nfc, fit.unit_code, dtype=object),
        "rate": np.full(nf + nfc, fit.rate, dtype=object),
        "period_start": np.concatenate([fit.period_start, fc.start]),
        "period_end": np.concatenate([fit.period_end, fc.end]),
        "kind": np.array(["fit"] * nf + ["forecast"] * nfc, dtype=object),
        "estimate": np.concatenate([fit.fitted, fc.est]),
        "lower": np.concatenate([fit.lower, fc.low]),
        "upper": np.concatenate([fit.upper, fc.high]),
        "mean_lower": np.concatenate([fit.lower, fc.mean_low]),
        "mean_upper": np.concatenate([fit.upper, fc.mean_high]),
        "n": np.concatenate([fit.trials, fc.vol]),
        "successes": np.concatenate([fit.successes, np.full(nfc, np.nan)]),
        "observed": np.concatenate([observed, np.full(nfc, np.nan)]),
    }


def _year_draws(
    fit: TrendFit, fs: np.ndarray, fe: np.ndarray, vol: np.ndarray, draws: np.ndarray, target_date: pd.Timestamp
) -> np.ndarray | None:
    """Draws of the current calendar year's cumulative rate (successes over trials, 1 January to
    ``target_date``): observed periods of the year as they are, forecast periods of the year drawn
    (the same parameter draw across periods, so their errors move together). None when the year
    holds no period at all, and for a rate with stock columns (766: pending dossiers are counts at a
    cut-off and do not add up over months, motcua.rates ``window_formula``; the fit has no separate
    forecast of the stock at 31 December, so the year's rate is not drawn rather than drawn wrong)."""
    from motcua.rates import RATES

    if fit.rate in RATES and RATES[fit.rate].stocks:
        return None
    y0 = np.datetime64(pd.Timestamp(year=target_date.year, month=1, day=1), "ns")
    td = np.datetime64(target_date, "ns")
    o = (fit.period_start >= y0) & (fit.period_end <= td)
    f = (fs >= y0) & (fe <= td)
    obs_y, obs_n = float(fit.successes[o].sum()), float(fit.trials[o].sum())
    fv = vol[f]
    total = obs_n + float(fv.sum())
    if total <= 0:
        return None
    return (obs_y + draws[:, f] @ fv) / total


def trend_frame(fit: TrendFit, config: Any = None, until: Any = None, target_date: Any = None) -> pd.DataFrame:
    """Trend rows (fit + forecast) of one :class:`TrendFit`, as in trends.parquet.

    ``until`` defaults to 31 December of the year after the series' last period.
    """
    settings = settings_from_config(config)
    last = pd.Timestamp(fit.period_end.max())
    until = pd.Timestamp(until) if until is not None else pd.Timestamp(year=last.year + 1, month=12, day=31)
    target_date = (
        pd.Timestamp(target_date) if target_date is not None else pd.Timestamp(year=last.year, month=12, day=31)
    )
    rows, _, _ = series_outputs(fit, settings, until, target_date)
    return pd.DataFrame(rows, columns=TREND_COLUMNS) if rows else empty_trends()


def trend_summary_row(fit: TrendFit, config: Any = None) -> pd.Series:
    """The summary fields of one fit (slope, latest band, dispersion) as a Series, for exploration."""
    settings = settings_from_config(config)
    last = pd.Timestamp(fit.period_end.max())
    _, summ, _ = series_outputs(
        fit,
        settings,
        pd.Timestamp(year=last.year + 1, month=12, day=31),
        pd.Timestamp(year=last.year, month=12, day=31),
    )
    return pd.Series({"status": fit.status, "notes": "; ".join(fit.notes), "n_periods": fit.n_periods, **summ})
