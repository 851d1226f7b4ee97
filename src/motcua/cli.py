"""The ``motcua`` command line (docs/architecture.md: its stages and products).

Exit status 0 when everything built, 1 when any unit failed (one line per
failure on stderr), 2 for a usage or stage error.
"""

from __future__ import annotations

import argparse
import os
import sys
import time
from pathlib import Path
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from collections.abc import Sequence


def _env_defaults() -> None:
    os.environ.setdefault("MPLBACKEND", "Agg")
    os.environ.setdefault("JUPYTER_PLATFORM_DIRS", "1")


def _units_arg(text: str | None) -> list[str] | None:
    return [u.strip() for u in text.split(",") if u.strip()] if text else None


def _build_arguments(b: argparse.ArgumentParser) -> None:
    """The options of ``motcua build``."""
    b.add_argument("raw", nargs="+")
    b.add_argument("--out", required=True, type=Path, help="reports folder")
    b.add_argument("--data", type=Path, default=Path("data/processed"), help="processed-data folder")
    b.add_argument(
        "--units",
        help="comma-separated units: a code (every era's unit of that code) or schema:code, e.g. legacy:555 (default: all)",
    )
    b.add_argument("--jobs", type=int, default=None)
    b.add_argument("--lang", choices=["vi", "en"], default=None)
    b.add_argument("--force", action="store_true")
    b.add_argument("--scheduler", default=None, help="Dask scheduler address for the report stage")


class _Unparsed(ValueError):
    pass


class _QuietParser(argparse.ArgumentParser):
    """A parser that raises instead of printing and exiting (the full parser says what is wrong)."""

    def error(self, message: str) -> Any:
        raise _Unparsed(message)


def _answered(argv: list[str]) -> int | None:
    """``motcua build`` answered from its no-op memo (:mod:`motcua.pipeline.noop`) before the full command line is
    built (its help names every product, which loads their module): 0 when answered, None otherwise."""
    if not argv or argv[0] != "build" or {"-h", "--help", "--force"} & set(argv):
        return None
    t0 = time.perf_counter()
    p = _QuietParser(prog="motcua build", add_help=False)
    _build_arguments(p)
    try:
        args = p.parse_args(argv[1:])
    except _Unparsed:
        return None
    from motcua.pipeline import noop

    request = noop.request_key(args.raw, args.data, args.out, _units_arg(args.units), args.lang, args.scheduler)
    known = noop.answer(args.data, request)
    if known is None:
        return None
    for stage in known["stages"]:  # nothing the build reads changed since a build that left everything up to date
        print(f"{stage}: up to date")
    print(f"reports: 0 built, {known['skipped']} up to date, 0 failed ({time.perf_counter() - t0:.1f} s)")
    return 0


def _parser() -> argparse.ArgumentParser:
    from motcua import products

    p = argparse.ArgumentParser(prog="motcua", description="Vietnam one-stop-shop statistics: clean, model, report.")
    p.add_argument("--version", action="store_true", help="print the code version and exit")
    sub = p.add_subparsers(dest="command")

    c = sub.add_parser("clean", help=f"raw files or folders → DIR/{products.PANEL.file}, DIR/{products.QUALITY.file}")
    c.add_argument("raw", nargs="+")
    c.add_argument("--out", required=True, type=Path)
    c.add_argument("--force", action="store_true", help="run even if the inputs are unchanged")

    m = sub.add_parser(
        "model",
        help=f"DIR/{products.PANEL.file} → DIR/{products.TRENDS.file}, DIR/{products.SUMMARY.file}",
    )
    m.add_argument("data", type=Path)
    m.add_argument("--force", action="store_true")

    r = sub.add_parser("render", help="one HTML per unit + overview + index")
    r.add_argument("data", type=Path)
    r.add_argument("--out", required=True, type=Path)
    r.add_argument(
        "--units",
        help="comma-separated units: a code (every era's unit of that code) or schema:code, e.g. legacy:555 (default: all)",
    )
    r.add_argument("--jobs", type=int, default=None, help="parallel workers (default: the machine's cores)")
    r.add_argument("--lang", choices=["vi", "en"], default=None)
    r.add_argument("--force", action="store_true")
    r.add_argument("--scheduler", default=None, help="Dask scheduler address, e.g. tcp://host:8786 (default: local)")

    b = sub.add_parser("build", help="clean + model + render, incremental (what `make reports` runs)")
    _build_arguments(b)

    s = sub.add_parser("sample", help="write synthetic raw exports for N real units")
    s.add_argument("--out", required=True, type=Path)
    s.add_argument("--units", type=int, default=None, help="number of units (default: Phú Yên's nine districts)")
    s.add_argument("--months", type=int, default=None, help="number of months (default: from --start to 11/2026)")
    s.add_argument(
        "--start",
        default=None,
        metavar="YYYY-MM",
        help="first month (default 2021-01; months from 07/2025 on are of the 2025 era: communes and the provincial level)",
    )
    s.add_argument("--seed", type=int, default=None)

    k = sub.add_parser("kernels", help="list the warm kernels kept between builds (--stop: stop the idle ones)")
    k.add_argument("--stop", action="store_true", help="stop every kept kernel no build is using")

    e = sub.add_parser("extract", help="figures stated in prose reports", add_help=False)
    e.add_argument("rest", nargs=argparse.REMAINDER)
    return p


