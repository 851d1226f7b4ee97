"""The crosswalk across the 2025 reform (src/motcua/reference/crosswalk.csv)."""

from __future__ import annotations

import copy
import hashlib
import importlib.util
import json
import sys
from importlib.metadata import version
from importlib.resources import files
from pathlib import Path

import pandas as pd
import pytest

from motcua.ingest.names import reference_units
from motcua.reference.crosswalk import (
    communes_within,
    crosswalk,
    crosswalk_meta,
    predecessors,
    province_predecessors,
    province_successor,
    successors,
)

ROOT = Path(__file__).resolve().parents[2]
COLUMNS = [
    "legacy_level",
    "legacy_code",
    "legacy_name",
    "legacy_province_code",
    "new_level",
    "new_code",
    "new_name",
    "new_province_code",
    "legacy_whole",
    "new_within",
]
ISLAND_DISTRICTS = {"318": "11948", "471": "19742", "498": "20333", "536": "21548", "755": "26732"}
PHU_YEN = {
    "555": "Thành phố Tuy Hòa",
    "557": "Thị xã Sông Cầu",
    "558": "Huyện Đồng Xuân",
    "559": "Huyện Tuy An",
    "560": "Huyện Sơn Hòa",
    "561": "Huyện Sông Hinh",
    "562": "Huyện Tây Hòa",
    "563": "Huyện Phú Hòa",
    "564": "Thị xã Đông Hòa",
}


def _units(schema: str, level: str) -> pd.DataFrame:
    ref = reference_units(schema)
    return ref[ref["unit_level"] == level].set_index("unit_code")


def _script():
    spec = importlib.util.spec_from_file_location("build_reference", ROOT / "scripts" / "build_reference.py")
    mod = importlib.util.module_from_spec(spec)
    sys.modules.setdefault("build_reference", mod)
    spec.loader.exec_module(mod)
    return mod


# ------------------------------------------------------------ file and meta


def test_checksum_and_meta():
    body = files("motcua.reference").joinpath("crosswalk.csv").read_bytes()
    meta = crosswalk_meta()
    assert hashlib.sha256(body).hexdigest() == meta["sha256"]
    assert meta["source_package"] == "vietnamadminunits"
    assert meta["source_version"] == version("vietnamadminunits")
    units = files("motcua.reference").joinpath("units.csv").read_bytes()
    assert meta["units_sha256"] == hashlib.sha256(units).hexdigest()
    cw = crosswalk()
    assert meta["rows"] == len(cw)
    counts = cw.groupby(["legacy_level", "new_level"]).size()
    assert meta["counts"] == {f"{a}/{b}": int(n) for (a, b), n in counts.items()}


def test_columns_and_grain():
    cw = crosswalk()
    assert list(cw.columns) == COLUMNS
    assert not cw.duplicated(["legacy_level", "legacy_code", "new_code"]).any()
    assert set(cw["legacy_whole"]) <= {0, 1} and set(cw["new_within"]) <= {0, 1}
    pairs = set(zip(cw["legacy_level"], cw["new_level"]))
    assert pairs == {("province", "province"), ("district", "commune"), ("commune", "commune")}
    assert crosswalk("district")["legacy_level"].eq("district").all()


def test_every_code_and_name_is_in_units_csv():
    cw = crosswalk()
    for side, schema in (("legacy", "legacy"), ("new", "2025")):
        for level, rows in cw.groupby(f"{side}_level"):
            ref = _units(schema, level)
            assert rows[f"{side}_code"].isin(ref.index).all(), (side, level)
            assert (rows[f"{side}_name"].to_numpy() == ref.loc[rows[f"{side}_code"], "unit_name"].to_numpy()).all()
            assert (
                rows[f"{side}_province_code"].to_numpy() == ref.loc[rows[f"{side}_code"], "province_code"].to_numpy()
            ).all()


# ------------------------------------------------------------ coverage


def test_every_legacy_unit_has_a_successor():
    cw = crosswalk()
    for level in ("province", "district", "commune"):
        got = set(cw.loc[cw["legacy_level"] == level, "legacy_code"])
        assert got == set(_units("legacy", level).index), level


def test_every_2025_commune_has_a_predecessor():
    communes = set(_units("2025", "commune").index)
    assert set(crosswalk("district")["new_code"]) == communes
    without_commune = communes - set(crosswalk("commune")["new_code"])
    # only the đặc khu made of a legacy district listed without communes
    assert without_commune == set(ISLAND_DISTRICTS.values())


def test_island_districts_become_their_dac_khu():
    for district, dac_khu in ISLAND_DISTRICTS.items():
        rows = successors(district, "district")
        assert rows["new_code"].tolist() == [dac_khu]
        assert rows["new_name"].iloc[0].startswith("Đặc khu ")
        assert (rows["legacy_whole"].iloc[0], rows["new_within"].iloc[0]) == (1, 1)
        assert predecessors(dac_khu, "commune").empty
        assert predecessors(dac_khu, "district")["legacy_code"].tolist() == [district]


