"""The model stage from scratch as a build runs it (not a test): two versions of the code, one after the other.

For each version, ``motcua model --force DATA`` in its own process (a fresh kernel runs notebook 20, the configured
workers fork from it) on a copy of a cleaned panel with no fit cache and no products, the version's ``src`` first
on the path. Records the wall time, the CPU seconds of the whole process tree (the command, its kernel and the
kernel's workers, from ``os.wait4``), the 1-minute load before and after, and whether every product
(trends, trend_summary, comparison, target_probabilities, continuity) is byte-identical to the first version's.
Versions alternate over ``--rounds`` so that both see the same load; on a shared machine read the ratios and the
CPU seconds (÷ 2 cores is the wall time on an idle machine with every part in parallel).

    python bench/model_stage_bench.py --data bench/out/modelnat/data --config bench/out/modelnat/config \\
        --before 2714617 [--rounds 2] [--json out.json]

``--parts``: instead of the CLI, ``run_model_dir`` in a fresh process (no kernel), with the CPU seconds of that
process outside the fits (serial), during them (the comparison and the continuity table) and of its workers, and
the wall time on an idle 2-core machine they imply (serial + (during + workers) ÷ 2).

``--data``: a folder holding panel.parquet from ``motcua clean`` of ``bench/national.py --seed 7
--legacy-province 54`` (its config: ``province_code: null``, ``unit_schema: "2025"``, ``unit_level: commune``).
"""

from __future__ import annotations

import argparse
import json
import os
import shutil
import subprocess
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
OUT = ROOT / "bench" / "out" / "model_stage"
PRODUCTS = (
    "trends.parquet",
    "trend_summary.parquet",
    "comparison.parquet",
    "target_probabilities.parquet",
    "continuity.parquet",
)


def source(rev: str) -> Path:
    """``rev``'s src, extracted once with ``git archive`` into bench/out/model_stage/<rev>/src."""
    dest = OUT / rev
    if not (dest / "src").is_dir():
        dest.mkdir(parents=True, exist_ok=True)
        tar = subprocess.run(["git", "archive", rev, "src"], cwd=ROOT, capture_output=True, check=True).stdout
        subprocess.run(["tar", "-x", "-C", str(dest)], input=tar, check=True)
    return dest / "src"


def fresh_data(panel_dir: Path, name: str) -> Path:
    """A copy of ``panel_dir``'s clean outputs (no products, no fit cache, no stamps) in bench/out/model_stage."""
    dest = OUT / "data" / name
    shutil.rmtree(dest, ignore_errors=True)
    dest.mkdir(parents=True)
    for f in ("panel.parquet", "quality.csv", "clean_meta.json"):
        if (panel_dir / f).exists():
            shutil.copy2(panel_dir / f, dest / f)
    return dest


def run_stage(src: Path, data: Path, config: Path, kernels: Path) -> dict[str, float]:
    """``motcua model --force data`` with ``src`` first on the path: wall, CPU of the process tree, load."""
    env = dict(os.environ)
    env.update(
        PYTHONPATH=str(src),
        MOTCUA_CONFIG=str(config),
        MOTCUA_KERNEL_DIR=str(kernels),
        JUPYTER_PLATFORM_DIRS="1",
    )
    cmd = [sys.executable, "-m", "motcua", "model", "--force", str(data)]
    load0 = os.getloadavg()[0]
    t0 = time.perf_counter()
    proc = subprocess.Popen(cmd, cwd=ROOT, env=env, stdout=subprocess.PIPE, stderr=subprocess.STDOUT)
    out = proc.stdout.read() if proc.stdout else b""
    _, status, ru = os.wait4(proc.pid, 0)
    proc.returncode = os.waitstatus_to_exitcode(status)
    wall = time.perf_counter() - t0
    if proc.returncode != 0:
        raise SystemExit(f"{' '.join(cmd)} failed ({proc.returncode}):\n{out.decode(errors='replace')}")
    return {
        "seconds": round(wall, 2),
        "cpu": round(ru.ru_utime + ru.ru_stime, 2),
        "load_before": round(load0, 1),
        "load_after": round(os.getloadavg()[0], 1),
        "peak_mb": round(ru.ru_maxrss / 1024),
    }


