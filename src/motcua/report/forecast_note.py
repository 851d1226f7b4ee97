"""The method note's sentence on forecasts: the configured forecast model and its measured out-of-sample coverage.

The coverage is read from src/motcua/model/forecast_calibration.json, which
bench/forecast_bench.py writes after scoring the forecasts on simulated series
(one JSON object: ``method``, ``series``, ``coverage_min`` / ``coverage_max`` over
horizons 1–12, ``measured_on``). When the file is missing or was measured for
another method than config/model.yaml's ``forecast_method``, the sentence names
the model and states no coverage rather than a stale one.
"""

from __future__ import annotations

from typing import Any

from motcua.model.forecast import calibration
from motcua.model.settings import settings_from_config
from motcua.report import fmt
from motcua.report.strings import Strings, cap


def forecast_note(S: Strings, config: Any = None) -> str:
    """One paragraph of the method note (the report's language)."""
    settings = settings_from_config(config)
    model = S[f"fc_model_{settings.forecast_method}"]
    cal = calibration()
    if not cal or cal.get("method") != settings.forecast_method:
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
