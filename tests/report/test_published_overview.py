"""The province overview's "Số liệu đã công bố" section: published figures beside the panel's."""

from __future__ import annotations

import html as htmllib
import re
import shutil
from pathlib import Path

import pandas as pd
import pytest
from htmlcheck import Page
from shared_texts import SKIP_REASON, seed_paths

from motcua.pipeline.unit_hash import overview_input_hash
from motcua.prose import FACT_COLUMNS, extract_facts, save_published
from motcua.report import province_overview
from motcua.report.published import panel_figure

SEED_PATHS = seed_paths()
SEEDS = sorted(SEED_PATHS.values()) if SEED_PATHS else []
pytestmark = pytest.mark.skipif(SEED_PATHS is None, reason=SKIP_REASON)
HOSTILE = "<img src=x onerror=alert(1)>"


def fact(**kw):
    row = {
        "file": "manual/ghi-chu.txt",
        "unit_name": "Thành phố Tuy Hòa",
        "unit_code": "555",
        "province_code": "54",
        "unit_level": "district",
        "period_start": "2023-01-01",
        "period_end": "2023-12-31",
        "metric": "ontime_rate",
        "value": 99.5,
        "quote": "Tỷ lệ đúng hạn đạt 99,5%.",
        "flags": [],
    }
    row.update(kw)
    return row


def facts() -> pd.DataFrame:
    seeds = extract_facts(SEEDS)
    extra = pd.DataFrame(
        [
            fact(),
            fact(
                metric="received_total", value=100, period_end="2023-06-15", quote=f"Nửa tháng 6 {HOSTILE}"
            ),  # not tiled by months
            fact(metric="resolved_late", value=3, quote="03 hồ sơ quá hạn.", flags=["derived: suy ra từ câu khác"]),
        ],
        columns=FACT_COLUMNS,
    )
    return pd.concat([seeds, extra], ignore_index=True)


@pytest.fixture(scope="module")
def pub_dir(data_dir, tmp_path_factory):
    out = tmp_path_factory.mktemp("pub")
    for p in filter(Path.is_file, data_dir.iterdir()):  # not the chart cache (DATA/.cache)
        shutil.copy(p, out / p.name)
    save_published(facts(), out / "published.csv")
    return out


def rows(section_html: str) -> list[list[str]]:
    out = []
    for tr in re.findall(r"<tr\b.*?</tr>", section_html, re.S):
        cells = re.findall(r"<t[hd]\b[^>]*>(.*?)</t[hd]>", tr, re.S)
        out.append([" ".join(htmllib.unescape(re.sub(r"<[^>]+>", " ", c)).split()) for c in cells])
    return out


def expected(panel: pd.DataFrame, code: str = "555", year: int = 2023) -> dict[str, float]:
    p = panel[(panel["unit_code"] == code) & (panel["period_start"].dt.year == year)].sort_values("period_start")
    assert len(p) == 12
    return {
        "received_total": int((p["received_online"] + p["received_offline"]).sum() + p["carried_over"].iloc[0]),
        "received_online": int(p["received_online"].sum()),
        "carried_over": int(p["carried_over"].iloc[0]),
        "resolved_late": int(p["resolved_late"].sum()),
        "ontime_rate": 100 * float((p["resolved_early"] + p["resolved_ontime"]).sum() / p["resolved_total"].sum()),
    }