# ------------------------------------------------------------ flags


def test_commune_flags_are_consistent():
    c = crosswalk("commune")
    n_succ = c.groupby("legacy_code")["new_code"].transform("size")
    assert ((c["legacy_whole"] == 1) == (n_succ == 1)).all()  # whole: one successor; divided: two or more
    # the đặc khu of island districts have no commune rows, so a 2025 commune's pieces are its commune rows
    single = c.groupby("new_code")["legacy_code"].transform("size") == 1
    assert ((c["new_within"] == 1) == single).all()


def test_district_rows_follow_from_commune_rows():
    c = crosswalk("commune")
    parent = _units("legacy", "commune")["parent_code"]
    pieces = pd.DataFrame({"district": c["legacy_code"].map(parent), "new": c["new_code"], "whole": c["legacy_whole"]})
    islands = pd.DataFrame({"district": list(ISLAND_DISTRICTS), "new": list(ISLAND_DISTRICTS.values()), "whole": 1})
    pieces = pd.concat([pieces, islands], ignore_index=True)
    expected = pieces.groupby(["district", "new"]).size().rename("n").reset_index()
    n_new = pieces.groupby("new").size()
    n_succ = pieces.groupby("district")["new"].nunique()
    all_whole = pieces.groupby("district")["whole"].min()
    expected["new_within"] = (expected["n"] == expected["new"].map(n_new)).astype(int)
    expected["legacy_whole"] = (
        (expected["district"].map(n_succ) == 1) & (expected["district"].map(all_whole) == 1)
    ).astype(int)
    d = crosswalk("district").rename(columns={"legacy_code": "district", "new_code": "new"})
    got = d.set_index(["district", "new"])[["legacy_whole", "new_within"]].sort_index()
    want = expected.set_index(["district", "new"])[["legacy_whole", "new_within"]].sort_index()
    pd.testing.assert_frame_equal(got, want)


def test_district_legacy_whole_means_single_successor():
    d = crosswalk("district")
    n_succ = d.groupby("legacy_code")["new_code"].transform("size")
    assert ((d["legacy_whole"] == 1) == (n_succ == 1)).all()
    # whole is not within: Thị xã Mường Lay went whole into Phường Mường Lay, which took more
    assert successors("095", "district")[["new_code", "legacy_whole", "new_within"]].values.tolist() == [
        ["03151", 1, 0]
    ]


# ------------------------------------------------------------ provinces


def test_34_provinces_from_63():
    p = crosswalk("province")
    assert len(p) == 63 and p["legacy_code"].is_unique
    assert set(p["new_code"]) == set(_units("2025", "province").index)
    assert (p["legacy_whole"] == 1).all()
    n_pred = p.groupby("new_code")["legacy_code"].transform("size")
    assert ((p["new_within"] == 1) == (n_pred == 1)).all()
    assert (p["new_within"] == 1).sum() == 11  # the provinces left as they were


def test_dak_lak_from_dak_lak_and_phu_yen():
    assert province_predecessors("66") == ["54", "66"]
    assert province_successor("54") == "66"
    assert province_successor("66") == "66"
    assert province_successor("77") == "79"  # Bà Rịa - Vũng Tàu → Thành phố Hồ Chí Minh


def test_communes_never_cross_the_province_mapping():
    succ = dict(zip(crosswalk("province")["legacy_code"], crosswalk("province")["new_code"]))
    for level in ("district", "commune"):
        rows = crosswalk(level)
        assert (rows["legacy_province_code"].map(succ) == rows["new_province_code"]).all()


# ------------------------------------------------------------ Phú Yên


def test_phu_yen_districts():
    d = crosswalk("district")
    py = d[d["legacy_province_code"] == "54"]
    assert dict(py.drop_duplicates("legacy_code")[["legacy_code", "legacy_name"]].to_numpy()) == PHU_YEN
    assert (py["new_province_code"] == "66").all()
    assert py["legacy_whole"].eq(0).all()
    inside = {code for code, rows in py.groupby("legacy_code") if rows["new_within"].eq(1).all()}
    assert inside == {"557", "558", "559", "560", "561"}  # Sông Cầu, Đồng Xuân, Tuy An, Sơn Hòa, Sông Hinh
    assert communes_within("558") == successors("558", "district")["new_code"].tolist()
    # the other four keep some communes wholly inside and lose a straddling ward
    for code in ("555", "562", "563", "564"):
        assert 0 < len(communes_within(code)) < len(successors(code, "district"))


def test_phuong_phu_yen_straddles_three_districts():
    rows = predecessors("22240", "district")
    assert rows["new_name"].eq("Phường Phú Yên").all()
    # parts of Tây Hòa and Đông Hòa, and three whole wards of Thành phố Tuy Hòa (Phú Lâm, Phú Thạnh, Phú Đông)
    assert rows["legacy_code"].tolist() == ["555", "562", "564"]
    assert rows["new_within"].eq(0).all()
    communes = predecessors("22240", "commune").set_index("legacy_code")
    assert communes["legacy_whole"].to_dict() == {
        "22040": 1,
        "22041": 1,
        "22240": 1,
        "22243": 1,
        "22246": 0,
        "22252": 0,
    }


