"""What each cached fragment of the province overview is made from: :class:`OverviewKeys`.

A units-table row shows one unit's panel rows (its figures, its sparkline, its
name) and its trend_summary row of the on-time rate (its rank); a ranking row
shows one comparison row and the unit's trend_summary row of that rate; the
quality section shows quality.csv, the panel's unit names and codes (to match
findings to units) and the units' names. The keys hold digests of exactly
those (:mod:`motcua.row_digest`), the language and, through
:func:`~motcua.report.fragment_cache.fragment_key`, the code version.
"""

from __future__ import annotations

import hashlib
import json
from dataclasses import dataclass
from pathlib import Path

import numpy as np
import pandas as pd

from motcua import products
from motcua.report.fragment_cache import fragment_key
from motcua.row_digest import row_digests


@dataclass(frozen=True)
class OverviewKeys:
    """Digests of each unit's panel rows (``peers``) and of its trend_summary rows per rate (``summary``)."""

    lang: str
    peers: dict[str, str]
    summary: dict[str, str]  # "<code>|<rate>" → digest

    def _summary(self, code: str, rate: str) -> str:
        return self.summary.get(f"{code}|{rate}", "none")

    def unit_row(self, code: str) -> str:
        """Key of the units table's row of ``code``."""
        return fragment_key(
            "overview.units.row", self.lang, self.peers.get(code, "none"), self._summary(code, "ontime_rate_report")
        )

    def ranking_rows(self, comp: pd.DataFrame, rate: str) -> list[str]:
        """Keys of the ranking table's rows of ``rate``, one per row of ``comp`` (in its order)."""
        if comp.empty:
            return []
        each = row_digests(comp).each()
        return [
            fragment_key("overview.ranking.row", self.lang, rate, d, self._summary(str(code), rate))
            for d, code in zip(each, comp["unit_code"].astype(str))
        ]


def overview_keys(peers: pd.DataFrame, summary: pd.DataFrame, lang: str) -> OverviewKeys:
    """The :class:`OverviewKeys` of the report units' panel rows and their (schema-filtered) trend_summary."""
    by_unit = (
        row_digests(peers).by(peers["unit_code"].astype(str).to_numpy()) if len(peers) and "unit_code" in peers else {}
    )
    by_rate: dict[str, str] = {}
    if len(summary) and {"unit_code", "rate"} <= set(summary.columns):
        keys = summary["unit_code"].astype(str).to_numpy(object) + "|" + summary["rate"].astype(str).to_numpy(object)
        by_rate = row_digests(summary).by(keys)
    return OverviewKeys(lang, by_unit, by_rate)


def quality_key(
    data_dir: Path, panel: pd.DataFrame, unit_schema: str | None, names: dict[str, str], lang: str
) -> str | None:
    """Key of the quality section: quality.csv's bytes, the panel's (schema, code, name) triples, the units'
    names; None without quality.csv (nothing worth caching)."""
    q = products.QUALITY.path(data_dir)
    try:
        quality = hashlib.sha256(q.read_bytes()).hexdigest()
    except OSError:
        return None
    cols = [c for c in ("unit_schema", "unit_code", "unit_name") if c in panel]
    # the set of distinct triples (findings are matched against it): one 64-bit hash per triple, sorted
    rows = (
        pd.util.hash_pandas_object(panel[cols], index=False).to_numpy()
        if cols and len(panel)
        else np.zeros(0, np.uint64)
    )
    triples = hashlib.sha256(np.unique(rows).tobytes()).hexdigest()
    return fragment_key(
        "overview.quality",
        lang,
        quality,
        ",".join(cols),
        triples,
        str(unit_schema),
        json.dumps(names, sort_keys=True, ensure_ascii=False),
    )
