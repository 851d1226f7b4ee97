"""One-commune fix at national commune grain: where the time of ``motcua build --units`` goes after one dossier more.

Input: ``bench/national.py --seed 7 --legacy-province 54`` (``province_code: null``, 2025 communes), optionally cut
to the communes of a few provinces (``--provinces 79,01``) for quick iterations. ``setup`` generates, cleans and
builds once (every province page, the national page, the index; kept in bench/out/fix/); ``fix`` then adds one
dossier to one commune's oldest month and times ``motcua build --units <commune>`` (its own process, kernels kept),
with the build's own stage times, and the model stage in-process with its parts (``--profile``).

    python bench/fix_bench.py setup [--provinces 79]
    python bench/fix_bench.py fix [--repeat 3]
    python bench/fix_bench.py noop [--repeat 6]      (the same build again with nothing changed)
"""

from __future__ import annotations

import argparse
import csv
import json
import os
import shutil
import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))

import national  # noqa: E402
import run as R  # noqa: E402

WORK = R.OUT / "fix"
RAW, DATA, REPORTS = WORK / "raw", WORK / "data", WORK / "reports"


#: the source measured (``--src``: e.g. an extracted copy of the branch's start, for the "before" numbers)
SRC = [str(R.ROOT / "src")]


def use_env() -> None:
    R.national_config(WORK / "config", "2025", "commune", ("2025-07-01", "2026-11-30"))
    src = SRC[0]
    R.ENV.update(
        MOTCUA_CONFIG=str(WORK / "config"),
        MOTCUA_KERNEL_DIR=str(WORK / "kernels"),
        JUPYTER_PLATFORM_DIRS="1",
        PYTHONPATH=src + os.pathsep + R.ENV.get("PYTHONPATH", ""),
    )
    os.environ.update({k: R.ENV[k] for k in ("MOTCUA_CONFIG", "MOTCUA_KERNEL_DIR", "JUPYTER_PLATFORM_DIRS")})


def cut(path: Path, provinces: list[str]) -> int:
    """Keep only the rows of communes in ``provinces`` (2025 codes) in the tidy CSV."""
    ref = reference()
    codes = set(ref.loc[ref["province_code"].astype(str).isin(provinces), "unit_code"].astype(str))
    with path.open(encoding="utf-8", newline="") as fh:
        rows = list(csv.reader(fh))
    i = rows[0].index("unit_code")
    keep = [rows[0]] + [r for r in rows[1:] if r[i] in codes]
    with path.open("w", encoding="utf-8", newline="") as fh:
        csv.writer(fh, lineterminator="\n").writerows(keep)
    return len(keep) - 1


def reference():
    """The 2025 communes of the shipped reference (unit_code, province_code as text)."""
    import pandas as pd

    ref = pd.read_csv(R.ROOT / "src" / "motcua" / "reference" / "units.csv", dtype=str)
    return ref[(ref["unit_schema"] == "2025") & (ref["unit_level"] == "commune")]


def build_cmd(units: list[str]) -> list[str]:
    return R.motcua(
        "build", str(RAW), "--data", str(DATA), "--out", str(REPORTS), "--units", ",".join(units), "--jobs", "2"
    )


def setup(args: argparse.Namespace) -> None:
    use_env()
    R.run(R.motcua("kernels", "--stop"))
    for d in (RAW, DATA, REPORTS):
        shutil.rmtree(d, ignore_errors=True)
    national.main(["--out", str(RAW), "--seed", "7", "--legacy-province", "54"])
    provinces = [p for p in args.provinces.split(",") if p]
    if provinces:
        print(f"cut to provinces {provinces}: {cut(RAW / 'national_2025.csv', provinces)} rows", flush=True)
    unit = args.unit or first_commune()
    (WORK / "unit.txt").write_text(unit)
    t = R.run(build_cmd([unit]))
    print(f"setup build {t.seconds:.1f} s {R.stage_seconds(t.out)}; load {os.getloadavg()[0]:.1f}", flush=True)


