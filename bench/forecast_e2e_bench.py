"""End-to-end forecast bench (not a test): the model stage's products scored on held-out months.

bench/forecast_bench.py scores forecast draws series by series (motcua.model.backtest); this bench scores
what a reader sees. Per seed, a simulated province of 52 real legacy districts
(motcua.model.simulate_adoption: online share on logistic curves to ceilings of 35–92 %, on-time share on
logit lines, month-of-year seasonality, overdispersion, volumes 80–4 000 a month) over 60 months; the first
48 are written as a processed panel into a temporary project folder (config/ copied, the reporting window
opened to the data's start) and the model stage is run on it as ``motcua model`` runs it
(motcua.model.run_model_dir, the function notebook 20 calls; ``--cli`` also runs ``motcua model`` itself once
and checks its products are the same); the forecast rows of trends.parquet and p_meet_target of
trend_summary.parquet are then scored on the 12 held-out months (motcua.model.backtest_products).

Forecasters, on the same panels: ``new`` = config/model.yaml as it stands, ``old`` = ``forecast_method: glm``.
Beside them, ``bench`` = the configured method through bench/forecast_bench.py's path on the same series
(motcua.model.backtest.score_series: fit_arrays without the province prior, breaks as given) — the
discrepancy check between the per-series bench and the products.

Variants: ``pre`` (default: data from February 2019, fitted to January 2023, so the target date, 31 December
2023, is the 11th held-out month; nothing crosses the 1 July 2025 reform) and ``reform`` (fitted January
2022 – December 2025 across the reform, with a step in each district's shares at July 2025); ``window``
(the pre variant with config/province.yaml's reporting window as it stands); ``cross`` (fitted July 2021 –
June 2025, the 12 held-out months after the reform, with a step there: the forecast crosses the break).

    .venv/bin/python bench/forecast_e2e_bench.py [--seeds 11,12,13] [--variant pre|reform|cross|window|all] [--cli]
"""

from __future__ import annotations

import argparse
import os
import subprocess
import sys
import tempfile
import time
from pathlib import Path

import numpy as np
import pandas as pd

from motcua import products
from motcua.model import backtest as bt
from motcua.model.backtest_products import project, run_stage, score_products
from motcua.model.series import build_series
from motcua.model.settings import settings_from_config
from motcua.model.simulate_adoption import simulate_adoption_panel
from motcua.panel import conform

ROOT = Path(__file__).resolve().parents[1]
RATES = ("online_rate", "ontime_rate_report")
VARIANTS = {
    "pre": {"start": "2019-02-01", "step_at": None, "window": ""},
    "reform": {"start": "2022-01-01", "step_at": "2025-07-01", "window": ""},
    # fitted July 2021 – June 2025, the held-out months after the reform, with a step there
    "cross": {"start": "2021-07-01", "step_at": "2025-07-01", "window": ""},
    # the pre variant with config/province.yaml's reporting window as it stands (start 2021-01-01)
    "window": {"start": "2019-02-01", "step_at": None, "window": None},
}
BLOCKS = [(1, 3), (4, 6), (7, 9), (10, 12)]


def run_cli(panel: pd.DataFrame, folder: Path, cfg: Path) -> tuple[pd.DataFrame, pd.DataFrame]:
    """:func:`run_stage` through ``motcua model`` in a subprocess (the notebook, as a user runs it)."""
    data = folder / "data"
    data.mkdir(exist_ok=True)
    products.PANEL.write(conform(panel), data)
    exe = Path(sys.executable).with_name("motcua")
    cmd = [str(exe)] if exe.exists() else [sys.executable, "-m", "motcua"]
    env = {**os.environ, "MOTCUA_CONFIG": str(cfg)}
    subprocess.run([*cmd, "model", str(data), "--force"], check=True, cwd=folder, env=env)
    return products.TRENDS.read(data), products.SUMMARY.read(data)


