"""The hash of exactly what a report shows and was built from (a correction to one unit re-renders its report only).

What a unit report shows is declared beside the report code (:data:`motcua.report.district_shows.DISTRICT`): its
own slices of the panel, trends, summary, quality findings, continuity series across the 1 July 2025 reform (a
dissolved district's successor communes, a 2025 commune's predecessors), PAR index and 766 tables, plus the
province-wide comparison (funnel limits, shrunken rates and ranks of every unit). A correction to one unit's
older months changes that unit's slice only, so no other unit is rebuilt unless the comparison moves.
"""

from __future__ import annotations

import hashlib
import json
from typing import Any

import pandas as pd

from motcua import products
from motcua.cache.keys import KeyScheme
from motcua.pipeline.input_hashes import TABLES, TableHashes, table_hashes
from motcua.report.district_shows import DISTRICT

#: Columns of trend_summary that every unit's report shows for all units.
COMPARISON_SUMMARY_COLUMNS = DISTRICT.summary_columns


def frame_hash(df: pd.DataFrame | None) -> str:
    """Order-stable content hash of a data frame (values, index-free, column names included)."""
    return table_hashes(df).whole if df is not None and len(df.columns) else "empty"


def _slice(df: pd.DataFrame, unit_code: str, col: str = "unit_code") -> pd.DataFrame:
    if df is None or df.empty or col not in df.columns:
        return pd.DataFrame()
    return df[df[col].astype(str) == str(unit_code)]


def comparison_hash(inputs: dict[str, Any], comparison: str | None = None) -> str:
    """The province-wide comparison every unit report shows: summary's comparison columns, the comparison table
    (``comparison``: its hash, when already known)."""
    summ = inputs["summary"]
    cols = [c for c in COMPARISON_SUMMARY_COLUMNS if c in summ.columns]
    return frame_hash(summ[cols]) + (comparison if comparison is not None else frame_hash(inputs["comparison"]))


def _shown_params(params: dict[str, Any]) -> str:
    """Parameters that change what a report shows (not where its data folder happens to be)."""
    return json.dumps({k: v for k, v in params.items() if k != "data_dir"}, sort_keys=True)


def _meta_shown(inputs: dict[str, Any], keys: tuple[str, ...] = DISTRICT.meta) -> str:
    meta = inputs.get("meta", {})
    return json.dumps({k: meta.get(k) for k in keys}, sort_keys=True, default=str)


def _unit_params_shown(params: dict[str, Any]) -> str:
    """The unit report's parameters that change what it shows (:attr:`ReportShows.parameters`)."""
    return json.dumps({k: params[k] for k in DISTRICT.parameters if k in params}, sort_keys=True)


def slice_hashes(df: pd.DataFrame | None, col: str = "unit_code") -> dict[str, str]:
    """``frame_hash`` of every unit's slice of ``df``, in one pass over the table (keyed by ``unit_code``, else
    ``unit``: :func:`motcua.pipeline.input_hashes.key_column`)."""
    return table_hashes(df).slices


