"""Empirical-Bayes shrinkage of a forecast's seasonality (motcua.model.forecast_season)."""

from __future__ import annotations

import numpy as np
import pytest
from scipy import special

from motcua.config import ConfigError
from motcua.model import backtest as bt
from motcua.model.design import harmonic_means
from motcua.model.forecast import forecast_draws
from motcua.model.forecast_season import forecast_fit, harmonic_factors, season_factor
from motcua.model.settings import settings_from_config
from motcua.model.trend import fit_arrays

EB = settings_from_config().with_(forecast_method="ensemble", forecast_season_shrink="empirical_bayes")


def _series(amp: float, seed: int, n: float = 600.0, months: int = 48):
    """A flat share of 40 % on the logit scale plus a month-of-year wave of ``amp`` (logit), binomial counts."""
    rng = np.random.default_rng(seed)
    s = bt.simulate_series("linear", rng, months=months + 12)
    s1, c1 = harmonic_means(s.t_start, s.t_end, 1)
    s.truth = special.expit(special.logit(0.4) + 0.2 * (s.t_start - s.t_start[0]) + amp * s1)
    s.trials = np.full(months + 12, n)
    s.successes = rng.binomial(int(n), s.truth).astype(float)
    f = fit_arrays(
        "x",
        "1",
        "online_rate",
        *(a[:months] for a in (s.period_start, s.period_end, s.t_start, s.t_end, s.successes, s.trials)),
        EB,
        breaks=[],
    )
    return s, f


def test_a_clear_seasonality_is_kept_and_noise_is_dropped():
    kept = [season_factor(_series(0.4, seed)[1]) for seed in range(5)]
    assert min(kept) > 0.9, kept
    noise = [season_factor(_series(0.0, seed)[1]) for seed in range(20)]
    # no seasonality: W ~ χ²₄, so max(0, 1 − 4/W) is 0 about half the time and small otherwise
    assert np.median(noise) < 0.2 and np.mean(noise) < 0.35, noise


def test_the_shrunk_copy_leaves_the_fit_alone_and_is_shrunk_once():
    _, f = _series(0.1, 3)
    before = f.params.copy()
    g = forecast_fit(f, EB)
    k = season_factor(f)
    assert 0.0 <= k < 1.0
    j = [i for i, nm in enumerate(f.names) if nm.startswith(("sin", "cos"))]
    assert np.array_equal(f.params, before)
    assert np.allclose(g.params[j], k * before[j]) and np.allclose(np.delete(g.params, j), np.delete(before, j))
    assert forecast_fit(g, EB) is g and forecast_fit(f, EB) is g  # kept on the fit, never shrunk twice
    assert forecast_fit(f, EB.with_(forecast_season_shrink="none")) is f


def test_shrinkage_changes_the_forecast_only_through_the_seasonality():
    """With the seasonality shrunk to nothing, the draws are those of a fit without seasonal terms' values."""
    s, f = _series(0.0, 7)
    t0, t1, vol = s.t_start[48:], s.t_end[48:], np.full(12, 600.0)
    a = forecast_draws(f, EB, t0, t1, vol, 400, np.random.default_rng(1))
    b = forecast_draws(f, EB.with_(forecast_season_shrink="none"), t0, t1, vol, 400, np.random.default_rng(1))
    assert a.shape == b.shape and np.isfinite(a).all()
    if season_factor(f) < 1.0:
        assert not np.array_equal(a, b)
    # the month-to-month spread of the median forecast shrinks with the seasonality
    assert np.std(np.diff(np.median(a, axis=0))) <= np.std(np.diff(np.median(b, axis=0))) + 1e-3


def test_per_harmonic_a_clear_annual_cycle_no_longer_keeps_a_noisy_half_yearly_one():
    """A strong annual wave and no half-yearly one: one factor keeps all four coefficients nearly whole, the
    per-harmonic factors keep the annual pair and shrink the half-yearly pair by its own evidence."""
    second = []
    for seed in range(12):
        _, f = _series(0.4, seed)
        j, k = harmonic_factors(f)
        names = [f.names[i] for i in j]
        assert names == ["sin1", "cos1", "sin2", "cos2"]
        assert k[0] == k[1] > 0.9 and k[2] == k[3]
        assert season_factor(f) > 0.9
        second.append(k[2])
    assert np.median(second) < 0.3 and np.mean(second) < 0.45, second
    h = EB.with_(forecast_season_shrink="empirical_bayes_harmonic")
    _, f = _series(0.4, 5)
    j, k = harmonic_factors(f)
    g = forecast_fit(f, h)
    assert np.allclose(g.params[j], k * f.params[j])
    assert forecast_fit(f, EB) is not g and forecast_fit(f, h) is g  # each mode its own copy, kept on the fit


def test_an_unknown_shrinkage_is_a_config_error():
    with pytest.raises(ConfigError, match="forecast_season_shrink"):
        settings_from_config({"forecast_season_shrink": "james_stein"})