class _Progress:
    """Units done / total, rate and ETA on stderr (tqdm), then nothing else."""

    def __init__(self, enabled: bool):
        self.bar: Any = None
        self.enabled = enabled

    def __call__(self, kind: str, code: str, result: dict[str, Any]) -> None:
        """``kind`` "start" (``result["total"]``: reports to build), then "unit"/"overview" as each ends."""
        if not self.enabled:
            return
        if self.bar is None:
            from tqdm import tqdm

            self.bar = tqdm(
                unit="báo cáo",
                file=sys.stderr,
                dynamic_ncols=True,
                leave=False,
                total=result.get("total") if kind == "start" else None,
            )
        if kind == "start":
            return
        self.bar.update(1)
        self.bar.set_postfix_str(f"{code}: {result['status']}")

    def close(self) -> None:
        if self.bar is not None:
            self.bar.close()


def _summarise(result: Any, seconds: float) -> int:
    for st in result.stages:
        print(f"{st.stage}: ran ({st.seconds:.1f} s)" if st.ran else f"{st.stage}: up to date")
    print(
        f"reports: {len(result.built)} built, {len(result.skipped)} up to date, {len(result.failed)} failed"
        f" ({seconds:.1f} s)"
    )
    if result.why:
        print("rebuilt because of: " + "; ".join(f"{why} ({n})" for why, n in result.why_counts()))
    for code, reason in sorted(result.failed.items()):
        print(f"motcua: unit {code} failed: {reason}", file=sys.stderr)
    return 0 if result.ok else 1


def _kernels(stop: bool) -> int:
    """``motcua kernels [--stop]``: the kept warm kernels (motcua.pipeline.kept)."""
    from motcua.pipeline import kept

    if stop:
        print(f"stopped {kept.stop_idle()} kept kernel(s) in {kept.registry_dir()}")
        return 0
    rows = kept.listing()
    print(
        f"{len(rows)} kept kernel(s) in {kept.registry_dir()}"
        f" (kept: {'yes' if kept.enabled() else 'no, MOTCUA_KEEP_KERNELS=0'}; idle limit {kept.idle_seconds():.0f} s)"
    )
    for r in rows:
        state = "in use" if r["leased"] else f"idle {r['idle_s']:.0f} s"
        print(f"  {r['id']}  pid {r['pid']}  {'running' if r['running'] else 'gone'}  {state}")
    return 0


