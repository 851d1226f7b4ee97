"""Benchmark of number formatting, the model stage after a one-unit correction and the index page (issue 6).
Not a test: it prints times and ratios, old against new, in the same run.

1. Formatting, in this process: ``babel.numbers.format_percent`` / ``format_decimal`` against
   :mod:`motcua.numfmt` on the same values (µs per value; numfmt on new values, and on values it has
   formatted before: it remembers strings by ``str(value)``).
2. The model stage, in one Python process per code tree (the baseline REV, exported with ``git archive``,
   and this checkout), each on its own copy of DATA: ``run_model_dir`` once to fill the fit cache (not
   timed), then ``--repeats`` times: add 1 to one more unit's ``received_online`` in its oldest month and
   time ``run_model_dir`` + the four tables of notebooks/20_model.ipynb (status_counts,
   province_overview, province_summary, flagged_units), then ``render_index`` on the new trend_summary
   (best of 3). The two trees run one after the other, ``--rounds`` times; each figure is the best over
   all rounds and repeats (CPU time of the process beside it: less sensitive to other load).

Goals (issue 6): model stage work after a one-unit change ≤ 1.0 s, render_index ≤ 0.15 s, at 696 units.

    .venv/bin/python bench/format_bench.py [--data bench/out/n696/data] [--config bench/out/config-national]
        [--manifest bench/out/n696/reports/manifest.json] [--baseline b2a9c55] [--repeats 3] [--rounds 2]
"""

from __future__ import annotations

import argparse
import json
import os
import shutil
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]

CHILD = r"""
import json, shutil, sys, time
from pathlib import Path
import pandas as pd
from motcua.model import run_model_dir
from motcua.model.summary import flagged_units, province_overview, province_summary, status_counts
from motcua.report.index import render_index

data, manifest_path, repeats, first = Path(sys.argv[1]), Path(sys.argv[2]), int(sys.argv[3]), int(sys.argv[4])
manifest = json.loads(manifest_path.read_text())
t0 = time.perf_counter()
run_model_dir(data)  # fill the fit cache for this code (a full refit when it holds another version's fits)
prime = time.perf_counter() - t0
units = sorted(pd.read_parquet(data / "panel.parquet", columns=["unit_code"])["unit_code"].unique())
out = []
for r in range(repeats):
    p = pd.read_parquet(data / "panel.parquet")
    code = units[(first + r) % len(units)]
    i = p.loc[p["unit_code"] == code, "period_start"].idxmin()
    p.loc[i, "received_online"] = p.loc[i, "received_online"] + 1
    p.to_parquet(data / "panel.parquet", index=False)
    w0, c0 = time.perf_counter(), time.process_time()
    res = run_model_dir(data)
    w1, c1 = time.perf_counter(), time.process_time()
    lang = "vi"
    status_counts(res.trend_summary, lang)
    province_overview(res.trend_summary, res.comparison, lang)
    province_summary(res.trend_summary, lang)
    flagged_units(res.trend_summary, lang)
    w2, c2 = time.perf_counter(), time.process_time()
    summary = pd.read_parquet(data / "trend_summary.parquet")
    render_index(manifest, lang="vi", summary=summary)
    idx = []
    for _ in range(3):
        t = time.perf_counter()
        render_index(manifest, lang="vi", summary=summary)
        idx.append(time.perf_counter() - t)
    out.append({"unit": code, "model": w1 - w0, "model_cpu": c1 - c0, "tables": w2 - w1, "tables_cpu": c2 - c1,
                "stage": w2 - w0, "stage_cpu": c2 - c0, "index": min(idx)})
print(json.dumps({"prime": prime, "runs": out}))
"""


def format_micro(n: int = 3000) -> list[tuple[str, float, float, float]]:
    """(case, Babel, numfmt with nothing remembered, numfmt with every string remembered), µs per value,
    on ``n`` random values; the strings are checked equal first."""
    import numpy as np
    from babel.numbers import format_decimal as bd
    from babel.numbers import format_percent as bp

    from motcua.numfmt import compile_pattern

    xs = np.random.default_rng(1).uniform(-1, 1, n).tolist()
    counts = np.random.default_rng(2).integers(0, 10**6, n).tolist()
    cases = [
        (
            "percent #,##0.0% vi",
            xs,
            lambda x: bp(x, format="#,##0.0%", locale="vi"),
            compile_pattern("#,##0.0%", "vi", "percent"),
        ),
        (
            "signed +#,##0.0;-#,##0.0 en",
            xs,
            lambda x: bd(x, format="+#,##0.0;-#,##0.0", locale="en"),
            compile_pattern("+#,##0.0;-#,##0.0", "en"),
        ),
        ("count, default pattern vi", counts, lambda x: bd(x, locale="vi"), compile_pattern(None, "vi")),
    ]
    out = []
    for name, values, slow, fast in cases:
        assert [slow(x) for x in values] == [fast(x) for x in values], name
        cold = _per_value(fast, values, before=fast._memo.clear)
        out.append((name, _per_value(slow, values), cold, _per_value(fast, values)))
    return out


