"""Kept warm kernels (motcua.kernels.kept): adopted by the next build, leased by one process at a time,
stopped when their key changes, when they die or when idle; never holding the build's pipes."""

from __future__ import annotations

import os
import signal
import time
from pathlib import Path

import nbformat
import pytest

from motcua.kernels import kept
from motcua.kernels.execute import WarmKernel


@pytest.fixture()
def registry(tmp_path, monkeypatch):
    reg = tmp_path / "kernels"
    monkeypatch.setenv("MOTCUA_KERNEL_DIR", str(reg))
    monkeypatch.setenv("MOTCUA_KEEP_KERNELS", "1")
    monkeypatch.setenv("MOTCUA_KERNEL_IDLE", "300")
    yield reg
    kept.stop_idle()


def _nb(tmp_path: Path) -> Path:
    nb = nbformat.v4.new_notebook()
    params = nbformat.v4.new_code_cell("value = 0")
    params.metadata["tags"] = ["parameters"]
    nb.cells = [
        params,
        nbformat.v4.new_code_cell("import os\nprint(os.getpid(), 'left' in dir(), value)\nleft = value"),
    ]
    nb.metadata["kernelspec"] = {"name": "python3", "display_name": "Python 3", "language": "python"}
    path = tmp_path / "k.ipynb"
    nbformat.write(nb, str(path))
    return path


def _run(k: WarmKernel, path: Path, value: int) -> tuple[int, bool, int]:
    out = k.execute(path, None, {"value": value}).cells[2].outputs[0]["text"].split()
    return int(out[0]), out[1] == "True", int(out[2])


def _wait_gone(pid: int, seconds: float) -> bool:
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        if not kept._pid_alive(pid):
            return True
        time.sleep(0.1)
    return False


def test_the_next_build_adopts_the_kernel_with_a_clean_namespace(registry, tmp_path):
    path = _nb(tmp_path)
    first = WarmKernel(keep=True)
    assert not first.adopted
    pid1, leaked, _ = _run(first, path, 1)
    first.shutdown()
    assert kept._pid_alive(pid1), "a kept kernel outlives the build that let it go"

    second = WarmKernel(keep=True)
    try:
        assert second.adopted
        assert second.quick_ready, "an idle kept kernel passes the quick readiness check"
        pid2, leaked, value = _run(second, path, 2)
    finally:
        second.shutdown()
    assert pid2 == pid1 and value == 2
    assert not leaked, "a name from the previous build leaked into the adopted kernel"


def test_adoption_falls_back_to_wait_for_ready_when_the_quick_check_fails(registry, tmp_path, monkeypatch):
    from motcua.kernels import execute

    path = _nb(tmp_path)
    first = WarmKernel(keep=True)
    pid1, _, _ = _run(first, path, 1)
    first.shutdown()

    async def never_ready(kc, alive, timeout):
        return False

    monkeypatch.setattr(execute, "_until_ready", never_ready)
    second = WarmKernel(keep=True)
    try:
        assert second.adopted and not second.quick_ready
        pid2, leaked, value = _run(second, path, 2)
    finally:
        second.shutdown()
    assert (pid2, leaked, value) == (pid1, False, 2)


def test_a_leased_kernel_is_not_shared(registry, tmp_path):
    path = _nb(tmp_path)
    a = WarmKernel(keep=True)
    b = WarmKernel(keep=True)
    try:
        assert a.lease.kernel_id != b.lease.kernel_id
        assert _run(a, path, 1)[0] != _run(b, path, 2)[0]
        listing = kept.listing()
        assert [e["leased"] for e in listing] == [True, True]
    finally:
        a.shutdown()
        b.shutdown()
    assert [e["leased"] for e in kept.listing()] == [False, False]


def test_a_kernel_of_another_key_is_stopped_and_replaced(registry, tmp_path, monkeypatch):
    path = _nb(tmp_path)
    k = WarmKernel(keep=True)
    old_pid = _run(k, path, 1)[0]
    k.shutdown()
    monkeypatch.setenv("MOTCUA_SOMETHING_THAT_REACHES_THE_KERNEL", "x")  # the environment is part of the key
    k = WarmKernel(keep=True)
    try:
        assert not k.adopted
        assert _run(k, path, 1)[0] != old_pid
    finally:
        k.shutdown()
    assert _wait_gone(old_pid, 5), "the kernel of the old key was left running"
    assert len(kept.listing()) == 1


