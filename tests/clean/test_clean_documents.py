"""Prose documents among the raw inputs: read into published.csv, never as tables."""

from __future__ import annotations

import hashlib
import json
import shutil
from pathlib import Path

import pandas as pd
import pytest
from shared_texts import SKIP_REASON, seed_paths

from motcua.clean import run_clean
from motcua.prose.published import PUBLISHED_COLUMNS, load_published
from motcua.rawfiles import documents, is_document

SEED_PATHS = seed_paths()
TUYHOA = SEED_PATHS["tuyhoa"] if SEED_PATHS else Path("000_78cb98ae6bf302e5.txt")
needs_seeds = pytest.mark.skipif(SEED_PATHS is None, reason=SKIP_REASON)
MAR = "Kỳ báo cáo: Từ ngày 01/03/2024 đến ngày 31/03/2024"


def test_is_document(tmp_path):
    assert all(is_document(p) for p in (SEED_PATHS or {}).values())
    (tmp_path / "export.txt").write_text(
        "unit_code\tperiod_start\treceived_total\n555\t2023-01-01\t5\n557\t2023-01-01\t6\n"
    )
    (tmp_path / "semi.txt").write_text("STT;Đơn vị;Tổng số\n1;Huyện Tuy An;5\n2;Huyện Sơn Hòa;6\n")
    (tmp_path / "page.txt").write_text("<html><body><p>Năm 2023 tiếp nhận 5 hồ sơ.</p></body></html>")
    (tmp_path / "binary.txt").write_bytes(b"\x00\x01garbage" * 20)
    (tmp_path / "empty.txt").write_bytes(b"")
    (tmp_path / "r.pdf").write_bytes(b"%PDF-1.4")
    (tmp_path / "b.xlsx").write_bytes(b"PK")
    assert not is_document(tmp_path / "export.txt") and not is_document(tmp_path / "semi.txt")
    assert is_document(tmp_path / "page.txt") and is_document(tmp_path / "r.pdf")
    assert not is_document(tmp_path / "binary.txt") and not is_document(tmp_path / "empty.txt")
    assert not is_document(tmp_path / "b.xlsx")
    assert [d for _, d in documents([tmp_path])] == [f"{tmp_path.name}/page.txt", f"{tmp_path.name}/r.pdf"]


@needs_seeds
def test_documents_go_to_published_csv_not_to_the_panel(tmp_path, builders):
    c = builders.counts
    raw = tmp_path / "raw"
    builders.write_form(raw / "t3.xlsx", [("Huyện Tuy An", c(1, 9, 2, 5, 4, 1, 1, 1))], period_text=MAR)
    (raw / "van-ban").mkdir()
    shutil.copy(TUYHOA, raw / "van-ban" / TUYHOA.name)
    out = tmp_path / "out"
    res = run_clean([raw], out)
    # the document is not a table: no finding about it, the panel and the counting are unchanged
    assert not (res.quality["file"] == f"raw/van-ban/{TUYHOA.name}").any()
    assert len(res.panel) == 1 and res.rows_in == 1
    pub = load_published(out / "published.csv")
    assert list(pub.columns) == PUBLISHED_COLUMNS
    assert set(pub["file"]) == {f"raw/van-ban/{TUYHOA.name}"}  # display name, as in quality.csv: no machine path
    assert set(pub["source_sha256"]) == {hashlib.sha256(TUYHOA.read_bytes()).hexdigest()}
    assert pub.loc[pub["metric"] == "received_total", "value"].tolist()[0] == 7697
    meta = json.loads((out / "clean_meta.json").read_text(encoding="utf-8"))
    doc = [s for s in meta["sources"] if s["kind"] == "document"]
    assert doc == [
        {
            "file": f"raw/van-ban/{TUYHOA.name}",
            "sha256": hashlib.sha256(TUYHOA.read_bytes()).hexdigest(),
            "kind": "document",
            "synthetic": False,
            "rows": 0,
            "facts": len(pub),
        }
    ]
    assert meta["published"] == {"documents": 1, "facts": len(pub)}
    # same inputs, same bytes (no clock in the table)
    first = (out / "published.csv").read_bytes()
    run_clean([raw], out)
    assert (out / "published.csv").read_bytes() == first
    # the document removed: no stale published figures
    shutil.rmtree(raw / "van-ban")
    run_clean([raw], out)
    assert not (out / "published.csv").exists()


@needs_seeds
def test_unreadable_document_is_reported_and_others_still_read(tmp_path, builders):
    c = builders.counts
    raw = tmp_path / "raw"
    builders.write_form(raw / "t3.xlsx", [("Huyện Tuy An", c(1, 9, 2, 5, 4, 1, 1, 1))], period_text=MAR)
    (raw / "scan.pdf").write_bytes(b"%PDF-1.4")
    shutil.copy(TUYHOA, raw / "tuyhoa.txt")
    res = run_clean([raw], tmp_path / "out")
    q = res.quality[res.quality["file"] == "raw/scan.pdf"]
    assert q["rule"].tolist() == ["document_unreadable"] and q["severity"].tolist() == ["warning"]
    assert set(res.published["file"]) == {"raw/tuyhoa.txt"}
    assert isinstance(res.published, pd.DataFrame)
