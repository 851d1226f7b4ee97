"""The continuity table is written by a forked process beside the model stage (run.in_child): the same table as
written inline, and an error there is the stage's error."""

from __future__ import annotations

import os

import pandas as pd
import pytest

import motcua.model.run as run


def test_the_work_runs_in_another_process_and_its_error_is_raised(tmp_path):
    out = tmp_path / "pid.txt"
    child = run.in_child(lambda: out.write_text(str(os.getpid())))
    assert child is not None
    child.wait()
    assert int(out.read_text()) != os.getpid()

    def fails() -> None:
        raise ValueError("continuity failed")

    child = run.in_child(fails)
    with pytest.raises(ValueError, match="continuity failed"):
        child.wait()


def test_the_table_written_beside_equals_the_table_written_inline(tmp_path, small_panel, monkeypatch):
    """jobs 1: written by the stage's own process while it fits (``meanwhile``); otherwise by a forked process."""
    seen: list[bool] = []

    def run_model(panel, config=None, cache_file=None, meanwhile=None):
        seen.append(meanwhile is not None)
        if meanwhile is not None:
            meanwhile()

    monkeypatch.setattr(run, "run_model", run_model)
    monkeypatch.setattr(run, "write_results", lambda result, data_dir: [])
    tables = {}
    for jobs in (1, 2):
        d = tmp_path / str(jobs)
        d.mkdir()
        small_panel.to_parquet(d / "panel.parquet")
        run.run_model_dir(d, {"jobs": jobs})
        tables[jobs] = (d / "continuity.parquet").read_bytes()
    assert seen == [True, False]
    assert tables[1] == tables[2]
    assert len(pd.read_parquet(tmp_path / "2" / "continuity.parquet"))
