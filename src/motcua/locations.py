"""Where the pipeline reads and writes: notebooks, data files, report paths."""

from __future__ import annotations

import os
from pathlib import Path

from motcua import products
from motcua.config import project_root
from motcua.files import safe_code, slugify

NOTEBOOK_CLEAN = "10_clean.ipynb"
NOTEBOOK_MODEL = "20_model.ipynb"
NOTEBOOK_DISTRICT = "30_district_report.ipynb"
NOTEBOOK_OVERVIEW = "40_province_overview.ipynb"

# The products' file names (declared with their grain, key, reader and writer in motcua.products).
PANEL = products.PANEL.file
QUALITY = products.QUALITY.file
CLEAN_META = products.META.file
TRENDS = products.TRENDS.file
TREND_SUMMARY = products.SUMMARY.file
COMPARISON = products.COMPARISON.file
CONTINUITY = products.CONTINUITY.file
PUBLISHED = products.PUBLISHED.file
PAR_INDEX = products.PAR.file
GROUPS766 = products.GROUPS766.file
SCORE766 = products.SCORE766.file
STAMPS = ".stamps"


def interim_dir(data: Path) -> Path:
    """Where rebuildable intermediate results of DATA go: the project's ``data/interim/`` when DATA is
    ``data/processed`` beside it (the project's layout), else ``DATA/.cache``."""
    data = Path(data)
    sibling = data.parent / "interim"
    return sibling if data.name == "processed" and sibling.is_dir() else data / ".cache"


def clean_cache(data: Path) -> Path:
    """What each raw file gave when read (motcua.clean.run._FileCache) and what the cross-record checks made of
    each unit (motcua.clean.unitcache)."""
    return interim_dir(data) / "clean"


def fit_cache(data: Path) -> Path:
    """Each series' trend fit and each peer group's comparison, keyed by their inputs: a folder of shard files
    (motcua.model.cache.ResultCache)."""
    return interim_dir(data) / "model_fits"


def chart_cache(data: Path) -> Path:
    """Charts of the overview already drawn, keyed by their inputs (motcua.report.chart_cache)."""
    return interim_dir(data) / "charts"


def fragment_cache(data: Path) -> Path:
    """HTML fragments of the overview already rendered, keyed by their inputs (motcua.report.fragment_cache)."""
    return interim_dir(data) / "fragments"


def notebooks_dir() -> Path:
    """The shipped notebooks (``MOTCUA_NOTEBOOKS`` overrides)."""
    env = os.environ.get("MOTCUA_NOTEBOOKS")
    return Path(env) if env else project_root() / "notebooks"


def notebook(name: str) -> Path:
    return notebooks_dir() / name


def report_stem(schema: object, code: str, slug_stem: str) -> str:
    """The file stem of a unit's report: legacy units carry the era (``legacy-555-thanh-pho-tuy-hoa``), so a code
    re-used across eras never gives two reports one file name."""
    return f"legacy-{slug_stem}" if str(schema) == "legacy" else slug_stem


def unit_report_name(unit_code: str, unit_name: str, unit_schema: str | None = None) -> str:
    """``<code>-<slug>``: the stem shared by a unit's HTML and executed notebook; ``legacy-<code>-<slug>`` for a
    unit of the legacy schema (before 1 July 2025), as codes are re-used across eras
    (:func:`report_stem`)."""
    return report_stem(unit_schema, safe_code(unit_code), f"{safe_code(unit_code)}-{slugify(unit_name)}")


def unit_html(reports: Path, unit_code: str, unit_name: str, unit_schema: str | None = None) -> Path:
    return Path(reports) / "units" / f"{unit_report_name(unit_code, unit_name, unit_schema)}.html"


def unit_executed(reports: Path, unit_code: str, unit_name: str, unit_schema: str | None = None) -> Path:
    return Path(reports) / "notebooks" / f"30-{unit_report_name(unit_code, unit_name, unit_schema)}.ipynb"
