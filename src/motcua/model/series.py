"""From the panel to one binomial series per (unit, rate).

Grain of a series: one row per observed period of one unit (keyed by
``unit_schema`` + ``unit_code``), with ``successes`` and ``trials`` from
:func:`motcua.rates.successes_trials` (the formulas live there only).

Quirks handled here:

* rows whose rate is undefined (a missing count, e.g. a 07a layout without the
  online split) are left out of that rate's series, not of the others;
* periods of zero trials stay in the series (``trials == 0``) so that the trend
  table can show them; the fit ignores them (they carry no information);
* ``successes_stock`` / ``trials_stock``: the parts of ``successes`` / ``trials``
  that are stocks at the period's cut-off (pending dossiers, columns 11–12 of
  the 766 rate; 0 for flow-only rates). A period's fit uses the whole counts;
  a window total sums only the flows and adds the stock of its last period
  (:func:`motcua.model.compare.window_totals`, ``window_formula`` in motcua.rates);
* overlapping periods (a quarterly row beside the monthly rows it covers) would
  count dossiers twice: the longer row is set aside (``overlap_dropped``),
  preferring the finer periods.
"""

from __future__ import annotations

import numpy as np
import pandas as pd

from motcua.rates import successes_trials, successes_trials_parts

UNIT_KEY: list[str] = ["unit_schema", "unit_code"]
DAYS_PER_YEAR = 365.25
#: Origin of the time axis: years since this date (fixed, so results never depend on the data's start).
TIME_ORIGIN = pd.Timestamp("2000-01-01")

SERIES_COLUMNS = [
    "unit_schema",
    "unit_code",
    "rate",
    "period_start",
    "period_end",
    "successes",
    "trials",
    "successes_stock",
    "trials_stock",
    "observed",
    "t_start",
    "t_end",
]


def years(ts: pd.Series | pd.DatetimeIndex | pd.Timestamp) -> np.ndarray | float:
    """Dates as fractional years since :data:`TIME_ORIGIN`."""
    if isinstance(ts, pd.Timestamp):
        return (ts - TIME_ORIGIN).days / DAYS_PER_YEAR
    d = pd.to_datetime(ts)
    return ((d - TIME_ORIGIN) / pd.Timedelta(days=1)).to_numpy(dtype=float) / DAYS_PER_YEAR


def _drop_overlaps(g: pd.DataFrame) -> tuple[pd.DataFrame, int]:
    """Keep non-overlapping periods, shortest first; returns (kept rows in date order, number dropped)."""
    if len(g) < 2:
        return g, 0
    s = g["period_start"].to_numpy()
    e = g["period_end"].to_numpy()
    if (s[1:] > e[:-1]).all():  # sorted by start and already tiling: the common case
        return g, 0
    length = e - s
    order = np.lexsort((s, length))
    kept: list[int] = []
    for i in order:
        if all(s[i] > e[j] or e[i] < s[j] for j in kept):
            kept.append(i)
    kept.sort()
    return g.iloc[kept], len(g) - len(kept)


def _drop_overlaps_by_unit(df: pd.DataFrame) -> tuple[np.ndarray, dict[tuple[str, str], int]]:
    """:func:`_drop_overlaps` for every unit of ``df`` (sorted by unit, period_start, period_end) at once.

    Returns (mask of the rows kept, rows dropped per unit in key order). Only units whose periods do
    not already tile in order (the rare case) go through :func:`_drop_overlaps`; the others keep every row.
    """
    schema = df["unit_schema"].to_numpy(object)
    code = df["unit_code"].to_numpy(object)
    s = df["period_start"].to_numpy()
    e = df["period_end"].to_numpy()
    new_unit = np.ones(len(df), bool)
    new_unit[1:] = (schema[1:] != schema[:-1]) | (code[1:] != code[:-1])
    first = np.flatnonzero(new_unit)
    bounds = np.append(first, len(df))
    # a row that does not start after the previous row of its unit ends: that unit needs the full check
    clash = np.zeros(len(df), bool)
    clash[1:] = ~new_unit[1:] & ~(s[1:] > e[:-1])
    unit_of_row = np.cumsum(new_unit) - 1
    needs = np.zeros(len(first), bool)
    needs[unit_of_row[clash]] = True
    keep = np.ones(len(df), bool)
    dropped: dict[tuple[str, str], int] = {}
    for u, lo in enumerate(first):
        hi = bounds[u + 1]
        n = 0
        if needs[u]:
            g, n = _drop_overlaps(df.iloc[lo:hi])
            keep[lo:hi] = False
            keep[lo + np.flatnonzero(df.index[lo:hi].isin(g.index))] = True
        dropped[(str(schema[lo]), str(code[lo]))] = int(n)
    return keep, dropped


