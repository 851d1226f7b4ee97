"""The district report: sections, key figures, charts, quality note, table, CSV download, footer."""
import base64
import io
import time

import pandas as pd
import pytest
from PIL import Image

from htmlcheck import Page
from motcua.report import district_report, load_data

KEYS = {"received_12m", "online_share", "late_count", "ontime_report", "ontime_766", "overdue_backlog", "rank", "rank_online"}


@pytest.fixture(scope="module")
def report(data_dir):
    return district_report("557", data_dir, "vi")


def test_sections_in_order(report):
    assert [s.name for s in report.sections] == ["header", "key_figures", "narrative", "charts", "quality", "table", "download", "footer"]
    assert "DỮ LIỆU MÔ PHỎNG" in report.header._repr_html_()
    assert report._repr_html_().count("<section") == 6


def test_header_names_the_unit_the_province_the_window(report):
    p = Page(report.header._repr_html_())
    t = p.plain()
    assert "Thị xã Sông Cầu" in t and "557" in t and "Tỉnh Phú Yên" in t
    assert "01/2023–06/2025" in t and "30/06/2025" in t
    assert [a["href"] for a in p.all("a")] == ["../index.html", "../province.html"]


def test_key_figures_are_tagged_and_formatted(report, data_dir):
    html = report.key_figures._repr_html_()
    p = Page(html)
    keys = {a["data-key-figure"] for a in p.all("li") if "data-key-figure" in a}
    assert keys == KEYS
    rows = load_data(data_dir).unit("557")
    last12 = rows[rows["period_start"] >= pd.Timestamp("2024-07-01")]
    received = int((last12["received_online"] + last12["received_offline"]).sum())
    late = int(last12["resolved_late"].sum())
    assert f"{received:,}".replace(",", ".") in html
    assert f">{late}<" in html
    share = last12["received_online"].sum() / (last12["received_online"].sum() + last12["received_offline"].sum())
    assert f"{share * 100:.1f}%".replace(".", ",") in html
    assert "((8) + (9)) / (7)" in html and "(Σ(8) + Σ(9) + (12)) / (Σ(7) + (11))" in html
    assert "khoảng 95%: hạng" in html


def test_charts_are_inline_png_with_alt_and_modest_size(report):
    p = Page(report.charts._repr_html_())
    imgs = p.all("img")
    assert len(imgs) == 4
    for img in imgs:
        raw = base64.b64decode(img["src"].split(",", 1)[1])
        im = Image.open(io.BytesIO(raw))
        assert im.format == "PNG" and im.size == (int(img["width"]), int(img["height"]))
        assert im.size[0] <= 700
        assert len(raw) < 200_000
        assert "Thị xã Sông Cầu" in img["alt"] or "Sông Cầu" in img["alt"]
        assert not any(k.lower() in ("software", "creation time", "date") for k in im.info), im.info


def test_quality_note_and_table_and_csv(report, data_dir):
    q = Page(report.quality._repr_html_()).plain()
    assert "Không có phát hiện nào" in q  # fixture findings are about 555 only
    t = report.table._repr_html_()
    assert t.count("<tr") == 31  # header + 30 months
    assert "06/2025" in t and "Mới tiếp nhận (4)+(5)" in t
    a = Page(report.download._repr_html_()).all("a")[0]
    assert a["download"] == "motcua-557.csv"
    csv = base64.b64decode(a["href"].split(",", 1)[1]).decode("utf-8-sig")
    df = pd.read_csv(io.StringIO(csv), dtype={"unit_code": str})
    assert len(df) == 30 and set(df["unit_code"]) == {"557"}
    assert df["received_online"].sum() == load_data(data_dir).unit("557")["received_online"].sum()


def test_quality_findings_listed_for_the_unit(data_dir):
    html = district_report("555", data_dir, "vi").quality._repr_html_()
    assert "2 phát hiện" in html and "1 lỗi, 1 cảnh báo" in html
    assert "(3) ≠ (7)+(11): 410 ≠ 409" in html and "bao-cao-2023-02.xlsx" in html


def test_footer_sources_method_version(report):
    f = Page(report.footer._repr_html_()).plain()
    assert "bao-cao-2023-01.xlsx" in f and "sha256 000000000000" in f
    assert "((8) + (9)) / (7)" in f and "Spiegelhalter" in f
    assert "motcua, phiên bản" in f
    assert "Quyết định 766/QĐ-TTg" in f  # a target with its source


def test_same_data_same_html(data_dir):
    a = district_report("558", data_dir, "vi")._repr_html_()
    b = district_report("558", data_dir, "vi")._repr_html_()
    assert a == b


def test_english_report(data_dir):
    html = district_report("557", data_dir, "en")._repr_html_()
    assert "SIMULATED DATA" in html and "Key figures" in html and "New dossiers received" in html
    assert "hồ sơ" not in Page(html).plain().replace("Thị xã Sông Cầu", "")


def test_unknown_unit_raises_clearly(data_dir):
    with pytest.raises(ValueError, match="999"):
        district_report("999", data_dir, "vi")


def test_missing_model_quality_meta_and_columns_do_not_crash(bare_dir):
    r = district_report("555", bare_dir, "vi")
    html = r._repr_html_()
    assert "DỮ LIỆU MÔ PHỎNG" not in html
    assert "không có dữ liệu" in html
    assert "quality.csv" in html  # says the findings file is missing
    assert len(Page(r.charts._repr_html_()).all("img")) == 4


def test_render_time_and_size_of_a_warm_report(data_dir):
    district_report("555", data_dir, "vi")  # warm: data cached
    t = time.perf_counter()
    html = district_report("559", data_dir, "vi")._repr_html_()
    elapsed = time.perf_counter() - t
    assert len(html.encode()) < 1_500_000
    assert elapsed < 15  # a generous bound on a shared machine; measured ~1 s
