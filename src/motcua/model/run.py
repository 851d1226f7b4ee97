"""The model stage: panel → trends, trend summary, comparison (docs/architecture.md, "The products").

Tables (all rates as proportions 0–1, units keyed by unit_schema + unit_code):

* ``trends`` — one row per (unit, rate, period_start, kind): ``fit`` rows for
  every observed period (fitted rate, 95 % confidence interval, observed rate,
  trials ``n``) and ``forecast`` rows, monthly to the end of the next calendar
  year (point forecast, 95 % *prediction* interval at the expected volume
  ``n``, and the confidence interval of the mean as ``mean_lower``/``mean_upper``).
  Series too short for a trend have no rows here (see the summary's status).
* ``trend_summary`` — one row per (unit, rate): status, slope (pp/year, the
  average derivative of the deseasonalised trend over the observed periods)
  with its interval, latest rate and its own 99.8 % band, target and the
  probability of meeting it (``p_meet_target``: the rate of the period holding
  31 December; ``p_meet_target_year``: the cumulative rate of the whole current
  year, lũy kế; ``target_too_uncertain``: the 95 % prediction interval at that date is wider than
  ``forecast_max_width``, so the report quotes no probability), shrunken rate and rank with intervals, funnel flag.
* ``comparison`` — one row per (unit, rate) over the comparison window: see
  :mod:`motcua.model.compare`.
* ``targets`` — one row per (unit, rate, target) for every target in config.
"""

from __future__ import annotations

import os
import pickle
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import numpy as np
import pandas as pd

from motcua import products
from motcua.model import last_run
from motcua.model.cache import ResultCache, pack_columns, unpack_columns
from motcua.model.compare import compare_units, window_rows
from motcua.model.eras import forecast_until, series_end
from motcua.model.forecast import forecast_design, forecast_draws, forecast_mean
from motcua.model.series import build_series
from motcua.model.settings import ModelSettings, settings_from_config
from motcua.model.trend import (
    TrendFit,
    ame_slope,
    band_quantiles,
    daily_volume,
    fit_arrays,
    forecast_arrays,
    latest_band,
    logit_slope,
    predict_mean,
    predictive_draws,
    recent_slope,
)
from motcua.version import source_hash

TRENDS_FILE = products.TRENDS.file
SUMMARY_FILE = products.SUMMARY.file
COMPARISON_FILE = products.COMPARISON.file
TARGETS_FILE = products.TARGETS.file

TREND_COLUMNS = [
    "unit_schema",
    "unit_code",
    "rate",
    "period_start",
    "period_end",
    "kind",
    "estimate",
    "lower",
    "upper",
    "mean_lower",
    "mean_upper",
    "n",
    "successes",
    "observed",
]
SUMMARY_COLUMNS = [
    "unit_schema",
    "unit_code",
    "unit_name",
    "unit_level",
    "rate",
    "status",
    "notes",
    "n_periods",
    "first_period_start",
    "last_period_end",
    "latest_period_start",
    "latest_period_end",
    "latest_n",
    "latest_rate",
    "latest_fitted",
    "latest_band_low",
    "latest_band_high",
    "latest_z",
    "latest_outside_band",
    "slope_pp_per_year",
    "slope_low",
    "slope_high",
    "slope_logit_per_year",
    "slope_logit_low",
    "slope_logit_high",
    "slope_recent_pp_per_year",
    "slope_recent_low",
    "slope_recent_high",
    "rho",
    "dispersion",
    "df_resid",
    "harmonics",
    "breaks",
    "knots",
    "forecast_end",
    "target",
    "target_label_vi",
    "target_label_en",
    "target_source",
    "target_period_end",
    "target_forecast",
    "target_low",
    "target_high",
    "target_too_uncertain",
    "p_meet_target",
    "year_forecast",
    "year_low",
    "year_high",
    "p_meet_target_year",
    "shrunk_rate",
    "shrunk_low",
    "shrunk_high",
    "rank",
    "rank_low",
    "rank_high",
    "n_ranked",
    "funnel_flag",
]


