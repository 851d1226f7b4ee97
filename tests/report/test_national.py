"""A national analysis: one overview per province, province.html the page of provinces.

A small national panel: communes of three 2025 provinces (Hà Nội 01: 2, Đắk Lắk 66: 3, TP Hồ Chí Minh 79: 2)
× 17 months, with Đắk Lắk's provincial level, and the real model stage's tables. A one-province panel (the shipped
sample's shape) keeps one overview and no provinces/ folder.
"""

from __future__ import annotations

import json
import re
import shutil
from datetime import UTC
from pathlib import Path

import pandas as pd
import pytest
import synth
import two_eras

from motcua.pipeline.manifest import Manifest, ReportEntry
from motcua.pipeline.national_pages import province_tasks, write_national
from motcua.pipeline.plan import plan_inputs
from motcua.pipeline.stamps import input_shas
from motcua.report import national, province_overview

PROVINCES = {
    "01": ("Thành phố Hà Nội", [("00004", "Phường Ba Đình"), ("00008", "Phường Ngọc Hà")]),
    "66": ("Tỉnh Đắk Lắk", [("22015", "Phường Tuy Hòa"), ("22045", "Phường Bình Kiến"), ("22057", "Xã Xuân Lộc")]),
    "79": ("Thành phố Hồ Chí Minh", [("26734", "Phường Sài Gòn"), ("26737", "Phường Tân Định")]),
}
MB = 1024 * 1024


def national_panel() -> pd.DataFrame:
    parts = [
        two_eras._era(
            synth.fabricate_panel(units, months=17, start="2025-07-01", seed=20 + i), "2025", "commune", (code, name)
        )
        for i, (code, (name, units)) in enumerate(PROVINCES.items())
    ]
    parts.append(
        two_eras._era(
            two_eras._agencies(two_eras.AGENCIES, 17, "2025-07-01", 15), "2025", "agency", ("66", "Tỉnh Đắk Lắk")
        )
    )
    p = pd.concat(parts, ignore_index=True)
    return p.sort_values(["unit_schema", "unit_code", "period_start"], kind="stable").reset_index(drop=True)


@pytest.fixture(scope="module")
def national_dir(tmp_path_factory: pytest.TempPathFactory) -> Path:
    return synth.write_data_dir(tmp_path_factory.mktemp("national"), national_panel())


@pytest.fixture()
def data(national_dir: Path, tmp_path: Path) -> Path:
    out = tmp_path / "data"
    out.mkdir()
    for p in filter(Path.is_file, national_dir.iterdir()):
        shutil.copy(p, out / p.name)
    return out


def test_split_only_for_more_than_one_province(national_dir: Path) -> None:
    panel = pd.read_parquet(national_dir / "panel.parquet")
    assert national.provinces(panel) == {c: n for c, (n, _) in PROVINCES.items()}
    assert national.is_national(panel, None) and national.is_national(panel, "66")
    one = two_eras.two_era_panel()  # Đắk Lắk's communes (Phú Yên's legacy districts are history, not the main era)
    assert not national.is_national(one, "66")
    assert national.is_national(one, None)  # province_code: null: a national analysis of one province
    assert not national.is_national(synth.fabricate_panel(), "54")


def test_every_provinces_keys_in_one_pass(national_dir: Path) -> None:
    panel = pd.read_parquet(national_dir / "panel.parquet")
    every = national.provinces_keys(panel)
    assert set(every) == set(PROVINCES)
    assert all(every[c] == national.province_keys(panel, c) for c in PROVINCES)
    assert national.provinces_keys(panel.iloc[:0]) == {}


def test_national_rows_sum_each_province(national_dir: Path) -> None:
    panel = pd.read_parquet(national_dir / "panel.parquet")
    rows = {r["code"]: r for r in national.province_rows(panel)}
    assert list(rows) == ["01", "66", "79"]
    communes = panel[panel["unit_level"] == "commune"]
    end = communes["period_end"].max()
    w = communes[communes["period_start"] > end - pd.DateOffset(months=12)]
    for code, (_, units) in PROVINCES.items():
        mine = w[w["province_code"] == code]
        r = rows[code]
        assert r["units"] == len(units)  # communes only: the provincial level is not a commune
        assert r["received"] == (mine["received_online"] + mine["received_offline"]).sum()
        assert r["online_n"] == mine["received_online"].sum()
        assert r["online"] == pytest.approx(mine["received_online"].sum() / r["received"])
        assert r["ontime"] == pytest.approx(
            (mine["resolved_early"] + mine["resolved_ontime"]).sum() / mine["resolved_total"].sum()
        )
        assert r["late"] == mine["resolved_late"].sum()
        assert len(mine) == 12 * len(units)


