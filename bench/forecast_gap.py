"""Where the forecasts lose to the oracle (not a test): the interval score broken down on simulated series.

Per held-out month of simulated series (motcua.model.backtest.simulate_series, 48 months fitted, 12 held
out), the 2.5/50/97.5 % quantiles of each forecaster's draws beside the observed share and the true
expected share. Printed per horizon: coverage, width, miss penalty (the interval score less the width),
the median's absolute error against the true share; and over horizons 1–6 the score relative to the old
model (glm) by kind of series, by noise (beta-binomial or logit-normal) and by volume.

    PYTHONPATH=src .venv/bin/python bench/forecast_gap.py [--series 300] [--seeds 101,102]

Forecasters: old (glm), new (config/model.yaml), damped, kalman, ensemble without seasonal shrinkage, oracle.
"""

from __future__ import annotations

import argparse
import sys

import numpy as np
import pandas as pd

from motcua.model import backtest as bt
from motcua.model.settings import settings_from_config
from motcua.model.trend import daily_volume

FIT = 48


def rows_of_seed(seed: int, n_series: int, forecasters: dict) -> list[dict]:
    """One row per (series, forecaster, horizon): quantiles, observed and true share, the series' traits."""
    rng, rng_fc = np.random.default_rng(seed), np.random.default_rng([seed, 1])
    w = np.array([0.5, 1 / 6, 1 / 6, 1 / 6])  # as motcua.model.backtest.simulated_check draws the kinds
    out = []
    for i in range(n_series):
        kind = str(rng.choice(bt.KINDS, p=w))
        s = bt.simulate_series(kind, rng, months=FIT + 12)
        rng.uniform(-0.12, 0.12)  # the target simulated_check draws: the same series follow
        ho = slice(FIT, FIT + 12)
        fit = bt.fit_first(s, FIT, forecasters["new"][1], breaks=[s.brk] if s.brk is not None else [], unit=("g", "g"))
        if not fit.ok:
            continue
        y, n, t0, t1 = s.successes[ho], s.trials[ho], s.t_start[ho], s.t_end[ho]
        days = ((s.period_end[ho] - s.period_start[ho]) / np.timedelta64(1, "D")).astype(float) + 1.0
        vol = daily_volume(fit.period_start, fit.period_end, fit.trials) * days
        for name, (fc, st) in forecasters.items():
            r = np.random.default_rng(rng_fc.integers(2**32))
            d = s.draw(r, ho, 1000) if fc is None else fc(fit, st, t0, t1, vol, 1000, r)
            q = np.quantile(d, [0.025, 0.5, 0.975], axis=0)
            for h in np.flatnonzero(n > 0):
                out.append(
                    dict(
                        seed=seed, series=i, kind=kind, noise="beta-binomial" if s.rho > 0 else "logit-normal",
                        volume=float(n.mean()), forecaster=name, horizon=int(h) + 1, lo=q[0, h], med=q[1, h],
                        hi=q[2, h], observed=y[h] / n[h], truth=s.truth[FIT + h],
                    )
                )  # fmt: skip
    return out


def report(d: pd.DataFrame) -> str:
    d = d.assign(
        width=d.hi - d.lo,
        miss=(2 / bt.ALPHA) * (np.clip(d.lo - d.observed, 0, None) + np.clip(d.observed - d.hi, 0, None)),
        covered=(d.observed >= d.lo) & (d.observed <= d.hi),
        error=(d.med - d.truth).abs(),
        vol=pd.cut(d.volume, [0, 250, 1000, np.inf], labels=["< 250", "250–1 000", "> 1 000"]),
    )
    d["score"] = d.width + d.miss
    parts = []

    def table(title: str, t: pd.DataFrame, fmt: str) -> None:
        parts.append(f"{title}\n\n" + t.to_string(float_format=lambda v: format(v, fmt)) + "\n")

    by_h = d.groupby(["horizon", "forecaster"])
    table("coverage", by_h.covered.mean().unstack(), ".3f")
    s = by_h.score.mean().unstack()
    table("interval score / old", s.div(s["old"], axis=0), ".2f")
    table("mean width (pp)", 100 * by_h.width.mean().unstack(), ".1f")
    table("mean miss penalty (pp)", 100 * by_h.miss.mean().unstack(), ".2f")
    table("|median − true share| (pp)", 100 * by_h.error.mean().unstack(), ".2f")
    early = d[d.horizon <= 6]
    for col in ("kind", "noise", "vol"):
        g = early.groupby([col, "forecaster"], observed=True).score.mean().unstack()
        table(f"horizons 1–6, interval score / old by {col}", g.div(g["old"], axis=0), ".2f")
    old = early[early.forecaster == "old"]
    table(
        "horizons 1–6, share of the old model's score by kind", old.groupby("kind").score.sum() / old.score.sum(), ".3f"
    )
    return "\n".join(parts)


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--series", type=int, default=300)
    ap.add_argument("--seeds", default="101,102")
    args = ap.parse_args(argv)
    st = settings_from_config()
    runs = {
        "old": st.with_(forecast_method="glm"),
        "new": st,
        "damped": st.with_(forecast_method="damped"),
        "kalman": st.with_(forecast_method="kalman"),
        "ensemble_unshrunk": st.with_(forecast_method="ensemble", forecast_season_shrink="none"),
    }
    fcs = {k: (bt.model_draws, v) for k, v in runs.items()} | {"oracle": (None, st)}
    rows = [r for seed in args.seeds.split(",") for r in rows_of_seed(int(seed), args.series, fcs)]
    print(report(pd.DataFrame(rows)))
    return 0


if __name__ == "__main__":
    sys.exit(main())
