"""Forecast parts that the series of a worker's share fit together before each series' forecast reads them.

:func:`prefit` is given a chunk's fitted trends and fits, for all of them at once, the curve rising from a floor
(:mod:`motcua.model.forecast_rise_batch`) of each series whose forecast will ask for it: the growth method with
``forecast_growth_floor: rising``, the series' rate listed in ``forecast_growth_floor_rates``, a trend, forecast
periods ahead, and no growth curve identified. Each result is kept on the fit the forecast reads
(:func:`motcua.model.forecast_season.forecast_fit`), where :func:`motcua.model.forecast_rise.fit_rise` finds it:
the forecast is the same as without the prefit, made with less of numpy's per-call overhead.
"""

from __future__ import annotations

from motcua.model.forecast import _rise_tried
from motcua.model.forecast_growth import fit_growth, memo_on_fit
from motcua.model.forecast_rise_batch import rises
from motcua.model.forecast_season import forecast_fit
from motcua.model.settings import ModelSettings
from motcua.model.trend import TrendFit


def prefit(fits: list[TrendFit], settings: ModelSettings, ahead: list[bool] | None = None) -> None:
    """Fit the rising curves of ``fits`` that their forecasts will ask for, all at once, and keep each on its fit.
    ``ahead``: per fit, whether its forecast has periods (None: all have)."""
    if settings.forecast_method != "growth":
        return
    want = []
    for i, fit in enumerate(fits):
        if not fit.ok or (ahead is not None and not ahead[i]) or not _rise_tried(fit, settings):
            continue
        ff = forecast_fit(fit, settings)
        if ff.has_trend and fit_growth(ff, settings) is None:
            want.append(ff)
    for ff, r in zip(want, rises(want, settings)):
        memo_on_fit(ff, "_forecast_rise", settings, lambda _f, _s, r=r: r)
