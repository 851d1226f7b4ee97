"""The stages of a build — clean, model, render — each skipped when its inputs are unchanged.

Every stage runs its notebook through papermill (see :mod:`motcua.kernels.execute`),
so the command line, ``make`` and JupyterLab share one code path. Each stage
records the hash of what it was built from in ``DATA/.stamps/<stage>.json``;
unit reports record theirs in ``REPORTS/manifest.json`` and are rebuilt if and
only if that hash changed (:mod:`motcua.pipeline.unit_hash`).
"""

from __future__ import annotations

import hashlib
import json
import logging
import os
import threading
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass, field
from datetime import UTC, datetime
from pathlib import Path
from typing import TYPE_CHECKING, Any

from motcua import locations as loc
from motcua import products
from motcua.config import load_config
from motcua.files import ShaCache, atomic_write_text, sha256_bytes, sha256_files
from motcua.pipeline.manifest import Manifest, ReportEntry
from motcua.pipeline.render_units import check_render_parameters, overview_params, unit_params, wanted_units
from motcua.pipeline.stage_specs import CLEAN, MODEL, OVERVIEW, PROVINCE_PAGE, RENDER_INPUTS, UNIT_REPORT, StageSpec
from motcua.rawfiles import discover, sample_manifests
from motcua.version import code_version, source_hash

if TYPE_CHECKING:  # nbformat costs ~2 s to import: only the stages that run a notebook import it
    import nbformat

    from motcua.report.eras import ReportUnit

log = logging.getLogger(__name__)


class StageError(RuntimeError):
    """A stage could not produce its outputs; the message names the stage and why."""


# --------------------------------------------------------------------------- inputs


def raw_files(raw: Sequence[str | Path]) -> list[Path]:
    """Every input file under the given files or folders (as the clean stage reads them), sorted."""
    missing = [str(p) for p in raw if not Path(p).exists()]
    if missing:
        raise StageError(f"clean: input {', '.join(missing)} does not exist")
    return sorted(path for path, _ in discover(raw))


def _raw_names(raw: Sequence[str | Path]) -> str:
    """What of the inputs' names and folders the outputs show: display names (quality.csv, report
    footers) and the sample manifests that mark files synthetic (hidden, so not among raw_files)."""
    names = json.dumps([display for _, display in discover(raw)], ensure_ascii=False)
    manifests = sample_manifests(raw)
    return names + (sha256_files(manifests) if manifests else "")


def _notebook_hash(path: Path) -> str:
    """Hash of a notebook's sources and cell tags only (outputs and other metadata ignored).

    Reads the v4 JSON directly (no nbformat import: a no-op build stays fast).
    """
    nb = json.loads(Path(path).read_text(encoding="utf-8"))
    cells = [
        [
            c.get("cell_type"),
            "".join(c["source"]) if isinstance(c.get("source"), list) else c.get("source", ""),
            sorted(c.get("metadata", {}).get("tags", [])),
        ]
        for c in nb.get("cells", [])
    ]
    return sha256_bytes(json.dumps(cells, ensure_ascii=False).encode("utf-8"))


def _config_hash() -> str:
    cfg = load_config()
    files = [p for p in cfg.root.rglob("*") if p.is_file()]
    return sha256_files(files, root=cfg.root)


def _read_stamp(data: Path, stage: str) -> str | None:
    try:
        return json.loads((data / loc.STAMPS / f"{stage}.json").read_text(encoding="utf-8"))["key"]
    except (OSError, ValueError, KeyError):
        return None


def _write_stamp(data: Path, stage: str, key: str, extra: dict[str, Any] | None = None) -> None:
    body = {"key": key, "code_version": code_version(), **(extra or {})}
    atomic_write_text(data / loc.STAMPS / f"{stage}.json", json.dumps(body, indent=1, ensure_ascii=False) + "\n")


def _stage_key(*parts: str) -> str:
    return sha256_bytes("\n".join(parts).encode("utf-8"))


def _write_notebook(nb: nbformat.NotebookNode, path: Path) -> None:
    import nbformat

    atomic_write_text(path, nbformat.writes(nb))


def _cell_error(exc: BaseException) -> str:
    """A one-line reason from a papermill or kernel error."""
    ename = getattr(exc, "ename", None)
    evalue = getattr(exc, "evalue", None)
    if ename:
        text = f"{ename}: {evalue}"
    else:
        text = f"{type(exc).__name__}: {exc}"
    return " ".join(str(text).split())[:300]


# --------------------------------------------------------------------------- results


@dataclass
class StageResult:
    stage: str
    ran: bool
    outputs: list[Path] = field(default_factory=list)
    seconds: float = 0.0


