"""The model stage's fit cache and rounded shared estimates (issue 6 item 4): same results with or
without the cache; a correction to one unit's oldest month refits that unit alone and leaves the
province comparison and every other unit's results as they were."""
from __future__ import annotations

from pathlib import Path

import pandas as pd

import motcua.model.run as run_mod
from motcua.model import run_model
from motcua.model.run import round_significant


def _equal(a, b) -> None:
    for name in ("trends", "trend_summary", "comparison", "targets"):
        pd.testing.assert_frame_equal(getattr(a, name), getattr(b, name))


def test_round_significant() -> None:
    assert round_significant(0.00123456, 2) == 0.0012
    assert round_significant(123.456, 2) == 120.0
    assert round_significant(0.0, 2) == 0.0
    assert round_significant(-0.0456, 1) == -0.05


def test_cache_same_result_and_one_correction_refits_one_unit(small_panel: pd.DataFrame, tmp_path: Path, monkeypatch) -> None:
    cache = tmp_path / "fits"
    plain = run_model(small_panel)
    cold = run_model(small_panel, cache_file=cache)
    _equal(plain, cold)

    fitted: list[str] = []
    real = run_mod._run_tasks
    monkeypatch.setattr(run_mod, "_run_tasks", lambda tasks, *a: fitted.extend(t[0][1] for t in tasks) or real(tasks, *a))
    _equal(plain, run_model(small_panel, cache_file=cache))
    assert fitted == []

    corrected = small_panel.copy()
    code = sorted(corrected["unit_code"].unique())[0]
    first = corrected[corrected["unit_code"] == code].sort_values("period_start").index[0]
    for col in ("received_total", "received_offline", "resolved_total", "resolved_ontime"):
        corrected.loc[first, col] += 1
    after = run_model(corrected, cache_file=cache)
    assert set(fitted) == {code}  # only this unit's three series were refitted
    monkeypatch.setattr(run_mod, "_run_tasks", real)
    _equal(run_model(corrected), after)  # the cache changes nothing
    pd.testing.assert_frame_equal(after.comparison, plain.comparison)
    others = lambda r: r.trends[r.trends["unit_code"] != code].reset_index(drop=True)  # noqa: E731
    pd.testing.assert_frame_equal(others(after), others(plain))