def test_national_page_lists_and_links_every_province(national_dir: Path) -> None:
    panel = pd.read_parquet(national_dir / "panel.parquet")
    links = {c: national.page_name(c, n) for c, (n, _) in PROVINCES.items()}
    links["79"] = None  # a failed page: named, not linked
    html = national.national_page(panel, links, lang="vi", build_stamp="x")
    assert 'href="provinces/01-thanh-pho-ha-noi.html"' in html and 'href="provinces/66-tinh-dak-lak.html"' in html
    assert "Thành phố Hồ Chí Minh" in html and "provinces/79-" not in html
    assert 'href="index.html"' in html
    assert 'id="provinces"' in html and "data-sortable" in html and "<script" in html  # sortable, script inline
    assert "Tổng quan toàn quốc" in html and "Hạng" not in html  # no ranking of provinces
    assert not re.search(r'(src|href)="(https?:)?//', html)  # offline
    assert len(html.encode()) < 1.5 * MB
    en = national.national_page(panel, links, lang="en")
    assert "Provinces are not ranked" in en


def test_province_page_holds_only_its_units(data: Path) -> None:
    html = "\n".join(s.html for s in province_overview(data, "vi", province="66").sections)
    for code, (_name, units) in PROVINCES.items():
        for _ucode, uname in units:
            assert (uname in html) == (code == "66"), (code, uname)
    assert "Công an tỉnh" in html  # its provincial level
    assert 'href="../index.html"' in html and 'href="../province.html"' in html and 'href="index.html"' not in html
    assert "Đắk Lắk" in html
    assert len(html.encode()) < 1.5 * MB
    whole = "\n".join(s.html for s in province_overview(data, "vi").sections)
    assert all(u in whole for _, (_, us) in PROVINCES.items() for _, u in us)


def test_unit_pages_link_their_province_page(data: Path) -> None:
    """In a national analysis a commune's report links its own province's page and the national page of provinces;
    a one-province analysis keeps its link to the province overview."""
    from motcua.report.district import district_report

    def nav(report) -> list[str]:
        head = next(s.html for s in report.sections if s.name == "header")
        return re.findall(r'href="([^"]+)"', head.split("</nav>")[0])

    assert nav(district_report("22045", data, "vi", unit_schema="2025")) == [
        "../index.html",
        "../provinces/66-tinh-dak-lak.html",
        "../province.html",
    ]
    assert nav(district_report("26734", data, "vi", unit_schema="2025")) == [
        "../index.html",
        "../provinces/79-thanh-pho-ho-chi-minh.html",
        "../province.html",
    ]
    panel = pd.read_parquet(data / "panel.parquet")
    assert (
        national.unit_province_page(panel, None, panel[panel["unit_code"] == "22015"])
        == "provinces/66-tinh-dak-lak.html"
    )
    legacy = panel[panel["unit_code"] == "22015"].assign(province_code="54", province_name="Tỉnh Phú Yên")
    assert national.unit_province_page(panel, None, legacy) == "provinces/66-tinh-dak-lak.html"  # its successor's page
    one = two_eras.two_era_panel()
    assert national.unit_province_page(one, "66", one[one["unit_code"] == "22015"]) is None


def test_province_data_slices_every_table(data: Path) -> None:
    from motcua.report.context import load_data

    whole = load_data(data)
    hcm = national.province_data(whole, "79")
    codes = {"26734", "26737"}
    assert set(hcm.panel["unit_code"]) == codes
    for frame in (hcm.summary, hcm.comparison, hcm.trends):
        assert set(frame["unit_code"].astype(str)) == codes
    about = whole.quality_unit_codes()
    assert len(hcm.quality) == int((about == "").sum())  # the fixture's findings name 00004 (Hà Nội) or no unit
    hn = national.province_data(whole, "01")
    assert len(hn.quality) == len(whole.quality)


