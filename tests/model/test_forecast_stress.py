"""Stress check of the configured forecast on a simulation design the project's own simulator does not use
(motcua.model.simulate_designs; the full grid is bench/forecast_stress.py).

The design: adoption curves whose midpoint comes 0.2–1.0 years after the last fitted month, so the share is
still accelerating from its floor when the data end and climbs most of the way to its ceiling in the held-out
year. A damped or Kalman trend fades the slope there and the held-out months fall above the band: before the
curve rising from a floor (``forecast_growth_floor: rising``) the configured method covered 86 / 69 / 61 / 56 %
of them at 1–3 / 4–6 / 7–9 / 10–12 months (the seed below, 150 series), with it 90 / 80 / 73 / 73 %. About
half the series show too little of their rise for that curve to be identified (a share that went from 5 % to
10 % in four years and reaches 50 % the next year): no forecast from the data alone covers them, so the honest
bound here is well below 93 %.
"""

from __future__ import annotations

import numpy as np
import pandas as pd

from motcua.model import backtest as bt
from motcua.model.settings import settings_from_config
from motcua.model.simulate_designs import DESIGNS, simulate


def _coverage(settings, n_series: int = 150, seed: int = 31) -> pd.Series:
    """Coverage of the 95 % prediction intervals per block of three horizons (1–3, …, 10–12)."""
    rng = np.random.default_rng(seed)
    rng_fc = np.random.default_rng([seed, 1])
    fcs = {"new": lambda fit, _s, *a: bt.model_draws(fit, settings, *a)}
    rows = []
    for _ in range(n_series):
        s = simulate(DESIGNS["rising"], rng)
        rows += bt.score_series(s, s["fit_months"], settings, fcs, rng_fc, breaks=[])[0]
    df = pd.DataFrame(rows)
    return df.groupby((df["horizon"] - 1) // 3)["covered"].mean()


def test_curves_still_accelerating_are_covered():
    cov = _coverage(settings_from_config())
    assert cov.min() >= 0.68, cov.round(3).to_dict()
    assert cov.max() <= 0.99, cov.round(3).to_dict()


def test_the_rising_curve_is_tried_on_the_listed_rates_only():
    """``forecast_growth_floor_rates`` (config/model.yaml: the online share) lists the rates the curve rising from a
    floor is tried on: the same counts fitted as an on-time rate are forecast as without it, draw for draw."""
    import dataclasses

    from motcua.model import forecast

    settings = settings_from_config()
    assert settings.forecast_growth_floor == "rising" and settings.forecast_growth_floor_rates == ("online_rate",)
    rng = np.random.default_rng(31)
    tried = 0
    for _ in range(40):
        s = simulate(DESIGNS["rising"], rng)
        fit = bt.fit_first(s, s["fit_months"], settings, breaks=[])
        if not forecast._rising(fit, settings):
            continue
        tried += 1
        ontime = dataclasses.replace(fit, rate="ontime_rate_report")
        assert not forecast._rising(ontime, settings)
        without = dataclasses.replace(settings, forecast_growth_floor="none")
        t0, t1 = fit.t_end[-1] + np.arange(6) / 12, fit.t_end[-1] + np.arange(1, 7) / 12
        vol = np.full(6, 500.0)
        got = forecast.forecast_draws(ontime, settings, t0, t1, vol, 200, np.random.default_rng(5))
        want = forecast.forecast_draws(ontime, without, t0, t1, vol, 200, np.random.default_rng(5))
        np.testing.assert_array_equal(got, want)
        with_rise = forecast.forecast_draws(fit, settings, t0, t1, vol, 200, np.random.default_rng(5))
        assert not np.array_equal(with_rise, want)
    assert tried >= 5, tried
