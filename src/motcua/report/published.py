"""The province overview's "Số liệu đã công bố" section: published figures beside the panel's own.

Published figures are facts read from prose documents by ``motcua extract``
(DATA/published.csv, :mod:`motcua.prose.published`). They are shown as what
they are, figures a document states, never merged into the panel. Where a fact
is about one of the report units (same unit_code, same level as the reports)
and its metric has a panel formula, the panel's figure for exactly the same
period is shown beside it with the difference (published − panel). Facts about
other levels (a commune, "các phường xã" together), unmatched units or other
provinces are listed apart, without a comparison.

Grain of both tables: one row per published fact.

The pieces: :mod:`motcua.report.published_panel` (the panel's figure for a fact),
:mod:`motcua.report.published_tables` (the two tables); this module sorts the facts between them.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from typing import Any

import pandas as pd

from motcua.report.html import Section, render
from motcua.report.published_panel import PANEL_FORMULAS, RATE_METRICS, PanelFigure, panel_figure
from motcua.report.published_tables import NOTE_FLAGS, compared_table, other_table
from motcua.report.strings import Strings

__all__ = [
    "NOTE_FLAGS",
    "PANEL_FORMULAS",
    "RATE_METRICS",
    "REFORM",
    "PanelFigure",
    "PublishedScope",
    "implied_schema",
    "panel_figure",
    "published_section",
]

#: The 2025 reform: district units end, commune codes are re-used (docs/domain.md, "Units, codes and the 2025 reform").
REFORM = "2025-07-01"


@dataclass(frozen=True)
class PublishedScope:
    """Another set of report units a fact may be about, compared in a table of its own: on a page of 2025
    communes, the legacy districts of its predecessor provinces (Tuy Hòa's 2023 totals belong beside its history,
    not among "other provinces"). Fields as :func:`published_section`'s arguments; ``caption`` the table's."""

    unit_rows: Mapping[str, pd.DataFrame]
    names: dict[str, str]
    level: str
    province: str | None
    schema: str | None
    caption: str


def implied_schema(row: dict[str, Any]) -> str:
    """The unit list a fact's code can only belong to: "legacy" for a district or a period before the reform.

    The extractor matches names in the list of the article's date, so a later article about an earlier period
    may carry a 2025 code: such a fact is then not compared (listed apart), never matched to the wrong unit.
    """
    end = str(row.get("period_end") or "")
    if row.get("unit_level") == "district" or (end and end < REFORM):
        return "legacy"
    return "2025"


def published_section(
    published: pd.DataFrame | None,
    unit_rows: Mapping[str, pd.DataFrame],
    names: dict[str, str],
    level: str,
    province: str | None,
    synthetic: bool,
    S: Strings,
    schema: str | None = None,
    history: Sequence[PublishedScope] = (),
) -> Section:
    """The section; empty HTML when there is no published-figures table (no document among the inputs).

    ``unit_rows``: each report unit's panel rows (one row per period); ``names``: their names by code;
    ``level``, ``schema``: the reports' unit level and unit list; ``province``: the province code of the
    reports (zero-padded), if known. A fact is compared when its code is a report unit's, at the same level,
    of the same unit list (:func:`implied_schema`) and province; else with the units of the first of ``history``
    it is about, in that scope's table; every other fact is listed apart (a province of ``history`` is not called
    another province).
    """
    if published is None:
        return Section("published", "")
    from motcua.prose.core import METRICS

    order = {m: i for i, m in enumerate(METRICS)}
    t = published.reset_index(drop=True)
    t = t.assign(_pos=range(len(t)))
    paragraphs = [{"text": S["pub_intro"], "cls": ""}]
    if synthetic:
        paragraphs.append({"text": S["pub_synthetic"], "cls": "note"})
    if t.empty:
        paragraphs.append({"text": S["pub_none"], "cls": ""})
        return _block(paragraphs, [], S)

    def own(r: dict[str, Any]) -> bool:
        return _about_report_unit(r, names, level, province, schema)

    recs = t.to_dict("records")
    mine = sorted(
        (r for r in recs if own(r)),
        key=lambda r: (
            str(r["unit_code"]),
            str(r.get("period_start") or ""),
            str(r.get("period_end") or ""),
            order.get(r["metric"], 99),
            r["_pos"],
        ),
    )
    rest = [r for r in recs if not own(r)]
    by_scope: list[list[dict[str, Any]]] = [[] for _ in history]
    other = []
    for r in rest:
        i = next(
            (i for i, h in enumerate(history) if _about_report_unit(r, h.names, h.level, h.province, h.schema)), None
        )
        (other if i is None else by_scope[i]).append(r)
    tables = []
    if mine:
        tables.append(compared_table(mine, unit_rows, names, S))
    for h, facts in zip(history, by_scope):
        if facts:
            facts.sort(
                key=lambda r: (
                    str(r["unit_code"]),
                    str(r.get("period_start") or ""),
                    order.get(r["metric"], 99),
                    r["_pos"],
                )
            )
            tables.append(compared_table(facts, h.unit_rows, h.names, S, caption=h.caption))
    if other:
        own_provinces = [p for p in (province, *(h.province for h in history)) if p]
        tables.append(other_table(other, own_provinces or None, S))
    return _block(paragraphs, tables, S)


def _about_report_unit(
    r: dict[str, Any], names: dict[str, str], level: str, province: str | None, schema: str | None
) -> bool:
    """The fact is about a report unit: its code, the reports' level, province and unit list."""
    code = r.get("unit_code")
    pc = r.get("province_code")
    return (
        bool(code)
        and str(code) in names
        and r.get("unit_level") == level
        and (not province or not pc or str(pc).zfill(2) == province)
        and (not schema or implied_schema(r) == schema)
    )


def _block(paragraphs: list[dict[str, str]], tables: list[Any], S: Strings) -> Section:
    """The section's HTML block."""
    return Section(
        "published",
        render(
            "sections/block.html.j2",
            cls="published",
            id="ov-pub",
            title=S["pub_title"],
            paragraphs=paragraphs,
            tables=tables,
            download=None,
        ),
    )
