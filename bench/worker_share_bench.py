"""A worker's share of the model stage, two versions of the code one after the other (not a test).

Builds the stage's tasks from a cleaned panel as ``run_model_dir`` does (the configured window and settings), takes
every ``--step``-th task and runs ``fit_chunk(..., packed=True)`` on them in a fresh process per version (serially,
no workers), the version's ``src`` first on the path; records the CPU milliseconds per series (best of
``--repeat``), the 1-minute load, and whether every series' outputs are the same bits in both versions. Versions
alternate over ``--rounds``. On a shared machine read the ratio.

    MOTCUA_CONFIG=CONFIG python bench/worker_share_bench.py --data DATA --before 6ad135a [--after REV] [--step 7]

``--data``: a folder holding panel.parquet from ``motcua clean`` of ``bench/national.py --seed 7
--legacy-province 54`` (its config: ``province_code: null``, ``unit_schema: "2025"``, ``unit_level: commune``,
window 07/2025–11/2026).
"""

from __future__ import annotations

import argparse
import json
import os
import subprocess
import sys
import tempfile
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))

from model_stage_bench import ROOT, source  # noqa: E402

#: argv: data folder, step, repeat, pickle out. Prints one JSON line.
SHARE = r"""
import json, os, pickle, sys, time
import pandas as pd
from motcua import products
from motcua.config import load_config
from motcua.model.compare import window_rows
from motcua.model.fit_tasks import build_tasks, fit_chunk, province_priors
from motcua.model.series import build_series
from motcua.model.settings import settings_from_config
from motcua.window import reporting_window, within_window

panel = products.PANEL.read(sys.argv[1])
panel = within_window(panel, reporting_window(panel, load_config().province))
s = settings_from_config(None)
series, notes = build_series(panel, s.rates)
as_of = pd.Timestamp(series["period_end"].max())
until, target = pd.Timestamp(year=as_of.year + 1, month=12, day=31), pd.Timestamp(year=as_of.year, month=12, day=31)
window = window_rows(series, s.comparison_window_months)
tasks = build_tasks(series, notes, province_priors(window, s.shared_logit_decimals), as_of)[:: int(sys.argv[2])]
load0, best = os.getloadavg()[0], float("inf")
for _ in range(int(sys.argv[3])):
    c = time.process_time()
    out = fit_chunk(tasks, s, until, target, True)
    best = min(best, time.process_time() - c)
pickle.dump(out, open(sys.argv[4], "wb"))
print(json.dumps({"series": len(tasks), "ms_per_series": round(best / len(tasks) * 1e3, 3),
                  "load": round((load0 + os.getloadavg()[0]) / 2, 1)}))
"""


def run(src: Path, data: Path, step: int, repeat: int, out: Path) -> dict:
    env = dict(os.environ, PYTHONPATH=str(src))
    res = subprocess.run(
        [sys.executable, "-c", SHARE, str(data), str(step), str(repeat), str(out)],
        cwd=ROOT,
        env=env,
        capture_output=True,
        text=True,
        check=True,
    )
    return json.loads(res.stdout.strip().splitlines()[-1])


def same(a: Path, b: Path) -> bool:
    """Every series' packed outputs equal (arrays by their bytes, NaN equal to NaN)."""
    import pickle

    import pandas as pd

    from motcua.model.fit_tasks import unpack_result

    for x, y in zip(pickle.loads(a.read_bytes()), pickle.loads(b.read_bytes()), strict=True):
        (ra, sa, ta), (rb, sb, tb) = unpack_result(x), unpack_result(y)
        if (ra is None) != (rb is None) or (ra is not None and list(ra) != list(rb)):
            return False
        for c in ra or {}:
            if ra[c].dtype != rb[c].dtype or (
                ra[c].tolist() != rb[c].tolist() if ra[c].dtype == object else ra[c].tobytes() != rb[c].tobytes()
            ):
                return False
        if not pd.Series(sa, dtype=object).equals(pd.Series(sb, dtype=object)):
            return False
        if not pd.DataFrame(ta).equals(pd.DataFrame(tb)):
            return False
    return True


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--data", required=True, type=Path)
    ap.add_argument("--before", required=True)
    ap.add_argument("--after", default="")
    ap.add_argument("--step", type=int, default=7)
    ap.add_argument("--repeat", type=int, default=1)
    ap.add_argument("--rounds", type=int, default=2)
    args = ap.parse_args(argv)
    versions = {"before": source(args.before), "after": source(args.after) if args.after else ROOT / "src"}
    with tempfile.TemporaryDirectory() as tmp:
        for r in range(args.rounds):
            got = {
                n: run(src, args.data.resolve(), args.step, args.repeat, Path(tmp) / n) for n, src in versions.items()
            }
            ratio = round(got["after"]["ms_per_series"] / got["before"]["ms_per_series"], 3)
            ident = same(Path(tmp) / "before", Path(tmp) / "after")
            print(json.dumps({"round": r, **{k: v for k, v in got.items()}, "ratio": ratio, "identical": ident}))
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
