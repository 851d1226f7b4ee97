"""Benchmark of the clean stage after a correction to one unit (issue 6). Not a test: it prints ratios.

In one warm process, on a copy of the 696-district sample (bench/out/n696/raw, written by bench/run.py or
``motcua sample --units 696 --months 60 --start 2020-07 --seed 7``; national name matching, bench/out/config-national):
each measurement first adds one dossier to one unit of the oldest workbook
(:func:`motcua.sample.corrections.add_one_dossier`), then times ``run_clean``:

  full         no cache: every workbook read and every unit cleaned;
  file cache   per-file entries only (the per-unit state removed before the run): the changed workbook
               read, every unit's records loaded and cleaned again;
  incremental  per-file entries and per-unit state: the changed workbook read, one unit cleaned again.

``--verify`` ends with a full run on the same inputs and compares the bytes of panel.parquet,
quality.csv and clean_meta.json with the last incremental run's.

Usage: python bench/clean_bench.py [--raw bench/out/n696/raw] [--repeat 3] [--verify]
"""

from __future__ import annotations

import argparse
import os
import shutil
import statistics
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]


def main() -> None:
    ap = argparse.ArgumentParser()
    ap.add_argument("--raw", type=Path, default=ROOT / "bench" / "out" / "n696" / "raw")
    ap.add_argument("--config", type=Path, default=ROOT / "bench" / "out" / "config-national")
    ap.add_argument("--repeat", type=int, default=3)
    ap.add_argument("--verify", action="store_true")
    args = ap.parse_args()
    if args.config.is_dir():
        os.environ["MOTCUA_CONFIG"] = str(args.config)

    from motcua.clean.run import run_clean
    from motcua.sample.corrections import add_one_dossier

    work = Path(tempfile.mkdtemp(prefix="clean-bench-"))
    try:
        raw, cache = work / "raw", work / "cache"
        shutil.copytree(args.raw, raw)
        oldest = sorted(raw.rglob("*.xlsx"))[0]

        def timed(cache_dir: Path | None, drop_state: bool = False) -> float:
            add_one_dossier(oldest)
            if drop_state:
                for p in cache.glob("*.state"):
                    p.unlink()
            out = work / "out"
            t0 = time.perf_counter()
            run_clean([raw], out, cache_dir)
            return time.perf_counter() - t0

        t0 = time.perf_counter()
        run_clean([raw], None, cache)  # warms imports and fills the cache
        print(f"cold build of the cache: {time.perf_counter() - t0:.2f} s")
        times = {
            "full": [timed(None)],
            "file cache": [timed(cache, drop_state=True) for _ in range(args.repeat)],
            "incremental": [],
        }
        timed(cache)  # the per-unit state of the inputs just before
        times["incremental"] = [timed(cache) for _ in range(args.repeat)]
        best = {k: min(v) for k, v in times.items()}
        print(f"run_clean after a one-unit correction, {args.raw} (best of runs; seconds):")
        for k, v in times.items():
            print(
                f"  {k:12s} best {best[k]:6.3f}  median {statistics.median(v):6.3f}  runs {', '.join(f'{x:.3f}' for x in v)}"
            )
        print(f"  full / incremental       {best['full'] / best['incremental']:6.1f}x")
        print(f"  file cache / incremental {best['file cache'] / best['incremental']:6.1f}x")
        if args.verify:
            run_clean([raw], work / "full", None)
            for name in ("panel.parquet", "quality.csv"):
                same = (work / "out" / name).read_bytes() == (work / "full" / name).read_bytes()
                print(f"  {name}: {'identical' if same else 'DIFFERENT'} to a full run")
            a, b = ((work / d / "clean_meta.json").read_text() for d in ("out", "full"))
            print(f"  clean_meta.json: {'identical' if a == b else 'DIFFERENT'} to a full run")
    finally:
        shutil.rmtree(work, ignore_errors=True)


if __name__ == "__main__":
    main()