#: ``--parts``: ``run_model_dir`` in a fresh process, the CPU seconds of this process before, during and after the
#: fits (the phase in ``_run_tasks``) and of the forked workers; argv: data folder, src, json out.
PARTS = r"""
import json, os, resource, sys, time
t0, c0 = time.perf_counter(), time.process_time()
import motcua.model.run as run
t_imp, c_imp = time.perf_counter() - t0, time.process_time() - c0
real = run._run_tasks
phase = {}
def kids():
    k = resource.getrusage(resource.RUSAGE_CHILDREN)
    return k.ru_utime + k.ru_stime
def timed(*a, **k):
    w, c, kc = time.perf_counter(), time.process_time(), kids()
    try:
        return real(*a, **k)
    finally:
        phase["fit_wall"] = phase.get("fit_wall", 0) + time.perf_counter() - w
        phase["fit_parent_cpu"] = phase.get("fit_parent_cpu", 0) + time.process_time() - c
        phase["workers_cpu"] = phase.get("workers_cpu", 0) + kids() - kc
run._run_tasks = timed
load0 = os.getloadavg()[0]
w, c = time.perf_counter(), time.process_time()
run.run_model_dir(sys.argv[1])
wall, cpu = time.perf_counter() - w, time.process_time() - c
serial = cpu - phase.get("fit_parent_cpu", 0)
during = phase.get("fit_parent_cpu", 0) + phase.get("workers_cpu", 0)
out = dict(imports_wall=t_imp, imports_cpu=c_imp, wall=wall, parent_cpu=cpu, serial_cpu=serial, **phase,
           load=(load0 + os.getloadavg()[0]) / 2)
out["idle_estimate"] = serial + max(during / 2, phase.get("fit_parent_cpu", 0))
out = {k: round(v, 2) for k, v in out.items()}
print(json.dumps(out))
"""


def run_parts(src: Path, data: Path, config: Path) -> dict[str, float]:
    """:data:`PARTS` with ``src`` first on the path, on ``data`` (its fit cache emptied first)."""
    env = dict(os.environ, PYTHONPATH=str(src), MOTCUA_CONFIG=str(config))
    out = subprocess.run(
        [sys.executable, "-c", PARTS, str(data)], cwd=ROOT, env=env, capture_output=True, text=True, check=True
    ).stdout
    return json.loads(out.strip().splitlines()[-1])


def same_products(a: Path, b: Path) -> dict[str, bool]:
    """Each product's bytes equal in both folders."""
    return {p: (a / p).read_bytes() == (b / p).read_bytes() for p in PRODUCTS}


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--data", required=True, type=Path)
    ap.add_argument("--config", required=True, type=Path)
    ap.add_argument("--before", required=True, help="a git revision (extracted with git archive)")
    ap.add_argument("--after", default="", help="a git revision; default this checkout's src")
    ap.add_argument("--rounds", type=int, default=1)
    ap.add_argument("--json", type=Path)
    ap.add_argument(
        "--parts", action="store_true", help="run_model_dir in-process instead of the CLI: CPU before/during/after fits"
    )
    args = ap.parse_args(argv)
    versions = {"before": source(args.before), "after": source(args.after) if args.after else ROOT / "src"}
    rows = []
    for r in range(args.rounds):
        got = {}
        for name, src in versions.items():
            data = fresh_data(args.data.resolve(), name)
            if args.parts:
                got[name] = run_parts(src, data, args.config.resolve())
                got[name]["seconds"], got[name]["cpu"] = got[name]["wall"], got[name]["parent_cpu"]
            else:
                got[name] = run_stage(src, data, args.config.resolve(), OUT / "kernels")
            got[name]["data"] = str(data)
            print(json.dumps({"round": r, "version": name, **got[name]}), flush=True)
        same = same_products(Path(got["before"]["data"]), Path(got["after"]["data"]))
        row = {
            "round": r,
            "before": got["before"],
            "after": got["after"],
            "wall_ratio": round(got["after"]["seconds"] / got["before"]["seconds"], 3),
            "cpu_ratio": round(got["after"]["cpu"] / got["before"]["cpu"], 3),
            "identical": same,
        }
        print(json.dumps(row), flush=True)
        rows.append(row)
    if args.json:
        args.json.write_text(json.dumps(rows, indent=1))
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
