"""Execute notebooks through papermill, on a kernel kept warm between runs.

papermill's default engine starts a kernel per notebook and pays the heavy
imports (pandas, statsmodels, seaborn, motcua) every time. :class:`WarmKernel`
starts one kernel per worker process, imports once, and resets the user
namespace between notebooks (``%reset -f``, matplotlib state closed and reset),
so each notebook runs as on a fresh kernel while papermill still injects the
parameters cell and records the executed copy (the audit trail).
"""
from __future__ import annotations

import logging
import os
from pathlib import Path
from typing import Any

import nbformat
import papermill as pm
from nbclient.util import run_sync
from papermill.clientwrap import PapermillNotebookClient
from papermill.engines import Engine, papermill_engines

log = logging.getLogger(__name__)

KERNEL_NAME = "python3"
ENGINE_NAME = "motcua-warm"

#: Imported once when a warm kernel starts (the expensive part of a cold start).
WARMUP_CODE = """\
import matplotlib
import pandas, numpy, seaborn, statsmodels.api, matplotlib.pyplot
import motcua
for _m in ("motcua.report", "motcua.model", "motcua.clean"):
    try:
        __import__(_m)
    except Exception:
        pass
matplotlib._motcua_rc = matplotlib.rcParams.copy()
"""

#: Run before every notebook: forget the previous notebook's names and figures.
RESET_CODE = """\
%reset -f
import matplotlib as _mpl, matplotlib.pyplot as _plt
_plt.close("all")
_mpl.rcParams.update(_mpl._motcua_rc)
del _mpl, _plt
"""


class KernelDied(RuntimeError):
    """The kernel of a warm worker died while running a notebook."""


class WarmKernel:
    """One long-lived kernel, owned by one process, running one notebook at a time."""

    def __init__(self, cwd: Path | None = None, kernel_name: str = KERNEL_NAME, timeout: int = 600):
        self.cwd = Path(cwd) if cwd else Path.cwd()
        self.kernel_name = kernel_name
        self.timeout = timeout
        self.runs = 0
        self.last_nb: nbformat.NotebookNode | None = None
        self.start()

    def _empty_client(self, nb: nbformat.NotebookNode) -> Any:
        from nbclient import NotebookClient

        return NotebookClient(nb, kernel_name=self.kernel_name, timeout=self.timeout, allow_errors=False)

    def start(self) -> None:
        nb = nbformat.v4.new_notebook()
        client = self._empty_client(nb)
        client.create_kernel_manager()
        # The kernel draws with the notebook's inline backend, whatever the caller's MPLBACKEND.
        env = {k: v for k, v in os.environ.items() if k != "MPLBACKEND"}
        client.extra_arguments = ["--IPKernelApp.log_level=ERROR"]  # no TCP/plain-text banner on stderr
        run_sync(client.async_start_new_kernel)(cwd=str(self.cwd), env=env)
        run_sync(client.async_start_new_kernel_client)()
        self.km, self.kc = client.km, client.kc
        self._run_code(WARMUP_CODE)

    def alive(self) -> bool:
        try:
            return bool(run_sync(self.km.is_alive)())
        except Exception:
            return False

    def _run_code(self, code: str) -> None:
        nb = nbformat.v4.new_notebook(cells=[nbformat.v4.new_code_cell(code)])
        client = self._empty_client(nb)
        client.km, client.kc = self.km, self.kc
        client.reset_execution_trackers()
        client.execute_cell(nb.cells[0], 0)

    def reset(self) -> None:
        self._run_code(RESET_CODE)

    def shutdown(self) -> None:
        try:
            self.kc.stop_channels()
            run_sync(self.km.shutdown_kernel)(now=True)
        except Exception:  # pragma: no cover - best effort at exit
            pass

    def restart(self) -> None:
        self.shutdown()
        self.start()

    def execute(self, input_path: Path, output_path: Path | None, parameters: dict[str, Any]) -> nbformat.NotebookNode:
        """Run ``input_path`` with ``parameters`` via papermill on this kernel.

        Raises papermill's ``PapermillExecutionError`` when a cell fails (the
        executed notebook, with the traceback, is still returned in the error's
        context by papermill and written to ``output_path`` if given), and
        :class:`KernelDied` when the kernel is gone.
        """
        if not self.alive():
            self.restart()
        self.reset()  # also before the first notebook, so every run starts from the same state
        self.runs += 1
        global _ACTIVE
        _ACTIVE = self
        try:
            return pm.execute_notebook(
                str(input_path),
                str(output_path) if output_path else None,
                parameters=parameters,
                engine_name=ENGINE_NAME,
                kernel_name=self.kernel_name,
                progress_bar=False,
                request_save_on_cell_execute=False,
                cwd=str(self.cwd),
            )
        except Exception as exc:
            # Keep the executed notebook, traceback included, for the audit trail.
            exc.nb = self.last_nb  # type: ignore[attr-defined]
            if not self.alive():
                died = KernelDied(f"kernel died while running {Path(input_path).name}")
                died.nb = self.last_nb  # type: ignore[attr-defined]
                raise died from exc
            raise
        finally:
            _ACTIVE = None


_ACTIVE: WarmKernel | None = None


class WarmEngine(Engine):
    """papermill engine that executes on the process's active :class:`WarmKernel`."""

    @classmethod
    def execute_managed_notebook(cls, nb_man, kernel_name, log_output=False, stdout_file=None,
                                 stderr_file=None, start_timeout=60, execution_timeout=None, **kwargs):
        warm = _ACTIVE
        if warm is None:
            raise RuntimeError("WarmEngine used without an active WarmKernel")
        warm.last_nb = nb_man.nb
        client = PapermillNotebookClient(
            nb_man,
            km=warm.km,
            kernel_name=kernel_name,
            timeout=execution_timeout or warm.timeout,
            log=log,
            log_output=log_output,
        )
        client.kc = warm.kc
        client.reset_execution_trackers()
        client.papermill_execute_cells()
        info = client.wait_for_reply(client.kc.kernel_info())
        client.nb.metadata["language_info"] = info["content"]["language_info"]
        return client.nb


papermill_engines.register(ENGINE_NAME, WarmEngine)


def execute_cold(input_path: Path, output_path: Path | None, parameters: dict[str, Any], cwd: Path | None = None) -> nbformat.NotebookNode:
    """papermill's own engine (a new kernel for this notebook): the reference path."""
    return pm.execute_notebook(
        str(input_path),
        str(output_path) if output_path else None,
        parameters=parameters,
        kernel_name=KERNEL_NAME,
        progress_bar=False,
        cwd=str(cwd or Path.cwd()),
    )
