"""Benchmark harness for the report stage (issue 6). Not a test: it prints ratios.

For each N (units), in one run on this machine:

  (a) naive   papermill CLI then `jupyter nbconvert --no-input` CLI on
              notebooks/30_district_report.ipynb, one unit after another
              (measured on a few units, extrapolated linearly to N);
  (b) floor   the same notebook's code run inside one warm Python process
              (IPython shell, no kernel, in-process HTML export, the same reset
              between units as motcua's kernels), per unit, times N divided by
              the cores; the overview's work in that process is reported beside it
              (best of two runs, chart cache emptied before each);
  (c) motcua  `motcua build` from scratch (clean + model + render), and its
              render stage alone (reports and chart cache removed): with the
              kernels the previous build kept (warm, best of two runs) and once
              with no kept kernel (cold: every kernel started and warmed up);
  (d) no-op   the same build again with nothing changed;
  (e) fix     the build after a correction to one unit's oldest month (kernels
              kept by the previous build, as for an analyst who fixes a file and
              rebuilds; also measured cold).

Kept kernels live in a registry of the bench's own (bench/out/kernels) and are
stopped after each size.

Peak memory is the largest summed RSS of the process tree, sampled every
50 ms. Absolute times drift on a shared machine: read the ratios.

Usage: python bench/run.py [--sizes 9,100,696] [--months 60] [--naive-units 4] [--floor-units 12]
       python bench/run.py --national [national_bench.py's options]   (3,321 communes: `make bench NATIONAL=1`)
"""

from __future__ import annotations

import argparse
import json
import os
import platform
import re
import shutil
import subprocess
import sys
import threading
import time
from dataclasses import dataclass
from datetime import date
from pathlib import Path

import psutil

ROOT = Path(__file__).resolve().parents[1]
BIN = Path(sys.executable).parent
NOTEBOOK = ROOT / "notebooks" / "30_district_report.ipynb"
OVERVIEW = ROOT / "notebooks" / "40_province_overview.ipynb"
OUT = ROOT / "bench" / "out"


@dataclass
class Timing:
    seconds: float
    peak_mb: float
    out: str = ""  # the command's standard output


def rebuilt(out: str) -> tuple[int, str]:
    """``motcua build``'s count of reports built and its "rebuilt because of" line (why they were)."""
    built = re.search(r"^reports: (\d+) built", out, re.M)
    why = re.search(r"^rebuilt because of: (.*)$", out, re.M)
    return (int(built[1]) if built else -1), (why[1] if why else "")


def stage_seconds(out: str) -> dict[str, float]:
    """``motcua build``'s own account of the stages that ran: "clean: ran (4.4 s)" → {"clean": 4.4}."""
    return {m[1]: float(m[2]) for m in re.finditer(r"^(clean|model): ran \(([\d.]+) s\)$", out, re.M)}


class PeakRSS:
    """Samples the summed RSS of a process and all its children."""

    def __init__(self, pid: int):
        self.proc = psutil.Process(pid)
        self.peak = 0
        self._stop = threading.Event()
        self._t = threading.Thread(target=self._run, daemon=True)

    def _run(self) -> None:
        while not self._stop.is_set():
            try:
                procs = [self.proc, *self.proc.children(recursive=True)]
                total = 0
                for p in procs:
                    try:
                        total += p.memory_info().rss
                    except psutil.Error:
                        pass
                self.peak = max(self.peak, total)
            except psutil.Error:
                pass
            self._stop.wait(0.05)

    def __enter__(self) -> PeakRSS:
        self._t.start()
        return self

    def __exit__(self, *exc: object) -> None:
        self._stop.set()
        self._t.join()


#: Environment of every measured command (MOTCUA_CONFIG is set per size, see national_config).
ENV: dict[str, str] = dict(os.environ)


