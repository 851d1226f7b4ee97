"""The frozen reference of official units (src/motcua/reference/units.csv)."""

from __future__ import annotations

import re
import unicodedata
from importlib.metadata import version

from motcua.ingest.names import reference_meta, reference_units


def test_counts_of_both_schemas():
    legacy, new = reference_units("legacy"), reference_units("2025")
    assert (legacy["unit_level"] == "province").sum() == 63
    assert (legacy["unit_level"] == "district").sum() == 696
    assert (legacy["unit_level"] == "commune").sum() > 10_000
    assert (new["unit_level"] == "province").sum() == 34
    assert (new["unit_level"] == "commune").sum() == 3321
    assert not (new["unit_level"] == "district").any()


def test_phu_yen_districts_and_columns():
    ref = reference_units("legacy")
    py = ref[(ref["province_code"] == "54") & (ref["unit_level"] == "district")].set_index("unit_code")
    assert list(py.index) == ["555", "557", "558", "559", "560", "561", "562", "563", "564"]
    assert py.loc["555", "unit_name"] == "Thành phố Tuy Hòa"
    assert py.loc["564", "unit_name"] == "Thị xã Đông Hòa"
    assert py.loc["555", "parent_code"] == "54" and py.loc["555", "province_name"] == "Tỉnh Phú Yên"
    for col in ("unit_schema", "unit_level", "unit_code", "unit_name", "province_code", "province_name", "parent_code"):
        assert col in ref.columns


def test_names_are_nfc_with_new_style_tones():
    ref = reference_units(None)
    names = ref["unit_name"]
    assert (names == names.map(lambda s: unicodedata.normalize("NFC", s))).all()
    old = re.compile(r"(?<![qQ])(o[àáảãạèéẻẽẹ]|u[ỳýỷỹỵ])(?!\w)")
    assert not names.map(lambda s: bool(old.search(s))).any()


def test_codes_unique_per_schema_and_level():
    ref = reference_units(None)
    assert not ref.duplicated(["unit_schema", "unit_level", "unit_code"]).any()


def test_meta_names_installed_package_version():
    meta = reference_meta()
    assert meta["source_package"] == "vietnamadminunits"
    assert meta["source_version"] == version("vietnamadminunits")
    assert meta["counts"]["legacy/district"] == 696
