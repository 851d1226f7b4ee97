"""Shared fixtures. `built_sample` builds the shipped sample once per test session.

Hypothesis profiles for every property test in tests/ (registered here so that all folders see them):
"default" (200 examples, what `make test` runs) and "fuzz" (10,000 examples, what `make fuzz` runs:
HYPOTHESIS_PROFILE=fuzz, -k property). A test with its own @settings(max_examples=…) keeps its own.
"""
from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import pytest
from hypothesis import HealthCheck, settings

ROOT = Path(__file__).resolve().parents[1]
SAMPLE = ROOT / "data" / "raw" / "sample"

os.environ.setdefault("MPLBACKEND", "Agg")

settings.register_profile("default", max_examples=200, deadline=None, suppress_health_check=[HealthCheck.too_slow])
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
