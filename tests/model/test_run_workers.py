"""How the model stage shares out its series: chunk bounds, outputs packed by the workers, forked workers finding
their tasks, the caller's work run while they fit, and the forecast's component settings made once."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest

import motcua.model.run as run_mod
from motcua.model import run_model
from motcua.model.compare import window_rows
from motcua.model.fit_tasks import build_tasks, fit_chunk, pack_result, province_priors, unpack_result
from motcua.model.series import build_series
from motcua.model.settings import settings_from_config


@pytest.mark.parametrize("n, chunks", [(0, 4), (1, 32), (5, 32), (100, 8), (101, 8), (9963, 32)])
def test_chunk_bounds_cover_every_item_once_in_order(n, chunks):
    b = run_mod.chunk_bounds(n, chunks)
    assert b[0] == 0 and b[-1] == n
    sizes = np.diff(b)
    assert (sizes > 0).all() and sizes.sum() == n
    assert len(sizes) <= chunks
    assert sizes.max() - sizes.min() <= -(-n // chunks) if n else True


def _tasks(panel: pd.DataFrame):
    s = settings_from_config()
    series, notes = build_series(panel, s.rates)
    as_of = pd.Timestamp(series["period_end"].max())
    window = window_rows(series, s.comparison_window_months)
    until = pd.Timestamp(year=as_of.year + 1, month=12, day=31)
    target = pd.Timestamp(year=as_of.year, month=12, day=31)
    return build_tasks(series, notes, province_priors(window, s.shared_logit_decimals), as_of), s, until, target


def _same(a, b) -> None:
    rows_a, summ_a, targ_a = a
    rows_b, summ_b, targ_b = b
    assert (rows_a is None) == (rows_b is None)
    if rows_a is not None:
        assert list(rows_a) == list(rows_b)
        for c in rows_a:
            assert rows_a[c].dtype == rows_b[c].dtype
            if rows_a[c].dtype == object:
                assert rows_a[c].tolist() == rows_b[c].tolist()
            else:
                assert rows_a[c].tobytes() == rows_b[c].tobytes()
    pd.testing.assert_series_equal(pd.Series(summ_a, dtype=object), pd.Series(summ_b, dtype=object))
    pd.testing.assert_frame_equal(pd.DataFrame(targ_a), pd.DataFrame(targ_b))  # NaN equal to NaN


def test_packed_outputs_unpack_to_the_outputs(small_panel):
    tasks, s, until, target = _tasks(small_panel)
    some = tasks[:6]
    plain = fit_chunk(some, s, until, target)
    packed = fit_chunk(some, s, until, target, packed=True)
    assert [p[0] for p in packed] == ["packed"] * len(some)
    for r, p in zip(plain, packed):
        _same(r, unpack_result(p))
        _same(unpack_result(pack_result(r)), unpack_result(p))


def test_forked_workers_fit_their_range_of_the_tasks(small_panel, monkeypatch):
    """The workers get each chunk as its bounds; the outputs are those of one process, in task order, and the
    tasks are not kept once the workers are done."""
    tasks, s, until, target = _tasks(small_panel)
    tasks = tasks[:12]
    monkeypatch.setattr(run_mod, "jobs_for", lambda settings, n: 2)
    monkeypatch.setattr(run_mod, "CHUNKS_PER_WORKER", 3)  # 6 chunks of 2
    seen: list[str] = []
    two = run_mod._run_tasks(tasks, s, until, target, lambda: seen.append("meanwhile"), True)
    assert seen == ["meanwhile"]
    assert run_mod._SHARED is None
    one = fit_chunk(tasks, s, until, target)
    assert len(two) == len(one)
    for r, p in zip(one, two):
        _same(r, unpack_result(p))


def test_callers_work_runs_once_with_or_without_series(small_panel, tmp_path):
    calls: list[int] = []
    res = run_model(small_panel, cache_file=tmp_path / "fits", meanwhile=lambda: calls.append(1))
    assert calls == [1] and len(res.trend_summary)
    again = run_model(small_panel, cache_file=tmp_path / "fits", meanwhile=lambda: calls.append(2))  # from the cache
    assert calls == [1, 2]
    pd.testing.assert_frame_equal(res.trends, again.trends)
    empty = small_panel.iloc[:0]
    run_model(empty, meanwhile=lambda: calls.append(3))
    assert calls == [1, 2, 3]


def test_a_mixtures_component_settings_are_made_once():
    from motcua.model import forecast

    s = settings_from_config().with_(forecast_method="ensemble")
    d = forecast._sub(s, "damped")
    assert d == s.with_(forecast_method="damped")
    assert forecast._sub(s, "damped") is d
    assert forecast._sub(s, "ensemble") is s
    other = s.with_(forecast_damping=0.5)
    assert forecast._sub(other, "damped").forecast_damping == 0.5
