"""notebook_to_html: outputs only, no code, no parameters, no noise, strict CSP, deterministic."""

from pathlib import Path

import nbformat
import nbrun
import pytest
from htmlcheck import assert_self_contained

from motcua.report.export import notebook_to_html

ROOT = Path(__file__).resolve().parents[2]
STAMP = "2026-11-23 14:00 UTC · motcua 0.1.0+abcdef12"


@pytest.fixture(scope="module")
def executed(data_dir):
    nb = nbrun.run(
        ROOT / "notebooks" / "30_district_report.ipynb", {"unit_code": "555", "data_dir": str(data_dir), "lang": "vi"}
    )
    # noise a real kernel may add: stdout, stderr, an error output, a figure repr, a markdown cell
    noisy = nbformat.v4.new_code_cell("print('debug')")
    noisy.outputs = [
        nbformat.v4.new_output("stream", name="stdout", text="debug output\n"),
        nbformat.v4.new_output("stream", name="stderr", text="UserWarning: noisy\n"),
        nbformat.v4.new_output("display_data", data={"text/plain": "<Figure size 640x480 with 1 Axes>"}),
        nbformat.v4.new_output("error", ename="ValueError", evalue="boom", traceback=["Traceback"]),
    ]
    nb.cells.append(noisy)
    nb.cells.append(nbformat.v4.new_markdown_cell("# analyst note <script>alert(1)</script>"))
    return nb


@pytest.fixture(scope="module")
def page(executed):
    return notebook_to_html(executed, lang="vi", title="Thành phố Tuy Hòa", build_stamp=STAMP)


def test_page_is_self_contained_with_strict_csp(page):
    p = assert_self_contained(page)
    assert '<html lang="vi">' in page
    assert '<meta name="viewport" content="width=device-width, initial-scale=1">' in page
    assert not p.raw["script"]
    assert "<title>Thành phố Tuy Hòa · báo cáo bộ phận một cửa</title>" in page
    assert "@media print" in p.raw["style"][0] and "size:A4" in p.raw["style"][0]


def test_no_code_no_parameters_no_noise(page):
    for s in (
        "district_report(",
        "import ",
        "unit_code =",
        "data_dir",
        "/tmp",
        "debug output",
        "UserWarning",
        "Traceback",
        "boom",
        "<Figure size",
        "analyst note",
        "alert(1)",
        "require.js",
        "MathJax",
        "cdnjs",
        "jp-Cell",
        "In&nbsp;[",
    ):
        assert s not in page, s


def test_all_sections_present_once(page):
    for s in (
        '<header class="report-header"',
        '<section class="key-figures"',
        '<section class="narrative"',
        '<section class="charts"',
        '<section class="quality"',
        '<section class="monthly-table"',
        '<section class="download"',
        '<footer class="report-footer"',
    ):
        assert page.count(s) == 1, s


def test_deterministic_and_only_the_stamp_line_differs(executed, page):
    again = notebook_to_html(executed, lang="vi", title="Thành phố Tuy Hòa", build_stamp=STAMP)
    assert again == page
    other = notebook_to_html(
        executed, lang="vi", title="Thành phố Tuy Hòa", build_stamp="2027-01-01 00:00 UTC · motcua 9"
    )
    diff = [(a, b) for a, b in zip(page.splitlines(), other.splitlines()) if a != b]
    assert len(page.splitlines()) == len(other.splitlines()) and len(diff) == 1
    assert "data-build-stamp" in diff[0][0] and STAMP in diff[0][0]


def test_stamp_is_one_line_and_escaped(executed):
    html = notebook_to_html(executed, lang="vi", title="x", build_stamp="a\nb <i>")
    line = [l for l in html.splitlines() if "data-build-stamp" in l]
    assert len(line) == 1 and "a b &lt;i&gt;" in line[0]
    assert "data-build-stamp" not in notebook_to_html(executed, lang="vi", title="x")


def test_title_is_escaped(executed):
    html = notebook_to_html(executed, lang="en", title="<script>x</script>")
    assert "<title>&lt;script&gt;x&lt;/script&gt; · one-stop-shop report</title>" in html
    assert '<html lang="en">' in html


def test_english_notebook_run(data_dir):
    nb = nbrun.run(
        ROOT / "notebooks" / "30_district_report.ipynb", {"unit_code": "557", "data_dir": str(data_dir), "lang": "en"}
    )
    html = notebook_to_html(nb, lang="en", title="Thi xa Song Cau", build_stamp=STAMP)
    assert_self_contained(html)
    assert "Key figures" in html and "SIMULATED DATA" in html and "55.9%" not in html.replace(".", "")  # sanity


def test_without_build_stamp_removes_exactly_the_stamp(executed, page):
    from motcua.report.page import without_build_stamp

    other = notebook_to_html(
        executed, lang="vi", title="Thành phố Tuy Hòa", build_stamp="2027-01-01 00:00 UTC · motcua 9"
    )
    assert without_build_stamp(page) == without_build_stamp(other)
    assert len(without_build_stamp(page).splitlines()) == len(page.splitlines()) - 1
    with pytest.raises(ValueError):
        without_build_stamp(notebook_to_html(executed, lang="vi", title="x"))  # no stamp at all
    with pytest.raises(ValueError):
        without_build_stamp(page + page)  # two stamps
