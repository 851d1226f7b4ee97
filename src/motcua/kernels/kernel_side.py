"""Code that runs inside a warm kernel: the reset between notebooks and the idle watchdog.

Imported by the kernel itself (see :mod:`motcua.kernels.execute`), never by the
build's process. Kept small: it runs before every report.
"""

from __future__ import annotations

import fcntl
import gc
import logging
import os
import threading
import time
from pathlib import Path
from typing import Any

#: How often a kept kernel checks whether it has been idle long enough to leave (MOTCUA_KERNEL_WATCH overrides).
WATCH_EVERY_S = 2.0
#: What the idle watchdog has seen: its checks, and those that found the kernel idle long enough but
#: leased (a build holds it), so it stayed. Read by tests, which wait for these rather than for a clock.
WATCHED = {"checks": 0, "leased": 0}

#: Log lines of the kernel application that read as failures on a normal run. jupyter_client's
#: ``shutdown_kernel`` sends SIGINT before it stops a kernel, and ipykernel logs the interrupt it then
#: catches between messages at ERROR level. A Ctrl-C inside a cell is not logged this way: it fails the
#: cell and is reported with the notebook.
NOISE = ("KeyboardInterrupt caught in kernel",)


class _DropNoise(logging.Filter):
    def filter(self, record: logging.LogRecord) -> bool:
        return not str(record.msg).startswith(NOISE)


def quiet_log(app_logger: str = "IPKernelApp") -> None:
    """Drop the :data:`NOISE` lines from the kernel application's log (run at kernel start-up through
    ``--IPKernelApp.exec_lines``, see :data:`motcua.kernels.kept.KERNEL_ARGS`; binds no name)."""
    log = logging.getLogger(app_logger)
    if not any(isinstance(f, _DropNoise) for f in log.filters):
        log.addFilter(_DropNoise())


def reset_namespace(shell: Any) -> None:
    """Forget the previous notebook: what ``%reset -f`` does, without its two full garbage collections.

    ``%reset -f`` runs ``gc.collect()`` twice (once in the display hook's flush, once in
    the magic); with pandas, statsmodels and matplotlib loaded each full collection
    costs about 0.1 s, a third of a report's own work. The namespace, the output
    history and the hidden names are cleared all the same; the interpreter's
    automatic collector frees the cycles later. Figures are closed and the
    matplotlib settings saved at warm-up are restored, so every notebook starts as
    on a fresh kernel (tests/pipeline/test_execute.py).
    """
    import matplotlib
    import matplotlib.pyplot as plt

    collect = gc.collect
    gc.collect = lambda *args, **kwargs: 0  # type: ignore[assignment]
    try:
        shell.reset(new_session=False)
    finally:
        gc.collect = collect
    plt.close("all")
    saved = getattr(matplotlib, "_motcua_rc", None)
    if saved is not None:
        matplotlib.rcParams.update(saved)


def after_warmup() -> None:
    """Once the heavy imports are done: remember matplotlib's settings (restored by
    :func:`reset_namespace`) and move every object alive now out of the collector's sight.

    ``gc.freeze()``: the modules of pandas, statsmodels and matplotlib are never garbage, yet
    each full collection would walk them again (about 0.1–0.2 s, at random moments inside a
    report); frozen, a collection walks only what the notebooks create.
    """
    import matplotlib

    matplotlib._motcua_rc = matplotlib.rcParams.copy()  # type: ignore[attr-defined]
    gc.collect()
    gc.freeze()


def exit_when_idle(
    lock_file: str, idle_s: float, remove: list[str], every_s: float = WATCH_EVERY_S
) -> threading.Thread:
    """Start a thread that ends this kernel once nobody has leased it for ``idle_s`` seconds.

    The lease is an exclusive ``flock`` on ``lock_file`` held by the build that uses
    the kernel (:mod:`motcua.kernels.kept`); the build touches the file when it lets
    go, so its modification time is the kernel's last use. The watchdog takes the
    lock itself before leaving, so no build can adopt a kernel that is exiting. It looks every
    ``every_s`` seconds.
    """

    def watch() -> None:
        while True:
            time.sleep(every_s)
            WATCHED["checks"] += 1
            try:
                idle = time.time() - os.stat(lock_file).st_mtime
            except OSError:  # registry removed: nobody can find this kernel any more
                os._exit(0)
            if idle < idle_s:
                continue
            fd = os.open(lock_file, os.O_RDWR)
            try:
                fcntl.flock(fd, fcntl.LOCK_EX | fcntl.LOCK_NB)
            except OSError:  # leased right now
                os.close(fd)
                WATCHED["leased"] += 1
                continue
            for path in remove:
                Path(path).unlink(missing_ok=True)
            os._exit(0)

    t = threading.Thread(target=watch, name="motcua-idle-exit", daemon=True)
    t.start()
    return t
