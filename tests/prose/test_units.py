"""Unit mentions and their codes."""

from __future__ import annotations

import pytest

from motcua.prose.units import find_mentions, match_mention


def _m(sentence):
    return [(m.written, m.level_word, m.name, m.institution, m.aggregate) for m in find_mentions(sentence)]


def test_named_generic_aggregate():
    assert _m("UBND thành phố Tuy Hoà tổ chức hội nghị") == [
        ("UBND thành phố Tuy Hoà", "thành phố", "Tuy Hoà", True, False)
    ]
    assert _m("bộ phận một cửa thành phố đã tiếp nhận") == [
        ("bộ phận một cửa thành phố", "thành phố", None, True, False)
    ]
    assert _m("UBND các phường xã tiếp nhận")[0][4] is True
    assert _m("Thị xã Sông Cầu - tỉnh Phú Yên") == [
        ("Thị xã Sông Cầu", "thị xã", "Sông Cầu", False, False),
        ("tỉnh Phú Yên", "tỉnh", "Phú Yên", False, False),
    ]


def test_numbered_wards_and_hyphenated_province():
    assert [x[2] for x in _m("UBND phường 8 với 93,86 điểm; UBND phường 6 với 92,03 điểm")] == ["8", "6"]
    assert _m("tỉnh Bà Rịa - Vũng Tàu")[0][2] == "Bà Rịa - Vũng Tàu"


def test_not_units():
    assert _m("các chỉ tiêu phát triển kinh tế - xã hội của địa phương") == []
    assert _m("hướng dẫn người dân thành phố") == []  # a bare level word without name or institution


@pytest.mark.parametrize(
    "lw,name,prov,code",
    [
        ("thành phố", "Tuy Hoà", None, "555"),
        ("thị xã", "Sông Cầu", None, "557"),
        ("huyện", "Dong Xuan", "54", "558"),
        ("phường", "9", "77", "26530"),
        ("tỉnh", "Bà Rịa - Vũng Tàu", None, "77"),
        ("thành phố", "Vũng Tàu", None, "747"),
    ],
)
def test_match(lw, name, prov, code):
    row, _ = match_mention(lw, name, province_code=prov)
    assert row is not None and row["unit_code"] == code


def test_ambiguous_without_province():
    row, flags = match_mention("phường", "9")
    assert row is None and flags[0].startswith("unit_ambiguous")


def test_parent_settles_ambiguity():
    row, _ = match_mention("phường", "9", province_code="54", parent_code="555")
    assert row["unit_code"] == "22024"


def test_trailing_person_name_trimmed():
    row, flags = match_mention("thành phố", "Tuy Hoà Cao Đình Huy")
    assert row["unit_code"] == "555" and any(f.startswith("unit_name_trimmed") for f in flags)


def test_abbreviated_level_words():
    assert _m("UBND TP.Tuy Hòa tiếp nhận")[0][1:3] == ("thành phố", "Tuy Hòa")
    assert [x[2] for x in _m("các xã thuộc TP. Tuy Hòa, TX.Sông Cầu")] == [None, "Tuy Hòa", "Sông Cầu"]
    row, _ = match_mention("tx", "Sông Cầu")
    assert row["unit_code"] == "557"


def test_sentence_split_keeps_abbreviations():
    from motcua.prose.segment import sentences

    parts = [s for _, s in sentences("UBND TP. Tuy Hòa tiếp nhận 7.697 hồ sơ. Số hồ sơ trực tuyến là 4.302 hồ sơ.")]
    assert parts == ["UBND TP. Tuy Hòa tiếp nhận 7.697 hồ sơ. ", "Số hồ sơ trực tuyến là 4.302 hồ sơ."]
