"""The stages of a build — clean, model, render — each skipped when its inputs are unchanged.

Every stage runs its notebook through papermill on a warm kernel (:mod:`motcua.kernels`), so the command line,
``make`` and JupyterLab share one code path. Each stage records the hash of what it was built from in
``DATA/.stamps/<stage>.json`` (:mod:`motcua.pipeline.stamps`); unit reports record theirs in
``REPORTS/manifest.json`` and are rebuilt if and only if that hash changed (:mod:`motcua.pipeline.unit_hash`).
The render stage's tasks run in :mod:`motcua.pipeline.render_tasks`; the pages above the unit reports are
written by :mod:`motcua.pipeline.national_pages`.
"""

from __future__ import annotations

import os
from collections.abc import Callable, Iterable, Sequence
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

from motcua import locations as loc
from motcua.config import load_config
from motcua.kernels.lazy import LazyKernel, cell_error
from motcua.pipeline import stamps
from motcua.pipeline.freshness import (
    indexes_present,
    partial_after,
    served,
    why_rebuilt,
)
from motcua.pipeline.hash_watch import HashWhenWritten
from motcua.pipeline.manifest import Manifest, record_results
from motcua.pipeline.national_pages import national_rows_in_background, province_tasks, write_index, write_national
from motcua.pipeline.plan import PLAN_PANEL_COLUMNS, load_model_inputs, plan_inputs, report_units
from motcua.pipeline.render_tasks import RenderTask, render_task, run_tasks, write_notebook
from motcua.pipeline.render_units import check_render_parameters, overview_params, unit_params, wanted_units
from motcua.pipeline.results import BuildResult, StageError, StageResult
from motcua.pipeline.stage_specs import CLEAN, MODEL, OVERVIEW, RENDER_INPUTS, UNIT_REPORT, StageSpec
from motcua.rawfiles import discover
from motcua.report import fmt
from motcua.version import code_version, source_hash

#: Names other modules, the notebooks' helpers and the tests import from here.
__all__ = [
    "PLAN_PANEL_COLUMNS",
    "RENDER_INPUTS",
    "BuildResult",
    "RenderTask",
    "StageError",
    "StageResult",
    "build",
    "clean_stage",
    "load_model_inputs",
    "model_stage",
    "plan_inputs",
    "raw_files",
    "render_stage",
    "render_task",
    "report_units",
    "write_index",
]


# --------------------------------------------------------------------------- inputs


def raw_files(raw: Sequence[str | Path]) -> list[Path]:
    """Every input file under the given files or folders (as the clean stage reads them), sorted."""
    missing = [str(p) for p in raw if not Path(p).exists()]
    if missing:
        raise StageError(f"clean: input {', '.join(missing)} does not exist")
    return sorted(path for path, _ in discover(raw))


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
        raise StageError(f"{spec.notebook}: {cell_error(exc)}") from exc
    write_notebook(nb, Path(executed_dir) / spec.executed)


def clean_stage(
    raw: Sequence[str | Path], data: Path, executed_dir: Path, *, kernel: Any = None, force: bool = False
) -> StageResult:
    """raw files → DATA/panel.parquet, DATA/quality.csv, DATA/clean_meta.json (notebook 10)."""
    data = Path(data).resolve()
    files = raw_files(raw)
    if not files:
        raise StageError("clean: no input files found in " + ", ".join(map(str, raw)))
    shas = stamps.sha_cache(data)
    key = stamps.stage_key(
        shas.files_sha(files),
        stamps.raw_names(raw),
        stamps.config_hash(),
        stamps.notebook_hash(CLEAN.notebook_path()),
        source_hash(),
    )
    shas.save()
    outputs = CLEAN.output_paths(data)
    if not force and stamps.read_stamp(data, "clean") == key and all(p.exists() for p in outputs):
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
    stamps.write_stamp(data, "clean", key, {"inputs": len(files)})
    return StageResult("clean", ran=True, outputs=outputs, seconds=(datetime.now(UTC) - t0).total_seconds())


