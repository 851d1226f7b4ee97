"""Fixtures for the browser tests: one chromium per session, one visit per report page.

Report sets (the ``report_set`` parameter):

- ``fixture``: tests/browser/fixtures/reports, a hand-written miniature of the
  reports folder (index, overview, two units, manifest). It keeps the harness
  honest and fast, and works before the pipeline does.
- ``sample``: the shipped sample built by the ``built_sample`` fixture
  (tests/conftest.py), or, when MOTCUA_REPORTS points at an already built
  reports folder (e.g. ``MOTCUA_REPORTS=reports`` after ``make reports``), that
  folder, without rebuilding.
"""

from __future__ import annotations

import json
import os
import shutil
from pathlib import Path
from typing import Any

import pytest
from browser_harness import CHROMIUM, PageVisit, ReportSet, Visitor, java_available, launch, start_validator

HERE = Path(__file__).resolve().parent
ROOT = HERE.parents[1]
FIXTURE_REPORTS = HERE / "fixtures" / "reports"
ARTIFACTS = ROOT / "tests" / "artifacts"


def _missing_browser(reason: str) -> None:
    # In CI a missing browser is a broken setup, not a reason to go green.
    if os.environ.get("CI", "").lower() in ("1", "true", "yes"):
        pytest.fail(reason)
    pytest.skip(reason)


@pytest.fixture(scope="session")
def browser() -> Any:
    if not Path(CHROMIUM).exists():
        _missing_browser(f"{CHROMIUM} not found: run .ci/install-system-deps.sh (installs Debian's chromium)")
    try:
        from playwright.sync_api import sync_playwright
    except ImportError as exc:  # pragma: no cover - the lock pins playwright
        _missing_browser(f"playwright not importable: {exc}")
    with sync_playwright() as pw:
        b = launch(pw)
        yield b
        b.close()


@pytest.fixture(scope="session", params=["fixture", "sample"])
def report_set(request: pytest.FixtureRequest) -> ReportSet:
    if request.param == "fixture":
        return ReportSet.discover(FIXTURE_REPORTS, "fixture")
    given = os.environ.get("MOTCUA_REPORTS")
    if given:
        root = Path(given)
        if not root.is_absolute():
            root = ROOT / root
        if not (root / "index.html").is_file():
            pytest.fail(f"MOTCUA_REPORTS={given}: no index.html there")
        return ReportSet.discover(root, "sample")
    return ReportSet.discover(request.getfixturevalue("built_sample")["reports"], "sample")


@pytest.fixture(scope="session")
def artifact_dirs(report_set: ReportSet, tmp_path_factory: pytest.TempPathFactory) -> dict[str, Path]:
    """Screenshots, PDFs and axe findings of the sample go to tests/artifacts/ for people to look at."""
    if report_set.label == "sample":
        base = ARTIFACTS
        shutil.rmtree(base / "screenshots", ignore_errors=True)
    else:
        base = tmp_path_factory.mktemp(f"artifacts-{report_set.label}")
    return {"screenshots": base / "screenshots", "print": base / "print", "axe": base / "axe"}


@pytest.fixture(scope="session")
def validation(report_set: ReportSet) -> Any:
    """The HTML validator, started in the background before the browser visits (Java start-up overlaps them)."""
    reason = java_available()
    if reason:
        return reason
    return start_validator([report_set.path(p) for p in report_set.pages])


@pytest.fixture(scope="session")
def visitor(browser: Any) -> Any:
    v = Visitor(browser)
    yield v
    v.close()


@pytest.fixture(scope="session")
def visits(
    visitor: Visitor, report_set: ReportSet, artifact_dirs: dict[str, Path], validation: Any
) -> dict[str, PageVisit]:
    """Every page of the set visited once: {rel path: PageVisit}. Seconds per page and step go to
    <artifacts>/browser-timings.json (timings are reported, not asserted: the machine is shared)."""
    out = {
        p.rel: visitor.visit(
            report_set,
            p,
            artifact_dirs["screenshots"],
            pdf_dir=artifact_dirs["print"],
            axe_json_dir=artifact_dirs["axe"],
        )
        for p in report_set.pages
    }
    timings = {rel: {"seconds": round(v.seconds, 2), **v.steps} for rel, v in out.items()}
    timings["total"] = {"seconds": round(sum(v.seconds for v in out.values()), 2)}
    artifact_dirs["screenshots"].parent.mkdir(parents=True, exist_ok=True)
    (artifact_dirs["screenshots"].parent / "browser-timings.json").write_text(json.dumps(timings, indent=1))
    return out
