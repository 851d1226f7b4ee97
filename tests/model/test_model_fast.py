"""The model's per-series shortcuts give the numbers of the plain path: designs shared by series of the same
months (motcua.model.design), numpy.linalg's routines called without their wrappers (motcua.model.linalg), the
band's order statistics kept per number of draws (motcua.model.trend_draws). Every output of a series is compared
bit for bit."""

from __future__ import annotations

import warnings

import numpy as np
import pandas as pd
import pytest

from motcua.model import design as design_mod
from motcua.model import linalg
from motcua.model.fit_tasks import fit_chunk
from motcua.model.trend_draws import band_quantiles

from .test_run_workers import _same, _tasks


class _NoStore(dict):
    """A design cache that keeps nothing: every design is computed afresh, as before the cache."""

    def __setitem__(self, key, value) -> None:
        pass


def _numpy_linalg(monkeypatch) -> None:
    """motcua.model.linalg's functions replaced by numpy.linalg's own (the plain path)."""
    monkeypatch.setattr(linalg, "lstsq", lambda a, b, rcond=-1.0: np.linalg.lstsq(a, b, rcond=rcond)[0])
    monkeypatch.setattr(linalg, "solve", np.linalg.solve)
    monkeypatch.setattr(linalg, "eigh", np.linalg.eigh)
    monkeypatch.setattr(linalg, "polyfit1", lambda x, y: np.polyfit(x, y, 1))


def _recent(panel: pd.DataFrame, months: int) -> pd.DataFrame:
    """The panel's last ``months`` months (a national commune run models 17 months: no seasonality, no bends)."""
    starts = np.sort(panel["period_start"].unique())[-months:]
    return panel[panel["period_start"].isin(starts)].reset_index(drop=True)


@pytest.mark.parametrize("months", [54, 17])
def test_shortcuts_give_the_outputs_of_the_plain_path(small_panel, monkeypatch, months):
    tasks, s, until, target = _tasks(_recent(small_panel, months))
    some = tasks[:: max(1, len(tasks) // 10)]
    design_mod._DESIGNS.clear()
    fast = fit_chunk(some, s, until, target)
    assert len(design_mod._DESIGNS) < 3 * len(some)  # shared: far fewer designs than requests
    again = fit_chunk(some, s, until, target)  # every design from the cache
    with monkeypatch.context() as m:
        m.setattr(design_mod, "_DESIGNS", _NoStore())
        _numpy_linalg(m)
        plain = fit_chunk(some, s, until, target)
    assert any(r[0] is not None for r in plain)
    for a, b, c in zip(fast, again, plain):
        _same(a, c)
        _same(b, c)


def test_shared_design_is_the_computed_one_and_read_only():
    t0 = np.array([25.5, 25.5833, 25.6667])
    t1 = t0 + 1 / 12
    breaks = [pd.Timestamp("2025-07-01")]
    X, names = design_mod.design(t0, t1, center=25.6, harmonics=1, breaks=breaks)
    X2, _ = design_mod._design(t0, t1, 25.6, 1, breaks, ())
    assert X.tobytes() == X2.tobytes() and names == ["intercept", "trend", "sin1", "cos1", "step_2025-07-01"]
    assert not X.flags.writeable
    names.append("x")  # the caller's list, not the cache's
    Y, names_y = design_mod.design(t0.copy(), t1.copy(), center=25.6, harmonics=1, breaks=breaks)
    assert Y is X and names_y[-1] == "step_2025-07-01"
    Z, _ = design_mod.design(t0, t1, center=25.7, harmonics=1, breaks=breaks)
    assert Z is not X and not np.array_equal(Z[:, 1], X[:, 1])
    neg, _ = design_mod.design(np.array([-0.0]), np.array([1.0]), center=-0.0, harmonics=0)
    pos, _ = design_mod.design(np.array([-0.0]), np.array([1.0]), center=0.0, harmonics=0)
    assert neg is not pos  # a signed zero is another key


def test_linalg_gives_numpy_linalg_bits():
    rng = np.random.default_rng(3)
    for m, k in [(20, 2), (23, 6), (5, 5), (3, 4)]:
        a, b = rng.standard_normal((m, k)), rng.standard_normal(m)
        assert linalg.lstsq(a, b).tobytes() == np.linalg.lstsq(a, b, rcond=-1)[0].tobytes()
        s, r = a.T @ a + np.eye(k), rng.standard_normal(k)
        assert linalg.solve(s, r).tobytes() == np.linalg.solve(s, r).tobytes()
        w, v = linalg.eigh(s)
        w2, v2 = np.linalg.eigh(s)
        assert w.tobytes() == w2.tobytes() and v.tobytes() == v2.tobytes()
        x = np.sort(rng.uniform(-1.5, 0, m))
        assert linalg.polyfit1(x, b).tobytes() == np.polyfit(x, b, 1).tobytes()
    with pytest.raises(np.linalg.LinAlgError):
        linalg.solve(np.ones((2, 2)), np.ones(2))
    with warnings.catch_warnings(record=True) as got:
        warnings.simplefilter("always")
        c = linalg.polyfit1(np.ones(4), np.arange(4.0))
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        assert c.tobytes() == np.polyfit(np.ones(4), np.arange(4.0), 1).tobytes()
    assert any(issubclass(w.category, np.exceptions.RankWarning) for w in got)


@pytest.mark.parametrize("size, a", [(1000, 0.025), (750, 0.025), (250, 0.001), (7, 0.1), (1, 0.025)])
def test_band_quantiles_are_numpy_quantiles(size, a):
    x = np.random.default_rng(size).standard_normal((size, 5))
    lo, hi = band_quantiles(x, a)
    q = np.quantile(x, [a, 1 - a], axis=0)
    assert lo.tobytes() == q[0].tobytes() and hi.tobytes() == q[1].tobytes()
