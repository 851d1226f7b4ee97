import subprocess
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]


def test_make_help_lists_every_documented_target():
    out = subprocess.run(["make", "-s", "help"], cwd=ROOT, capture_output=True, text=True, check=True).stdout
    for target in ("reports", "report", "test", "lint", "lab", "clean", "help", "sample", "lock", "bench"):
        assert f"make {target} " in out, f"`make help` does not list {target}"


def test_default_goal_is_reports():
    text = (ROOT / "Makefile").read_text()
    assert ".DEFAULT_GOAL := reports" in text


def test_reports_target_has_real_file_prerequisites():
    out = subprocess.run(["make", "-n", "-p", "reports"], cwd=ROOT, capture_output=True, text=True).stdout
    line = next(l for l in out.splitlines() if l.startswith("reports/manifest.json:") and ".venv" in l)
    assert ".venv/.motcua-installed" in line and "config/province.yaml" in line
    assert "src/motcua/cli.py" in line
