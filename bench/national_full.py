"""The whole national build from scratch, measured (not a test): one command, one ``motcua build``.

Generates bench/national.py's input (3,321 communes × 07/2025–11/2026 and Phú Yên's nine legacy districts ×
01/2021–06/2025, seed 7; ``--provinces``: only those provinces' communes) unless it is already there, writes a
configuration of the whole country at commune level (``province_code: null``, ``unit_schema: "2025"``,
``unit_level: commune``), empties the data and reports folders, stops the bench's warm kernels, then times

    motcua build RAW --data DATA --out REPORTS --jobs CORES

in its own process: clean + model + every unit's report (3,321 communes, 9 districts) + the 34 province pages +
the national page + the index. Reported: wall time, the stages' own times (clean and model from the build's
output, the rest as render), the largest summed RSS of the build's process tree (sampled every 50 ms), the
1-minute load before and after, the reports written, and page sizes: the largest page of each kind (unit
report, province page, national page, index) against config/report.yaml's ``page_max_bytes``, the province
pages' median and how many pages exceed the budget. Results in WORK/results.json and WORK/results.md.

    nice -n 5 python bench/national_full.py [--provinces 11,12] [--jobs 2] [--work bench/out/national_full]
"""

from __future__ import annotations

import argparse
import json
import os
import platform
import shutil
import statistics
import subprocess
import sys
import time
from datetime import UTC, datetime
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))
import national  # noqa: E402  (bench/national.py)
import run as R  # noqa: E402  (bench/run.py: run, PeakRSS, motcua, national_config, stop_kernels)

#: The goals of a national build, 2 cores.
GOALS = {"build_s": 20 * 60.0, "peak_mb": 4096.0}


def page_budget() -> int:
    """config/report.yaml's page_max_bytes (of the configuration in use)."""
    try:
        from motcua.report.page_budget import page_max_bytes
    except ImportError:  # code older than the budget
        return 1_500_000
    return page_max_bytes()


def pages(reports: Path, budget: int) -> dict[str, object]:
    """Sizes (bytes) of every page under ``reports``: the largest of each kind, the province pages' median,
    the pages over ``budget``."""
    kinds: dict[str, dict[str, int]] = {"unit": {}, "province": {}, "national": {}, "index": {}}
    for p in reports.rglob("*.html"):
        rel = p.relative_to(reports).as_posix()
        kind = (
            "index"
            if rel == "index.html" or rel.endswith("-index.html")  # a province's index page
            else "national"
            if rel == "province.html"
            else "province"
            if rel.startswith("provinces/")
            else "unit"
        )
        kinds[kind][rel] = p.stat().st_size
    out: dict[str, object] = {"pages": sum(len(v) for v in kinds.values()), "page_budget": budget}
    for kind, sizes in kinds.items():
        out[f"{kind}_pages"] = len(sizes)
        if sizes:
            top = max(sizes, key=sizes.get)
            out[f"{kind}_largest"], out[f"{kind}_largest_bytes"] = top, sizes[top]
            out[f"{kind}_median_bytes"] = statistics.median(sizes.values())
    every = {k: v for sizes in kinds.values() for k, v in sizes.items()}
    top = max(every, key=every.get) if every else ""
    out.update(
        largest_page=top,
        largest_page_bytes=every.get(top, 0),
        over_budget=sorted(k for k, v in every.items() if v > budget),
    )
    return out


