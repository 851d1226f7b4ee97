"""Everything a report reads, loaded once per process and data folder: :class:`ReportData`.

A district report touches one unit, but reading six files per report would
dominate its time; :func:`load_data` caches the parsed tables keyed on the
folder and the files' size and modification time, so a warm kernel rendering
many units reads the data once and a changed file is read again.

Optional inputs (model tables, quality.csv, clean_meta.json) may be missing:
the frames are then empty and the report says "không có dữ liệu".
"""
from __future__ import annotations

import json
from dataclasses import dataclass, field
from functools import lru_cache
from pathlib import Path
from typing import Any

import pandas as pd

from motcua.config import Config, load_config

FILES = ("panel.parquet", "quality.csv", "clean_meta.json", "trends.parquet", "trend_summary.parquet", "comparison.parquet")


@dataclass
class ReportData:
    """The DATA folder, parsed. Grain of each frame as in DESIGN.md; ``by_unit`` splits the panel per unit."""

    data_dir: Path
    panel: pd.DataFrame
    quality: pd.DataFrame
    meta: dict[str, Any]
    trends: pd.DataFrame
    summary: pd.DataFrame
    comparison: pd.DataFrame
    config: Config
    _unit_cache: dict[str, pd.DataFrame] = field(default_factory=dict, repr=False)

    @property
    def synthetic(self) -> bool:
        return bool(self.meta.get("synthetic", False))

    @property
    def unit_schema(self) -> str | None:
        s = self.config.province.get("unit_schema")
        return str(s) if s else None

    @property
    def unit_level(self) -> str:
        return str(self.config.province.get("unit_level", "district"))

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
        """Panel rows of one unit (grain: one row per period), sorted by period. Empty if unknown."""
        code = str(unit_code)
        if code not in self._unit_cache:
            p = self.panel[self.panel["unit_code"].astype(str) == code]
            if self.unit_schema and "unit_schema" in p and (p["unit_schema"] == self.unit_schema).any():
                p = p[p["unit_schema"] == self.unit_schema]
            self._unit_cache[code] = p.sort_values(["period_start", "period_end"], kind="stable").reset_index(drop=True)
        return self._unit_cache[code]

    def unit_summary(self, unit_code: str) -> pd.DataFrame:
        """trend_summary rows of one unit (one per rate), indexed by rate."""
        s = self.summary
        if s.empty or "unit_code" not in s:
            return pd.DataFrame()
        s = s[s["unit_code"].astype(str) == str(unit_code)]
        if self.unit_schema and "unit_schema" in s and (s["unit_schema"] == self.unit_schema).any():
            s = s[s["unit_schema"] == self.unit_schema]
        return s.drop_duplicates("rate", keep="last").set_index("rate")

    def unit_trends(self, unit_code: str, rate: str) -> pd.DataFrame:
        """trends rows (fit and forecast) of one unit and rate, sorted by period."""
        t = self.trends
        if t.empty or "unit_code" not in t:
            return pd.DataFrame()
        t = t[(t["unit_code"].astype(str) == str(unit_code)) & (t["rate"] == rate)]
        if self.unit_schema and "unit_schema" in t and (t["unit_schema"] == self.unit_schema).any():
            t = t[t["unit_schema"] == self.unit_schema]
        return t.sort_values(["period_start", "kind"], kind="stable")

    def peer_comparison(self, rate: str) -> pd.DataFrame:
        """comparison rows of the report units' peer group for ``rate`` (one row per unit)."""
        c = self.comparison
        if c.empty or "rate" not in c:
            return pd.DataFrame()
        c = c[c["rate"] == rate]
        if "unit_level" in c:
            c = c[c["unit_level"] == self.unit_level]
        if self.unit_schema and "unit_schema" in c:
            c = c[c["unit_schema"] == self.unit_schema]
        return c

    def unit_quality(self, unit_code: str) -> pd.DataFrame | None:
        """quality.csv rows about one unit (``unit_code`` column), or None when the file has no such column."""
        q = self.quality
        if q.empty and not len(q.columns):
            return None
        if "unit_code" not in q:
            return None
        return q[q["unit_code"].astype(str) == str(unit_code)]


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


def _read_parquet(p: Path) -> pd.DataFrame:
    return pd.read_parquet(p) if p.exists() else pd.DataFrame()


@lru_cache(maxsize=4)
def _load(d: Path, sig: tuple[tuple[str, int, int], ...]) -> ReportData:
    panel = pd.read_parquet(d / "panel.parquet")
    for c in ("unit_code", "province_code"):
        if c in panel:
            panel[c] = panel[c].astype(str)
    q = d / "quality.csv"
    quality = pd.read_csv(q, dtype=str, keep_default_na=False) if q.exists() else pd.DataFrame()
    m = d / "clean_meta.json"
    meta = json.loads(m.read_text(encoding="utf-8")) if m.exists() else {}
    return ReportData(
        data_dir=d,
        panel=panel,
        quality=quality,
        meta=meta if isinstance(meta, dict) else {},
        trends=_read_parquet(d / "trends.parquet"),
        summary=_read_parquet(d / "trend_summary.parquet"),
        comparison=_read_parquet(d / "comparison.parquet"),
        config=load_config(),
    )


def load_data(data_dir: str | Path) -> ReportData:
    """The parsed DATA folder, cached while its files are unchanged."""
    d = Path(data_dir).resolve()
    if not (d / "panel.parquet").exists():
        raise FileNotFoundError(f"{d / 'panel.parquet'} not found: run the clean stage first")
    return _load(d, _signature(d))