def test_phuong_tuy_hoa_takes_parts_of_tuy_hoa_and_phu_hoa():
    rows = predecessors("22015", "district")
    assert rows["new_name"].eq("Phường Tuy Hòa").all()
    assert rows["legacy_code"].tolist() == ["555", "563"]
    assert rows["new_within"].eq(0).all()
    communes = predecessors("22015", "commune")
    parent = _units("legacy", "commune")["parent_code"]
    assert set(communes.loc[communes["legacy_whole"] == 0, "legacy_code"].map(parent)) == {"555", "563"}


def test_code_22240_differs_across_eras():
    assert _units("legacy", "commune").loc["22240", "unit_name"] == "Phường Phú Lâm"
    assert _units("2025", "commune").loc["22240", "unit_name"] == "Phường Phú Yên"
    rows = successors("22240", "commune")
    assert rows[["legacy_name", "new_name", "legacy_whole", "new_within"]].values.tolist() == [
        ["Phường Phú Lâm", "Phường Phú Yên", 1, 0]
    ]


def test_xa_dong_xuan_is_not_the_district():
    xa = predecessors("22081", "commune")
    assert xa["new_name"].eq("Xã Đồng Xuân").all()
    parent = _units("legacy", "commune")["parent_code"]
    district_communes = set(parent[parent == "558"].index)
    assert set(xa["legacy_code"]) < district_communes  # smaller: 5 of the district's 11 communes
    assert xa["legacy_whole"].eq(1).all()
    assert len(successors("558", "district")) == 4


def test_phu_yen_area_is_34_communes_of_dak_lak():
    d = crosswalk("district")
    area = set(d.loc[d["legacy_province_code"] == "54", "new_code"])
    assert len(area) == 34
    assert set(d.loc[d["new_code"].isin(area), "legacy_province_code"]) == {"54"}
    assert set(_units("2025", "commune").loc[sorted(area), "province_code"]) == {"66"}
    # exact: every predecessor commune taken whole (all lie in Phú Yên, above)
    c = crosswalk("commune")
    partial = set(c.loc[c["new_code"].isin(area) & (c["legacy_whole"] == 0), "new_code"])
    assert partial == {
        "22015",
        "22045",
        "22207",
        "22222",
        "22225",
        "22237",
        "22240",
        "22255",
        "22261",
        "22303",
        "22319",
    }
    assert len(area - partial) == 23


# ------------------------------------------------------------ functions


def test_functions_validate_and_pad():
    assert successors("54", "province")["new_code"].tolist() == ["66"]
    assert province_successor(54) == "66"
    assert successors("2002", "commune")["legacy_code"].eq("02002").all()
    with pytest.raises(ValueError):
        successors("555", "huyện")
    with pytest.raises(KeyError):
        successors("999", "district")
    with pytest.raises(KeyError):
        predecessors("99999")
    with pytest.raises(KeyError):
        province_predecessors("54")  # 54 is not a 2025 province
    a = crosswalk()
    a.loc[0, "new_code"] = "xx"
    assert crosswalk().loc[0, "new_code"] != "xx"  # a copy, the cache is untouched


# ------------------------------------------------------------ the build script


def test_build_reproduces_committed_files(tmp_path):
    mod = _script()
    assert mod.main(["--out", str(tmp_path)]) == 0
    ref = files("motcua.reference")
    for name in ("units.csv", "units_meta.json", "crosswalk.csv", "crosswalk_meta.json"):
        assert (tmp_path / name).read_bytes() == ref.joinpath(name).read_bytes(), name


def test_build_stops_on_a_key_it_cannot_resolve():
    mod = _script()
    legacy, new = mod._read_tables(mod._db_path())
    conv = json.loads(mod._converter_path().read_text(encoding="utf-8"))
    bad = copy.deepcopy(conv)
    wards = bad["DICT_PROVINCE_WARD_NO_DIVIDED"]["tinhdaklak"]
    wards["phuongphuyen"] = wards["phuongphuyen"] + ["tinhphuyen_thanhphotuyhoa_phuongkhongco"]
    with pytest.raises(SystemExit, match="phuongkhongco"):
        mod._pieces(bad, legacy, new)
    bad = copy.deepcopy(conv)
    bad["DICT_PROVINCE_WARD_DIVIDED"]["tinhdaklak"]["tinhphuyen_thanhphotuyhoa_phuongphulam"] = [
        {"newWardKey": "phuongphuyen", "isDefaultNewWard": True}
    ]
    with pytest.raises(SystemExit, match="both whole and divided"):
        mod._pieces(bad, legacy, new)
