"""Out-of-sample forecast bench (not a test): the configured forecast beside the old one and a flat forecast.

In one run, on the same series and held-out months:

* simulated series (motcua.model.backtest.simulated_check: S-shaped adoption to
  ceilings of 35–92 %, lines, flat series, breaks with a step; seasonality,
  overdispersion, realistic volumes), 48 months fitted, the next 12 scored;
* a rolling-origin backtest over the shipped sample's own monthly series
  (data/raw/sample through the clean stage; origins every 6 months from 24);
* the time per series of fit + forecast draws, old and new, as a ratio.

Forecasters: ``old`` = ``forecast_method: glm`` with ``forecast_noise: beta_binomial`` (the fitted trend continued),
``new`` = config/model.yaml as it stands, ``flat`` = the last 12 months' share held, and each other
candidate (:data:`CANDIDATES`: damped, kalman, ensemble, growth…) that is not the configured one, by its name.
Writes bench/README.md's forecast table (``--write-readme``) and the measured
coverage of ``new`` into src/motcua/model/forecast_calibration.json, which the
report's method note reads.

    .venv/bin/python bench/forecast_bench.py [--series 1200] [--seeds 1,2,3] [--write-readme] [--oracle]

``--oracle`` adds the forecaster that knows the simulated process (the floor of the interval score);
``--no-timing`` and ``--no-sample`` shorten a scratch run (which still rewrites the calibration file).
"""

from __future__ import annotations

import argparse
import json
import sys
import time
from datetime import date
from pathlib import Path

import numpy as np
import pandas as pd

from motcua.model import backtest as bt
from motcua.model.forecast import method_name
from motcua.model.run import _series_outputs
from motcua.model.settings import settings_from_config

ROOT = Path(__file__).resolve().parents[1]
CALIBRATION = ROOT / "src" / "motcua" / "model" / "forecast_calibration.json"
BLOCKS = [(1, 3), (4, 6), (7, 9), (10, 12)]
#: Methods measured beside the configured one, by name: settings changed from config/model.yaml's.
CANDIDATES = {
    "damped": {"forecast_method": "damped"},
    "kalman": {"forecast_method": "kalman"},
    "ensemble": {"forecast_method": "ensemble"},
    "ensemble_unshrunk": {"forecast_method": "ensemble", "forecast_season_shrink": "none"},
    "growth": {"forecast_method": "growth", "forecast_growth_mix": "damped", "forecast_growth_else": "damped"},
    "growth_k": {"forecast_method": "growth", "forecast_growth_mix": "kalman", "forecast_growth_else": "ensemble"},
    "growth_e": {"forecast_method": "growth", "forecast_growth_mix": "ensemble", "forecast_growth_else": "ensemble"},
    "growth_e_eb": {
        "forecast_method": "growth",
        "forecast_growth_mix": "ensemble",
        "forecast_growth_else": "ensemble",
        "forecast_season_shrink": "empirical_bayes",
    },
    # the configured model with the month noise of before (beta-binomial with the fit's ρ, the binomial its floor)
    "noise_bb": {"forecast_noise": "beta_binomial", "forecast_noise_below": 0.0},
}


def candidates(settings) -> dict:
    """The :data:`CANDIDATES` that are not the configured method, as settings."""
    out = {k: settings.with_(**v) for k, v in CANDIDATES.items()}
    return {k: st for k, st in out.items() if st != settings}


def names(settings) -> tuple[str, ...]:
    """The forecasters of the tables, in order: old, new, flat and the other candidate methods."""
    return ("old", "new", "flat", *candidates(settings))


def forecasters(settings):
    old = settings.with_(forecast_method="glm", forecast_noise="beta_binomial")  # the old model, as it was
    out = {
        "old": lambda fit, _s, *a: bt.model_draws(fit, old, *a),
        "new": lambda fit, _s, *a: bt.model_draws(fit, settings, *a),
        "flat": bt.flat_draws,
    }
    for name, other in candidates(settings).items():
        out[name] = lambda fit, _s, *a, other=other: bt.model_draws(fit, other, *a)
    return out


def sample_series(settings) -> pd.DataFrame:
    """The shipped sample's monthly series of the fitted rates, through the normal clean stage."""
    from motcua.clean.run import run_clean
    from motcua.model.series import build_series

    panel = run_clean([ROOT / "data" / "raw" / "sample"]).panel
    series, _ = build_series(panel, list(settings.rates))
    months = (series["period_end"] - series["period_start"]).dt.days < 32
    return series.loc[months]


