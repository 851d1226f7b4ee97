"""Multi-province form 06: province headings scope unit-name matching (no province configured).

"Huyện Bảo Lâm" (Cao Bằng 042, Lâm Đồng 680) and "Huyện Châu Thành" (nine provinces) are ambiguous
nationally; under a heading "Tỉnh Cao Bằng" / "TỈNH LÂM ĐỒNG" / "II. Tỉnh Tiền Giang" / the title
"UBND TỈNH CAO BẰNG" they resolve. A configured province (config/province.yaml) still wins.
"""

from __future__ import annotations

import importlib.util
import shutil
from pathlib import Path

import pytest

from motcua.clean import run_clean
from motcua.ingest.province_scope import province_named, title_province
from motcua.sample.workbook import FileStyle, RowSpec

_spec = importlib.util.spec_from_file_location(
    "builders", Path(__file__).parents[1] / "data" / "ingest" / "builders.py"
)
builders = importlib.util.module_from_spec(_spec)
_spec.loader.exec_module(builders)  # type: ignore[union-attr]
counts, write_form = builders.counts, builders.write_form

ROOT = Path(__file__).resolve().parents[2]
MAR = "Kỳ báo cáo: Từ ngày 01/03/2024 đến ngày 31/03/2024"
A = counts(10, 90, 5, 60, 30, 2, 10, 3)
B = counts(1, 49, 0, 20, 20, 0, 10, 0)
C = counts(3, 30, 1, 10, 20, 1, 2, 0)
NATIONAL = "Văn phòng (tổng hợp toàn quốc)"


def _sum(*rows: dict[str, int]) -> dict[str, int]:
    return {k: sum(r[k] for r in rows) for k in rows[0]}


@pytest.fixture()
def national(tmp_path, monkeypatch) -> Path:
    """config/ with province_code: null (a national or multi-province analysis)."""
    cfg = tmp_path / "config"
    shutil.copytree(ROOT / "config", cfg)
    text = (cfg / "province.yaml").read_text(encoding="utf-8")
    text = text.replace('province_code: "54"', "province_code: null").replace(
        'province_name: "Tỉnh Phú Yên"', 'province_name: "Toàn quốc"'
    )
    assert "province_code: null" in text
    (cfg / "province.yaml").write_text(text, encoding="utf-8")
    monkeypatch.setenv("MOTCUA_CONFIG", str(cfg))
    return cfg


def _two_provinces(path: Path, style: FileStyle = FileStyle()) -> Path:
    rows = [
        RowSpec("I", "Tỉnh Cao Bằng", kind="section"),
        RowSpec("1", "Huyện Bảo Lâm", A),
        RowSpec("2", "Thành phố Cao Bằng", C),  # the provincial city: a unit, not a heading
        RowSpec("II", "TỈNH LÂM ĐỒNG", B, kind="subtotal"),  # heading carrying the province's subtotal
        RowSpec("1", "H. Bảo Lâm", B),
        RowSpec("", "III. Tỉnh Tiền Giang", kind="section"),
        RowSpec("1", "UBND huyện Châu Thành", A),
        RowSpec("IV", "TINH AN GIANG", kind="section"),  # no diacritics
        RowSpec("1", "Huyen Chau Thanh", B),
        RowSpec("2", "Huyện Chợ Mới", C),
    ]
    return write_form(
        path, [], period_text=MAR, extra_rows=rows, totals=_sum(A, C, B, A, B, C), style=style, reporter=NATIONAL
    )


def _units(res) -> dict[tuple[int, str], tuple[str, str]]:
    p = res.panel
    return {
        (int(r.split("!")[1]), n): (c, pc)
        for r, n, c, pc in zip(p["source_ref"], p["unit_name"], p["unit_code"], p["province_code"])
    }


