"""Reports on both sides of the 1 July 2025 reform: legacy districts (history), 2025 communes, the provincial level."""

from __future__ import annotations

import re
from pathlib import Path

import pandas as pd
import pytest
import two_eras
from htmlcheck import Page

from motcua import locations as loc
from motcua.pipeline.manifest import Manifest, ReportEntry
from motcua.report import district_report, province_overview
from motcua.report.eras import report_units
from motcua.report.index import render_index


@pytest.fixture(scope="module")
def eras_dir(tmp_path_factory: pytest.TempPathFactory) -> Path:
    return two_eras.write_two_era_dir(tmp_path_factory.mktemp("eras"), reused_code=True)


def _text(section) -> str:
    return Page(section._repr_html_()).plain()


def test_a_report_per_legacy_district_and_per_2025_commune_keyed_by_era(eras_dir):
    units = report_units(pd.read_parquet(eras_dir / "panel.parquet"))
    keys = [u.key for u in units]
    communes = [f"2025:{c}" for c, _ in two_eras.COMMUNES] + ["2025:22114", "2025:557"]
    assert sorted(keys[: len(communes)]) == sorted(communes)  # the communes of today first
    assert keys[len(communes) :] == [f"legacy:{c}" for c, _ in two_eras.LEGACY_DISTRICTS]
    assert not any("cong-an" in k or "trung-tam" in k for k in keys)  # agencies: on the overview, no page
    # code 557 in both eras: two reports, two files
    both = [u for u in units if u.code == "557"]
    assert {u.schema for u in both} == {"legacy", "2025"}
    files = {loc.unit_html(Path("r"), u.code, u.name, u.schema).name for u in both}
    assert files == {"legacy-557-thi-xa-song-cau.html", "557-xa-trung-ma.html"}


def test_the_manifest_keeps_a_code_of_each_era_apart(tmp_path):
    m = Manifest()
    for schema, name in (("legacy", "Thị xã Sông Cầu"), ("2025", "Xã Trùng Mã")):
        e = ReportEntry(
            "557", name, f"units/{schema}-557.html", "ok", "", "h", "0.1", "t", unit_schema=schema, unit_level="x"
        )
        m.reports[e.key] = e
    m.save(tmp_path / "manifest.json")
    back = Manifest.load(tmp_path / "manifest.json")
    assert set(back.reports) == {"legacy:557", "2025:557"}
    assert back.reports["2025:557"].unit_name == "Xã Trùng Mã"


def test_a_code_reused_across_eras_opens_the_right_units_report(eras_dir):
    assert "Xã Trùng Mã" in _text(district_report("557", eras_dir, "vi", "2025").header)
    legacy = _text(district_report("557", eras_dir, "vi", "legacy").header)
    assert "Thị xã Sông Cầu" in legacy and "Xã Trùng Mã" not in legacy


def test_a_dissolved_districts_report_is_its_history_without_forecast(eras_dir):
    r = district_report("555", eras_dir, "vi", "legacy")
    head = _text(r.header)
    assert "Thành phố Tuy Hòa (đã giải thể từ 1/7/2025)" in head and "Cấp huyện, đã giải thể từ 1/7/2025" in head
    assert "01/2021–06/2025" in head
    kf = Page(r.key_figures._repr_html_())
    status = [li for li in kf.all("li") if li.get("data-key-figure") == "status"]
    assert len(status) == 1
    kft = kf.plain()
    assert "Đã giải thể từ 1/7/2025" in kft and "12 tháng cuối cùng của đơn vị: 07/2024–06/2025" in kft
    nar = _text(r.narrative)
    assert "Không có dự báo sau 06/2025 và không có xác suất đạt mục tiêu, vì đơn vị không còn tồn tại." in nar
    # no forecast, and no chart captioned as showing one; a commune's chart, with its forecast, keeps the word
    assert "dự báo" not in _text(r.charts).lower()
    assert "12 tháng cuối cùng của đơn vị" in _text(r.charts) and "12 tháng gần nhất" not in _text(r.charts)
    assert "xu hướng, dự báo và mục tiêu" in _text(district_report("22015", eras_dir, "vi", "2025").charts)
    # its window is its last 12 months, not "the latest 12 months" (which run to 11/2026 on the same page)
    assert "Trong 12 tháng cuối cùng của đơn vị (07/2024–06/2025), Thành phố Tuy Hòa tiếp nhận" in nar
    assert "12 tháng gần nhất" not in nar
    assert "khả năng" not in nar.lower() or "mục tiêu" not in nar.split("không còn tồn tại.")[1]
    # the model gave it no forecast and no target probability; its peers are the legacy districts of its window
    trends = pd.read_parquet(eras_dir / "trends.parquet")
    legacy = trends[trends["unit_schema"] == "legacy"]
    assert (
        len(legacy)
        and (legacy["kind"] != "forecast").all()
        and legacy["period_end"].max() <= pd.Timestamp("2025-06-30")
    )
    s = pd.read_parquet(eras_dir / "trend_summary.parquet")
    row = s[(s["unit_schema"] == "legacy") & (s["unit_code"] == "555") & (s["rate"] == "online_rate")].iloc[0]
    assert pd.isna(row["p_meet_target"]) and int(row["n_ranked"]) == len(two_eras.LEGACY_DISTRICTS)


