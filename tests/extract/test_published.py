"""The table of published figures with provenance."""
from __future__ import annotations

import hashlib

import pytest

from motcua.extract import extract_facts, load_published, save_published
from motcua.extract.published import PUBLISHED_COLUMNS


@pytest.mark.parametrize("suffix", [".csv", ".parquet"])
def test_round_trip_with_provenance(seeds, tmp_path, suffix):
    df = extract_facts(list(seeds.values()))
    path = save_published(df, tmp_path / f"published{suffix}")
    back = load_published(path)
    assert list(back.columns) == PUBLISHED_COLUMNS
    assert len(back) == len(df)
    assert back["flags"].tolist() == df["flags"].tolist()
    assert back["unit_code"].tolist() == df["unit_code"].tolist()
    assert [float(v) for v in back["value"]] == [float(v) for v in df["value"]]
    sha = hashlib.sha256(seeds["tuyhoa"].read_bytes()).hexdigest()
    assert set(back.loc[back.file == str(seeds["tuyhoa"]), "source_sha256"]) == {sha}
    assert back["label"].str.contains("Số liệu công bố").all()


def test_bad_suffix(tmp_path, seeds):
    with pytest.raises(ValueError):
        save_published(extract_facts([seeds["phuong9"]]), tmp_path / "x.json")


def test_display_in_vietnamese(seeds):
    from motcua.extract import published_display

    df = extract_facts([seeds["tuyhoa"]])
    d = published_display(df, unit_code="555")
    assert list(d["value"][:2]) == ["7.697", "4.302"]
    assert d["label"].iloc[0] == "Tổng số hồ sơ tiếp nhận"
    assert d["kind"].str.contains("Số liệu công bố").all()
    en = published_display(df, lang="en")
    assert "7,697" in set(en["value"]) and "99.47" in set(en["value"])
