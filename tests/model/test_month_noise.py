"""The month noise of the forecast draws (motcua.model.month_noise): the estimator recovers σ and ρ of simulated
series, tells the two apart on a series that moves across shares, and the draws have the variance it states."""

from __future__ import annotations

import numpy as np
import pytest
from scipy import special

from motcua.config import ConfigError
from motcua.model import backtest as bt
from motcua.model.forecast import forecast_design, forecast_draws
from motcua.model.month_noise import MonthNoise, count_variance, estimate_noise, fit_noise
from motcua.model.settings import settings_from_config
from motcua.model.trend import fit_arrays, month_draws, predictive_draws


def _series(kind: str, rng: np.random.Generator, size: float, months: int = 48, vol: float = 1000.0):
    """Counts around a share rising from 5 % to 88 % (its logit from −3 to 2): logit-normal noise of sd ``size``
    (``ln``), beta-binomial of ρ ``size`` (``bb``), or none (``bin``); returns (y, n, p)."""
    p = special.expit(np.linspace(-3.0, 2.0, months))
    n = rng.poisson(vol, months).astype(float)
    if kind == "ln":
        q = special.expit(special.logit(p) + size * rng.standard_normal(months))
    elif kind == "bb":
        c = (1 - size) / size
        q = rng.beta(p * c, (1 - p) * c)
    else:
        q = p
    return rng.binomial(n.astype(np.int64), q).astype(float), n, p


@pytest.mark.parametrize("sigma", [0.1, 0.3, 0.5])
def test_recovers_sigma_of_logit_normal_noise(sigma):
    rng = np.random.default_rng(11)
    got = [estimate_noise(*_series("ln", rng, sigma), 48, "logit_normal").sigma for _ in range(40)]
    assert np.mean(got) == pytest.approx(sigma, rel=0.08)
    assert all(g.rho == 0 for g in [estimate_noise(*_series("ln", rng, sigma), 48, "logit_normal")])


@pytest.mark.parametrize("rho", [0.002, 0.01, 0.03])
def test_recovers_rho_of_beta_binomial_noise(rho):
    rng = np.random.default_rng(12)
    got = [estimate_noise(*_series("bb", rng, rho), 48, "beta_binomial").rho for _ in range(40)]
    assert np.mean(got) == pytest.approx(rho, rel=0.1)


def test_auto_tells_logit_normal_from_beta_binomial_on_a_rising_share():
    rng = np.random.default_rng(13)
    ln = [estimate_noise(*_series("ln", rng, 0.4), 48, "auto") for _ in range(40)]
    bb = [estimate_noise(*_series("bb", rng, 0.02), 48, "auto") for _ in range(40)]
    assert np.mean([g.share == 1.0 for g in ln]) >= 0.7
    assert np.mean([g.share == 0.0 for g in bb]) >= 0.7
    # whichever it picks, the σ / ρ of the chosen component is of the simulated size
    assert np.median([g.sigma for g in ln if g.share == 1.0]) == pytest.approx(0.4, rel=0.15)
    assert np.median([g.rho for g in bb if g.share == 0.0]) == pytest.approx(0.02, rel=0.15)


def test_combined_splits_the_excess_between_both_components():
    rng = np.random.default_rng(14)
    got = [estimate_noise(*_series("ln", rng, 0.4), 48, "combined") for _ in range(30)]
    assert {g.share for g in got} <= {0.0, 0.25, 0.5, 0.75, 1.0}
    assert np.mean([g.share for g in got]) > 0.5  # mostly logit-normal


def test_binomial_counts_give_no_excess():
    rng = np.random.default_rng(15)
    got = [estimate_noise(*_series("bin", rng, 0.0), 48, "combined") for _ in range(20)]
    assert np.mean([g == MonthNoise() for g in got]) >= 0.3  # Σ e²/V ≤ df about half the time (χ² on 48 df)
    assert max(g.sigma for g in got) < 0.1 and max(g.rho for g in got) < 0.002


def test_count_variance_matches_simulation():
    rng = np.random.default_rng(16)
    n, p = np.array([50.0, 2000.0, 2000.0]), np.array([0.1, 0.5, 0.92])
    eta = np.repeat(special.logit(p)[None, :], 40000, axis=0)
    for rho, sigma in [(0.0, 0.4), (0.01, 0.0), (0.005, 0.3)]:
        r = month_draws(eta, n, rho, sigma, rng)
        assert np.var(r * n, axis=0) == pytest.approx(count_variance(n, p, rho, sigma), rel=0.06)


