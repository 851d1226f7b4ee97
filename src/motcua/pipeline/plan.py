"""What the render stage reads to plan its reports: the products by name (:func:`load_model_inputs`), the frames
planning needs and each table's hashes (:func:`plan_inputs`), the units that get a report (:func:`report_units`)."""

from __future__ import annotations

from pathlib import Path
from typing import TYPE_CHECKING, Any

from motcua import locations as loc
from motcua import products
from motcua.config import load_config

if TYPE_CHECKING:
    from motcua.report.eras import ReportUnit


def load_model_inputs(data: Path) -> dict[str, Any]:
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
    of DATA, whose files have the sha256 ``shas`` (:func:`input_shas`). The tables are hashed on a second thread
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
