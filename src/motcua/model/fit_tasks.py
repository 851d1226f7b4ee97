"""The model's unit of work: one task per (unit, rate) series, fitted into its trend rows, summary row and
target rows; the tasks' cache bytes and the packed form their outputs are kept in.

A task is the tuple ((unit_schema, unit_code, rate), unit_level, unit_name, (period_start, period_end, t_start,
t_end, successes, trials), province prior, (overlapping periods set aside, periods without the counts),
the series' end): the arrays hold one element per period, in date order. Every series draws from its own
seed, so the outputs do not depend on the order or the process a task runs in.
"""

from __future__ import annotations

import os
import pickle

import numpy as np
import pandas as pd

from motcua.model.cache import pack_columns, unpack_columns
from motcua.model.eras import forecast_until, series_end
from motcua.model.forecast_batch import prefit
from motcua.model.series_outputs import series_outputs
from motcua.model.settings import ModelSettings
from motcua.model.trend import TrendFit, fit_arrays, forecast_arrays


def province_priors(window: pd.DataFrame, decimals: int) -> dict[tuple[str, str, str], float]:
    """Pooled rate of each peer group (schema, level, rate) over its comparison window: where pooling pulls a unit.

    ``window``: the series' periods inside the window (:func:`motcua.model.compare.window_rows`); only
    they count, so a correction to older months leaves every other unit's prior, and fit, as it was.
    Rounded to ``decimals`` on the logit scale (ModelSettings.shared_logit_decimals),
    so that a small correction inside the window does not refit every unit either.
    """
    g = window.groupby(["unit_schema", "unit_level", "rate"])[["successes", "trials"]].sum()
    out = {}
    for k, r in g.iterrows():
        p = (r.successes + 0.5) / (r.trials + 1.0)
        logit = round(float(np.log(p / (1.0 - p))), decimals)
        out[k] = float(1.0 / (1.0 + np.exp(-logit)))
    return out


def build_tasks(
    series: pd.DataFrame,
    notes: pd.DataFrame,
    priors: dict[tuple[str, str, str], float],
    as_of: pd.Timestamp,
) -> list[tuple]:
    """One task per (unit, rate) of ``series`` (rows of :func:`motcua.model.series.build_series`), in the order
    of unit_schema, unit_code, rate; ``notes``: each series' periods set aside; ``priors``: by peer group
    (:func:`province_priors`); ``as_of``: the panel's last period end (where a series still running ends)."""
    notes_map = {
        (r.unit_schema, r.unit_code, r.rate): (int(r.overlap_dropped), int(r.undefined_periods))
        for r in notes.itertuples(index=False)
    }
    s = series.sort_values(["unit_schema", "unit_code", "rate", "period_start", "period_end"], kind="stable")
    key_cols = [s[c].to_numpy(object) for c in ("unit_schema", "unit_code", "rate")]
    cols = (
        s["period_start"].to_numpy("datetime64[ns]"),
        s["period_end"].to_numpy("datetime64[ns]"),
        s["t_start"].to_numpy(float),
        s["t_end"].to_numpy(float),
        s["successes"].to_numpy(float),
        s["trials"].to_numpy(float),
    )
    levels = s["unit_level"].to_numpy(object)
    unames = s["unit_name"].to_numpy(object)
    change = np.zeros(max(len(s) - 1, 0), bool)
    for k in key_cols:
        change |= k[1:] != k[:-1]
    bounds = [0, *(np.flatnonzero(change) + 1).tolist(), len(s)]  # one task per (unit, rate): rows lo … hi-1
    tasks = []
    for lo, hi in zip(bounds[:-1], bounds[1:]):
        schema, code, rate = (k[lo] for k in key_cols)
        level = str(levels[hi - 1])
        tasks.append(
            (
                (schema, code, rate),
                level,
                str(unames[hi - 1]),
                tuple(c[lo:hi] for c in cols),
                priors.get((schema, level, rate)),
                notes_map.get((schema, code, rate), (0, 0)),
                series_end(schema, cols[1][lo:hi], as_of),
            )
        )
    return tasks


def fit_task(task: tuple, settings: ModelSettings, until: pd.Timestamp, target_date: pd.Timestamp) -> tuple:
    """Fit one (unit, rate) series and build its outputs: (trend rows, summary row, target rows)."""
    return task_outputs(task, task_fit(task, settings), settings, until, target_date)


def task_fit(task: tuple, settings: ModelSettings) -> TrendFit:
    """The fitted trend of one task's series."""
    (schema, code, rate), level, name, (ps, pe, t0, t1, y, n), prior, _, _ = task
    return fit_arrays(schema, code, rate, ps, pe, t0, t1, y, n, settings, prior_rate=prior)


