"""Stress grid of the forecasts (not a test): simulation designs the project's own simulator does not use.

bench/forecast_bench.py scores the forecasts on one simulator (motcua.model.backtest.simulate_series). An
outside check of the same description — online share on logistic curves towards ceilings of 35–92 %, with
different speeds and midpoints, month-of-year seasonality and monthly overdispersion, 48 months fitted and the
next 12 held out — may read it otherwise. Each :data:`DESIGNS` entry is one such reading, changed from a base
design (:class:`Design`) in one respect: monthly volumes of 20–80 or 5 000–20 000 dossiers; beta-binomial,
logit-normal or gamma-Poisson overdispersion, small or large, or none at all; counts rounded from the share
instead of drawn; two harmonic pairs, a Tết dip in January–February, one-month shocks; midpoints well before
the window (levelled off) or after it (still near the floor); ceilings fixed at 35 % or 92 %; very fast or very
slow curves; a floor at 0 (months with no online dossier); a few missing months; 36 and 60 months fitted.

Every series of a design is scored by motcua.model.backtest.score_series (the path of forecast_bench.py) for
``new`` (config/model.yaml as it stands), ``old`` (``forecast_method: glm``) and ``flat`` (the last 12 months
held): coverage of the 95 % prediction interval, mean width and interval score per horizon 1–12.

    nice -n 5 .venv/bin/python bench/forecast_stress.py [--series 300] [--seed 7] [--designs base,vol_small]
        [--variant name=module:function ...] [--csv out.csv]

``--variant`` adds a forecaster: ``new`` with the settings' forecasts routed through another function (used to
measure a fix beside the configured method on the same series, in the same process).
"""

from __future__ import annotations

import argparse
import sys
import time
from dataclasses import dataclass

import numpy as np
import pandas as pd
from scipy import special

from motcua.model import backtest as bt
from motcua.model.design import harmonic_means
from motcua.model.series import years
from motcua.model.settings import settings_from_config

BLOCKS = [(1, 3), (4, 6), (7, 9), (10, 12)]


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
    }


def forecasters(settings, variants: dict | None = None) -> dict:
    old = settings.with_(forecast_method="glm")
    out = {
        "old": lambda fit, _s, *a: bt.model_draws(fit, old, *a),
        "new": lambda fit, _s, *a: bt.model_draws(fit, settings, *a),
        "flat": bt.flat_draws,
    }
    for name, fn in (variants or {}).items():
        out[name] = lambda fit, _s, *a, fn=fn: fn(fit, settings, *a)
    return out


def run_design(name: str, d: Design, settings, fcs: dict, n_series: int, seed: int) -> pd.DataFrame:
    """Rows per (series, forecaster, horizon) of one design (the series depend on the seed and design only)."""
    rng = np.random.default_rng([seed, sum(map(ord, name))])
    rng_fc = np.random.default_rng([seed, 1])
    rows = []
    for i in range(n_series):
        s = simulate(d, rng)
        r, _ = bt.score_series(s, s["fit_months"], settings, fcs, rng_fc, breaks=[])
        for x in r:
            x.update(design=name, series=i, noise=s["noise"])
        rows += r
    return pd.DataFrame(rows)


def block_table(rows: pd.DataFrame, fcs: list[str]) -> pd.DataFrame:
    """Per (design, block of horizons): coverage of each forecaster and its interval score over old's."""
    rows = rows.assign(block=pd.cut(rows["horizon"], [0, 3, 6, 9, 12], labels=[f"{a}–{b}" for a, b in BLOCKS]))
    g = rows.groupby(["design", "block", "forecaster"], observed=True)
    t = g.agg(coverage=("covered", "mean"), score=("interval_score", "mean"), width=("width", "mean")).unstack()
    out = pd.DataFrame(index=t.index)
    for f in fcs:
        out[f"{f} cov"] = t[("coverage", f)]
        if f != "old":
            out[f"{f}/old"] = t[("score", f)] / t[("score", "old")]
        out[f"{f} width"] = 100 * t[("width", f)]
    return out


def horizon_extremes(rows: pd.DataFrame, f: str) -> pd.DataFrame:
    """Per design: the lowest and highest coverage of forecaster ``f`` over horizons 1–12."""
    c = rows[rows["forecaster"] == f].groupby(["design", "horizon"])["covered"].mean().unstack()
    return pd.DataFrame({f"{f} min h": c.min(axis=1), f"{f} max h": c.max(axis=1), "argmin": c.idxmin(axis=1)})


def _load(spec: str):
    mod, fn = spec.split(":")
    return getattr(__import__(mod, fromlist=[fn]), fn)


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--series", type=int, default=300)
    ap.add_argument("--seed", type=int, default=7)
    ap.add_argument("--designs", default=",".join(DESIGNS))
    ap.add_argument("--variant", action="append", default=[], help="name=module:function")
    ap.add_argument("--set", action="append", default=[], help="key=value: settings of 'new' (yaml value)")
    ap.add_argument("--csv", default=None)
    args = ap.parse_args(argv)
    import yaml

    settings = settings_from_config()
    if args.set:
        settings = settings.with_(**{k: yaml.safe_load(v) for k, v in (s.split("=", 1) for s in args.set)})
    variants = {k: _load(v) for k, v in (s.split("=", 1) for s in args.variant)}
    fcs = forecasters(settings, variants)
    parts = []
    for name in args.designs.split(","):
        t = time.time()
        parts.append(run_design(name, DESIGNS[name], settings, fcs, args.series, args.seed))
        print(f"{name}: {time.time() - t:.0f} s", file=sys.stderr, flush=True)
    rows = pd.concat(parts, ignore_index=True)
    if args.csv:
        rows.to_csv(args.csv, index=False)
    shown = ["new", "old", "flat", *variants]
    pd.set_option("display.width", 250, "display.max_columns", 40, "display.max_rows", 400)
    print(block_table(rows, shown).round(3).to_string())
    ext = pd.concat([horizon_extremes(rows, f) for f in ["new", *variants]], axis=1)
    print(ext.round(3).to_string())
    return 0


if __name__ == "__main__":
    sys.exit(main())
