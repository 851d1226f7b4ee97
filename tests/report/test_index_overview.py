"""Index (sortable, works without script, failures shown) and province overview."""

from pathlib import Path

import nbrun
import pandas as pd
import pytest
from htmlcheck import Page, assert_self_contained

from motcua.report import province_overview
from motcua.report.export import notebook_to_html
from motcua.report.index import render_index

ROOT = Path(__file__).resolve().parents[2]


def manifest(**over):
    m = {
        "version": 1,
        "code_version": "0.1.0+abc",
        "built_at": "2026-11-23T14:00:00+00:00",
        "lang": "vi",
        "synthetic": True,
        "reports": [
            {
                "unit_code": "557",
                "unit_name": "Thị xã Sông Cầu",
                "path": "units/557-thi-xa-song-cau.html",
                "status": "ok",
                "reason": "",
                "input_hash": "h",
                "code_version": "v",
                "built_at": "t",
            },
            {
                "unit_code": "555",
                "unit_name": "Thành phố Tuy Hòa",
                "path": "units/555-thanh-pho-tuy-hoa.html",
                "status": "failed",
                "reason": "KeyError: 'resolved_total'",
                "input_hash": "",
                "code_version": "v",
                "built_at": "t",
            },
        ],
        "overview": {
            "unit_code": "province",
            "unit_name": "Tỉnh Phú Yên",
            "path": "province.html",
            "status": "ok",
            "reason": "",
            "input_hash": "h",
            "code_version": "v",
            "built_at": "t",
        },
    }
    m.update(over)
    return m


def test_index_lists_units_links_ok_ones_and_shows_failures(data_dir):
    html = render_index(manifest(), lang="vi", summary=pd.read_parquet(data_dir / "trend_summary.parquet"))
    p = assert_self_contained(html)
    links = [a["href"] for a in p.all("a")]
    assert links == ["province.html", "units/557-thi-xa-song-cau.html"]
    text = p.plain()
    assert "Thành phố Tuy Hòa" in text and "LỖI: chưa dựng được" in text and "KeyError: 'resolved_total'" in text
    assert "1 báo cáo không dựng được" in text
    assert "DỮ LIỆU MÔ PHỎNG" in text
    rows = [a for a in p.all("tr") if a.get("class") == "failed"]
    assert len(rows) == 1
    # rows in code order without script; numeric sort keys for the script
    assert text.index("Thành phố Tuy Hòa") < text.index("Thị xã Sông Cầu")
    assert any(a.get("data-sort") == "number" for a in p.all("th"))
    assert len(p.raw["script"]) == 1 and "addEventListener" in p.raw["script"][0]
    assert "%" in text and "khoảng 95%: hạng" in text
    stamp = [line for line in html.splitlines() if "data-build-stamp" in line]
    assert len(stamp) == 1 and "23/11/2026 14:00 UTC · motcua 0.1.0+abc" in stamp[0]  # dd/mm/yyyy, as every date


def test_index_without_summary_or_overview():
    html = render_index(manifest(overview=None), lang="en", summary=None)
    p = assert_self_contained(html)
    assert '<html lang="en">' in html and "No overview report yet." in p.plain()
    assert "FAILED: not built" in p.plain()


def test_index_all_ok_message():
    m = manifest()
    m["reports"] = m["reports"][:1]
    assert "Tất cả 1 báo cáo đã dựng xong." in render_index(m, lang="vi", summary=None)


def test_index_never_links_a_scheme():
    m = manifest()
    m["reports"][0]["path"] = "javascript:alert(1)"
    html = render_index(m, lang="vi", summary=None)
    assert "javascript:" not in html.replace("javascript:alert(1)</", "")  # shown as text at most, never as href
    assert not [a for a in Page(html).all("a") if a["href"].startswith("javascript:")]


@pytest.fixture(scope="module")
def overview(data_dir):
    return province_overview(data_dir, "vi")


def test_overview_sections(overview):
    assert [s.name for s in overview.sections] == [
        "header",
        "narrative",
        "continuity",
        "units",
        "provincial",
        "published",
        "par",
        "small_multiples",
        "ranking",
        "funnels",
        "history",
        "quality",
        "footer",
    ]
    units = Page(overview.units._repr_html_())
    assert len([a for a in units.all("tr")]) == 10  # header + nine units
    svgs = units.all("svg")
    assert len(svgs) == 9 and all(s["role"] == "img" and "Tỷ lệ trực tuyến theo tháng" in s["aria-label"] for s in svgs)
    assert len(Page(overview.funnels._repr_html_()).all("img")) == 3
    rk = Page(overview.ranking._repr_html_())
    assert len(rk.all("img")) == 2 and len(rk.all("table")) == 2
    assert "khoảng tin cậy" in overview.narrative._repr_html_()
    q = Page(overview.quality._repr_html_()).plain()
    assert "Tổng cộng" in q and "(không gắn với đơn vị)" in q


def test_overview_page_via_notebook(data_dir):
    nb = nbrun.run(ROOT / "notebooks" / "40_province_overview.ipynb", {"data_dir": str(data_dir), "lang": "vi"})
    html = notebook_to_html(nb, lang="vi", title="Tỉnh Phú Yên", build_stamp="s")
    p = assert_self_contained(html)
    assert "Tỉnh Phú Yên" in p.plain() and 'href="index.html"' in html
    assert len(html.encode()) < 2_000_000


def test_overview_charts_of_many_units_say_what_they_leave_out():
    """Beyond MAX_RANKED_SHOWN / MAX_PANELS units the charts show a part and their captions say so."""
    import numpy as np

    from motcua.report.overview_charts import MAX_PANELS, MAX_RANKED_SHOWN, ranking_chart, small_multiples
    from motcua.report.strings import strings

    n = max(MAX_RANKED_SHOWN, MAX_PANELS) + 10
    codes = [f"{i:03d}" for i in range(n)]
    comp = pd.DataFrame(
        {
            "unit_code": codes,
            "unit_name": [f"Huyện Số {i}" for i in range(n)],
            "rank": range(1, n + 1),
            "shrunk_rate": np.linspace(0.99, 0.90, n),
            "shrunk_low": np.linspace(0.98, 0.89, n),
            "shrunk_high": np.linspace(0.995, 0.91, n),
            "observed": np.linspace(0.99, 0.90, n),
            "province_rate": 0.95,
        }
    )
    S = strings("vi")
    chart = ranking_chart(comp, "ontime_rate_report", S)
    hidden = n - MAX_RANKED_SHOWN
    assert f"{hidden} đơn vị ở giữa có trong bảng" in str(chart.caption)
    monthly = pd.DataFrame(
        {
            "unit_code": np.repeat(codes, 2),
            "online_rate": 0.5,
            "resolved_late": 1.0,
            "period_start": pd.to_datetime(["2025-01-01", "2025-02-01"] * n),
            "period_end": pd.to_datetime(["2025-01-31", "2025-02-28"] * n),
        }
    )
    sm = small_multiples(monthly, {c: c for c in codes}, "online_rate", S, kind="rate", alt="a", caption="c")
    assert f"Chỉ vẽ {MAX_PANELS} trên {n} đơn vị" in str(sm.caption)
