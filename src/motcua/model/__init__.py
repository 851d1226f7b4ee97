"""The model stage: trends of on-time and online rates, forecasts against targets, fair comparison.

Public API (pure functions; no printing, no plotting):

* :func:`run_model` (panel → :class:`ModelResult`), :func:`write_results`,
  :func:`run_model_dir` (DATA/panel.parquet → DATA/trends.parquet, …), :func:`read_results`;
* :func:`fit_trend` / :func:`trend_frame` / :func:`trend_summary_row` to refit one
  unit with other settings (exploration);
* :func:`funnel_curve` and :func:`funnel_limits` for funnel plots;
* :func:`province_summary` for a readable table of the results.
"""
from motcua.model.compare import compare_units, funnel_curve, funnel_limits
from motcua.model.run import (
    ModelResult,
    read_results,
    run_model,
    run_model_dir,
    trend_frame,
    trend_summary_row,
    write_results,
)
from motcua.model.settings import MODEL_RATES, ModelSettings, settings_from_config
from motcua.model.trend import TrendFit, fit_trend

__all__ = [
    "MODEL_RATES",
    "ModelResult",
    "ModelSettings",
    "TrendFit",
    "compare_units",
    "fit_trend",
    "funnel_curve",
    "funnel_limits",
    "read_results",
    "run_model",
    "run_model_dir",
    "settings_from_config",
    "trend_frame",
    "trend_summary_row",
    "write_results",
]