def test_a_communes_report_ranks_it_among_communes_and_never_compares_with_a_legacy_year(eras_dir):
    r = district_report("22015", eras_dir, "vi", "2025")
    assert "Cấp xã" in _text(r.header)
    kf = _text(r.key_figures)
    assert "so với 12 tháng trước (" not in kf and "không so với cùng kỳ: phạm vi đơn vị thay đổi từ 1/7/2025" in kf
    nar = _text(r.narrative)
    assert "so với 12 tháng trước" not in nar
    assert "so với 12 tháng trước" in _text(
        district_report("555", eras_dir, "vi", "legacy").narrative
    )  # the test can fail
    assert re.search(r"xếp thứ \d+/6 đơn vị", nar)  # six communes; no agency, no district
    s = pd.read_parquet(eras_dir / "trend_summary.parquet")
    row = s[(s["unit_schema"] == "2025") & (s["unit_code"] == "22015") & (s["rate"] == "online_rate")].iloc[0]
    assert pd.notna(row["p_meet_target"])  # a commune that exists has its forecast


def test_a_commune_with_too_few_months_says_so_and_shows_no_trend(eras_dir):
    r = district_report("22114", eras_dir, "vi", "2025")
    nar = _text(r.narrative)
    assert "Trong 6 tháng có số liệu (06/2026–11/2026), Xã Tuy An Bắc tiếp nhận" in nar
    assert not re.search(r"12 tháng gần nhất \(\d\d/", nar)
    assert "Đơn vị chỉ có 6 tháng số liệu (06/2026–11/2026)" in _text(r.key_figures)
    assert "Xã Tuy An Bắc chỉ có 6 tháng số liệu (06/2026–11/2026), chưa đủ 12 tháng để ước lượng xu hướng" in nar
    assert "tăng rõ rệt" not in nar and "giảm rõ rệt" not in nar
    en = _text(district_report("22114", eras_dir, "en", "2025").narrative)
    assert "has only 6 months of data" in en


def test_the_overview_spans_the_reform(eras_dir):
    ov = province_overview(eras_dir, "vi", cache=False)
    head = _text(ov.header)
    assert "Tổng quan tỉnh Đắk Lắk: cấp xã và cấp tỉnh từ 1/7/2025; cấp huyện đến 30/6/2025" in head
    # the headline total names its level: the communes', not the province's (which adds the provincial level)
    assert re.search(r"\), 6 đơn vị cấp xã tiếp nhận [\d.]+ hồ sơ mới", _text(ov.narrative))
    units = _text(ov.units)
    assert "Các đơn vị cấp xã" in units
    assert "Phường Tuy Hòa" in units and "Công an tỉnh" not in units and "Huyện Tuy An" not in units
    assert re.search(r"(?<!\d)\d/6(?!\d)", units)  # communes ranked among the six communes
    prov = Page(ov.provincial._repr_html_())
    pt = prov.plain()
    assert "Cấp tỉnh" in pt and "Công an tỉnh" in pt and "Trung tâm Phục vụ hành chính công tỉnh" in pt
    assert not re.search(r"(?<!\d)\d/\d(?!\d)", pt) and "khoảng 95%: hạng" not in pt  # never ranked
    # and no rank column of dashes either: the table has one column fewer than the communes'
    assert "Hạng đúng và trước hạn" not in pt and "Hạng đúng và trước hạn" in units
    cols = [len([a for a in Page(h).all("th") if a.get("scope") == "col"]) for h in (ov.provincial.html, ov.units.html)]
    assert cols[0] == cols[1] - 1 > 0
    hist = _text(ov.history)
    assert "Cấp huyện (đến 30/6/2025, đã giải thể)" in hist and "07/2024–06/2025" in hist
    assert "Huyện Tuy An" in hist and re.search(r"(?<!\d)\d/4(?!\d)", hist) and "Phường Tuy Hòa" not in hist
    html = ov._repr_html_()
    ids = re.findall(r'\sid="([^"]+)"', html)
    assert len(ids) == len(set(ids)), "duplicate element ids"
    assert "từ 1/7/2025" in _text(
        province_overview(eras_dir, "en", cache=False).header
    ) or "since 1 July 2025" in _text(province_overview(eras_dir, "en", cache=False).header)