def timing(settings, n: int = 300, seed: int = 9) -> dict[str, float]:
    """Milliseconds per series of the fit and its outputs (slopes, 18 months of forecast draws, target
    probabilities: the model stage's per-series work), old, new and the other candidate methods."""
    rng = np.random.default_rng(seed)
    sims = [bt.simulate_series(bt.KINDS[i % 4], rng, months=66) for i in range(n)]
    until = pd.Timestamp(sims[0].period_end[47]) + pd.DateOffset(months=18)
    target = pd.Timestamp(year=until.year - 1, month=12, day=31)
    runs = {"old": settings.with_(forecast_method="glm", forecast_noise="beta_binomial"), "new": settings}
    runs.update(candidates(settings))
    best = dict.fromkeys(runs, np.inf)
    for _ in range(3):  # rounds alternate the methods, so that a busy machine slows all alike
        for name, st in runs.items():
            t = time.process_time()
            for s in sims:
                f = bt.fit_first(s, 48, st, unit=("b", "b"))
                _series_outputs(f, st, until, target)  # what the model stage does per series after the fit
            best[name] = min(best[name], time.process_time() - t)
    out = {k: 1000 * v / n for k, v in best.items()}
    out["ratio"] = out["new"] / out["old"]
    return out


def blocks(rows: pd.DataFrame) -> pd.DataFrame:
    rows = rows.assign(block=pd.cut(rows["horizon"], [0, 3, 6, 9, 12], labels=[f"{a}–{b}" for a, b in BLOCKS]))
    return (
        rows.groupby(["forecaster", "block"], observed=True)
        .agg(
            coverage=("covered", "mean"),
            width=("width", "mean"),
            interval_score=("interval_score", "mean"),
            n=("covered", "size"),
        )
        .reset_index()
    )