def build_series(panel: pd.DataFrame, rates: tuple[str, ...] | list[str]) -> tuple[pd.DataFrame, pd.DataFrame]:
    """All binomial series of the panel.

    Returns ``(series, notes)``: ``series`` has :data:`SERIES_COLUMNS` plus
    ``unit_name``, ``unit_level`` (grain: unit × rate × period, sorted);
    ``notes`` has one row per (unit, rate) with ``overlap_dropped`` (rows set
    aside because they overlapped finer periods) and ``undefined_periods``
    (rows where the rate's counts are missing).
    """
    base = panel.copy()
    base["period_start"] = pd.to_datetime(base["period_start"]).astype("datetime64[ns]")
    base["period_end"] = pd.to_datetime(base["period_end"]).astype("datetime64[ns]")
    base["unit_code"] = base["unit_code"].astype(str)
    base["unit_schema"] = base["unit_schema"].astype(str)
    frames = []
    notes = []
    for rate in rates:
        num, den = successes_trials(base, rate)
        _, num_stock, _, den_stock = successes_trials_parts(base, rate, totals=(num, den))
        df = base[UNIT_KEY + ["unit_name", "unit_level", "period_start", "period_end"]].copy()
        df["rate"] = rate
        df["successes"] = num.astype("float64").to_numpy()
        df["trials"] = den.astype("float64").to_numpy()
        df["successes_stock"] = num_stock.astype("float64").to_numpy()
        df["trials_stock"] = den_stock.astype("float64").to_numpy()
        undefined = df["successes"].isna() | df["trials"].isna()
        und_counts = df.loc[undefined].groupby(UNIT_KEY).size()
        df = df.loc[~undefined]
        df = df.sort_values(UNIT_KEY + ["period_start", "period_end"], kind="stable").reset_index(drop=True)
        if len(df):
            keep, dropped = _drop_overlaps_by_unit(df)
            frames.append(df.loc[keep].reset_index(drop=True))
        else:
            dropped = {}
        und = {(str(k[0]), str(k[1])): int(v) for k, v in und_counts.items()}
        for key, n_dropped in dropped.items():  # one note per unit with a defined period, in key order
            notes.append(
                {
                    "unit_schema": key[0],
                    "unit_code": key[1],
                    "rate": rate,
                    "overlap_dropped": n_dropped,
                    "undefined_periods": und.get(key, 0),
                }
            )
        for key, cnt in und.items():  # units whose every period lacks this rate's counts
            if key not in dropped:
                notes.append(
                    {
                        "unit_schema": key[0],
                        "unit_code": key[1],
                        "rate": rate,
                        "overlap_dropped": 0,
                        "undefined_periods": cnt,
                    }
                )
    if frames:
        series = pd.concat(frames, ignore_index=True)
    else:
        series = pd.DataFrame(
            columns=UNIT_KEY
            + [
                "unit_name",
                "unit_level",
                "period_start",
                "period_end",
                "rate",
                "successes",
                "trials",
                "successes_stock",
                "trials_stock",
            ]
        )
    for c in ("successes", "trials", "successes_stock", "trials_stock"):
        series[c] = series[c].astype(float)
    series["observed"] = np.where(
        series["trials"] > 0, series["successes"] / series["trials"].where(series["trials"] > 0), np.nan
    )
    # t_end is the end of the last day of the period (inclusive dates).
    series["t_start"] = years(series["period_start"])
    series["t_end"] = years(series["period_end"] + pd.Timedelta(days=1))
    notes_df = pd.DataFrame(notes, columns=UNIT_KEY + ["rate", "overlap_dropped", "undefined_periods"])
    return series.reset_index(drop=True), notes_df