def first_commune() -> str:
    """The first commune of the largest province in the CSV (Hồ Chí Minh's 168 at full size)."""
    import pandas as pd

    ref = reference()
    df = pd.read_csv(RAW / "national_2025.csv", dtype=str, usecols=["unit_code"])
    codes = set(df["unit_code"])
    ref = ref[ref["unit_code"].astype(str).isin(codes)]
    prov = ref.groupby("province_code").size().idxmax()
    return sorted(ref.loc[ref["province_code"] == prov, "unit_code"].astype(str))[0]


def fix(args: argparse.Namespace) -> list[dict[str, object]]:
    from national_bench import correct_one_commune

    use_env()
    unit = (WORK / "unit.txt").read_text().strip()
    out = []
    for _ in range(args.repeat):
        where = correct_one_commune(RAW / "national_2025.csv", unit)
        load = os.getloadavg()[0]
        started = time.time()
        t = R.run(build_cmd([unit]))
        built, why = R.rebuilt(t.out)
        r = dict(
            seconds=round(t.seconds, 2),
            stages=R.stage_seconds(t.out),
            built=built,
            why=why,
            load=round(load, 1),
            where=where,
            peak_mb=round(t.peak_mb),
        )
        if args.cells:
            r["cells"] = executed_cells(REPORTS / "notebooks", started)
        print(json.dumps(r, ensure_ascii=False), flush=True)
        if args.verbose:
            print(t.out)
        out.append(r)
    return out


def executed_cells(folder: Path, since: float) -> dict[str, dict[str, float]]:
    """Each notebook executed since ``since`` (its executed copy's time): the seconds papermill recorded for its
    code cells, in total and for the cells over 0.1 s (by their first line), as the kernel saw them."""
    out: dict[str, dict[str, float]] = {}
    for path in sorted(folder.rglob("*.ipynb")):
        if path.stat().st_mtime < since:
            continue
        nb = json.loads(path.read_text(encoding="utf-8"))
        cells = [c for c in nb["cells"] if c["cell_type"] == "code"]
        times = [(c["metadata"].get("papermill", {}).get("duration") or 0.0, "".join(c["source"])) for c in cells]
        rec = {"total": round(sum(d for d, _ in times), 2)}
        rec |= {src.splitlines()[0][:40]: round(d, 2) for d, src in times if d > 0.1 and src}
        out[path.stem] = rec
    return out


def noop(args: argparse.Namespace) -> list[dict[str, object]]:
    """``--repeat`` builds of the same unit with nothing changed, each its own process: wall seconds and load."""
    use_env()
    unit = (WORK / "unit.txt").read_text().strip()
    out = []
    for _ in range(args.repeat):
        load = os.getloadavg()[0]
        t = R.run(build_cmd([unit]))
        built, _why = R.rebuilt(t.out)
        r = dict(seconds=round(t.seconds, 3), built=built, load=round(load, 1))
        print(json.dumps(r), flush=True)
        out.append(r)
    return out