def plan(data: Path, reports: Path, manifest: Manifest, force: bool = False) -> tuple[list, list[str], dict]:
    shas = input_shas(data)
    inputs, _, tables = plan_inputs(data, shas)
    skipped: list[str] = []
    tasks = province_tasks(
        data, reports, inputs, tables, manifest, "vi", "stamp", force, skipped, ("nb", "code", "cfg")
    )
    return tasks, skipped, inputs


def built(tasks: list, manifest: Manifest, reports: Path) -> None:
    """Record the tasks as built (a page on disk, its hash in the manifest), as the render stage does."""
    for t in tasks:
        t.html.parent.mkdir(parents=True, exist_ok=True)
        t.html.write_text("page", encoding="utf-8")
        manifest.provinces[t.unit_code.partition(":")[2]] = ReportEntry(
            t.unit_code.partition(":")[2],
            t.unit_name,
            str(t.html.relative_to(reports)),
            "ok",
            "",
            t.input_hash,
            "v",
            "",
        )


def test_a_correction_rebuilds_its_province_and_the_national_page(data: Path, tmp_path: Path) -> None:
    from datetime import datetime

    reports = tmp_path / "reports"
    manifest = Manifest()
    tasks, skipped, _ = plan(data, reports, manifest)
    assert sorted(t.unit_code for t in tasks) == ["province:01", "province:66", "province:79"] and not skipped
    assert {t.params["province"] for t in tasks} == {"01", "66", "79"}
    assert sorted(str(t.html.relative_to(reports)) for t in tasks) == [
        "provinces/01-thanh-pho-ha-noi.html",
        "provinces/66-tinh-dak-lak.html",
        "provinces/79-thanh-pho-ho-chi-minh.html",
    ]
    built(tasks, manifest, reports)
    now = datetime.now(UTC)
    assert write_national(data, reports, manifest, "vi", "s", now, "h", False, True)
    assert not write_national(data, reports, manifest, "vi", "s", now, "h", False, False)  # nothing changed
    tasks, skipped, _ = plan(data, reports, manifest)
    assert not tasks and len(skipped) == 3

    panel = pd.read_parquet(data / "panel.parquet")  # one more dossier in one commune of Hồ Chí Minh
    i = panel.index[panel["unit_code"] == "26737"][0]
    panel.loc[i, "received_online"] += 1
    panel.to_parquet(data / "panel.parquet", index=False)
    tasks, skipped, _ = plan(data, reports, manifest)
    assert [t.unit_code for t in tasks] == ["province:79"]
    assert sorted(skipped) == ["province:01", "province:66"]
    built(tasks, manifest, reports)
    assert write_national(data, reports, manifest, "vi", "s", now, "h2", False, True)  # the national page too


def test_province_hash_ignores_other_provinces_findings(data: Path, tmp_path: Path) -> None:
    reports = tmp_path / "reports"
    manifest = Manifest()
    tasks, _, _ = plan(data, reports, manifest)
    built(tasks, manifest, reports)
    q = pd.read_csv(data / "quality.csv", dtype=str, keep_default_na=False)
    first = q.iloc[0].to_dict()
    new = {**first, "unit": "22045", "message": "mới"} | ({"unit_code": "22045"} if "unit_code" in q else {})
    q = pd.concat([q, pd.DataFrame([new])], ignore_index=True)
    q.to_csv(data / "quality.csv", index=False)
    tasks, _, _ = plan(data, reports, manifest)
    assert [t.unit_code for t in tasks] == ["province:66"]


def test_index_links_national_and_province_pages(data: Path, tmp_path: Path) -> None:
    from motcua.report.index import render_index

    m = Manifest()
    m.overview = ReportEntry("province", "Tổng quan toàn quốc", "province.html", "ok", "", "h", "v", "")
    for code, (name, _) in PROVINCES.items():
        m.provinces[code] = ReportEntry(
            code,
            name,
            national.page_name(code, name),
            "ok" if code != "79" else "failed",
            "lỗi" if code == "79" else "",
            "h",
            "v",
            "",
        )
    html = render_index(m.to_dict(), lang="vi")
    assert 'href="province.html"' in html and "Tổng quan toàn quốc" in html
    assert 'href="provinces/01-thanh-pho-ha-noi.html"' in html and 'href="provinces/66-tinh-dak-lak.html"' in html
    assert "provinces/79-" not in html and "lỗi" in html
    again = Manifest.load(_save(m, tmp_path / "manifest.json"))
    assert again.provinces.keys() == m.provinces.keys()
    assert "provinces" not in Manifest().to_dict()  # a one-province manifest stays as it was


