"""Benchmark: the province overview and the render stage's planning after a correction to one unit (issue 6).

Not a test: it prints times and ratios of two code versions measured in the same run.

  before  the package at ``--before`` (a git revision, extracted with ``git archive``)
  after   this tree's ``src/``

Each side runs in its own process (``--worker``) on its own copy of ``--data``
(processed outputs with their caches, e.g. bench/out/n696/data), with warm
imports, as a kept kernel has them:

  1. plan      the render stage's planning (:func:`motcua.pipeline.stages.render_stage` up to
               its task list: read inputs, report units, each unit's and the overview's input
               hash), nothing changed, then the overview notebook run twice: with no chart or
               fragment cache (removed from the copy), then with the caches that run filled;
  2. fix       for each of ``--units``: its oldest month corrected (received_total and
               received_offline + 1), the model stage run in-process (not timed), then the
               planning and the overview notebook timed.

The overview notebook runs as bench/out/floor.py runs notebooks: its cells in an IPython
InteractiveShell (matplotlib Agg, the kernels' reset between notebooks), outputs captured,
then the in-process HTML export (:func:`motcua.report.export.notebook_to_html`). Both sides
must produce the same page (compared without the code-version line) and find the same
changed units. Sides alternate for ``--rounds`` rounds; the best time of each step is kept.

Usage: .venv/bin/python bench/overview_bench.py [--data bench/out/n696/data]
       [--config bench/out/config-national] [--before b2a9c55] [--units 555,557,560] [--rounds 2]
"""

from __future__ import annotations

import argparse
import json
import os
import re
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parents[1]
VERSION_LINE = re.compile(r'<p class="generated">.*?</p>')


# --------------------------------------------------------------------------- worker (one code version)


def _plan(data: Path, lang: str) -> tuple[float, dict[str, str], str]:
    """Seconds of the render stage's planning, each unit's input hash, the overview's."""
    from motcua.config import load_config
    from motcua.pipeline import stages, stamps
    from motcua.pipeline.unit_hash import UnitHasher, overview_input_hash
    from motcua.version import source_hash

    cfg = load_config()
    t = time.perf_counter()
    if hasattr(stages, "plan_inputs"):  # after
        shas = stamps.input_shas(data)
        stamps.render_key(data, lang, shas)
        t = time.perf_counter()  # the render key (the files' sha256) is the no-op check's, before planning
        inputs, units, tables = stages.plan_inputs(data, shas, cfg)
        hasher = UnitHasher(inputs, "nb", source_hash(), "cfg", tables)
    else:  # before
        stamps.render_key(data, lang)
        t = time.perf_counter()
        inputs = stages.load_model_inputs(data)
        units = stages.report_units(inputs["panel"], cfg)
        hasher = UnitHasher(inputs, "nb", source_hash(), "cfg")
    hashes = {c: hasher(c, {"unit_code": c, "data_dir": str(data), "lang": lang}) for c, _ in units}
    over = overview_input_hash(inputs, {"data_dir": str(data), "lang": lang}, "nb", source_hash(), "cfg", hasher.whole)
    return time.perf_counter() - t, hashes, over


def _correct(data: Path, unit: str) -> None:
    """One more dossier received (offline) in ``unit``'s oldest month; the model stage again."""
    import pandas as pd

    from motcua.model import run_model_dir

    p = pd.read_parquet(data / "panel.parquet")
    rows = p[p["unit_code"].astype(str) == unit]
    i = rows["period_start"].idxmin()
    p.loc[i, "received_total"] += 1
    p.loc[i, "received_offline"] += 1
    p.to_parquet(data / "panel.parquet", index=False)
    run_model_dir(data)


def worker(data: Path, units: list[str], out: Path, lang: str) -> None:
    from in_process import run_notebook, warm_shell  # bench/in_process.py: as the report bench's floor runs a notebook

    shell = warm_shell()
    notebook = ROOT / "notebooks" / "40_province_overview.ipynb"

    def overview() -> tuple[float, str]:
        t = time.perf_counter()
        html = run_notebook(shell, notebook, {"data_dir": str(data), "lang": lang}, lang)
        return time.perf_counter() - t, html

    result: dict[str, Any] = {}
    result["plan_unchanged"], hashes, over = _plan(data, lang)
    result["overview_first"], _ = overview()
    result["overview_unchanged"], _ = overview()
    result["plan_unchanged_again"], _, _ = _plan(data, lang)
    fixes = []
    for unit in units:
        _correct(data, unit)
        plan_s, after, over_after = _plan(data, lang)
        over_s, html = overview()
        fixes.append(
            {
                "unit": unit,
                "plan": plan_s,
                "overview": over_s,
                "changed": sorted(c for c in after if after[c] != hashes.get(c)),
                "overview_changed": over_after != over,
            }
        )
        hashes, over = after, over_after
    result["fixes"] = fixes
    (out / "overview.html").write_text(html, encoding="utf-8")
    (out / "result.json").write_text(json.dumps(result), encoding="utf-8")


# --------------------------------------------------------------------------- driver


