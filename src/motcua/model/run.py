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

from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import pandas as pd

from motcua import products
from motcua.model import last_run
from motcua.model.cache import ResultCache
from motcua.model.compare import compare_units, window_rows
from motcua.model.fit_tasks import build_tasks, fit_chunk, jobs_for, province_priors, task_bytes
from motcua.model.fit_tasks import fit_chunk as _fit_chunk  # noqa: F401 - importable from here as before
from motcua.model.fit_tasks import fit_task as _fit_task  # noqa: F401
from motcua.model.fit_tasks import jobs_for as _jobs  # noqa: F401
from motcua.model.fit_tasks import pack_result as _pack_result  # noqa: F401
from motcua.model.fit_tasks import province_priors as _province_priors  # noqa: F401
from motcua.model.fit_tasks import task_bytes as _task_bytes  # noqa: F401
from motcua.model.fit_tasks import unpack_result as _unpack_result
from motcua.model.series import build_series
from motcua.model.series_outputs import series_outputs as _series_outputs  # noqa: F401
from motcua.model.series_outputs import trend_frame, trend_summary_row  # noqa: F401 - part of this module's API
from motcua.model.settings import ModelSettings, settings_from_config
from motcua.model.tables import (  # noqa: F401 - the tables' columns, importable from here as before
    SUMMARY_COLUMNS,
    TARGET_COLUMNS,
    TREND_COLUMNS,
    TREND_ORDER,
    as_strings,
    empty_trends,
    summary_frame,
    trend_rows_frame,
)
from motcua.model.tables import as_strings as _strings
from motcua.model.tables import empty_trends as _empty_trends
from motcua.model.tables import summary_dtypes as _dtypes  # noqa: F401
from motcua.model.tables import trend_rows_frame as _trend_frame
from motcua.model.task_keys import task_keys
from motcua.version import source_hash

TRENDS_FILE = products.TRENDS.file
SUMMARY_FILE = products.SUMMARY.file
COMPARISON_FILE = products.COMPARISON.file
TARGETS_FILE = products.TARGETS.file


@dataclass
class ModelResult:
    """What the model stage returns: the three contract tables plus target probabilities."""

    trends: pd.DataFrame
    trend_summary: pd.DataFrame
    comparison: pd.DataFrame
    targets: pd.DataFrame
    settings: ModelSettings
    as_of: pd.Timestamp | None = None


def _run_tasks(
    tasks: list[tuple],
    settings: ModelSettings,
    until: pd.Timestamp,
    target_date: pd.Timestamp,
    meanwhile: Callable[[], Any] | None = None,
    packed: bool = False,
) -> list[tuple]:
    """All series, in order, in this process or in ``jobs`` forked workers (same numbers either way:
    every series draws from its own seed). ``meanwhile`` (work that does not need the fits, e.g. the
    comparison) runs in this process while the workers fit, or after the fits without workers.
    ``packed``: each series' outputs as the fit cache stores them (:func:`fit_tasks.pack_result`), packed by
    the workers."""
    jobs = jobs_for(settings, len(tasks))
    if jobs == 1:
        out = fit_chunk(tasks, settings, until, target_date, packed)
        if meanwhile is not None:
            meanwhile()
        return out
    import multiprocessing
    from concurrent.futures import ProcessPoolExecutor

    try:
        ctx = multiprocessing.get_context("fork")
    except ValueError:  # no fork on this platform
        return _run_tasks(tasks, settings.with_(jobs=1), until, target_date, meanwhile, packed)
    # contiguous chunks, many per worker so that the last ones leave no core idle for long; the workers are
    # forked with the tasks in memory (:data:`_SHARED`), so a chunk is sent as its bounds, not pickled
    bounds = chunk_bounds(len(tasks), jobs * CHUNKS_PER_WORKER)
    global _SHARED
    _SHARED = (tasks, settings, until, target_date, packed)
    try:
        with ProcessPoolExecutor(max_workers=jobs, mp_context=ctx) as pool:
            pending = pool.map(_fit_range, bounds[:-1], bounds[1:])  # every worker forked before ``meanwhile``
            if meanwhile is not None:
                meanwhile()
            parts = list(pending)
    finally:
        _SHARED = None
    return [r for part in parts for r in part]


#: Chunks of the series per worker process (:func:`_run_tasks`).
CHUNKS_PER_WORKER = 16

#: The tasks and their settings while :func:`_run_tasks` runs workers: forked workers find them here.
_SHARED: tuple | None = None