def _save(m: Manifest, path: Path) -> Path:
    m.save(path)
    json.loads(path.read_text(encoding="utf-8"))
    return path


def test_one_province_overview_is_unchanged_by_an_empty_province(national_dir: Path, data_dir: Path) -> None:
    a = "\n".join(s.html for s in province_overview(data_dir, "vi", cache=False).sections)
    b = "\n".join(s.html for s in province_overview(data_dir, "vi", cache=False, province="").sections)
    assert a == b


def test_render_stage_national(data: Path, tmp_path: Path) -> None:
    """The render stage end to end: a page per province, the national page, the index linking them; a correction in
    one commune rebuilds it, its province's page and the national page only (the manifest keys them by code)."""
    from motcua.pipeline.stages import render_stage

    reports = tmp_path / "reports"
    res = render_stage(data, reports, jobs=1)
    assert res.ok, res.failed
    pages = {c: reports / national.page_name(c, n) for c, (n, _) in PROVINCES.items()}
    for code, page in pages.items():
        html = page.read_text(encoding="utf-8")
        assert len(html.encode()) < 1.5 * MB
        for c, (_, units) in PROVINCES.items():
            assert all((u in html) == (c == code) for _, u in units), (code, c)
        assert not re.search(r'(src|href)="(https?:)?//', html)
    index = (reports / "index.html").read_text(encoding="utf-8")
    assert all(f'href="{national.page_name(c, n)}"' in index for c, (n, _) in PROVINCES.items())
    from test_index_national import _walk

    seen, broken = _walk(reports)  # every link of every page reached from the index leads to a file, offline
    assert not broken, broken
    built = json.loads((reports / "manifest.json").read_text(encoding="utf-8"))
    assert {e["path"] for e in built["reports"] + built["provinces"]} <= seen
    front = (reports / "province.html").read_text(encoding="utf-8")
    assert all(f'href="{national.page_name(c, n)}"' in front for c, (n, _) in PROVINCES.items())
    manifest = json.loads((reports / "manifest.json").read_text(encoding="utf-8"))
    assert [e["unit_code"] for e in manifest["provinces"]] == ["01", "66", "79"]

    panel = pd.read_parquet(data / "panel.parquet")
    i = panel.index[panel["unit_code"] == "26737"][0]
    panel.loc[i, "received_online"] += 1
    panel.to_parquet(data / "panel.parquet", index=False)
    res = render_stage(data, reports, jobs=1)
    assert sorted(res.built) == ["2025:26737", "province", "province:79"]
    assert {"province:01", "province:66"} <= set(res.skipped)
    from motcua.report.index_national import index_name

    gone = reports / index_name(national.page_name("01", PROVINCES["01"][0]))
    gone.unlink()  # a province's index page lost: written again, nothing rebuilt
    res = render_stage(data, reports, jobs=1)
    assert res.built == [] and gone.exists()


def test_render_stage_one_province_has_no_provinces_folder(tmp_path: Path) -> None:
    """A one-province panel (Đắk Lắk's communes, Phú Yên's districts as history) keeps one overview."""
    from motcua.pipeline.stages import render_stage

    data = two_eras.write_two_era_dir(tmp_path / "data")
    reports = tmp_path / "reports"
    assert render_stage(data, reports, jobs=1, units=["22015"]).failed == {}
    assert (reports / "province.html").exists() and not (reports / "provinces").exists()
    assert "provinces" not in json.loads((reports / "manifest.json").read_text(encoding="utf-8"))
    assert "Tổng quan toàn quốc" not in (reports / "province.html").read_text(encoding="utf-8")


