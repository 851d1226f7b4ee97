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
        [--set key=value ...] [--variant name:key=value[,key=value] ...] [--csv out.csv]

``--set`` changes the settings of ``new``; ``--variant`` adds a forecaster, ``new`` with some settings changed
(a fix measured beside the configured method on the same series, in the same process).
"""

from __future__ import annotations

import argparse
import sys
import time

import numpy as np
import pandas as pd

from motcua.model import backtest as bt
from motcua.model.settings import settings_from_config
from motcua.model.simulate_designs import DESIGNS, Design, simulate

BLOCKS = [(1, 3), (4, 6), (7, 9), (10, 12)]


def forecasters(settings, variants: dict | None = None) -> dict:
    """old (glm), new (``settings``), flat, and each variant: ``settings`` with some keys changed."""
    old = settings.with_(forecast_method="glm", forecast_noise="beta_binomial")  # the old model, as it was
    out = {
        "old": lambda fit, _s, *a: bt.model_draws(fit, old, *a),
        "new": lambda fit, _s, *a: bt.model_draws(fit, settings, *a),
        "flat": bt.flat_draws,
    }
    for name, changes in (variants or {}).items():
        st = settings.with_(**changes)
        out[name] = lambda fit, _s, *a, st=st: bt.model_draws(fit, st, *a)
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
            x.update(design=name, series=i, noise=s["noise"], **s["curve"])
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


def project_check(settings, fcs: dict, seeds: list[int], n_series: int) -> pd.DataFrame:
    """The project's own simulated check (motcua.model.backtest.simulated_check, bench/forecast_bench.py's
    series) on ``seeds``: per forecaster, seed and horizon, coverage and interval score over old's."""
    out = []
    for seed in seeds:
        rows, _ = bt.simulated_check(settings, fcs, n_series=n_series, seed=seed)
        h = bt.by_horizon(rows).assign(seed=seed)
        old = h[h["forecaster"] == "old"].set_index("horizon")["interval_score"]
        out.append(h.assign(ratio=h["interval_score"].to_numpy() / old.reindex(h["horizon"]).to_numpy()))
    return pd.concat(out, ignore_index=True)


def markdown(rows: pd.DataFrame, before: str, after: str | None) -> str:
    """Design × block of horizons: coverage and interval score over old's, of ``before`` (→ ``after``)."""
    t = block_table(rows, [f for f in ("new", "old", "flat", before, after) if f]).round(3)
    ext = horizon_extremes(rows, before if after is None else after)
    head = "| design | " + " | ".join(f"h {a}–{b}" for a, b in BLOCKS) + " | lowest / highest horizon |"
    lines = [head, "|---|" + "---|" * (len(BLOCKS) + 1)]
    for d in dict.fromkeys(t.index.get_level_values(0)):
        cells = []
        for b in t.loc[d].index:
            r = t.loc[(d, b)]
            cov = f"{r[f'{before} cov']:.1%}" + (f" → {r[f'{after} cov']:.1%}" if after else "")
            rat = f"{r[f'{before}/old']:.2f}" + (f" → {r[f'{after}/old']:.2f}" if after else "")
            cells.append(f"{cov}; {rat}")
        e = ext.loc[d]
        lines.append(f"| {d} | " + " | ".join(cells) + f" | {e.iloc[0]:.1%} / {e.iloc[1]:.1%} |")
    return "\n".join(lines)


def _changes(items: list[str]) -> dict:
    """key=value pairs (values read as YAML) as settings changes."""
    import yaml

    return {k: yaml.safe_load(v) for k, v in (s.split("=", 1) for s in items)}


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--series", type=int, default=300)
    ap.add_argument("--seed", type=int, default=7)
    ap.add_argument("--designs", default=",".join(DESIGNS))
    ap.add_argument("--variant", action="append", default=[], help="name:key=value[,key=value]: new, changed")
    ap.add_argument("--set", action="append", default=[], help="key=value: a setting of 'new' (YAML value)")
    ap.add_argument("--csv", default=None)
    ap.add_argument("--from-csv", default=None, help="tables of an earlier run's rows (no new run)")
    ap.add_argument("--project", default="", help="seeds of the project's own check (e.g. 101,102,103); none: skip")
    ap.add_argument("--project-series", type=int, default=800)
    args = ap.parse_args(argv)
    settings = settings_from_config()
    if args.set:
        settings = settings.with_(**_changes(args.set))
    variants = {v.split(":", 1)[0]: _changes(v.split(":", 1)[1].split(",")) for v in args.variant}
    fcs = forecasters(settings, variants)
    pd.set_option("display.width", 250, "display.max_columns", 40, "display.max_rows", 400)
    if args.project:
        pc = project_check(settings, fcs, [int(x) for x in args.project.split(",")], args.project_series)
        if args.csv:
            pc.to_csv(args.csv.replace(".csv", "_project.csv"), index=False)
        for col in ("coverage", "ratio"):
            print(f"project check, {col} per horizon (rows: forecaster, seed)")
            print(pc.pivot_table(index=["forecaster", "seed"], columns="horizon", values=col).round(3).to_string())
    parts = [pd.read_csv(args.from_csv)] if args.from_csv else []
    for name in [x for x in args.designs.split(",") if x and not args.from_csv]:
        t = time.time()
        parts.append(run_design(name, DESIGNS[name], settings, fcs, args.series, args.seed))
        print(f"{name}: {time.time() - t:.0f} s", file=sys.stderr, flush=True)
    if not parts:
        return 0
    rows = pd.concat(parts, ignore_index=True)
    if args.csv:
        rows.to_csv(args.csv, index=False)
    shown = ["new", "old", "flat", *variants]
    print(block_table(rows, shown).round(3).to_string())
    ext = pd.concat([horizon_extremes(rows, f) for f in ["new", *variants]], axis=1)
    print(ext.round(3).to_string())
    print(markdown(rows, "new", next(iter(variants), None)))
    return 0


if __name__ == "__main__":
    sys.exit(main())
