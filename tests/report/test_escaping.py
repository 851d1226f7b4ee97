"""Every string from data is escaped: a hostile unit name, province, file name and message are shown as text."""

from pathlib import Path

import nbrun
import pandas as pd
from htmlcheck import Page, assert_self_contained
from synth import HOSTILE

from motcua.report import district_report, province_overview
from motcua.report.export import notebook_to_html
from motcua.report.index import render_index

ROOT = Path(__file__).resolve().parents[2]


def _check(html: str) -> Page:
    p = assert_self_contained(html) if html.startswith("<!DOCTYPE") else Page(html)
    assert not p.event_handlers()
    assert [a for a in p.all("img") if not a["src"].startswith("data:image/png")] == []
    assert not p.all("iframe") and not p.all("b")
    assert len(p.raw["script"]) <= 1 and not any("alert" in s for s in p.raw["script"])
    return p


def test_district_report_shows_hostile_strings_as_text(hostile_dir):
    nb = nbrun.run(
        ROOT / "notebooks" / "30_district_report.ipynb",
        {"unit_code": "555", "data_dir": str(hostile_dir), "lang": "vi"},
    )
    html = notebook_to_html(nb, lang="vi", title=HOSTILE, build_stamp="s")
    p = _check(html)
    text = p.plain()
    assert HOSTILE in text  # visible, as text
    assert "Tỉnh <script>alert(2)</script>" in text
    assert "data/raw/<svg onload=alert(3)>.xlsx" in text
    assert "<b onmouseover=alert(4)>bad</b>" in text
    assert "&lt;img src=x onerror=alert(1)&gt;" in html
    assert not p.all("svg")  # the hostile <svg onload> never became an element


def test_overview_and_index_show_hostile_strings_as_text(hostile_dir):
    html = province_overview(hostile_dir, "vi")._repr_html_()
    p = _check(html)
    assert HOSTILE in p.plain() and '"><iframe src=javascript:alert(5)>' in p.plain()
    m = {
        "reports": [
            {
                "unit_code": "555",
                "unit_name": HOSTILE,
                "path": "units/555-x.html",
                "status": "failed",
                "reason": "<script>alert(6)</script>",
            }
        ],
        "overview": None,
        "synthetic": True,
    }
    idx = render_index(m, lang="vi", summary=pd.read_parquet(hostile_dir / "trend_summary.parquet"))
    p = _check(idx)
    assert HOSTILE in p.plain() and "<script>alert(6)</script>" in p.plain()


def test_hostile_name_in_charts_is_drawn_as_typed(hostile_dir):
    r = district_report("555", hostile_dir, "vi")
    imgs = Page(r.charts._repr_html_()).all("img")
    assert len(imgs) == 4 and all(HOSTILE in a["alt"] for a in imgs)
