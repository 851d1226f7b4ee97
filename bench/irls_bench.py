"""Benchmark of the trend fits (not a test): the model stage with statsmodels' GLM against the numpy IRLS.

Runs ``run_model`` twice on the same panel in one process, one after the
other — first with every GLM fitted by statsmodels (``trend._glm_statsmodels``,
the reference), then by :mod:`motcua.model.irls` (the stage's path) — and
reports both times, their ratio and the largest relative difference of every
numeric column of trends, trend_summary and comparison (the tables the reports
render). The panel is the national bench's cleaned one (``--panel``, e.g.
bench/out/national/data/panel.parquet with MOTCUA_CONFIG=bench/out/national/config)
cut to ``--units`` communes spread over the country (plus its districts), or a
simulated province when no panel is given.

    .venv/bin/python bench/irls_bench.py --panel PANEL --units 300,3321 [--jobs 2] [--json out.json]
"""

from __future__ import annotations

import argparse
import json
import os
import platform
import time

import numpy as np
import pandas as pd

from motcua.model import run_model, trend
from motcua.model.settings import settings_from_config
from motcua.model.simulate import SimSpec, simulate_panel


def cut(panel: pd.DataFrame, n: int) -> pd.DataFrame:
    """``n`` communes spread over the country (every k-th code) and every unit of another level."""
    com = panel["unit_level"] == "commune"
    codes = sorted(panel.loc[com, "unit_code"].unique())
    pick = set(codes[:: max(1, len(codes) // n)][:n])
    return panel[~com | panel["unit_code"].isin(pick)].reset_index(drop=True)


def max_rel_diff(a: pd.DataFrame, b: pd.DataFrame) -> float:
    """Largest |a − b| / max(|a|, 1e-300) over the numeric cells (NaN in both counts as equal); inf if shapes or
    non-numeric cells differ."""
    if a.shape != b.shape or list(a.columns) != list(b.columns):
        return float("inf")
    worst = 0.0
    for c in a.columns:
        x, y = a[c], b[c]
        if pd.api.types.is_bool_dtype(x) or not pd.api.types.is_numeric_dtype(x):
            if not x.equals(y):
                return float("inf")
            continue
        xv, yv = x.to_numpy(float), y.to_numpy(float)
        same_nan = np.isnan(xv) == np.isnan(yv)
        if not same_nan.all():
            return float("inf")
        m = ~np.isnan(xv)
        if m.any():
            d = np.abs(xv[m] - yv[m]) / np.maximum(np.abs(xv[m]), 1e-300)
            worst = max(worst, float(d.max()))
    return worst


def timed(panel: pd.DataFrame, settings, glm) -> tuple[float, float, object]:
    """Seconds of run_model, seconds inside the GLM fits (this process only: 0 from forked workers), result."""
    fast = trend._glm
    inside = [0.0]

    def counted(*a, **k):
        t = time.perf_counter()
        try:
            return glm(*a, **k)
        finally:
            inside[0] += time.perf_counter() - t

    trend._glm = counted  # forked workers inherit the module's state
    try:
        t0 = time.perf_counter()
        res = run_model(panel, settings)
        return time.perf_counter() - t0, inside[0], res
    finally:
        trend._glm = fast


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--panel", default=None, help="a cleaned panel.parquet (default: a simulated province)")
    ap.add_argument("--units", default="300")
    ap.add_argument("--jobs", type=int, default=None, help="worker processes (default: config/model.yaml jobs)")
    ap.add_argument("--json", default=None)
    args = ap.parse_args(argv)
    settings = settings_from_config()
    if args.jobs is not None:
        settings = settings.with_(jobs=args.jobs)
    full = pd.read_parquet(args.panel) if args.panel else None
    print(f"python {platform.python_version()}, {os.cpu_count()} cpu(s), jobs {settings.jobs or os.cpu_count()}")
    rows = []
    for n in [int(x) for x in args.units.split(",")]:
        panel = cut(full, n) if full is not None else simulate_panel(SimSpec(n_units=n, months=54, seed=1))[0]
        load0 = os.getloadavg()[0]
        old_s, old_glm, old = timed(panel, settings, trend._glm_statsmodels)
        new_s, new_glm, new = timed(panel, settings, trend._glm)
        row = {
            "units": int(panel[["unit_schema", "unit_code"]].drop_duplicates().shape[0]),
            "series": len(new.trend_summary),
            "statsmodels_s": round(old_s, 2),
            "numpy_s": round(new_s, 2),
            "ratio": round(old_s / new_s, 2),
            **(
                {
                    "glm_statsmodels_s": round(old_glm, 2),
                    "glm_numpy_s": round(new_glm, 2),
                    "glm_ratio": round(old_glm / new_glm, 2),
                }
                if new_glm > 0
                else {}
            ),
            "load": round((load0 + os.getloadavg()[0]) / 2, 1),
            **{
                f"max_rel_diff_{t}": max_rel_diff(getattr(old, t), getattr(new, t))
                for t in ("trends", "trend_summary", "comparison")
            },
        }
        rows.append(row)
        print(json.dumps(row))
    if args.json:
        with open(args.json, "w", encoding="utf-8") as fh:
            json.dump(rows, fh, indent=2)
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