@dataclass
class ModelResult:
    """What the model stage returns: the three contract tables plus target probabilities."""

    trends: pd.DataFrame
    trend_summary: pd.DataFrame
    comparison: pd.DataFrame
    targets: pd.DataFrame
    settings: ModelSettings
    as_of: pd.Timestamp | None = None


def _province_priors(window: pd.DataFrame, decimals: int) -> dict[tuple[str, str, str], float]:
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


def _empty_trends() -> pd.DataFrame:
    df = pd.DataFrame({c: pd.Series(dtype="float64") for c in TREND_COLUMNS})
    for c in ("unit_schema", "unit_code", "rate", "kind"):
        df[c] = df[c].astype("object")
    for c in ("period_start", "period_end"):
        df[c] = df[c].astype("datetime64[ns]")
    return df


def _series_outputs(
    fit: TrendFit, settings: ModelSettings, until: pd.Timestamp, target_date: pd.Timestamp
) -> tuple[dict[str, Any] | None, dict[str, Any], list[dict[str, Any]]]:
    """Trend rows (as column arrays), summary fields and target rows of one fitted series."""
    summ: dict[str, Any] = {}
    m = fit.observed_mask
    if m.any():
        i = int(np.flatnonzero(m)[-1])
        summ.update(
            latest_period_start=fit.period_start[i],
            latest_period_end=fit.period_end[i],
            latest_n=float(fit.trials[i]),
            latest_rate=float(fit.successes[i] / fit.trials[i]),
            first_period_start=fit.period_start[m].min(),
            last_period_end=fit.period_end[m].max(),
        )
    if not fit.ok:
        return None, summ, []

    slope = ame_slope(fit)
    recent = recent_slope(fit)
    lslope = logit_slope(fit)
    band = latest_band(fit, settings.latest_band_level)
    summ.update(
        slope_pp_per_year=slope[0],
        slope_low=slope[1],
        slope_high=slope[2],
        slope_logit_per_year=lslope[0],
        slope_logit_low=lslope[1],
        slope_logit_high=lslope[2],
        slope_recent_pp_per_year=recent[0],
        slope_recent_low=recent[1],
        slope_recent_high=recent[2],
        knots=",".join(f"{k:%Y-%m-%d}" for k in fit.knots),
        rho=fit.rho,
        dispersion=fit.dispersion,
        df_resid=fit.df_resid,
        harmonics=fit.harmonics,
        breaks=",".join(f"{b:%Y-%m-%d}" for b in fit.breaks),
        latest_fitted=float(fit.fitted[i]),
        **band,
    )

    # forecast periods, plus the observed period holding the target date if the data reach it
    fs, fe, t0, t1 = forecast_arrays(pd.Timestamp(fit.period_end.max()), until)
    vol_day = daily_volume(fit.period_start, fit.period_end, fit.trials)
    days = ((fe - fs) / np.timedelta64(1, "D")).astype(float) + 1.0
    vol = vol_day * days
    Xf = forecast_design(fit, settings, t0, t1)
    est, mlo, mhi = forecast_mean(fit, settings, Xf, t0, t1)
    rng = np.random.default_rng(fit.seed(settings.seed))
    a = (1 - settings.confidence_level) / 2
    if len(fs):
        draws = forecast_draws(fit, settings, t0, t1, vol, settings.forecast_simulations, rng, X=Xf)
        plo, phi = band_quantiles(draws, a)
    else:
        draws = np.empty((settings.forecast_simulations, 0))
        plo = phi = np.empty(0)

    # the period holding 31 December of the current year: a forecast period, or an observed one
    td = np.datetime64(target_date, "ns")
    tgt_draws = None
    tgt_end = None
    tgt_est = np.nan
    infc = np.flatnonzero((fs <= td) & (fe >= td))
    if len(infc):
        j = int(infc[0])
        tgt_draws, tgt_end, tgt_est = draws[:, j], fe[j], est[j]
    else:
        hold = np.flatnonzero((fit.period_start <= td) & (fit.period_end >= td))
        if len(hold):
            j = int(hold[-1])
            x = fit.X(fit.t_start[j : j + 1], fit.t_end[j : j + 1])
            days_j = float((fit.period_end[j] - fit.period_start[j]) / np.timedelta64(1, "D")) + 1.0
            n_exp = float(fit.trials[j]) if fit.trials[j] > 0 else vol_day * days_j
            tgt_draws = predictive_draws(fit, x, np.array([n_exp]), settings.forecast_simulations, rng)[:, 0]
            tgt_end, tgt_est = fit.period_end[j], float(predict_mean(fit, x)[0][0])
    # the current year as a whole (lũy kế 1/1 – 31/12): observed months plus draws for the rest
    year_draws = _year_draws(fit, fs, fe, vol, draws, target_date)
    if year_draws is not None:
        ylo, yhi = band_quantiles(year_draws, a)
        summ.update(year_forecast=float(np.mean(year_draws)), year_low=float(ylo), year_high=float(yhi))
    target_rows = []
    if tgt_draws is not None:
        tlo, thi = band_quantiles(tgt_draws, a)
        summ.update(
            target_period_end=tgt_end,
            target_forecast=float(tgt_est),
            target_low=float(tlo),
            target_high=float(thi),
            target_too_uncertain=bool(thi - tlo > settings.forecast_max_width),
        )
        for k, tg in enumerate(settings.targets_for(fit.rate)):
            target_rows.append(
                {
                    "unit_schema": fit.unit_schema,
                    "unit_code": fit.unit_code,
                    "rate": fit.rate,
                    "target_index": k,
                    "target": tg.value,
                    "label_vi": tg.label_vi,
                    "label_en": tg.label_en,
                    "source": tg.source,
                    "target_period_end": tgt_end,
                    "p_meet_target": float(np.mean(tgt_draws >= tg.value)),
                    "p_meet_target_year": float(np.mean(year_draws >= tg.value)) if year_draws is not None else np.nan,
                }
            )
    summ["forecast_end"] = fe.max() if len(fe) else pd.NaT

    nf, nfc = len(fit.trials), len(fs)
    with np.errstate(invalid="ignore", divide="ignore"):
        observed = np.where(fit.trials > 0, fit.successes / np.where(fit.trials > 0, fit.trials, 1), np.nan)
    rows = {
        "unit_schema": np.full(nf + nfc, fit.unit_schema, dtype=object),
        "unit_code": np.full(nf + nfc, fit.unit_code, dtype=object),
        "rate": np.full(nf + nfc, fit.rate, dtype=object),
        "period_start": np.concatenate([fit.period_start, fs]),
        "period_end": np.concatenate([fit.period_end, fe]),
        "kind": np.array(["fit"] * nf + ["forecast"] * nfc, dtype=object),
        "estimate": np.concatenate([fit.fitted, est]),
        "lower": np.concatenate([fit.lower, plo]),
        "upper": np.concatenate([fit.upper, phi]),
        "mean_lower": np.concatenate([fit.lower, mlo]),
        "mean_upper": np.concatenate([fit.upper, mhi]),
        "n": np.concatenate([fit.trials, vol]),
        "successes": np.concatenate([fit.successes, np.full(nfc, np.nan)]),
        "observed": np.concatenate([observed, np.full(nfc, np.nan)]),
    }
    return rows, summ, target_rows