def national_config(
    cfg: Path | None = None,
    schema: str = "legacy",
    level: str = "district",
    window: tuple[str, str] = ("2021-01-01", "2025-12-31"),
) -> Path:
    """config/ for an analyst of the whole country (``province_code: null``): names matched in every province,
    at ``level`` of the ``schema`` era, over ``window``; written afresh from config/ at ``cfg``, unless the folder
    already holds exactly that (then left untouched: a no-op build after it still finds its files unchanged)."""
    cfg = cfg or OUT / "config-national"
    new = cfg.with_name(cfg.name + ".new")
    shutil.rmtree(new, ignore_errors=True)
    shutil.copytree(ROOT / "config", new)
    (new / "province.yaml").write_text(
        f"# bench: every {schema} {level} of the country, no province restriction when matching names\n"
        f'province_code: null\nprovince_name: "Toàn quốc"\nunit_schema: "{schema}"\nunit_level: {level}\n'
        f"window:\n  start: {window[0]}\n  end: {window[1]}\nlanguage: vi\n",
        encoding="utf-8",
    )

    def files(root: Path) -> dict[str, bytes]:
        return {str(p.relative_to(root)): p.read_bytes() for p in sorted(root.rglob("*")) if p.is_file()}

    if cfg.is_dir() and files(cfg) == files(new):
        shutil.rmtree(new)
    else:
        shutil.rmtree(cfg, ignore_errors=True)
        new.rename(cfg)
    return cfg


def run(cmd: list[str], **kw: object) -> Timing:
    t0 = time.perf_counter()
    proc = subprocess.Popen(cmd, cwd=ROOT, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True, env=ENV, **kw)
    with PeakRSS(proc.pid) as mem:
        out, err = proc.communicate()
    dt = time.perf_counter() - t0
    if proc.returncode != 0:
        raise SystemExit(f"{' '.join(cmd)} failed ({proc.returncode}):\n{out}\n{err}")
    return Timing(dt, mem.peak / 2**20, out)


def motcua(*args: str) -> list[str]:
    return [str(BIN / "motcua"), *args]


def units_of(data: Path) -> list[str]:
    import pandas as pd

    from motcua.pipeline.stages import report_units

    return [u.code for u in report_units(pd.read_parquet(data / "panel.parquet"))]


def naive(data: Path, units: list[str], work: Path, unit_schema: str | None = None) -> Timing:
    """papermill CLI + nbconvert CLI per unit, serially (``unit_schema``: the units' era, else the notebook's default)."""
    work.mkdir(parents=True, exist_ok=True)
    total, peak = 0.0, 0.0
    for code in units:
        out_nb = work / f"{code}.ipynb"
        # -r: raw strings (with -p, papermill would read the code "001" as the number 1)
        t1 = run(
            [
                str(BIN / "papermill"),
                str(NOTEBOOK),
                str(out_nb),
                "-r",
                "unit_code",
                code,
                *(["-r", "unit_schema", unit_schema] if unit_schema else []),
                "-r",
                "data_dir",
                str(data),
                "-r",
                "lang",
                "vi",
                "--no-progress-bar",
            ]
        )
        t2 = run([str(BIN / "jupyter"), "nbconvert", "--to", "html", "--no-input", str(out_nb)])
        total += t1.seconds + t2.seconds
        peak = max(peak, t1.peak_mb, t2.peak_mb)
    return Timing(total, peak)


FLOOR_SCRIPT = r"""
import json, sys, time
from pathlib import Path
sys.path.insert(0, str(Path(__file__).resolve().parents[1]))  # bench/
from in_process import run_notebook, warm_shell
nb_path, overview_path, data, units = sys.argv[1], sys.argv[2], sys.argv[3], sys.argv[4].split(",")
era = {"unit_schema": sys.argv[5]} if len(sys.argv) > 5 else {}  # else the notebook's default
shell = warm_shell()
t0 = time.perf_counter()
for code in units:
    run_notebook(shell, nb_path, {"unit_code": code, **era, "data_dir": data, "lang": "vi"})
t1 = time.perf_counter()
run_notebook(shell, overview_path, {"data_dir": data, "lang": "vi"})
print(json.dumps({"seconds": t1 - t0, "overview_seconds": time.perf_counter() - t1}))
"""


def floor(data: Path, units: list[str], unit_schema: str | None = None) -> tuple[Timing, float]:
    """Seconds of the units' work in one warm process, and of the overview's (``unit_schema``: the units' era,
    else the notebook's default)."""
    script = OUT / "floor.py"
    script.write_text(FLOOR_SCRIPT, encoding="utf-8")
    proc = subprocess.Popen(
        [
            sys.executable,
            str(script),
            str(NOTEBOOK),
            str(OVERVIEW),
            str(data),
            ",".join(units),
            *([unit_schema] if unit_schema else []),
        ],
        cwd=ROOT,
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
        env=ENV,
    )
    with PeakRSS(proc.pid) as mem:
        out, err = proc.communicate()
    if proc.returncode != 0:
        raise SystemExit(f"floor failed:\n{err[-3000:]}")
    inner = json.loads(out.strip().splitlines()[-1])
    return Timing(inner["seconds"], mem.peak / 2**20), inner["overview_seconds"]