@dataclass
class BuildResult:
    stages: list[StageResult]
    built: list[str]
    skipped: list[str]
    failed: dict[str, str]
    #: unit code → why its report was rebuilt: the input-hash parts that changed (motcua.pipeline.unit_hash.UNIT_PARTS),
    #: or "new", "forced", "failed before", "file missing"
    why: dict[str, list[str]] = field(default_factory=dict)

    def why_counts(self) -> list[tuple[str, int]]:
        """How many unit reports were rebuilt for each reason ("panel + trends + summary"), the commonest first."""
        from collections import Counter

        return Counter(" + ".join(parts) for parts in self.why.values()).most_common()

    @property
    def ok(self) -> bool:
        return not self.failed


# --------------------------------------------------------------------------- clean / model


def _stage_params(spec: StageSpec, **values: Any) -> dict[str, Any]:
    """``spec``'s parameters, checked against its notebook's parameters cell (:meth:`StageSpec.params`)."""
    try:
        return spec.params(**values)
    except ValueError as exc:
        raise StageError(f"{spec.name}: {exc}") from exc


def _run_stage_notebook(kernel: Any, spec: StageSpec, params: dict[str, Any], executed_dir: Path) -> None:
    from motcua.kernels.execute import execute_cold

    nb_path = spec.notebook_path()
    try:
        nb = kernel.execute(nb_path, None, params) if kernel else execute_cold(nb_path, None, params)
    except Exception as exc:
        nb = getattr(exc, "nb", None)
        raise StageError(f"{spec.notebook}: {_cell_error(exc)}") from exc
    _write_notebook(nb, Path(executed_dir) / spec.executed)


def clean_stage(
    raw: Sequence[str | Path], data: Path, executed_dir: Path, *, kernel: Any = None, force: bool = False
) -> StageResult:
    """raw files → DATA/panel.parquet, DATA/quality.csv, DATA/clean_meta.json (notebook 10)."""
    data = Path(data).resolve()
    files = raw_files(raw)
    if not files:
        raise StageError("clean: no input files found in " + ", ".join(map(str, raw)))
    shas = _sha_cache(data)
    key = _stage_key(
        shas.files_sha(files),
        _raw_names(raw),
        _config_hash(),
        _notebook_hash(CLEAN.notebook_path()),
        source_hash(),
    )
    shas.save()
    outputs = CLEAN.output_paths(data)
    if not force and _read_stamp(data, "clean") == key and all(p.exists() for p in outputs):
        return StageResult("clean", ran=False, outputs=outputs)
    t0 = datetime.now(UTC)
    data.mkdir(parents=True, exist_ok=True)
    params = _stage_params(
        CLEAN,
        raw_paths=[str(Path(r).resolve()) for r in raw],
        out_dir=str(data),
        cache_dir=str(loc.clean_cache(data)),
    )
    _run_stage_notebook(kernel, CLEAN, params, executed_dir)
    missing = [p.name for p in outputs if not p.exists()]
    if missing:
        raise StageError(f"clean: notebook ran but did not write {', '.join(missing)}")
    _write_stamp(data, "clean", key, {"inputs": len(files)})
    return StageResult("clean", ran=True, outputs=outputs, seconds=(datetime.now(UTC) - t0).total_seconds())


def model_stage(data: Path, executed_dir: Path, *, kernel: Any = None, force: bool = False) -> StageResult:
    """DATA/panel.parquet → DATA/trends.parquet, trend_summary.parquet, comparison.parquet, continuity.parquet
    (notebook 20); rerun when any of them is missing."""
    data = Path(data).resolve()
    panel = data / loc.PANEL
    if not panel.exists():
        raise StageError(f"model: {panel} does not exist; run `motcua clean` first")
    shas = _sha_cache(data)
    key = _stage_key(
        shas.sha(panel),
        _config_hash(),
        _notebook_hash(MODEL.notebook_path()),
        source_hash(),
    )
    shas.save()
    outputs = MODEL.output_paths(data)
    if not force and _read_stamp(data, "model") == key and all(p.exists() for p in outputs):
        return StageResult("model", ran=False, outputs=outputs)
    t0 = datetime.now(UTC)
    _run_stage_notebook(kernel, MODEL, _stage_params(MODEL, data_dir=str(data)), executed_dir)
    missing = [p.name for p in outputs if not p.exists()]
    if missing:
        raise StageError(f"model: notebook ran but did not write {', '.join(missing)}")
    _write_stamp(data, "model", key)
    return StageResult("model", ran=True, outputs=outputs, seconds=(datetime.now(UTC) - t0).total_seconds())


