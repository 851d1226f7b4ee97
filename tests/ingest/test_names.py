"""Unit names → official codes: normalisation, matching, and never guessing."""

from __future__ import annotations

import unicodedata
from datetime import date

import pytest
from hypothesis import given
from hypothesis import strategies as st

from motcua.ingest.names import match_unit, normalize_name, reference_units
from motcua.ingest.text import clean_text, fold, to_new_style_tones
from motcua.sample import styles

PY = dict(schema="legacy", level="district", province_code="54")


@pytest.mark.parametrize(
    "written, code",
    [
        ("Thành phố Tuy Hòa", "555"),
        ("Thành phố Tuy Hoà", "555"),  # old-style tone mark
        ("UBND TP. Tuy Hoà", "555"),
        ("TP Tuy Hòa", "555"),
        ("TX. Sông Cầu", "557"),
        ("TX Đông Hoà", "564"),
        ("Huyện Đông Hòa", "564"),  # alias: upgraded to thị xã in 2020
        ("H. Tuy An", "559"),
        ("UBND huyện Sơn Hòa", "560"),
        ("huyen dong xuan", "558"),  # missing diacritics
        ("HUYỆN SÔNG HINH", "561"),
        ("1. UBND huyện Phú Hòa", "563"),
        ("Huyện Tây Hòa, tỉnh Phú Yên", "562"),
        ("Tây Hòa", "562"),
        ("Huyá»‡n TÃ¢y HÃ²a", "562"),  # mojibake
    ],
)
def test_known_variants_match(written, code):
    m = match_unit(written, **PY)
    assert m.unit_code == code, (written, m)
    assert (
        m.unit_name
        == reference_units("legacy").set_index(["unit_level", "unit_code"]).loc[("district", code), "unit_name"]
    )


def test_nfd_input_matches():
    m = match_unit(unicodedata.normalize("NFD", "Huyện Sơn Hoà"), **PY)
    assert m.unit_code == "560"


def test_unknown_name_returns_candidates_not_a_guess():
    m = match_unit("Huyện Xyz", **PY)
    assert m.unit_code is None and not m.matched
    assert len(m.candidates) >= 3
    assert m.candidates[0].score < 90


def test_ambiguous_short_name_is_not_guessed():
    m = match_unit("Kỳ Anh", schema="legacy", level="district")  # Huyện Kỳ Anh and Thị xã Kỳ Anh
    assert m.unit_code is None and m.method == "ambiguous"
    assert {c.unit_code for c in m.candidates} == {"447", "449"}


def test_close_typo_matches_fuzzily_and_far_typo_does_not():
    assert match_unit("Huyện Tuy Ann", **PY).unit_code == "559"
    m = match_unit("Huyện Tuy Hinh", **PY)  # between Tuy An / Sông Hinh: not confident
    assert m.unit_code is None or m.method == "fuzzy"


def test_2025_schema_ward():
    m = match_unit("Phường Tuy Hòa", schema="2025")
    assert m.unit_code == "22015" and m.province_code == "66"


def test_normalize_name_examples():
    assert normalize_name("UBND TP. Tuy Hoà") == "Thành phố Tuy Hòa"
    assert normalize_name("  TX.Sông  Cầu ") == "Thị xã Sông Cầu"
    assert normalize_name("P.9") == "Phường 9"
    assert normalize_name("TT Phú Hòa") == "Thị trấn Phú Hòa"


def test_tone_mark_conversion_leaves_other_syllables():
    assert to_new_style_tones("Hoàng Quý Huỳnh Thuỷ Khoẻ") == "Hoàng Quý Huỳnh Thủy Khỏe"


_DISTRICTS = reference_units("legacy")
_DISTRICTS = _DISTRICTS[_DISTRICTS["unit_level"] == "district"].reset_index(drop=True)


@given(
    i=st.integers(0, len(_DISTRICTS) - 1),
    variant=st.sampled_from(["official", "old", "nfd", "mojibake", "ubnd", "abbrev", "upper"]),
)
def test_property_name_variants_match_the_same_code(i, variant):
    row = _DISTRICTS.iloc[i]
    name, typ = row["unit_name"], row["unit_type"]
    written = {
        "official": name,
        "old": styles.to_old_style(name),
        "nfd": styles.nfd(name),
        "mojibake": styles.mojibake(name),
        "ubnd": styles.with_ubnd(name, typ),
        "abbrev": styles.abbreviated(name, typ),
        "upper": name.upper(),
    }[variant]
    m = match_unit(written, schema="legacy", level="district", province_code=row["province_code"])
    assert m.unit_code == row["unit_code"], (written, m)


@given(st.text(max_size=40))
def test_property_normalize_name_is_idempotent_and_total(s):
    once = normalize_name(s)
    assert normalize_name(once) == once
    assert unicodedata.normalize("NFC", once) == once


@given(st.text(max_size=40))
def test_property_match_unit_never_raises_and_never_guesses_below_threshold(s):
    m = match_unit(s, schema="legacy", level="district", province_code="54")
    if m.method == "fuzzy":
        assert m.score >= 90
    if m.unit_code is None:
        assert m.method in ("none", "ambiguous")


@given(st.text(alphabet="aàáảãạăằắẳẵặâầấẩẫậoòóỏõọuùúủũụyỳýỷỹỵeèéẻẽẹhqđ ", max_size=20))
def test_property_clean_text_fold_is_stable(s):
    assert fold(clean_text(s)) == fold(clean_text(clean_text(s)))


