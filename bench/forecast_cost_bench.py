"""Cost of the forecast methods per series (not a test): before and after their speed-up, in one process.

The per-series work of the model stage (fit, slopes, 18 months of forecast draws, target probabilities: the
path of bench/forecast_bench.py's timing) on simulated series, for damped and each candidate method
(kalman, ensemble, growth, growth_k, growth_e), once with the modules as they are and once with the frozen
copies from before the speed-up (tests/model/forecast_before.py; removed since: the script names the
``git checkout`` of commit e2e3d93 that restores them when they are missing). Rounds alternate the runs, so
that a busy machine slows all alike; the best round counts. Prints milliseconds per series, each method's
ratio to damped before and after, and the 1-minute load.

    .venv/bin/python bench/forecast_cost_bench.py [--series 200] [--rounds 3] [--profile kalman]

``--profile METHOD`` prints cProfile's top functions for one method (after the change) instead; ``--parts``
times the methods' own pieces instead (on fits made once: the grid's filter with its state, the kalman paths,
their observation noise, the growth curve's fit), before and after, milliseconds per series.
"""

from __future__ import annotations

import argparse
import contextlib
import cProfile
import os
import pstats
import sys
import time
from pathlib import Path

import numpy as np
import pandas as pd

ROOT = Path(__file__).resolve().parents[1]
sys.path[:0] = [str(ROOT), str(ROOT / "bench")]

from forecast_bench import CANDIDATES  # noqa: E402

from motcua.model import backtest as bt  # noqa: E402
from motcua.model import forecast_growth, forecast_kalman  # noqa: E402
from motcua.model.run import _series_outputs  # noqa: E402
from motcua.model.settings import settings_from_config  # noqa: E402
from motcua.model.trend import forecast_arrays  # noqa: E402

METHODS = ("damped", "kalman", "ensemble", "growth", "growth_k", "growth_e")
#: The commit whose tests/model holds the frozen copies (removed after, when test_forecast_cost's reference was stored).
FROZEN = "e2e3d93e22fe4162e79955477b30f393938ad425"
FROZEN_FILES = (
    "tests/model/forecast_before.py",
    "tests/model/forecast_kalman_before.py",
    "tests/model/forecast_growth_before.py",
)


def frozen():
    """(kalman module, growth module, the context that swaps them in) from before the speed-up."""
    try:
        from tests.model.forecast_before import before  # noqa: PLC0415

        from tests.model import forecast_growth_before, forecast_kalman_before  # noqa: PLC0415
    except ImportError:
        sys.exit(f"the frozen copies are not in tests/model: git checkout {FROZEN} -- {' '.join(FROZEN_FILES)}")
    return forecast_kalman_before, forecast_growth_before, before


def run(sims, settings, until, target) -> None:
    """Fit 48 months of each series and compute what the model stage computes per series after the fit."""
    for s in sims:
        f = bt.fit_first(s, 48, settings, unit=("b", "b"))
        _series_outputs(f, settings, until, target)


def parts(sims, settings, until, rounds: int) -> None:
    """Milliseconds per series of each method's own pieces, before and after (caches on the fits cleared)."""
    st = settings.with_(**CANDIDATES["growth_k"])
    fits = [bt.fit_first(s, 48, st, unit=("b", "b")) for s in sims]
    fits = [f for f in fits if f.ok and f.has_trend]
    _, _, t0, t1 = forecast_arrays(pd.Timestamp(fits[0].period_end.max()), until)
    eta = forecast_kalman.kalman_eta(fits[0], st, t0, t1, 1000, np.random.default_rng(1))
    vol = np.geomspace(30.0, 3000.0, len(t0))
    caches = ("_kalman", "_kalman_before", "_forecast_growth", "_forecast_growth_before", "_forecast_observed")

    def clear() -> None:
        for f in fits:
            for a in caches:
                f.__dict__.pop(a, None)

    pieces = {
        "kalman_state (grid filter)": lambda m: [m.kalman_state(f, st) for f in fits],
        "kalman_eta (1 000 paths)": lambda m: [
            m.kalman_eta(f, st, t0, t1, 1000, np.random.default_rng(1)) for f in fits
        ],
        "observed_draws (1 000)": lambda m: [m.observed_draws(eta, vol, np.random.default_rng(1)) for f in fits],
        "fit_growth": lambda m: [m.fit_growth(f, st) for f in fits],
    }
    kalman_before, growth_before, _ = frozen()
    mods = {
        "before": {"kalman": kalman_before, "growth": growth_before},
        "after": {"kalman": forecast_kalman, "growth": forecast_growth},
    }
    best = {}
    for _ in range(rounds):
        for name, fn in pieces.items():
            for version, m in mods.items():
                clear()
                if name.startswith("kalman_eta"):  # the state is not what this piece times
                    [m["kalman"].kalman_state(f, st) for f in fits]
                t = time.process_time()
                fn(m["growth" if name == "fit_growth" else "kalman"])
                best[name, version] = min(best.get((name, version), np.inf), time.process_time() - t)
    print(f"{len(fits)} fits, best of {rounds} rounds; 1-minute load {os.getloadavg()[0]:.2f}")
    print("| piece | before ms | after ms | after / before |")
    print("|---|---|---|---|")
    for name in pieces:
        b, a = (1000 * best[name, v] / len(fits) for v in ("before", "after"))
        print(f"| {name} | {b:.3f} | {a:.3f} | {a / b:.2f} |")


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--series", type=int, default=200)
    ap.add_argument("--rounds", type=int, default=3)
    ap.add_argument("--profile", choices=METHODS)
    ap.add_argument("--parts", action="store_true", help="time the methods' own pieces instead")
    args = ap.parse_args(argv)
    settings = settings_from_config()
    rng = np.random.default_rng(9)
    sims = [bt.simulate_series(bt.KINDS[i % 4], rng, months=66) for i in range(args.series)]
    until = pd.Timestamp(sims[0].period_end[47]) + pd.DateOffset(months=18)
    target = pd.Timestamp(year=until.year - 1, month=12, day=31)
    runs = {m: settings.with_(**CANDIDATES[m]) for m in METHODS}
    if args.parts:
        parts(sims, settings, until, args.rounds)
        return 0
    if args.profile:
        run(sims, runs[args.profile], until, target)
        prof = cProfile.Profile()
        prof.enable()
        run(sims, runs[args.profile], until, target)
        prof.disable()
        pstats.Stats(prof).sort_stats("tottime").print_stats(25)
        return 0
    before = frozen()[2]
    best = {(m, v): np.inf for v in ("before", "after") for m in METHODS}
    for _ in range(args.rounds):
        for m, st in runs.items():
            for version in ("before", "after"):
                with before() if version == "before" else contextlib.nullcontext():
                    t = time.process_time()
                    run(sims, st, until, target)
                    best[m, version] = min(best[m, version], time.process_time() - t)
    ms = {k: 1000 * v / args.series for k, v in best.items()}
    print(f"{args.series} series, best of {args.rounds} rounds; 1-minute load {os.getloadavg()[0]:.2f}")
    print("| method | before ms | after ms | before / damped | after / damped | after / before |")
    print("|---|---|---|---|---|---|")
    for m in METHODS:
        b, a = ms[m, "before"], ms[m, "after"]
        db, da = ms["damped", "before"], ms["damped", "after"]
        print(f"| {m} | {b:.2f} | {a:.2f} | {b / db:.2f} | {a / da:.2f} | {a / b:.2f} |")
    return 0


if __name__ == "__main__":
    sys.exit(main())