# --------------------------------------------------------------------------- render


@dataclass(frozen=True, eq=False)  # hashed by identity: params is a dict
class RenderTask:
    """One report to render: a unit (notebook 30) or the overview (notebook 40)."""

    kind: str  # "unit" | "overview"
    unit_code: str  # a unit's key, "<schema>:<code>" (motcua.report.eras.unit_key), or "province"
    unit_name: str
    html: Path
    executed: Path
    params: dict[str, Any]
    input_hash: str
    title: str
    lang: str
    build_stamp: str
    parts: dict[str, str] = field(default_factory=dict)  # a unit report's input-hash parts (fingerprint)
    unit: Any = None  # the unit's motcua.report.eras.ReportUnit (None for the overview)


_WORKER_KERNEL: Any = None
_WORKER_LOCK = threading.Lock()


def render_task(task: RenderTask, kernel: Any = None) -> dict[str, Any]:
    """Execute the task's notebook and export it to HTML. Never raises (but on Ctrl-C).

    Returns {"status": "ok"|"failed", "reason": str, "html": str|None,
    "notebook": str|None}; the caller writes the files, so a worker on another
    machine (Dask) needs no access to the reports folder.
    """
    import nbformat

    from motcua.kernels.execute import KernelDied

    if kernel is None:
        with _WORKER_LOCK:  # one notebook at a time per warm kernel (Dask workers may have threads)
            return render_task(task, _worker_kernel())
    spec = UNIT_REPORT if task.kind == "unit" else OVERVIEW  # a province page runs the overview's notebook
    executed: str | None = None
    try:
        try:
            nb = kernel.execute(spec.notebook_path(), None, task.params)
        except KernelDied:
            kernel.restart()
            raise
        except Exception as exc:
            failed_nb = getattr(exc, "nb", None)
            if failed_nb is not None:
                executed = nbformat.writes(failed_nb)
            raise
        executed = nbformat.writes(nb)
        from motcua.report.export import notebook_to_html

        html = notebook_to_html(nb, lang=task.lang, title=task.title, build_stamp=task.build_stamp)
        return {"status": "ok", "reason": "", "html": html, "notebook": executed}
    except BaseException as exc:  # noqa: BLE001 - a failed unit never stops the others
        if isinstance(exc, KeyboardInterrupt):
            raise
        return {"status": "failed", "reason": _cell_error(exc), "html": None, "notebook": executed}


def _worker_kernel() -> Any:
    """This process's warm kernel (a Dask worker's), started on first use."""
    global _WORKER_KERNEL
    if _WORKER_KERNEL is None:
        from motcua.kernels.execute import WarmKernel

        _WORKER_KERNEL = WarmKernel(cwd=Path.cwd())
    return _WORKER_KERNEL


def _store(task: RenderTask, result: dict[str, Any]) -> dict[str, Any]:
    """Write a task's executed notebook and HTML atomically; a failure removes stale HTML."""
    if result.get("notebook"):
        atomic_write_text(task.executed, result["notebook"])
    if result["status"] == "ok" and result.get("html"):
        atomic_write_text(task.html, result["html"])
    else:
        task.html.unlink(missing_ok=True)
    return {"status": result["status"], "reason": result["reason"]}


#: At most this many reports to render: only kernels already warm are used (the build's own, and a kept
#: one if idle); starting another would cost more than it gains.
SMALL_BATCH = 3


def _run_tasks(
    tasks: list[RenderTask],
    jobs: int,
    scheduler: str | None,
    progress: Callable[[str, str, dict[str, Any]], None] | None,
    kernel: Any = None,
) -> dict[RenderTask, dict[str, Any]]:
    """Run render tasks on up to ``jobs`` warm kernels driven by this process's threads
    (:func:`_run_in_threads`), or on a Dask cluster. ``kernel``: the build's warm kernel (a
    :class:`_Lazy` the caller closes), used by the calling thread."""
    results: dict[RenderTask, dict[str, Any]] = {}
    if progress:
        progress("start", "", {"total": len(tasks)})

    def done(t: RenderTask, r: dict[str, Any]) -> None:
        results[t] = _store(t, r)
        if progress:
            progress(t.kind, t.unit_code, results[t])

    if scheduler:
        from motcua.pipeline.cluster import run_on_cluster

        run_on_cluster(tasks, scheduler, done, render_task)
        return results
    own = kernel if kernel is not None else _Lazy()
    try:
        _run_in_threads(tasks, jobs, own, done, start_kernels=len(tasks) > SMALL_BATCH)
    finally:
        if kernel is None:
            own.close()
    return results


