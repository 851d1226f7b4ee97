"""The index of a national analysis, bounded by design: ``index.html`` lists the provinces, each province's units
are on its own index page; every link of every index page leads to a file of the folder, and every report is
reached from ``index.html``. A one-province folder keeps its one index page."""

from __future__ import annotations

import re
from collections import deque
from pathlib import Path, PurePosixPath

import pandas as pd
import synth
import two_eras

from motcua.pipeline.manifest import Manifest, ReportEntry
from motcua.report import national
from motcua.report.index import render_index
from motcua.report.index_national import index_name, index_pages, unit_page_codes

PROVINCES = {
    "01": ("Thành phố Hà Nội", [("00004", "Phường Ba Đình"), ("00008", "Phường Ngọc Hà")]),
    "66": ("Tỉnh Đắk Lắk", [("22015", "Phường Tuy Hòa"), ("22045", "Phường Bình Kiến"), ("22057", "Xã Xuân Lộc")]),
    "79": ("Thành phố Hồ Chí Minh", [("26734", "Phường Sài Gòn"), ("26737", "Phường Tân Định")]),
}
#: Phú Yên's legacy districts (province 54, merged into Đắk Lắk 66 on 1/7/2025): listed on Đắk Lắk's index page
LEGACY = [("555", "Thành phố Tuy Hòa"), ("557", "Thị xã Sông Cầu")]
HREF = re.compile(r'href="([^"]+)"')


def _panel() -> pd.DataFrame:
    parts = [
        two_eras._era(
            synth.fabricate_panel(units, months=3, start="2025-07-01", seed=20 + i), "2025", "commune", (code, name)
        )
        for i, (code, (name, units)) in enumerate(PROVINCES.items())
    ]
    parts.append(
        two_eras._era(
            synth.fabricate_panel(LEGACY, months=3, start="2025-01-01"), "legacy", "district", ("54", "Tỉnh Phú Yên")
        )
    )
    parts.append(
        two_eras._era(
            two_eras._agencies(two_eras.AGENCIES, 3, "2025-07-01", 15), "2025", "agency", ("66", "Tỉnh Đắk Lắk")
        )
    )
    return pd.concat(parts, ignore_index=True)


def _summary(panel: pd.DataFrame) -> pd.DataFrame:
    u = panel.drop_duplicates(["unit_schema", "unit_code"])[["unit_schema", "unit_code", "unit_name", "unit_level"]]
    rows = [
        {**r, "rate": rate, "latest_rate": 0.5, "latest_period_end": pd.Timestamp("2025-09-30")}
        for r in u.to_dict("records")
        for rate in ("online_rate", "ontime_rate_report")
    ]
    s = pd.DataFrame(rows)
    s["last_period_end"] = pd.Timestamp("2025-09-30")
    return s


def _manifest(failed: str = "00008") -> Manifest:
    m = Manifest()
    m.overview = ReportEntry("province", "Tổng quan toàn quốc", "province.html", "ok", "", "h", "v", "")
    for code, (name, units) in PROVINCES.items():
        m.provinces[code] = ReportEntry(code, name, national.page_name(code, name), "ok", "", "h", "v", "")
        for ucode, uname in units:
            e = ReportEntry(
                ucode, uname, f"units/{ucode}.html", "ok" if ucode != failed else "failed", "lỗi <b>", "h", "v", "",
                unit_schema="2025", unit_level="commune",
            )  # fmt: skip
            m.reports[e.key] = e
    for ucode, uname in LEGACY:
        e = ReportEntry(
            ucode, uname, f"units/{ucode}-legacy.html", "ok", "", "h", "v", "", unit_schema="legacy",
            unit_level="district",
        )  # fmt: skip
        m.reports[e.key] = e
    return m


def _write(pages: dict[str, str], m: Manifest, root: Path) -> None:
    """The index pages, and an empty stand-in for every report and province page they may link."""
    for rel, html in pages.items():
        (root / rel).parent.mkdir(parents=True, exist_ok=True)
        (root / rel).write_text(html, encoding="utf-8")
    for e in [*m.reports.values(), *m.provinces.values(), m.overview]:
        if e.status == "ok" and not (root / e.path).exists():
            (root / e.path).parent.mkdir(parents=True, exist_ok=True)
            (root / e.path).write_text("<html></html>", encoding="utf-8")


def _walk(root: Path) -> tuple[set[str], list[tuple[str, str]]]:
    """Pages reached from index.html following relative links (offline), and each link that leads nowhere."""
    seen, broken, todo = {"index.html"}, [], deque(["index.html"])
    while todo:
        rel = todo.popleft()
        for href in HREF.findall((root / rel).read_text(encoding="utf-8")):
            if href.startswith("data:"):
                continue  # a download carried by the page itself
            assert not re.match(r"^[a-zA-Z][a-zA-Z0-9+.-]*:|//", href), href  # offline: nothing outside the folder
            target = href.split("#")[0]
            if not target:
                continue
            path = (root / PurePosixPath(rel).parent / target).resolve()
            if not path.exists():
                broken.append((rel, href))
                continue
            key = path.relative_to(root.resolve()).as_posix()
            if key not in seen:
                seen.add(key)
                todo.append(key)
    return seen, broken