def test_the_index_groups_reports_by_era_and_level(eras_dir):
    summary = pd.read_parquet(eras_dir / "trend_summary.parquet")
    entries = []
    for u in report_units(pd.read_parquet(eras_dir / "panel.parquet")):
        entries.append(
            {
                "unit_code": u.code,
                "unit_name": u.name,
                "unit_schema": u.schema,
                "unit_level": u.level,
                "status": "ok",
                "reason": "",
                "path": str(loc.unit_html(Path("."), u.code, u.name, u.schema)),
                "input_hash": "h",
            }
        )
    html = render_index(
        {"reports": entries, "overview": {"path": "province.html", "status": "ok"}}, lang="vi", summary=summary
    )
    p = Page(html)
    heads = [h for h in re.findall(r"<h2[^>]*>([^<]+)</h2>", html)]
    assert heads == ["Cấp tỉnh", "Cấp xã (từ 1/7/2025)", "Cấp huyện (đến 30/6/2025, đã giải thể)"]
    text = p.plain()
    assert "Công an tỉnh" in text and text.index("Công an tỉnh") < text.index("Phường Tuy Hòa") < text.index(
        "Huyện Tuy An"
    )
    links = [a["href"] for a in p.all("a")]
    assert "units/legacy-557-thi-xa-song-cau.html" in links and "units/557-xa-trung-ma.html" in links
    assert "province.html#ov-provincial-title" in links
    # the rank shown beside the commune 557 is the commune's (among 6), not the district's (among 4)
    row = next(r for r in re.findall(r"<tr.*?</tr>", html, re.S) if "Xã Trùng Mã" in r)
    assert "/6" in row and "/4" not in row


#: Strings naming one level on purpose (the level itself, or a section that is about districts only).
LEVEL_SPECIFIC = {
    "level_district",
    "level_commune",
    "level_province",
    "pub_level_district",
    "pub_level_commune",
    "pub_level_province",
    "ix_group_commune",
    "ix_group_district_dissolved",
    "ix_group_province",
    "ov_title_history",
    "ov_history_note",
    "ov_caption_history",
    "ov_title_provincial",
    "ov_provincial_note",
    "ov_caption_provincial",
    "ix_agencies",
    "ix_col_bodies",
}
#: Continuity across the reform (motcua.report.continuity) is about the levels of both eras by nature: a district's
#: successor communes, a commune's predecessors, the province's tiers before and after.
LEVEL_SPECIFIC_PREFIXES = ("cont_",)


@pytest.mark.parametrize("lang,words", [("vi", r"huyện|cấp xã|cấp tỉnh"), ("en", r"district|commune|provincial level")])
def test_no_string_hard_wires_a_level(lang, words):
    """Every label that names a level takes it from the unit (level_* strings); none says "huyện" for a commune."""
    from motcua.report.strings import strings

    S = strings(lang)
    wired = [
        k
        for k in S.keys()
        if re.search(words, S[k], re.I) and k not in LEVEL_SPECIFIC and not k.startswith(LEVEL_SPECIFIC_PREFIXES)
    ]
    assert wired == []
    templates = Path(__file__).resolve().parents[2] / "src" / "motcua" / "report" / "templates"
    for t in templates.rglob("*.j2"):
        assert not re.search(r"huyện|district", t.read_text(encoding="utf-8"), re.I), t


def test_data_ending_before_the_reform_show_the_districts_as_they_were(data_dir):
    """The report fixture's data end 06/2025: no district is called dissolved, in the index or its report."""
    summary = pd.read_parquet(data_dir / "trend_summary.parquet")
    entries = [
        {
            "unit_code": "557",
            "unit_name": "Thị xã Sông Cầu",
            "unit_schema": "legacy",
            "unit_level": "district",
            "status": "ok",
            "reason": "",
            "path": "units/legacy-557-thi-xa-song-cau.html",
        }
    ]
    html = render_index({"reports": entries, "overview": None}, lang="vi", summary=summary)
    assert re.findall(r"<h2[^>]*>([^<]+)</h2>", html) == ["Cấp tỉnh", "Các đơn vị cấp huyện"]
    r = district_report("557", data_dir, "vi", "legacy")
    assert "giải thể" not in r._repr_html_()
    assert "Tổng quan tỉnh Phú Yên: cấp huyện, 01/2023–06/2025" in _text(
        province_overview(data_dir, "vi", cache=False).header
    )


def test_index_names_a_legacy_province_by_its_successor_once_the_data_reach_the_reform():
    from motcua.report.index import province_title
    from motcua.report.strings import strings

    legacy = {"province_code": "54", "province_name": "Tỉnh Phú Yên", "unit_schema": "legacy"}
    assert province_title(legacy, False, strings("vi")) == "Tỉnh Phú Yên"
    assert province_title(legacy, True, strings("vi")) == "Tỉnh Đắk Lắk (gồm Tỉnh Phú Yên trước 1/7/2025)"
    assert province_title(legacy, True, strings("en")).startswith("Tỉnh Đắk Lắk (including Tỉnh Phú Yên before")
    now = {"province_code": "66", "province_name": "Tỉnh Đắk Lắk", "unit_schema": "2025"}
    assert province_title(now, True, strings("vi")) == "Tỉnh Đắk Lắk"
