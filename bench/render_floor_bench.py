"""The render floor before and after, measured in the same run: one warm process per source tree and round.

Each round runs, for every source tree given (``--src``: a folder holding ``src/``, ``bench/`` and ``notebooks/``,
e.g. an export of an older commit by ``git archive``), bench/in_process.py's floor on the same communes of the
national bench (one warm-up commune, then ``--units`` timed) in a fresh process, one tree after the other, and
prints each tree's seconds per commune, the 1-minute load beside it and the ratio to the first tree. The data
folder must hold the cleaned and modelled national bench (bench/national_bench.py's ``bench/out/national``).

With ``--render N`` each round also runs ``motcua render --units`` of N communes spread over the country (with
the overview: in a national analysis the 34 province pages and the national page) for each tree, as
bench/national_bench.py does (reports folder, chart and fragment caches emptied first, 2 jobs, kernels kept
between rounds in a kernel folder of each tree's own, stopped at the end).

    python bench/render_floor_bench.py --src /tmp/base --src . [--units 12] [--rounds 2] [--render 32]
"""

from __future__ import annotations

import argparse
import json
import os
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
WORK = ROOT / "bench" / "out" / "national"

SCRIPT = r"""
import json, os, sys, time
root, data, n = sys.argv[1], sys.argv[2], int(sys.argv[3])
sys.path[:0] = [root + "/bench", root + "/src"]
from in_process import run_notebook, warm_shell
import pandas as pd
panel = pd.read_parquet(data + "/panel.parquet")
units = sorted(panel.loc[(panel["unit_level"] == "commune") & (panel["unit_schema"] == "2025"), "unit_code"].unique())
sel = units[:: max(1, len(units) // 32)][: n + 1]
shell = warm_shell()
nb = root + "/notebooks/30_district_report.ipynb"
go = lambda c: run_notebook(shell, nb, {"unit_code": c, "unit_schema": "2025", "data_dir": data, "lang": "vi"})
go(sel[0])  # the data read, the caches filled: what every later unit of a warm kernel finds
t = time.perf_counter()
for c in sel[1:]:
    go(c)
print(json.dumps({"per_unit_s": (time.perf_counter() - t) / n, "load": os.getloadavg()[0]}))
"""


def floor(src: Path, data: Path, n: int) -> dict[str, float]:
    env = dict(os.environ, MOTCUA_CONFIG=str(WORK / "config"), PYTHONPATH=str(src / "src"))
    out = subprocess.run(
        [sys.executable, "-c", SCRIPT, str(src), str(data), str(n)],
        capture_output=True,
        text=True,
        env=env,
        cwd=src,
        check=True,
    ).stdout
    return json.loads(out.strip().splitlines()[-1])


def render(src: Path, data: Path, n: int, k: int) -> dict[str, float]:
    """``motcua render --units`` of ``n`` communes (every k-th of 32 spread over the country) with ``src``'s code."""
    import shutil
    import time

    import pandas as pd

    env = dict(
        os.environ,
        MOTCUA_CONFIG=str(WORK / "config"),
        PYTHONPATH=str(src / "src"),
        MOTCUA_KERNEL_DIR=str(WORK / f"kernels-{k}"),
        JUPYTER_PLATFORM_DIRS="1",
    )
    panel = pd.read_parquet(data / "panel.parquet", columns=["unit_schema", "unit_level", "unit_code"])
    units = sorted(
        panel.loc[(panel["unit_level"] == "commune") & (panel["unit_schema"] == "2025"), "unit_code"].unique()
    )
    sel = units[:: max(1, len(units) // n)][:n]
    reports = WORK / f"reports-{k}"
    shutil.rmtree(reports, ignore_errors=True)
    from motcua.locations import chart_cache, fragment_cache

    shutil.rmtree(chart_cache(data), ignore_errors=True)
    shutil.rmtree(fragment_cache(data), ignore_errors=True)
    motcua = str(Path(sys.executable).parent / "motcua")
    cmd = [motcua, "render", str(data), "--out", str(reports), "--units", ",".join(sel), "--jobs", "2"]
    t = time.perf_counter()
    subprocess.run(cmd, capture_output=True, text=True, env=env, cwd=src, check=True)
    return {"seconds": time.perf_counter() - t, "load": os.getloadavg()[0]}


def stop_kernels(src: Path, k: int) -> None:
    env = dict(os.environ, PYTHONPATH=str(src / "src"), MOTCUA_KERNEL_DIR=str(WORK / f"kernels-{k}"))
    env["JUPYTER_PLATFORM_DIRS"] = "1"
    motcua = str(Path(sys.executable).parent / "motcua")
    subprocess.run([motcua, "kernels", "--stop"], capture_output=True, env=env, cwd=src)


def main(argv: list[str] | None = None) -> None:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--src", action="append", type=Path, required=True)
    ap.add_argument("--data", type=Path, default=WORK / "data")
    ap.add_argument("--units", type=int, default=12)
    ap.add_argument("--rounds", type=int, default=2)
    ap.add_argument("--render", type=int, default=0, help="also time `motcua render --units` of this many communes")
    a = ap.parse_args(argv)
    best: dict[Path, float] = {}
    best_render: dict[Path, float] = {}
    try:
        for r in range(a.rounds):
            for k, src in enumerate(a.src):
                m = floor(src.resolve(), a.data.resolve(), a.units)
                best[src] = min(best.get(src, float("inf")), m["per_unit_s"])
                print(
                    f"round {r + 1} {src}: floor {m['per_unit_s']:.3f} s per commune, load {m['load']:.1f}", flush=True
                )
                if a.render:
                    m = render(src.resolve(), a.data.resolve(), a.render, k)
                    best_render[src] = min(best_render.get(src, float("inf")), m["seconds"])
                    print(
                        f"round {r + 1} {src}: render {a.render} {m['seconds']:.1f} s, load {m['load']:.1f}", flush=True
                    )
    finally:
        if a.render:
            for k, src in enumerate(a.src):
                stop_kernels(src.resolve(), k)
    first = best[a.src[0]]
    for src in a.src:
        print(f"best {src}: floor {best[src]:.3f} s per commune, {best[src] / first:.2f} of the first")
        if a.render:
            f = best_render[a.src[0]]
            print(f"best {src}: render {best_render[src]:.1f} s, {best_render[src] / f:.2f} of the first")


if __name__ == "__main__":
    main()
