"""The build's own warm kernel, started (or leased) on first use only (:class:`LazyKernel`), and the one-line
reason of a failed notebook (:func:`cell_error`)."""

from __future__ import annotations

import threading
from pathlib import Path
from typing import Any


def cell_error(exc: BaseException) -> str:
    """A one-line reason from a papermill or kernel error."""
    ename = getattr(exc, "ename", None)
    evalue = getattr(exc, "evalue", None)
    if ename:
        text = f"{ename}: {evalue}"
    else:
        text = f"{type(exc).__name__}: {exc}"
    return " ".join(str(text).split())[:300]


def _import_for_render() -> None:
    """What the render stage needs in the build process: planning's readers and the HTML exporter (nbconvert,
    about 0.2 s), which a one-unit fix would otherwise import on its critical path after the first report."""
    import pandas  # noqa: F401
    import pyarrow.parquet  # noqa: F401

    import motcua.report.export  # noqa: F401


class LazyKernel:
    """A warm kernel started (or leased) on first use only, so a no-op build starts none."""

    def __init__(self) -> None:
        self._kernel: Any = None

    def get(self) -> Any:
        if self._kernel is None:
            # What the render stage's planning imports, loaded while the kernel works on clean and model.
            threading.Thread(target=_import_for_render, name="motcua-prefetch", daemon=True).start()
            from motcua.kernels.execute import WarmKernel  # papermill and nbformat: only when a stage runs

            # the kernel that ran the stages last, when idle: it holds their last runs in memory
            self._kernel = WarmKernel(cwd=Path.cwd(), role="stages")
        return self._kernel

    def execute(self, *args: Any, **kwargs: Any) -> Any:
        return self.get().execute(*args, **kwargs)

    def restart(self) -> None:
        self.get().restart()

    def close(self) -> None:
        """Stop (owned) or let go of (kept) the kernel, if one was started; a later use starts another."""
        if self._kernel is not None:
            self._kernel.shutdown()
            self._kernel = None
