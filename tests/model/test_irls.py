"""The numpy IRLS against statsmodels' GLM: same estimates, covariance and steps, and the same model tables."""

from __future__ import annotations

import warnings

import numpy as np
import pandas as pd
import pytest
import statsmodels.api as sm

from motcua.model import run_model, trend
from motcua.model.irls import fit_binomial
from motcua.model.simulate import SimSpec, simulate_panel
from motcua.panel import conform

TOL = 1e-8


def _reference(y, n, X, w, start, offset):
    model = sm.GLM(
        np.column_stack([y, n - y]), X, family=sm.families.Binomial(), var_weights=w, offset=offset, hasconst=True
    )
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        return model.fit(method="IRLS", maxiter=100, tol=1e-9, start_params=start)


def _problem(rng: np.random.Generator, i: int):
    """A series as the trend model sees it: m periods, k columns, prior pseudo-records, overdispersion weights.
    Every fifth has no event at all (the prior alone keeps the fit finite), every seventh a huge volume."""
    m = int(rng.integers(8, 60))
    k = int(rng.integers(1, 9))
    t = np.linspace(-1.5, 1.5, m)
    X = np.column_stack([np.ones(m)] + [np.sin((j + 1) * t * 2.1 + j) for j in range(k - 1)])
    hi = 200_000 if i % 7 == 0 else 400
    n = rng.integers(1, hi, m).astype(float)
    p = 1.0 / (1.0 + np.exp(-(X @ rng.normal(0, 0.8, k) + rng.normal(-2, 2))))
    y = rng.binomial(n.astype(np.int64), p).astype(float)
    if i % 5 == 0:
        y[:] = 0.0
    A = 2.0 / rng.uniform(0.5, 3.0, k) ** 2
    Xa = np.vstack([X, np.eye(k)])
    ya = np.concatenate([y, A])
    na = np.concatenate([n, 2.0 * A])
    off = np.concatenate([np.zeros(m), -rng.normal(0, 1.0, k)])
    w = np.concatenate([1.0 / (1.0 + (n - 1.0) * rng.uniform(0, 0.02)), np.ones(k)])
    start = None if i % 2 else rng.normal(0, 0.3, k)
    return ya, na, Xa, w, start, off


def test_fast_irls_matches_statsmodels_on_many_simulated_series():
    rng = np.random.default_rng(20261207)
    for i in range(400):
        args = _problem(rng, i)
        ref = _reference(*args)
        got = fit_binomial(*args)
        assert got.iterations == ref.fit_history["iteration"], i
        assert got.converged == ref.converged, i
        scale = np.maximum(np.abs(ref.params), 1e-12)
        assert np.all(np.abs(got.params - ref.params) <= TOL * scale), i
        C = np.asarray(ref.normalized_cov_params)
        assert np.all(np.abs(got.normalized_cov_params - C) <= TOL * np.abs(C).max()), i


def test_fast_irls_fails_where_statsmodels_fails():
    # a NaN count: statsmodels refuses (NaN deviance or working response); so must the fast path
    y, n, X, w, start, off = _problem(np.random.default_rng(1), 1)
    y = y.copy()
    y[0] = np.nan
    with pytest.raises(ValueError):
        fit_binomial(y, n, X, w, start, off)


def _max_rel(a: pd.DataFrame, b: pd.DataFrame) -> float:
    assert list(a.columns) == list(b.columns) and a.shape == b.shape
    worst = 0.0
    for c in a.columns:
        if pd.api.types.is_bool_dtype(a[c]) or not pd.api.types.is_numeric_dtype(a[c]):
            pd.testing.assert_series_equal(a[c], b[c], check_names=False)
            continue
        x, y = a[c].to_numpy(float), b[c].to_numpy(float)
        assert np.array_equal(np.isnan(x), np.isnan(y)), c
        m = ~np.isnan(x)
        if m.any():
            worst = max(worst, float(np.max(np.abs(x[m] - y[m]) / np.maximum(np.abs(x[m]), 1e-300))))
    return worst


def test_model_tables_are_the_same_with_statsmodels_and_the_fast_path(monkeypatch, settings):
    # 12 districts × 54 months: trends, bends, seasonality, few-event series, forecasts and the comparison
    panel = conform(simulate_panel(SimSpec(n_units=12, months=54, seed=11))[0])
    s = settings.with_(jobs=1)
    fast = run_model(panel, s)
    monkeypatch.setattr(trend, "_glm", trend._glm_statsmodels)
    ref = run_model(panel, s)
    assert (fast.trend_summary["status"] == "ok").sum() > 20
    for name in ("trends", "trend_summary", "comparison", "targets"):
        assert _max_rel(getattr(ref, name), getattr(fast, name)) <= TOL, name