def correct_one_unit(raw: Path) -> str:
    """Add one dossier to one unit in the oldest monthly workbook (motcua.sample.corrections)."""
    from motcua.sample.corrections import add_one_dossier

    return add_one_dossier(sorted(raw.rglob("*.xlsx"))[0])


#: Measurements of the render stage and of the floor, each the best of this many runs.
REPEATS = 2


def clear_chart_cache(data: Path) -> None:
    from motcua.locations import chart_cache

    shutil.rmtree(chart_cache(data), ignore_errors=True)


def stop_kernels() -> None:
    subprocess.run(motcua("kernels", "--stop"), cwd=ROOT, env=ENV, capture_output=True, check=True)


def bench_size(n: int, months: int, naive_units: int, floor_units: int, cores: int) -> dict[str, object]:
    from motcua.sample.plan import latest_start

    if n > 9:
        national_config()  # written afresh from config/
    work = _use_size(n)  # JUPYTER_PLATFORM_DIRS=1 as the motcua command sets it: the same kernel key everywhere
    shutil.rmtree(work, ignore_errors=True)
    stop_kernels()
    raw, data, reports = work / "raw", work / "data", work / "reports"
    build = motcua("build", str(raw), "--data", str(data), "--out", str(reports), "--jobs", str(cores))
    # the months end with the legacy districts (30/06/2025): later months would be rejected as unknown units
    run(
        motcua(
            "sample",
            "--out",
            str(raw),
            "--units",
            str(n),
            "--months",
            str(months),
            "--start",
            latest_start(months),
            "--seed",
            "7",
        )
    )
    scratch = run(build)  # starts its kernels: none kept yet
    # The render stage from scratch: reports and the overview's chart cache removed, kernels kept by the build.
    # Best of REPEATS, each beside a floor run (below), as the machine's speed drifts within minutes.
    os.environ.update(ENV)  # units_of reads config/ in this process
    if "MOTCUA_CONFIG" not in ENV:
        os.environ.pop("MOTCUA_CONFIG", None)
    units = units_of(data)
    f = min(floor_units, len(units))
    renders, floors = [], []
    for _ in range(REPEATS):
        shutil.rmtree(reports, ignore_errors=True)
        clear_chart_cache(data)
        renders.append(run(motcua("render", str(data), "--out", str(reports), "--jobs", str(cores))))
        clear_chart_cache(data)
        floors.append(floor(data, units[:f]))
    render_warm = min(renders, key=lambda t: t.seconds)
    stop_kernels()
    shutil.rmtree(reports)
    clear_chart_cache(data)
    render_cold = run(motcua("render", str(data), "--out", str(reports), "--jobs", str(cores)))
    noop = run(build)
    where = correct_one_unit(raw)
    fix = run(build)  # kernels kept by the render just before
    stop_kernels()
    correct_one_unit(raw)
    fix_cold = run(build)
    stop_kernels()
    k = min(naive_units, len(units))
    nv = naive(data, units[:k], work / "naive")
    naive_total = nv.seconds / k * len(units)
    fl, overview_s = min(floors, key=lambda x: x[0].seconds)
    floor_total = fl.seconds / f * len(units) / cores
    return {
        "n": len(units),
        "naive_s": naive_total,
        "naive_measured_units": k,
        "naive_peak_mb": nv.peak_mb,
        "floor_s": floor_total,
        "floor_measured_units": f,
        "floor_peak_mb": fl.peak_mb,
        "floor_unit_s": fl.seconds / f,
        "floor_overview_s": overview_s,
        "build_s": scratch.seconds,
        "build_peak_mb": scratch.peak_mb,
        "render_s": render_warm.seconds,
        "render_peak_mb": render_warm.peak_mb,
        "render_cold_s": render_cold.seconds,
        "render_cold_peak_mb": render_cold.peak_mb,
        "noop_s": noop.seconds,
        "noop_peak_mb": noop.peak_mb,
        "fix_s": fix.seconds,
        "fix_peak_mb": fix.peak_mb,
        "fix_where": where,
        "fix_cold_s": fix_cold.seconds,
        # reports each fix rebuilt (the unit and the overview: 2) and why, as the build said
        **dict(zip(("fix_built", "fix_why"), rebuilt(fix.out))),
        **dict(zip(("fix_cold_built", "fix_cold_why"), rebuilt(fix_cold.out))),
        # where the kept fix's time went: the clean and model notebooks, the rest (start, render planning,
        # the unit and the overview, the index)
        "fix_stages_s": stage_seconds(fix.out),
        "speedup_vs_naive": naive_total / render_warm.seconds,
        "speedup_vs_naive_cold": naive_total / render_cold.seconds,
        "ratio_to_floor": render_warm.seconds / floor_total,
        "ratio_to_floor_cold": render_cold.seconds / floor_total,
        "load_1min": os.getloadavg()[0],
    }