def test_a_dead_kernel_is_cleared_and_replaced(registry, tmp_path):
    path = _nb(tmp_path)
    k = WarmKernel(keep=True)
    pid = _run(k, path, 1)[0]
    k.shutdown()
    os.kill(pid, signal.SIGKILL)
    assert _wait_gone(pid, 5)
    k = WarmKernel(keep=True)
    try:
        assert not k.adopted and _run(k, path, 3)[2] == 3
    finally:
        k.shutdown()
    assert len(list(registry.glob("*.lock"))) == 1


def test_a_kernel_cut_short_mid_notebook_is_not_kept(registry, tmp_path):
    k = WarmKernel(keep=True)
    pid = k.lease.process.pid
    k.busy = True  # as after a Ctrl-C during a notebook
    k.shutdown()
    assert _wait_gone(pid, 5)
    assert not list(registry.iterdir())


def _watched(k: WarmKernel, tmp_path: Path) -> dict[str, int]:
    """The kernel's idle watchdog's counts (kernel_side.WATCHED), read by running a notebook on it."""
    nb = nbformat.v4.new_notebook(
        cells=[
            nbformat.v4.new_code_cell(
                "import json\nfrom motcua.kernels import kernel_side\nprint(json.dumps(kernel_side.WATCHED))"
            )
        ]
    )
    nb.metadata["kernelspec"] = {"name": "python3", "display_name": "Python 3", "language": "python"}
    path = tmp_path / "watched.ipynb"
    nbformat.write(nb, str(path))
    import json

    return json.loads(k.execute(path, None, {}).cells[0].outputs[0]["text"])


def test_an_idle_kernel_leaves_by_itself(registry, tmp_path, monkeypatch):
    """No race with a clock: the lease's last use is set an hour back, and the test waits until the watchdog
    has twice found the kernel idle that long yet leased (and so stayed), then lets go of it."""
    monkeypatch.setenv("MOTCUA_KERNEL_IDLE", "1")
    monkeypatch.setenv("MOTCUA_KERNEL_WATCH", "0.05")
    k = WarmKernel(keep=True)
    pid = k.lease.process.pid
    hour_ago = time.time() - 3600
    os.utime(k.lease.lock_file, (hour_ago, hour_ago))
    deadline = time.monotonic() + 60
    while (seen := _watched(k, tmp_path))["leased"] < 2 and time.monotonic() < deadline:
        time.sleep(0.05)
    assert seen["leased"] >= 2, seen
    assert kept._pid_alive(pid), "a leased kernel is never idle"
    k.shutdown()
    assert _wait_gone(pid, 10), "the idle kernel did not leave"
    assert not list(registry.iterdir()), "the leaving kernel removes its registry files"


def test_a_kept_kernel_holds_none_of_the_builds_pipes(registry):
    k = WarmKernel(keep=True)
    try:
        pid = k.lease.process.pid
        targets = {os.readlink(f"/proc/{pid}/fd/{fd}") for fd in (0, 1, 2)}
        assert targets == {"/dev/null", str(k.lease.log_file)}
        assert os.getsid(pid) == pid, "a kept kernel runs in its own session (no terminal signals)"
    finally:
        k.shutdown()


def test_stop_idle_stops_every_free_kernel(registry):
    a = WarmKernel(keep=True)
    pid = a.lease.process.pid
    a.shutdown()
    assert kept.stop_idle() == 1
    assert _wait_gone(pid, 5)
    assert kept.listing() == []


def test_keeping_can_be_turned_off(registry, monkeypatch):
    monkeypatch.setenv("MOTCUA_KEEP_KERNELS", "0")
    k = WarmKernel()
    try:
        assert k.lease is None and not k.keep
    finally:
        k.shutdown()
    assert not registry.exists() or not list(registry.iterdir())