def model_stage(data: Path, executed_dir: Path, *, kernel: Any = None, force: bool = False) -> StageResult:
    """DATA/panel.parquet → DATA/trends.parquet, trend_summary.parquet, comparison.parquet, continuity.parquet
    (notebook 20); rerun when any of them is missing."""
    data = Path(data).resolve()
    panel = data / loc.PANEL
    if not panel.exists():
        raise StageError(f"model: {panel} does not exist; run `motcua clean` first")
    shas = stamps.sha_cache(data)
    key = stamps.stage_key(
        shas.sha(panel),
        stamps.config_hash(),
        stamps.notebook_hash(MODEL.notebook_path()),
        source_hash(),
    )
    shas.save()
    outputs = MODEL.output_paths(data)
    if not force and stamps.read_stamp(data, "model") == key and all(p.exists() for p in outputs):
        return StageResult("model", ran=False, outputs=outputs)
    t0 = datetime.now(UTC)
    _run_stage_notebook(kernel, MODEL, _stage_params(MODEL, data_dir=str(data)), executed_dir)
    missing = [p.name for p in outputs if not p.exists()]
    if missing:
        raise StageError(f"model: notebook ran but did not write {', '.join(missing)}")
    stamps.write_stamp(data, "model", key)
    return StageResult("model", ran=True, outputs=outputs, seconds=(datetime.now(UTC) - t0).total_seconds())


# --------------------------------------------------------------------------- render


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
    (:func:`motcua.pipeline.stamps.render_key`) equal those of the last complete build and every
    report it made is still there; otherwise each report is rebuilt if and
    only if its own input hash changed.
    """
    data, reports = Path(data).resolve(), Path(reports).resolve()
    units = list(units) if units else None
    cfg = load_config()
    lang = lang or cfg.language
    manifest = Manifest.load(reports / "manifest.json")
    shas = stamps.input_shas(data)
    render_key = stamps.render_key(data, lang, shas)
    if not force and (done := served(reports, manifest, render_key, units)) is not None:
        return BuildResult(stages=[], built=[], skipped=done, failed={})

    from motcua.pipeline.unit_hash import UnitHasher, fingerprint, hash_components, overview_input_hash

    inputs, all_units, tables = plan_inputs(data, shas, cfg)
    try:
        wanted = wanted_units(units, all_units)
        check_render_parameters(unit_params(all_units[0], data, lang) if all_units else {}, overview_params(data, lang))
    except ValueError as exc:
        raise StageError(str(exc)) from exc

    built_at = datetime.now(UTC).replace(microsecond=0)
    stamp = f"{fmt.stamp_time(built_at, lang)} · motcua {code_version()}"
    nb_unit = stamps.notebook_hash(UNIT_REPORT.notebook_path())
    nb_over = stamps.notebook_hash(OVERVIEW.notebook_path())
    config_hash = stamps.config_hash()
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
        why[key] = why_rebuilt(prev, h, parts, force)
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
        tasks += province_tasks(
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
    nat_rows = national_rows_in_background(data) if split and tasks else None  # read while the kernels render
    if tasks:
        n = max(1, min(jobs or os.cpu_count() or 1, len(tasks)))
        # The overview first: it is the longest single task.
        tasks.sort(key=lambda t: (t.kind == "unit", t.kind != "overview", t.unit_code))
        results = run_tasks(tasks, n, scheduler, progress, kernel)

    built, failed = record_results(manifest, results, reports, built_at, all_units, wanted)

    if split:
        provinces = national.provinces(inputs["panel"])
        for code in list(manifest.provinces):  # provinces no longer in the data leave (their pages are removed)
            if code not in provinces:
                (reports / manifest.provinces.pop(code).path).unlink(missing_ok=True)
        if write_national(data, reports, manifest, lang, stamp, built_at, over_hash, force, bool(results), nat_rows):
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
    partial = partial_after(manifest, render_key, units, all_units)
    if (
        results
        or not indexes_present(reports, manifest)
        or manifest.render_key != new_key
        or manifest.partial != partial
    ):
        if results or not indexes_present(reports, manifest):
            manifest.built_at = built_at.isoformat()
            write_index(reports, manifest, inputs, lang)
        manifest.render_key = new_key
        manifest.partial = partial
        manifest.save(reports / "manifest.json")
    return BuildResult(stages=[], built=sorted(built), skipped=sorted(skipped), failed=failed, why=why)


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
    kernel = LazyKernel()  # only started (or leased) when a stage actually runs; a small render batch reuses it
    try:
        res = clean_stage(raw, data, executed, kernel=kernel, force=force)
        stages.append(res)
        prehash = None
        if res.ran:  # the panel and quality.csv are final: hashed for planning while the kernel runs the model
            from motcua.pipeline.input_hashes import hash_in_background

            prehash = hash_in_background(data)
        # and trends.parquet as soon as the model stage has written it
        written = HashWhenWritten(data, after=prehash)
        try:
            res = model_stage(data, executed, kernel=kernel, force=force)
        finally:
            written.stop()
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
