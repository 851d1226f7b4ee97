"""The table of published figures with provenance."""

from __future__ import annotations

import hashlib

import pytest

from motcua.prose import extract_facts, load_published, save_published
from motcua.prose.published import PUBLISHED_COLUMNS


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
    from motcua.prose import published_display

    df = extract_facts([seeds["tuyhoa"]])
    d = published_display(df, unit_code="555")
    assert list(d["value"][:2]) == ["7.697", "4.302"]
    assert d["label"].iloc[0] == "Tổng số hồ sơ tiếp nhận"
    assert d["kind"].str.contains("Số liệu công bố").all()
    en = published_display(df, lang="en")
    assert "7,697" in set(en["value"]) and "99.47" in set(en["value"])


def test_cli_save_writes_the_table_deterministically(seeds, tmp_path, capsys):
    from motcua.prose.cli import main

    target = tmp_path / "data" / "published.csv"
    assert (
        main([str(seeds["tuyhoa"]), str(seeds["songcau"]), "--save", str(target), "--out", str(tmp_path / "f.json")])
        == 0
    )
    first = target.read_bytes()
    back = load_published(target)
    assert list(back.columns) == PUBLISHED_COLUMNS and "extracted_at" not in back.columns
    assert len(back) == len(extract_facts([seeds["tuyhoa"], seeds["songcau"]]))
    assert set(back["file"]) == {str(seeds["tuyhoa"]), str(seeds["songcau"])}
    assert (
        main([str(seeds["tuyhoa"]), str(seeds["songcau"]), "--save", str(target), "--out", str(tmp_path / "f.json")])
        == 0
    )
    assert target.read_bytes() == first  # no clock: same documents, same bytes
    with pytest.raises(SystemExit):
        main([str(seeds["tuyhoa"]), "--save", str(tmp_path / "x.json")])
    assert not (tmp_path / "x.json").exists()


def test_read_documents_uses_display_names_and_reports_problems(seeds, tmp_path):
    from motcua.prose import read_documents

    (tmp_path / "scan.pdf").write_bytes(b"%PDF-1.4")
    table, report = read_documents([(seeds["tuyhoa"], "raw/a.txt"), (tmp_path / "scan.pdf", "raw/scan.pdf")])
    assert list(table.columns) == PUBLISHED_COLUMNS and set(table["file"]) == {"raw/a.txt"}
    assert set(table["source_sha256"]) == {hashlib.sha256(seeds["tuyhoa"].read_bytes()).hexdigest()}
    assert report[0] == ("raw/a.txt", "", len(table))
    assert report[1][0] == "raw/scan.pdf" and report[1][1] and report[1][2] == 0