class UnitHasher:
    """Hashes every unit report's inputs from one pass over each table (see :func:`unit_input_hash`).

    ``whole`` keeps each table's own hash from the same pass, for :func:`overview_input_hash`.
    """

    def __init__(
        self,
        inputs: dict[str, Any],
        notebook_hash: str,
        code_hash: str,
        config_hash: str = "",
        tables: dict[str, TableHashes] | None = None,
    ) -> None:
        """``tables``: the tables' hashes already known (:func:`motcua.pipeline.input_hashes.file_hashes`); the
        frames of ``inputs`` are then not hashed (only its summary's comparison columns and its meta are read)."""
        undeclared = [n for n in (*DISTRICT.slices, *DISTRICT.whole) if n not in TABLES]
        if undeclared:
            raise ValueError(f"a unit report shows table(s) the planning does not hash: {', '.join(undeclared)}")
        if tables is None:  # a table None in ``inputs`` (no quality.csv) is left out: its part is then ""
            tables = {
                name: table_hashes(inputs.get(name), products.BY_NAME[name].unhashed)
                for name in (*DISTRICT.slices, *DISTRICT.whole)
                if name not in DISTRICT.by_code or inputs.get(name) is not None
            }
        self.whole: dict[str, str] = {name: t.whole for name, t in tables.items()}
        #: each shown table's slices (:attr:`ReportShows.slices`), None for a table by code that is absent
        self.slices: dict[str, dict[str, str] | None] = {
            name: tables[name].slices if name in tables else (None if name in DISTRICT.by_code else {})
            for name in DISTRICT.slices
        }
        self.shared = [comparison_hash(inputs, tables["comparison"].whole), _meta_shown(inputs)]
        self.tail = [notebook_hash, code_hash, config_hash]

    def components(self, unit_key: str, params: dict[str, Any]) -> dict[str, str]:
        """What the hash is made of, by name (:data:`UNIT_PARTS`, in the order hashed). ``unit_key``: the unit's
        ``"<schema>:<code>"`` (:func:`motcua.report.eras.unit_key`; a plain code for tables without schemas):
        its own slices of panel, trends and summary; quality.csv names units by code or name, whatever the era; its
        slice of continuity.parquet (a dissolved district's continuation, a 2025 commune's predecessors)."""
        from motcua.report.eras import split_key

        key = str(unit_key)
        code = split_key(key)[1]
        values = [
            ("" if s is None else s.get(code, "empty")) if name in DISTRICT.by_code else (s or {}).get(key, "empty")
            for name, s in self.slices.items()
        ]
        values += [*self.shared, _unit_params_shown(params), *self.tail]
        return dict(zip(UNIT_PARTS, values, strict=True))

    def __call__(self, unit_code: str, params: dict[str, Any]) -> str:
        return hash_components(self.components(unit_code, params))


#: The parts of a unit report's input hash, in order: its own slices of the tables (continuity's, the PAR index's and
#: the 766 tables' included), what every report shows (the province comparison, the data's as-of date and synthetic
#: flag), its parameters, the notebook, the code, config/.
UNIT_PARTS = (*DISTRICT.slices, *DISTRICT.whole, "as_of", "parameters", "notebook", "code", "config")


#: The key scheme of a report's input hash (:mod:`motcua.cache.keys`); the code version is one of the parts.
REPORT_KEYS = KeyScheme("motcua-report-input-1")


def hash_components(components: dict[str, str]) -> str:
    """The input hash of a unit report from its :meth:`UnitHasher.components`."""
    return REPORT_KEYS.key(*components.values(), code="")


def fingerprint(components: dict[str, str]) -> dict[str, str]:
    """Each component shortened to 12 hex digits: enough to tell which one changed (kept in the manifest)."""
    return {k: hashlib.sha256(v.encode()).hexdigest()[:12] for k, v in components.items()}


def changed_parts(before: dict[str, str] | None, after: dict[str, str]) -> list[str]:
    """The parts whose :func:`fingerprint` differs; ["not recorded"] when the entry has none (an older manifest)."""
    if not before:
        return ["not recorded"]
    return [k for k, v in after.items() if before.get(k) != v]


def unit_input_hash(
    inputs: dict[str, Any],
    unit_code: str,
    params: dict[str, Any],
    notebook_hash: str,
    code_hash: str,
    config_hash: str = "",
) -> str:
    """The hash of exactly what one unit's report shows and was built from.

    Its slices of panel, trends, summary, quality and continuity; the province comparison
    every report displays; the data's as-of date and synthetic flag; the
    parameters that change what it shows; the notebook; the code; config/.
    """
    return UnitHasher(inputs, notebook_hash, code_hash, config_hash)(unit_code, params)


