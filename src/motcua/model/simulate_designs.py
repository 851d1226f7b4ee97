"""Simulated online-share series of other designs than the project's own simulator, for stress checks of the
forecasts (bench/forecast_stress.py, tests/model/test_forecast_stress.py).

Grain of :func:`simulate`'s output: one series, arrays with one element per month (as
:func:`motcua.model.backtest.score_series` reads them) — ``fit_months`` fitted months (missing months dropped:
no row) then 12 held-out months — with the series' ``noise`` kind and its ``curve`` (ceiling, speed per year,
midpoint in years after the last fitted month).

Every series is an adoption curve on the share, floor + (ceiling − floor) · expit(speed · (t − midpoint)), with
month-of-year seasonality on the logit scale and monthly overdispersion; a :class:`Design` sets the ranges its
knobs are drawn from, and :data:`DESIGNS` are the readings of one description ("logistic curves towards ceilings
of 35–92 % with different speeds and midpoints, month-of-year seasonality and monthly overdispersion") that
differ from :func:`motcua.model.backtest.simulate_series`: volumes, the kind and size of the overdispersion
(beta-binomial, logit-normal, gamma-Poisson on each count, none, counts rounded from the share), the shape of the
seasonality (two harmonic pairs, a dip in January–February around the lunar new year, one-month shocks), where
the midpoints sit relative to the fitted window, fixed ceilings, very fast or slow curves, a floor at 0, missing
months, 36 or 60 fitted months.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
import pandas as pd
from scipy import special

from motcua.model.design import harmonic_means
from motcua.model.series import years


@dataclass(frozen=True)
class Design:
    """One reading of the outside check's description; the base draws every knob from a wide range."""

    fit_months: int = 48
    start: str = "2019-02-01"  # the held-out year ends before the configured break (July 2025)
    volume: tuple[float, float] = (80.0, 4000.0)  # log-uniform mean dossiers a month
    volume_swing: float = 0.25  # month-of-year swing of the volume (first harmonic)
    ceiling: tuple[float, float] = (0.35, 0.92)
    floor: tuple[float, float] = (0.0, 0.08)
    speed: tuple[float, float] = (0.5, 4.0)  # logistic rate per year
    mid: tuple[float, float] = (-0.1, 1.1)  # midpoint, as a share of the simulated span (0 = first month)
    noise: str = "mixed"  # beta_binomial | logit_normal | gamma_poisson | mixed (one of the three) | none
    rho: tuple[float, float] = (0.0005, 0.008)  # beta-binomial intra-month correlation, log-uniform
    sigma: tuple[float, float] = (0.05, 0.3)  # logit-normal sd
    shape: tuple[float, float] = (50.0, 2000.0)  # gamma-Poisson: gamma shape of each count's rate, log-uniform
    rounded: bool = False  # counts = round(volume × noisy share) instead of a binomial draw
    season: str = "h1"  # h1 | h2 | tet | none
    season_amp: tuple[float, float] = (0.0, 0.25)
    shocks: int = 0  # months with a one-month logit shock of ±0.4–1.0
    missing: int = 0  # fitted months dropped (no row), none of the last 3


DESIGNS: dict[str, Design] = {
    "base": Design(),
    "vol_small": Design(volume=(20.0, 80.0)),
    "vol_large": Design(volume=(5000.0, 20000.0)),
    "od_none": Design(noise="none"),
    "od_bb_large": Design(noise="beta_binomial", rho=(0.01, 0.03)),
    "od_ln_large": Design(noise="logit_normal", sigma=(0.3, 0.5)),
    "od_gp": Design(noise="gamma_poisson", shape=(20.0, 500.0)),
    "rounded": Design(noise="logit_normal", sigma=(0.02, 0.1), rounded=True),
    "season_h2": Design(season="h2", season_amp=(0.1, 0.4)),
    "tet": Design(season="tet", season_amp=(0.2, 0.6)),
    "shocks": Design(shocks=2),
    "mid_before": Design(mid=(-0.8, 0.0)),
    "mid_after": Design(mid=(1.0, 1.6)),
    "rising": Design(mid=(0.85, 1.0)),  # the midpoint 0.2–1.0 years after the last fitted month (48 months)
    "ceil_35": Design(ceiling=(0.35, 0.35)),
    "ceil_92": Design(ceiling=(0.92, 0.92)),
    "fast": Design(speed=(4.0, 8.0), mid=(0.2, 1.0)),
    "slow": Design(speed=(0.15, 0.5)),
    "zeros": Design(floor=(0.0, 0.0), volume=(20.0, 300.0), mid=(0.4, 1.2)),
    "missing": Design(missing=3),
    "fit36": Design(fit_months=36),
    "fit60": Design(fit_months=60),
}


