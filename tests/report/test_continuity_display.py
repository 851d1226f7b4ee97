"""Continuity across the 1/7/2025 reform in the reports (motcua.report.continuity): the overview's province series
and scope, a dissolved district's successor communes, a 2025 commune's predecessors; nothing where the table has
nothing for the page."""

from __future__ import annotations

import re
import shutil
from pathlib import Path

import matplotlib.dates as mdates
import numpy as np
import pandas as pd
import pytest
import two_eras
from htmlcheck import Page, assert_self_contained
from matplotlib.figure import Figure

from motcua import locations as loc
from motcua.model.continuity import continuity_table
from motcua.panel import COUNT_COLUMNS
from motcua.report import continuity as rc
from motcua.report import district_report, province_overview
from motcua.report.page import page
from motcua.report.strings import strings


@pytest.fixture(scope="module")
def cont_dir(tmp_path_factory: pytest.TempPathFactory) -> Path:
    return two_eras.write_two_era_dir(tmp_path_factory.mktemp("cont") / "data", legacy_communes=True, continuity=True)


@pytest.fixture(scope="module")
def panel(cont_dir: Path) -> pd.DataFrame:
    return pd.read_parquet(cont_dir / "panel.parquet")


def _text(section) -> str:
    return Page(section._repr_html_()).plain()


def _new(rows: pd.DataFrame) -> pd.Series:
    """New dossiers (4)+(5) of panel rows."""
    return rows["received_online"].astype("float64") + rows["received_offline"].astype("float64")


def _n(x: float) -> str:
    return f"{int(round(x)):,}".replace(",", ".")


def _whole_page(section, lang: str = "vi") -> Page:
    return assert_self_contained(page(lang=lang, title="t", body=section._repr_html_(), stamp_label="x"))


# --------------------------------------------------------------------------- overview


def test_the_overview_shows_the_province_across_the_reform_with_its_scope(cont_dir):
    ov = province_overview(cont_dir, "vi", cache=False)
    assert [s.name for s in ov.sections][:3] == ["header", "narrative", "continuity"]
    t = _text(ov.continuity)
    assert "Toàn tỉnh qua thời điểm sắp xếp (1/7/2025)" in t
    assert (
        "Trước 1/7/2025: chỉ gồm Phú Yên cũ (54) (4/24 đơn vị cấp huyện, 5/286 đơn vị cấp xã và 1 cơ quan cấp tỉnh "
        "có số liệu tháng 06/2025), thiếu Đắk Lắk cũ (66); sau: 5/102 xã, phường và 2 cơ quan cấp tỉnh (tháng 11/2026)."
    ) in t
    assert "không so sánh được như một chuỗi số liệu" in t
    # legacy communes from 01/2024 (5 → 10 units with data), Xã Tuy An Bắc from 06/2026 (6 → 7)
    assert "Số đơn vị có số liệu thay đổi trong giai đoạn trước 1/7/2025: từ 5 đến 10 đơn vị mỗi tháng" in t
    assert "Số đơn vị có số liệu thay đổi trong giai đoạn từ 1/7/2025: từ 6 đến 7 đơn vị mỗi tháng" in t
    assert "Dòng tổng của tỉnh" not in t  # no province total rows in the inputs
    p = _whole_page(ov.continuity)
    imgs = p.all("img")
    assert len(imgs) == 1 and "đường dọc nét đứt đánh dấu thời điểm sắp xếp 1/7/2025" in imgs[0]["alt"]
    assert "hai đoạn riêng" in imgs[0]["alt"]
    en = _text(province_overview(cont_dir, "en", cache=False).continuity)
    assert "Before 1 July 2025: only former Phú Yên (54)" in en and "not former Đắk Lắk (66)" in en
    assert "cannot be compared as one series" in en


def _chart_data(cont_dir: Path, comparable: bool):
    cont = pd.read_parquet(cont_dir / "continuity.parquet")
    rows = cont[cont["kind"] == "province"].reset_index(drop=True)
    m = rc._monthly(rows).assign(_era=rows["era"].to_numpy())
    fig = Figure(figsize=(5.4, 5.0))
    top, bottom = rc.draw_province(fig, m, ["legacy", "2025"], comparable, strings("vi"), 5.0)
    return rows, top, bottom


