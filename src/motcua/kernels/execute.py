"""Execute notebooks through papermill, on a kernel kept warm between runs.

papermill's default engine starts a kernel per notebook and pays the heavy
imports (pandas, statsmodels, seaborn, motcua) every time. :class:`WarmKernel`
imports once and resets the user namespace between notebooks
(:func:`motcua.kernels.kernel_side.reset_namespace`: names, output history,
figures and matplotlib settings), so each notebook runs as on a fresh kernel
while papermill still injects the parameters cell and records the executed copy
(the audit trail).

A warm kernel is either owned (started by jupyter_client for this process and
stopped with it) or kept (:mod:`motcua.kernels.kept`: leased from the
registry, started detached, left running for the next build). Kept is the
default; ``MOTCUA_KEEP_KERNELS=0`` gives owned kernels.
"""

from __future__ import annotations

import logging
import os
import signal
import threading
import time
from collections.abc import Callable
from pathlib import Path
from queue import Empty
from typing import Any

import nbformat
import papermill as pm
from nbclient.util import run_sync
from papermill.clientwrap import PapermillNotebookClient
from papermill.engines import Engine, papermill_engines

from motcua.kernels import kept

log = logging.getLogger(__name__)

KERNEL_NAME = "python3"
ENGINE_NAME = "motcua-warm"
#: Seconds to wait for a kernel to answer after it starts (a loaded machine can be slow).
START_TIMEOUT_S = 120
#: Seconds an adopted kept kernel has to answer before it is replaced.
ADOPT_TIMEOUT_S = 10
#: Seconds the quick readiness check (:func:`_until_ready`) has with an adopted kernel before
#: jupyter_client's own ``wait_for_ready`` takes over for the rest of ``ADOPT_TIMEOUT_S``.
QUICK_READY_S = 2.0
#: Seconds to wait for the IOPub echo of a kernel_info request before asking again (doubled each time).
IOPUB_PROBE_S = 0.05

#: Imported once when a warm kernel starts (the expensive part of a cold start).
WARMUP_CODE = """\
import matplotlib
import pandas, numpy, seaborn, statsmodels.api, matplotlib.pyplot
for _m in ("motcua.report.district", "motcua.report.overview", "motcua.clean.run", "motcua.clean.summary",
           "motcua.model.run", "motcua.model.summary"):
    try:
        __import__(_m)
    except Exception:
        pass
__import__("motcua.kernels.kernel_side", fromlist=["_"]).after_warmup()
"""

#: Run before every notebook: forget the previous notebook's names and figures (binds no name itself).
RESET_CODE = '__import__("motcua.kernels.kernel_side", fromlist=["_"]).reset_namespace(get_ipython())'


def _watchdog_code(lease: kept.Lease) -> str:
    files = [str(p) for p in lease.files()]
    every = kept.watch_seconds()
    return (
        f'__import__("motcua.kernels.kernel_side", fromlist=["_"]).exit_when_idle('
        f"{str(lease.lock_file)!r}, {kept.idle_seconds()!r}, {files!r}" + (f", every_s={every!r})" if every else ")")
    )


class _LeasedManager:
    """The part of jupyter_client's KernelManager that nbclient uses, for a kept kernel."""

    has_kernel = True

    def __init__(self, lease: kept.Lease):
        self.lease = lease

    def is_alive(self) -> bool:
        return self.lease.running()

    def interrupt_kernel(self) -> None:
        pid = self.lease.process.pid if self.lease.process is not None else self.lease.pid()
        if pid:
            os.kill(pid, signal.SIGINT)

    def shutdown_kernel(self, now: bool = False, restart: bool = False) -> None:
        self.lease.stop_kernel()

    def cleanup_resources(self, restart: bool = False) -> None:
        pass


async def _until_ready(kc: Any, alive: Callable[[], bool], timeout: float) -> bool:
    """True once the kernel answers ``kernel_info`` on the shell channel and its IOPub messages reach us.

    jupyter_client's ``wait_for_ready`` does the same but waits 0.2 s for IOPub after each reply and
    then 0.2 s more of silence to flush it: about half a second on every adoption of a kept kernel,
    which a one-unit rebuild pays twice. Here the IOPub check is the kernel's own "idle" status for
    that very request (proof that our subscription is live: a message sent before it joined is lost,
    the PUB/SUB "slow joiner"), waited for briefly and asked again with a longer wait when it does
    not come. Messages of other requests are skipped here and by nbclient, which matches every
    message to its request. ``alive``: whether the kernel's process still runs.

    Used for adoption only, and only as a first try (:meth:`WarmKernel._connect` falls back to
    ``wait_for_ready``): a kernel started inside a Dask worker was once seen never to pass it.
    """
    deadline = time.monotonic() + timeout
    probe = IOPUB_PROBE_S
    while time.monotonic() < deadline:
        if not alive():
            return False
        msg_id = kc.kernel_info()
        if not await _reply(kc.shell_channel, msg_id, min(deadline, time.monotonic() + 1.0), "kernel_info_reply"):
            continue
        if await _reply(kc.iopub_channel, msg_id, min(deadline, time.monotonic() + probe), "status", "idle"):
            return True
        probe = min(probe * 2, 1.0)
    return False


