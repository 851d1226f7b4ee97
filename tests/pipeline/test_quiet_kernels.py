"""Kernels motcua starts write nothing that reads as a failure on a normal run: no "[IPKernelApp] WARNING |
Kernel is running over TCP without encryption" and no "[IPKernelApp] ERROR | KeyboardInterrupt caught in
kernel" (the line jupyter_client's shutdown, which interrupts before it stops a kernel, provokes). A real
error of the kernel application still reaches stderr."""

from __future__ import annotations

import logging
import os
import subprocess
import sys
from pathlib import Path

import pytest

from motcua.kernels.kernel_side import quiet_log

ROOT = Path(__file__).resolve().parents[2]

# The cell logs, through the kernel's own logger, the line a shutdown's SIGINT makes ipykernel write (its
# timing is a race, so it is written here on purpose) and a line that must still get through.
SCRIPT = r"""
import sys, nbformat
from pathlib import Path
cells = [nbformat.v4.new_code_cell("x = 1", metadata={"tags": ["parameters"]}),
         nbformat.v4.new_code_cell("k = get_ipython().kernel\nk.log.error('KeyboardInterrupt caught in kernel.')\n"
                                   "k.log.error('a real kernel error')\nprint('x =', x)")]
nb = nbformat.v4.new_notebook(cells=cells)
nb.metadata["kernelspec"] = {"name": "python3", "display_name": "Python 3", "language": "python"}
path = Path(sys.argv[2])
nbformat.write(nb, path)
if sys.argv[1] == "cold":
    from motcua.kernels.execute import execute_cold
    out = execute_cold(path, None, {"x": 2})
else:
    from motcua.kernels.execute import WarmKernel
    kernel = WarmKernel(cwd=path.parent, keep=False)
    out = kernel.execute(path, None, {"x": 2})
    kernel.shutdown()
print("".join(o.get("text", "") for c in out.cells for o in c.get("outputs", [])))
"""


@pytest.mark.parametrize("engine", ["cold", "warm"])
def test_a_notebook_run_leaves_stderr_quiet(tmp_path, engine):
    env = {**os.environ, "PYTHONPATH": os.pathsep.join([str(ROOT / "src"), os.environ.get("PYTHONPATH", "")])}
    proc = subprocess.run(
        [sys.executable, "-c", SCRIPT, engine, str(tmp_path / "nb.ipynb")],
        capture_output=True,
        text=True,
        env=env,
        cwd=tmp_path,
        timeout=300,
    )
    assert proc.returncode == 0, proc.stderr
    assert "x = 2" in proc.stdout
    assert "without encryption" not in proc.stderr
    assert "KeyboardInterrupt" not in proc.stderr, proc.stderr
    assert "a real kernel error" in proc.stderr  # stderr was captured: the kernel's other errors still show


def test_quiet_log_drops_only_the_interrupt_line(caplog):
    name = "motcua-test-kernel-app"
    quiet_log(name)
    quiet_log(name)  # idempotent
    log = logging.getLogger(name)
    assert len(log.filters) == 1
    with caplog.at_level(logging.INFO, logger=name):
        log.error("KeyboardInterrupt caught in kernel")
        log.error("KeyboardInterrupt caught in kernel.")
        log.error("Exception in message handler:")
    assert [r.getMessage() for r in caplog.records] == ["Exception in message handler:"]