def model_parts(args: argparse.Namespace) -> None:
    """The model stage of a one-commune fix, timed by part: a fresh process (``--src``'s code) imports the stage
    and runs ``run_model_dir`` on the panel with one dossier more in the commune's oldest month, its fit cache
    holding the panel before (primed by another process); then ``--repeat`` times the same alternating (as in a
    kept kernel that ran the last one). ``--profile`` prints cProfile's top functions of the first."""
    import subprocess

    use_env()
    work = WORK / f"model-{Path(SRC[0]).parent.name}"
    if not args.primed:
        shutil.rmtree(work, ignore_errors=True)
        shutil.copytree(DATA, work)
        prime = "import sys; from motcua.model.run import run_model_dir; run_model_dir(sys.argv[1])"
        t = time.perf_counter()
        subprocess.run([sys.executable, "-c", prime, str(work)], env=R.ENV, check=True)
        print(f"primed in {time.perf_counter() - t:.1f} s", flush=True)
        cmd = [sys.executable, __file__, "model", "--primed", "--repeat", str(args.repeat), "--src", SRC[0]]
        cmd += ["--work", str(WORK), *(["--profile"] if args.profile else [])]
        subprocess.run(cmd, env=R.ENV, check=True)
        return
    import cProfile
    import pstats

    sys.path.insert(0, SRC[0])
    t = time.perf_counter()
    import motcua.model.run as mr

    imp = time.perf_counter() - t
    from motcua import products

    assert mr.__file__.startswith(SRC[0]), mr.__file__
    unit = (WORK / "unit.txt").read_text().strip()
    panel = products.PANEL.read(work)
    i = panel.index[panel["unit_code"].astype(str) == unit]
    k = panel.loc[i, "period_start"].idxmin()
    bumped = panel.copy()
    for c in ("received_total", "received_offline", "resolved_total", "resolved_ontime"):
        bumped.loc[k, c] = bumped.loc[k, c] + 1
    variants = [bumped, panel]
    times = []
    for j in range(args.repeat + 1):
        products.PANEL.write(variants[j % 2], work)
        prof = cProfile.Profile() if args.profile and j == 0 else None
        t = time.perf_counter()
        if prof:
            prof.enable()
        mr.run_model_dir(work)
        if prof:
            prof.disable()
        times.append(time.perf_counter() - t)
        if prof:
            pstats.Stats(prof).sort_stats("cumulative").print_stats(40)
    r = dict(
        src=SRC[0],
        import_s=round(imp, 2),
        fresh_process_s=round(times[0], 2),
        warm_s=[round(x, 2) for x in times[1:]],
        load=round(os.getloadavg()[0], 1),
    )
    print(json.dumps(r), flush=True)


def compare(args: argparse.Namespace) -> None:
    """Before/after in one run, one after the other: ``--repeat`` one-commune fixes with the branch's start
    (``--base-src`` on ``--base-work``, set up with it) and with this checkout (``--work``), alternating; then the
    model stage's parts with each (:func:`model_parts`). Results in bench/out/fix_results.json."""
    import subprocess

    me = [sys.executable, __file__]
    sides = {
        "before": ["--src", args.base_src, "--work", args.base_work],
        "after": ["--src", SRC[0], "--work", str(WORK)],
    }
    out: dict[str, list] = {"before": [], "after": [], "model_before": [], "model_after": []}
    for _ in range(0 if args.model_only else args.repeat):
        for side, opts in sides.items():
            got = subprocess.run([*me, "fix", *opts], capture_output=True, text=True, check=True, env=R.ENV).stdout
            rec = json.loads(got.splitlines()[0])
            rec["rest"] = round(rec["seconds"] - sum(rec["stages"].values()), 2)
            out[side].append(rec)
            print(side, json.dumps(rec, ensure_ascii=False), flush=True)
    for side, opts in sides.items():
        got = subprocess.run([*me, "model", *opts, "--repeat", "3"], capture_output=True, text=True, check=True)
        rec = json.loads([x for x in got.stdout.splitlines() if x.startswith("{")][-1])
        out[f"model_{side}"].append(rec)
        print(f"model {side}", json.dumps(rec), flush=True)
    (R.OUT / ("fix_model_results.json" if args.model_only else "fix_results.json")).write_text(
        json.dumps(out, indent=1, ensure_ascii=False)
    )