def test_section_labels_values_and_comparison(pub_dir):
    ov = province_overview(pub_dir, "vi")
    assert [s.name for s in ov.sections][:6] == [
        "header",
        "narrative",
        "continuity",
        "units",
        "provincial",
        "published",
    ]
    sec = ov.published.html
    assert "Số liệu đã công bố" in sec and "không phải số motcua tính" in sec and "chưa kiểm chứng" in sec
    assert "dữ liệu mô phỏng" in sec  # the test data are marked synthetic
    exp = expected(pd.read_parquet(pub_dir / "panel.parquet"))
    table = rows(sec.split("</table>")[0])
    assert table[0] == [
        "Đơn vị",
        "Kỳ",
        "Chỉ tiêu",
        "Số đã công bố",
        "Số motcua tính (cùng kỳ)",
        "Chênh lệch (công bố − motcua)",
        "Nguồn (tệp, câu trích)",
        "Ghi chú",
    ]
    by = {(r[0], r[1], r[2], r[3]): r for r in table[1:]}
    r = by[("Thành phố Tuy Hòa 555", "01/01/2023–31/12/2023", "Tổng số hồ sơ tiếp nhận", "7.697")]
    from motcua.report import fmt

    assert r[4].startswith(fmt.num(exp["received_total"], "vi") + " cột biểu mẫu:")
    assert r[5] == fmt.signed(7697 - exp["received_total"], "vi")
    assert r[6].startswith(
        "000_78cb98ae6bf302e5.txt “Trong năm 2023, bộ phận một cửa thành phố đã tiếp nhận 7.697 hồ sơ"
    )
    r = by[("Thành phố Tuy Hòa 555", "01/01/2023–31/12/2023", "Hồ sơ kỳ trước chuyển sang", "308")]
    assert r[4].startswith(fmt.num(exp["carried_over"], "vi")) and "(6) đầu kỳ" in r[4]
    r = by[("Thành phố Tuy Hòa 555", "01/01/2023–31/12/2023", "Tỷ lệ đúng và trước hạn", "99,5%")]
    assert r[4].startswith(fmt.num(exp["ontime_rate"], "vi", 2) + "%") and "((8)+(9)) / (7)" in r[4]
    assert r[5] == fmt.signed(99.5 - exp["ontime_rate"], "vi", 2) + " điểm %"
    r = by[("Thành phố Tuy Hòa 555", "01/01/2023–31/12/2023", "Giải quyết quá hạn", "3")]
    assert r[4].startswith(fmt.num(exp["resolved_late"], "vi")) and r[7] == "suy ra từ câu khác"
    # a period the monthly data do not tile: no panel figure, said why; never a figure for part of the period
    r = by[("Thành phố Tuy Hòa 555", "01/01/2023–15/06/2023", "Tổng số hồ sơ tiếp nhận", "100")]
    assert r[4] == "– bảng dữ liệu không phủ trọn kỳ này" and r[5] == "–"
    # PAR index: not in the panel
    r = by[("Thị xã Sông Cầu 557", "01/01/2022–31/12/2022", "Điểm chỉ số CCHC", "73,34")]
    assert r[4] == "– không có trong bảng dữ liệu"
    # the district table holds district facts of the report units only
    assert {row[0] for row in table[1:]} == {"Thành phố Tuy Hòa 555", "Thị xã Sông Cầu 557"}


def test_other_levels_listed_apart_never_compared(pub_dir):
    sec = province_overview(pub_dir, "vi").published.html
    other = rows(sec.split("</table>")[1])
    assert other[0] == [
        "Đơn vị (như văn bản viết)",
        "Cấp, phạm vi",
        "Kỳ",
        "Chỉ tiêu",
        "Số đã công bố",
        "Nguồn (tệp, câu trích)",
        "Ghi chú",
    ]
    by = {(r[0], r[3], r[4]): r for r in other[1:]}
    wards = by[("UBND các phường xã", "Tỷ lệ đúng và trước hạn", "99,47%")]
    assert wards[1] == "cấp xã, tổng hợp nhiều đơn vị" and "99,94%" in wards[6]  # the extractor's mismatch flag
    assert by[("UBND phường 8", "Điểm chỉ số CCHC", "93,86")][1] == "cấp xã, tên không khớp danh mục"
    assert by[("UBND Phường 9", "Tỷ lệ trực tuyến", "14,3%")][1] == "cấp xã, tỉnh khác (mã 77)"
    assert by[("UBND Phường 9", "Tổng số hồ sơ tiếp nhận", "1.228")][2] == "01/01/2022–21/10/2022"
    assert all(len(r) == 7 for r in other)  # no panel column, no difference


def test_quotes_escaped(pub_dir):
    sec = province_overview(pub_dir, "vi").published.html
    assert HOSTILE not in sec and htmllib.escape(HOSTILE, quote=False) in sec
    page = Page(sec)
    assert page.event_handlers() == [] and page.all("img") == []


def test_english(pub_dir):
    sec = province_overview(pub_dir, "en").published.html
    assert "Published figures" in sec and "not computed by motcua" in sec
    table = rows(sec.split("</table>")[0])
    assert any(r[2] == "Dossiers received (total)" and r[3] == "7,697" for r in table)
    assert any(r[2] == "On-time rate" and r[3] == "99.5%" and r[5].endswith(" pp") for r in table)


def test_without_published_csv_nothing_changes(data_dir):
    assert not (data_dir / "published.csv").exists()
    ov = province_overview(data_dir, "vi")
    assert ov.published.html == "" and "Số liệu đã công bố" not in ov._repr_html_()


def test_documents_without_figures_say_so(data_dir, tmp_path):
    for p in filter(Path.is_file, data_dir.iterdir()):  # not the chart cache (DATA/.cache)
        shutil.copy(p, tmp_path / p.name)
    save_published(pd.DataFrame(columns=FACT_COLUMNS), tmp_path / "published.csv")
    sec = province_overview(tmp_path, "vi").published.html
    assert "Số liệu đã công bố" in sec and "không nêu số liệu nào" in sec and "<table" not in sec


