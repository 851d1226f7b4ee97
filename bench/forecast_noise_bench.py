"""The month-noise model of the forecast draws (motcua.model.month_noise), not a test: what it costs and what it
recovers, in one process.

* Cost: the model stage's per-series work (fit, slopes, 18 months of forecast draws, target probabilities: the
  path of bench/forecast_bench.py's timing) on the project's simulated series, with config/model.yaml as it
  stands and with ``forecast_noise`` set to each other model; rounds alternate the runs (a busy machine slows
  all alike), the best round counts. Prints milliseconds per series, each model's ratio to the configured one,
  the estimator's own milliseconds per series, and the 1-minute load.
* Recovery: series rising from 5 % to 88 % over 48 months, logit-normal noise of sd σ or beta-binomial of ρ,
  volumes ~ Poisson(n): the mean estimate and how often ``auto`` picks the simulated kind.

    nice -n 5 .venv/bin/python bench/forecast_noise_bench.py [--series 200] [--rounds 3]
"""

from __future__ import annotations

import argparse
import os
import sys
import time

import numpy as np
import pandas as pd
from scipy import special

from motcua.model import backtest as bt
from motcua.model.month_noise import estimate_noise, fit_noise
from motcua.model.run import _series_outputs
from motcua.model.settings import MONTH_NOISE, settings_from_config


def cost(n: int, rounds: int, seed: int = 9) -> dict[str, float]:
    """Milliseconds per series of the fit and its outputs per ``forecast_noise``, and of the estimator alone."""
    settings = settings_from_config()
    rng = np.random.default_rng(seed)
    sims = [bt.simulate_series(bt.KINDS[i % 4], rng, months=66) for i in range(n)]
    until = pd.Timestamp(sims[0].period_end[47]) + pd.DateOffset(months=18)
    target = pd.Timestamp(year=until.year - 1, month=12, day=31)
    runs = {m: settings.with_(forecast_noise=m) for m in MONTH_NOISE}
    best = dict.fromkeys([*runs, "estimator (auto)", "estimator (combined)"], np.inf)
    for _ in range(rounds):
        for name, st in runs.items():
            t = time.process_time()
            for s in sims:
                f = bt.fit_first(s, 48, st, unit=("b", "b"))
                _series_outputs(f, st, until, target)
            best[name] = min(best[name], time.process_time() - t)
        fits = [bt.fit_first(s, 48, settings, unit=("b", "b")) for s in sims]
        for mode in ("auto", "combined"):
            st = settings.with_(forecast_noise=mode)
            t = time.process_time()
            for f in fits:
                fit_noise(f, st)
            best[f"estimator ({mode})"] = min(best[f"estimator ({mode})"], time.process_time() - t)
    return {k: 1000 * v / n for k, v in best.items()}


def recovery(reps: int, seed: int = 5) -> pd.DataFrame:
    """Per simulated kind and size: mean σ / ρ estimated by each mode and the share of ``auto`` picking the kind."""
    rng = np.random.default_rng(seed)
    p = special.expit(np.linspace(-3.0, 2.0, 48))
    rows = []
    for vol in (200.0, 2000.0):
        for kind, size in [("ln", 0.1), ("ln", 0.3), ("ln", 0.5), ("bb", 0.002), ("bb", 0.01), ("bb", 0.03)]:
            got = {"logit_normal": [], "beta_binomial": [], "auto": []}
            for _ in range(reps):
                n = rng.poisson(vol, 48).astype(float)
                if kind == "ln":
                    q = special.expit(special.logit(p) + size * rng.standard_normal(48))
                else:
                    c = (1 - size) / size
                    q = rng.beta(p * c, (1 - p) * c)
                y = rng.binomial(n.astype(np.int64), q).astype(float)
                for mode in got:
                    got[mode].append(estimate_noise(y, n, p, 48, mode))
            pick = np.mean([g.share == (1.0 if kind == "ln" else 0.0) for g in got["auto"]])
            rows.append(
                {
                    "volume": int(vol),
                    "simulated": f"{'σ' if kind == 'ln' else 'ρ'} = {size}",
                    "σ (logit_normal)": np.mean([g.sigma for g in got["logit_normal"]]),
                    "ρ (beta_binomial)": np.mean([g.rho for g in got["beta_binomial"]]),
                    "auto picks the kind": pick,
                }
            )
    return pd.DataFrame(rows)


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--series", type=int, default=200)
    ap.add_argument("--rounds", type=int, default=3)
    ap.add_argument("--reps", type=int, default=200)
    args = ap.parse_args(argv)
    t = cost(args.series, args.rounds)
    conf = settings_from_config().forecast_noise
    print(f"1-minute load {os.getloadavg()[0]:.2f}; {args.series} series, best of {args.rounds} rounds")
    print("| forecast_noise | ms per series | / configured (" + conf + ") |\n|---|---|---|")
    for k, v in t.items():
        print(f"| {k} | {v:.2f} | {v / t[conf]:.3f} |")
    print()
    r = recovery(args.reps)
    print("| " + " | ".join(r.columns) + " |\n|" + "---|" * len(r.columns))
    for row in r.itertuples(index=False):
        print("| " + " | ".join(f"{v:.3f}" if isinstance(v, float) else str(v) for v in row) + " |")
    return 0


if __name__ == "__main__":
    sys.exit(main())