def _run_in_threads(
    tasks: list[RenderTask],
    jobs: int,
    kernel: _Lazy,
    done: Callable[[RenderTask, dict[str, Any]], None],
    *,
    start_kernels: bool,
) -> None:
    """Reports rendered by this process on up to ``jobs`` warm kernels at once, one thread each.

    The calling thread uses ``kernel`` (the one the clean and model stages used, when they
    ran); each other thread leases a kept kernel, or starts one when ``start_kernels``
    (a small batch only adopts an idle kept kernel: starting one would cost more than
    the batch gains). Threads take the next report from one queue, so the longest
    (the overview, first) runs beside the others. Executed notebooks and HTML are
    written here, one report at a time.
    """
    queue = list(tasks)
    lock = threading.Lock()

    def take() -> RenderTask | None:
        with lock:
            return queue.pop(0) if queue else None

    def work(k: Any) -> None:
        while (t := take()) is not None:
            r = render_task(t, k)
            with lock:
                done(t, r)

    def lease_and_work() -> None:
        from motcua.kernels.execute import NoIdleKernel, WarmKernel

        try:
            second = WarmKernel(cwd=Path.cwd(), adopt_only=not start_kernels)
        except NoIdleKernel:
            return
        except Exception as exc:  # noqa: BLE001 - the other threads render everything instead
            log.warning("could not start a second kernel: %s", exc)
            return
        try:
            work(second)
        finally:
            second.shutdown()

    helpers = [
        threading.Thread(target=lease_and_work, name=f"motcua-kernel-{i}", daemon=True)
        for i in range(1, min(jobs, len(tasks)))
    ]
    for h in helpers:
        h.start()
    try:
        work(kernel)
    except BaseException:  # Ctrl-C: the other threads take no further report
        with lock:
            queue.clear()
        raise
    for h in helpers:
        h.join()


def _load_model_inputs(data: Path) -> dict[str, Any]:
    """Every product the render stage reads (:func:`motcua.products.render_inputs`), by name: required tables and
    quality.csv always (empty when absent), optional tables only when present, clean_meta.json as "meta" ({} when
    absent) and the published figures as "published" when present."""
    out: dict[str, Any] = {}
    for p in products.hashed():
        if not p.optional or p.exists(data):
            out[p.name] = p.read(data)
    return out | _meta_and_published(data)


def _meta_and_published(data: Path) -> dict[str, Any]:
    """clean_meta.json as "meta" ({} when absent) and, when present, the published figures as "published"."""
    out: dict[str, Any] = {"meta": products.META.read(data)}
    if products.PUBLISHED.exists(data):
        out["published"] = products.PUBLISHED.read(data)
    return out


#: Panel columns the render stage's planning reads (:func:`report_units`); the rest is hashed from the file.
PLAN_PANEL_COLUMNS = (
    "unit_schema",
    "unit_code",
    "unit_name",
    "unit_level",
    "period_end",
    "province_code",
    "province_name",
)


def _load_plan_inputs(data: Path) -> dict[str, Any]:
    """What planning the render stage reads as frames: the panel's unit columns, trend_summary (for the index and the
    comparison every report shows), clean_meta.json, published figures. Tables are hashed from their files
    (:func:`motcua.pipeline.input_hashes.file_hashes`)."""
    import pandas as pd
    import pyarrow.parquet as pq

    names = set(pq.read_schema(data / loc.PANEL).names)
    out: dict[str, Any] = {
        "panel": pd.read_parquet(data / loc.PANEL, columns=[c for c in PLAN_PANEL_COLUMNS if c in names]),
        "summary": pd.read_parquet(data / loc.TREND_SUMMARY),
    }
    return out | _meta_and_published(data)


def plan_inputs(
    data: Path, shas: dict[str, str], config: Any = None
) -> tuple[dict[str, Any], list[ReportUnit], dict[str, Any]]:
    """(the frames planning reads, the report units, each table's :class:`~motcua.pipeline.input_hashes.TableHashes`)
    of DATA, whose files have the sha256 ``shas`` (:func:`_input_shas`). The tables are hashed on a second thread
    while the frames are read."""
    from concurrent.futures import ThreadPoolExecutor

    from motcua.pipeline.input_hashes import file_hashes

    with ThreadPoolExecutor(max_workers=1) as pool:
        hashing = pool.submit(file_hashes, data, shas)
        inputs = _load_plan_inputs(data)
        units = report_units(inputs["panel"], config)
        return inputs, units, hashing.result()


def report_units(panel: Any, config: Any = None) -> list[ReportUnit]:
    """Every unit that gets a report, in both eras (:func:`motcua.report.eras.report_units`)."""
    from motcua.report.eras import report_units as units

    return units(panel, config or load_config())


