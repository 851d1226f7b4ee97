"""The report stage on a Dask distributed cluster equals a local build (issue 6, item 6)."""
from __future__ import annotations

from pathlib import Path

import pytest

from motcua.report.page import without_build_stamp

pytestmark = pytest.mark.slow


def test_render_on_a_local_two_worker_cluster_equals_local_build(tmp_path: Path, built_sample):
    distributed = pytest.importorskip("distributed")
    from motcua.pipeline.stages import render_stage

    with distributed.LocalCluster(n_workers=2, threads_per_worker=1, processes=True, dashboard_address=None) as cluster:
        out = tmp_path / "reports"
        result = render_stage(built_sample["data"], out, units=["555", "561"], scheduler=cluster.scheduler_address)
    assert result.ok, result.failed
    for name in ("555-thanh-pho-tuy-hoa.html", "561-huyen-song-hinh.html"):
        remote = (out / "units" / name).read_text(encoding="utf-8")
        local = (built_sample["reports"] / "units" / name).read_text(encoding="utf-8")
        assert without_build_stamp(remote) == without_build_stamp(local)
    assert (out / "index.html").exists() and (out / "province.html").exists()