def build(work: Path, provinces: str, legacy: str, jobs: int) -> dict[str, object]:
    """Generate (if absent), clean the outputs, run the build; the measurements."""
    raw, data, reports = work / "raw", work / "data", work / "reports"
    R.national_config(work / "config", "2025", "commune", ("2025-07-01", "2026-11-30"))
    R.ENV.update(MOTCUA_CONFIG=str(work / "config"), MOTCUA_KERNEL_DIR=str(work / "kernels"), JUPYTER_PLATFORM_DIRS="1")
    os.environ.update({k: R.ENV[k] for k in ("MOTCUA_CONFIG", "MOTCUA_KERNEL_DIR", "JUPYTER_PLATFORM_DIRS")})
    r: dict[str, object] = {
        "started": datetime.now(UTC).strftime("%Y-%m-%d %H:%M UTC"),
        "cores": os.cpu_count(),
        "jobs": jobs,
        "provinces": provinces or "all",
        "legacy_province": legacy,
    }
    stamp = work / "input.json"
    wanted = {"seed": 7, "provinces": provinces, "legacy": legacy}
    if not raw.is_dir() or not stamp.is_file() or json.loads(stamp.read_text(encoding="utf-8")) != wanted:
        shutil.rmtree(raw, ignore_errors=True)
        t = time.perf_counter()
        national.main(["--out", str(raw), "--seed", "7", "--legacy-province", legacy, "--provinces", provinces])
        r["generate_s"] = time.perf_counter() - t
        stamp.write_text(json.dumps(wanted), encoding="utf-8")
    r["input_rows"] = sum(max(0, len(p.read_text(encoding="utf-8").splitlines()) - 1) for p in raw.glob("*.csv"))
    R.stop_kernels()
    for d in (data, reports):
        shutil.rmtree(d, ignore_errors=True)
    r["load_before"] = os.getloadavg()[0]
    print(f"build from scratch: {r['input_rows']:,} input rows, load {r['load_before']:.1f}", flush=True)
    b = R.run(R.motcua("build", str(raw), "--data", str(data), "--out", str(reports), "--jobs", str(jobs)))
    r["load_after"] = os.getloadavg()[0]
    stages = R.stage_seconds(b.out)
    stages["render"] = b.seconds - sum(stages.values())  # the rest: reports, province pages, index, start-up
    r.update(build_s=b.seconds, stages=stages, peak_mb=b.peak_mb, reports_built=R.rebuilt(b.out)[0])
    r["build_tail"] = b.out.strip().splitlines()[-12:]
    R.stop_kernels()
    r.update(pages(reports, page_budget()))
    r["commit"] = subprocess.run(
        ["git", "rev-parse", "--short", "HEAD"], cwd=R.ROOT, capture_output=True, text=True
    ).stdout.strip()
    return r


def markdown(r: dict[str, object]) -> str:
    """The results as a table (goal, measured, verdict) and the page sizes."""
    st = r["stages"]
    budget = int(r["page_budget"])

    def v(ok: bool) -> str:
        return "met" if ok else "NOT met"

    rows = [
        (
            f"national build from scratch ≤ {GOALS['build_s'] / 60:.0f} min",
            f"{r['build_s'] / 60:.1f} min ({r['build_s']:.0f} s: clean {st.get('clean', 0):.0f} s, model "
            f"{st.get('model', 0):.0f} s, render {st['render']:.0f} s; {r['reports_built']} reports)",
            v(float(r["build_s"]) <= GOALS["build_s"]),
        ),
        (
            f"peak memory ≤ {GOALS['peak_mb'] / 1024:.0f} GB",
            f"{r['peak_mb']:,.0f} MB",
            v(float(r["peak_mb"]) <= GOALS["peak_mb"]),
        ),
        (
            f"no page over {budget:,} bytes",
            f"largest {r['largest_page_bytes']:,} bytes ({r['largest_page']}); {len(r['over_budget'])} over",
            v(not r["over_budget"]),
        ),
    ]
    kinds = "; ".join(
        f"{k} {r[f'{k}_pages']} (largest {r[f'{k}_largest_bytes']:,}, median {r[f'{k}_median_bytes']:,.0f})"
        for k in ("unit", "province", "national", "index")
        if r.get(f"{k}_pages")
    )
    return (
        f"Commit {r['commit']}, {r['started']}, {platform.machine()} with {r['cores']} cores, `--jobs {r['jobs']}`, "
        f"Python {platform.python_version()}; input: provinces {r['provinces']}, legacy {r['legacy_province']}, "
        f"{r['input_rows']:,} rows; 1-minute load {r['load_before']:.1f} before, {r['load_after']:.1f} after.\n\n"
        "| goal (2 cores) | measured | |\n|---|---|---|\n"
        + "\n".join(f"| {a} | {b} | {c} |" for a, b, c in rows)
        + f"\n\nPages (bytes): {kinds}.\n"
    )


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--provinces", default="", help="only these 2025 provinces' communes (default: all 34)")
    ap.add_argument("--legacy-province", default="54", help="the province with legacy districts 01/2021–06/2025")
    ap.add_argument("--jobs", type=int, default=os.cpu_count() or 1)
    ap.add_argument("--work", type=Path, default=R.OUT / "national_full")
    args = ap.parse_args(argv)
    args.work.mkdir(parents=True, exist_ok=True)
    r = build(args.work.resolve(), args.provinces, args.legacy_province, args.jobs)
    (args.work / "results.json").write_text(json.dumps(r, indent=1, default=str), encoding="utf-8")
    md = markdown(r)
    (args.work / "results.md").write_text(md, encoding="utf-8")
    print(md)
    return 0


if __name__ == "__main__":
    sys.exit(main())
