"""The district report: sections, key figures, charts, quality note, table, CSV download, footer."""

import base64
import io
import time

import pandas as pd
import pytest
from htmlcheck import Page
from PIL import Image

from motcua.report import district_report, load_data

#: the fixture's data end 06/2025, before the reform: no unit is marked dissolved (see tests/report/test_report_eras.py)
KEYS = {
    "received_12m",
    "online_share",
    "late_count",
    "ontime_report",
    "ontime_766",
    "overdue_backlog",
    "rank",
    "rank_online",
}


@pytest.fixture(scope="module")
def report(data_dir):
    return district_report("557", data_dir, "vi")


def test_sections_in_order(report):
    assert [s.name for s in report.sections] == [
        "header",
        "key_figures",
        "narrative",
        "charts",
        "continuity",
        "par",
        "groups766",
        "quality",
        "table",
        "download",
        "footer",
    ]
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
    assert "1 phát hiện chung" in q  # …and one about a whole source file of 557's (an ignored column)
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
    # synth.py writes quality.csv in the clean stage's columns: `unit` holds a code, or a name as written
    html = district_report("555", data_dir, "vi").quality._repr_html_()
    t = Page(html).plain()
    assert "quality.csv" not in t  # the file is there: never "Không có tệp kết quả…"
    assert "3 phát hiện" in t and "2 lỗi, 1 cảnh báo" in t
    assert "(3) ≠ (7)+(11): 410 ≠ 409" in t and "bao-cao-2023-02.xlsx" in t
    assert "UBND TP. Tuy Hoà" in t  # a dropped row named, not coded, in the source is still this unit's finding
    # rules in words, never the machine ids
    assert "(3) ≠ (7)+(11)" in t and "(6) kỳ này ≠ (11) kỳ trước" in t and "Không xác định được kỳ báo cáo" in t
    for rule in ("identity_balance", "carry_over_gap", "no_period"):
        assert rule not in html
    en = Page(district_report("555", data_dir, "en").quality._repr_html_()).plain()
    assert (
        "3 issues" in en
        and "(6) differs from the previous period's (11)" in en
        and "Reporting period cannot be dated" in en
    )
    assert "carry_over_gap" not in en
    # a finding's month is written as the report writes months (quality.csv holds "01/02/2023–28/02/2023")
    assert "02/2023" in t and "01/02/2023–28/02/2023" not in t
    assert "Feb 2023" in en and "01/02/2023" not in en


def test_a_findings_period_as_the_report_writes_periods():
    from motcua.report.district import period_label

    assert period_label("01/07/2022–31/07/2022", "vi") == "07/2022"
    assert period_label("01/01/2025–31/03/2025", "en") == "Jan 2025–Mar 2025"
    assert period_label("15/12/2024–14/01/2025", "vi") == "15/12/2024–14/01/2025"  # not whole months: days
    assert period_label("15/12/2024–14/01/2025", "en") == "15 Dec 2024–14 Jan 2025"
    assert period_label("quý I", "vi") == "quý I" and period_label(None, "vi") == ""


def test_quality_unit_codes_match_codes_and_names_without_guessing():
    from motcua.report.context import quality_unit_codes

    panel = pd.DataFrame(
        {
            "unit_schema": "legacy",
            "unit_code": ["555", "558", "559"],
            "unit_name": ["Thành phố Tuy Hòa", "Huyện Đồng Xuân", "Huyện Tuy An"],
        }
    )
    units = [
        "555",
        "0555",
        "555.0",
        "UBND TP. Tuy Hoà",
        "huyen dong xuan",
        "Tuy An",
        "H. Tuy An",
        "Phường Tuy Hòa",
        "Huyện Không Có",
        "",
        "999",
    ]
    q = pd.DataFrame({"unit": units, "rule": "x"})
    got = quality_unit_codes(q, panel, "legacy").tolist()
    assert got == ["555", "555", "555", "555", "558", "559", "559", "", "", "", ""]
    # a file of another writer with a filled unit_code column: that column wins
    q2 = pd.DataFrame({"unit": ["Huyện Tuy An", "Huyện Tuy An"], "unit_code": ["558", ""]})
    assert quality_unit_codes(q2, panel).tolist() == ["558", "559"]
    # two units with the same short name: ambiguous, so tied to neither
    panel2 = pd.concat(
        [panel, pd.DataFrame({"unit_schema": ["legacy"], "unit_code": ["999"], "unit_name": ["Thị xã Tuy An"]})]
    )
    assert quality_unit_codes(pd.DataFrame({"unit": ["Tuy An", "Huyện Tuy An"]}), panel2).tolist() == ["", "559"]


def test_model_notes_are_translated_sentences_from_structured_fields(data_dir):
    from motcua.report.model_notes import model_notes
    from motcua.report.strings import strings

    data = load_data(data_dir)
    rows = data.unit("555")
    summary = pd.DataFrame(
        {
            "status": ["ok", "few_events", "short_series"],
            "n_periods": [30, 30, 7],
            "knots": ["2024-01-01,2025-01-01", "", ""],
            "breaks": ["", "2025-07-01", ""],
            "rank": [1.0, None, None],
            "unit_level": "district",
            "notes": [
                "trend bends (curvature test p = 5.2e-20): slope may change at 2024-01-01, 2025-01-01",
                "only 3 failures in 4000 trials: trend not estimable",
                "7 periods with dossiers (< 12): trend not fitted",
            ],
        },
        index=pd.Index(["online_rate", "ontime_rate_report", "ontime_rate_766"], name="rate"),
    )
    rows = rows.copy()
    rows.loc[rows.index[:2], ["received_online", "received_offline"]] = 0
    vi = model_notes(summary, rows, strings("vi"))
    text = " ".join(vi)
    assert "Tỷ lệ hồ sơ trực tuyến: xu hướng không theo một đường thẳng" in text and "01/2024 và 01/2025" in text
    assert "Tỷ lệ hồ sơ trực tuyến: 2 kỳ không có hồ sơ, không tính vào mô hình." in vi
    late = int(rows["resolved_late"].sum())
    resolved = int(rows["resolved_total"].sum())
    assert f"chỉ có {late} hồ sơ giải quyết quá hạn trên {resolved:,} hồ sơ".replace(",", ".") in text
    assert "thay đổi đột ngột từ tháng 07/2025" in text
    assert "chỉ có 7 kỳ có hồ sơ, chưa đủ để ước lượng xu hướng" in text
    assert "không xếp hạng" in text
    for english in ("trend", "curvature", "period(s)", "trials", "not ranked", "p = "):
        assert english not in text
    en = " ".join(model_notes(summary, rows, strings("en")))
    assert "Jan 2024 and Jan 2025" in en and "2 periods without dossiers" in en and "not ranked" in en
    assert "curvature" not in en and "p = " not in en


def test_report_shows_no_raw_model_notes(data_dir):
    # the real model stage's notes (English, for analysts) never reach a reader; the Vietnamese sentences do
    s = pd.read_parquet(data_dir / "trend_summary.parquet")
    raw = {n for n in s["notes"].dropna() for n in str(n).split("; ") if n.strip()}
    for code in sorted(set(s["unit_code"]))[:3]:
        for lang in ("vi", "en"):
            t = Page(district_report(code, data_dir, lang)._repr_html_()).plain()
            assert not [n for n in raw if n in t]
            assert "curvature" not in t and "period(s)" not in t


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