def _fix_split(r: dict[str, object]) -> str:
    st = r.get("fix_stages_s") or {}
    clean, model = st.get("clean", 0.0), st.get("model", 0.0)  # type: ignore[union-attr]
    return f"{clean:.1f} / {model:.1f} / {float(r['fix_s']) - clean - model:.1f} s" if st else "–"


def table(rows: list[dict[str, object]], cores: int) -> str:
    import pandas
    import papermill

    import motcua

    head = (
        f"Measured {date.today().isoformat()} on {platform.machine()} with {cores} cores, "
        f"{psutil.virtual_memory().total / 2**30:.0f} GiB, Python {platform.python_version()}, "
        f"motcua {motcua.__version__}, pandas {pandas.__version__}, papermill {papermill.__version__}.\n\n"
        "| units built (of sampled) | naive (a) | floor (b) | overview in floor process | render, kernels kept | render, cold "
        "| build from scratch (c) | no-op (d) | one-unit fix (e), kernels kept | of which clean / model / rest | fix, cold | speed-up vs naive (kept / cold) "
        "| render / floor (kept / cold) | peak MB (build) | load |\n|---|---|---|---|---|---|---|---|---|---|---|---|---|---|---|\n"
    )
    lines = [
        f"| {r['n']} of {r.get('requested', r['n'])} | {r['naive_s']:.0f} s* | {r['floor_s']:.1f} s | {r.get('floor_overview_s', float('nan')):.1f} s "
        f"| {r['render_s']:.1f} s | {r.get('render_cold_s', float('nan')):.1f} s | {r['build_s']:.1f} s "
        f"| {r['noop_s']:.2f} s | {r['fix_s']:.1f} s | {_fix_split(r)} | {r.get('fix_cold_s', float('nan')):.1f} s "
        f"| {r['speedup_vs_naive']:.1f}× / {r.get('speedup_vs_naive_cold', float('nan')):.1f}× "
        f"| {r['ratio_to_floor']:.2f} / {r.get('ratio_to_floor_cold', float('nan')):.2f} "
        f"| {r['build_peak_mb']:.0f} | {r.get('load_1min', float('nan')):.1f} |"
        for r in rows
    ]
    foot = (
        "\n\n*naive measured on the first "
        + ", ".join(f"{r['naive_measured_units']}" for r in rows)
        + " units and extrapolated linearly; floor measured on "
        + ", ".join(f"{r['floor_measured_units']}" for r in rows)
        + " units, times N, divided by the cores. Reports each one-unit fix rebuilt (kept / cold), with the build's reason: "
        + "; ".join(
            f"{r['n']} units: {r.get('fix_built', '?')} / {r.get('fix_cold_built', '?')} ({r.get('fix_why', '')})"
            for r in rows
        )
        + ". Render (kernels kept) and floor: best of two runs each, interleaved; "
        "the overview's chart cache emptied before every render and floor run. Load: 1-minute load average at the end of the size's run.\n"
    )
    return head + "\n".join(lines) + foot


def _use_size(n: int) -> Path:
    """Point ENV (and this process) at size ``n``'s config and the bench's kernel registry; its work folder."""
    if n > 9:  # beyond Phú Yên's nine districts the sample spans provinces
        ENV["MOTCUA_CONFIG"] = str(OUT / "config-national")
    else:
        ENV.pop("MOTCUA_CONFIG", None)
    ENV["MOTCUA_KERNEL_DIR"] = str(OUT / "kernels")
    ENV["JUPYTER_PLATFORM_DIRS"] = "1"
    return OUT / f"n{n}"


