"""Everything a report reads, loaded once per process and data folder: :class:`ReportData`.

A district report touches one unit, but reading six files per report would
dominate its time; :func:`load_data` caches the parsed tables keyed on the
folder and the files' size and modification time, so a warm kernel rendering
many units reads the data once and a changed file is read again.

Optional inputs (model tables, quality.csv, clean_meta.json, published.csv) may be missing:
the frames are then empty and the report says "không có dữ liệu".
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from functools import lru_cache
from pathlib import Path
from typing import Any

import pandas as pd

from motcua import products
from motcua.config import Config, load_config

#: The products a ReportData reads (motcua.products); their sizes and times key the cache.
FILES = tuple(
    p.file
    for p in (
        products.PANEL,
        products.QUALITY,
        products.META,
        products.TRENDS,
        products.SUMMARY,
        products.COMPARISON,
        products.PUBLISHED,
        products.CONTINUITY,
    )
)


@dataclass
class ReportData:
    """The DATA folder, parsed. Grain of each frame: docs/architecture.md; ``by_unit`` splits the panel per unit."""

    data_dir: Path
    panel: pd.DataFrame
    meta: dict[str, Any]
    summary: pd.DataFrame
    comparison: pd.DataFrame
    config: Config
    #: Figures stated in prose documents (published.csv, :mod:`motcua.prose.published`); None without the file.
    published: pd.DataFrame | None = None
    _unit_cache: dict[str, pd.DataFrame] = field(default_factory=dict, repr=False)
    _quality_units: pd.Series | None = field(default=None, repr=False)
    #: quality.csv and trends.parquet, read when first asked for (the overview may need neither: the
    #: build's one-unit rebuild then reads neither; tests may pass them in).
    _quality: pd.DataFrame | None = field(default=None, repr=False)
    _trends: pd.DataFrame | None = field(default=None, repr=False)
    #: continuity.parquet (series across the 1 July 2025 reform), read when first asked for.
    _continuity: pd.DataFrame | None = field(default=None, repr=False)
    #: The (schema, level) this view is about (:meth:`scoped`); None: config/province.yaml's.
    scope_schema: str | None = None
    scope_level: str | None = None
    #: Shared by every view of the same load (:meth:`scoped` keeps the same dict): files read when first asked for
    #: and per-unit row indexes of the frames (:func:`_rows_by_code`), so a warm kernel reads and splits them once.
    _shared: dict[Any, Any] = field(default_factory=dict, repr=False)

    def _lazy(self, name: str, product: Any) -> pd.DataFrame:
        """The optional product ``name``, read once per load and shared by its views."""
        if name not in self._shared:
            self._shared[name] = product.read(self.data_dir)
        return self._shared[name]

    @property
    def quality(self) -> pd.DataFrame:
        """quality.csv as text (empty frame without the file)."""
        if self._quality is None:
            self._quality = self._lazy("quality", products.QUALITY)
        return self._quality

    @property
    def trends(self) -> pd.DataFrame:
        """trends.parquet (empty frame without the file)."""
        if self._trends is None:
            self._trends = self._lazy("trends", products.TRENDS)
        return self._trends

    @property
    def continuity(self) -> pd.DataFrame:
        """continuity.parquet (:mod:`motcua.model.continuity`; empty frame without the file)."""
        if self._continuity is None:
            self._continuity = self._lazy("continuity", products.CONTINUITY)
        return self._continuity

    def _rows(self, frame: pd.DataFrame, code: str) -> pd.DataFrame:
        """The rows of ``frame`` whose ``unit_code`` (as text) is ``code``, in the frame's order: the same rows as a
        boolean mask, found in a per-code index built once per frame and kept with the load."""
        key = ("rows", id(frame))
        hit = self._shared.get(key)
        if hit is None or hit[0] is not frame:
            hit = (frame, frame["unit_code"].astype(str).groupby(frame["unit_code"].astype(str), sort=False).indices)
            self._shared[key] = hit
        pos = hit[1].get(code)
        return frame.iloc[pos if pos is not None else []]

    @property
    def synthetic(self) -> bool:
        return bool(self.meta.get("synthetic", False))

    @property
    def unit_schema(self) -> str | None:
        if self.scope_schema is not None:
            return self.scope_schema or None
        s = self.config.province.get("unit_schema")
        return str(s) if s else None

    @property
    def unit_level(self) -> str:
        if self.scope_level is not None:
            return self.scope_level
        return str(self.config.province.get("unit_level", "district"))

    def scoped(self, schema: str | None, level: str | None = None) -> ReportData:
        """The same data seen for units of ``schema`` (and ``level``): peers, comparison and a unit's rows, summary
        and trends are then those of that era and level, whatever config/province.yaml says. The frames are shared;
        ``""`` as schema means "no schema" (a panel without ``unit_schema``)."""
        import dataclasses

        return dataclasses.replace(
            self,
            scope_schema="" if schema is None else str(schema),
            scope_level=level if level is not None else self.unit_level,
            _unit_cache={},
            _quality_units=None,
        )

    def as_of(self) -> pd.Timestamp | None:
        """Data as of: clean_meta.json's ``as_of``, else the panel's last period_end."""
        v = self.meta.get("as_of")
        if v:
            try:
                return pd.Timestamp(v)
            except (TypeError, ValueError):
                pass
        if len(self.panel):
            return pd.Timestamp(self.panel["period_end"].max())
        return None

    def peers(self) -> pd.DataFrame:
        """Panel rows of the units reports are made for (config's schema and level), sorted by unit and period."""
        p = self.panel
        if "unit_level" in p:
            p = p[p["unit_level"] == self.unit_level]
        if self.unit_schema and "unit_schema" in p:
            p = p[p["unit_schema"] == self.unit_schema]
        return p.sort_values(["unit_code", "period_start", "period_end"], kind="stable")

    def unit(self, unit_code: str) -> pd.DataFrame:
        """Panel rows of one unit (grain: one row per period), sorted by period. Empty if unknown. Rows of the
        view's schema only (:meth:`scoped`: strictly; otherwise when the code has rows of config's schema)."""
        code = str(unit_code)
        if code not in self._unit_cache:
            p = self._rows(self.panel, code)
            if (
                self.unit_schema
                and "unit_schema" in p
                and (self.scope_schema or (p["unit_schema"] == self.unit_schema).any())
            ):
                p = p[p["unit_schema"] == self.unit_schema]
            self._unit_cache[code] = p.sort_values(["period_start", "period_end"], kind="stable").reset_index(drop=True)
        return self._unit_cache[code]

    def unit_summary(self, unit_code: str) -> pd.DataFrame:
        """trend_summary rows of one unit (one per rate), indexed by rate."""
        s = self.summary
        if s.empty or "unit_code" not in s:
            return pd.DataFrame()
        s = self._rows(s, str(unit_code))
        if (
            self.unit_schema
            and "unit_schema" in s
            and (self.scope_schema or (s["unit_schema"] == self.unit_schema).any())
        ):
            s = s[s["unit_schema"] == self.unit_schema]
        return s.drop_duplicates("rate", keep="last").set_index("rate")

    def unit_trends(self, unit_code: str, rate: str) -> pd.DataFrame:
        """trends rows (fit and forecast) of one unit and rate, sorted by period."""
        t = self._unit_trend_rows(str(unit_code))
        if t is None:
            return pd.DataFrame()
        t = t[t["rate"] == rate]
        if (
            self.unit_schema
            and "unit_schema" in t
            and (self.scope_schema or (t["unit_schema"] == self.unit_schema).any())
        ):
            t = t[t["unit_schema"] == self.unit_schema]
        return t.sort_values(["period_start", "kind"], kind="stable")

    def _unit_trend_rows(self, code: str) -> pd.DataFrame | None:
        """trends.parquet's rows of unit code ``code``, in the file's order (None when the table has none or no
        ``unit_code``). The first unit of a load reads its own rows only (a kernel rendering one report after a
        correction reads ~0.03 % of a national table); a second unit reads the whole table, split by code once."""
        if self._trends is None and "trends" not in self._shared:
            one = self._shared.get("trends_of_one")
            if one is None or one[0] == code:
                if one is None:
                    one = self._shared["trends_of_one"] = (code, read_trend_rows(self.data_dir, [code]))
                return one[1]
        t = self.trends
        if t.empty or "unit_code" not in t:
            return None
        return self._rows(t, code)

    def peer_comparison(self, rate: str) -> pd.DataFrame:
        """comparison rows of the report units' peer group for ``rate`` (one row per unit)."""
        c = self.comparison
        if c.empty or "rate" not in c:
            return pd.DataFrame()
        key = ("peers", id(c), rate, self.unit_level, self.unit_schema)
        hit = self._shared.get(key)
        if hit is not None and hit[0] is c:
            return hit[1]
        out = c[c["rate"] == rate]
        if "unit_level" in out:
            out = out[out["unit_level"] == self.unit_level]
        if self.unit_schema and "unit_schema" in out:
            out = out[out["unit_schema"] == self.unit_schema]
        self._shared[key] = (c, out)
        return out

    def quality_unit_codes(self) -> pd.Series:
        """The unit code each quality.csv row is about ("" when it is about no unit), aligned with :attr:`quality`.

        A row the reader matched carries its ``unit_code`` (:data:`motcua.quality.QUALITY_COLUMNS`), which wins;
        otherwise the ``unit`` column holds the name as written (an unmatched or dropped row) or a code.
        See :func:`quality_unit_codes`.
        """
        if self._quality_units is None:
            self._quality_units = quality_unit_codes(self.quality, self.panel, self.unit_schema)
        return self._quality_units

    def unit_quality(self, unit_code: str) -> pd.DataFrame | None:
        """quality.csv rows about one unit (matched by code or by name), or None when there is no quality.csv
        or it names no unit column."""
        q = self.quality
        if not len(q.columns) or not ({"unit", "unit_code"} & set(q.columns)):
            return None
        return q[self.quality_unit_codes() == str(unit_code)]


def read_trend_rows(data_dir: Path, codes: list[str]) -> pd.DataFrame | None:
    """trends.parquet's rows whose ``unit_code`` is one of ``codes``, in the file's order (None without the file,
    rows or ``unit_code``): only those rows are made into a frame (a unit's report needs ~0.03 % of a national
    table's rows, a province's page ~5 %)."""
    p = products.TRENDS.path(data_dir)
    if not p.exists():
        return None
    import pyarrow as pa
    import pyarrow.parquet as pq

    meta = pq.read_metadata(p)
    schema = meta.schema.to_arrow_schema()
    if not meta.num_rows or "unit_code" not in schema.names:
        return None
    t = schema.field("unit_code").type
    if not codes or not (pa.types.is_string(t) or pa.types.is_large_string(t)):  # the whole table, then its rows
        whole = pd.read_parquet(p)
        return whole[whole["unit_code"].astype(str).isin(set(codes))]
    return pd.read_parquet(p, filters=[("unit_code", "in", sorted(set(codes)))])


def _code_key(v: str) -> str | None:
    """A code as digits without leading zeros ("0555", "555.0" → "555"), or None when ``v`` is not a code."""
    m = re.fullmatch(r"0*(\d+)(?:\.0+)?", v)
    return (m.group(1) or "0") if m else None


@lru_cache(maxsize=2**16)
def _name_keys(name: str, *, query: bool = False) -> tuple[str, ...]:
    """Keys a unit name is known by: normalised full name, the same without diacritics, the short name without
    its type word ("Thành phố Tuy Hòa" → "tuy hoa"), so "UBND TP. Tuy Hoà" and "huyen dong xuan" find their unit.
    A ``query`` that names a type ("Phường Tuy Hòa") gets no short key: it must not match "Thành phố Tuy Hòa".

    Kept per name: a warm kernel asks again for the same names after every correction (about 0.2 s for 700
    units' names and the quality findings' otherwise)."""
    from motcua.ingest.names import normalize_name, split_type
    from motcua.ingest.text import fold

    norm = normalize_name(name)
    keys = [norm.casefold(), "fold:" + fold(norm)]
    typ, rest = split_type(norm)
    if rest and not (query and typ):
        keys.append("short:" + fold(rest))
    return tuple(k for k in keys if k and not k.endswith(":"))


def quality_unit_values(quality: pd.DataFrame) -> pd.Series:
    """The unit each quality.csv row names, as written: ``unit_code`` when filled, else ``unit``, else ""."""
    val = pd.Series([""] * len(quality), index=quality.index, dtype=object)
    for col in ("unit", "unit_code"):  # unit_code, when filled, wins
        if col in quality:
            v = quality[col].fillna("").astype(str).str.strip()
            val = v.where(v != "", val)
    return val


def _filled(quality: pd.DataFrame, col: str) -> pd.Series:
    """The non-empty values of a quality.csv column, as text (none when the column is absent)."""
    if col not in quality:
        return pd.Series([], dtype=object)
    v = quality[col].fillna("").astype(str).str.strip()
    return v[v != ""]


def quality_unit_codes(quality: pd.DataFrame, panel: pd.DataFrame, unit_schema: str | None = None) -> pd.Series:
    """For each quality.csv row, the panel unit code it is about, or "" when none.

    A row the clean stage's reader matched carries the unit's ``unit_code`` (and ``unit_schema``): that code is
    taken as it is. Only a row without one (a file from before the column, a name no reader matched) falls back to
    its ``unit`` value, matched as below.
    The value (``unit_code`` if present and filled, else ``unit``) is taken as a code when it is one
    of the panel's codes (leading zeros and a trailing ".0" ignored), otherwise as a unit name, matched
    without guessing: normalised name, then without diacritics, then the short name, each accepted only
    when exactly one panel unit has it (units of ``unit_schema`` first, as codes re-use across schemas).
    """
    empty = pd.Series([""] * len(quality), index=quality.index, dtype=object)
    if not len(quality):
        return empty
    val = quality_unit_values(quality)
    units = (
        panel[[c for c in ("unit_schema", "unit_code", "unit_name") if c in panel]].drop_duplicates()
        if len(panel)
        else pd.DataFrame()
    )
    if "unit_code" not in units:
        return empty
    if unit_schema and "unit_schema" in units and (units["unit_schema"] == unit_schema).any():
        units = units[units["unit_schema"] == unit_schema]
    codes = sorted({str(c) for c in units["unit_code"]})
    by_code: dict[str, set[str]] = {}
    for c in codes:
        by_code.setdefault(_code_key(c) or c, set()).add(c)
    by_name: dict[str, set[str]] = {}
    if "unit_name" in units:
        for c, n in zip(units["unit_code"].astype(str), units["unit_name"].fillna("").astype(str)):
            for k in _name_keys(n) if n.strip() else []:
                by_name.setdefault(k, set()).add(c)
    out: dict[str, str] = {}
    coded = set(_filled(quality, "unit_code"))
    for v in val.unique():
        if not v:
            out[v] = ""
            continue
        if v in codes:
            out[v] = v
            continue
        hit = by_code.get(_code_key(v) or "", set())
        if len(hit) == 1:
            out[v] = next(iter(hit))
            continue
        out[v] = ""
        if v in coded:  # the reader's match: a code the panel lacks is about no unit here, never a name to re-match
            continue
        for k in _name_keys(v, query=True):
            hit = by_name.get(k, set())
            if len(hit) == 1:
                out[v] = next(iter(hit))
                break
            if len(hit) > 1:  # ambiguous: never guess
                break
    return val.map(out).astype(object)


def _signature(d: Path) -> tuple[tuple[str, int, int], ...]:
    out = []
    for name in FILES:
        p = d / name
        try:
            st = p.stat()
            out.append((name, st.st_size, st.st_mtime_ns))
        except OSError:
            out.append((name, -1, -1))
    return tuple(out)


@lru_cache(maxsize=4)
def _load(d: Path, sig: tuple[tuple[str, int, int], ...]) -> ReportData:
    panel = products.PANEL.read(d)
    for c in ("unit_code", "province_code"):
        if c in panel:
            panel[c] = panel[c].astype(str)
    meta = products.META.read(d)
    return ReportData(
        data_dir=d,
        panel=panel,
        meta=meta if isinstance(meta, dict) else {},
        summary=products.SUMMARY.read(d),
        comparison=products.COMPARISON.read(d),
        config=load_config(),
        published=products.PUBLISHED.read(d),
    )


def load_data(data_dir: str | Path) -> ReportData:
    """The parsed DATA folder, cached while its files are unchanged."""
    d = Path(data_dir).resolve()
    if not products.PANEL.exists(d):
        raise FileNotFoundError(f"{products.PANEL.path(d)} not found: run the clean stage first")
    return _load(d, _signature(d))