async def _reply(channel: Any, msg_id: str, until: float, msg_type: str, state: str | None = None) -> bool:
    """Wait until ``until`` (monotonic) for a ``msg_type`` message answering ``msg_id`` on ``channel``
    (a status message: with ``execution_state`` ``state``), skipping any other."""
    while (left := until - time.monotonic()) > 0:
        try:
            msg = await channel.get_msg(timeout=left)
        except Empty:
            return False
        if (
            msg["parent_header"].get("msg_id") == msg_id
            and msg["msg_type"] == msg_type
            and (state is None or msg["content"].get("execution_state") == state)
        ):
            return True
    return False


class NoIdleKernel(RuntimeError):
    """``WarmKernel(adopt_only=True)`` found no idle kept kernel to adopt."""


class KernelDied(RuntimeError):
    """The kernel of a warm worker died while running a notebook."""


class WarmKernel:
    """One warm kernel, used by one thread at a time, running one notebook at a time.

    ``keep``: lease a kept kernel (:mod:`motcua.kernels.kept`) rather than own one;
    by default as ``MOTCUA_KEEP_KERNELS`` says.
    """

    def __init__(
        self,
        cwd: Path | None = None,
        kernel_name: str = KERNEL_NAME,
        timeout: int = 600,
        keep: bool | None = None,
        adopt_only: bool = False,
        role: str = "",
    ):
        self.cwd = Path(cwd) if cwd else Path.cwd()
        self.role = role  # kept kernels: the one that last served this role is leased first (kept.acquire)
        self.kernel_name = kernel_name
        self.timeout = timeout
        self.keep = kept.enabled() if keep is None else keep
        self.lease: kept.Lease | None = None
        self.adopted = False  # True: a kept kernel an earlier build had warmed up
        self.quick_ready = False  # True: the last connection passed the quick readiness check
        self.busy = False
        self.last_nb: nbformat.NotebookNode | None = None
        self.language_info: dict[str, Any] | None = None  # asked once per kernel (kernel_info), not per notebook
        self.adopt_only = adopt_only  # kept kernels only: raise NoIdleKernel rather than start one
        if adopt_only and not self.keep:
            raise NoIdleKernel("kernels are not kept (MOTCUA_KEEP_KERNELS=0)")
        self.start()
        self.adopt_only = False  # a restart after the kernel died may start a new one

    def _empty_client(self, nb: nbformat.NotebookNode) -> Any:
        from nbclient import NotebookClient

        return NotebookClient(nb, kernel_name=self.kernel_name, timeout=self.timeout, allow_errors=False)

    def start(self) -> None:
        self.language_info = None  # a new kernel: asked again
        if self.keep:
            self._start_kept()
            return
        nb = nbformat.v4.new_notebook()
        client = self._empty_client(nb)
        client.create_kernel_manager()
        client.extra_arguments = list(kept.KERNEL_ARGS)
        run_sync(client.async_start_new_kernel)(cwd=str(self.cwd), env=kept.kernel_env())
        run_sync(client.async_start_new_kernel_client)()
        self.km, self.kc = client.km, client.kc
        self._run_code(WARMUP_CODE)

    def _start_kept(self) -> None:
        self.language_info = None  # another kernel (also on restart): asked again
        lease, key = kept.acquire(self.cwd, self.role)
        self.lease = lease
        try:
            self.adopted = not lease.fresh and self._connect(lease, ADOPT_TIMEOUT_S, quick=True)
            if not self.adopted and self.adopt_only:
                raise NoIdleKernel("no idle kept kernel of this build's key")
            if not self.adopted:
                lease.stop_kernel()
                lease.launch(self.cwd, key)
                if not self._connect(lease, START_TIMEOUT_S):
                    raise RuntimeError(
                        f"a new kernel did not answer within {START_TIMEOUT_S} s (log: {lease.log_file})"
                    )
                self._run_code(WARMUP_CODE + _watchdog_code(lease) + "\n")
        except BaseException:
            lease.discard()
            self.lease = None
            raise
        if self.role:
            lease.mark(self.role)

    def _connect(self, lease: kept.Lease, timeout: float, quick: bool = False) -> bool:
        """Open channels to the slot's kernel; False when it does not answer within ``timeout``.

        ``quick``: try :func:`_until_ready` first (up to ``QUICK_READY_S``), then jupyter_client's
        ``wait_for_ready`` if that did not see the kernel ready.
        """
        from jupyter_client.asynchronous import AsyncKernelClient

        kc = AsyncKernelClient(connection_file=str(lease.connection_file))
        try:
            kc.load_connection_file()
        except (OSError, ValueError):
            return False
        kc.start_channels()
        self.quick_ready = quick and run_sync(_until_ready)(kc, lease.running, min(QUICK_READY_S, timeout))
        if not self.quick_ready:
            try:
                run_sync(kc.wait_for_ready)(timeout=timeout)
            except RuntimeError:
                kc.stop_channels()
                return False
        self.km, self.kc = _LeasedManager(lease), kc
        return True

    def alive(self) -> bool:
        try:
            return bool(run_sync(self.km.is_alive)()) if not self.keep else self.km.is_alive()
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
        """Stop an owned kernel; let go of a kept one (stopped instead if a notebook was cut short)."""
        try:
            self.kc.stop_channels()
            if self.lease is not None:
                if self.busy:  # interrupted mid-notebook: its state is unknown, nobody should adopt it
                    self.lease.discard()
                else:
                    self.lease.release()
                self.lease = None
            else:
                run_sync(self.km.shutdown_kernel)(now=True)
        except Exception:  # pragma: no cover - best effort at exit
            pass

    def restart(self) -> None:
        if self.lease is not None:
            try:
                self.kc.stop_channels()
            except Exception:  # pragma: no cover
                pass
            self.lease.discard()
            self.lease = None
            self._start_kept()
            return
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
        self.busy = True  # until the notebook returns or fails: a Ctrl-C leaves it True (see shutdown)
        self.reset()  # also before the first notebook, so every run starts from the same state
        _ACTIVE.kernel = self
        try:
            nb = pm.execute_notebook(
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
            self.busy = False
            # Keep the executed notebook, traceback included, for the audit trail.
            exc.nb = self.last_nb  # type: ignore[attr-defined]
            if not self.alive():
                died = KernelDied(f"kernel died while running {Path(input_path).name}")
                died.nb = self.last_nb  # type: ignore[attr-defined]
                raise died from exc
            raise
        finally:
            _ACTIVE.kernel = None
        self.busy = False
        return nb


#: The kernel papermill's engine runs on, per thread (a small batch renders on two kernels at once).
_ACTIVE = threading.local()


class WarmEngine(Engine):
    """papermill engine that executes on the process's active :class:`WarmKernel`."""

    @classmethod
    def execute_managed_notebook(
        cls,
        nb_man,
        kernel_name,
        log_output=False,
        stdout_file=None,
        stderr_file=None,
        start_timeout=60,
        execution_timeout=None,
        **kwargs,
    ):
        warm = getattr(_ACTIVE, "kernel", None)
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
        coalesce_streams(client.nb)
        if warm.language_info is None:
            info = client.wait_for_reply(warm.kc.kernel_info())
            warm.language_info = info["content"]["language_info"]
        client.nb.metadata["language_info"] = warm.language_info
        return client.nb


def coalesce_streams(nb: nbformat.NotebookNode) -> int:
    """Merge each cell's consecutive stream outputs of the same name, in place; how many outputs were merged away.

    ipykernel sends what a cell prints in pieces, on a 0.2 s timer: ``print("one")`` can reach
    the notebook as "one" then "\\n" when the timer falls between its two writes (more often on
    a busy machine). nbconvert merges them for the page (its CoalesceStreamsPreprocessor); the
    executed notebook kept as the audit trail gets the same treatment here, so a notebook's
    outputs do not depend on timing. nbconvert is imported only when a cell has pieces to merge.
    """
    cells = [c for c in nb.cells if sum(o.get("output_type") == "stream" for o in c.get("outputs", ())) > 1]
    if not cells:
        return 0
    from nbconvert.preprocessors import CoalesceStreamsPreprocessor

    before = sum(len(c.outputs) for c in cells)
    merge = CoalesceStreamsPreprocessor()
    for i, cell in enumerate(cells):
        merge.preprocess_cell(cell, {}, i)
    return before - sum(len(c.outputs) for c in cells)


papermill_engines.register(ENGINE_NAME, WarmEngine)


def execute_cold(
    input_path: Path, output_path: Path | None, parameters: dict[str, Any], cwd: Path | None = None
) -> nbformat.NotebookNode:
    """papermill's own engine (a new kernel for this notebook): the reference path. Its stream outputs are merged
    as on a warm kernel (:func:`coalesce_streams`)."""
    nb = pm.execute_notebook(
        str(input_path),
        str(output_path) if output_path else None,
        parameters=parameters,
        kernel_name=KERNEL_NAME,
        progress_bar=False,
        cwd=str(cwd or Path.cwd()),
        extra_arguments=list(kept.KERNEL_ARGS),
    )
    if coalesce_streams(nb) and output_path:
        nbformat.write(nb, str(output_path))
    return nb