def _months(d: Design) -> dict:
    m = d.fit_months + 12
    starts = pd.date_range(d.start, periods=m, freq="MS")
    ends = starts + pd.offsets.MonthEnd(0)
    t0 = np.asarray(years(pd.Series(starts)), float)
    t1 = np.asarray(years(pd.Series(ends + pd.Timedelta(days=1))), float)
    return {"starts": starts, "ends": ends, "t0": t0, "t1": t1, "tm": (t0 + t1) / 2}


def _loguniform(rng: np.random.Generator, lo_hi: tuple[float, float]) -> float:
    return float(np.exp(rng.uniform(np.log(lo_hi[0]), np.log(lo_hi[1]))))


def _season(d: Design, rng: np.random.Generator, mo: dict) -> np.ndarray:
    amp = rng.uniform(*d.season_amp)
    if d.season == "none":
        return np.zeros(len(mo["tm"]))
    if d.season == "tet":  # a dip in January and February (the lunar new year), nothing else
        month = mo["starts"].month.to_numpy()
        return -amp * np.isin(month, (1, 2)) * np.where(month == 2, 1.0, 0.6)
    out = np.zeros(len(mo["tm"]))
    for k in range(1 if d.season == "h1" else 2):
        s, c = harmonic_means(mo["t0"], mo["t1"], k + 1)
        ph = rng.uniform(0, 2 * np.pi)
        out += amp / (k + 1) * (np.cos(ph) * s + np.sin(ph) * c)
    return out


def simulate(d: Design, rng: np.random.Generator) -> dict:
    """One series of the design: arrays as motcua.model.backtest.score_series reads them (missing months
    dropped from the fitted part), ``fit_months`` the number of fitted rows left."""
    mo = _months(d)
    tm, m = mo["tm"], len(mo["tm"])
    span = tm[-1] - tm[0]
    ceiling, floor = rng.uniform(*d.ceiling), rng.uniform(*d.floor)
    speed, mid = rng.uniform(*d.speed), tm[0] + span * rng.uniform(*d.mid)
    p = floor + (ceiling - floor) * special.expit(speed * (tm - mid))
    eta = special.logit(np.clip(p, 1e-6, 1 - 1e-6)) + _season(d, rng, mo)
    if d.shocks:
        at = rng.choice(m, d.shocks, replace=False)
        eta[at] += rng.choice([-1, 1], d.shocks) * rng.uniform(0.4, 1.0, d.shocks)
    s1, _ = harmonic_means(mo["t0"], mo["t1"], 1)
    vol = _loguniform(rng, d.volume) * (1 + d.volume_swing * s1)
    noise = d.noise if d.noise != "mixed" else str(rng.choice(["beta_binomial", "logit_normal", "gamma_poisson"]))
    if noise == "gamma_poisson":  # online and offline counts each Poisson with a gamma-mixed rate
        k = _loguniform(rng, d.shape)
        q = special.expit(eta)
        on = rng.poisson(vol * q * rng.gamma(k, 1 / k, m))
        off = rng.poisson(vol * (1 - q) * rng.gamma(k, 1 / k, m))
        y, n = on.astype(float), (on + off).astype(float)
    else:
        if noise == "beta_binomial":
            rho = _loguniform(rng, d.rho)
            c = (1 - rho) / rho
            pe = special.expit(eta)
            q = rng.beta(np.maximum(pe * c, 1e-9), np.maximum((1 - pe) * c, 1e-9))
        elif noise == "logit_normal":
            q = special.expit(eta + rng.uniform(*d.sigma) * rng.standard_normal(m))
        else:
            q = special.expit(eta)
        n = rng.poisson(vol).astype(float)
        y = np.round(n * q) if d.rounded else rng.binomial(n.astype(np.int64), q).astype(float)
    keep = np.ones(m, bool)
    if d.missing:
        keep[rng.choice(d.fit_months - 3, d.missing, replace=False)] = False
    return {
        "period_start": mo["starts"].to_numpy("datetime64[ns]")[keep],
        "period_end": mo["ends"].to_numpy("datetime64[ns]")[keep],
        "t_start": mo["t0"][keep],
        "t_end": mo["t1"][keep],
        "successes": y[keep],
        "trials": n[keep],
        "fit_months": d.fit_months - d.missing,
        "noise": noise,
        # the curve: ceiling, speed per year, midpoint in years after the last fitted month
        "curve": {"ceiling": ceiling, "speed": speed, "mid": float(mid - mo["t1"][d.fit_months - 1])},
    }