def test_the_province_chart_draws_the_break_and_never_joins_eras_it_cannot_compare(cont_dir):
    rows, top, bottom = _chart_data(cont_dir, comparable=False)
    reform = mdates.date2num(pd.Timestamp("2025-07-01"))
    for ax in (top, bottom):
        breaks = [ln for ln in ax.get_lines() if ln.get_gid() == "reform"]
        assert len(breaks) == 1 and np.allclose(mdates.date2num(breaks[0].get_xdata()), reform)
    assert [t.get_text() for t in top.texts if t.get_gid() == "reform-label"] == ["Sắp xếp 1/7/2025 "]
    series = [ln for ln in bottom.get_lines() if ln.get_gid() != "reform"]
    assert len(series) == 2  # one line per era
    for ln in series:
        x = mdates.date2num(ln.get_xdata())
        assert (x < reform).all() or (x > reform).all(), "a line crosses the reform"
    _, _, joined = _chart_data(cont_dir, comparable=True)
    assert len([ln for ln in joined.get_lines() if ln.get_gid() != "reform"]) == 1


def test_the_provinces_own_total_rows_are_checked_against_the_units(tmp_path, panel):
    # the former Phú Yên's total rows for 05/2025 (off by one) and 06/2025 (equal to its units' sum)
    leg = panel[(panel["unit_schema"] == "legacy") & (panel["period_start"] >= "2025-05-01")]
    counts = [c for c in COUNT_COLUMNS if c in panel]
    tot = leg.groupby(["period_start", "period_end"], as_index=False)[counts].sum()
    tot.loc[tot["period_start"] == pd.Timestamp("2025-05-01"), "received_total"] += 1
    first = leg.iloc[0]
    prov = tot.assign(**{c: first[c] for c in panel.columns if c not in tot.columns})
    prov = prov.assign(unit_code="54", unit_name="Tỉnh Phú Yên", unit_level="province", unit_schema="legacy")
    cont = continuity_table(pd.concat([panel, prov[panel.columns]], ignore_index=True))
    t = _text(rc.province_section(cont, "66", strings("vi")))
    assert "Dòng tổng của tỉnh trong dữ liệu (2 tháng) không khớp với tổng các đơn vị ở 1 tháng: 05/2025." in t
    ok = cont.copy()
    ok.loc[ok["kind"] == "province_reported", "matches_units"] = True
    assert "khớp với tổng các đơn vị ở mọi tháng đối chiếu được" in _text(rc.province_section(ok, "66", strings("vi")))


def test_a_comparable_series_says_so(cont_dir):
    cont = pd.read_parquet(cont_dir / "continuity.parquet")
    cont.loc[cont["kind"] == "province", "comparable"] = True
    t = _text(rc.province_section(cont, "54", strings("vi")))  # a legacy code finds its successor's series
    assert "Hai giai đoạn cùng phạm vi" in t and "không so sánh được" not in t


# --------------------------------------------------------------------------- dissolved district


def test_a_dissolved_districts_report_shows_its_successor_communes(cont_dir, panel):
    r = district_report("557", cont_dir, "vi", "legacy")
    assert [s.name for s in r.sections].index("continuity") == 4
    t = _text(r.continuity)
    assert "Sau 1/7/2025: các xã kế thừa" in t
    assert "0/17 tháng có đủ số liệu của các xã, phường kế thừa" in t
    assert "chỉ gồm cấp xã" in t and "chuyển lên cấp tỉnh" in t
    # 11/2026: the sum of the successor communes present (Phường Sông Cầu, Xã Xuân Lộc), rates of the sums
    last = panel[
        (panel["unit_schema"] == "2025")
        & panel["unit_code"].isin(["22051", "22057"])
        & (panel["period_start"] == pd.Timestamp("2026-11-01"))
    ]
    online = last["received_online"].sum() / (last["received_online"].sum() + last["received_offline"].sum())
    ontime = (last["resolved_early"].sum() + last["resolved_ontime"].sum()) / last["resolved_total"].sum()
    row = re.search(r"11/2026 (\S+) (\S+) (\S+) 2/5 Thiếu: Xã Xuân Cảnh, Xã Xuân Thọ, Phường Xuân Đài", t)
    assert row, t
    assert row.group(1) == _n(_new(last).sum())
    assert row.group(2) == f"{online * 100:.1f}%".replace(".", ",")
    assert row.group(3) == f"{ontime * 100:.2f}%".replace(".", ",")
    p = _whole_page(r.continuity)
    links = {a["href"] for a in p.all("a")}
    want = {
        loc.unit_html(Path("."), "22051", "Phường Sông Cầu", "2025").name,
        loc.unit_html(Path("."), "22057", "Xã Xuân Lộc", "2025").name,
    }
    assert links == want
    assert "Xã Xuân Cảnh (22060) (chưa có báo cáo vì chưa có số liệu)" in t


