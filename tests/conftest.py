"""Shared fixtures. `built_sample` builds the shipped sample once per test session.

Hypothesis profiles for every property test in tests/ (registered here so that all folders see them):
"default" (200 examples, what `make test` runs) and "fuzz" (10,000 examples, what `make fuzz` runs:
HYPOTHESIS_PROFILE=fuzz, -k property). A test with its own @settings(max_examples=…) keeps its own.
"""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
import tempfile
from pathlib import Path

import pytest
from hypothesis import HealthCheck, settings

ROOT = Path(__file__).resolve().parents[1]
SAMPLE = ROOT / "data" / "raw" / "sample"

os.environ.setdefault("MPLBACKEND", "Agg")
# Tests run on the shipped config/ whatever the shell has set (a test that needs another config sets its own).
os.environ.pop("MOTCUA_CONFIG", None)
# Builds in tests keep their warm kernels in a registry of this session only (never the shell's), and stop
# them at the end (pytest_sessionfinish); tests/pipeline/test_kept.py checks the registry itself.
_KERNEL_DIR = os.environ["MOTCUA_KERNEL_DIR"] = tempfile.mkdtemp(prefix="motcua-kernels-")
os.environ.setdefault("MOTCUA_KERNEL_IDLE", "300")

# `make test` is deterministic (the same 200 examples every run: CI never fails by chance); `make fuzz` explores.
settings.register_profile(
    "default",
    max_examples=200,
    deadline=None,
    derandomize=True,
    database=None,
    suppress_health_check=[HealthCheck.too_slow],
)
settings.register_profile("fuzz", max_examples=10_000, deadline=None, suppress_health_check=[HealthCheck.too_slow])
settings.load_profile(os.environ.get("HYPOTHESIS_PROFILE", "default"))


@pytest.fixture(scope="session")
def project_root() -> Path:
    return ROOT


@pytest.fixture(scope="session")
def built_sample(tmp_path_factory: pytest.TempPathFactory) -> dict[str, Path]:
    """Build every report of the shipped sample into a temporary folder (once per session).

    Returns {"data": DATA dir, "reports": REPORTS dir}.
    """
    base = tmp_path_factory.mktemp("build")
    data, reports = base / "data", base / "reports"
    cmd = [sys.executable, "-m", "motcua", "build", str(SAMPLE), "--data", str(data), "--out", str(reports)]
    proc = subprocess.run(cmd, capture_output=True, text=True, cwd=ROOT)
    if proc.returncode != 0:
        raise AssertionError(f"build failed ({proc.returncode}):\n{proc.stdout}\n{proc.stderr}")
    return {"data": data, "reports": reports}


def pytest_sessionfinish(session: pytest.Session, exitstatus: int) -> None:
    """Stop the kept kernels the session's builds left (none outlives the test run)."""
    from motcua.kernels import kept

    kept.stop_idle()
    if Path(_KERNEL_DIR).name.startswith("motcua-kernels-"):  # the session's own registry
        shutil.rmtree(_KERNEL_DIR, ignore_errors=True)
