"""The shipped configuration turned to the 2025 province (Đắk Lắk, 66, communes): the same raw folder must give
the same panel under it as under the shipped legacy (Phú Yên, 54) one."""

from __future__ import annotations

import importlib.util
import shutil
import sys
from pathlib import Path
from types import ModuleType

import pandas as pd
import pytest

ROOT = Path(__file__).resolve().parents[1]
#: config/province.yaml's legacy lines and their 2025 replacements
TO_2025 = (
    ('province_code: "54"', 'province_code: "66"'),
    ('province_name: "Tỉnh Phú Yên"', 'province_name: "Tỉnh Đắk Lắk"'),
    ("unit_schema: legacy", 'unit_schema: "2025"'),
    ("unit_level: district", "unit_level: commune"),
)


def config_66(folder: Path) -> Path:
    """A copy of config/ in ``folder`` whose province.yaml names the 2025 province; returns the copy's path."""
    shutil.copytree(ROOT / "config", folder)
    text = (folder / "province.yaml").read_text(encoding="utf-8")
    for a, b in TO_2025:
        assert a in text, a
        text = text.replace(a, b)
    (folder / "province.yaml").write_text(text, encoding="utf-8")
    return folder


#: the columns that name one panel row (a unit in its era, a period)
PANEL_KEY = ["unit_schema", "unit_code", "unit_level", "unit_name", "province_code", "period_start", "period_end"]


def load_generator(name: str, path: Path) -> ModuleType:
    """Import a generator of test workbooks (tests/data/...) from its file, registered as ``name``: its dataclasses
    look their module up in sys.modules."""
    spec = importlib.util.spec_from_file_location(name, path)
    mod = importlib.util.module_from_spec(spec)
    sys.modules[name] = mod
    spec.loader.exec_module(mod)  # type: ignore[union-attr]
    return mod


def clean_both(raw: Path, tmp: Path) -> dict:
    """``raw`` cleaned under the shipped (legacy Phú Yên, "54") configuration and under the 2025 Đắk Lắk ("66") one;
    keyed by the configured code."""
    from motcua.clean import run_clean

    out: dict = {}
    mp = pytest.MonkeyPatch()
    try:
        out["54"] = run_clean([raw], tmp / "out-54")
        mp.setenv("MOTCUA_CONFIG", str(config_66(tmp / "config-66")))
        out["66"] = run_clean([raw], tmp / "out-66")
    finally:
        mp.undo()
    return out


def rows_of_files(df: pd.DataFrame, column: str, truth: pd.DataFrame) -> pd.DataFrame:
    """The rows of ``df`` whose file (``column``, a path) is one of ``truth``'s files, with a ``file`` column of the
    file's name."""
    names = df[column].astype(str).map(lambda s: Path(s).name)
    return df[names.isin(set(truth["file"]))].assign(file=names)
