"""The out-of-sample forecast check (motcua.model.backtest): its scores, and the forecasts it measures."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest

from motcua.model import backtest as bt
from motcua.model.settings import settings_from_config


def test_interval_score_matches_its_definition():
    draws = np.tile(np.linspace(0.2, 0.6, 1001)[:, None], (1, 3))
    sc = bt._score_one(draws, np.array([40.0, 10.0, 70.0]), np.array([100.0, 100.0, 100.0]))
    lo, hi = np.quantile(draws[:, 0], [0.025, 0.975])
    assert sc["covered"].tolist() == [True, False, False]
    assert sc["interval_score"][0] == pytest.approx(hi - lo)
    assert sc["interval_score"][1] == pytest.approx(hi - lo + 40 * (lo - 0.10))
    assert sc["interval_score"][2] == pytest.approx(hi - lo + 40 * (0.70 - hi))


def test_reliability_and_brier():
    t = pd.DataFrame({"forecaster": "m", "p": [0.05, 0.1, 0.9, 0.95], "met": [False, False, True, False]})
    assert bt.brier(t)["m"] == pytest.approx((0.05**2 + 0.1**2 + 0.1**2 + 0.95**2) / 4)
    r = bt.reliability(t, bins=2)
    assert r["n"].tolist() == [2, 2] and r["met_share"].tolist() == [0.0, 0.5]


@pytest.mark.parametrize("kind", bt.KINDS)
def test_simulated_series_stay_in_range(kind):
    s = bt.simulate_series(kind, np.random.default_rng(3), months=60)
    assert len(s.trials) == 60 and (s.successes <= s.trials).all() and (s.truth > 0).all() and (s.truth < 1).all()
    if kind == "logistic":
        assert s.truth.max() < 0.95
    assert (s.brk is not None) == (kind == "break")


def test_forecasts_stay_inside_0_and_1():
    settings = settings_from_config()
    rows, _ = bt.simulated_check(settings, {"model": bt.model_draws}, n_series=20, seed=4)
    assert rows["lower"].min() >= 0.0 and rows["upper"].max() <= 1.0
