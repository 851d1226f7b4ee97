"""Write tests/model/data/forecast_reference.npz: the reference tests/model/test_forecast_cost.py checks the
kalman and growth forecasts against (the cases and their summaries are that test's own functions).

The stored file was computed at commit e2e3d93e22fe4162e79955477b30f393938ad425 by the implementation before
the speed-up of motcua/model/forecast_kalman.py and forecast_growth.py: that commit's frozen copies,
tests/model/forecast_kalman_before.py and forecast_growth_before.py, swapped into motcua.model.forecast by
tests/model/forecast_before.py (removed since). To compute it that way again, restore them first::

    git checkout e2e3d93e22fe4162e79955477b30f393938ad425 -- tests/model/forecast_before.py \\
        tests/model/forecast_kalman_before.py tests/model/forecast_growth_before.py
    PYTHONPATH=src .venv/bin/python tests/model/data/make_forecast_reference.py

``--from-current`` computes it from the modules as they are instead (after a change of the forecasts meant to
change their outputs). Either way the settings are config/model.yaml's at the time, stored in the file.
"""

from __future__ import annotations

import argparse
import contextlib
import json
import subprocess
import sys
from pathlib import Path

import numpy as np

ROOT = Path(__file__).resolve().parents[3]
sys.path[:0] = [str(ROOT), str(ROOT / "src")]

from motcua.config import load_config  # noqa: E402
from motcua.model import forecast_growth, forecast_kalman  # noqa: E402
from tests.model import test_forecast_cost as T  # noqa: E402


def compute(from_current: bool) -> dict[str, np.ndarray]:
    """Every case of the test, with the frozen copies from before the speed-up or the current modules."""
    if from_current:
        kalman, growth, before = forecast_kalman, forecast_growth, contextlib.nullcontext
    else:
        try:
            from tests.model import forecast_growth_before as growth  # noqa: PLC0415
            from tests.model import forecast_kalman_before as kalman  # noqa: PLC0415
            from tests.model.forecast_before import before  # noqa: PLC0415
        except ImportError:
            sys.exit("the frozen copies are not in tests/model: restore them (see this script's docstring)")
    model = dict(load_config().model)
    out: dict[str, np.ndarray] = {"model_yaml": np.array(json.dumps(model, default=str, ensure_ascii=False))}

    sims = T.sims()
    for method in T.METHODS:
        st = T.settings(model, method)
        with before():
            out.update(T.stack(method, [T.forecast_summary(s, st) for s in sims]))
    with before():
        out.update(T.stack("break", [T.forecast_summary(s, st) for _, s, st in T.break_cases(model)]))
    st = T.settings(model, "growth_k")
    fits = [T.fit(s, st) for s in sims]
    fitted = [growth.fit_growth(f, st) for f in fits]
    out["growth/identified"] = np.array([g is not None for g in fitted])
    out.update(T.stack("growth", [T.growth_arrays(g) for g in fitted]))
    out.update(T.stack("kalman_state", [T.state_arrays(kalman.kalman_state(f, st)) for f in fits]))
    for volume in T.VOLUMES:
        counts = []
        for label, eta, vol in T.observed_cases(volume):
            draws = kalman.observed_draws(eta, vol, np.random.default_rng(5))
            counts.append(T.observed_counts(draws, eta, vol))
            assert np.array_equal(T.observed_from_counts(counts[-1], eta, vol), draws), label  # stored without loss
        out[f"observed/{volume:g}"] = np.stack(counts)
    filtered = [kalman.llt_filter(*args, **kw) for _, args, kw in T.filter_cases()]
    out.update(T.stack("filter", [{str(j): a for j, a in enumerate(got)} for got in filtered]))
    return out


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--from-current", action="store_true", help="the modules as they are, not the frozen copies")
    ap.add_argument("--out", type=Path, default=T.REFERENCE)
    args = ap.parse_args()
    out = compute(args.from_current)
    commit = subprocess.run(["git", "rev-parse", "HEAD"], cwd=ROOT, capture_output=True, text=True).stdout.strip()
    made = "the current modules" if args.from_current else "the frozen copies from before the speed-up"
    out["made_by"] = np.array(f"{made}, the rest of the code at {commit}")
    np.savez_compressed(args.out, **out)
    print(f"{args.out}: {len(out)} arrays, {args.out.stat().st_size / 1024:.1f} KiB ({out['made_by']})")


if __name__ == "__main__":
    main()
