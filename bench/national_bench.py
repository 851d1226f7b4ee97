"""Benchmark at national commune grain (not a test): 3,321 communes × 07/2025–11/2026, one province's history.

The input is bench/national.py's tidy CSV (56,457 commune rows, and Phú Yên's nine legacy districts
from 01/2021 to 06/2025), built with a configuration of the whole country at commune level
(``province_code: null``, ``unit_schema: "2025"``, ``unit_level: commune``). In one run, on this machine:

  clean     ``motcua clean`` from scratch (a cold process), then the clean stage of a no-op build and
            of a build after a one-commune correction (one dossier more in one commune's oldest month);
  model     ``run_model`` on the cleaned panel (3,321 communes + 9 districts × 3 rates, the configured
            worker processes), against one plain binomial GLM per series (bench/model_bench.py's
            baseline) on a slice of the communes, extrapolated linearly;
  render    ``motcua render --units`` of two samples of communes (kernels kept by the build, the
            overview's caches emptied first), which gives the cost of a commune's report and of the
            overview of all communes by a straight line through the two; the floor of the same work
            (bench/in_process.py: one warm process, per commune, times N, divided by the cores, plus
            the overview); the naive loop (papermill + nbconvert CLIs) on a few communes, extrapolated;
  build     ``motcua build --units SAMPLE`` from scratch, a no-op build, a one-commune fix; the whole
            national build (every commune's report) only with ``--full``, otherwise extrapolated from
            its measured parts;
  memory    the largest summed RSS of each command's process tree (sampled every 50 ms);
  pages     the size of the overview page and of the largest commune report.

Absolute times drift on a shared machine: read the ratios, and the 1-minute load printed with each.

    python bench/national_bench.py [--sample 8,32] [--naive-units 2] [--floor-units 12] [--forms-province 79] [--full] [--from-json results.json]
"""

from __future__ import annotations

import argparse
import csv
import json
import os
import platform
import shutil
import subprocess
import sys
import time
from datetime import UTC, datetime
from pathlib import Path

import pandas as pd

sys.path.insert(0, str(Path(__file__).resolve().parent))
import national  # noqa: E402  (bench/national.py)
import national_full  # noqa: E402  (bench/national_full.py: the whole national build, measured; the page budget)
import national_pages  # noqa: E402  (bench/national_pages.py: the index of every unit, the province pages)
import run as R  # noqa: E402  (bench/run.py: run, PeakRSS, floor, naive, motcua, stop_kernels)

ROOT = R.ROOT
WORK = R.OUT / "national"

#: Goals at national commune grain, 2 cores.
GOALS = {
    "clean_s": 20.0,
    "model_s": 30.0,
    "speedup_vs_naive": 20.0,
    "ratio_to_floor": 1.2,
    "noop_s": 0.5,
    "fix_s": 3.0,
    "build_full_s": 20 * 60.0,
    "peak_mb": 4096.0,
    "page_mb": 1.5,
}


def national_config() -> Path:
    """config/ for the whole country at commune level (2025 units), window 07/2025–11/2026."""
    return R.national_config(WORK / "config", "2025", "commune", ("2025-07-01", "2026-11-30"))


def use_national() -> None:
    """Point bench/run.py's ENV (and this process) at the national config and the bench's kernel registry."""
    R.ENV["MOTCUA_CONFIG"] = str(WORK / "config")
    R.ENV["MOTCUA_KERNEL_DIR"] = str(R.OUT / "kernels")
    R.ENV["JUPYTER_PLATFORM_DIRS"] = "1"
    os.environ.update({k: R.ENV[k] for k in ("MOTCUA_CONFIG", "MOTCUA_KERNEL_DIR", "JUPYTER_PLATFORM_DIRS")})