def bench_path(panel: pd.DataFrame, fit_months: int, settings, seed: int) -> tuple[pd.DataFrame, pd.DataFrame]:
    """The configured method scored through bench/forecast_bench.py's path (backtest.score_series) on the same
    series; the target as the stage's (the configured target, the period holding 31 December)."""
    series, _ = build_series(panel, list(RATES))
    rng = np.random.default_rng(seed)
    fcs = {"bench": lambda fit, _s, *a: bt.model_draws(fit, settings, *a)}
    rows, trows = [], []
    for key, g in series.sort_values("period_start").groupby(["unit_schema", "unit_code", "rate"], sort=True):
        arr = {c: g[c].to_numpy("datetime64[ns]") for c in ("period_start", "period_end")}
        arr.update({c: g[c].to_numpy(float) for c in ("t_start", "t_end", "successes", "trials")})
        last = pd.Timestamp(arr["period_end"][fit_months - 1])
        th = 12 - last.month if last.month < 12 else None
        tg = settings.targets_for(key[2])
        r, t = bt.score_series(
            arr, fit_months, settings, fcs, rng, target=tg[0].value if tg and th else None, target_horizon=th or 12
        )
        for x in r + t:
            x.update(unit_code=key[1], rate=key[2])
        rows += r
        trows += t
    return pd.DataFrame(rows), pd.DataFrame(trows)


def one_run(seed: int, variant: str, cli: bool) -> tuple[pd.DataFrame, pd.DataFrame, dict]:
    """Score old, new (products) and bench (per series) on one simulated province."""
    v = VARIANTS[variant]
    panel, _ = simulate_adoption_panel(seed, start=v["start"], months=60, step_at=v["step_at"])
    starts = np.sort(panel["period_start"].unique())
    fit_end = pd.Timestamp(starts[47]) + pd.offsets.MonthEnd(0)
    fitted = panel[panel["period_end"] <= fit_end]
    rows, trows, info = [], [], {}
    for name, method in (("new", None), ("old", "glm")):
        with tempfile.TemporaryDirectory() as d:
            tmp = Path(d)
            cfg = project(tmp, ROOT / "config", method, v["window"])
            t = time.perf_counter()
            trends, summary = run_stage(fitted, tmp, cfg)
            info[f"seconds_{name}"] = time.perf_counter() - t
            if cli and name == "new":
                tmp2 = tmp / "cli"
                tmp2.mkdir()
                t2, s2 = run_cli(fitted, tmp2, cfg)
                info["cli_same"] = bool(
                    t2.reset_index(drop=True).equals(trends.reset_index(drop=True))
                    and np.allclose(
                        s2["p_meet_target"].to_numpy(float), summary["p_meet_target"].to_numpy(float), equal_nan=True
                    )
                )
            if name == "new":
                info["too_uncertain"] = summary.loc[summary["rate"].isin(RATES), "target_too_uncertain"].mean()
                info["breaks"] = (summary["breaks"].fillna("") != "").mean()
        r, tr = score_products(trends, summary, panel, fit_end, RATES)
        rows.append(r.assign(forecaster=name))
        trows.append(tr.assign(forecaster=name))
    settings = settings_from_config()
    br, bt_rows = bench_path(panel, 48, settings, seed)
    rows.append(br.assign(has_forecast=True))
    if len(bt_rows):
        trows.append(bt_rows.assign(p_year=np.nan, met_year=False, too_uncertain=False))
    out = pd.concat(rows, ignore_index=True).assign(seed=seed, variant=variant)
    tout = pd.concat(trows, ignore_index=True).assign(seed=seed, variant=variant)
    return out, tout, info


