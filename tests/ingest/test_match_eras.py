"""The era of a row decides its list: no name is ever booked across the 1 July 2025 reform.

A legacy district's name after the reform, a 2025 commune's name before it, a type word changed across
levels ("Huyện Đồng Xuân" → "Xã Đồng Xuân", "Thành phố Tuy Hòa" → "Phường Tuy Hòa"): each is refused with
the unit's successors or predecessors, never matched. Provincial agencies are units of their own.
"""

from __future__ import annotations

import importlib.util
import shutil
from datetime import date
from pathlib import Path

import pandas as pd
import pytest
from reform_config import config_66 as write_config_66

from motcua.clean import run_clean
from motcua.ingest.eras import era_level, era_of, era_provinces
from motcua.ingest.names import reference_units
from motcua.ingest.unit_match import MatchContext, match_with_fallback
from motcua.reference.crosswalk import crosswalk
from motcua.sample.workbook import RowSpec

_spec = importlib.util.spec_from_file_location(
    "builders", Path(__file__).parents[1] / "data" / "ingest" / "builders.py"
)
builders = importlib.util.module_from_spec(_spec)
_spec.loader.exec_module(builders)  # type: ignore[union-attr]
counts, write_form = builders.counts, builders.write_form

ROOT = Path(__file__).resolve().parents[2]
BEFORE, AFTER = date(2025, 6, 1), date(2025, 8, 1)
LEGACY_54 = MatchContext("legacy", "district", "54")
NEW_66 = MatchContext("2025", "commune", "66")
A = counts(10, 90, 5, 60, 30, 2, 10, 3)
B = counts(40, 20, 1, 30, 25, 1, 4, 1)
C = counts(3, 30, 1, 10, 20, 1, 2, 0)


def test_era_is_decided_by_the_period_not_the_configuration():
    assert era_of(date(2025, 6, 30), "2025") == "legacy" and era_of(date(2025, 7, 1), "legacy") == "2025"
    assert era_provinces("54", "legacy", "2025") == ("66",)
    # configured as either predecessor, legacy rows are read in the whole area of the successor
    assert era_provinces("54", "legacy", "legacy") == era_provinces("66", "legacy", "legacy") == ("54", "66")
    assert era_provinces("01", "legacy", "legacy") == ("01",)
    assert era_provinces("66", "2025", "legacy") == ("54", "66")
    assert era_provinces("66", "2025", "2025") == ("66",) and era_provinces(None, "2025", "legacy") is None
    assert era_level("commune", "2025", "legacy") == "district" and era_level("district", "legacy", "2025") == "commune"


@pytest.mark.parametrize("ctx", [LEGACY_54, NEW_66], ids=["legacy-54", "2025-66"])
@pytest.mark.parametrize(
    ("name", "when", "code"),
    [
        ("Huyện Đồng Xuân", BEFORE, "558"),
        ("Xã Đồng Xuân", AFTER, "22081"),
        ("Thành phố Tuy Hòa", BEFORE, "555"),
        ("UBND phường Sông Cầu", AFTER, "22051"),
        ("Trung tâm Phục vụ hành chính công xã Xuân Lộc", AFTER, "22057"),
        ("TT PVHCC xã Xuân Lãnh", AFTER, "22090"),
        ("Bộ phận Một cửa xã Đồng Xuân", AFTER, "22081"),
        ("Xã An Dân", BEFORE, "22117"),
        ("TT Phú Hòa", BEFORE, "22319"),
    ],
)
def test_each_era_matches_its_own_units_under_either_configuration(ctx, name, when, code):
    m = match_with_fallback(name, ctx, when)
    assert m.unit_code == code and m.unit_schema == era_of(when), m


@pytest.mark.parametrize("ctx", [LEGACY_54, NEW_66], ids=["legacy-54", "2025-66"])
@pytest.mark.parametrize(
    ("name", "when", "other"),
    [
        ("Huyện Đồng Xuân", AFTER, "558"),
        ("Thành phố Tuy Hòa", AFTER, "555"),
        ("Thị xã Sông Cầu", AFTER, "557"),
        ("Huyện Sơn Hòa", AFTER, "560"),
        ("UBND huyện Tuy An", AFTER, "559"),
        ("Xã Đồng Xuân", BEFORE, "22081"),
        ("Phường Phú Yên", BEFORE, "22240"),
        ("Phường Sông Cầu", BEFORE, "22051"),
    ],
)
def test_a_name_of_the_other_era_is_refused_with_that_unit(ctx, name, when, other):
    m = match_with_fallback(name, ctx, when)
    assert not m.matched and m.method == "other_era", m
    assert m.candidates[0].unit_code == other