@given(
    st.text(max_size=40),
    st.dates(min_value=date(2000, 1, 1), max_value=date(2030, 12, 31)),
    st.sampled_from([None, "district", "commune", "province"]),
)
def test_property_match_with_fallback_never_raises(s, start, level):
    """Any name, any period (legacy or 2025 list), any level: a UnitMatch, never an exception or a low-score guess."""
    from motcua.ingest.unit_match import MatchContext, match_with_fallback

    m = match_with_fallback(s, MatchContext("legacy", level, "54"), start)
    if m.unit_code is not None:
        assert m.method != "fuzzy" or m.score >= 90
        assert m.unit_schema == ("2025" if start >= date(2025, 7, 1) else "legacy")


def _lossy(name: str) -> str:
    """UTF-8 decoded as cp1252 by a tool that drops the bytes cp1252 leaves undefined (docs/domain.md)."""
    return name.encode("utf-8").decode("cp1252", errors="ignore")


def test_lossy_mojibake_of_domain_example_is_repaired():
    from motcua.ingest.text import lossy_mojibake_candidates

    assert _lossy("Phường") == "PhÆ°á»ng"  # the ờ lost its third byte (0x9D)
    assert normalize_name("PhÆ°á»ng 9") == "Phường 9"
    assert len(lossy_mojibake_candidates("PhÆ°á»ng 9")) > 1  # several readings; the vocabulary decides
    assert normalize_name(_lossy("Huyện Đồng Xuân")) == "Huyện Đồng Xuân"  # Đ = C4 90 lost its 0x90
    assert lossy_mojibake_candidates("Huyện Tuy An") == []  # correct text is never touched


def test_lossy_mojibake_of_every_district_matches_its_unit():
    ref = reference_units("legacy")
    districts = ref[ref["unit_level"] == "district"]
    wrong = []
    for code, name, prov in zip(districts["unit_code"], districts["unit_name"], districts["province_code"]):
        m = match_unit(_lossy(str(name)), schema="legacy", level="district", province_code=str(prov))
        if m.unit_code != str(code):
            wrong.append((name, m.unit_code))
    assert not wrong, wrong[:10]


def test_every_district_matches_by_its_own_name_with_or_without_diacritics():
    """Exports often drop the type word ("Quản Bạ") or every diacritic ("huyen quan hoa", "quan hoa"). Each of
    the 696 districts is found within its province from its name without the type word, and from both forms
    without diacritics, unless its province has two units of that name ("Kỳ Anh": Huyện and Thị xã), which is
    then ambiguous, never guessed. Names that begin like a type word ("Quản Bạ", "Quan Sơn", "Tịnh Biên":
    quan ~ Quận, tinh ~ Tỉnh) were once read as "Quận Bạ", "Tỉnh Biên" and rejected."""
    from motcua.ingest.names import split_type

    failures = []
    short_of = {n: split_type(n)[1] for n in _DISTRICTS["unit_name"]}
    for row in _DISTRICTS.itertuples():
        peers = _DISTRICTS[_DISTRICTS["province_code"] == row.province_code]
        short = short_of[row.unit_name]
        readings = (
            (short, lambda n: short_of[n].lower()),
            (fold(short), lambda n: fold(short_of[n])),
            (fold(row.unit_name), None),
        )
        for written, key in readings:
            same = peers if key is None else peers[peers["unit_name"].map(key) == key(row.unit_name)]
            m = match_unit(written, schema="legacy", level="district", province_code=row.province_code)
            if key is not None and len(same) > 1:
                ok = m.unit_code is None and {c.unit_code for c in m.candidates} >= set(same["unit_code"])
            else:
                ok = m.unit_code == row.unit_code
            if not ok:
                failures.append((written, row.unit_code, m.unit_code, m.method))
    assert not failures, failures[:10]


def test_a_name_written_with_diacritics_keeps_its_first_word():
    from motcua.ingest.names import split_type

    assert split_type("Quản Bạ") == ("", "Quản Bạ")
    assert split_type("Tịnh Biên") == ("", "Tịnh Biên")
    assert split_type("Huyện Quản Bạ") == ("Huyện", "Quản Bạ")
    assert split_type("Quận 1") == ("Quận", "1")
    assert split_type("huyen dong xuan") == ("Huyện", "dong xuan")  # no diacritics at all: read by the folded word
    assert normalize_name("huyen dong xuan") == "Huyện Dong Xuan"
    assert match_unit("Quản Bạ", schema="legacy", level="district", province_code="02").unit_code == "029"
    assert match_unit("quan hoa", schema="legacy", level="district", province_code="38").unit_code == "385"


def test_a_provincial_city_is_never_read_as_its_province():
    """After 1/7/2025 a row "Thành phố Cao Bằng" (a district-level city, dissolved) once matched the whole province
    "Tỉnh Cao Bằng" as a change of type word (score 92), booking a city's dossiers to its province; 15 of the 696
    districts did. A change of type never goes to or from "Tỉnh" (type_differs_never, config/ingest.yaml); an exact
    name still matches ("Thành phố Huế" is a province-level city from 2025)."""
    m = match_unit("Thành phố Cao Bằng", schema="2025")
    assert m.unit_code is None, m
    assert match_unit("Tỉnh Cao Bằng", schema="2025").unit_level == "province"
    assert match_unit("Thành phố Cao Bằng", schema="legacy", level="district").unit_code == "040"
    assert match_unit("Thị xã Sông Cầu", **PY).unit_code == "557"
    assert match_unit("Huyện Sông Cầu", **PY).unit_code == "557"  # a town once a district: still a change of type
    wrong = []
    for name in _DISTRICTS["unit_name"]:
        m = match_unit(name, schema="2025")
        if m.matched and m.unit_level == "province" and m.method != "exact":
            wrong.append((name, m.unit_name, m.method))
    assert not wrong, wrong