def test_panel_figure_tiles_exactly():
    months = pd.date_range("2023-01-01", periods=3, freq="MS")
    p = pd.DataFrame(
        {
            "period_start": months,
            "period_end": months + pd.offsets.MonthEnd(0),
            "received_total": [15, 12, 14],
            "carried_over": [5, 2, 4],
            "received_online": [6, 5, 5],
            "received_offline": [4, 5, 5],
            "resolved_total": [13, 8, 10],
            "resolved_early": [5, 4, 5],
            "resolved_ontime": [7, 4, 4],
            "resolved_late": [1, 0, 1],
            "pending_total": [2, 4, 4],
        }
    )
    assert panel_figure(p, "2023-01-01", "2023-03-31", "received_total").value == 10 + 10 + 10 + 5
    assert panel_figure(p, "2023-01-01", "2023-03-31", "carried_over").value == 5
    assert panel_figure(p, "2023-01-01", "2023-03-31", "pending_total").value == 4
    assert panel_figure(p, "2023-01-01", "2023-03-31", "resolved_ontime").value == 29
    assert panel_figure(p, "2023-01-01", "2023-03-31", "ontime_rate").value == pytest.approx(100 * 29 / 31)
    assert panel_figure(p, "2023-01-01", "2023-03-31", "online_rate").value == pytest.approx(100 * 16 / 30)
    assert panel_figure(p, "2023-02-01", "2023-02-28", "resolved_late").value == 0
    assert panel_figure(p, "2023-01-01", "2023-04-30", "resolved_total").reason == "partial"  # April missing
    assert panel_figure(p.drop(index=1), "2023-01-01", "2023-03-31", "resolved_total").reason == "partial"  # a gap
    assert panel_figure(p, "2022-01-01", "2022-12-31", "resolved_total").reason == "no_rows"
    assert panel_figure(p, "2023-01-01", "2023-03-31", "par_score").reason == "not_in_panel"
    q = p.assign(received_online=pd.array([6, None, 5], dtype="Int64"))
    assert panel_figure(q, "2023-01-01", "2023-03-31", "online_rate").reason == "missing_values"


def test_overview_hash_follows_published_figures(pub_dir):
    from motcua.pipeline.plan import load_model_inputs
    from motcua.pipeline.stamps import render_key
    from motcua.prose import load_published

    inputs = load_model_inputs(pub_dir)
    args = ({"lang": "vi"}, "nb", "code", "cfg")
    with_pub = overview_input_hash(inputs, *args)
    changed = dict(
        inputs,
        published=inputs["published"].assign(
            value=inputs["published"]["value"].where(inputs["published"].index != 0, 7698)
        ),
    )
    without = {k: v for k, v in inputs.items() if k != "published"}
    assert len({with_pub, overview_input_hash(changed, *args), overview_input_hash(without, *args)}) == 3
    assert overview_input_hash(inputs, *args) == with_pub  # stable
    # a further document without figures still changes it (the footer lists the documents)
    meta = dict(
        inputs["meta"],
        sources=[
            *inputs["meta"].get("sources", []),
            {"file": "raw/empty.txt", "sha256": "0" * 64, "kind": "document", "rows": 0, "facts": 0},
        ],
    )
    assert overview_input_hash(dict(inputs, meta=meta), *args) != with_pub
    # the render stage's whole-stage key follows published.csv too
    key = render_key(pub_dir, "vi")
    t = load_published(pub_dir / "published.csv")
    save_published(t[FACT_COLUMNS].iloc[:-1], pub_dir / "published.csv")
    try:
        assert render_key(pub_dir, "vi") != key
    finally:
        save_published(facts(), pub_dir / "published.csv")
    assert render_key(pub_dir, "vi") == key


def test_codes_of_another_unit_list_are_not_compared():
    """After the 2025 reform codes are re-used: a commune fact after the reform never meets a legacy unit's rows."""
    from motcua.report.published import published_section
    from motcua.report.strings import strings

    t = pd.DataFrame(
        [
            fact(
                unit_code="22036",
                unit_level="commune",
                unit_name="Phường X",
                metric="resolved_late",
                value=1,
                period_start="2025-07-01",
                period_end="2025-09-30",
            ),
            fact(unit_code="22036", unit_level="commune", unit_name="Phường 7", metric="resolved_late", value=2),
        ],
        columns=FACT_COLUMNS,
    )
    sec = published_section(
        t, {"22036": pd.DataFrame()}, {"22036": "Phường 7"}, "commune", "54", False, strings("vi"), "legacy"
    )
    own, other = (rows(part) for part in sec.html.split("</table>")[:2])
    assert [r[0] for r in own[1:]] == ["Phường 7 22036"] and [r[0] for r in other[1:]] == ["Phường X"]