def table(rows: pd.DataFrame, trows: pd.DataFrame, rate: str, fcs=("new", "old", "bench")) -> str:
    """Markdown table per horizon: coverage / width (pp) / interval score of each forecaster, new / old."""
    r = rows[rows["rate"] == rate]
    g = r.groupby(["forecaster", "horizon"]).agg(
        coverage=("covered", "mean"), width=("width", "mean"), score=("interval_score", "mean"), n=("covered", "size")
    )
    head = "| horizon | " + " | ".join(f"{f}: coverage / width / score" for f in fcs) + " | new / old |"
    lines = [head, "|---|" + "---|" * (len(fcs) + 1)]
    for h in sorted(r["horizon"].unique()):
        cells = []
        for f in fcs:
            x = g.loc[(f, h)] if (f, h) in g.index else None
            cells.append("–" if x is None else f"{x.coverage:.1%} / {100 * x.width:.1f} / {x.score:.3f}")
        ratio = g.loc[("new", h), "score"] / g.loc[("old", h), "score"]
        lines.append(f"| {h} | " + " | ".join(cells) + f" | {ratio:.2f} |")
    blk = r.assign(block=pd.cut(r["horizon"], [0, 3, 6, 9, 12], labels=[f"{a}–{b}" for a, b in BLOCKS]))
    gb = blk.groupby(["forecaster", "block"], observed=True).agg(
        coverage=("covered", "mean"), width=("width", "mean"), score=("interval_score", "mean")
    )
    for b in gb.index.levels[1]:
        cells = [
            f"{gb.loc[(f, b)].coverage:.1%} / {100 * gb.loc[(f, b)].width:.1f} / {gb.loc[(f, b)].score:.3f}"
            if (f, b) in gb.index
            else "–"
            for f in fcs
        ]
        lines.append(
            f"| **{b}** | " + " | ".join(cells) + f" | {gb.loc[('new', b)].score / gb.loc[('old', b)].score:.2f} |"
        )
    t = trows[trows["rate"] == rate]
    if len(t):
        bs = t.assign(sq=(t["p"] - t["met"].astype(float)) ** 2).groupby("forecaster")["sq"].mean()
        by = t.assign(sq=(t["p_year"] - t["met_year"].astype(float)) ** 2).groupby("forecaster")["sq"].mean()
        lines += [
            "",
            "Brier score of p_meet_target: "
            + ", ".join(f"{f} {bs[f]:.3f}" for f in fcs if f in bs.index)
            + f" (n {int((t['forecaster'] == 'new').sum())}); of p_meet_target_year: "
            + ", ".join(f"{f} {by[f]:.3f}" for f in ("new", "old") if f in by.index),
        ]
        q = t[(t["forecaster"] == "new") & ~t["too_uncertain"].astype(bool)]
        if len(q) < (t["forecaster"] == "new").sum():
            lines[-1] += (
                f"; new where a probability is quoted (not too uncertain, n {len(q)}): "
                f"{float(np.mean((q['p'] - q['met'].astype(float)) ** 2)):.3f}"
            )
    return "\n".join(lines) + "\n"


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--seeds", default="11,12,13")
    ap.add_argument("--variant", default="all", choices=["pre", "reform", "cross", "window", "all"])
    ap.add_argument("--cli", action="store_true", help="also run `motcua model` once per seed and compare")
    args = ap.parse_args(argv)
    variants = list(VARIANTS) if args.variant == "all" else [args.variant]
    t0 = time.perf_counter()
    load = os.getloadavg()[0]
    allr, allt = [], []
    for variant in variants:
        for seed in [int(s) for s in args.seeds.split(",")]:
            r, t, info = one_run(seed, variant, args.cli)
            allr.append(r)
            allt.append(t)
            miss = r[(r["forecaster"] != "bench") & ~r["has_forecast"]]
            print(
                f"{variant} seed {seed}: {info}; held-out months without a forecast row: {len(miss)}",
                flush=True,
            )
    rows, trows = pd.concat(allr, ignore_index=True), pd.concat(allt, ignore_index=True)
    for variant in variants:
        for rate in RATES:
            print(f"\n**{variant}, {rate}** (seeds {args.seeds})\n")
            print(table(rows[rows["variant"] == variant], trows[trows["variant"] == variant], rate))
    print(
        f"1-minute load at start {load:.1f}, at the end {os.getloadavg()[0]:.1f}; total {time.perf_counter() - t0:.0f} s"
    )
    return 0


if __name__ == "__main__":
    sys.exit(main())