def md_table(title: str, by_seed: list[pd.DataFrame], brier: pd.DataFrame, fcs: tuple[str, ...]) -> str:
    """Per block of horizons: coverage (range over seeds), mean width, interval score and its ratios."""
    allb = pd.concat(by_seed)
    lines = [
        f"**{title}**",
        "",
        "| forecaster | measure | " + " | ".join(f"h {a}–{b}" for a, b in BLOCKS) + " |",
        "|---|---|" + "---|" * len(BLOCKS),
    ]
    for fc in fcs:
        d = allb[allb["forecaster"] == fc]
        cov = d.groupby("block", observed=True)["coverage"].agg(["min", "max"])
        lines.append(
            f"| {fc} | 95 % PI coverage | "
            + " | ".join(
                f"{cov.loc[b, 'min']:.1%}–{cov.loc[b, 'max']:.1%}"
                if cov.loc[b, "min"] != cov.loc[b, "max"]
                else f"{cov.loc[b, 'min']:.1%}"
                for b in cov.index
            )
            + " |"
        )
        w = d.groupby("block", observed=True)["width"].mean()
        lines.append(f"| {fc} | mean width (pp) | " + " | ".join(f"{100 * v:.1f}" for v in w) + " |")
        s = d.groupby("block", observed=True)["interval_score"].mean()
        lines.append(f"| {fc} | interval score | " + " | ".join(f"{v:.3f}" for v in s) + " |")
    s = allb.groupby(["forecaster", "block"], observed=True)["interval_score"].mean().unstack(0)
    for fc in (f for f in fcs if f not in ("old", "flat")):
        lines.append(f"| {fc} / old | interval score | " + " | ".join(f"{v:.2f}" for v in s[fc] / s["old"]) + " |")
    lines.append("| new / flat | interval score | " + " | ".join(f"{v:.2f}" for v in s["new"] / s["flat"]) + " |")
    lines += [
        "",
        "Brier score of p_meet_target (held-out month at 12 months): "
        + ", ".join(f"{fc} {brier.loc[fc]:.3f}" for fc in fcs if fc in brier.index),
        "",
    ]
    return "\n".join(lines)


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--series", type=int, default=1200, help="simulated series per seed")
    ap.add_argument("--seeds", default="101,102,103")
    ap.add_argument("--no-sample", action="store_true", help="skip the rolling-origin backtest on the sample")
    ap.add_argument("--write-readme", action="store_true")
    ap.add_argument("--oracle", action="store_true", help="add the forecaster that knows the true process (a floor)")
    ap.add_argument("--no-timing", action="store_true", help="skip the cost per series (scratch runs)")
    args = ap.parse_args(argv)
    settings = settings_from_config()
    fcs = forecasters(settings)
    shown = names(settings) + (("oracle",) if args.oracle else ())
    sim_blocks, sim_rows, sim_t = [], [], []
    for seed in [int(x) for x in args.seeds.split(",")]:
        rows, trows = bt.simulated_check(settings, fcs, n_series=args.series, seed=seed, oracle=args.oracle)
        sim_blocks.append(blocks(rows))
        sim_rows.append(rows)
        sim_t.append(trows)
        print(f"seed {seed}: {rows['series'].nunique()} series scored", flush=True)
    rows, trows = pd.concat(sim_rows), pd.concat(sim_t)
    hz = bt.by_horizon(rows)
    rel = bt.reliability(trows)
    brier = bt.brier(trows)
    parts = [
        md_table(
            f"Simulated series ({args.series} per seed, seeds {args.seeds}; coverage as the range over seeds)",
            sim_blocks,
            brier,
            shown,
        )
    ]
    wide = hz.pivot(index="horizon", columns="forecaster", values=["coverage", "width", "interval_score"])
    ratios = [f for f in shown if f not in ("old", "flat")]
    cells = [
        f"{wide.loc[h, ('coverage', f)]:.1%} / {100 * wide.loc[h, ('width', f)]:.1f} / {wide.loc[h, ('interval_score', f)]:.3f}"
        for h in wide.index
        for f in shown
    ]
    parts.append(
        "Per horizon (simulated, all seeds): coverage / mean width (pp) / interval score\n\n| horizon | "
        + " | ".join(shown)
        + " | "
        + " | ".join(f"{f} / old" for f in ratios)
        + " | new / flat |\n|---|"
        + "---|" * (len(shown) + len(ratios) + 1)
        + "\n"
        + "\n".join(
            f"| {h} | "
            + " | ".join(cells[i * len(shown) : (i + 1) * len(shown)])
            + " | "
            + " | ".join(
                f"{wide.loc[h, ('interval_score', f)] / wide.loc[h, ('interval_score', 'old')]:.2f}" for f in ratios
            )
            + f" | {wide.loc[h, ('interval_score', 'new')] / wide.loc[h, ('interval_score', 'flat')]:.2f} |"
            for i, h in enumerate(wide.index)
        )
        + "\n"
    )
    parts.append(
        "Reliability of p_meet_target (simulated; bins of p, share met):\n\n| forecaster | "
        + " | ".join(f"p {i / 5:.1f}–{(i + 1) / 5:.1f}" for i in range(5))
        + " |\n|---|"
        + "---|" * 5
    )
    for fc in (f for f in shown if f != "flat"):
        r = rel[rel["forecaster"] == fc].set_index("bin")
        parts[-1] += (
            f"\n| {fc} | "
            + " | ".join(
                f"{r.loc[b, 'p_mean']:.2f} → {r.loc[b, 'met_share']:.2f} (n {int(r.loc[b, 'n'])})"
                if b in r.index
                else "–"
                for b in range(5)
            )
            + " |"
        )
    parts[-1] += "\n"
    sample = None
    if not args.no_sample:
        srows, st = bt.rolling_origin(sample_series(settings), settings, fcs)
        sample = blocks(srows)
        parts.append(
            md_table(
                f"Rolling origin over the shipped sample ({srows['series'].nunique()} series, "
                f"{srows.groupby(['series', 'origin']).ngroups} origins)",
                [sample],
                bt.brier(st),
                names(settings),
            )
        )
    tm = timing(settings) if not args.no_timing else {"new": np.nan, "old": np.nan, "ratio": np.nan}
    parts.append(
        "Fit and its outputs (slopes, forecast draws, target probabilities) per series: "
        + ", ".join(f"{k} {v:.1f} ms" for k, v in tm.items() if k != "ratio")
        + f"; new / old {tm['ratio']:.2f}"
        + "".join(f", new / {k} {tm['new'] / tm[k]:.2f}" for k in candidates(settings) if k in tm)
        + ".\n"
    )
    md = "\n".join(parts)
    print(md)
    new = hz[hz["forecaster"] == "new"]
    calib = {
        "method": method_name(settings),
        "measured_on": str(date.today()),
        "series": int(rows["series"].nunique()) * len(sim_rows),
        "coverage_by_horizon": {int(h): round(float(c), 4) for h, c in zip(new["horizon"], new["coverage"])},
        "coverage_min": round(float(new["coverage"].min()), 4),
        "coverage_max": round(float(new["coverage"].max()), 4),
        "mean_width_by_horizon": {int(h): round(float(w), 4) for h, w in zip(new["horizon"], new["width"])},
        "interval_score_vs_old": round(
            float(new["interval_score"].mean() / hz[hz["forecaster"] == "old"]["interval_score"].mean()), 3
        ),
        "brier": round(float(brier.get("new", np.nan)), 4),
        "timing_ratio": round(tm["ratio"], 3),
    }
    if sample is not None:
        s = sample[sample["forecaster"] == "new"]
        calib["sample_coverage_min"] = round(float(s["coverage"].min()), 4)
        calib["sample_coverage_max"] = round(float(s["coverage"].max()), 4)
    CALIBRATION.write_text(json.dumps(calib, indent=1, ensure_ascii=False) + "\n", encoding="utf-8")
    if args.write_readme:
        readme = ROOT / "bench" / "README.md"
        text = readme.read_text(encoding="utf-8")
        start, end = "<!-- forecast:start -->", "<!-- forecast:end -->"
        if start not in text:
            text += (
                "\n## Forecasts out of sample (bench/forecast_bench.py)\n\nHeld-out months scored per horizon "
                "(95 % prediction intervals; interval score of Gneiting & Raftery 2007, lower is better).\n\n"
                f"{start}\n{end}\n"
            )
        text = text[: text.index(start) + len(start)] + "\n" + md + "\n" + text[text.index(end) :]
        readme.write_text(text, encoding="utf-8")
    return 0


if __name__ == "__main__":
    sys.exit(main())