def _sample(args: argparse.Namespace) -> int:
    """``motcua sample``: write the synthetic raw files, and name the configuration their units need."""
    from motcua.sample import write_sample

    kwargs = {
        k: v
        for k, v in {"n_units": args.units, "months": args.months, "seed": args.seed, "start": args.start}.items()
        if v is not None
    }
    try:
        paths = write_sample(args.out, **kwargs)
    except ValueError as exc:
        print(f"motcua sample: {exc}", file=sys.stderr)
        return 2
    print(f"wrote {len(paths)} files to {args.out}")
    from motcua.sample.config_note import config_note
    from motcua.sample.plan import resolve_units

    note = config_note(resolve_units(None, args.units))
    if note:
        print(f"motcua sample: note: {note}", file=sys.stderr)
    return 0


def _run_stages(args: argparse.Namespace) -> int:
    """``motcua clean``, ``model``, ``render`` and ``build``: run the stages through the pipeline, with
    progress on a terminal; a stage error or an interruption is one line on stderr and an exit code."""
    t0 = time.perf_counter()
    memo: tuple[str, dict[str, Any], str] | None = None
    if args.command == "build" and not args.force:  # not answered by its memo (:func:`_answered`): a build runs
        from motcua.pipeline import noop

        request = noop.request_key(args.raw, args.data, args.out, _units_arg(args.units), args.lang, args.scheduler)
        noop.forget(args.data, request)  # whatever happens next, the old memo no longer answers
        inputs = noop.build_inputs(args.raw)
        memo = (request, inputs, noop.status(inputs))
    from motcua.pipeline import stages

    progress = _Progress(sys.stderr.isatty())
    try:
        if args.command == "clean":
            res = stages.clean_stage(args.raw, args.out, args.out / "executed", force=args.force)
            print(f"clean: {'ran' if res.ran else 'up to date'} → {args.out}")
            return 0
        if args.command == "model":
            res = stages.model_stage(args.data, args.data / "executed", force=args.force)
            print(f"model: {'ran' if res.ran else 'up to date'} → {args.data}")
            return 0
        if args.command == "render":
            result = stages.render_stage(
                args.data,
                args.out,
                units=_units_arg(args.units),
                jobs=args.jobs,
                lang=args.lang,
                force=args.force,
                progress=progress,
                scheduler=args.scheduler,
            )
        else:
            result = stages.build(
                args.raw,
                args.data,
                args.out,
                units=_units_arg(args.units),
                jobs=args.jobs,
                lang=args.lang,
                force=args.force,
                progress=progress,
                scheduler=args.scheduler,
            )
    except stages.StageError as exc:
        print(f"motcua: {exc}", file=sys.stderr)
        return 2
    except KeyboardInterrupt:
        print("motcua: interrupted; finished reports are kept, rerun to complete", file=sys.stderr)
        return 130
    finally:
        progress.close()
    code = _summarise(result, time.perf_counter() - t0)
    if memo is not None:
        from motcua.pipeline import noop

        try:
            if code == 0:
                noop.after_build(args.data, args.out, *memo, _units_arg(args.units), args.lang)
            else:
                noop.forget(args.data, memo[0])
        except (OSError, ValueError) as exc:  # the memo only saves the next no-op's time: the build stands
            print(f"motcua: note: no-op memo not written ({exc})", file=sys.stderr)
    return code


def main(argv: Sequence[str] | None = None) -> int:
    """The ``motcua`` command: ``extract`` forwarded as it is, ``--version``, ``sample``, ``kernels``, else a stage."""
    _env_defaults()
    argv = list(sys.argv[1:] if argv is None else argv)
    if argv and argv[0] == "extract":  # forward everything, options included, to the extractor
        from motcua.prose.cli import main as extract_main

        return extract_main(argv[1:])
    answered = _answered(argv)
    if answered is not None:
        return answered
    args = _parser().parse_args(argv)
    if args.version:
        from motcua.version import code_version

        print(code_version())
        return 0
    if not args.command:
        _parser().print_help()
        return 2
    if args.command == "extract":
        try:
            from motcua.prose.cli import main as extract_main
        except ImportError:
            print("motcua extract: not yet available", file=sys.stderr)
            return 2
        return extract_main(list(args.rest))
    if args.command == "sample":
        return _sample(args)
    if args.command == "kernels":
        return _kernels(args.stop)
    return _run_stages(args)


if __name__ == "__main__":  # pragma: no cover
    raise SystemExit(main())
