"""The browser checks can fail: each one fires on a deliberately broken page and stays quiet on a good one.

tests/browser/fixtures/broken/ holds an index whose links exist only with JavaScript and a unit page with a
remote image, an undecodable image, an image without alt, an unnamed inline SVG, no lang attribute, a
console error, a WebSocket, a 1400 px wide block, a table cell too narrow for its date and a stray end tag.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest
from browser_harness import (
    PageVisit,
    ReportPage,
    ReportSet,
    Visitor,
    axe_problems,
    console_problems,
    csp_problems,
    desktop_problems,
    identity_problems,
    image_problems,
    java_available,
    lang_problems,
    missing_index_links,
    network_problems,
    number_format_problems,
    phone_problems,
    print_problems,
    screenshot_problems,
    size_problems,
    start_validator,
    validator_findings,
    word_break_problems,
)

pytestmark = pytest.mark.browser

HERE = Path(__file__).resolve().parent
BROKEN = ReportSet.discover(HERE / "fixtures" / "broken", "broken")
GOOD = ReportSet.discover(HERE / "fixtures" / "reports", "fixture")


@pytest.fixture(scope="module")
def pair(visitor: Visitor, tmp_path_factory: pytest.TempPathFactory) -> tuple[PageVisit, PageVisit]:
    """(broken unit page, good unit page), each visited once."""
    shots = tmp_path_factory.mktemp("harness-shots")
    bad_page = ReportPage("units/999-hong.html", "unit", "999", "Huyện Hỏng")
    bad = visitor.visit(BROKEN, bad_page, shots)
    good = visitor.visit(GOOD, GOOD.units[0], shots)
    return bad, good


@pytest.mark.parametrize(
    "check",
    [
        console_problems,
        network_problems,
        image_problems,
        axe_problems,
        phone_problems,
        desktop_problems,
        print_problems,
        csp_problems,
        lambda v: identity_problems(v, True),
        lambda v: lang_problems(v, "vi"),
        lambda v: number_format_problems(v, "vi"),
        word_break_problems,
    ],
    ids=[
        "console",
        "network",
        "images",
        "axe",
        "phone",
        "desktop",
        "print",
        "csp",
        "identity",
        "lang",
        "numbers",
        "word_break",
    ],
)
def test_check_fires_on_broken_page_only(pair: tuple[PageVisit, PageVisit], check: Any) -> None:
    bad, good = pair
    assert check(bad), "the check found nothing wrong with the broken page"
    assert check(good) == [], check(good)


def test_findings_name_the_fault(pair: tuple[PageVisit, PageVisit]) -> None:
    bad, _ = pair
    assert any("lỗi có chủ đích" in m for m in console_problems(bad))
    net = " ".join(network_problems(bad))
    assert "https://cdn.example.com/chart.png" in net and "ws://127.0.0.1:9/" in net
    imgs = " ".join(image_problems(bad))
    assert "not decoded" in imgs and "without alt" in imgs and "svg" in imgs
    axe_ids = {x["id"] for x in bad.failing_axe}
    assert {"image-alt", "html-has-lang"} <= axe_ids, axe_ids
    assert any("scrolls sideways" in m for m in desktop_problems(bad))
    ident = " ".join(identity_problems(bad, True))
    assert "Huyện Hỏng" in ident and "999" in ident and "MÔ PHỎNG" in ident and "no number" in ident


def test_csp_probe_leaks_without_a_policy(pair: tuple[PageVisit, PageVisit]) -> None:
    bad, good = pair
    assert len(bad.csp_leaks) == 5 and good.csp_leaks == []
    assert "no Content-Security-Policy <meta>" in csp_problems(bad)


def test_size_limit() -> None:
    page = GOOD.units[0]
    assert size_problems(GOOD, page) == []
    assert size_problems(GOOD, page, limit=100)


def test_screenshot_check_notices_missing_files(pair: tuple[PageVisit, PageVisit]) -> None:
    bad, good = pair
    assert screenshot_problems(good) == []
    assert screenshot_problems(PageVisit(bad.page)) == ["no screenshot at 390px", "no screenshot at 1280px"]


def test_index_links_that_need_javascript_are_missing(browser: Any) -> None:
    assert missing_index_links(browser, BROKEN) == ["units/999-hong.html"]
    assert missing_index_links(browser, GOOD) == []


def test_validator_reports_the_stray_end_tag() -> None:
    reason = java_available()
    if reason:
        pytest.skip(f"the HTML validator needs Java: {reason}")
    page = BROKEN.path(BROKEN.units[0]).resolve()
    findings = validator_findings(start_validator([page]))
    assert any("error" in m for m in findings.get(str(page), [])), findings
