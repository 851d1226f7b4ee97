"""The clean stage at national commune grain after a one-commune fix: before/after in one run. Not a test.

Input: ``bench/national.py --seed 7 --legacy-province 54`` (national_2025.csv: 3,321 communes × 17 months,
56,457 rows; legacy_54.csv: Phú Yên's nine districts, 486 rows), cleaned with ``province_code: null``,
``unit_schema: "2025"``, ``unit_level: commune`` (bench/run.py's national_config).

Each code version (``before``: the tree of ``--before``, by default the commit this work started from, taken
with ``git archive``; ``after``: this tree) runs in a child process with its own ``src`` first on the path,
one after the other, on its own copy of the input:

  imports   importing motcua.clean.run
  scratch   run_clean with an empty cache (the stage's cache folder, DATA/.cache/clean)
  no-op     run_clean again, nothing changed
  fix       one dossier more in one commune's oldest month (national_bench.correct_one_commune), run_clean;
            three communes, one after the other (first, middle and last of the file)
  stage     the same fix through ``motcua.pipeline.stages.clean_stage`` in a warm kernel (the notebook, its
            tables, the executed copy, the stamp) that has just cleaned the unchanged inputs (so the fix
            is the first to validate panel rows there: pandera's first use imports hypothesis), a second
            fix in the same kernel, then the stage's no-op (its stamp)
  verify    run_clean without a cache: panel.parquet, quality.csv and clean_meta.json byte-identical to the
            last fix's

with the 1-minute load average beside each figure. Writes bench/out/clean_national/results.json and prints
a table. Usage: python bench/clean_national_bench.py [--before COMMIT] [--rounds 1]
"""

from __future__ import annotations

import argparse
import csv
import json
import os
import shutil
import statistics
import subprocess
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
WORK = ROOT / "bench" / "out" / "clean_national"
BASE_COMMIT = "0a98c8a"
OUTPUTS = ("panel.parquet", "quality.csv", "clean_meta.json")


def _load() -> float:
    return round(os.getloadavg()[0], 1)