def test_headings_resolve_same_named_districts(tmp_path, national):
    _two_provinces(tmp_path / "raw" / "quoc-gia_2024-03.xlsx")
    res = run_clean([tmp_path / "raw"], tmp_path / "out")
    got = sorted((c, pc) for c, pc in _units(res).values())
    assert got == [("040", "04"), ("042", "04"), ("680", "68"), ("821", "82"), ("892", "89"), ("893", "89")]
    q = res.quality
    assert "unit_unmatched" not in set(q["rule"])
    assert not {"totals_mismatch", "subtotal_mismatch"} & set(q["rule"])  # the Lâm Đồng subtotal is a check, not a unit
    sec = q[q["rule"] == "province_section"]
    assert len(sec) == 4 and sec["message"].str.contains("Tỉnh Lâm Đồng (68)", regex=False).any()
    assert res.rows_in == res.rows_kept + res.rows_dropped and res.rows_kept == 6


def test_heading_with_hierarchical_stt_and_subtotals(tmp_path, national):
    rows = [
        RowSpec("1", "Tỉnh Cao Bằng", A),
        RowSpec("1.1", "Huyện Bảo Lâm", A),
        RowSpec("2", "Tỉnh Lâm Đồng", _sum(B, C)),
        RowSpec("2.1", "Huyện Bảo Lâm", B),
        RowSpec("2.2", "Huyện Di Linh", C),
    ]
    write_form(
        tmp_path / "raw" / "t.xlsx",
        [],
        period_text=MAR,
        extra_rows=rows,
        totals=_sum(A, B, C),
        reporter=NATIONAL,
        style=FileStyle(hierarchical_stt=True),
    )
    res = run_clean([tmp_path / "raw"], tmp_path / "out")
    assert sorted(c for c, _ in _units(res).values()) == ["042", "679", "680"]
    assert not {"unit_unmatched", "totals_mismatch", "subtotal_mismatch"} & set(res.quality["rule"])


def test_trailing_province_subtotal_is_a_check_and_the_body_goes_on(tmp_path, national):
    wrong = dict(B, received_total=B["received_total"] + 1)
    rows = [
        RowSpec("", "Tỉnh Cao Bằng", kind="section"),
        RowSpec("1", "Huyện Bảo Lâm", A),
        RowSpec("", "Cộng tỉnh Cao Bằng", A, kind="subtotal"),
        RowSpec("", "Tỉnh Lâm Đồng", kind="section"),
        RowSpec("1", "Huyện Bảo Lâm", B),
        RowSpec("", "Cộng tỉnh Lâm Đồng", wrong, kind="subtotal"),
    ]
    write_form(tmp_path / "raw" / "t.xlsx", [], period_text=MAR, extra_rows=rows, totals=_sum(A, B), reporter=NATIONAL)
    res = run_clean([tmp_path / "raw"], tmp_path / "out")
    assert sorted(c for c, _ in _units(res).values()) == ["042", "680"]
    sub = res.quality[res.quality["rule"] == "subtotal_mismatch"]
    assert len(sub) == 1 and "Cộng tỉnh Lâm Đồng" in sub["message"].iloc[0]
    assert "totals_mismatch" not in set(res.quality["rule"])


def test_unit_under_the_wrong_heading_is_unmatched_with_a_clear_message(tmp_path, national):
    rows = [
        RowSpec("I", "Tỉnh Quảng Ninh", kind="section"),
        RowSpec("1", "Huyện Bảo Lâm", A),
        RowSpec("2", "Huyện Tuy An", B),
    ]  # unique nationally (Phú Yên), but not in Quảng Ninh
    write_form(tmp_path / "raw" / "t.xlsx", [], period_text=MAR, extra_rows=rows, reporter=NATIONAL)
    res = run_clean([tmp_path / "raw"], tmp_path / "out")
    assert res.panel.empty and res.rows_dropped == 2
    um = res.quality[res.quality["rule"] == "unit_unmatched"].set_index("row")["message"]
    for row in (13, 14):
        assert "không có đơn vị này trong Tỉnh Quảng Ninh (22)" in um[row] and '"Tỉnh Quảng Ninh" (dòng 12)' in um[row]
    assert "Huyện Bảo Lâm (042, Tỉnh Cao Bằng)" in um[13] and "Huyện Bảo Lâm (680, Tỉnh Lâm Đồng)" in um[13]
    assert "Huyện Tuy An (559, Tỉnh Phú Yên)" in um[14]