def verify(args: argparse.Namespace) -> None:
    """The products the spliced fix left in the model folder (:func:`model_parts`) against a run from scratch on
    the same panel (no fit cache, no last run): trends, summary, comparison, targets and continuity, byte for byte."""
    use_env()
    sys.path.insert(0, SRC[0])
    from motcua import products
    from motcua.config import load_config
    from motcua.model.continuity import write_continuity
    from motcua.model.run import run_model, write_results
    from motcua.window import reporting_window, within_window

    work = WORK / f"model-{Path(SRC[0]).parent.name}"
    scratch = WORK / "scratch"
    shutil.rmtree(scratch, ignore_errors=True)
    scratch.mkdir()
    panel = products.PANEL.read(work)
    windowed = within_window(panel, reporting_window(panel, load_config().province))
    t = time.perf_counter()
    files = write_results(run_model(windowed, None), scratch) + [write_continuity(panel, scratch)]
    same = {f.name: f.read_bytes() == (work / f.name).read_bytes() for f in files}
    print(json.dumps(dict(scratch_s=round(time.perf_counter() - t, 1), identical=same)), flush=True)


def split(args: argparse.Namespace) -> None:
    """One fix built in this process (``motcua.pipeline.stages.build``, kernels kept) with the time at which each
    stage and each report ended: where the rest after the model goes."""
    from national_bench import correct_one_commune

    use_env()
    sys.path.insert(0, SRC[0])
    t0 = time.perf_counter()
    from motcua.pipeline.stages import build

    imp = time.perf_counter() - t0
    unit = (WORK / "unit.txt").read_text().strip()
    correct_one_commune(RAW / "national_2025.csv", unit)
    marks: list[tuple[str, float]] = []
    t0 = time.perf_counter()

    def progress(kind: str, code: str, result: dict) -> None:
        marks.append((f"{kind}:{code}", round(time.perf_counter() - t0, 2)))

    prof = None
    if args.profile:
        import cProfile

        prof = cProfile.Profile()
        prof.enable()
    res = build([RAW], DATA, REPORTS, units=[unit], jobs=2, progress=progress)
    total = time.perf_counter() - t0
    if prof is not None:
        import pstats

        prof.disable()
        pstats.Stats(prof).sort_stats("cumulative").print_stats(60)
    stages = {st.stage: round(st.seconds, 2) for st in res.stages}
    print(
        json.dumps(
            dict(
                import_s=round(imp, 2),
                total_s=round(total, 2),
                stages=stages,
                marks=marks,
                built=res.built,
                load=round(os.getloadavg()[0], 1),
            )
        ),
        flush=True,
    )


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("what", choices=["setup", "fix", "noop", "model", "compare", "verify", "split"])
    ap.add_argument("--provinces", default="")
    ap.add_argument("--unit", default="")
    ap.add_argument("--repeat", type=int, default=1)
    ap.add_argument("--verbose", action="store_true")
    ap.add_argument("--cells", action="store_true", help="fix: the executed notebooks' cell times")
    ap.add_argument("--profile", action="store_true")
    ap.add_argument("--primed", action="store_true", help=argparse.SUPPRESS)
    ap.add_argument("--src", default="", help="the motcua source to measure (default: this checkout's src/)")
    ap.add_argument("--base-src", default=str(R.OUT / "base" / "src"), help="compare: the source before")
    ap.add_argument("--base-work", default=str(R.OUT / "fix"), help="compare: the bench folder set up with it")
    ap.add_argument("--model-only", action="store_true", help="compare: the model stage only")
    ap.add_argument("--work", default="", help="the bench's folder (default bench/out/fix)")
    args = ap.parse_args(argv)
    if args.src:
        SRC[0] = str(Path(args.src).resolve())
    if args.work:
        global WORK, RAW, DATA, REPORTS
        WORK = Path(args.work).resolve()
        RAW, DATA, REPORTS = WORK / "raw", WORK / "data", WORK / "reports"
    t = time.perf_counter()
    {
        "setup": setup,
        "fix": fix,
        "noop": noop,
        "model": model_parts,
        "compare": compare,
        "verify": verify,
        "split": split,
    }[args.what](args)
    print(f"{args.what}: {time.perf_counter() - t:.1f} s", flush=True)
    return 0


if __name__ == "__main__":
    sys.exit(main())
