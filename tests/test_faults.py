"""Faults: an interrupted build leaves no half-written report, and a rerun completes it."""

from __future__ import annotations

import json
import os
import re
import shutil
import signal
import subprocess
import sys
import time
from pathlib import Path

import pytest

from motcua.report.page import without_build_stamp

ROOT = Path(__file__).resolve().parents[1]
pytestmark = pytest.mark.slow


def _render(data: Path, out: Path, *extra: str) -> subprocess.Popen:
    return subprocess.Popen(
        [sys.executable, "-m", "motcua", "render", str(data), "--out", str(out), *extra],
        cwd=ROOT,
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
        start_new_session=True,
    )


# Units of both eras of the sample (four legacy districts, dissolved 1/7/2025, and four communes of 2025): the
# size of the build these tests interrupt (the sample's 43 units would take five times as long to no purpose).
UNITS = {
    ("legacy", "555"),
    ("legacy", "558"),
    ("legacy", "561"),
    ("legacy", "564"),
    ("2025", "22015"),
    ("2025", "22045"),
    ("2025", "22081"),
    ("2025", "22114"),
}
UNITS_ARG = ",".join(sorted(f"{schema}:{code}" for schema, code in UNITS))


def test_ctrl_c_mid_build_then_rerun_gives_every_report(tmp_path: Path, built_sample):
    out = tmp_path / "reports"
    proc = _render(built_sample["data"], out, "--units", UNITS_ARG, "--jobs", "2")
    deadline = time.time() + 120
    while time.time() < deadline and proc.poll() is None:
        if (out / "units").exists() and any((out / "units").glob("*.html")):
            break
        time.sleep(0.2)
    os.killpg(proc.pid, signal.SIGINT)
    proc.communicate(timeout=60)
    # whatever is at a report path is a whole report
    for html in out.rglob("*.html"):
        assert html.read_text(encoding="utf-8").rstrip().endswith("</html>"), f"half-written {html}"
    rerun = _render(built_sample["data"], out, "--units", UNITS_ARG, "--jobs", "2")
    stdout, stderr = rerun.communicate(timeout=300)
    assert rerun.returncode == 0, stderr
    manifest = json.loads((out / "manifest.json").read_text(encoding="utf-8"))
    assert all(e["status"] == "ok" for e in manifest["reports"])
    assert {(e["unit_schema"], e["unit_code"]) for e in manifest["reports"]} == UNITS and len(
        manifest["reports"]
    ) == len(UNITS)
    assert not list(out.rglob("*.tmp"))
    for e in manifest["reports"]:
        ref = (built_sample["reports"] / e["path"]).read_text(encoding="utf-8")
        assert without_build_stamp((out / e["path"]).read_text(encoding="utf-8")) == without_build_stamp(ref)


def test_a_killed_worker_marks_its_unit_failed_and_the_rest_build(tmp_path: Path, built_sample):
    nbdir = tmp_path / "notebooks"
    shutil.copytree(ROOT / "notebooks", nbdir)
    import nbformat

    nb = nbformat.read(str(nbdir / "30_district_report.ipynb"), as_version=4)
    nb.cells.insert(
        1 + next(i for i, c in enumerate(nb.cells) if "parameters" in c.metadata.get("tags", [])),
        nbformat.v4.new_code_cell('import os\nif unit_code == "560":\n    os._exit(1)'),
    )
    nbformat.write(nb, str(nbdir / "30_district_report.ipynb"))
    out = tmp_path / "reports"
    proc = subprocess.run(
        [
            sys.executable,
            "-m",
            "motcua",
            "render",
            str(built_sample["data"]),
            "--out",
            str(out),
            "--units",
            "559,560,561",
            "--jobs",
            "2",
        ],
        cwd=ROOT,
        capture_output=True,
        text=True,
        env={**os.environ, "MOTCUA_NOTEBOOKS": str(nbdir)},
    )
    assert proc.returncode == 1
    assert re.search(r"^motcua: unit legacy:560 failed: .*kernel died", proc.stderr, re.M), proc.stderr
    manifest = json.loads((out / "manifest.json").read_text(encoding="utf-8"))
    assert {e["unit_code"]: e["status"] for e in manifest["reports"]} == {"559": "ok", "560": "failed", "561": "ok"}
