"""The build's stages lease the kept kernel that ran them last (kept.acquire's ``role``): it holds the model
stage's last run and the clean stage's state in memory. Slots here are registry entries around a stand-in
process, so no kernel is started."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

import pytest

from motcua.kernels import kept


@pytest.fixture()
def slots(tmp_path, monkeypatch):
    """Three idle slots of this build's key (a, b, c), each 'running' a sleeping stand-in process."""
    reg = tmp_path / "kernels"
    reg.mkdir()
    monkeypatch.setenv("MOTCUA_KERNEL_DIR", str(reg))
    key = kept.kernel_key(Path.cwd())
    procs = []
    for name in ("a", "b", "c"):
        p = subprocess.Popen([sys.executable, "-c", "import time; time.sleep(120)"])
        procs.append(p)
        (reg / f"{name}.lock").touch()
        (reg / f"{name}.meta.json").write_text(json.dumps({"key": key, "pid": p.pid, "started": 0, "cwd": "."}))
    yield reg
    for p in procs:
        p.kill()
        p.wait()


def _take(role: str) -> str:
    lease, _ = kept.acquire(Path.cwd(), role)
    lease.release(touch=False)
    return lease.kernel_id


def test_the_stages_go_to_the_kernel_that_ran_them_last(slots):
    assert _take("stages") == "a"  # none marked yet: the first idle one
    lease, _ = kept.acquire(Path.cwd(), "")
    others = [kept.acquire(Path.cwd(), "")[0] for _ in range(2)]
    assert [x.kernel_id for x in (lease, *others)] == ["a", "b", "c"]
    others[0].mark("stages")  # b ran this build's stages
    for x in (lease, *others):
        x.release(touch=False)
    assert _take("stages") == "b"
    assert _take("") == "a"  # other work takes any idle kernel
    kept.Lease(slots, "c", -1).mark("stages")  # c ran a later build's stages
    assert _take("stages") == "c"
    assert json.loads((slots / "c.meta.json").read_text())["key"] == kept.kernel_key(Path.cwd())
