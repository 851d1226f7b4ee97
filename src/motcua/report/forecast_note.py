"""The method note's sentence on forecasts: the configured forecast model and its measured out-of-sample coverage.

The coverage is read from src/motcua/model/forecast_calibration.json, which
bench/forecast_bench.py writes after scoring the forecasts on simulated series
(one JSON object: ``method``, ``series``, ``coverage_min`` / ``coverage_max`` over
horizons 1–12, ``measured_on``). When the file is missing or was measured for
another model than config/model.yaml's (``forecast_method`` and, for the growth method, its partner
methods: :func:`motcua.model.forecast.method_name`), the sentence names
the model and states no coverage rather than a stale one.
"""

from __future__ import annotations

from typing import Any

from motcua.model.forecast import calibration, method_name
from motcua.model.settings import settings_from_config
from motcua.report import fmt
from motcua.report.strings import Strings, cap


def model_name(S: Strings, settings: Any) -> str:
    """The forecast model in words; the growth method names the methods it mixes in and falls back on."""
    if settings.forecast_method != "growth":
        return S[f"fc_model_{settings.forecast_method}"]
    return S.f(
        "fc_model_growth",
        mix=S[f"fc_part_{settings.forecast_growth_mix}"],
        other=S[f"fc_part_{settings.forecast_growth_else}"],
    )


def forecast_note(S: Strings, config: Any = None) -> str:
    """One paragraph of the method note (the report's language)."""
    settings = settings_from_config(config)
    model = model_name(S, settings)
    cal = calibration()
    if not cal or cal.get("method") != method_name(settings):
        return cap(
            S.f(
                "ft_method_forecast_unmeasured",
                model=model,
                width=fmt.num(round(100 * settings.forecast_max_width), S.lang),
            )
        )
    return S.f(
        "ft_method_forecast",
        model=model,
        series=fmt.num(int(cal["series"]), S.lang),
        cov_low=fmt.pct(float(cal["coverage_min"]), S.lang, 1),
        cov_high=fmt.pct(float(cal["coverage_max"]), S.lang, 1),
        date=fmt.day(cal["measured_on"], S.lang),
        width=fmt.num(round(100 * settings.forecast_max_width), S.lang),
    )