def correct_one_commune(path: Path, code: str) -> str:
    """One dossier more, received in person and resolved on time, in ``code``'s oldest month of the tidy CSV
    (received_total, received_offline, resolved_total, resolved_ontime + 1: the identities still hold)."""
    with path.open(encoding="utf-8", newline="") as fh:
        rows = list(csv.reader(fh))
    head = rows[0]
    i_code, i_start = head.index("unit_code"), head.index("period_start")
    mine = [k for k, r in enumerate(rows[1:], 1) if r[i_code] == code]
    k = min(mine, key=lambda j: rows[j][i_start])
    for c in ("received_total", "received_offline", "resolved_total", "resolved_ontime"):
        rows[k][head.index(c)] = str(int(rows[k][head.index(c)]) + 1)
    with path.open("w", encoding="utf-8", newline="") as fh:
        csv.writer(fh, lineterminator="\n").writerows(rows)
    return f"{path.name} line {k + 1} ({code} {rows[k][i_start]})"


def load() -> float:
    return os.getloadavg()[0]


def model_in_process(data: Path, naive_units: int) -> dict[str, float]:
    """run_model on the panel (configured jobs) in a fresh process, and the naive per-series GLM on a slice."""
    script = r"""
import json, sys, time, resource
sys.path.insert(0, sys.argv[3])
import pandas as pd
from model_bench import baseline
from motcua.model import run_model
from motcua.model.settings import settings_from_config
panel = pd.read_parquet(sys.argv[1])
s = settings_from_config()
t0 = time.perf_counter()
res = run_model(panel, s)
model_s = time.perf_counter() - t0
codes = sorted(panel.loc[panel["unit_level"] == "commune", "unit_code"].unique())
k = int(sys.argv[2])
sl = panel[panel["unit_code"].isin(codes[:: max(1, len(codes) // k)][:k]) & (panel["unit_level"] == "commune")]
base_s = baseline(sl, s.rates)
n_series = len(res.trend_summary)
print(json.dumps({"model_s": model_s, "series": n_series, "baseline_slice_s": base_s, "baseline_units": sl["unit_code"].nunique(),
                  "units": panel[["unit_schema", "unit_code"]].drop_duplicates().shape[0]}))
"""
    proc = subprocess.Popen(
        [sys.executable, "-c", script, str(data / "panel.parquet"), str(naive_units), str(ROOT / "bench")],
        cwd=ROOT,
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
        env=R.ENV,
    )
    with R.PeakRSS(proc.pid) as mem:
        out, err = proc.communicate()
    if proc.returncode:
        raise SystemExit(f"model failed:\n{err[-3000:]}")
    r = json.loads(out.strip().splitlines()[-1])
    r["baseline_s"] = r["baseline_slice_s"] / r["baseline_units"] * r["units"]  # serial, one GLM per series
    r["peak_mb"] = mem.peak / 2**20
    return r