def test_the_finding_names_successors_or_predecessors(tmp_path):
    write_form(
        tmp_path / "raw" / "bieu06_2025-08.xlsx",
        [("Xã Đồng Xuân", A), ("UBND huyện Tuy An", B), ("Huyện Đồng Xuân", C)],
        period_text="Kỳ báo cáo: Từ ngày 01/08/2025 đến ngày 31/08/2025",
        reporter="UBND TỈNH ĐẮK LẮK",
    )
    write_form(
        tmp_path / "raw" / "bieu06_2024-03.xlsx",
        [("Huyện Tuy An", A), ("Phường Phú Yên", B)],
        period_text="Kỳ báo cáo: Từ ngày 01/03/2024 đến ngày 31/03/2024",
    )
    res = run_clean([tmp_path / "raw"], tmp_path / "out")
    assert sorted(zip(res.panel["unit_schema"], res.panel["unit_code"])) == [("2025", "22081"), ("legacy", "559")]
    other = res.quality[res.quality["rule"] == "unit_other_era"].sort_values("row")
    assert len(other) == 3 and (other["severity"] == "error").all() and (other["action"] == "dropped").all()
    tuy_an = other[other["unit"] == "UBND huyện Tuy An"]["message"].iloc[0]
    assert "Huyện Tuy An (559), đã giải thể từ 01/07/2025" in tuy_an
    assert all(x in tuy_an for x in ("Xã Tuy An Bắc", "Xã Tuy An Đông", "Xã Tuy An Tây", "Xã Ô Loan", "Xã Tuy An Nam"))
    phu_yen = other[other["unit"] == "Phường Phú Yên"]["message"].iloc[0]
    assert "Phường Phú Yên (22240)" in phu_yen and "tiền thân" in phu_yen
    assert res.rows_in == res.rows_kept + res.rows_dropped if hasattr(res, "rows_in") else True


def _same_name_2025(legacy_short: str, province: str) -> pd.DataFrame:
    new = reference_units("2025")
    return new[
        (new["short_name"] == legacy_short) & (new["province_code"] == province) & (new["unit_level"] == "commune")
    ]


def test_no_legacy_district_is_ever_booked_after_the_reform_and_no_2025_commune_before_it():
    """All 696 legacy districts, each in a period after the reform (configured by its own legacy province, as
    an analyst of that province would), and every 2025 commune that shares its short name with a district of
    its predecessor provinces, in a period before it (configured by the 2025 province)."""
    legacy = reference_units("legacy")
    districts = legacy[legacy["unit_level"] == "district"]
    assert len(districts) == 696
    succ = crosswalk("province").set_index("legacy_code")["new_code"].to_dict()
    refused_with_itself = 0
    same_name = 0
    for d in districts.itertuples(index=False):
        m = match_with_fallback(d.unit_name, MatchContext("legacy", "district", d.province_code), AFTER)
        assert not m.matched, (d.unit_name, m)
        # refused as the legacy unit it is (among the same-named districts of the successor's predecessors)
        refused_with_itself += m.method == "other_era" and d.unit_code in [c.unit_code for c in m.candidates]
        twins = _same_name_2025(d.short_name, succ[d.province_code])
        for t in twins.itertuples(index=False):
            same_name += 1
            back = match_with_fallback(t.unit_name, MatchContext("2025", "commune", t.province_code), BEFORE)
            assert back.unit_level != "district" and back.unit_code != d.unit_code, (t.unit_name, back)
            if back.matched:  # a legacy commune of that very name, in the predecessor provinces
                assert back.unit_schema == "legacy" and back.unit_name.lower() == t.unit_name.lower(), (
                    t.unit_name,
                    back,
                )
            # and the 2025 name after the reform is that commune, never the district
            now = match_with_fallback(t.unit_name, MatchContext("legacy", "district", d.province_code), AFTER)
            assert now.unit_code == t.unit_code and now.unit_schema == "2025"
    assert refused_with_itself == 696
    # a province named like its dissolved capital is not the capital, in either era
    cao_bang = match_with_fallback("Tỉnh Cao Bằng", MatchContext("2025", "commune", "04"), BEFORE)
    assert cao_bang.unit_code != "040"
    assert same_name > 200  # many communes carry a dissolved district's name


@pytest.fixture()
def config_66(tmp_path, monkeypatch) -> Path:
    cfg = write_config_66(tmp_path / "config")
    monkeypatch.setenv("MOTCUA_CONFIG", str(cfg))
    return cfg


def _two_era_folder(raw: Path) -> None:
    write_form(
        raw / "bieu06_2025-06.xlsx",
        [("Thành phố Tuy Hòa", A), ("Huyện Đồng Xuân", B)],
        period_text="Kỳ báo cáo: Từ ngày 01/06/2025 đến ngày 30/06/2025",
        reporter="UBND TỈNH PHÚ YÊN",
    )
    rows = [
        RowSpec("I", "Cấp tỉnh", kind="section"),
        RowSpec("1", "Trung tâm Phục vụ hành chính công tỉnh", A),
        RowSpec("2", "Công an tỉnh", C),
        RowSpec("II", "Cấp xã", kind="section"),
    ]
    write_form(
        raw / "bieu06_2025-07.xlsx",
        [("TT PVHCC phường Tuy Hòa", B), ("Xã Đồng Xuân", C)],
        extra_rows=rows,
        period_text="Kỳ báo cáo: Từ ngày 01/07/2025 đến ngày 31/07/2025",
        reporter="UBND TỈNH PHÚ YÊN",
    )


