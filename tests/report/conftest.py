"""Fixtures of the report tests: small synthetic DATA folders (see synth.py), built once per session."""

from __future__ import annotations

import json
import os
import shutil
import sys
from pathlib import Path

import pandas as pd
import pytest

os.environ.setdefault("MPLBACKEND", "Agg")
HERE = Path(__file__).resolve().parent
sys.path.insert(0, str(HERE))

import synth  # noqa: E402
from synth import HOSTILE  # noqa: E402


@pytest.fixture(scope="session")
def data_dir(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """Nine Phú Yên units × 30 months, with the real model stage's tables; synthetic."""
    return synth.write_data_dir(tmp_path_factory.mktemp("data"))


@pytest.fixture(scope="session")
def hostile_dir(data_dir: Path, tmp_path_factory: pytest.TempPathFactory) -> Path:
    """The same data with a hostile unit name (555), province name, source file and quality message."""
    out = tmp_path_factory.mktemp("hostile")
    for p in filter(Path.is_file, data_dir.iterdir()):  # not the chart cache (DATA/.cache)
        shutil.copy(p, out / p.name)
    for name in ("panel.parquet", "trend_summary.parquet", "comparison.parquet"):
        df = pd.read_parquet(out / name)
        df.loc[df["unit_code"] == "555", "unit_name"] = HOSTILE
        if name == "panel.parquet":
            df["province_name"] = "Tỉnh <script>alert(2)</script>"
            df.loc[df["unit_code"] == "555", "source"] = "data/raw/<svg onload=alert(3)>.xlsx"
        df.to_parquet(out / name, index=False)
    q = pd.read_csv(out / "quality.csv", dtype=str, keep_default_na=False)
    q.loc[0, "message"] = "<b onmouseover=alert(4)>bad</b>"
    q.to_csv(out / "quality.csv", index=False)
    meta = json.loads((out / "clean_meta.json").read_text(encoding="utf-8"))
    meta["sources"].append({"file": '"><iframe src=javascript:alert(5)>', "sha256": "1" * 64, "kind": "form06"})
    (out / "clean_meta.json").write_text(json.dumps(meta, ensure_ascii=False), encoding="utf-8")
    return out


@pytest.fixture(scope="session")
def bare_dir(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """Only panel.parquet, in an old 07a-like layout (no channel split, no 766 columns), not synthetic."""
    panel = synth.fabricate_panel(synth.UNITS[:3], months=8)
    for c in ("received_online", "received_offline", "pending_ontime"):
        panel[c] = pd.array([pd.NA] * len(panel), dtype="Int64")
    out = tmp_path_factory.mktemp("bare")
    panel.to_parquet(out / "panel.parquet", index=False)
    return out