def _per_value(f, xs, rounds: int = 3, before=None) -> float:
    best = float("inf")
    for _ in range(rounds):
        if before is not None:
            before()
        t = time.perf_counter()
        for x in xs:
            f(x)
        best = min(best, time.perf_counter() - t)
    return 1e6 * best / len(xs)


def export_tree(rev: str, dest: Path) -> Path:
    """``src/`` of ``rev`` under ``dest`` (git archive)."""
    dest.mkdir(parents=True, exist_ok=True)
    archive = subprocess.run(["git", "-C", str(ROOT), "archive", rev, "src"], check=True, capture_output=True).stdout
    subprocess.run(["tar", "-x", "-C", str(dest)], input=archive, check=True)
    return dest / "src"


def run_tree(src: Path, data: Path, manifest: Path, repeats: int, first: int, env: dict[str, str]) -> dict:
    e = {**env, "PYTHONPATH": str(src)}
    got = subprocess.run(
        [sys.executable, "-c", CHILD, str(data), str(manifest), str(repeats), str(first)],
        env=e,
        check=True,
        capture_output=True,
        text=True,
    )
    return json.loads(got.stdout.strip().splitlines()[-1])


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--data", default=str(ROOT / "bench/out/n696/data"))
    ap.add_argument("--config", default=str(ROOT / "bench/out/config-national"))
    ap.add_argument("--manifest", default=str(ROOT / "bench/out/n696/reports/manifest.json"))
    ap.add_argument(
        "--baseline",
        default="b2a9c55",
        help="git revision of the code to compare with (default: before issue 6's formatting work)",
    )
    ap.add_argument("--repeats", type=int, default=3)
    ap.add_argument("--rounds", type=int, default=2)
    ap.add_argument("--json", default=None, help="also write the results here")
    args = ap.parse_args(argv)
    env = {**os.environ, "MOTCUA_CONFIG": args.config}
    print(f"python {sys.version.split()[0]}, {os.cpu_count()} cpu(s), load {os.getloadavg()[0]:.2f}")

    print("\n1. formatting, µs per value (same strings); numfmt new values / values seen before")
    print(f"{'case':30} {'Babel':>7} {'numfmt':>7} {'ratio':>6} {'seen':>6} {'ratio':>6}")
    micro = format_micro()
    for name, slow, cold, warm in micro:
        print(f"{name:30} {slow:7.2f} {cold:7.2f} {slow / cold:6.1f} {warm:6.2f} {slow / warm:6.1f}")

    tmp = Path(tempfile.mkdtemp(prefix="format-bench-"))
    try:
        trees = {"old": export_tree(args.baseline, tmp / "old"), "new": ROOT / "src"}
        datas = {}
        for name in trees:
            datas[name] = tmp / f"data-{name}"
            shutil.copytree(args.data, datas[name])
        results: dict[str, list[dict]] = {name: [] for name in trees}
        primes: dict[str, list[float]] = {name: [] for name in trees}
        for rnd in range(args.rounds):
            for name, src in trees.items():
                got = run_tree(src, datas[name], Path(args.manifest), args.repeats, rnd * args.repeats, env)
                results[name] += got["runs"]
                primes[name].append(got["prime"])
        print(
            f"\n2. after a one-unit change, {args.data}: best of {args.rounds} × {args.repeats} (s; cpu s in brackets)"
        )
        print(f"{'':8} {'run_model_dir':>16} {'4 tables':>16} {'model stage':>16} {'render_index':>13}")
        best = {}
        for name in trees:
            rs = results[name]
            b = {
                k: min(r[k] for r in rs)
                for k in ("model", "model_cpu", "tables", "tables_cpu", "stage", "stage_cpu", "index")
            }
            best[name] = b
            print(
                f"{name + (' (' + args.baseline + ')' if name == 'old' else ''):8} {b['model']:8.3f} ({b['model_cpu']:.3f}) "
                f"{b['tables']:8.3f} ({b['tables_cpu']:.3f}) {b['stage']:8.3f} ({b['stage_cpu']:.3f}) {b['index']:13.3f}"
            )
        o, n = best["old"], best["new"]
        print(
            f"{'ratio':8} {o['model'] / n['model']:16.1f} {o['tables'] / n['tables']:16.1f} {o['stage'] / n['stage']:16.1f} {o['index'] / n['index']:13.1f}"
        )
        print(
            f"goal model stage ≤ 1.0 s: {'met' if n['stage'] <= 1.0 else 'NOT met'} ({n['stage']:.2f} s); "
            f"render_index ≤ 0.15 s: {'met' if n['index'] <= 0.15 else 'NOT met'} ({n['index']:.3f} s); load {os.getloadavg()[0]:.2f}"
        )
        if args.json:
            Path(args.json).write_text(
                json.dumps({"micro": micro, "runs": results, "primes": primes, "best": best}, indent=1)
            )
    finally:
        shutil.rmtree(tmp, ignore_errors=True)
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