def fix_only(n: int, repeat: int, cores: int) -> dict[str, object]:
    """(e) alone, ``repeat`` times, on the folder an earlier full run of size ``n`` left (brought up to date with
    this checkout first). Two kernels are kept idle before the first fix, as the render before (e) leaves
    them in the full run; each fix then finds the kernels the one before kept."""
    work = _use_size(n)
    raw, data, reports = work / "raw", work / "data", work / "reports"
    build = motcua("build", str(raw), "--data", str(data), "--out", str(reports), "--jobs", str(cores))
    run(build)  # up to date with this checkout first (everything is rebuilt when the code changed)
    keep = (
        "from pathlib import Path\nfrom motcua.kernels.execute import WarmKernel\n"
        "ks = [WarmKernel(cwd=Path.cwd()) for _ in range(2)]\n[k.shutdown() for k in ks]\n"
    )
    subprocess.run([sys.executable, "-c", keep], cwd=ROOT, env=ENV, check=True)
    fixes = []
    for _ in range(repeat):
        correct_one_unit(raw)
        t = run(build)
        if rebuilt(t.out)[0] != 2:
            raise SystemExit(f"a one-unit fix rebuilt more than the unit and the overview:\n{t.out}")
        fixes.append({"seconds": t.seconds, "peak_mb": t.peak_mb, **stage_seconds(t.out)})
    secs = sorted(f["seconds"] for f in fixes)
    return {
        "n": n,
        "fixes": fixes,
        "median_s": secs[len(secs) // 2],
        "min_s": secs[0],
        "max_s": secs[-1],
        "load_1min": os.getloadavg()[0],
    }


def main() -> int:
    ap = argparse.ArgumentParser()
    ap.add_argument("--sizes", default="9,100")
    ap.add_argument("--months", type=int, default=60)
    ap.add_argument("--naive-units", type=int, default=4)
    ap.add_argument("--floor-units", type=int, default=12)
    ap.add_argument("--write-readme", action="store_true", help="replace the results table in bench/README.md")
    ap.add_argument(
        "--keep-other-sizes",
        action="store_true",
        help="keep the rows of bench/out/results.json for sizes not in --sizes",
    )
    ap.add_argument(
        "--fix-only",
        type=int,
        default=0,
        metavar="REPEAT",
        help="measure only (e), REPEAT times, on the folders an earlier full run left (built with this checkout)",
    )
    ap.add_argument(
        "--national",
        action="store_true",
        help="the national commune-level size instead (bench/national_bench.py: 3,321 communes, ~15 minutes)",
    )
    args, rest = ap.parse_known_args()
    if args.national:
        import national_bench

        return national_bench.main(rest)
    if rest:
        ap.error(f"unrecognized arguments: {' '.join(rest)}")
    cores = os.cpu_count() or 1
    OUT.mkdir(parents=True, exist_ok=True)
    sizes = [int(x) for x in args.sizes.split(",")]
    if args.fix_only:
        results = [fix_only(n, args.fix_only, cores) for n in sizes]
        (OUT / "fix-only.json").write_text(json.dumps(results, indent=1), encoding="utf-8")
        for r in results:
            print(
                f"{r['n']} units: one-unit fix median {r['median_s']:.1f} s (min {r['min_s']:.1f}, max {r['max_s']:.1f}) over "
                f"{len(r['fixes'])} runs; clean / model per run: "
                + ", ".join(f"{f.get('clean', 0):.1f}/{f.get('model', 0):.1f}" for f in r["fixes"])
            )
        return 0
    rows = []
    if args.keep_other_sizes and (OUT / "results.json").exists():  # rows of sizes not measured again
        rows = [
            r for r in json.loads((OUT / "results.json").read_text(encoding="utf-8")) if r.get("requested") not in sizes
        ]
    for n in sizes:
        r = bench_size(n, args.months, args.naive_units, args.floor_units, cores)
        r["requested"] = n
        rows.append(r)
        rows.sort(key=lambda x: x.get("requested", x["n"]))
        print(json.dumps(r, indent=1), flush=True)
        md = table(rows, cores)  # written after each size: a long run that is stopped keeps what it measured
        (OUT / "results.md").write_text(md, encoding="utf-8")
        (OUT / "results.json").write_text(json.dumps(rows, indent=1, default=str), encoding="utf-8")
        if args.write_readme:
            readme = ROOT / "bench" / "README.md"
            text = readme.read_text(encoding="utf-8")
            start, end = "<!-- results:start -->", "<!-- results:end -->"
            text = text[: text.index(start) + len(start)] + "\n" + md + text[text.index(end) :]
            readme.write_text(text, encoding="utf-8")
    print(md)
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