def test_a_straddling_district_says_why_it_has_no_continuation(cont_dir):
    t = _text(district_report("555", cont_dir, "vi", "legacy").continuity)
    assert (
        "Không có chuỗi nối tiếp sau 1/7/2025: Phường Tuy Hòa (22015), Phường Phú Yên (22240) nằm một phần ngoài "
        "địa bàn Thành phố Tuy Hòa cũ"
    ) in t
    assert "<table" not in district_report("555", cont_dir, "vi", "legacy").continuity._repr_html_()


# --------------------------------------------------------------------------- 2025 commune


def _year(panel: pd.DataFrame, codes: list[str], year: int) -> pd.DataFrame:
    return panel[
        (panel["unit_schema"] == "legacy")
        & (panel["unit_level"] == "commune")
        & panel["unit_code"].isin(codes)
        & (panel["period_start"].dt.year == year)
    ]


def test_a_communes_report_shows_its_predecessors_exact(cont_dir, panel):
    r = district_report("22057", cont_dir, "vi", "2025")
    t = _text(r.continuity)
    assert "Trước 1/7/2025: các xã, phường tiền thân" in t
    assert "Xã Xuân Hải (22054), Xã Xuân Lộc (22057)" in t and "Chuỗi đầy đủ" in t and "chưa đầy đủ" not in t
    y = _year(panel, ["22054", "22057"], 2024)
    assert f"2024 12 {_n(_new(y).sum())} " in t and t.rstrip().endswith("Đủ")
    _whole_page(r.continuity)


def test_a_communes_partial_history_names_missing_and_split_predecessors(cont_dir, panel):
    t = _text(district_report("22015", cont_dir, "vi", "2025").continuity)
    assert "Phường 9 (22024) (một phần)" in t
    assert "Chuỗi chưa đầy đủ: thiếu số liệu của Phường 4 (22030)" in t
    assert "chỉ một phần của Phường 9 (22024) nhập vào Phường Tuy Hòa; số liệu của các đơn vị này được cộng nguyên" in t
    y = _year(panel, ["22015", "22018", "22024"], 2025)  # the split Phường 9 counted whole, never divided
    assert f"2025 6 {_n(_new(y).sum())} " in t and "Một phần" in t and " Đủ" not in t
    en = _text(district_report("22015", cont_dir, "en", "2025").continuity)
    assert "Partial series" in en and "summed whole, never divided" in en


def test_no_section_where_the_table_has_nothing_for_the_page(cont_dir, tmp_path):
    for code, schema in (("22114", "2025"), ("558", "legacy"), ("22051", "2025")):
        # 22114: predecessors without rows; 558: no successor commune in the data; 22051: no legacy commune rows
        assert district_report(code, cont_dir, "vi", schema).continuity._repr_html_() == ""
    # data ending before the reform: the district is shown as it then was, with no "after"
    before = tmp_path / "before"
    p = two_eras.two_era_panel(legacy_communes=True)
    p = p[p["period_end"] <= pd.Timestamp("2025-06-30")]
    two_eras.synth.write_data_dir(before, p)
    from motcua.model.continuity import write_continuity

    write_continuity(p, before)
    assert (pd.read_parquet(before / "continuity.parquet")["kind"] == "district_continuation").any()  # 555 straddles
    assert district_report("555", before, "vi", "legacy").continuity._repr_html_() == ""
    assert province_overview(before, "vi", cache=False).continuity._repr_html_() == ""
    bare = tmp_path / "bare"
    shutil.copytree(cont_dir, bare)
    (bare / "continuity.parquet").unlink()
    assert district_report("557", bare, "vi", "legacy").continuity._repr_html_() == ""
    assert province_overview(bare, "vi", cache=False).continuity._repr_html_() == ""


@pytest.mark.parametrize("lang", ["vi", "en"])
def test_a_complete_continuation_does_not_speak_of_other_months(lang):
    """17/17 months complete (the sample's Huyện Tuy An): no "the other months name the missing units"."""
    from motcua.report.continuity_units import exact_sentence

    S = strings(lang)
    full = exact_sentence(17, 17, S)
    assert "17" in full and ("còn lại" not in full if lang == "vi" else "other months" not in full)
    part = exact_sentence(12, 17, S)
    assert ("12/17" in part) and ("còn lại" in part if lang == "vi" else "other months" in part)
