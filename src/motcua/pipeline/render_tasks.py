"""The render stage's work: one :class:`RenderTask` per report, run on warm kernels by this process's threads
(:func:`run_tasks`) or on a Dask cluster, each result written atomically into the reports folder."""

from __future__ import annotations

import logging
import threading
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING, Any

from motcua.files import atomic_write_text
from motcua.kernels.lazy import LazyKernel, cell_error
from motcua.pipeline.stage_specs import OVERVIEW, UNIT_REPORT

if TYPE_CHECKING:  # nbformat costs ~2 s to import: only the stages that run a notebook import it
    import nbformat

log = logging.getLogger(__name__)


@dataclass(frozen=True, eq=False)  # hashed by identity: params is a dict
class RenderTask:
    """One report to render: a unit (notebook 30) or the overview (notebook 40)."""

    kind: str  # "unit" | "overview"
    unit_code: str  # a unit's key, "<schema>:<code>" (motcua.report.eras.unit_key), or "province"
    unit_name: str
    html: Path
    executed: Path
    params: dict[str, Any]
    input_hash: str
    title: str
    lang: str
    build_stamp: str
    parts: dict[str, str] = field(default_factory=dict)  # a unit report's input-hash parts (fingerprint)
    unit: Any = None  # the unit's motcua.report.eras.ReportUnit (None for the overview)


_WORKER_KERNEL: Any = None


_WORKER_LOCK = threading.Lock()


def render_task(task: RenderTask, kernel: Any = None) -> dict[str, Any]:
    """Execute the task's notebook and export it to HTML. Never raises (but on Ctrl-C).

    Returns {"status": "ok"|"failed", "reason": str, "html": str|None,
    "notebook": str|None}; the caller writes the files, so a worker on another
    machine (Dask) needs no access to the reports folder.
    """
    import nbformat

    from motcua.kernels.execute import KernelDied

    if kernel is None:
        with _WORKER_LOCK:  # one notebook at a time per warm kernel (Dask workers may have threads)
            return render_task(task, _worker_kernel())
    spec = UNIT_REPORT if task.kind == "unit" else OVERVIEW  # a province page runs the overview's notebook
    executed: str | None = None
    try:
        try:
            nb = kernel.execute(spec.notebook_path(), None, task.params)
        except KernelDied:
            kernel.restart()
            raise
        except Exception as exc:
            failed_nb = getattr(exc, "nb", None)
            if failed_nb is not None:
                executed = nbformat.writes(failed_nb)
            raise
        executed = nbformat.writes(nb)
        from motcua.report.export import notebook_to_html

        html = notebook_to_html(nb, lang=task.lang, title=task.title, build_stamp=task.build_stamp)
        return {"status": "ok", "reason": "", "html": html, "notebook": executed}
    except BaseException as exc:  # noqa: BLE001 - a failed unit never stops the others
        if isinstance(exc, KeyboardInterrupt):
            raise
        return {"status": "failed", "reason": cell_error(exc), "html": None, "notebook": executed}


def _worker_kernel() -> Any:
    """This process's warm kernel (a Dask worker's), started on first use."""
    global _WORKER_KERNEL
    if _WORKER_KERNEL is None:
        from motcua.kernels.execute import WarmKernel

        _WORKER_KERNEL = WarmKernel(cwd=Path.cwd())
    return _WORKER_KERNEL


def store(task: RenderTask, result: dict[str, Any]) -> dict[str, Any]:
    """Write a task's executed notebook and HTML atomically; a failure removes stale HTML."""
    if result.get("notebook"):
        atomic_write_text(task.executed, result["notebook"])
    if result["status"] == "ok" and result.get("html"):
        atomic_write_text(task.html, result["html"])
    else:
        task.html.unlink(missing_ok=True)
    return {"status": result["status"], "reason": result["reason"]}


#: At most this many reports to render: only kernels already warm are used (the build's own, and a kept
#: one if idle); starting another would cost more than it gains.
SMALL_BATCH = 3


def run_tasks(
    tasks: list[RenderTask],
    jobs: int,
    scheduler: str | None,
    progress: Callable[[str, str, dict[str, Any]], None] | None,
    kernel: Any = None,
) -> dict[RenderTask, dict[str, Any]]:
    """Run render tasks on up to ``jobs`` warm kernels driven by this process's threads
    (:func:`run_in_threads`), or on a Dask cluster. ``kernel``: the build's warm kernel (a
    :class:`LazyKernel` the caller closes), used by the calling thread."""
    results: dict[RenderTask, dict[str, Any]] = {}
    if progress:
        progress("start", "", {"total": len(tasks)})

    def done(t: RenderTask, r: dict[str, Any]) -> None:
        results[t] = store(t, r)
        if progress:
            progress(t.kind, t.unit_code, results[t])

    if scheduler:
        from motcua.pipeline.cluster import run_on_cluster

        run_on_cluster(tasks, scheduler, done, render_task)
        return results
    own = kernel if kernel is not None else LazyKernel()
    try:
        run_in_threads(tasks, jobs, own, done, start_kernels=len(tasks) > SMALL_BATCH)
    finally:
        if kernel is None:
            own.close()
    return results


def run_in_threads(
    tasks: list[RenderTask],
    jobs: int,
    kernel: LazyKernel,
    done: Callable[[RenderTask, dict[str, Any]], None],
    *,
    start_kernels: bool,
) -> None:
    """Reports rendered by this process on up to ``jobs`` warm kernels at once, one thread each.

    The calling thread uses ``kernel`` (the one the clean and model stages used, when they
    ran); each other thread leases a kept kernel, or starts one when ``start_kernels``
    (a small batch only adopts an idle kept kernel: starting one would cost more than
    the batch gains). Threads take the next report from one queue, so the longest
    (the overview, first) runs beside the others. Executed notebooks and HTML are
    written here, one report at a time.
    """
    queue = list(tasks)
    lock = threading.Lock()

    def take() -> RenderTask | None:
        with lock:
            return queue.pop(0) if queue else None

    def work(k: Any) -> None:
        while (t := take()) is not None:
            r = render_task(t, k)
            with lock:
                done(t, r)

    def lease_and_work() -> None:
        from motcua.kernels.execute import NoIdleKernel, WarmKernel

        try:
            second = WarmKernel(cwd=Path.cwd(), adopt_only=not start_kernels)
        except NoIdleKernel:
            return
        except Exception as exc:  # noqa: BLE001 - the other threads render everything instead
            log.warning("could not start a second kernel: %s", exc)
            return
        try:
            work(second)
        finally:
            second.shutdown()

    helpers = [
        threading.Thread(target=lease_and_work, name=f"motcua-kernel-{i}", daemon=True)
        for i in range(1, min(jobs, len(tasks)))
    ]
    for h in helpers:
        h.start()
    try:
        work(kernel)
    except BaseException:  # Ctrl-C: the other threads take no further report
        with lock:
            queue.clear()
        raise
    for h in helpers:
        h.join()


def write_notebook(nb: nbformat.NotebookNode, path: Path) -> None:
    import nbformat

    atomic_write_text(path, nbformat.writes(nb))
