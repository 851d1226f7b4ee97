"""Benchmark of the model stage (not a test): run_model on simulated provinces of 9, 100 and 700 units.

Goal (issue 4): 700 units × 3 rates in ≤ 60 s on 2 cores. Each size is compared,
in the same run, with a baseline: one plain statsmodels binomial GLM (logit,
linear trend) per series — the least any per-series GLM stage must pay — so
the ratio shows what the extras cost (overdispersion, seasonality, priors,
forecast draws, comparison), independently of how busy the machine is.

    .venv/bin/python bench/model_bench.py [--units 9,100,700] [--months 54] [--json out.json]
"""

from __future__ import annotations

import argparse
import json
import os
import platform
import sys
import time
import warnings

import numpy as np
import statsmodels.api as sm

from motcua.model import run_model
from motcua.model.series import build_series
from motcua.model.settings import settings_from_config
from motcua.model.simulate import SimSpec, simulate_panel


def baseline(panel, rates) -> float:
    """Seconds for one plain binomial GLM (intercept + trend) per unit × rate."""
    series, _ = build_series(panel, rates)
    t0 = time.perf_counter()
    fam = sm.families.Binomial()
    for _, g in series.groupby(["unit_schema", "unit_code", "rate"], sort=False):
        g = g.loc[g["trials"] > 0]
        t = (g["t_start"].to_numpy() + g["t_end"].to_numpy()) / 2
        X = np.column_stack([np.ones(len(t)), t - t.mean()])
        y = g["successes"].to_numpy()
        n = g["trials"].to_numpy()
        with warnings.catch_warnings():
            warnings.simplefilter("ignore")
            sm.GLM(np.column_stack([y, n - y]), X, family=fam).fit()
    return time.perf_counter() - t0


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--units", default="9,100,700")
    ap.add_argument("--months", type=int, default=54)
    ap.add_argument("--seed", type=int, default=1)
    ap.add_argument("--json", default=None, help="also write the results here")
    ap.add_argument("--jobs", type=int, default=None, help="worker processes (default: config/model.yaml jobs)")
    args = ap.parse_args(argv)
    settings = settings_from_config()
    if args.jobs is not None:
        settings = settings.with_(jobs=args.jobs)
    rows = []
    print(
        f"python {platform.python_version()}, {os.cpu_count()} cpu(s), load {os.getloadavg()[0]:.2f}, jobs {settings.jobs or os.cpu_count()}"
    )
    print(f"{'units':>6} {'series':>7} {'model s':>8} {'cpu s':>7} {'ms/series':>10} {'baseline s':>11} {'ratio':>6}")
    for n in [int(x) for x in args.units.split(",")]:
        panel, _ = simulate_panel(SimSpec(n_units=n, months=args.months, seed=args.seed))
        t0, c0 = time.perf_counter(), time.process_time()
        res = run_model(panel, settings)
        model_s = time.perf_counter() - t0
        cpu_s = time.process_time() - c0  # this process only: workers' CPU is not counted
        base_s = baseline(panel, settings.rates)
        series = len(res.trend_summary)
        row = {
            "units": n,
            "series": series,
            "model_seconds": round(model_s, 2),
            "main_process_cpu_seconds": round(cpu_s, 2),
            "ms_per_series": round(1000 * model_s / series, 1),
            "baseline_seconds": round(base_s, 2),
            "ratio": round(model_s / base_s, 2),
        }
        rows.append(row)
        print(
            f"{n:>6} {series:>7} {model_s:>8.2f} {cpu_s:>7.2f} {row['ms_per_series']:>10.1f} {base_s:>11.2f} {row['ratio']:>6.2f}"
        )
    big = [r for r in rows if r["units"] >= 700]
    if big:
        ok = big[0]["model_seconds"] <= 60
        print(f"goal 700 units × 3 rates ≤ 60 s: {'met' if ok else 'NOT met'} ({big[0]['model_seconds']} s)")
    if args.json:
        with open(args.json, "w", encoding="utf-8") as fh:
            json.dump({"rows": rows, "cpus": os.cpu_count()}, fh, indent=1)
    return 0


if __name__ == "__main__":
    sys.exit(main())