def render_stage(
    data: Path,
    reports: Path,
    *,
    units: Iterable[str] | None = None,
    jobs: int | None = None,
    lang: str | None = None,
    force: bool = False,
    progress: Callable[[str, str, dict[str, Any]], None] | None = None,
    scheduler: str | None = None,
    kernel: Any = None,
) -> BuildResult:
    """One HTML per unit + the province overview + the index, in parallel, incrementally.

    Skipped whole, without reading the data, when the stage's inputs
    (:func:`_render_key`) equal those of the last complete build and every
    report it made is still there; otherwise each report is rebuilt if and
    only if its own input hash changed.
    """
    data, reports = Path(data).resolve(), Path(reports).resolve()
    units = list(units) if units else None
    cfg = load_config()
    lang = lang or cfg.language
    manifest = Manifest.load(reports / "manifest.json")
    shas = _input_shas(data)
    render_key = _render_key(data, lang, shas)
    if not force and not units and manifest.render_key == render_key and _all_present(reports, manifest):
        skipped = sorted([*manifest.reports, "province"])
        return BuildResult(stages=[], built=[], skipped=skipped, failed={})
    if not force and units and (done := _partial_up_to_date(reports, manifest, render_key, units)) is not None:
        return BuildResult(stages=[], built=[], skipped=done, failed={})

    from motcua.pipeline.unit_hash import UnitHasher, fingerprint, hash_components, overview_input_hash

    inputs, all_units, tables = plan_inputs(data, shas, cfg)
    try:
        wanted = wanted_units(units, all_units)
        check_render_parameters(unit_params(all_units[0], data, lang) if all_units else {}, overview_params(data, lang))
    except ValueError as exc:
        raise StageError(str(exc)) from exc

    built_at = datetime.now(UTC).replace(microsecond=0)
    stamp = f"{built_at:%Y-%m-%d %H:%M} UTC · motcua {code_version()}"
    nb_unit = _notebook_hash(UNIT_REPORT.notebook_path())
    nb_over = _notebook_hash(OVERVIEW.notebook_path())
    config_hash = _config_hash()
    unit_hash = UnitHasher(inputs, nb_unit, source_hash(), config_hash, tables)

    tasks: list[RenderTask] = []
    skipped: list[str] = []
    why: dict[str, list[str]] = {}
    for u in all_units:
        key, code, name = u.key, u.code, u.name
        if wanted and key not in wanted:
            continue
        params = unit_params(u, data, lang)
        components = unit_hash.components(key, params)
        h = hash_components(components)
        html = loc.unit_html(reports, code, name, u.schema)
        prev = manifest.reports.get(key)
        if not force and prev and prev.status == "ok" and prev.input_hash == h and html.exists():
            skipped.append(key)
            continue
        parts = fingerprint(components)
        why[key] = _why_rebuilt(prev, h, parts, force)
        tasks.append(
            RenderTask(
                "unit",
                key,
                name,
                html,
                loc.unit_executed(reports, code, name, u.schema),
                params,
                h,
                name,
                lang,
                stamp,
                parts,
                u,
            )
        )

    from motcua.report import national

    over_params = overview_params(data, lang)  # province "": every unit of the data
    over_hash = overview_input_hash(inputs, over_params, nb_over, source_hash(), config_hash, unit_hash.whole)
    over_html = reports / "province.html"
    prev = manifest.overview
    split = national.is_national(inputs["panel"], cfg.province.get("province_code"))
    if split:  # a national analysis: one overview per province; province.html is the page of provinces
        tasks += _province_tasks(
            data, reports, inputs, tables, manifest, lang, stamp, force, skipped, (nb_over, source_hash(), config_hash)
        )
    elif force or not (prev and prev.status == "ok" and prev.input_hash == over_hash and over_html.exists()):
        province = str(cfg.province.get("province_name", ""))
        tasks.append(
            RenderTask(
                "overview",
                "province",
                province,
                over_html,
                reports / "notebooks" / OVERVIEW.executed,
                over_params,
                over_hash,
                province,
                lang,
                stamp,
            )
        )
    else:
        skipped.append("province")

    results: dict[RenderTask, dict[str, Any]] = {}
    if tasks:
        n = max(1, min(jobs or os.cpu_count() or 1, len(tasks)))
        # The overview first: it is the longest single task.
        tasks.sort(key=lambda t: (t.kind == "unit", t.kind != "overview", t.unit_code))
        results = _run_tasks(tasks, n, scheduler, progress, kernel)

    failed: dict[str, str] = {}
    built: list[str] = []
    for t, r in results.items():
        entry = ReportEntry(
            unit_code=t.unit.code
            if t.unit is not None
            else t.unit_code.removeprefix("province:")
            if t.kind == "province"
            else t.unit_code,
            unit_name=t.unit_name,
            path=str(t.html.relative_to(reports)),
            status=r["status"],
            reason=r["reason"],
            input_hash=t.input_hash if r["status"] == "ok" else "",
            code_version=code_version(),
            built_at=built_at.isoformat(),
            notebook=str(t.executed.relative_to(reports)),
            parts=t.parts if r["status"] == "ok" else {},
            unit_schema=str(t.unit.schema or "") if t.unit is not None else "",
            unit_level=t.unit.level if t.unit is not None else "",
        )
        if t.kind == "overview":
            manifest.overview = entry
        elif t.kind == "province":
            manifest.provinces[t.unit_code.partition(":")[2]] = entry
        else:
            manifest.reports[t.unit_code] = entry
        if r["status"] == "ok":
            built.append(t.unit_code)
        else:
            failed[t.unit_code] = r["reason"]
    # Units no longer in the data leave the manifest (their files are removed).
    current = {u.key for u in all_units}
    for code in list(manifest.reports):
        if code not in current:
            old = manifest.reports.pop(code)
            (reports / old.path).unlink(missing_ok=True)
    for code, entry in manifest.reports.items():
        if entry.status == "failed" and code not in failed and code not in built and wanted and code not in wanted:
            failed.setdefault(code, entry.reason)

    if split:
        provinces = national.provinces(inputs["panel"])
        for code in list(manifest.provinces):  # provinces no longer in the data leave (their pages are removed)
            if code not in provinces:
                (reports / manifest.provinces.pop(code).path).unlink(missing_ok=True)
        if _write_national(data, reports, manifest, lang, stamp, built_at, over_hash, force, bool(results)):
            built.append("province")
        else:
            skipped.append("province")
    elif manifest.provinces:  # the data became one province's: the province pages go
        for e in manifest.provinces.values():
            (reports / e.path).unlink(missing_ok=True)
        manifest.provinces.clear()
    manifest.code_version = code_version()
    manifest.lang = lang
    manifest.synthetic = bool(inputs["meta"].get("synthetic", False))
    complete = not units and not failed and all(e.status == "ok" for e in manifest.reports.values())
    new_key = render_key if complete else ""
    partial = _partial_after(manifest, render_key, units, all_units)
    if (
        results
        or not (reports / "index.html").exists()
        or manifest.render_key != new_key
        or manifest.partial != partial
    ):
        if results or not (reports / "index.html").exists():
            manifest.built_at = built_at.isoformat()
            write_index(reports, manifest, inputs, lang)
        manifest.render_key = new_key
        manifest.partial = partial
        manifest.save(reports / "manifest.json")
    return BuildResult(stages=[], built=sorted(built), skipped=sorted(skipped), failed=failed, why=why)


