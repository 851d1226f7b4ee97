"""The raw inputs found under a folder: linked folders are followed (an analyst links the exports' share into
data/raw/), hidden and README files are not inputs, and a link back up the tree is read once, not looped."""

from __future__ import annotations

import os

import pytest

from motcua.rawfiles import discover


@pytest.mark.skipif(not hasattr(os, "symlink"), reason="no symbolic links here")
def test_files_in_a_linked_folder_are_inputs(tmp_path):
    share = tmp_path / "share" / "exports"
    share.mkdir(parents=True)
    (share / "bieu06_2025-07.xlsx").write_bytes(b"x")
    (share / "sub").mkdir()
    (share / "sub" / "bieu06_2025-08.xlsx").write_bytes(b"y")
    (share / "README.md").write_text("notes")
    (share / ".hidden.xlsx").write_bytes(b"z")
    raw = tmp_path / "raw"
    raw.mkdir()
    (raw / "own.xlsx").write_bytes(b"o")
    (raw / "province").symlink_to(share, target_is_directory=True)
    (share / "sub" / "up").symlink_to(share, target_is_directory=True)  # a loop: read once
    names = [name for _, name in discover([raw])]
    assert names == ["raw/own.xlsx", "raw/province/bieu06_2025-07.xlsx", "raw/province/sub/bieu06_2025-08.xlsx"]