def chunk_bounds(n: int, chunks: int) -> list[int]:
    """The bounds of at most ``chunks`` contiguous, near-equal slices of ``n`` items: [0, …, n]."""
    size = -(-n // max(chunks, 1)) if n else 1
    return [*range(0, n, size), n]


def _fit_range(lo: int, hi: int) -> list[tuple]:
    """In a forked worker: :func:`fit_chunk` of the tasks lo … hi-1 of the run that forked it."""
    assert _SHARED is not None, "a worker of _run_tasks forked without its tasks"
    tasks, settings, until, target_date, packed = _SHARED
    return fit_chunk(tasks[lo:hi], settings, until, target_date, packed)


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
    keys = cache.keys([task_bytes(t) for t in tasks], settings, until, target_date)
    results = [_unpacked(k, cache.get(k)) for k in keys]
    todo = [i for i, r in enumerate(results) if r is None]
    fresh = _run_tasks([tasks[i] for i in todo], settings, until, target_date, meanwhile, True) if todo else []
    if not todo and meanwhile is not None:
        meanwhile()
    for i, stored in zip(todo, fresh):  # packed where they were fitted: the cache keeps them as they come
        cache.put(keys[i], stored)
        results[i] = _unpack_result(stored)
    _UNPACKED.clear()
    _UNPACKED.update(zip(keys, results))
    return results


#: this process's last run of :func:`_fit_all`: each series' outputs by cache key, unpacked. A key names the
#: inputs, settings and code a result came from, so an entry never goes stale; read-only like the cache's.
_UNPACKED: dict[str, tuple] = {}


def _unpacked(key: str, stored: tuple | None) -> tuple | None:
    """The outputs ``stored`` under ``key`` (None: not in the cache), unpacked once per process."""
    if stored is None:
        return None
    got = _UNPACKED.get(key)
    return got if got is not None else _unpack_result(stored)


def run_model(
    panel: pd.DataFrame,
    config: Any = None,
    cache_file: str | Path | None = None,
    meanwhile: Callable[[], Any] | None = None,
    background_save: bool = False,
) -> ModelResult:
    """Fit every unit × rate of the panel and compare units. No printing; no I/O but the optional fit cache.

    ``config``: a :class:`motcua.config.Config`, a dict of model.yaml keys (may
    hold ``targets``), a :class:`ModelSettings`, or ``None`` for config/.
    Current year = year of the panel's last period_end; forecasts run to
    31 December of the next year; target probabilities refer to the period
    holding 31 December of the current year. ``cache_file``: reuse unchanged
    fits and peer-group comparisons from there (:class:`motcua.model.cache.ResultCache`,
    :func:`_fit_all`, :func:`motcua.model.compare.compare_units`); the result is the same either way.
    ``meanwhile``: other work of the caller that needs no fit (run once, in this process, while the workers fit,
    after the comparison; e.g. the continuity table). ``background_save``: the last run is written beside the cache
    on a thread while the caller goes on (:func:`motcua.model.last_run.save`); the caller must not modify the
    result's trends in place.
    """
    settings = settings_from_config(config)
    series, notes = build_series(panel, settings.rates)
    if series.empty:
        if meanwhile is not None:
            meanwhile()
        empty_sum = pd.DataFrame(columns=SUMMARY_COLUMNS)
        return ModelResult(_empty_trends(), empty_sum, pd.DataFrame(), pd.DataFrame(), settings, None)
    as_of = pd.Timestamp(series["period_end"].max())
    current_year = as_of.year
    until = pd.Timestamp(year=current_year + (1 if settings.forecast_to == "end_of_next_year" else 0), month=12, day=31)
    target_date = pd.Timestamp(year=current_year, month=12, day=31)
    window = window_rows(series, settings.comparison_window_months)  # the priors' and the comparison's periods
    tasks = build_tasks(series, notes, province_priors(window, settings.shared_logit_decimals), as_of)
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
        if meanwhile is not None:
            meanwhile()

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
    comparison = compared[0]
    if last is not None:
        cache.forget(sorted(last.used))
    cache.save()
    summary = summary_frame(summaries, comparison)
    targets = pd.DataFrame(target_rows, columns=TARGET_COLUMNS)
    if last is None:
        trends = _strings(trends.sort_values(TREND_ORDER, kind="stable").reset_index(drop=True))
    if folder is not None:
        last_run.save(
            folder,
            last_run.LastRun(
                context, keys, lengths, trends, summaries, per_task, ckey, comparison, used=cache.used_keys()
            ),
            background=background_save,
        )
    return ModelResult(
        trends,
        _strings(summary.reset_index(drop=True)),
        _strings(comparison),
        _strings(targets),
        settings,
        as_of,
    )


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
    keys = task_keys(tasks, cache, last.context, settings, until, target_date)
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

    from motcua.model.continuity import write_continuity

    def continuity() -> None:  # series across the 1 July 2025 reform: no fit needed, written while the workers fit
        write_continuity(panel, data, memo_dir=fit_cache(data))

    # the last run is pickled while the products are written and the notebook shows its tables
    result = run_model(windowed, config, cache_file=fit_cache(data), meanwhile=continuity, background_save=True)
    write_results(result, data)
    return result