def _province_tasks(
    data: Path,
    reports: Path,
    inputs: dict[str, Any],
    tables: dict[str, Any],
    manifest: Manifest,
    lang: str,
    stamp: str,
    force: bool,
    skipped: list[str],
    hashes: tuple[str, str, str],
) -> list[RenderTask]:
    """A national analysis: one overview task per province (notebook 40 with ``province``) whose input hash, built
    from that province's slices of the tables (:func:`motcua.pipeline.unit_hash.province_input_hash`), changed."""
    from motcua.pipeline.unit_hash import province_input_hash
    from motcua.report import national

    nb_over, code_hash, config_hash = hashes
    panel = inputs["panel"]
    tasks = []
    for code, name in national.provinces(panel).items():
        params = overview_params(data, lang, code)
        h = province_input_hash(
            tables, national.province_keys(panel, code), code, inputs, params, nb_over, code_hash, config_hash
        )
        rel = national.page_name(code, name)
        html = reports / rel
        prev = manifest.provinces.get(code)
        if not force and prev and prev.status == "ok" and prev.input_hash == h and html.exists():
            skipped.append(f"province:{code}")
            continue
        executed = reports / "notebooks" / PROVINCE_PAGE.executed.format(stem=Path(rel).stem)
        tasks.append(RenderTask("province", f"province:{code}", name, html, executed, params, h, name, lang, stamp))
    return tasks