def test_without_heading_same_named_districts_stay_ambiguous(tmp_path, national):
    write_form(
        tmp_path / "raw" / "t.xlsx", [("Huyện Bảo Lâm", A), ("Huyện Tuy An", B)], period_text=MAR, reporter=NATIONAL
    )
    res = run_clean([tmp_path / "raw"], tmp_path / "out")
    assert list(res.panel["unit_code"]) == ["559"]
    msg = res.quality.loc[res.quality["rule"] == "unit_unmatched", "message"].iloc[0]
    assert "nhiều đơn vị trùng tên" in msg and "không có dòng tiêu đề tỉnh" in msg


def test_title_block_names_the_province(tmp_path, national):
    write_form(
        tmp_path / "raw" / "t.xlsx",
        [("Huyện Bảo Lâm", A), ("Huyện Bảo Lạc", B)],
        period_text=MAR,
        reporter="UBND TỈNH CAO BẰNG",
    )
    res = run_clean([tmp_path / "raw"], tmp_path / "out")
    assert sorted(res.panel["unit_code"]) == ["042", "043"]
    info = res.quality[res.quality["rule"] == "province_section"]
    assert (
        len(info) == 1 and "Tỉnh Cao Bằng (04)" in info["message"].iloc[0] and "phần đầu tệp" in info["message"].iloc[0]
    )


def test_configured_province_wins_and_a_foreign_heading_is_reported(tmp_path):
    """province_code "54" (the shipped config): matching as before, within Phú Yên; other provinces' headings reported."""
    _two_provinces(tmp_path / "raw" / "t.xlsx")
    res = run_clean([tmp_path / "raw"], tmp_path / "out")
    assert res.panel.empty and res.rows_dropped == 6
    mism = res.quality[res.quality["rule"] == "province_heading_mismatch"]
    assert list(mism["row"]) == [12, 15, 17, 19] and (mism["severity"] == "warning").all()
    assert (
        "nêu Tỉnh Lâm Đồng (68), khác tỉnh trong config/province.yaml (54; cùng địa bàn: 66)" in mism["message"].iloc[1]
    )
    assert "province_section" not in set(res.quality["rule"])
    # Phú Yên units under their own heading: read exactly as without the heading, nothing reported about it
    rows = [
        RowSpec("I", "TỈNH PHÚ YÊN", kind="section"),
        RowSpec("1", "Huyện Tuy An", A),
        RowSpec("2", "TX. Sông Cầu", B),
    ]
    write_form(tmp_path / "raw2" / "t.xlsx", [], period_text=MAR, extra_rows=rows)
    write_form(tmp_path / "raw3" / "t.xlsx", [("Huyện Tuy An", A), ("TX. Sông Cầu", B)], period_text=MAR)
    with_h = run_clean([tmp_path / "raw2"], tmp_path / "out2")
    without = run_clean([tmp_path / "raw3"], tmp_path / "out3")
    assert list(with_h.panel["unit_code"]) == list(without.panel["unit_code"]) == ["557", "559"]
    assert set(with_h.quality["rule"]) == set(without.quality["rule"])


@pytest.mark.parametrize(
    "text, code",
    [
        ("Tỉnh Cao Bằng", "04"),
        ("TỈNH LÂM ĐỒNG", "68"),
        ("II. Tỉnh Bắc Kạn", "06"),
        ("Thành phố Hà Nội", "01"),
        ("TP. Hồ Chí Minh", "79"),
        ("tinh an giang", "89"),
        ("Hà Nội", "01"),
        ("Thành phố Cao Bằng", None),
        ("Huyện, thị xã, thành phố", None),
        ("Huyện Bảo Lâm", None),
        ("Tổng cộng", None),
    ],
)
def test_province_named(text, code):
    m = province_named(text)
    assert (m.unit_code if m else None) == code


