"""Trends of the 766 group rates (:data:`motcua.rates.GROUP_RATES`) of one unit, by the model stage's machinery.

Grain of :func:`group_trends`: one row per rate the unit's groups766.parquet rows hold
(counts not NA): periods with a denominator, the window's counts, and the trend — the
same binomial logit trend with overdispersion as the panel rates
(:func:`motcua.model.trend.fit_arrays`), under the same policy of config/model.yaml
(``min_periods_for_trend``, ``min_events_for_trend``: a shorter series gets a status
saying so and no slope, never a line drawn through a few points).
"""

from __future__ import annotations

from typing import Any

import numpy as np
import pandas as pd

from motcua.model.series import years
from motcua.rates import GROUP_RATES, group_successes_trials

TREND_COLUMNS = [
    "rate",
    "n_periods",
    "successes",
    "trials",
    "window_start",
    "window_end",
    "status",
    "slope_pp_per_year",
    "slope_low",
    "slope_high",
]


def group_trends(rows: pd.DataFrame, window_months: int = 12, config: Any = None) -> pd.DataFrame:
    """:data:`TREND_COLUMNS` for one unit's groups766 rows: the counts summed over the last ``window_months``
    months (flows only: every count is a dossier counted once, in one month) and each rate's trend over all months."""
    from motcua.model.settings import settings_from_config
    from motcua.model.trend import ame_slope, fit_arrays

    out = []
    if rows is None or rows.empty:
        return pd.DataFrame(columns=TREND_COLUMNS)
    settings = settings_from_config(config)
    d = rows.sort_values("period_start", kind="stable")
    ends = pd.to_datetime(d["period_end"])
    last = ends.max()
    in_window = (ends > last - pd.DateOffset(months=window_months)).to_numpy()
    for rate in GROUP_RATES:
        num, den = group_successes_trials(d, rate)
        ok = num.notna().to_numpy() & den.notna().to_numpy()
        if not ok.any() or float(den[ok].sum()) == 0:
            continue
        s, n = num[ok].astype(float).to_numpy(), den[ok].astype(float).to_numpy()
        ps = pd.to_datetime(d.loc[ok, "period_start"]).to_numpy("datetime64[ns]")
        pe = pd.to_datetime(d.loc[ok, "period_end"]).to_numpy("datetime64[ns]")
        fit = fit_arrays(
            str(d["unit_schema"].iloc[0]),
            str(d["unit_code"].iloc[0]),
            rate,
            ps,
            pe,
            years(pd.Series(ps)),
            years(pd.Series(pe) + pd.Timedelta(days=1)),
            s,
            n,
            settings,
        )
        slope = ame_slope(fit) if fit.has_trend else (np.nan, np.nan, np.nan)
        w = ok & in_window
        out.append(
            {
                "rate": rate,
                "n_periods": int((n > 0).sum()),
                "successes": float(num[w].astype(float).sum()),
                "trials": float(den[w].astype(float).sum()),
                "window_start": pd.to_datetime(d.loc[w, "period_start"]).min(),
                "window_end": pd.to_datetime(d.loc[w, "period_end"]).max(),
                "status": fit.status,
                "slope_pp_per_year": slope[0],
                "slope_low": slope[1],
                "slope_high": slope[2],
            }
        )
    return pd.DataFrame(out, columns=TREND_COLUMNS)
