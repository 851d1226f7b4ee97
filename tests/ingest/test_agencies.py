"""Provincial agencies (config/agencies.yaml): exact names, diacritics that count, a stable key each."""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest

from motcua.ingest.agencies import agency_candidates, is_agency_code, looks_like_agency, match_agency

ROOT = Path(__file__).resolve().parents[2]


@pytest.mark.parametrize(
    ("name", "key"),
    [
        ("Công an tỉnh", "cong-an"),
        ("CONG AN TINH", "cong-an"),
        ("Sở Tư pháp tỉnh Đắk Lắk", "so-tu-phap"),
        ("UBND Sở Xây dựng", "so-xay-dung"),
        ("2. Sở Y tế", "so-y-te"),
        ("Trung tâm Phục vụ hành chính công tỉnh", "trung-tam-pvhcc"),
        ("TT PVHCC tỉnh", "trung-tam-pvhcc"),
        ("Sở Văn hóa Thể thao và Du lịch", "so-van-hoa-the-thao-du-lich"),
    ],
)
def test_names_and_aliases_match_their_entry(name, key):
    a = match_agency(name, ("Đắk Lắk",))
    assert a is not None and a.key == key and is_agency_code(a.code("66")) and a.code("66") == f"66-{key}"


@pytest.mark.parametrize("name", ["Công an tịnh", "Sở Tư phap", "Công ty Điện lực", "Xã Công An", "Sở Du lịch", ""])
def test_other_spellings_and_other_units_never_match(name):
    assert match_agency(name, ("Đắk Lắk",)) is None


def test_an_unknown_agency_looks_like_one_and_gets_the_closest_names():
    assert looks_like_agency("Sở Du lịch và Thể thao biển") and looks_like_agency("SO DU LICH")
    assert not looks_like_agency("Xã Sơn Hòa") and not looks_like_agency("Bản Sở")
    assert agency_candidates("Sở Du lịch và Thể thao biển")[0] == "Sở Văn hóa, Thể thao và Du lịch"
    assert not is_agency_code("555") and not is_agency_code("66-Công an")


def test_a_key_used_twice_is_a_configuration_error(tmp_path, monkeypatch):
    cfg = tmp_path / "config"
    shutil.copytree(ROOT / "config", cfg)
    text = (cfg / "agencies.yaml").read_text(encoding="utf-8") + '  - key: cong-an\n    name: "Công an thành phố"\n'
    (cfg / "agencies.yaml").write_text(text, encoding="utf-8")
    monkeypatch.setenv("MOTCUA_CONFIG", str(cfg))
    with pytest.raises(ValueError, match="cong-an"):
        match_agency("Công an tỉnh")