def _full_history_units(data: Path, n: int) -> list[str]:
    """``n`` units whose oldest month is the panel's first (a correction there leaves the comparison window alone),
    555 first when it is one."""
    import pandas as pd

    p = pd.read_parquet(data / "panel.parquet", columns=["unit_code", "period_start"])
    first = p.groupby(p["unit_code"].astype(str))["period_start"].min()
    full = sorted(first[first == first.min()].index)
    step = max(1, len(full) // n)
    picked = (["555"] if "555" in full else []) + [c for c in full[::step] if c != "555"]
    return picked[:n]


def _side(name: str, src: Path, data: Path, units: list[str], work: Path, config: str, lang: str) -> dict[str, Any]:
    copy = work / f"{name}-data"
    shutil.rmtree(copy, ignore_errors=True)
    shutil.copytree(data, copy)
    shutil.rmtree(copy / ".cache" / "charts", ignore_errors=True)  # both sides start with no render cache
    shutil.rmtree(copy / ".cache" / "fragments", ignore_errors=True)
    (copy / ".cache" / "input_hashes.json").unlink(missing_ok=True)
    out = work / name
    out.mkdir(exist_ok=True)
    env = dict(os.environ, PYTHONPATH=str(src), MOTCUA_CONFIG=config)
    subprocess.run(
        [sys.executable, __file__, "--worker", str(copy), ",".join(units), str(out), lang], env=env, check=True
    )
    r = json.loads((out / "result.json").read_text(encoding="utf-8"))
    r["html"] = (out / "overview.html").read_text(encoding="utf-8")
    shutil.rmtree(copy, ignore_errors=True)
    return r


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--data", default=str(ROOT / "bench" / "out" / "n696" / "data"))
    ap.add_argument("--config", default=str(ROOT / "bench" / "out" / "config-national"))
    ap.add_argument(
        "--before", default="b2a9c55", help="git revision of the baseline (default: before issue 6's overview work)"
    )
    ap.add_argument("--units", default="", help="units to correct, one after another (default: 3 with a full history)")
    ap.add_argument("--rounds", type=int, default=2)
    ap.add_argument("--lang", default="vi")
    ap.add_argument("--worker", nargs=4, metavar=("DATA", "UNITS", "OUT", "LANG"), help=argparse.SUPPRESS)
    a = ap.parse_args()
    if a.worker:
        worker(Path(a.worker[0]), [u for u in a.worker[1].split(",") if u], Path(a.worker[2]), a.worker[3])
        return

    data = Path(a.data).resolve()
    units = [u for u in a.units.split(",") if u] or _full_history_units(data, 3)
    with tempfile.TemporaryDirectory(prefix="overview-bench-") as tmp:
        work = Path(tmp)
        before_src = work / "before"
        before_src.mkdir()
        archive = subprocess.run(
            ["git", "-C", str(ROOT), "archive", a.before, "src"], check=True, capture_output=True
        ).stdout
        subprocess.run(["tar", "-x", "-C", str(before_src)], input=archive, check=True)
        sides = {"before": before_src / "src", "after": ROOT / "src"}
        runs: dict[str, list[dict[str, Any]]] = {k: [] for k in sides}
        for r in range(a.rounds):
            for name, src in sides.items():
                print(f"round {r + 1}: {name} …", file=sys.stderr, flush=True)
                runs[name].append(_side(name, src, data, units, work, a.config, a.lang))

    def best(name: str, key: str) -> float:
        return min(run[key] for run in runs[name])

    def best_fix(name: str, key: str) -> float:
        """Median over the corrected units of each round, best round."""
        return min(statistics.median(f[key] for f in run["fixes"]) for run in runs[name])

    print(
        f"data {data} ({os.cpu_count()} cpus, load {os.getloadavg()[0]:.1f}); before = {a.before}, after = this tree; "
        f"corrected units {', '.join(units)}; best of {a.rounds} rounds"
    )
    rows = [
        (
            "planning, nothing changed (after a first build)",
            best("before", "plan_unchanged_again"),
            best("after", "plan_unchanged_again"),
        ),
        (
            "overview notebook, no cache (first build)",
            best("before", "overview_first"),
            best("after", "overview_first"),
        ),
        (
            "overview notebook, nothing changed",
            best("before", "overview_unchanged"),
            best("after", "overview_unchanged"),
        ),
        ("planning after a one-unit fix (median)", best_fix("before", "plan"), best_fix("after", "plan")),
        (
            "overview notebook after a one-unit fix (median)",
            best_fix("before", "overview"),
            best_fix("after", "overview"),
        ),
    ]
    print(f"{'step':52} {'before s':>9} {'after s':>9} {'speed-up':>9}")
    for label, b, af in rows:
        print(f"{label:52} {b:9.3f} {af:9.3f} {b / af:8.1f}×")
    same_html = all(
        VERSION_LINE.sub("", r["html"]) == VERSION_LINE.sub("", runs["before"][0]["html"])
        for rs in runs.values()
        for r in rs
    )
    same_changes = all(
        [(f["changed"], f["overview_changed"]) for f in r["fixes"]]
        == [(f["changed"], f["overview_changed"]) for f in runs["before"][0]["fixes"]]
        for rs in runs.values()
        for r in rs
    )
    print(f"overview HTML after the fixes identical on both sides (but the code-version line): {same_html}")
    print(
        f"units whose input hash changed, per fix, the same on both sides: {same_changes} "
        f"({'; '.join(','.join(f['changed']) for f in runs['after'][0]['fixes'])}; overview rebuilt: "
        f"{all(f['overview_changed'] for f in runs['after'][0]['fixes'])})"
    )
    print(
        f"goals: overview after a fix ≤ 0.7 s: {'met' if best_fix('after', 'overview') <= 0.7 else 'NOT met'}; "
        f"planning ≤ 0.2 s: {'met' if best_fix('after', 'plan') <= 0.2 else 'NOT met'}"
    )


if __name__ == "__main__":
    main()
