"""notebooks/20_model.ipynb and 00_explore.ipynb run end to end through papermill on a synthetic panel."""

from __future__ import annotations

import os
from pathlib import Path

import nbformat
import pandas as pd
import pytest

papermill = pytest.importorskip("papermill")

ROOT = Path(__file__).resolve().parents[2]


@pytest.fixture(scope="module")
def data_dir(tmp_path_factory, small_panel) -> Path:
    d = tmp_path_factory.mktemp("data")
    small_panel.to_parquet(d / "panel.parquet")
    return d


def _run(name: str, out: Path, params: dict) -> nbformat.NotebookNode:
    os.environ.setdefault("MPLBACKEND", "Agg")
    papermill.execute_notebook(
        str(ROOT / "notebooks" / name),
        str(out),
        parameters=params,
        cwd=str(ROOT),
        progress_bar=False,
        kernel_name="python3",
    )
    return nbformat.read(str(out), as_version=4)


def test_model_notebook_writes_results(data_dir: Path, tmp_path: Path):
    nb = _run("20_model.ipynb", tmp_path / "20.ipynb", {"data_dir": str(data_dir)})
    for name in ("trends.parquet", "trend_summary.parquet", "comparison.parquet"):
        assert (data_dir / name).exists()
    html = [o["data"].get("text/html", "") for c in nb.cells if c.cell_type == "code" for o in c.outputs if "data" in o]
    assert any("Tuy Hòa" in h for h in html)  # the province summary is shown
    assert len(pd.read_parquet(data_dir / "trend_summary.parquet")) == 27


def test_explore_notebook_plots_and_refits(data_dir: Path, tmp_path: Path):
    if not (data_dir / "trends.parquet").exists():
        from motcua.model import run_model_dir

        run_model_dir(data_dir)
    nb = _run("00_explore.ipynb", tmp_path / "00.ipynb", {"data_dir": str(data_dir), "unit_code": "557", "lang": "en"})
    images = [o for c in nb.cells if c.cell_type == "code" for o in c.outputs if "image/png" in o.get("data", {})]
    assert len(images) >= 4
    errors = [o for c in nb.cells if c.cell_type == "code" for o in c.outputs if o.output_type == "error"]
    assert not errors