def test_a_units_build_with_unchanged_inputs_reads_no_data(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """`build --units X` twice: the second has nothing to do and plans nothing (the data are not read); a change of
    its inputs, another request or a missing report plans again."""
    from motcua.pipeline import stages

    data = two_eras.write_two_era_dir(tmp_path / "data")
    reports = tmp_path / "reports"
    assert stages.render_stage(data, reports, jobs=1, units=["22015"]).failed == {}
    real = stages.plan_inputs
    calls: list[int] = []

    def counted(*a, **k):
        calls.append(1)
        return real(*a, **k)

    monkeypatch.setattr(stages, "plan_inputs", counted)
    again = stages.render_stage(data, reports, jobs=1, units=["22015"])
    assert not calls and again.built == [] and "2025:22015" in again.skipped
    m = Manifest.load(reports / "manifest.json")
    assert m.partial["requests"] == {"22015": ["2025:22015"]} and not m.render_key
    assert stages.render_stage(data, reports, jobs=1, units=["22045"]).ok and len(calls) == 1  # another unit: planned
    assert (
        stages.render_stage(data, reports, jobs=1, units=["22015", "22045"]).built == [] and len(calls) == 1
    )  # both known
    html = reports / m.reports["2025:22015"].path
    html.unlink()
    assert stages.render_stage(data, reports, jobs=1, units=["22015"]).built == ["2025:22015"] and len(calls) == 2
    q = data / "quality.csv"
    q.write_text(q.read_text(encoding="utf-8") + "\n", encoding="utf-8")  # another input: planned again
    stages.render_stage(data, reports, jobs=1, units=["22015"])
    assert len(calls) == 3


def test_national_index_filters_and_names_each_units_province(national_dir: Path) -> None:
    """The national index: a province column, a search box (filter.js, inline, offline) over the units' rows; the
    rows rendered without the template engine are those the template renders."""
    from motcua.report.html import render
    from motcua.report.index import _unit_rows, render_index, rows_html, unit_provinces
    from motcua.report.strings import strings

    panel = pd.read_parquet(national_dir / "panel.parquet")
    provinces = unit_provinces(panel)
    assert provinces["2025:26734"] == "Thành phố Hồ Chí Minh" and provinces["2025:22015"] == "Tỉnh Đắk Lắk"
    m = Manifest()
    m.overview = ReportEntry("province", "Tổng quan toàn quốc", "province.html", "ok", "", "h", "v", "")
    for code, (name, units) in PROVINCES.items():
        m.provinces[code] = ReportEntry(code, name, national.page_name(code, name), "ok", "", "h", "v", "")
        for ucode, uname in units:
            e = ReportEntry(
                ucode,
                uname,
                f"units/{ucode}.html",
                "ok" if ucode != "00008" else "failed",
                "lỗi <b>",
                "h",
                "v",
                "",
                unit_schema="2025",
                unit_level="commune",
            )
            m.reports[e.key] = e
    summary = pd.read_parquet(national_dir / "trend_summary.parquet")
    html = render_index(m.to_dict(), lang="vi", summary=summary, provinces=provinces)
    assert 'type="search"' in html and "data-filterable" in html and 'normalize("NFD")' in html
    assert '<th scope="col" data-sort="text">Tỉnh, thành phố</th>' in html
    row = html[html.index('href="units/26734.html"') :]
    assert row[: row.index("</tr>")].count("Thành phố Hồ Chí Minh") == 1
    assert not re.search(r'(src|href)="(https?:)?//', html)
    agencies = html[html.index('<ul class="agencies">') :]
    agencies = agencies[: agencies.index("</ul>")]
    assert "Công an tỉnh" in agencies and 'href="provinces/66-tinh-dak-lak.html#ov-provincial-title"' in agencies
    assert 'href="province.html#' not in html  # the national page has no provincial block
    one = Manifest()
    one.reports = m.reports
    one.overview = m.overview
    single = render_index(one.to_dict(), lang="vi", summary=summary, provinces=provinces)
    assert "Tỉnh, thành phố</th>" not in single and 'href="province.html#ov-provincial-title"' in single

    from motcua.report.index import _summary_rows

    rows, failed = _unit_rows(
        [e.__dict__ for e in m.reports.values()], _summary_rows(summary), strings("vi"), "2025", provinces
    )
    assert failed == 1
    assert str(rows_html(rows)) == str(render("sections/table_rows.html.j2", rows=rows, row_headers=True))


def test_keep_selects_by_schema_and_code_as_pairs() -> None:
    from motcua.report.national import _keep

    df = pd.DataFrame(
        {
            "unit_schema": pd.array(["legacy", "2025", "2025", "legacy", "2025"], dtype="str"),
            "unit_code": pd.array(["555", "555", "22015", "22015", "00004"], dtype="str"),
            "x": range(5),
        },
        index=[10, 11, 12, 13, 14],
    )
    keys = {("2025", "555"), ("legacy", "22015")}
    naive = df[pd.Series(list(zip(df["unit_schema"], df["unit_code"])), index=df.index).isin(keys)]
    pd.testing.assert_frame_equal(_keep(df, keys), naive)
    assert list(_keep(df, keys)["x"]) == [1, 3]
    pd.testing.assert_frame_equal(
        _keep(df.drop(columns="unit_schema"), keys), df.drop(columns="unit_schema").iloc[[0, 1, 2, 3]]
    )


def _page(data: Path, code: str, cache: bool = True) -> str:
    return "\n".join(s.html for s in province_overview(data, "vi", cache=cache, province=code).sections)


def test_a_correction_redraws_one_tile_of_its_province_page(data: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """One dossier more in one commune: the province page's small multiples redraw that commune's panel only,
    and the page is the one drawn with no cache at all."""
    import motcua.report.chart_tiles as chart_tiles

    drawn: list[int] = []
    real = chart_tiles._render

    def render(fig, canvas, tiles):  # noqa: ANN001, ANN202
        drawn.append(len(tiles))
        return real(fig, canvas, tiles)

    monkeypatch.setattr(chart_tiles, "_render", render)
    _page(data, "66")
    assert sum(drawn) >= 6  # every panel of both charts drawn once
    panel = pd.read_parquet(data / "panel.parquet")
    row = (panel["unit_code"] == "22045") & (panel["period_start"] == panel["period_start"].min())
    assert row.sum() == 1
    panel.loc[row, ["received_total", "received_online"]] += 1
    panel.to_parquet(data / "panel.parquet", index=False)
    drawn.clear()
    got = _page(data, "66")
    assert drawn == [1]  # the online share's panel of 22045; its late-dossier panel is unchanged
    drawn.clear()
    assert got == _page(data, "66", cache=False)


def test_province_trends_read_for_its_units_are_its_rows_of_the_whole_table(data: Path) -> None:
    from motcua.report.context import load_data

    for code in ("01", "66", "79"):
        keys = national.province_keys(load_data(data).panel, code)
        whole = national._keep(pd.read_parquet(data / "trends.parquet"), keys)
        only = national.read_trends_of(data, keys)
        assert len(only) and len(only) < len(pd.read_parquet(data / "trends.parquet"))
        pd.testing.assert_frame_equal(only.reset_index(drop=True), whole.reset_index(drop=True))
    loaded = load_data(data)
    assert "trends" not in loaded._shared
    sliced = national.province_data(loaded, "79")  # this load never read the whole table: the province's rows only
    assert "trends" not in loaded._shared
    assert set(sliced.trends["unit_code"]) == {"26734", "26737"}
    assert national.read_trends_of(data / "missing", set()).empty


def test_a_units_first_trend_rows_are_read_alone_and_equal_the_whole_tables(data: Path) -> None:
    from motcua.report.context import load_data

    whole = load_data(data).scoped("2025", "commune")
    whole.trends  # noqa: B018  # the whole table read first: rows split from it
    from motcua.report import context

    context._load.cache_clear()  # another load of the same files
    fresh = load_data(data).scoped("2025", "commune")
    for rate in ("online_rate", "ontime_rate_report"):
        got = fresh.unit_trends("22015", rate)
        assert len(got)
        pd.testing.assert_frame_equal(
            got.reset_index(drop=True), whole.unit_trends("22015", rate).reset_index(drop=True)
        )
    assert "trends" not in fresh._shared  # one unit: its rows only
    other = fresh.unit_trends("00004", "online_rate")
    assert "trends" in fresh._shared  # a second unit: the whole table
    pd.testing.assert_frame_equal(other, whole.unit_trends("00004", "online_rate"))
    assert fresh.unit_trends("99999", "online_rate").empty
