"""The report stage on a Dask distributed cluster equals a local build."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from motcua.report.page import without_build_stamp

pytestmark = pytest.mark.slow


def test_render_on_a_local_two_worker_cluster_equals_local_build(tmp_path: Path, built_sample):
    distributed = pytest.importorskip("distributed")
    from motcua.pipeline.stages import render_stage

    with distributed.LocalCluster(n_workers=2, threads_per_worker=1, processes=True, dashboard_address=None) as cluster:
        out = tmp_path / "reports"
        # one unit of each era: a legacy district (dissolved 1/7/2025) and a commune of 2025
        result = render_stage(built_sample["data"], out, units=["555", "22015"], scheduler=cluster.scheduler_address)
    assert result.ok, result.failed
    manifest = json.loads((out / "manifest.json").read_text(encoding="utf-8"))
    paths = {(e["unit_schema"], e["unit_code"]): e["path"] for e in manifest["reports"]}
    assert paths == {
        ("legacy", "555"): "units/legacy-555-thanh-pho-tuy-hoa.html",
        ("2025", "22015"): "units/22015-phuong-tuy-hoa.html",
    }
    for rel in paths.values():
        remote = (out / rel).read_text(encoding="utf-8")
        local = (built_sample["reports"] / rel).read_text(encoding="utf-8")
        assert without_build_stamp(remote) == without_build_stamp(local)
    assert (out / "index.html").exists() and (out / "province.html").exists()