def _communes(path: Path) -> list[str]:
    with path.open(encoding="utf-8", newline="") as fh:
        rows = csv.reader(fh)
        i = next(rows).index("unit_code")
        codes = list(dict.fromkeys(r[i] for r in rows))
    return [codes[0], codes[len(codes) // 2], codes[-1]]


def child(src: str, raw_in: Path, work: Path) -> dict[str, object]:
    """The measurements of one code version (run in its own process, ``src`` first on sys.path)."""
    t = time.perf_counter()
    from motcua.clean.run import run_clean

    r: dict[str, object] = {"src": src, "imports_s": time.perf_counter() - t}
    sys.path.insert(0, str(ROOT / "bench"))
    from national_bench import correct_one_commune

    from motcua import locations as loc

    shutil.rmtree(work, ignore_errors=True)
    raw, data = work / "raw", work / "data"
    shutil.copytree(raw_in, raw)
    cache = loc.clean_cache(data)
    csv_path = raw / "national_2025.csv"

    def timed(key: str, cache_dir: Path | None = cache, out: Path = data) -> float:
        t0 = time.perf_counter()
        res = run_clean([raw], out, cache_dir)
        dt = time.perf_counter() - t0
        r[key] = dt
        r[f"load_{key}"] = _load()
        assert res.rows_in == res.rows_kept + res.rows_dropped
        r["rows"] = {"in": res.rows_in, "kept": res.rows_kept, "dropped": res.rows_dropped}
        return dt

    timed("scratch_s")
    timed("noop_s")
    fixes = []
    for code in _communes(csv_path):
        r.setdefault("fixed", []).append(correct_one_commune(csv_path, code))  # type: ignore[union-attr]
        fixes.append(timed("fix_last_s"))
    r["fix_s"] = fixes
    r["fix_median_s"] = statistics.median(fixes)
    r["load_fix"] = _load()

    from motcua.kernels.execute import WarmKernel
    from motcua.pipeline import stages

    kernel = WarmKernel(cwd=ROOT, keep=False)
    try:
        executed = data / "executed"
        stages.clean_stage([raw], data, executed, kernel=kernel)  # the stamp of the inputs as they are
        for key, code in (("stage_fix_s", _communes(csv_path)[1]), ("stage_fix2_s", _communes(csv_path)[2])):
            correct_one_commune(csv_path, code)
            t0 = time.perf_counter()
            res = stages.clean_stage([raw], data, executed, kernel=kernel)
            r[key], r[f"load_{key}"] = time.perf_counter() - t0, _load()
            assert res.ran
        t0 = time.perf_counter()
        res = stages.clean_stage([raw], data, executed, kernel=kernel)
        r["stage_noop_s"] = time.perf_counter() - t0
        assert not res.ran
    finally:
        kernel.shutdown()
    timed("verify_full_s", None, work / "full")
    r["identical"] = {f: (data / f).read_bytes() == (work / "full" / f).read_bytes() for f in OUTPUTS}
    return r


def _before_tree(commit: str) -> Path:
    dest = WORK / f"src-{commit}"
    if not (dest / "src" / "motcua").is_dir():
        shutil.rmtree(dest, ignore_errors=True)
        dest.mkdir(parents=True)
        archive = subprocess.run(["git", "archive", commit, "src"], cwd=ROOT, check=True, capture_output=True).stdout
        subprocess.run(["tar", "-x", "-C", str(dest)], input=archive, check=True)
    return dest / "src"


def _run_child(name: str, src: Path, raw: Path, env: dict[str, str]) -> dict[str, object]:
    cmd = [sys.executable, __file__, "--child", str(src), "--raw", str(raw), "--work", str(WORK / name)]
    t0 = time.perf_counter()
    out = subprocess.run(cmd, cwd=ROOT, env={**env, "PYTHONPATH": str(src)}, capture_output=True, text=True)
    if out.returncode:
        raise SystemExit(f"{name} failed:\n{out.stdout}\n{out.stderr}")
    got = json.loads(out.stdout.strip().splitlines()[-1])
    got["process_s"] = time.perf_counter() - t0
    return got


def _row(label: str, key: str, runs: dict[str, list[dict]], fmt: str = "{:.2f} s") -> str:
    def val(r: dict) -> float:
        return float(r[key])

    b = [val(r) for r in runs["before"]]
    a = [val(r) for r in runs["after"]]
    lb = [r.get(f"load_{key}", r.get("load_fix", 0)) for r in runs["before"]]
    la = [r.get(f"load_{key}", r.get("load_fix", 0)) for r in runs["after"]]
    ratio = statistics.median(a) / statistics.median(b) if statistics.median(b) else float("nan")
    return (
        f"| {label} | {', '.join(fmt.format(x) for x in b)} (load {', '.join(map(str, lb))}) "
        f"| {', '.join(fmt.format(x) for x in a)} (load {', '.join(map(str, la))}) | {ratio:.3f} |"
    )


def main() -> None:
    ap = argparse.ArgumentParser()
    ap.add_argument("--before", default=BASE_COMMIT)
    ap.add_argument("--rounds", type=int, default=1)
    ap.add_argument("--child")
    ap.add_argument("--raw", type=Path)
    ap.add_argument("--work", type=Path)
    args = ap.parse_args()
    if args.child:
        print(json.dumps(child(args.child, args.raw, args.work), default=str))
        return
    sys.path.insert(0, str(ROOT / "bench"))
    import national
    import run as R

    cfg = R.national_config(WORK / "config", "2025", "commune", ("2025-07-01", "2026-11-30"))
    raw = WORK / "input"
    if not (raw / "national_2025.csv").exists():
        national.main(["--out", str(raw), "--seed", "7", "--legacy-province", "54"])
    env = {
        **os.environ,
        "MOTCUA_CONFIG": str(cfg),
        "MOTCUA_NOTEBOOKS": str(ROOT / "notebooks"),
        "MOTCUA_KEEP_KERNELS": "0",
        "JUPYTER_PLATFORM_DIRS": "1",
    }
    trees = {"before": _before_tree(args.before), "after": ROOT / "src"}
    runs: dict[str, list[dict]] = {"before": [], "after": []}
    started = time.strftime("%Y-%m-%d %H:%M UTC", time.gmtime())
    for _ in range(args.rounds):
        for name, src in trees.items():
            print(f"{name} … (load {_load()})", flush=True)
            runs[name].append(_run_child(name, src, raw, env))
    (WORK / "results.json").write_text(json.dumps({"started": started, "runs": runs}, indent=1, default=str))
    print(f"\nclean stage, national commune grain ({started}; before = {args.before}, after = this tree)\n")
    print("| measure | before | after | after / before |\n|---|---|---|---|")
    for label, key in (
        ("run_clean from scratch (empty cache)", "scratch_s"),
        ("run_clean no-op", "noop_s"),
        ("run_clean after a one-commune fix (median of 3)", "fix_median_s"),
        ("clean_stage after a fix, warm kernel (notebook included; the kernel's first)", "stage_fix_s"),
        ("clean_stage after a second fix in that kernel", "stage_fix2_s"),
        ("clean_stage no-op (stamp)", "stage_noop_s"),
        ("importing motcua.clean.run", "imports_s"),
        ("run_clean without cache (verify)", "verify_full_s"),
    ):
        print(_row(label, key, runs))
    for name, rs in runs.items():
        for r in rs:
            print(
                f"{name}: fixes {', '.join(f'{x:.3f}' for x in r['fix_s'])} s; rows {r['rows']}; "
                f"identical to a run from scratch: {r['identical']}"
            )


if __name__ == "__main__":
    main()