def sample_units(units: list[str], n: int) -> list[str]:
    """``n`` communes spread over the country (every k-th code), deterministic."""
    step = max(1, len(units) // n)
    return units[::step][:n]


def render(data: Path, reports: Path, units: list[str], cores: int) -> R.Timing:
    shutil.rmtree(reports, ignore_errors=True)
    R.clear_chart_cache(data)
    from motcua.locations import fragment_cache

    shutil.rmtree(fragment_cache(data), ignore_errors=True)
    return R.run(R.motcua("render", str(data), "--out", str(reports), "--units", ",".join(units), "--jobs", str(cores)))


def page_sizes(reports: Path) -> dict[str, float]:
    pages = sorted(reports.rglob("*.html"), key=lambda p: p.stat().st_size, reverse=True)
    overview = [p for p in pages if "province" in p.name or "overview" in p.name or "tong" in p.name]
    units = [p for p in pages if p not in overview and p.name != "index.html"]
    return {
        "overview_mb": overview[0].stat().st_size / 2**20 if overview else float("nan"),
        "overview_name": overview[0].name if overview else "",
        "largest_unit_mb": units[0].stat().st_size / 2**20 if units else float("nan"),
        "largest_page": pages[0].name if pages else "",
        "largest_page_mb": pages[0].stat().st_size / 2**20 if pages else float("nan"),
        "largest_page_bytes": pages[0].stat().st_size if pages else 0,
        "page_budget": national_full.page_budget(),
    }


def bench(args: argparse.Namespace) -> dict[str, object]:
    cores = os.cpu_count() or 1
    national_config()
    use_national()
    raw, data, reports = WORK / "raw", WORK / "data", WORK / "reports"
    r: dict[str, object] = {"started": datetime.now(UTC).strftime("%Y-%m-%d %H:%M UTC"), "cores": cores}
    t = time.perf_counter()
    shutil.rmtree(raw, ignore_errors=True)
    national.main(["--out", str(raw), "--seed", "7", "--legacy-province", "54"])
    r["generate_s"] = time.perf_counter() - t
    csv_path = raw / "national_2025.csv"
    R.stop_kernels()
    for d in (data, reports):
        shutil.rmtree(d, ignore_errors=True)

    # clean from scratch, in its own process
    c = R.run(R.motcua("clean", str(raw), "--out", str(data)))
    panel = pd.read_parquet(data / "panel.parquet")
    r.update(clean_s=c.seconds, clean_peak_mb=c.peak_mb, panel_rows=len(panel), load_clean=load())
    q = pd.read_csv(data / "quality.csv") if (data / "quality.csv").exists() else pd.DataFrame()
    r["quality_errors"] = int((q.get("severity") == "error").sum()) if len(q) else 0
    print(f"clean {c.seconds:.1f} s, {len(panel)} rows, peak {c.peak_mb:.0f} MB, load {load():.1f}", flush=True)

    # model from scratch, in its own process, and the naive per-series GLM on a slice
    m = model_in_process(data, args.naive_model_units)
    r.update(
        model_s=m["model_s"],
        model_series=m["series"],
        model_baseline_s=m["baseline_s"],
        model_baseline_units=m["baseline_units"],
        model_peak_mb=m["peak_mb"],
        load_model=load(),
    )
    print(
        f"model {m['model_s']:.1f} s for {m['series']} series (plain GLM per series, extrapolated: {m['baseline_s']:.1f} s), "
        f"load {load():.1f}",
        flush=True,
    )

    # a build with a sample of communes' reports, from scratch (clean and model again, with their caches)
    shutil.rmtree(data, ignore_errors=True)
    units = sorted(
        panel.loc[(panel["unit_level"] == "commune") & (panel["unit_schema"] == "2025"), "unit_code"].unique()
    )
    small, big = sorted(int(x) for x in args.sample.split(","))
    s_small, s_big = sample_units(units, small), sample_units(units, big)
    build = R.motcua(
        "build", str(raw), "--data", str(data), "--out", str(reports), "--units", ",".join(s_big), "--jobs", str(cores)
    )
    b = R.run(build)
    st = R.stage_seconds(b.out)
    r.update(build_sample_s=b.seconds, build_sample_peak_mb=b.peak_mb, build_sample_stages=st, load_build=load())
    print(
        f"build (clean + model + {big} reports + overview) {b.seconds:.1f} s {st}, peak {b.peak_mb:.0f} MB", flush=True
    )
    r.update(page_sizes(reports))
    r.update(national_pages.province_pages(reports))
    r.update(national_pages.index_at_scale(data))
    print(
        f"province pages: largest {r.get('province_largest')} {r.get('province_largest_bytes')} bytes; index of "
        f"{r['index_units']} units {r['index_bytes']} bytes in {r['index_s']:.2f} s",
        flush=True,
    )

    # render: two samples (kernels kept), floor beside each; best of REPEATS
    renders: dict[int, float] = {}
    for n, sel in ((small, s_small), (big, s_big)):
        renders[n] = min(render(data, reports, sel, cores).seconds for _ in range(R.REPEATS))
        print(f"render {n} communes + overview {renders[n]:.1f} s, load {load():.1f}", flush=True)
    per_unit = (renders[big] - renders[small]) / (big - small)
    fixed = renders[small] - per_unit * small
    R.clear_chart_cache(data)
    fl, overview_floor = R.floor(data, s_big[: args.floor_units], "2025")
    floor_unit = fl.seconds / min(args.floor_units, len(s_big))
    r.update(
        render_small_s=renders[small],
        render_big_s=renders[big],
        render_per_unit_s=per_unit,
        render_fixed_s=fixed,
        floor_unit_s=floor_unit,
        floor_overview_s=overview_floor,
        floor_peak_mb=fl.peak_mb,
        floor_units=args.floor_units,
    )
    r["units"] = len(units)
    r["sample_big"] = big
    derive(r)
    print(
        f"floor per commune {floor_unit:.2f} s, overview {overview_floor:.1f} s; render/floor {r['ratio_to_floor_sample']:.2f} "
        f"({big} communes); line through the samples: {r['render_line_all_s']:.0f} s for all, {r['ratio_to_floor_line']:.2f} "
        "of the floor",
        flush=True,
    )

    # no-op and one-commune fix (kernels kept by the renders)
    R.run(build)  # the renders above left the reports of the big sample: bring the build up to date
    noop = R.run(build)
    where = correct_one_commune(csv_path, s_big[0])
    fix = R.run(build)
    r.update(
        noop_s=noop.seconds,
        fix_s=fix.seconds,
        fix_where=where,
        fix_stages=R.stage_seconds(fix.out),
        fix_built=R.rebuilt(fix.out)[0],
        fix_why=R.rebuilt(fix.out)[1],
        fix_peak_mb=fix.peak_mb,
        load_fix=load(),
    )
    print(
        f"no-op {noop.seconds:.2f} s; one-commune fix {fix.seconds:.1f} s {r['fix_stages']} ({where}; "
        f"{r['fix_built']} reports: {r['fix_why']})",
        flush=True,
    )
    R.stop_kernels()

    # naive loop: papermill + nbconvert CLIs on a few communes, extrapolated
    k = args.naive_units
    nv = R.naive(data, s_big[:k], WORK / "naive", "2025")
    r["naive_unit_s"] = nv.seconds / k
    r["naive_all_s"] = r["naive_unit_s"] * len(units)
    derive(r)
    r["naive_units"] = k
    print(
        f"naive {r['naive_unit_s']:.1f} s per commune; speed-up of the render stage (extrapolated) {r['speedup_vs_naive']:.1f}×",
        flush=True,
    )

    # form-06 workbooks of one province (names as written, matched against every 2025 unit), extrapolated per row
    if args.forms_province:
        fraw, fdata = WORK / "forms_raw", WORK / "forms_data"
        for d in (fraw, fdata):
            shutil.rmtree(d, ignore_errors=True)
        national.main(["--out", str(fraw), "--forms", "--provinces", args.forms_province, "--legacy-province", ""])
        fc = R.run(R.motcua("clean", str(fraw), "--out", str(fdata)))
        fp = pd.read_parquet(fdata / "panel.parquet")
        fq = pd.read_csv(fdata / "quality.csv") if (fdata / "quality.csv").exists() else pd.DataFrame()
        r.update(
            forms_province=args.forms_province,
            forms_rows=len(fp),
            forms_clean_s=fc.seconds,
            forms_peak_mb=fc.peak_mb,
            forms_errors=int((fq.get("severity") == "error").sum()) if len(fq) else 0,
            forms_clean_all_s=fc.seconds / max(len(fp), 1) * national.MONTHS_2025 * len(units),
            load_forms=load(),
        )
        print(
            f"forms of province {args.forms_province}: {len(fp)} rows cleaned in {fc.seconds:.1f} s ({r['forms_errors']} errors); "
            f"{r['forms_clean_all_s']:.0f} s for the country at this pace",
            flush=True,
        )

    # the whole national build
    if args.full:
        shutil.rmtree(data, ignore_errors=True)
        shutil.rmtree(reports, ignore_errors=True)
        R.stop_kernels()
        full = R.run(R.motcua("build", str(raw), "--data", str(data), "--out", str(reports), "--jobs", str(cores)))
        r.update(build_full_s=full.seconds, build_full_peak_mb=full.peak_mb, build_full_measured=True)
        r.update(page_sizes(reports))
        R.stop_kernels()
    else:
        r["build_full_measured"] = False
        derive(r)
    r["peak_mb"] = max(float(v) for key, v in r.items() if key.endswith("peak_mb"))
    r["load_end"] = load()
    r["commit"] = subprocess.run(
        ["git", "rev-parse", "--short", "HEAD"], cwd=ROOT, capture_output=True, text=True
    ).stdout.strip()
    return r


def derive(r: dict[str, object]) -> None:
    """Figures extrapolated to every commune from the measured ones (in place).

    The render of all communes is the floor's extrapolation (each commune's floor × N ÷ cores, plus the
    overview's) times the render / floor ratio measured on the larger sample: the straight line through
    the two samples' render times (``render_line_all_s``) rests on a difference of two noisy timings
    and is shown beside it only.
    """
    cores, n, big = int(r["cores"]), int(r["units"]), int(r["sample_big"])
    floor_big = float(r["floor_unit_s"]) * big / cores + float(r["floor_overview_s"])
    r["ratio_to_floor_sample"] = float(r["render_big_s"]) / floor_big
    r["floor_all_s"] = float(r["floor_unit_s"]) * n / cores + float(r["floor_overview_s"])
    r["render_all_s"] = r["floor_all_s"] * r["ratio_to_floor_sample"]
    r["render_line_all_s"] = float(r["render_fixed_s"]) + float(r["render_per_unit_s"]) * n
    r["ratio_to_floor_line"] = r["render_line_all_s"] / r["floor_all_s"]
    if "naive_unit_s" in r:
        r["naive_all_s"] = float(r["naive_unit_s"]) * n
        r["speedup_vs_naive"] = r["naive_all_s"] / r["render_all_s"]
    if not r.get("build_full_measured", True) or "build_full_s" not in r:
        r["build_full_s"] = float(r["clean_s"]) + float(r["model_s"]) + r["render_all_s"]
        r["build_full_measured"] = False


def verdicts(r: dict[str, object]) -> list[tuple[str, str, str]]:
    """(goal, measured, met / NOT met) for each goal."""
    g = GOALS

    def v(ok: bool) -> str:
        return "met" if ok else "NOT met"

    est = "" if r["build_full_measured"] else " (extrapolated)"
    return [
        (f"clean ≤ {g['clean_s']:.0f} s", f"{r['clean_s']:.1f} s", v(r["clean_s"] <= g["clean_s"])),
        (
            f"model ≤ {g['model_s']:.0f} s ({r['model_series']} series)",
            f"{r['model_s']:.1f} s",
            v(r["model_s"] <= g["model_s"]),
        ),
        (
            f"render ≥ {g['speedup_vs_naive']:.0f}× the naive loop",
            f"{r['speedup_vs_naive']:.1f}× (extrapolated)",
            v(r["speedup_vs_naive"] >= g["speedup_vs_naive"]),
        ),
        (
            f"render within {g['ratio_to_floor']}× of the floor",
            f"{r['ratio_to_floor_sample']:.2f} ({r['sample_big']} communes "
            f"+ overview; line through the samples: {r['ratio_to_floor_line']:.2f})",
            v(r["ratio_to_floor_sample"] <= g["ratio_to_floor"]),
        ),
        (f"no-op ≤ {g['noop_s']} s", f"{r['noop_s']:.2f} s", v(r["noop_s"] <= g["noop_s"])),
        (f"one-unit fix ≤ {g['fix_s']:.0f} s", f"{r['fix_s']:.1f} s", v(r["fix_s"] <= g["fix_s"])),
        (
            f"national build from scratch ≤ {g['build_full_s'] / 60:.0f} min",
            f"{r['build_full_s'] / 60:.1f} min{est}",
            v(r["build_full_s"] <= g["build_full_s"]),
        ),
        (f"peak memory ≤ {g['peak_mb'] / 1024:.0f} GB", f"{r['peak_mb']:.0f} MB", v(r["peak_mb"] <= g["peak_mb"])),
        (
            f"no page over {int(r.get('page_budget', g['page_mb'] * 1e6)):,} bytes",
            f"largest {r['largest_page_mb']:.2f} MiB ({r['largest_page']})",
            v(
                int(r["largest_page_bytes"]) <= int(r.get("page_budget", g["page_mb"] * 1e6))
                if "largest_page_bytes" in r
                else r["largest_page_mb"] * 2**20 <= g["page_mb"] * 1e6
            ),
        ),
        *(
            [
                (
                    f"index of every unit ≤ {g['page_mb']} MB, searchable offline",
                    f"{r['index_bytes']:,} bytes for {r['index_units']:,} units, rendered in {r['index_s']:.2f} s"
                    + (", search box" if r.get("index_filter") else ""),
                    v(r["index_bytes"] <= g["page_mb"] * 1e6 and bool(r.get("index_filter"))),
                )
            ]
            if "index_bytes" in r
            else []
        ),
    ]


def markdown(r: dict[str, object]) -> str:
    import motcua

    rows = "\n".join(f"| {a} | {b} | {c} |" for a, b, c in verdicts(r))
    return (
        f"Commit {r['commit']}, {r['started']}, {platform.machine()} with {r['cores']} cores, Python {platform.python_version()}, "
        f"motcua {motcua.__version__}, pandas {pd.__version__}; 1-minute load {r['load_clean']:.1f} (clean), "
        f"{r['load_model']:.1f} (model), {r['load_fix']:.1f} (fix), {r['load_end']:.1f} (end).\n\n"
        "| goal (2 cores) | measured | |\n|---|---|---|\n" + rows + "\n"
    )


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument(
        "--sample", default="8,32", help="two sizes of commune samples rendered (a straight line through them)"
    )
    ap.add_argument(
        "--naive-units", type=int, default=2, help="communes rendered by the naive papermill + nbconvert loop"
    )
    ap.add_argument("--naive-model-units", type=int, default=200, help="communes of the naive model baseline's slice")
    ap.add_argument("--floor-units", type=int, default=12)
    ap.add_argument(
        "--forms-province",
        default="79",
        help="also clean form-06 workbooks of this 2025 province (names as written; empty: skip)",
    )
    ap.add_argument(
        "--full",
        action="store_true",
        help="also the whole national build (every commune's report); alone: bench/national_full.py",
    )
    ap.add_argument(
        "--from-json", default=None, help="only write the table again from a results.json of an earlier run"
    )
    args = ap.parse_args(argv)
    if args.from_json:
        r = json.loads(Path(args.from_json).read_text(encoding="utf-8"))
        r.setdefault("sample_big", max(int(x) for x in args.sample.split(",")))
        r.pop("build_full_s", None) if not r.get("build_full_measured") else None
        derive(r)
        print(markdown(r))
        return 0
    WORK.mkdir(parents=True, exist_ok=True)
    print(f"python {platform.python_version()}, {os.cpu_count()} cpu(s), load {load():.2f}", flush=True)
    r = bench(args)
    (WORK / "results.json").write_text(json.dumps(r, indent=1, default=str), encoding="utf-8")
    md = markdown(r)
    (WORK / "results.md").write_text(md, encoding="utf-8")
    print(json.dumps(r, indent=1, default=str))
    print(md)
    return 0


if __name__ == "__main__":
    sys.exit(main())
