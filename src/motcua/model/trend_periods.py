"""The periods a forecast covers and the volume it expects: monthly periods after the series' last one,
with the data's day-of-month cut-off, and trials per day over the last year of a series."""

from __future__ import annotations

from functools import lru_cache

import numpy as np
import pandas as pd

from motcua.model.series import years


def forecast_periods(last_end: pd.Timestamp, until: pd.Timestamp) -> pd.DataFrame:
    """Monthly periods after ``last_end`` up to the one containing ``until``, keeping the data's day-of-month cut-off."""
    start = pd.Timestamp(last_end) + pd.Timedelta(days=1)
    anchor = start
    rows = []
    i = 0
    while start <= until and i < 240:
        nxt = anchor + pd.DateOffset(months=i + 1)
        end = nxt - pd.Timedelta(days=1)
        rows.append((start, end))
        start = end + pd.Timedelta(days=1)
        i += 1
    return pd.DataFrame(rows, columns=["period_start", "period_end"]).astype("datetime64[ns]")


@lru_cache(maxsize=256)
def forecast_arrays(
    last_end: pd.Timestamp, until: pd.Timestamp
) -> tuple[np.ndarray, np.ndarray, np.ndarray, np.ndarray]:
    """:func:`forecast_periods` as arrays (start, end, t_start, t_end), cached: units share their cut-offs."""
    fc = forecast_periods(last_end, until)
    t0 = np.asarray(years(fc["period_start"]), float)
    t1 = np.asarray(years(fc["period_end"] + pd.Timedelta(days=1)), float)
    out = (fc["period_start"].to_numpy("datetime64[ns]"), fc["period_end"].to_numpy("datetime64[ns]"), t0, t1)
    for a in out:
        a.flags.writeable = False
    return out


def daily_volume(period_start: np.ndarray, period_end: np.ndarray, trials: np.ndarray, days: int = 365) -> float:
    """Trials per day over the last ``days`` days of a series (a period partly inside counts pro rata)."""
    if not len(trials):
        return 0.0
    s = period_start.astype("datetime64[D]").astype(np.int64)
    e = period_end.astype("datetime64[D]").astype(np.int64)
    cutoff = e.max() - (days - 1)
    length = e - s + 1
    inside = np.clip(e - np.maximum(s, cutoff) + 1, 0, None)
    covered = float(inside.sum())
    if covered <= 0:
        return 0.0
    return float(np.sum(trials * inside / length) / covered)
