"""Benchmark of the model stage (not a test): two versions of the code on the same panel, one after the other.

Each version runs ``run_model`` in a fresh process (its own ``src`` first on the path, the configured number
of workers or ``--jobs``), on the national bench's cleaned panel (``--panel``, with MOTCUA_CONFIG pointing at
its config) cut to ``--units`` communes spread over the country plus its districts (bench/irls_bench.py's
``cut``), alternating versions so that both see the same load. ``--before`` is a git revision, extracted
with ``git archive`` into bench/out/modelspeed/<rev>/src; "after" is this checkout's src. Prints and writes
(``--json``) one row per size and job count with both times, their ratio, the 1-minute load, the CPU
seconds of the stage's process and of its workers (on a machine shared by several sessions the wall time is
mostly waiting for a core; parent + workers ÷ jobs is the time on an idle machine, workers evenly loaded)
and the largest relative difference of each table (draws changed: the bands' last digits move).

    .venv/bin/python bench/modelspeed_bench.py --panel PANEL --before 0a98c8a --units 300,3321 --jobs 1,2
"""

from __future__ import annotations

import argparse
import json
import os
import subprocess
import sys
import tempfile
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]

CHILD = r"""
import json, os, resource, sys, time
sys.path.insert(0, sys.argv[4])
import pandas as pd
from irls_bench import cut
from motcua.model import run_model
from motcua.model.settings import settings_from_config
panel = cut(pd.read_parquet(sys.argv[1]), int(sys.argv[2]))
s = settings_from_config().with_(jobs=int(sys.argv[3]))
load0 = os.getloadavg()[0]
kids0 = resource.getrusage(resource.RUSAGE_CHILDREN)
t0, c0 = time.perf_counter(), time.process_time()
res = run_model(panel, s)
sec, cpu = time.perf_counter() - t0, time.process_time() - c0
kids1 = resource.getrusage(resource.RUSAGE_CHILDREN)
kids = (kids1.ru_utime + kids1.ru_stime) - (kids0.ru_utime + kids0.ru_stime)
for name in ("trends", "trend_summary", "comparison"):
    getattr(res, name).to_parquet(os.path.join(sys.argv[5], name + ".parquet"))
print(json.dumps({"seconds": sec, "cpu": cpu, "workers_cpu": kids, "load": (load0 + os.getloadavg()[0]) / 2,
                  "series": len(res.trend_summary),
                  "units": int(panel[["unit_schema", "unit_code"]].drop_duplicates().shape[0])}))
"""


def source_of(rev: str) -> Path:
    """``rev``'s src folder, extracted once into bench/out/modelspeed/<rev>."""
    dest = ROOT / "bench" / "out" / "modelspeed" / rev
    if not (dest / "src").is_dir():
        dest.mkdir(parents=True, exist_ok=True)
        archive = subprocess.run(["git", "-C", str(ROOT), "archive", rev, "src"], check=True, capture_output=True)
        subprocess.run(["tar", "-x", "-C", str(dest)], input=archive.stdout, check=True)
    return dest / "src"


def run_once(src: Path, panel: str, units: int, jobs: int, out: Path) -> dict:
    env = {**os.environ, "PYTHONPATH": str(src)}
    cmd = [sys.executable, "-c", CHILD, panel, str(units), str(jobs), str(ROOT / "bench"), str(out)]
    done = subprocess.run(cmd, env=env, check=True, capture_output=True, text=True)
    return json.loads(done.stdout.strip().splitlines()[-1])


def max_rel_diffs(a: Path, b: Path) -> dict[str, float]:
    import pandas as pd

    sys.path.insert(0, str(ROOT / "bench"))
    from irls_bench import max_rel_diff

    return {
        f"max_rel_diff_{t}": max_rel_diff(pd.read_parquet(a / f"{t}.parquet"), pd.read_parquet(b / f"{t}.parquet"))
        for t in ("trends", "trend_summary", "comparison")
    }


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--panel", required=True)
    ap.add_argument("--before", required=True, help="git revision of the 'before' code")
    ap.add_argument("--after", default=None, help="git revision of the 'after' code (default: this checkout's src)")
    ap.add_argument("--units", default="300")
    ap.add_argument("--jobs", default="1,2")
    ap.add_argument("--json", default=None)
    args = ap.parse_args(argv)
    before = source_of(args.before)
    after = source_of(args.after) if args.after else ROOT / "src"
    rows = []
    for units in [int(x) for x in args.units.split(",")]:
        for jobs in [int(x) for x in args.jobs.split(",")]:
            with tempfile.TemporaryDirectory() as da, tempfile.TemporaryDirectory() as db:
                b = run_once(before, args.panel, units, jobs, Path(da))
                a = run_once(after, args.panel, units, jobs, Path(db))
                row = {
                    "units": a["units"],
                    "series": a["series"],
                    "jobs": jobs,
                    "before_s": round(b["seconds"], 2),
                    "after_s": round(a["seconds"], 2),
                    "ratio": round(b["seconds"] / a["seconds"], 2),
                    "before_cpu_s": round(b["cpu"], 2),
                    "after_cpu_s": round(a["cpu"], 2),
                    "before_workers_cpu_s": round(b["workers_cpu"], 2),
                    "after_workers_cpu_s": round(a["workers_cpu"], 2),
                    # on an idle machine: the parent's own time plus the workers' shared over ``jobs`` cores
                    "before_idle_s": round(b["cpu"] + b["workers_cpu"] / jobs, 2),
                    "after_idle_s": round(a["cpu"] + a["workers_cpu"] / jobs, 2),
                    "load_before": round(b["load"], 1),
                    "load_after": round(a["load"], 1),
                    **max_rel_diffs(Path(da), Path(db)),
                }
            rows.append(row)
            print(json.dumps(row), flush=True)
    if args.json:
        Path(args.json).write_text(json.dumps(rows, indent=2), encoding="utf-8")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
