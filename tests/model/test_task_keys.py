"""The fit-cache keys of a rerun in the same process: the last run's keys reused for unchanged tasks, computed for
the others; always the keys computed from every task's bytes."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest

from motcua.cache.results import ResultCache
from motcua.model import task_keys as tk
from motcua.model.compare import window_rows
from motcua.model.fit_tasks import build_tasks, province_priors, task_bytes
from motcua.model.series import build_series
from motcua.model.settings import settings_from_config


@pytest.fixture()
def tasks(small_panel):
    s = settings_from_config()
    series, notes = build_series(small_panel, s.rates)
    as_of = pd.Timestamp(series["period_end"].max())
    window = window_rows(series, s.comparison_window_months)
    return build_tasks(series, notes, province_priors(window, s.shared_logit_decimals), as_of)


def _with(task: tuple, j: int, k: int, value) -> tuple:
    arrays = [a.copy() for a in task[3]]
    arrays[j][k] = value
    return (*task[:3], tuple(arrays), *task[4:])


def test_reused_keys_are_the_computed_keys(tasks, monkeypatch):
    monkeypatch.setattr(tk, "_LAST", [])
    cache = ResultCache(None)
    direct = lambda ts: cache.keys([task_bytes(t) for t in ts], "shared")  # noqa: E731
    assert tk.task_keys(tasks, cache, "c", "shared") == direct(tasks)
    changed = list(tasks)
    changed[3] = _with(tasks[3], 4, 0, tasks[3][3][4][0] + 1)  # one success more in a month
    changed[5] = _with(tasks[5], 5, 1, -0.0 if tasks[5][3][5][1] == 0 else tasks[5][3][5][1])  # same value, or -0.0
    changed[7] = (*tasks[7][:4], None if tasks[7][4] is not None else 0.5, *tasks[7][5:])  # another prior
    computed = []
    real = cache.keys
    monkeypatch.setattr(cache, "keys", lambda items, *shared: computed.append(len(items)) or real(items, *shared))
    got = tk.task_keys(changed, cache, "c", "shared")
    assert got == direct(changed)
    assert computed[0] <= 3  # only the changed tasks' bytes were keyed
    assert got[3] != direct(tasks)[3] and got[7] != direct(tasks)[7]
    assert [i for i, (a, b) in enumerate(zip(got, direct(tasks))) if a != b] == sorted(
        i for i in (3, 5, 7) if task_bytes(changed[i]) != task_bytes(tasks[i])
    )


def test_another_context_or_shape_computes_every_key(tasks, monkeypatch):
    monkeypatch.setattr(tk, "_LAST", [])
    cache = ResultCache(None)
    tk.task_keys(tasks, cache, "c", "shared")
    assert tk.same_tasks(tasks, tasks[:-1]) is None
    shorter = list(tasks)
    shorter[2] = (*tasks[2][:3], tuple(a[:-1] for a in tasks[2][3]), *tasks[2][4:])
    assert tk.same_tasks(tasks, shorter) is None
    assert tk.task_keys(shorter, cache, "c", "shared") == cache.keys([task_bytes(t) for t in shorter], "shared")
    assert tk.task_keys(tasks, cache, "d", "other") == cache.keys([task_bytes(t) for t in tasks], "other")
    same = tk.same_tasks(
        tasks, [_with(t, 0, 0, np.datetime64("2000-01-01")) if i == 1 else t for i, t in enumerate(tasks)]
    )
    assert same is not None and not same[1] and same[[i for i in range(len(tasks)) if i != 1]].all()