def _year_draws(
    fit: TrendFit, fs: np.ndarray, fe: np.ndarray, vol: np.ndarray, draws: np.ndarray, target_date: pd.Timestamp
) -> np.ndarray | None:
    """Draws of the current calendar year's cumulative rate (successes over trials, 1 January to
    ``target_date``): observed periods of the year as they are, forecast periods of the year drawn
    (the same parameter draw across periods, so their errors move together). None when the year
    holds no period at all, and for a rate with stock columns (766: pending dossiers are counts at a
    cut-off and do not add up over months, motcua.rates ``window_formula``; the fit has no separate
    forecast of the stock at 31 December, so the year's rate is not drawn rather than drawn wrong)."""
    from motcua.rates import RATES

    if fit.rate in RATES and RATES[fit.rate].stocks:
        return None
    y0 = np.datetime64(pd.Timestamp(year=target_date.year, month=1, day=1), "ns")
    td = np.datetime64(target_date, "ns")
    o = (fit.period_start >= y0) & (fit.period_end <= td)
    f = (fs >= y0) & (fe <= td)
    obs_y, obs_n = float(fit.successes[o].sum()), float(fit.trials[o].sum())
    fv = vol[f]
    total = obs_n + float(fv.sum())
    if total <= 0:
        return None
    return (obs_y + draws[:, f] @ fv) / total