def task_outputs(
    task: tuple, fit: TrendFit, settings: ModelSettings, until: pd.Timestamp, target_date: pd.Timestamp
) -> tuple:
    """One task's outputs from its fitted trend ``fit`` (:func:`task_fit`): (trend rows, summary row, target rows)."""
    (schema, code, rate), level, name, _, _, (overlap, undefined), ended = task
    # a legacy unit ended on 30/06/2025: no forecast, no target probability beyond its end (motcua.model.eras)
    rows, summ, trows = series_outputs(fit, settings, forecast_until(until, ended), target_date)
    note_list = list(fit.notes)
    if overlap:
        note_list.append(f"{overlap} overlapping period(s) set aside")
    if undefined:
        note_list.append(f"{undefined} period(s) without the counts this rate needs")
    zero = int((fit.trials == 0).sum())
    if zero:
        note_list.append(f"{zero} period(s) with no dossiers")
    tg = settings.targets_for(rate)
    summary = {
        "unit_schema": schema,
        "unit_code": code,
        "unit_name": name,
        "unit_level": level,
        "rate": rate,
        "status": fit.status,
        "notes": "; ".join(note_list),
        "n_periods": fit.n_periods,
        "target": tg[0].value if tg else np.nan,
        "target_label_vi": tg[0].label_vi if tg else "",
        "target_label_en": tg[0].label_en if tg else "",
        "target_source": tg[0].source if tg else "",
        "p_meet_target": next((t["p_meet_target"] for t in trows if t["target_index"] == 0), np.nan),
        "p_meet_target_year": next((t["p_meet_target_year"] for t in trows if t["target_index"] == 0), np.nan),
        **summ,
    }
    return rows, summary, trows


def fit_chunk(
    chunk: list[tuple], settings: ModelSettings, until: pd.Timestamp, target_date: pd.Timestamp, packed: bool = False
) -> list[tuple]:
    """:func:`fit_task` of every task of ``chunk``, in order (one worker's share); ``packed``: each as
    :func:`pack_result` stores it (packed where the work is shared out, and several times faster to send back).
    The trends are fitted first, then the forecasts' curves that several series can fit at once
    (:func:`motcua.model.forecast_batch.prefit`), then each series' outputs: the same numbers as one by one."""
    out = []
    for lo in range(0, len(chunk), PREFIT_BATCH):
        part = chunk[lo : lo + PREFIT_BATCH]
        fits = [task_fit(t, settings) for t in part]
        ahead = [
            len(forecast_arrays(pd.Timestamp(f.period_end.max()), forecast_until(until, t[6]))[0]) > 0
            for t, f in zip(part, fits)
        ]
        prefit(fits, settings, ahead)
        for t, f in zip(part, fits):
            r = task_outputs(t, f, settings, until, target_date)
            out.append(pack_result(r) if packed else r)
    return out


#: Series whose trends :func:`fit_chunk` fits before their forecasts (memory: their fits are kept meanwhile).
PREFIT_BATCH = 256


def jobs_for(settings: ModelSettings, n_tasks: int) -> int:
    """Worker processes: ``settings.jobs`` (0 = one per CPU), 1 for small panels where forking costs more."""
    if n_tasks < 150:
        return 1
    jobs = settings.jobs or (os.cpu_count() or 1)
    return max(1, min(jobs, n_tasks // 50))


def task_bytes(task: tuple) -> bytes:
    """A task as the bytes its cache key is made of: the pickled small parts with each array's dtype and shape,
    then the arrays' raw bytes (their lengths follow from the dtypes and shapes, so no two tasks share bytes).
    Twice as fast as pickling the arrays."""
    key, level, name, arrays, prior, notes, ended = task
    head = pickle.dumps((key, level, name, prior, notes, ended, [(a.dtype.str, a.shape) for a in arrays]), protocol=5)
    return b"".join([head, *(np.ascontiguousarray(a).tobytes() for a in arrays)])


def pack_result(result: tuple) -> tuple:
    """One series' outputs as stored in the cache: its trend rows packed (:func:`motcua.model.cache.pack_columns`,
    several times faster to store and load than the arrays one by one)."""
    rows, *rest = result
    return ("packed", None if rows is None else pack_columns(rows), *rest)


def unpack_result(stored: tuple | None) -> tuple | None:
    """The outputs :func:`pack_result` stored (None stays None: not in the cache)."""
    if stored is None:
        return None
    _, rows, *rest = stored
    return (None if rows is None else unpack_columns(rows), *rest)