def _write_national(
    data: Path,
    reports: Path,
    manifest: Manifest,
    lang: str,
    stamp: str,
    built_at: datetime,
    over_hash: str,
    force: bool,
    any_built: bool,
) -> bool:
    """Write province.html as the national page of provinces (:func:`motcua.report.national.national_page`) when any
    page was rebuilt, its inputs changed or it is missing; True when written."""
    import pandas as pd
    import pyarrow.parquet as pq

    from motcua.report import national

    html = reports / "province.html"
    links = {c: (e.path if e.status == "ok" else None) for c, e in manifest.provinces.items()}
    key = hashlib.sha256((over_hash + json.dumps(links, sort_keys=True)).encode()).hexdigest()
    prev = manifest.overview
    if not (force or any_built) and prev and prev.status == "ok" and prev.input_hash == key and html.exists():
        return False
    names = set(pq.read_schema(data / loc.PANEL).names)
    cols = [
        c
        for c in (
            *PLAN_PANEL_COLUMNS,
            "province_code",
            "province_name",
            "period_start",
            "received_online",
            "received_offline",
            "resolved_early",
            "resolved_ontime",
            "resolved_total",
            "resolved_late",
        )
        if c in names
    ]
    panel = pd.read_parquet(data / loc.PANEL, columns=list(dict.fromkeys(cols)))
    if "province_code" in panel:
        panel["province_code"] = panel["province_code"].astype(str)
    meta = data / loc.CLEAN_META
    synthetic = bool(json.loads(meta.read_text(encoding="utf-8")).get("synthetic", False)) if meta.exists() else False
    atomic_write_text(html, national.national_page(panel, links, lang=lang, synthetic=synthetic, build_stamp=stamp))
    from motcua.report.strings import strings

    manifest.overview = ReportEntry(
        unit_code="province",
        unit_name=strings(lang)["nat_title"],
        path="province.html",
        status="ok",
        reason="",
        input_hash=key,
        code_version=code_version(),
        built_at=built_at.isoformat(),
        notebook="",
    )
    return True


def _why_rebuilt(prev: Any, input_hash: str, parts: dict[str, str], force: bool) -> list[str]:
    """Why a unit report is rebuilt, given its manifest entry ``prev`` (None: never built)."""
    from motcua.pipeline.unit_hash import changed_parts

    if force:
        return ["forced"]
    if prev is None:
        return ["new"]
    if prev.status != "ok":
        return ["failed before"]
    if prev.input_hash == input_hash:
        return ["file missing"]
    return changed_parts(prev.parts, parts)


def _sha_cache(data: Path) -> ShaCache:
    """The sha256 of input and data files known from an earlier build, by their status (DATA's interim cache)."""
    return ShaCache(loc.interim_dir(data) / "file_shas.json")


def _input_shas(data: Path) -> dict[str, str]:
    """sha256 of each of :data:`RENDER_INPUTS` in DATA ("missing" for an absent file)."""
    shas = _sha_cache(data)
    out = {name: shas.sha(data / name) if (data / name).exists() else "missing" for name in RENDER_INPUTS}
    shas.save()
    return out


def _render_key(data: Path, lang: str, shas: dict[str, str] | None = None) -> str:
    """Hash of every input of the render stage: the processed data files (published.csv too, when present),
    both notebooks, code, config, language. ``shas``: the files' :func:`_input_shas`, when already known."""
    shas = shas or _input_shas(data)
    return _stage_key(
        *(shas[name] for name in RENDER_INPUTS),
        _notebook_hash(UNIT_REPORT.notebook_path()),
        _notebook_hash(OVERVIEW.notebook_path()),
        source_hash(),
        _config_hash(),
        lang,
        str(data),  # the reports' executed notebooks record where their data came from
    )


def _pages_present(reports: Path, manifest: Manifest) -> bool:
    """The overview (or national page), every province page and the index built and on disk."""
    pages = [*manifest.provinces.values(), *([manifest.overview] if manifest.overview else [])]
    return (
        manifest.overview is not None
        and (reports / "index.html").exists()
        and all(e.status == "ok" and (reports / e.path).exists() for e in pages)
    )


def _partial_up_to_date(reports: Path, manifest: Manifest, render_key: str, units: Iterable[str]) -> list[str] | None:
    """``--units``: the keys of the reports asked for when the render stage's inputs are those with which the same
    requests last left them up to date (:attr:`Manifest.partial`), every one of them, the overview and the index
    still on disk; None when anything must be planned."""
    if manifest.render_key == render_key and _all_present(reports, manifest):  # a whole render with these inputs
        return sorted([*manifest.reports, "province"])
    requests = manifest.partial.get("requests") if manifest.partial.get("key") == render_key else None
    if not isinstance(requests, dict) or not _pages_present(reports, manifest):
        return None
    keys: list[str] = []
    for u in units:
        if u not in requests:
            return None
        keys += requests[u]
    entries = [manifest.reports.get(k) for k in keys]
    if not all(e is not None and e.status == "ok" and (reports / e.path).exists() for e in entries):
        return None
    return sorted({*keys, "province"})


