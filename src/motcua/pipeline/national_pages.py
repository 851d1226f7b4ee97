"""The pages above the unit reports: a national analysis's province tasks and page of provinces
(``province.html``), and the index of every report."""

from __future__ import annotations

import json
from concurrent.futures import Future, ThreadPoolExecutor
from datetime import datetime
from pathlib import Path
from typing import Any

from motcua import locations as loc
from motcua.files import atomic_write_text
from motcua.pipeline.manifest import Manifest, ReportEntry
from motcua.pipeline.plan import PLAN_PANEL_COLUMNS
from motcua.pipeline.render_tasks import RenderTask
from motcua.pipeline.render_units import overview_params
from motcua.pipeline.stage_specs import PROVINCE_PAGE
from motcua.pipeline.stamps import STAMP_KEYS
from motcua.version import code_version


def province_tasks(
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
    keys = national.provinces_keys(panel)
    for code, name in national.provinces(panel).items():
        params = overview_params(data, lang, code)
        h = province_input_hash(tables, keys.get(code, set()), code, inputs, params, nb_over, code_hash, config_hash)
        rel = national.page_name(code, name)
        html = reports / rel
        prev = manifest.provinces.get(code)
        if not force and prev and prev.status == "ok" and prev.input_hash == h and html.exists():
            skipped.append(f"province:{code}")
            continue
        executed = reports / "notebooks" / PROVINCE_PAGE.executed.format(stem=Path(rel).stem)
        tasks.append(RenderTask("province", f"province:{code}", name, html, executed, params, h, name, lang, stamp))
    return tasks


def national_rows(data: Path) -> tuple[Any, list[dict[str, Any]]]:
    """What the national page shows of DATA: the panel's columns it reads and its rows
    (:func:`motcua.report.national.province_rows`)."""
    import pandas as pd
    import pyarrow.parquet as pq

    from motcua.report import national

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
    return panel, national.province_rows(panel)


def national_rows_in_background(data: Path) -> Future[tuple[Any, list[dict[str, Any]]]]:
    """:func:`national_rows` computed on a thread of this process (the render stage starts it while the kernels
    render the pages: DATA's tables are final by then)."""
    pool = ThreadPoolExecutor(max_workers=1, thread_name_prefix="motcua-national")
    try:
        return pool.submit(national_rows, data)
    finally:
        pool.shutdown(wait=False)


def write_national(
    data: Path,
    reports: Path,
    manifest: Manifest,
    lang: str,
    stamp: str,
    built_at: datetime,
    over_hash: str,
    force: bool,
    any_built: bool,
    rows: Future[tuple[Any, list[dict[str, Any]]]] | None = None,
) -> bool:
    """Write province.html as the national page of provinces (:func:`motcua.report.national.national_page`) when any
    page was rebuilt, its inputs changed or it is missing; True when written. ``rows``: :func:`national_rows` of
    DATA under way (:func:`national_rows_in_background`)."""
    from motcua.report import national

    html = reports / "province.html"
    links = {c: (e.path if e.status == "ok" else None) for c, e in manifest.provinces.items()}
    key = STAMP_KEYS.key(over_hash, links, code="")
    prev = manifest.overview
    if not (force or any_built) and prev and prev.status == "ok" and prev.input_hash == key and html.exists():
        return False
    panel, table = rows.result() if rows is not None else national_rows(data)
    meta = data / loc.CLEAN_META
    synthetic = bool(json.loads(meta.read_text(encoding="utf-8")).get("synthetic", False)) if meta.exists() else False
    page = national.national_page(panel, links, lang=lang, synthetic=synthetic, build_stamp=stamp, rows=table)
    atomic_write_text(html, page)
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


def write_index(reports: Path, manifest: Manifest, inputs: dict[str, Any], lang: str) -> None:
    """Write every index page (:func:`motcua.report.index_national.index_pages`: ``index.html``, and in a national
    analysis one per province page), and remove the province index pages of provinces no longer there."""
    from motcua.report.index_national import index_pages
    from motcua.report.national import PROVINCES_DIR

    pages = index_pages(manifest.to_dict(), lang=lang, summary=inputs.get("summary"), panel=inputs.get("panel"))
    for rel, html in pages.items():
        atomic_write_text(reports / rel, html)
    for old in (reports / PROVINCES_DIR).glob("*-index.html") if (reports / PROVINCES_DIR).is_dir() else ():
        if f"{PROVINCES_DIR}/{old.name}" not in pages:
            old.unlink(missing_ok=True)
