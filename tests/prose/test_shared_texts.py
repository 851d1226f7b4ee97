"""The shared seed folder is found through MOTCUA_SHARED first, and only when it holds every seed."""

from __future__ import annotations

import shared_texts


def test_env_var_wins(tmp_path, monkeypatch):
    (tmp_path / "seeds").mkdir()
    for name in shared_texts.SEED_FILES.values():
        (tmp_path / "seeds" / name).write_text("x", encoding="utf-8")
    monkeypatch.setenv("MOTCUA_SHARED", str(tmp_path))
    assert shared_texts.shared_dir() == tmp_path
    assert shared_texts.seed_paths()["tuyhoa"] == tmp_path / "seeds" / "000_78cb98ae6bf302e5.txt"


def test_incomplete_folder_is_passed_over(tmp_path, monkeypatch):
    (tmp_path / "seeds").mkdir()
    (tmp_path / "seeds" / "000_78cb98ae6bf302e5.txt").write_text("x", encoding="utf-8")
    monkeypatch.setenv("MOTCUA_SHARED", str(tmp_path))
    assert shared_texts.shared_dir() != tmp_path


def test_nothing_found_gives_none(tmp_path, monkeypatch):
    monkeypatch.setenv("MOTCUA_SHARED", str(tmp_path))
    monkeypatch.setattr(shared_texts, "_candidates", lambda: [tmp_path])
    assert shared_texts.shared_dir() is None and shared_texts.seed_paths() is None