def _published_hash(inputs: dict[str, Any]) -> str:
    """The published figures the overview shows beside the panel, and the documents they come from (the
    overview's footer lists them, a document without figures included); "" without documents."""
    published = inputs.get("published")
    docs = [
        [s.get("file"), s.get("sha256")]
        for s in inputs.get("meta", {}).get("sources", []) or []
        if isinstance(s, dict) and s.get("kind") == "document"
    ]
    if published is None and not docs:
        return ""
    out = "published:" + json.dumps(docs, ensure_ascii=False)
    if published is not None:
        t = published.copy()
        if "flags" in t:  # lists: hash their text
            t["flags"] = [" | ".join(f) if isinstance(f, (list, tuple)) else str(f) for f in t["flags"]]
        out += frame_hash(t)
    return out


def _par_whole(known: dict[str, str], inputs: dict[str, Any]) -> str:
    """par_index.parquet's hash for the overview: "" without the file or rows."""
    h = known["par"] if "par" in known else frame_hash(inputs.get("par"))
    return "" if h == "empty" else h


def _continuity_whole(known: dict[str, str], inputs: dict[str, Any]) -> str:
    """continuity.parquet's hash for the overview: "" without the file or rows, whether hashed from the file
    (``known``) or from a frame of ``inputs``."""
    h = known["continuity"] if "continuity" in known else frame_hash(inputs.get("continuity"))
    return "" if h == "empty" else h


def overview_input_hash(
    inputs: dict[str, Any],
    params: dict[str, Any],
    notebook_hash: str,
    code_hash: str,
    config_hash: str = "",
    hashed: dict[str, str] | None = None,
) -> str:
    """The hash of what the overview shows: every table whole (continuity.parquet's when known or given), the
    published figures, the parameters.

    ``hashed``: table hashes already computed (``UnitHasher.whole``), not computed again.
    """
    known = hashed or {}

    def table(name: str) -> str:
        return known[name] if name in known else frame_hash(inputs[name])

    parts = [
        table("panel"),
        table("trends"),
        table("summary"),
        table("comparison"),
        table("quality") if "quality" in known or inputs.get("quality") is not None else "",
        _continuity_whole(known, inputs),
        _par_whole(known, inputs),
        _published_hash(inputs),
        _meta_shown(inputs),
        _shown_params(params),
        notebook_hash,
        code_hash,
        config_hash,
    ]
    return REPORT_KEYS.key(*parts, code="")


def province_input_hash(
    tables: dict[str, TableHashes],
    keys: set[tuple[str, str]],
    province_code: str,
    inputs: dict[str, Any],
    params: dict[str, Any],
    notebook_hash: str,
    code_hash: str,
    config_hash: str = "",
) -> str:
    """The hash of what one province's overview shows in a national analysis: the slices of panel, trends,
    summary and comparison of its units ``keys`` ((schema, code) pairs), continuity's slices of its units and of
    the province itself, its units' quality findings (and every finding naming no unit code of the data, which any
    page may match by name), the published figures, the parameters. A correction to a unit of another province
    leaves it unchanged."""
    from motcua.report.eras import split_key, unit_key

    unit_keys = sorted({unit_key(s or None, c) for s, c in keys})
    codes = {c for _, c in keys}
    parts: list[str] = []
    for name in ("panel", "trends", "summary", "comparison"):
        t = tables.get(name)
        parts.append(json.dumps([t.slices.get(k, "empty") for k in unit_keys]) if t is not None else "")
    cont = tables.get("continuity")
    if cont is not None:
        mine = {
            k: v
            for k, v in cont.slices.items()
            if k in unit_keys or split_key(k)[1] in (province_code, province_code.lstrip("0"))
        }
        parts.append(json.dumps(sorted(mine.items())))
    q = tables.get("quality")
    if q is not None:
        panel_codes = {split_key(k)[1] for k in tables["panel"].slices} if "panel" in tables else set()
        parts.append(json.dumps(sorted((k, v) for k, v in q.slices.items() if k in codes or k not in panel_codes)))
    par = tables.get("par")
    if par is not None and par.slices:
        parts.append(json.dumps([par.slices.get(k, "empty") for k in unit_keys]))
    parts += [
        _published_hash(inputs),
        _meta_shown(inputs),
        _shown_params(params),
        notebook_hash,
        code_hash,
        config_hash,
    ]
    return REPORT_KEYS.key(*parts, code="")
