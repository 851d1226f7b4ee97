"""The province page after a one-commune fix, in-process: where its time goes, section by section.

Input: snapshots of a DATA folder (``s0``, ``s1``, …: the products after 0, 1, … one-dossier fixes, e.g. copied
from bench/fix_bench.py's folder after each ``fix``). The page of ``--province`` is rendered once on ``s0``'s
products (its caches filled), then on each later snapshot's in turn, in the same process (as a kept kernel
renders it), each section timed; ``--profile`` prints cProfile's top functions of the first fix.

    python bench/page_bench.py --snaps bench/out/snap79 --province 79 [--profile] [--src SRC]
"""

from __future__ import annotations

import argparse
import functools
import json
import os
import re
import shutil
import sys
import time
from pathlib import Path

PRODUCTS = (
    "panel.parquet",
    "quality.csv",
    "clean_meta.json",
    "trends.parquet",
    "trend_summary.parquet",
    "comparison.parquet",
    "continuity.parquet",
    "target_probabilities.parquet",
)

TIMED = {
    "motcua.report.overview": [
        "load_data",
        "units_section",
        "small_multiples_section",
        "ranking_section",
        "funnels_section",
        "quality_section",
        "overview_par_section",
        "published_section",
        "narrative_section",
        "header_section",
        "footer_section",
        "monthly_all",
        "peer_units",
        "summary_by_rate",
        "overview_keys",
    ],
    "motcua.report.national": ["province_data"],
}


def swap(snap: Path, work: Path) -> None:
    """``snap``'s products into ``work`` (its caches kept), each file replaced whole."""
    for name in PRODUCTS:
        if (snap / name).exists():
            shutil.copyfile(snap / name, work / (name + ".tmp"))
            os.replace(work / (name + ".tmp"), work / name)


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--snaps", required=True)
    ap.add_argument("--province", default="79")
    ap.add_argument("--work", default="")
    ap.add_argument("--src", default="")
    ap.add_argument("--profile", action="store_true")
    ap.add_argument("--sort", default="cumulative")
    ap.add_argument("--lang", default="vi")
    ap.add_argument("--unit", default="", help="also time this unit's report after each page")
    ap.add_argument("--unit-schema", default="2025")
    ap.add_argument("--dump", default="", help="a folder: each snapshot's page sections written there")
    ap.add_argument("--only", type=int, default=0, help="the first N snapshots only")
    args = ap.parse_args(argv)
    if args.src:
        sys.path.insert(0, str(Path(args.src).resolve()))
    snaps = sorted(Path(args.snaps).glob("s[0-9]*"), key=lambda p: int(p.name[1:]))
    work = Path(args.work or Path(args.snaps) / f"work-{Path(args.src or 'src').resolve().parent.name}")
    shutil.rmtree(work, ignore_errors=True)
    work.mkdir(parents=True)
    t = time.perf_counter()
    import motcua.report.national as nat
    import motcua.report.overview as ov
    from motcua.report import continuity

    print(f"import {time.perf_counter() - t:.2f} s from {ov.__file__}", flush=True)
    times: dict[str, float] = {}

    def timed(mod, name):
        f = getattr(mod, name)

        @functools.wraps(f)
        def w(*a, **k):
            t0 = time.perf_counter()
            try:
                return f(*a, **k)
            finally:
                times[name] = times.get(name, 0.0) + time.perf_counter() - t0

        setattr(mod, name, w)

    for mod, names in ((ov, TIMED["motcua.report.overview"]), (nat, TIMED["motcua.report.national"])):
        for n in names:
            if hasattr(mod, n):
                timed(mod, n)
    timed(continuity, "province_section")
    from motcua.report import overview_eras

    for n in ("history_section", "provincial_section", "main_scope", "provincial_scope", "history_scopes"):
        timed(overview_eras, n)
    out = []
    if args.only:
        snaps = snaps[: args.only]
    for i, snap in enumerate(snaps):
        swap(snap, work)
        times.clear()
        prof = None
        if args.profile and i == 1:
            import cProfile

            prof = cProfile.Profile()
            prof.enable()
        t0, c0 = time.perf_counter(), time.process_time()
        rep = ov.province_overview(work, args.lang, province=args.province)
        html = re.sub(r"0\.1\.0\+[0-9a-f]{8}", "VERSION", "".join(sec.html for sec in rep.sections))
        total, cpu = time.perf_counter() - t0, time.process_time() - c0
        unit_s = unit_cpu = None
        if args.unit:  # the unit's report after the page (in the build, another kernel renders it meanwhile)
            from motcua.report import district_report

            t1, c1 = time.perf_counter(), time.process_time()
            district_report(args.unit, work, args.lang, args.unit_schema)
            unit_s, unit_cpu = time.perf_counter() - t1, time.process_time() - c1
        if args.dump:
            Path(args.dump).mkdir(parents=True, exist_ok=True)
            (Path(args.dump) / f"{snap.name}.html").write_text(html)
        if prof:
            prof.disable()
            import pstats

            pstats.Stats(prof).sort_stats(args.sort).print_stats(45)
        rec = dict(
            snap=snap.name,
            total_s=round(total, 3),
            cpu_s=round(cpu, 3),
            unit_s=None if unit_s is None else round(unit_s, 3),
            unit_cpu_s=None if unit_cpu is None else round(unit_cpu, 3),
            bytes=len(html),
            sha=__import__("hashlib").sha256(html.encode()).hexdigest()[:12],
            load=round(os.getloadavg()[0], 1),
            parts={k: round(v, 3) for k, v in sorted(times.items(), key=lambda kv: -kv[1])},
        )
        out.append(rec)
        print(json.dumps(rec, ensure_ascii=False), flush=True)
    return 0


if __name__ == "__main__":
    sys.exit(main())
