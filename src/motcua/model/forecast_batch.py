"""Forecast parts that the series of a worker's share fit together before each series' forecast reads them.

:func:`prefit` is given a chunk's fitted trends and, for the growth method, fits for all of them at once the
growth curve (:mod:`motcua.model.forecast_growth_batch`) of every series with forecast periods ahead, then the
curve rising from a floor (:mod:`motcua.model.forecast_rise_batch`) of each series whose forecast will ask for it
(``forecast_growth_floor: rising``, its rate in ``forecast_growth_floor_rates``, no growth curve identified).
Each result is kept on the fit the forecast reads (:func:`motcua.model.forecast_season.forecast_fit`), where
:func:`~motcua.model.forecast_growth.fit_growth` and :func:`~motcua.model.forecast_rise.fit_rise` find it: the
forecast is the same as without the prefit, made with less of numpy's per-call overhead.
"""

from __future__ import annotations

from motcua.model.forecast import _rise_tried
from motcua.model.forecast_growth import fit_growth, memo_on_fit
from motcua.model.forecast_growth_batch import growths
from motcua.model.forecast_rise_batch import rises
from motcua.model.forecast_season import forecast_fit
from motcua.model.settings import ModelSettings
from motcua.model.trend import TrendFit


def prefit(fits: list[TrendFit], settings: ModelSettings, ahead: list[bool] | None = None) -> None:
    """Fit the growth curves and rising curves of ``fits`` that their forecasts will ask for, all at once, and
    keep each on its fit. ``ahead``: per fit, whether its forecast has periods (None: all have)."""
    if settings.forecast_method != "growth":
        return
    todo = [forecast_fit(fit, settings) for i, fit in enumerate(fits) if fit.ok and (ahead is None or ahead[i])]
    todo = [ff for ff in todo if ff.has_trend]
    _keep(todo, "_forecast_growth", settings, growths)
    want = [ff for ff in todo if _rise_tried(ff, settings) and fit_growth(ff, settings) is None]
    _keep(want, "_forecast_rise", settings, rises)


def _keep(fits: list[TrendFit], attr: str, settings: ModelSettings, batch) -> None:
    """``batch(fits, settings)`` of the fits without a result under ``attr`` yet, each kept there (as
    :func:`motcua.model.forecast_growth.memo_on_fit` keeps it)."""
    key = (settings.forecast_growth_prior_sd, settings.forecast_growth_test_level, settings.forecast_growth_max_ceiling)
    fresh = [f for f in fits if getattr(f, attr, (None,))[0] != key]
    for f, r in zip(fresh, batch(fresh, settings)):
        memo_on_fit(f, attr, settings, lambda _f, _s, r=r: r)