def test_every_link_of_the_index_pages_leads_to_a_file_and_every_report_is_reached(tmp_path: Path) -> None:
    panel = _panel()
    m = _manifest()
    pages = index_pages(m.to_dict(), lang="vi", summary=_summary(panel), panel=panel)
    assert set(pages) == {"index.html", *(index_name(national.page_name(c, n)) for c, (n, _) in PROVINCES.items())}
    _write(pages, m, tmp_path)
    seen, broken = _walk(tmp_path)
    assert not broken, broken
    want = {e.path for e in m.reports.values() if e.status == "ok"} | {e.path for e in m.provinces.values()}
    assert want <= seen, want - seen


def test_the_national_index_lists_provinces_not_units(tmp_path: Path) -> None:
    panel = _panel()
    m = _manifest()
    pages = index_pages(m.to_dict(), lang="vi", summary=_summary(panel), panel=panel)
    top = pages["index.html"]
    assert 'href="units/' not in top and "Phường Ba Đình" not in top  # no unit listed: its size is the provinces'
    assert 'href="province.html"' in top and 'id="provinces"' in top and 'type="search"' in top
    dl = national.page_name("66", "Tỉnh Đắk Lắk")
    row = top[top.index(f'href="{dl}"') :]
    row = row[: row.index("</tr>")]
    # Đắk Lắk: its page, its index page of 5 reports (3 communes, Phú Yên's 2 dissolved districts), 2 bodies, 0 failed
    assert f'href="{index_name(dl)}">5 báo cáo</a>' in row
    assert re.findall(r'data-key="(\d+)"', row) == ["5", "3", "2", "2", "0"]
    assert "Cấp xã (từ 1/7/2025)</th>" in top and "Cấp huyện (đến 30/6/2025, đã giải thể)</th>" in top
    assert "1 báo cáo không dựng được" in top  # the whole folder's count, though no unit row is on the page
    hn = top[top.index(f'href="{national.page_name("01", "Thành phố Hà Nội")}"') :]
    assert 'class="failed"' in top[: top.index(f'href="{national.page_name("01", "Thành phố Hà Nội")}"')][-200:]
    assert re.findall(r'data-key="(\d+)"', hn[: hn.index("</tr>")])[-1] == "1"


def test_a_province_index_page_lists_its_units_with_links_one_folder_up(tmp_path: Path) -> None:
    panel = _panel()
    m = _manifest()
    pages = index_pages(m.to_dict(), lang="vi", summary=_summary(panel), panel=panel)
    dl = pages[index_name(national.page_name("66", "Tỉnh Đắk Lắk"))]
    assert "<h1>Danh sách báo cáo · Tỉnh Đắk Lắk</h1>" in dl
    assert 'href="../units/22015.html"' in dl and 'href="../units/555-legacy.html"' in dl
    assert 'href="../units/00004.html"' not in dl  # another province's commune
    assert 'href="../index.html"' in dl and 'href="../province.html"' in dl and 'href="66-tinh-dak-lak.html"' in dl
    assert 'href="66-tinh-dak-lak.html#ov-provincial-title"' in dl and "Công an tỉnh" in dl  # its bodies
    assert '<h2 id="ix-district">Cấp huyện (đến 30/6/2025, đã giải thể)</h2>' in dl
    # Phú Yên's districts beside Đắk Lắk's communes: a province column names each
    assert "Tỉnh Phú Yên" in dl and "Tỉnh, thành phố</th>" in dl
    hn = pages[index_name(national.page_name("01", "Thành phố Hà Nội"))]
    assert "Tỉnh, thành phố</th>" not in hn and "lỗi &lt;b&gt;" in hn and "Công an tỉnh" not in hn
    en = index_pages(m.to_dict(), lang="en", summary=_summary(panel), panel=panel)["index.html"]
    assert "Provinces</h2>" in en and "5 reports" in en


def test_a_legacy_unit_is_on_its_successor_s_page_and_a_unit_of_no_page_on_the_national_index() -> None:
    panel = _panel()
    codes = unit_page_codes(panel, {"01", "66", "79"})
    assert codes["legacy:555"] == "66" and codes["2025:26734"] == "79" and codes["2025:66-cong-an"] == "66"
    assert "legacy:555" not in unit_page_codes(panel, {"01", "79"})
    m = _manifest()
    del m.provinces["66"]
    pages = index_pages(m.to_dict(), lang="vi", summary=_summary(panel), panel=panel)
    assert 'href="units/22015.html"' in pages["index.html"] and 'href="units/555-legacy.html"' in pages["index.html"]


def test_one_province_keeps_its_one_index_page(data_dir: Path) -> None:
    m = Manifest()
    m.overview = ReportEntry("province", "Tổng quan", "province.html", "ok", "", "h", "v", "")
    for code, name in (("555", "Thành phố Tuy Hòa"), ("557", "Thị xã Sông Cầu")):
        e = ReportEntry(code, name, f"units/{code}.html", "ok", "", "h", "v", "", unit_schema="legacy")
        m.reports[e.key] = e
    summary = pd.read_parquet(data_dir / "trend_summary.parquet")
    panel = pd.read_parquet(data_dir / "panel.parquet")
    pages = index_pages(m.to_dict(), lang="vi", summary=summary, panel=panel)
    assert list(pages) == ["index.html"]
    assert pages["index.html"] == render_index(m.to_dict(), lang="vi", summary=summary)