def trend_frame(fit: TrendFit, config: Any = None, until: Any = None, target_date: Any = None) -> pd.DataFrame:
    """Trend rows (fit + forecast) of one :class:`TrendFit`, as in trends.parquet.

    ``until`` defaults to 31 December of the year after the series' last period.
    """
    settings = settings_from_config(config)
    last = pd.Timestamp(fit.period_end.max())
    until = pd.Timestamp(until) if until is not None else pd.Timestamp(year=last.year + 1, month=12, day=31)
    target_date = (
        pd.Timestamp(target_date) if target_date is not None else pd.Timestamp(year=last.year, month=12, day=31)
    )
    rows, _, _ = _series_outputs(fit, settings, until, target_date)
    return pd.DataFrame(rows, columns=TREND_COLUMNS) if rows else _empty_trends()


def trend_summary_row(fit: TrendFit, config: Any = None) -> pd.Series:
    """The summary fields of one fit (slope, latest band, dispersion) as a Series, for exploration."""
    settings = settings_from_config(config)
    last = pd.Timestamp(fit.period_end.max())
    _, summ, _ = _series_outputs(
        fit,
        settings,
        pd.Timestamp(year=last.year + 1, month=12, day=31),
        pd.Timestamp(year=last.year, month=12, day=31),
    )
    return pd.Series({"status": fit.status, "notes": "; ".join(fit.notes), "n_periods": fit.n_periods, **summ})


def _fit_task(task: tuple, settings: ModelSettings, until: pd.Timestamp, target_date: pd.Timestamp) -> tuple:
    """Fit one (unit, rate) series and build its outputs: (trend rows, summary row, target rows)."""
    (schema, code, rate), level, name, (ps, pe, t0, t1, y, n), prior, (overlap, undefined), ended = task
    fit = fit_arrays(schema, code, rate, ps, pe, t0, t1, y, n, settings, prior_rate=prior)
    # a legacy unit ended on 30/06/2025: no forecast, no target probability beyond its end (motcua.model.eras)
    rows, summ, trows = _series_outputs(fit, settings, forecast_until(until, ended), target_date)
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


def _fit_chunk(
    chunk: list[tuple], settings: ModelSettings, until: pd.Timestamp, target_date: pd.Timestamp
) -> list[tuple]:
    return [_fit_task(t, settings, until, target_date) for t in chunk]