def _panel(raw: Path, out: Path) -> tuple[pd.DataFrame, pd.DataFrame]:
    res = run_clean([raw], out)
    keep = ["unit_schema", "unit_code", "unit_name", "unit_level", "province_code", "period_start", "received_total"]
    return res.panel[keep].reset_index(drop=True), res.quality


def test_same_panel_under_the_legacy_and_the_2025_configuration(tmp_path, monkeypatch):
    _two_era_folder(tmp_path / "raw")
    legacy_panel, legacy_q = _panel(tmp_path / "raw", tmp_path / "out-54")
    cfg = tmp_path / "config"
    shutil.copytree(ROOT / "config", cfg)
    text = (cfg / "province.yaml").read_text(encoding="utf-8")
    text = text.replace('province_code: "54"', 'province_code: "66"').replace(
        "unit_schema: legacy", 'unit_schema: "2025"'
    )
    (cfg / "province.yaml").write_text(text.replace("unit_level: district", "unit_level: commune"), encoding="utf-8")
    monkeypatch.setenv("MOTCUA_CONFIG", str(cfg))
    new_panel, new_q = _panel(tmp_path / "raw", tmp_path / "out-66")
    pd.testing.assert_frame_equal(legacy_panel, new_panel)
    got = set(zip(new_panel["unit_schema"], new_panel["unit_code"], new_panel["unit_level"]))
    assert got == {
        ("legacy", "555", "district"),
        ("legacy", "558", "district"),
        ("2025", "22015", "commune"),
        ("2025", "22081", "commune"),
        ("2025", "66-trung-tam-pvhcc", "agency"),
        ("2025", "66-cong-an", "agency"),
    }
    # the July file still headed "TỈNH PHÚ YÊN": accepted (its communes are kept), and reported once
    for q in (legacy_q, new_q):
        heads = q[q["rule"] == "province_heading_other_era"]
        assert len(heads) == 1 and "Tỉnh Phú Yên (54)" in heads["message"].iloc[0], heads
        assert "Tỉnh Đắk Lắk (66)" in heads["message"].iloc[0]
        assert q[q["rule"] == "province_heading_mismatch"].empty


def test_agencies_are_units_and_unknown_ones_are_reported(tmp_path, config_66):
    rows = [
        RowSpec("I", "Cấp tỉnh", kind="section"),
        RowSpec("1", "Sở Tư pháp tỉnh Đắk Lắk", A),
        RowSpec("2", "Sở Du lịch và Thể thao biển", B),
        RowSpec("3", "So Xay dung", C),
        RowSpec("4", "Công an tỉnh", B),
        RowSpec("II", "Cấp xã", kind="section"),
    ]
    write_form(
        tmp_path / "raw" / "bieu06_2025-09.xlsx",
        [("Xã Đồng Xuân", C)],
        extra_rows=rows,
        period_text="Kỳ báo cáo: Từ ngày 01/09/2025 đến ngày 30/09/2025",
        reporter="UBND TỈNH ĐẮK LẮK",
    )
    res = run_clean([tmp_path / "raw"], tmp_path / "out")
    p = res.panel.set_index("unit_code")
    assert set(p.index) == {"66-so-tu-phap", "66-so-xay-dung", "66-cong-an", "22081"}
    assert p.loc["66-so-tu-phap", "unit_name"] == "Sở Tư pháp" and p.loc["66-cong-an", "unit_level"] == "agency"
    assert p.loc["66-cong-an", "province_name"] == "Tỉnh Đắk Lắk"
    unknown = res.quality[res.quality["rule"] == "agency_unknown"]
    assert len(unknown) == 1 and "Sở Văn hóa, Thể thao và Du lịch" in unknown["message"].iloc[0]
    assert unknown["unit"].iloc[0] == "Sở Du lịch và Thể thao biển"


def test_a_title_naming_one_of_several_predecessors_scopes_the_names(tmp_path, config_66):
    """Configured as Đắk Lắk (66), a 2024 file titled for Phú Yên: "Xã Hòa Thành" (a commune of both legacy Phú Yên
    and legacy Đắk Lắk) is Phú Yên's; without such a title it is ambiguous and refused."""
    write_form(
        tmp_path / "raw" / "py" / "bieu06_2024-03.xlsx",
        [("Xã Hòa Thành", A)],
        period_text="Kỳ báo cáo: Từ ngày 01/03/2024 đến ngày 31/03/2024",
        reporter="UBND TỈNH PHÚ YÊN",
    )
    write_form(
        tmp_path / "raw" / "none" / "bieu06_2024-04.xlsx",
        [("Xã Hòa Thành", A)],
        period_text="Kỳ báo cáo: Từ ngày 01/04/2024 đến ngày 30/04/2024",
        reporter="Văn phòng",
    )
    res = run_clean([tmp_path / "raw"], tmp_path / "out")
    assert list(zip(res.panel["unit_code"], res.panel["province_code"])) == [("22243", "54")], res.panel
    refused = res.quality[(res.quality["rule"] == "unit_unmatched") & (res.quality["file"].str.contains("none"))]
    assert len(refused) == 1 and "nhiều đơn vị trùng tên" in refused["message"].iloc[0]
