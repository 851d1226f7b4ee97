"""Every product of the processed folder (``data/processed``), declared once: :data:`PRODUCTS`.

Each :class:`Product` names its file, the stage that writes it, its grain, key and columns (and its pandera
schema where one exists), how it is read and written, and whether the render stage hashes it per unit to decide
which reports to rebuild. The writers (motcua.clean.run, motcua.model.run), the loaders of the processed folder
(motcua.report.context, motcua.pipeline.stages), the rebuild hashes (motcua.pipeline.input_hashes,
motcua.pipeline.unit_hash) and the tests all take the file names and formats from here, so a new product is one
entry below.

Formats: ``parquet`` (a table), ``csv`` (quality.csv: UTF-8 with a byte-order mark, read back as text),
``json`` (a dict), ``published`` (the published-figures table, read and written by
motcua.prose.published, which keeps its flags as lists; named by module so this base module imports no reader).
Every write is atomic (:func:`motcua.files.atomic_write_bytes`): a reader never sees half a file.
"""

from __future__ import annotations

import importlib
import io
import json
from dataclasses import dataclass
from pathlib import Path
from typing import Any


@dataclass(frozen=True)
class Product:
    """One file of the processed folder.

    ``name``: the key the pipeline's input dicts and rebuild hashes use; ``stage``: ``clean`` or ``model``, the
    stage that writes it; ``optional``: absent when the inputs hold nothing for it (readers then give an empty
    frame, or None for ``published``); ``hashed``: ``unit`` when the render stage hashes each unit's rows for
    rebuilds (rows sliced by ``unit_code``, or quality.csv's ``unit``), ``whole`` when only the whole table's hash
    counts (every report shows all of it), "" when not hashed as a table; ``slice_by``: ``key`` when a unit's slice is keyed ``"<schema>:<code>"``, ``code``
    when by its code alone; ``schema``: ``module:attribute`` of the pandera schema, where one exists; ``render``: read by the render stage
    (its rebuild key hashes the file); ``unhashed``: columns left out of the per-unit hashes."""

    name: str
    file: str
    stage: str
    fmt: str
    grain: str
    key: tuple[str, ...] = ()
    columns: tuple[str, ...] = ()
    schema: str | None = None
    optional: bool = False
    hashed: str = ""
    slice_by: str = "key"
    render: bool = True
    #: columns no report shows (provenance such as a file's sha256), left out of the rebuild hashes: a correction
    #: to one unit's row changes its file's checksum, which must not rebuild every other unit of that file
    unhashed: tuple[str, ...] = ()

    def path(self, data: str | Path) -> Path:
        return Path(data) / self.file

    def exists(self, data: str | Path) -> bool:
        return self.path(data).exists()

    def read(self, data: str | Path, columns: list[str] | None = None) -> Any:
        """The product in DATA; when the file is absent: an empty frame ({} for json, None for published)."""
        p = self.path(data)
        if self.fmt == "published":
            return _resolve("motcua.prose.published:load_published")(p) if p.exists() else None
        if not p.exists():
            if self.fmt == "json":
                return {}
            import pandas as pd

            return pd.DataFrame()
        if self.fmt == "json":
            return json.loads(p.read_text(encoding="utf-8"))
        import pandas as pd

        if self.fmt == "csv":
            return pd.read_csv(p, dtype=str, keep_default_na=False)
        return pd.read_parquet(p, columns=columns)

    def write(self, obj: Any, data: str | Path) -> Path:
        """Write ``obj`` (a frame; a dict for json) as the product in DATA, atomically; returns the path."""
        p = self.path(data)
        if self.fmt == "published":
            return Path(_resolve("motcua.prose.published:write_published")(obj, p))
        if self.fmt == "json":
            blob = (json.dumps(obj, ensure_ascii=False, indent=1) + "\n").encode("utf-8")
        elif self.fmt == "csv":
            blob = obj.to_csv(index=False, lineterminator="\n").encode("utf-8-sig")
        else:
            buf = io.BytesIO()
            obj.to_parquet(buf, index=False)
            blob = buf.getvalue()
        from motcua.files import atomic_write_bytes  # on first write: a start that writes nothing skips it

        atomic_write_bytes(p, blob)
        return p

    def remove(self, data: str | Path) -> None:
        """Drop the file (an optional product with nothing to hold: never a stale table from an earlier run)."""
        self.path(data).unlink(missing_ok=True)

    def pandera_schema(self) -> Any:
        return _resolve(self.schema) if self.schema else None


def _resolve(ref: str) -> Any:
    module, attr = ref.split(":")
    return getattr(importlib.import_module(module), attr)


_UNIT = ("unit_schema", "unit_code")

