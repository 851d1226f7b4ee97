"""The model stage's fit cache and what a correction reaches: same results with or
without the cache; a correction to one unit's months before the comparison window refits that unit
alone and leaves the province comparison and every other unit's results exactly as they were, however
large the correction (the comparison and the priors are estimated from the window only)."""

from __future__ import annotations

from pathlib import Path

import pandas as pd
import pytest

import motcua.model.run as run_mod
from motcua.model import run_model


def _equal(a, b) -> None:
    for name in ("trends", "trend_summary", "comparison", "targets"):
        pd.testing.assert_frame_equal(getattr(a, name), getattr(b, name))


def _one_dossier(panel: pd.DataFrame, code: str) -> pd.DataFrame:
    """One more dossier, received in person and resolved on time, in the unit's first month."""
    p = panel.copy()
    first = p[p["unit_code"] == code].sort_values("period_start").index[0]
    for col in ("received_total", "received_offline", "resolved_total", "resolved_ontime"):
        p.loc[first, col] += 1
    return p


def _year_rewritten(panel: pd.DataFrame, code: str) -> pd.DataFrame:
    """The unit's first year re-exported very differently: a third of its on-time dossiers late,
    half of its online dossiers in person, and one month's volume ten times over (its whole-series
    overdispersion, pooled rate and trend all move)."""
    p = panel.copy()
    rows = p[p["unit_code"] == code].sort_values("period_start").index[:12]
    moved = p.loc[rows, "resolved_ontime"] // 3
    p.loc[rows, "resolved_ontime"] -= moved
    p.loc[rows, "resolved_late"] += moved
    half = p.loc[rows, "received_online"] // 2
    p.loc[rows, "received_online"] -= half
    p.loc[rows, "received_offline"] += half
    r = rows[5]
    extra = 9 * int(p.loc[r, "received_offline"])
    for col in ("received_total", "received_offline", "resolved_total", "resolved_ontime"):
        p.loc[r, col] += extra
    return p


@pytest.mark.parametrize("correct", [_one_dossier, _year_rewritten], ids=["one_dossier", "year_rewritten"])
def test_cache_same_result_and_one_correction_refits_one_unit(
    small_panel: pd.DataFrame, tmp_path: Path, monkeypatch, correct
) -> None:
    cache = tmp_path / "fits"
    plain = run_model(small_panel)
    cold = run_model(small_panel, cache_file=cache)
    _equal(plain, cold)

    fitted: list[str] = []
    real = run_mod._run_tasks
    monkeypatch.setattr(
        run_mod, "_run_tasks", lambda tasks, *a: fitted.extend(t[0][1] for t in tasks) or real(tasks, *a)
    )
    _equal(plain, run_model(small_panel, cache_file=cache))
    assert fitted == []

    code = sorted(small_panel["unit_code"].unique())[0]
    corrected = correct(small_panel, code)
    after = run_model(corrected, cache_file=cache)
    assert set(fitted) == {code}  # only this unit's three series were refitted
    monkeypatch.setattr(run_mod, "_run_tasks", real)
    _equal(run_model(corrected), after)  # the cache changes nothing
    pd.testing.assert_frame_equal(after.comparison, plain.comparison)
    others = lambda r: r.trends[r.trends["unit_code"] != code].reset_index(drop=True)  # noqa: E731
    pd.testing.assert_frame_equal(others(after), others(plain))
    summary_of = lambda r, mine: r.trend_summary[(r.trend_summary["unit_code"] == code) == mine].reset_index(drop=True)  # noqa: E731
    pd.testing.assert_frame_equal(summary_of(after, False), summary_of(plain, False))
    # the corrected unit's own fit did change (its trend rows differ), so the comparison had a chance to move
    assert not summary_of(after, True)["slope_pp_per_year"].equals(summary_of(plain, True)["slope_pp_per_year"])