def _partial_after(
    manifest: Manifest, render_key: str, units: Iterable[str] | None, all_units: list[ReportUnit]
) -> dict[str, Any]:
    """:attr:`Manifest.partial` after a render: with ``--units``, each request whose reports are all built, added to
    those recorded under the same inputs; {} after a whole render (its ``render_key`` says more)."""
    if not units:
        return {}
    before = manifest.partial.get("requests") if manifest.partial.get("key") == render_key else None
    requests: dict[str, list[str]] = dict(before) if isinstance(before, dict) else {}
    for u in units:
        keys = sorted(x.key for x in all_units if u in (x.key, x.code))
        if keys and all((e := manifest.reports.get(k)) is not None and e.status == "ok" for k in keys):
            requests[u] = keys
        else:
            requests.pop(u, None)
    return {"key": render_key, "requests": requests} if requests else {}


def _all_present(reports: Path, manifest: Manifest) -> bool:
    """Every report of ``manifest`` built and still on disk, with the index and the overview."""
    entries = [
        *manifest.reports.values(),
        *manifest.provinces.values(),
        *([manifest.overview] if manifest.overview else []),
    ]
    return (
        manifest.overview is not None
        and (reports / "index.html").exists()
        and all(e.status == "ok" and (reports / e.path).exists() for e in entries)
    )


def write_index(reports: Path, manifest: Manifest, inputs: dict[str, Any], lang: str) -> None:
    from motcua.report.index import render_index, unit_provinces

    html = render_index(
        manifest.to_dict(),
        lang=lang,
        summary=inputs.get("summary"),
        provinces=unit_provinces(inputs.get("panel")) if manifest.provinces else None,
    )
    atomic_write_text(reports / "index.html", html)


# --------------------------------------------------------------------------- build


def build(
    raw: Sequence[str | Path],
    data: Path,
    reports: Path,
    *,
    units: Iterable[str] | None = None,
    jobs: int | None = None,
    lang: str | None = None,
    force: bool = False,
    progress: Callable[[str, str, dict[str, Any]], None] | None = None,
    scheduler: str | None = None,
) -> BuildResult:
    """clean → model → render, each step only when its inputs changed."""
    data, reports = Path(data).resolve(), Path(reports).resolve()
    executed = reports / "notebooks"
    stages: list[StageResult] = []
    kernel = _Lazy()  # only started (or leased) when a stage actually runs; a small render batch reuses it
    try:
        res = clean_stage(raw, data, executed, kernel=kernel, force=force)
        stages.append(res)
        prehash = None
        if res.ran:  # the panel and quality.csv are final: hashed for planning while the kernel runs the model
            from motcua.pipeline.input_hashes import hash_in_background

            prehash = hash_in_background(data)
        res = model_stage(data, executed, kernel=kernel, force=force)
        stages.append(res)
        if prehash is not None:
            prehash.join()
        result = render_stage(
            data,
            reports,
            units=units,
            jobs=jobs,
            lang=lang,
            force=force,
            progress=progress,
            scheduler=scheduler,
            kernel=kernel,
        )
    finally:
        kernel.close()
    result.stages = stages
    return result


def _import_for_render() -> None:
    """What the render stage needs in the build process: planning's readers and the HTML exporter (nbconvert,
    about 0.2 s), which a one-unit fix would otherwise import on its critical path after the first report."""
    import pandas  # noqa: F401
    import pyarrow.parquet  # noqa: F401

    import motcua.report.export  # noqa: F401


class _Lazy:
    """A warm kernel started (or leased) on first use only, so a no-op build starts none."""

    def __init__(self) -> None:
        self._kernel: Any = None

    def get(self) -> Any:
        if self._kernel is None:
            # What the render stage's planning imports, loaded while the kernel works on clean and model.
            threading.Thread(target=_import_for_render, name="motcua-prefetch", daemon=True).start()
            from motcua.kernels.execute import WarmKernel  # papermill and nbformat: only when a stage runs

            self._kernel = WarmKernel(cwd=Path.cwd())
        return self._kernel

    def execute(self, *args: Any, **kwargs: Any) -> Any:
        return self.get().execute(*args, **kwargs)

    def restart(self) -> None:
        self.get().restart()

    def close(self) -> None:
        """Stop (owned) or let go of (kept) the kernel, if one was started; a later use starts another."""
        if self._kernel is not None:
            self._kernel.shutdown()
            self._kernel = None
