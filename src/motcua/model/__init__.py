"""The model stage: trends of on-time and online rates, forecasts against targets, fair comparison.

Public API (pure functions; no printing, no plotting):

* :func:`run_model` (panel → :class:`ModelResult`), :func:`write_results`,
  :func:`run_model_dir` (DATA/panel.parquet → DATA/trends.parquet, …), :func:`read_results`;
* :func:`fit_trend` / :func:`trend_frame` / :func:`trend_summary_row` to refit one
  unit with other settings (exploration);
* :func:`funnel_curve` and :func:`funnel_limits` for funnel plots;
* :func:`province_summary` for a readable table of the results.

The names are loaded on first use (PEP 562): :mod:`motcua.model.claims`, which the
index page needs in the build's own process, imports without statsmodels and scipy.
"""

from __future__ import annotations

from motcua.lazy import lazy_exports

_EXPORTS = {
    "compare_units": "motcua.model.compare",
    "funnel_curve": "motcua.model.compare",
    "funnel_limits": "motcua.model.compare",
    "ModelResult": "motcua.model.run",
    "read_results": "motcua.model.run",
    "run_model": "motcua.model.run",
    "run_model_dir": "motcua.model.run",
    "trend_frame": "motcua.model.run",
    "trend_summary_row": "motcua.model.run",
    "write_results": "motcua.model.run",
    "MODEL_RATES": "motcua.model.settings",
    "ModelSettings": "motcua.model.settings",
    "settings_from_config": "motcua.model.settings",
    "TrendFit": "motcua.model.trend",
    "fit_trend": "motcua.model.trend",
}
__all__ = sorted(_EXPORTS)


__getattr__ = lazy_exports(__name__, _EXPORTS)