def test_fit_noise_per_mode_and_default_unchanged():
    st = settings_from_config().with_(forecast_method="damped", forecast_noise="beta_binomial")
    rng = np.random.default_rng(17)
    s = bt.simulate_series("logistic", rng, months=60)
    f = fit_arrays("x", "1", "online_rate", *(a[:48] for a in (s.period_start, s.period_end, s.t_start, s.t_end, s.successes, s.trials)), st, breaks=[])  # fmt: skip
    assert fit_noise(f, st) is None
    auto = fit_noise(f, st.with_(forecast_noise="auto"))
    assert auto.share in (0.0, 1.0) and auto.rho >= 0 and auto.sigma >= 0
    assert fit_noise(f, st.with_(forecast_noise="auto")) is auto  # kept on the fit
    t0, t1 = s.t_start[48:], s.t_end[48:]
    for method in ("glm", "damped", "ensemble", "growth"):
        for mode in ("beta_binomial", "logit_normal", "combined"):
            d = forecast_draws(
                f,
                st.with_(forecast_method=method, forecast_noise=mode),
                t0,
                t1,
                s.trials[48:],
                400,
                np.random.default_rng(1),
            )
            assert d.shape == (400, 12) and np.all((d >= 0) & (d <= 1))
    # beta_binomial: the draws of the fit's own ρ, draw for draw; another model's differ
    X, vol = forecast_design(f, st, t0, t1), s.trials[48:]
    a = predictive_draws(f, X, vol, 300, np.random.default_rng(2))
    b = forecast_draws(f, st.with_(forecast_method="glm"), t0, t1, vol, 300, np.random.default_rng(2), f.X(t0, t1))
    same = predictive_draws(f, X, vol, 300, np.random.default_rng(2), None, MonthNoise(f.rho, 0.0))
    assert np.array_equal(a, same)
    assert b.shape == a.shape
    ln = predictive_draws(f, X, vol, 300, np.random.default_rng(2), None, MonthNoise(0.0, 0.3, 1.0))
    assert not np.array_equal(a, ln)


def test_unknown_noise_model_is_refused():
    with pytest.raises(ConfigError, match="forecast_noise"):
        settings_from_config({"forecast_noise": "gaussian"})
    with pytest.raises(ConfigError, match="forecast_noise_below"):
        settings_from_config({"forecast_noise_below": 0.9})


def test_counts_less_noisy_than_the_binomial_scale_it_down_only_when_asked():
    rng = np.random.default_rng(18)
    p = special.expit(np.linspace(-1.0, 1.5, 48))
    n = rng.poisson(2000, 48).astype(float)
    y = np.round(n * special.expit(special.logit(p) + 0.02 * rng.standard_normal(48)))  # rounded, not counted
    assert estimate_noise(y, n, p, 48, "auto") == MonthNoise()  # the binomial floor
    got = estimate_noise(y, n, p, 48, "auto", below=0.01)
    x2 = float(np.sum((y - n * p) ** 2 / (n * p * (1 - p))))
    assert got.binomial == pytest.approx(x2 / 48) and got.binomial < 0.5 and got.df == 48
    # binomial counts: scaled down in about 1 % of series at the level 0.01
    scaled = [estimate_noise(*_series("bin", rng, 0.0), 48, "auto", below=0.01).binomial < 1 for _ in range(200)]
    assert np.mean(scaled) <= 0.04
    # a rate near its ceiling on a few dossiers a month: residuals small by discreteness, the binomial kept
    p_hi, n_few = np.full(48, 0.97), np.full(48, 6.0)
    y_few = rng.binomial(6, p_hi).astype(float)
    assert estimate_noise(y_few, n_few, p_hi, 47, "auto", below=0.01) == MonthNoise()
    # the draws' variance is that share of the binomial's
    eta = np.full((40000, 1), special.logit(0.3))
    r = month_draws(eta, np.array([1000.0]), 0.0, 0.0, rng, binomial=0.25)
    assert np.var(r) == pytest.approx(0.25 * 0.3 * 0.7 / 1000, rel=0.05)


def test_draws_carry_the_uncertainty_of_the_estimated_noise():
    rng = np.random.default_rng(19)
    eta = np.zeros((60000, 1))
    n = np.array([10**6], float)  # the binomial negligible: the draw's variance is the logit-normal step's
    plain = np.var(special.logit(month_draws(eta, n, 0.0, 0.4, rng)))
    wide = np.var(special.logit(month_draws(eta, n, 0.0, 0.4, rng, df=10)))
    assert plain == pytest.approx(0.16, rel=0.03)
    assert wide == pytest.approx(0.16 * 10 / 8, rel=0.06)  # E[df / χ²(df)] = df / (df − 2)
