"""Two clean builds from the same inputs give identical data files and identical HTML but the stamp."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

import pytest

from motcua.report.page import without_build_stamp

ROOT = Path(__file__).resolve().parents[1]
pytestmark = pytest.mark.slow


def test_rebuild_from_scratch_is_identical(tmp_path: Path, built_sample):
    data, reports = tmp_path / "data", tmp_path / "reports"
    proc = subprocess.run(
        [
            sys.executable,
            "-m",
            "motcua",
            "build",
            str(ROOT / "data/raw/sample"),
            "--data",
            str(data),
            "--out",
            str(reports),
        ],
        cwd=ROOT,
        capture_output=True,
        text=True,
    )
    assert proc.returncode == 0, proc.stderr
    first = built_sample["data"]
    for name in ("panel.parquet", "quality.csv", "trends.parquet", "trend_summary.parquet", "comparison.parquet"):
        assert (data / name).read_bytes() == (first / name).read_bytes(), f"{name} differs between two clean builds"
    pages = sorted(p.relative_to(reports) for p in reports.rglob("*.html"))
    assert pages == sorted(p.relative_to(built_sample["reports"]) for p in built_sample["reports"].rglob("*.html"))
    for rel in pages:
        a = without_build_stamp((reports / rel).read_text(encoding="utf-8"))
        b = without_build_stamp((built_sample["reports"] / rel).read_text(encoding="utf-8"))
        assert a == b, f"{rel} differs between two clean builds beyond the build stamp"