#: The products, in the order the render stage hashes its inputs.
PRODUCTS: tuple[Product, ...] = (
    Product(
        "panel",
        "panel.parquet",
        "clean",
        "parquet",
        "one row per (unit, period): form-06 counts with the unit's era, code, level, province, period and the "
        "source file and sheet/row of every number",
        key=(*_UNIT, "period_start", "period_end"),
        schema="motcua.panel:PANEL_SCHEMA",
        hashed="unit",
    ),
    Product(
        "trends",
        "trends.parquet",
        "model",
        "parquet",
        "one row per (unit, rate, period, kind), kind fit or forecast: estimate, lower, upper",
        key=("unit_code", "rate", "period_start", "kind"),
        hashed="unit",
    ),
    Product(
        "summary",
        "trend_summary.parquet",
        "model",
        "parquet",
        "one row per (unit, rate): latest rate, slope, target probability, shrunk rate, rank, funnel flag",
        key=("unit_code", "rate"),
        hashed="unit",
    ),
    Product(
        "comparison",
        "comparison.parquet",
        "model",
        "parquet",
        "one row per (unit, rate) compared over the comparison window",
        key=("unit_code", "rate"),
        hashed="whole",
    ),
    Product(
        "quality",
        "quality.csv",
        "clean",
        "csv",
        "one row per finding, in the order found: file, sheet, row, unit (as named), period, rule, severity, "
        "message, action, and the era and code of the unit the reader matched (empty when about no unit)",
        columns=(
            "file",
            "sheet",
            "row",
            "unit",
            "period",
            "rule",
            "severity",
            "message",
            "action",
            "unit_schema",
            "unit_code",
        ),
        hashed="unit",
    ),
    Product(
        "meta",
        "clean_meta.json",
        "clean",
        "json",
        "one object: what the clean stage read and kept (counts, as-of date, synthetic flag, input hashes)",
    ),
    Product(
        "published",
        "published.csv",
        "clean",
        "published",
        "one row per figure stated in a prose document among the inputs",
        optional=True,
    ),
    Product(
        "continuity",
        "continuity.parquet",
        "model",
        "parquet",
        "one row per (kind, unit, era, period): series continued across the 1 July 2025 reform",
        key=("kind", *_UNIT, "era", "period_start"),
        optional=True,  # a data folder modelled before the table existed has none
        hashed="unit",
    ),
    Product(
        "par",
        "par_index.parquet",
        "clean",
        "parquet",
        "one row per (year, unit, PAR set, criterion): the PAR index tables among the inputs",
        key=("year", *_UNIT, "par_set", "kind", "criterion"),
        schema="motcua.clean.par:PAR_SCHEMA",
        optional=True,
        hashed="unit",
        unhashed=("sha256",),  # the file's checksum, shown nowhere: one corrected score rebuilds one unit
    ),
    Product(
        "groups766",
        "groups766.parquet",
        "clean",
        "parquet",
        "one row per (unit, period, group): the 766 group counts of dossier exports",
        optional=True,
        hashed="unit",
    ),
    Product(
        "score766",
        "score766.parquet",
        "clean",
        "parquet",
        "one row per (unit, period, group): the 766 score tables among the inputs",
        optional=True,
        hashed="unit",
    ),
    Product(
        "targets",
        "target_probabilities.parquet",
        "model",
        "parquet",
        "one row per (unit, rate): the probability of meeting each target",
        optional=True,
        render=False,
    ),
)

BY_NAME: dict[str, Product] = {p.name: p for p in PRODUCTS}
BY_FILE: dict[str, Product] = {p.file: p for p in PRODUCTS}

PANEL = BY_NAME["panel"]
TRENDS = BY_NAME["trends"]
SUMMARY = BY_NAME["summary"]
COMPARISON = BY_NAME["comparison"]
QUALITY = BY_NAME["quality"]
META = BY_NAME["meta"]
PUBLISHED = BY_NAME["published"]
CONTINUITY = BY_NAME["continuity"]
PAR = BY_NAME["par"]
GROUPS766 = BY_NAME["groups766"]
SCORE766 = BY_NAME["score766"]
TARGETS = BY_NAME["targets"]


def hashed() -> tuple[Product, ...]:
    """The products the render stage hashes as tables (whole and per unit), in order."""
    return tuple(p for p in PRODUCTS if p.hashed)


def hashed_per_unit() -> tuple[Product, ...]:
    """The products hashed per unit, in the order their slices enter a unit report's hash."""
    return tuple(p for p in PRODUCTS if p.hashed == "unit")


def render_inputs() -> tuple[Product, ...]:
    """The products the render stage reads (its rebuild key hashes each file)."""
    return tuple(p for p in PRODUCTS if p.render)


def of_stage(stage: str) -> tuple[Product, ...]:
    return tuple(p for p in PRODUCTS if p.stage == stage)