@pytest.mark.parametrize(
    "lines, code",
    [
        (["UBND TỈNH CAO BẰNG", "CỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM"], "04"),
        (["VĂN PHÒNG UBND TỈNH PHÚ YÊN", "TÌNH HÌNH, KẾT QUẢ GIẢI QUYẾT THỦ TỤC HÀNH CHÍNH"], "54"),
        (["Đơn vị báo cáo: UBND huyện Bảo Lâm, tỉnh Lâm Đồng"], "68"),
        (["TÌNH HÌNH, KẾT QUẢ GIẢI QUYẾT THỦ TỤC HÀNH CHÍNH"], None),  # "tình hình" is not "tỉnh"
        (["UBND THÀNH PHỐ CAO BẰNG"], None),  # a district-level city
        (["Tổng hợp tỉnh Cao Bằng và tỉnh Lâm Đồng"], None),  # two provinces: no file-level province
    ],
)
def test_title_province(lines, code):
    got = title_province(lines)
    assert (got[0].unit_code if got else None) == code


def test_configured_province_leaves_a_province_row_with_counts_as_read(tmp_path):
    """With province_code set, a "Tỉnh Phú Yên" row carrying counts is matched as before (not turned into a subtotal)."""
    rows = [RowSpec("1", "Huyện Tuy An", A), RowSpec("2", "Tỉnh Phú Yên", B)]
    write_form(tmp_path / "raw" / "t.xlsx", [], period_text=MAR, extra_rows=rows)
    res = run_clean([tmp_path / "raw"], tmp_path / "out")
    assert sorted(res.panel["unit_code"]) == ["54", "559"]


def test_scoped_record_notes_the_province_used(tmp_path, national):
    from motcua.ingest.aggregate import read_aggregate_book
    from motcua.ingest.grid import read_book
    from motcua.ingest.unit_match import MatchContext
    from motcua.quality import Quality

    p = _two_provinces(tmp_path / "t.xlsx")
    recs, ok = read_aggregate_book(read_book(p), "t.xlsx", Quality(), MatchContext(province_code=None), ())
    lam = next(r for r in recs if r.code == "680")
    assert ok and lam.unit.province_code == "68" and "Tỉnh Lâm Đồng (68)" in lam.note and "dòng 15" in lam.note


def test_province_total_without_a_heading_is_still_the_totals_row(tmp_path):
    """ "Tổng cộng tỉnh Phú Yên" ending a one-province file: the totals row (checked, ends the body), as before."""
    rows = [RowSpec("1", "Huyện Tuy An", A), RowSpec("2", "Huyện Sơn Hòa", B)]
    p = write_form(
        tmp_path / "t.xlsx",
        [],
        period_text=MAR,
        extra_rows=rows + [RowSpec("", "Tổng cộng tỉnh Phú Yên", A, kind="total")],
        style=FileStyle(totals_row=False),
    )
    from motcua.ingest.form import read_form_sheet
    from motcua.ingest.grid import read_book

    fs = read_form_sheet(read_book(p).grids[0])
    assert [r.kind for r in fs.rows] == ["unit", "unit", "total"]


def test_name_shared_within_the_headings_province_is_ambiguous_there_not_elsewhere(tmp_path, national):
    """ "Kỳ Anh" under "Tỉnh Hà Tĩnh" is both Huyện Kỳ Anh (447) and Thị xã Kỳ Anh (449): the row is refused as
    ambiguous in Hà Tĩnh (it once said "no such unit in Hà Tĩnh; same name in another province: … Hà Tĩnh").
    "Quản Bạ" under "Tỉnh Hà Giang" is Huyện Quản Bạ, not "Quận Bạ"."""
    rows = [
        RowSpec("I", "Tỉnh Hà Tĩnh", kind="section"),
        RowSpec("1", "Kỳ Anh", A),
        RowSpec("II", "Tỉnh Hà Giang", kind="section"),
        RowSpec("1", "Quản Bạ", B),
    ]
    write_form(tmp_path / "raw" / "t.xlsx", [], period_text=MAR, extra_rows=rows, reporter=NATIONAL)
    res = run_clean([tmp_path / "raw"], tmp_path / "out")
    assert list(res.panel["unit_code"]) == ["029"]
    msg = res.quality.loc[res.quality["rule"] == "unit_unmatched", "message"].iloc[0]
    assert "nhiều đơn vị trùng tên" in msg and "Tỉnh Hà Tĩnh" in msg and "tỉnh khác" not in msg, msg
    assert "Huyện Kỳ Anh (447, Tỉnh Hà Tĩnh)" in msg and "Thị xã Kỳ Anh (449, Tỉnh Hà Tĩnh)" in msg, msg