def _jobs(settings: ModelSettings, n_tasks: int) -> int:
    """Worker processes: ``settings.jobs`` (0 = one per CPU), 1 for small panels where forking costs more."""
    if n_tasks < 150:
        return 1
    jobs = settings.jobs or (os.cpu_count() or 1)
    return max(1, min(jobs, n_tasks // 50))


def _run_tasks(
    tasks: list[tuple],
    settings: ModelSettings,
    until: pd.Timestamp,
    target_date: pd.Timestamp,
    meanwhile: Callable[[], Any] | None = None,
) -> list[tuple]:
    """All series, in order, in this process or in ``jobs`` forked workers (same numbers either way:
    every series draws from its own seed). ``meanwhile`` (work that does not need the fits, e.g. the
    comparison) runs in this process while the workers fit, or after the fits without workers."""
    jobs = _jobs(settings, len(tasks))
    if jobs == 1:
        out = _fit_chunk(tasks, settings, until, target_date)
        if meanwhile is not None:
            meanwhile()
        return out
    import multiprocessing
    from concurrent.futures import ProcessPoolExecutor

    # contiguous chunks, several per worker so that a slow one does not hold the others
    n_chunks = jobs * 4
    size = -(-len(tasks) // n_chunks)
    chunks = [tasks[i : i + size] for i in range(0, len(tasks), size)]
    try:
        ctx = multiprocessing.get_context("fork")
    except ValueError:  # no fork on this platform
        return _run_tasks(tasks, settings.with_(jobs=1), until, target_date, meanwhile)
    with ProcessPoolExecutor(max_workers=jobs, mp_context=ctx) as pool:
        pending = pool.map(  # every chunk submitted (and the workers forked) before ``meanwhile`` starts
            _fit_chunk, chunks, [settings] * len(chunks), [until] * len(chunks), [target_date] * len(chunks)
        )
        if meanwhile is not None:
            meanwhile()
        parts = list(pending)
    return [r for part in parts for r in part]


def _fit_all(
    tasks: list[tuple],
    settings: ModelSettings,
    until: pd.Timestamp,
    target_date: pd.Timestamp,
    cache: ResultCache,
    meanwhile: Callable[[], Any] | None = None,
) -> list[tuple]:
    """Fit every task, reusing the fits in ``cache`` whose inputs (the task, the policy, the code) are unchanged.

    A correction to one unit refits that unit alone; with a disabled cache every task is fitted.
    ``meanwhile``: see :func:`_run_tasks` (run once, whether or not anything is fitted).
    """
    if not cache.enabled:
        return _run_tasks(tasks, settings, until, target_date, meanwhile)
    keys = cache.keys([_task_bytes(t) for t in tasks], settings, until, target_date)
    results = [_unpacked(k, cache.get(k)) for k in keys]
    todo = [i for i, r in enumerate(results) if r is None]
    fresh = _run_tasks([tasks[i] for i in todo], settings, until, target_date, meanwhile) if todo else []
    if not todo and meanwhile is not None:
        meanwhile()
    for i, r in zip(todo, fresh):
        cache.put(keys[i], _pack_result(r))
        results[i] = r
    _UNPACKED.clear()
    _UNPACKED.update(zip(keys, results))
    return results


def _task_bytes(task: tuple) -> bytes:
    """A task as the bytes its cache key is made of: the pickled small parts with each array's dtype and shape,
    then the arrays' raw bytes (their lengths follow from the dtypes and shapes, so no two tasks share bytes).
    Twice as fast as pickling the arrays."""
    key, level, name, arrays, prior, notes, ended = task
    head = pickle.dumps((key, level, name, prior, notes, ended, [(a.dtype.str, a.shape) for a in arrays]), protocol=5)
    return b"".join([head, *(np.ascontiguousarray(a).tobytes() for a in arrays)])


#: this process's last run of :func:`_fit_all`: each series' outputs by cache key, unpacked. A key names the
#: inputs, settings and code a result came from, so an entry never goes stale; read-only like the cache's.
_UNPACKED: dict[str, tuple] = {}


def _unpacked(key: str, stored: tuple | None) -> tuple | None:
    """The outputs ``stored`` under ``key`` (None: not in the cache), unpacked once per process."""
    if stored is None:
        return None
    got = _UNPACKED.get(key)
    return got if got is not None else _unpack_result(stored)


def _pack_result(result: tuple) -> tuple:
    """One series' outputs as stored in the cache: its trend rows packed (:func:`motcua.model.cache.pack_columns`,
    several times faster to store and load than the arrays one by one)."""
    rows, *rest = result
    return ("packed", None if rows is None else pack_columns(rows), *rest)


def _unpack_result(stored: tuple | None) -> tuple | None:
    """The outputs :func:`_pack_result` stored (None stays None: not in the cache)."""
    if stored is None:
        return None
    _, rows, *rest = stored
    return (None if rows is None else unpack_columns(rows), *rest)


def run_model(panel: pd.DataFrame, config: Any = None, cache_file: str | Path | None = None) -> ModelResult:
    """Fit every unit × rate of the panel and compare units. No printing; no I/O but the optional fit cache.

    ``config``: a :class:`motcua.config.Config`, a dict of model.yaml keys (may
    hold ``targets``), a :class:`ModelSettings`, or ``None`` for config/.
    Current year = year of the panel's last period_end; forecasts run to
    31 December of the next year; target probabilities refer to the period
    holding 31 December of the current year. ``cache_file``: reuse unchanged
    fits and peer-group comparisons from there (:class:`motcua.model.cache.ResultCache`,
    :func:`_fit_all`, :func:`motcua.model.compare.compare_units`); the result is the same either way.
    """
    settings = settings_from_config(config)
    series, notes = build_series(panel, settings.rates)
    if series.empty:
        empty_sum = pd.DataFrame(columns=SUMMARY_COLUMNS)
        return ModelResult(_empty_trends(), empty_sum, pd.DataFrame(), pd.DataFrame(), settings, None)
    as_of = pd.Timestamp(series["period_end"].max())
    current_year = as_of.year
    until = pd.Timestamp(year=current_year + (1 if settings.forecast_to == "end_of_next_year" else 0), month=12, day=31)
    target_date = pd.Timestamp(year=current_year, month=12, day=31)
    window = window_rows(series, settings.comparison_window_months)  # the priors' and the comparison's periods
    priors = _province_priors(window, settings.shared_logit_decimals)

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
    folder = Path(cache_file) if cache_file else None
    context = last_run.context_key(source_hash(), settings, until, target_date) if folder is not None else ""
    last = last_run.load(folder, context)
    cache = ResultCache(folder, lazy=last is not None)
    ckey = last_run.compare_key(context, window, series) if folder is not None else ""
    compared: list[pd.DataFrame] = []  # the comparison needs no fit: computed while the workers fit

    def compare() -> None:
        if last is not None and last.comparison is not None and last.compare_key == ckey:
            compared.append(last.comparison)  # the window's rows and names as they were: the same table
            cache.keep(sorted(last.used - set(last.keys)))  # the peer groups' entries stay in their shards
        else:
            compared.append(compare_units(series, settings, cache=cache, rows=window))

    if last is not None:  # a rerun: the last run's series as they were, the others from the cache or fitted
        trends, summaries, per_task, keys, lengths = _splice(tasks, settings, until, target_date, cache, last)
        compare()
    else:
        results = _fit_all(tasks, settings, until, target_date, cache, compare)
        keys = list(_UNPACKED) if cache.enabled else []
        trend_parts = [r[0] for r in results if r[0] is not None]
        summaries = [r[1] for r in results]
        per_task = [r[2] for r in results]
        lengths = [0 if r[0] is None else len(r[0]["unit_code"]) for r in results]
        trends = _trend_frame(trend_parts)
    target_rows = [t for rows in per_task for t in rows]
    summary = pd.DataFrame(summaries)
    comparison = compared[0]
    if last is not None:
        cache.forget(sorted(last.used))
    cache.save()
    if len(comparison):
        cols = ["shrunk_rate", "shrunk_low", "shrunk_high", "rank", "rank_low", "rank_high", "funnel_flag", "n_units"]
        summary = summary.merge(
            comparison[["unit_schema", "unit_code", "rate", *cols]].rename(columns={"n_units": "n_ranked"}),
            how="left",
            on=["unit_schema", "unit_code", "rate"],
        )
    for c in SUMMARY_COLUMNS:
        if c not in summary.columns:
            summary[c] = np.nan
    unranked = summary["rank"].isna() & (summary["unit_level"] != "province") & (summary["status"] != "no_data")
    compared = summary["rank_low"].notna()
    summary.loc[unranked, "notes"] = [
        "; ".join(
            x
            for x in (
                n,
                "units of this level differ no more than chance (tau2 = 0): no point rank"
                if c
                else "no dossiers in the comparison window: not ranked",
            )
            if x
        )
        for n, c in zip(summary.loc[unranked, "notes"], compared[unranked])
    ]
    summary = _dtypes(summary[SUMMARY_COLUMNS + [c for c in summary.columns if c not in SUMMARY_COLUMNS]])
    targets = pd.DataFrame(
        target_rows,
        columns=[
            "unit_schema",
            "unit_code",
            "rate",
            "target_index",
            "target",
            "label_vi",
            "label_en",
            "source",
            "target_period_end",
            "p_meet_target",
            "p_meet_target_year",
        ],
    )
    if last is None:
        trends = _strings(trends.sort_values(TREND_ORDER, kind="stable").reset_index(drop=True))
    if folder is not None:
        last_run.save(
            folder,
            last_run.LastRun(
                context, keys, lengths, trends, summaries, per_task, ckey, comparison, used=cache.used_keys()
            ),
        )
    return ModelResult(
        trends,
        _strings(summary.reset_index(drop=True)),
        _strings(comparison),
        _strings(targets),
        settings,
        as_of,
    )


#: The trends table's order (stable: a series' fit and forecast rows of one period keep their order).
TREND_ORDER = ["unit_schema", "unit_code", "rate", "period_start", "kind"]


def _trend_frame(parts: list[dict[str, Any]]) -> pd.DataFrame:
    """Trend rows of several series (column arrays, in task order) as one frame, unsorted, text as objects."""
    if not parts:
        return _empty_trends()
    trends = pd.DataFrame({c: np.concatenate([np.asarray(p[c]) for p in parts]) for c in TREND_COLUMNS})
    trends["period_start"] = pd.to_datetime(trends["period_start"]).astype("datetime64[ns]")
    trends["period_end"] = pd.to_datetime(trends["period_end"]).astype("datetime64[ns]")
    return trends


def _splice(
    tasks: list[tuple],
    settings: ModelSettings,
    until: pd.Timestamp,
    target_date: pd.Timestamp,
    cache: ResultCache,
    last: last_run.LastRun,
) -> tuple[pd.DataFrame, list[dict[str, Any]], list[list[dict[str, Any]]], list[str], list[int]]:
    """The outputs of every task, the series whose key the last run holds taken from it, the others through
    :func:`_fit_all` (cache or fit): the final trends table (sorted, text as strings), the summaries and the
    target rows per task, the keys and each series' number of trend rows."""
    keys = cache.keys([_task_bytes(t) for t in tasks], settings, until, target_date)
    at = last.index()
    pos = [at.get(k) for k in keys]
    todo = [i for i, j in enumerate(pos) if j is None]
    fresh = dict(zip(todo, _fit_all([tasks[i] for i in todo], settings, until, target_date, cache))) if todo else {}
    cache.keep([k for k, j in zip(keys, pos) if j is not None])
    summaries = [last.summaries[j] if j is not None else fresh[i][1] for i, j in enumerate(pos)]
    per_task = [last.targets[j] if j is not None else fresh[i][2] for i, j in enumerate(pos)]
    lengths = [
        last.lengths[j] if j is not None else (0 if fresh[i][0] is None else len(fresh[i][0]["unit_code"]))
        for i, j in enumerate(pos)
    ]
    # Every series' rows are contiguous and in task order (the table's sort begins with the task's key), so the
    # table is the last run's runs of reused series with each new series' own rows, sorted alone, between them.
    off = last.offsets()
    parts: list[pd.DataFrame] = []
    run_from = run_to = -1
    for i, j in enumerate(pos):
        if j is not None and j == run_to:
            run_to = j + 1
            continue
        if run_to > run_from:
            parts.append(last.trends.iloc[off[run_from] : off[run_to]])
        run_from = run_to = -1
        if j is not None:
            run_from, run_to = j, j + 1
        elif fresh[i][0] is not None:
            rows = _strings(_trend_frame([fresh[i][0]]))
            parts.append(rows.sort_values(TREND_ORDER, kind="stable"))
    if run_to > run_from:
        parts.append(last.trends.iloc[off[run_from] : off[run_to]])
    parts = [x for x in parts if len(x)]
    trends = pd.concat(parts, ignore_index=True) if parts else _strings(_empty_trends())
    if len(parts) == 1:
        trends = parts[0].reset_index(drop=True)
    return trends, summaries, per_task, keys, lengths


def _strings(df: pd.DataFrame) -> pd.DataFrame:
    """Text columns as pandas' string dtype, as they read back from parquet (same frame in memory and on disk)."""
    out = df.copy()
    for c in out.columns:
        if out[c].dtype == object:
            out[c] = out[c].astype("str")
    return out


def _dtypes(summary: pd.DataFrame) -> pd.DataFrame:
    s = summary.copy()
    for c in ("rank", "rank_low", "rank_high", "n_ranked", "n_periods", "df_resid", "harmonics"):
        s[c] = pd.to_numeric(s[c], errors="coerce").astype("Int64")
    for c in (
        "first_period_start",
        "last_period_end",
        "latest_period_start",
        "latest_period_end",
        "forecast_end",
        "target_period_end",
    ):
        s[c] = pd.to_datetime(s[c]).astype("datetime64[ns]")
    s["latest_outside_band"] = s["latest_outside_band"].astype("boolean")
    s["target_too_uncertain"] = s["target_too_uncertain"].astype("boolean")
    for c in (
        "notes",
        "breaks",
        "knots",
        "funnel_flag",
        "target_label_vi",
        "target_label_en",
        "target_source",
        "unit_name",
        "unit_level",
    ):
        s[c] = s[c].astype("object").where(s[c].notna(), None)
    num = [
        "latest_n",
        "latest_rate",
        "latest_fitted",
        "latest_band_low",
        "latest_band_high",
        "latest_z",
        "slope_pp_per_year",
        "slope_low",
        "slope_high",
        "slope_logit_per_year",
        "slope_logit_low",
        "slope_logit_high",
        "slope_recent_pp_per_year",
        "slope_recent_low",
        "slope_recent_high",
        "rho",
        "dispersion",
        "target",
        "target_forecast",
        "target_low",
        "target_high",
        "p_meet_target",
        "year_forecast",
        "year_low",
        "year_high",
        "p_meet_target_year",
        "shrunk_rate",
        "shrunk_low",
        "shrunk_high",
    ]
    for c in num:
        s[c] = pd.to_numeric(s[c], errors="coerce").astype("float64")
    return s


# --------------------------------------------------------------------------- files


def write_results(result: ModelResult, data_dir: str | Path) -> list[Path]:
    """Write trends, trend_summary, comparison (and target probabilities) into ``data_dir``, each atomically."""
    return [
        products.TRENDS.write(result.trends, data_dir),
        products.SUMMARY.write(result.trend_summary, data_dir),
        products.COMPARISON.write(result.comparison, data_dir),
        products.TARGETS.write(result.targets, data_dir),
    ]


def read_results(data_dir: str | Path) -> ModelResult:
    """Read the model stage's files back (settings from config/)."""
    return ModelResult(
        trends=products.TRENDS.read(data_dir),
        trend_summary=products.SUMMARY.read(data_dir),
        comparison=products.COMPARISON.read(data_dir),
        targets=products.TARGETS.read(data_dir),
        settings=settings_from_config(None),
    )


def run_model_dir(data_dir: str | Path, config: Any = None) -> ModelResult:
    """DATA/panel.parquet → DATA/trends.parquet, trend_summary.parquet, comparison.parquet, continuity.parquet;
    returns the result.

    Only the reporting window's rows are modelled (config/province.yaml ``window``; an empty end is the latest
    complete month in the data: :mod:`motcua.window`); continuity across the reform uses the whole panel."""
    data = Path(data_dir)
    panel = products.PANEL.read(data)
    from motcua.config import Config, load_config
    from motcua.locations import fit_cache
    from motcua.window import reporting_window, within_window

    province = (config if isinstance(config, Config) else load_config()).province
    windowed = within_window(
        panel, reporting_window(panel, province)
    )  # the panel keeps every row; the model its window

    result = run_model(windowed, config, cache_file=fit_cache(data))
    write_results(result, data)
    from motcua.model.continuity import write_continuity

    write_continuity(panel, data, memo_dir=fit_cache(data))  # series across the 1 July 2025 reform
    return result
