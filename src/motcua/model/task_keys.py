"""Each task's fit-cache key, with the keys of this process's last run reused for the tasks that are unchanged.

A key is the sha256 of a task's bytes (:func:`motcua.model.fit_tasks.task_bytes`) with the settings, dates and code
(:meth:`motcua.cache.results.ResultCache.keys`): about 0.1 ms a task, a second for the 9,963 series of the country.
A kept kernel that ran the last model stage still holds its tasks and keys; a rerun after a correction to a few
units compares its tasks with them column by column (the arrays' bits, every task's other parts) and computes the
keys of the tasks that differ only. Equal bits and parts are equal bytes, so a reused key is the key computed.
"""

from __future__ import annotations

from typing import Any

import numpy as np

from motcua.model.fit_tasks import task_bytes

#: this process's last :func:`task_keys`: [context, tasks, keys] (read-only; replaced, never modified)
_LAST: list[Any] = []


def _bits(arrays: list[np.ndarray]) -> np.ndarray:
    """The arrays (one dtype, 8 bytes an element) joined, as their bits."""
    return np.concatenate(arrays).view(np.int64) if arrays else np.empty(0, np.int64)


def same_tasks(old: list[tuple], new: list[tuple]) -> np.ndarray | None:
    """For each task of ``new``, whether it equals the task of ``old`` at the same place (same bytes); None when
    the two lists do not line up (another number of tasks, or of periods in any task)."""
    if len(old) != len(new) or not new:
        return None
    n_old = np.fromiter((len(t[3][0]) for t in old), np.int64, len(old))
    n_new = np.fromiter((len(t[3][0]) for t in new), np.int64, len(new))
    if not np.array_equal(n_old, n_new) or (n_new == 0).any():
        return None
    for j in range(len(new[0][3])):
        dtypes = {t[3][j].dtype for t in old} | {t[3][j].dtype for t in new}
        if len(dtypes) != 1 or next(iter(dtypes)).itemsize != 8:
            return None
    rows = np.ones(int(n_new.sum()), bool)
    for j in range(len(new[0][3])):
        rows &= _bits([t[3][j] for t in old]) == _bits([t[3][j] for t in new])
    starts = np.concatenate([[0], np.cumsum(n_new)[:-1]])
    same = np.logical_and.reduceat(rows, starts)
    parts = np.fromiter(
        (a[:3] == b[:3] and a[4:] == b[4:] and type(a[4]) is type(b[4]) for a, b in zip(old, new)), bool, len(new)
    )
    return same & parts


def task_keys(tasks: list[tuple], cache: Any, context: str, *shared: Any) -> list[str]:
    """``cache.keys`` of every task's bytes with ``shared``, in order; ``context`` names the settings, dates and code
    the keys are made with (the last run's keys are reused only within the same context)."""
    same = same_tasks(_LAST[1], tasks) if _LAST and _LAST[0] == context else None
    if same is None:
        keys = cache.keys([task_bytes(t) for t in tasks], *shared)
    else:
        todo = np.flatnonzero(~same).tolist()
        keys = list(_LAST[2])
        for i, k in zip(todo, cache.keys([task_bytes(tasks[i]) for i in todo], *shared)):
            keys[i] = k
    _LAST[:] = [context, tasks, keys]
    return keys
