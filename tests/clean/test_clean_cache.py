"""The clean stage's per-file cache (data/processed/.cache/clean): same result with or without it,
and a correction to one file re-reads that file alone."""

from __future__ import annotations

import shutil
from pathlib import Path

import pandas as pd

from motcua.clean.run import run_clean

ROOT = Path(__file__).resolve().parents[2]
SAMPLE = ROOT / "data" / "raw" / "sample"


def _same(a, b) -> None:
    pd.testing.assert_frame_equal(a.panel, b.panel)
    pd.testing.assert_frame_equal(a.quality, b.quality)
    assert {k: v for k, v in a.meta.items() if k != "seconds"} == {k: v for k, v in b.meta.items() if k != "seconds"}


def test_cache_gives_the_same_result_and_rereads_only_a_changed_file(tmp_path: Path, monkeypatch) -> None:
    raw = tmp_path / "sample"
    shutil.copytree(SAMPLE, raw)
    cache = tmp_path / "cache"
    plain = run_clean([raw])
    cold = run_clean([raw], cache_dir=cache)
    _same(plain, cold)
    entries = {p.name for p in cache.glob("*.pkl") if not p.name.startswith("names-")}
    assert len(entries) == len([p for p in raw.iterdir() if not p.name.startswith(".") and p.name != "README.md"])

    import motcua.clean.run as run_mod

    reads: list[str] = []
    real = run_mod._read_file
    monkeypatch.setattr(run_mod, "_read_file", lambda path, *a, **k: reads.append(path.name) or real(path, *a, **k))
    warm = run_clean([raw], cache_dir=cache)
    _same(plain, warm)
    assert reads == []

    # a corrected workbook: read again, alone; its old entry is pruned
    target = sorted(raw.glob("*.xlsx"))[0]
    import openpyxl

    wb = openpyxl.load_workbook(target)
    ws = wb.worksheets[0]
    ws.title = ws.title  # same content, new save: different bytes
    wb.properties.title = "corrected"
    wb.save(target)
    again = run_clean([raw], cache_dir=cache)
    assert reads == [target.name]
    monkeypatch.setattr(run_mod, "_read_file", real)
    _same(run_clean([raw]), again)
    after = {p.name for p in cache.glob("*.pkl") if not p.name.startswith("names-")}
    assert len(after) == len(entries)
    assert after != entries


def test_a_damaged_cache_entry_is_read_afresh(tmp_path: Path) -> None:
    cache = tmp_path / "cache"
    first = run_clean([SAMPLE], cache_dir=cache)
    for p in cache.glob("*.pkl"):
        p.write_bytes(b"not a pickle")
    _same(first, run_clean([SAMPLE], cache_dir=cache))


def test_unit_name_matches_are_kept_for_the_next_process(tmp_path: Path, monkeypatch) -> None:
    """A fresh process (here: an emptied match memo) re-reading a changed file matches no name again."""
    import motcua.ingest.names as names

    cache = tmp_path / "cache"
    monkeypatch.setattr(names, "_MATCHES", {})
    first = run_clean([SAMPLE], cache_dir=cache)
    kept = list(cache.glob("names-*.pkl"))
    assert len(kept) == 1 and len(names.known_matches()) > 0

    for p in cache.glob("*.pkl"):  # every file's entry gone: each file is read again
        if not p.name.startswith("names-"):
            p.unlink()
    monkeypatch.setattr(names, "_MATCHES", {})
    fuzzy: list[str] = []
    real = names._match_uncached
    monkeypatch.setattr(names, "_match_uncached", lambda name, *a: fuzzy.append(name) or real(name, *a))
    again = run_clean([SAMPLE], cache_dir=cache)
    _same(first, again)
    assert fuzzy == [], f"names matched again: {fuzzy[:5]}"
    assert list(cache.glob("names-*.pkl")) == kept


def test_a_damaged_match_memo_is_ignored(tmp_path: Path, monkeypatch) -> None:
    import motcua.ingest.names as names

    cache = tmp_path / "cache"
    monkeypatch.setattr(names, "_MATCHES", {})
    first = run_clean([SAMPLE], cache_dir=cache)
    for p in cache.glob("*.pkl"):
        p.write_bytes(b"not a pickle")
    monkeypatch.setattr(names, "_MATCHES", {})
    _same(first, run_clean([SAMPLE], cache_dir=cache))
