"""The province overview's "Số liệu đã công bố" section: published figures beside the panel's own.

Published figures are facts read from prose documents by ``motcua extract``
(DATA/published.csv, :mod:`motcua.extract.published`). They are shown as what
they are, figures a document states, never merged into the panel. Where a fact
is about one of the report units (same unit_code, same level as the reports)
and its metric has a panel formula, the panel's figure for exactly the same
period is shown beside it with the difference (published − panel). Facts about
other levels (a commune, "các phường xã" together), unmatched units or other
provinces are listed apart, without a comparison.

Grain of both tables: one row per published fact.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import pandas as pd

from motcua.report import fmt
from motcua.report.html import Section, render
from motcua.report.strings import Strings

#: metric → (formula in form columns, as the reader sees it). Stocks: (6) at the start, (11) at the end of the period.
PANEL_FORMULAS: dict[str, str] = {
    "received_total": "Σ((3) − (6)) + (6) đầu kỳ",
    "received_online": "Σ(4)",
    "received_offline": "Σ(5)",
    "carried_over": "(6) đầu kỳ",
    "resolved_total": "Σ(7)",
    "resolved_ontime": "Σ((8)+(9))",
    "resolved_late": "Σ(10)",
    "pending_total": "(11) cuối kỳ",
    "ontime_rate": "((8)+(9)) / (7)",
    "online_rate": "(4) / ((4)+(5))",
}
RATE_METRICS = {"ontime_rate", "online_rate"}
#: Flags worth a reader's attention (the extractor's checks that failed, derived values, components).
NOTE_FLAGS = (
    "rate_mismatch",
    "components_sum_mismatch",
    "conflict",
    "derived",
    "component",
    "approximate",
    "rate_unverified",
    "rank_out_of_range",
    "period_end_after_article",
)


@dataclass
class PanelFigure:
    """The panel's figure for one fact (value in the fact's unit: counts, or percent for rates), or why there is none."""

    value: float | None
    reason: str = ""  # "" | "not_in_panel" | "no_rows" | "partial" | "missing_values"


def _days(start: pd.Timestamp, end: pd.Timestamp) -> int:
    return int((end - start).days) + 1


def panel_figure(rows: pd.DataFrame, start: Any, end: Any, metric: str) -> PanelFigure:
    """The panel figure of ``metric`` over exactly [start, end] from one unit's rows (one row per period).

    The unit's periods inside [start, end] must tile it exactly (first starts at ``start``, last ends at
    ``end``, no gap, no overlap), else there is no figure ("partial"): never a figure for a part of the period.
    Flows add up; (6) is taken at the start and (11) at the end (stocks at a cut-off; docs/domain.md "Periods").
    """
    if metric not in PANEL_FORMULAS:
        return PanelFigure(None, "not_in_panel")
    if fmt.missing(start) or fmt.missing(end) or rows.empty:
        return PanelFigure(None, "no_rows")
    s, e = pd.Timestamp(start), pd.Timestamp(end)
    r = rows[(rows["period_start"] >= s) & (rows["period_end"] <= e)].sort_values(["period_start", "period_end"])
    if r.empty:
        return PanelFigure(None, "no_rows")
    ps, pe = pd.to_datetime(r["period_start"]), pd.to_datetime(r["period_end"])
    tiles = (
        ps.iloc[0] == s
        and pe.iloc[-1] == e
        and (ps.iloc[1:].values == (pe.iloc[:-1] + pd.Timedelta(days=1)).values).all()
    )
    if not tiles or sum(_days(a, b) for a, b in zip(ps, pe)) != _days(s, e):
        return PanelFigure(None, "partial")

    def col(name: str) -> pd.Series | None:
        if name not in r:
            return None
        v = r[name]
        return None if v.isna().any() else v.astype("float64")

    def total(*names: str) -> float | None:
        cols = [col(n) for n in names]
        return None if any(c is None for c in cols) else float(sum(c.sum() for c in cols))

    value: float | None
    if metric == "received_total":
        rt, co = col("received_total"), col("carried_over")
        value = None if rt is None or co is None else float((rt - co).sum() + co.iloc[0])
    elif metric == "carried_over":
        co = col("carried_over")
        value = None if co is None else float(co.iloc[0])
    elif metric == "pending_total":
        pt = col("pending_total")
        value = None if pt is None else float(pt.iloc[-1])
    elif metric == "received_online":
        value = total("received_online")
    elif metric == "received_offline":
        value = total("received_offline")
    elif metric == "resolved_total":
        value = total("resolved_total")
    elif metric == "resolved_ontime":
        value = total("resolved_early", "resolved_ontime")
    elif metric == "resolved_late":
        value = total("resolved_late")
    elif metric == "ontime_rate":
        num, den = total("resolved_early", "resolved_ontime"), total("resolved_total")
        value = None if num is None or not den else 100.0 * num / den
    else:  # online_rate
        on, off = total("received_online"), total("received_offline")
        value = None if on is None or off is None or not (on + off) else 100.0 * on / (on + off)
    return PanelFigure(value, "" if value is not None else "missing_values")


def _decimals(v: float) -> int:
    """Decimals a published value was written with (at most 2): 99.47 → 2, 14.3 → 1, 7697 → 0."""
    text = f"{float(v):.6f}".rstrip("0").rstrip(".")
    return min(2, len(text.split(".")[1])) if "." in text else 0


def _value(v: Any, metric: str, lang: str) -> str:
    if fmt.missing(v):
        return fmt.DASH
    text = fmt.num(v, lang, _decimals(v))
    return f"{text}%" if metric in RATE_METRICS else text


def _panel_value(v: float, metric: str, lang: str) -> str:
    return f"{fmt.num(v, lang, 2)}%" if metric in RATE_METRICS else fmt.num(v, lang)


def _diff(published: float, panel: float, metric: str, S: Strings) -> str:
    if metric in RATE_METRICS:
        return S.f("pub_diff_pp", value=fmt.signed(published - panel, S.lang, 2))
    return fmt.signed(published - panel, S.lang)


def _notes(flags: Any) -> str:
    items = []
    for f in flags if isinstance(flags, (list, tuple)) else []:
        code, _, msg = str(f).partition(": ")
        if code in NOTE_FLAGS:
            items.append(msg or code)
    return "; ".join(items)


def _source(row: dict[str, Any], S: Strings) -> dict[str, Any]:
    quote = " ".join(str(row.get("quote") or "").split())
    return {
        "text": Path(str(row.get("file") or "")).name or fmt.DASH,
        "key": None,
        "sub": S.f("pub_quote", quote=quote) if quote else None,
    }


def _period(row: dict[str, Any], lang: str) -> str:
    s, e = row.get("period_start"), row.get("period_end")
    if fmt.missing(s) or fmt.missing(e) or not s or not e:
        return fmt.DASH
    return f"{fmt.day(s, lang)}–{fmt.day(e, lang)}"


def _scope(row: dict[str, Any], province: str | None, S: Strings) -> str:
    """Why a fact is not compared with the report units: its level, an aggregate, no match, another province."""
    flags = [str(f).partition(":")[0] for f in row.get("flags") or []]
    parts = [S.get(f"pub_level_{row.get('unit_level')}") or str(row.get("unit_level") or S["pub_level_unknown"])]
    if "aggregate_scope" in flags:
        parts.append(S["pub_scope_aggregate"])
    elif not row.get("unit_code"):
        parts.append(S["pub_scope_unmatched"])
    pc = row.get("province_code")
    if province and pc and str(pc).zfill(2) != province:
        parts.append(S.f("pub_scope_other_province", code=str(pc)))
    return ", ".join(parts)


#: The 2025 reform: district units end, commune codes are re-used (docs/domain.md, "Units, codes and the 2025 reform").
REFORM = "2025-07-01"


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
) -> Section:
    """The section; empty HTML when there is no published-figures table (no document among the inputs).

    ``unit_rows``: each report unit's panel rows (one row per period); ``names``: their names by code;
    ``level``, ``schema``: the reports' unit level and unit list; ``province``: the province code of the
    reports (zero-padded), if known. A fact is compared when its code is a report unit's, at the same level,
    of the same unit list (:func:`implied_schema`) and province; every other fact is listed apart.
    """
    if published is None:
        return Section("published", "")
    lang = S.lang
    from motcua.extract.core import METRICS

    order = {m: i for i, m in enumerate(METRICS)}
    t = published.reset_index(drop=True)
    t = t.assign(_pos=range(len(t)))
    paragraphs = [{"text": S["pub_intro"], "cls": ""}]
    if synthetic:
        paragraphs.append({"text": S["pub_synthetic"], "cls": "note"})
    tables = []
    if t.empty:
        paragraphs.append({"text": S["pub_none"], "cls": ""})
        return Section(
            "published",
            render(
                "sections/block.html.j2",
                cls="published",
                id="ov-pub",
                title=S["pub_title"],
                paragraphs=paragraphs,
                tables=[],
                download=None,
            ),
        )

    def own(r: dict[str, Any]) -> bool:
        code = r.get("unit_code")
        pc = r.get("province_code")
        return (
            bool(code)
            and str(code) in names
            and r.get("unit_level") == level
            and (not province or not pc or str(pc).zfill(2) == province)
            and (not schema or implied_schema(r) == schema)
        )

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
    other = [r for r in recs if not own(r)]

    def metric_label(m: str) -> str:
        return S.get(f"pub_metric_{m}") or str(m)

    if mine:
        rows = []
        for r in mine:
            code = str(r["unit_code"])
            pf = panel_figure(
                unit_rows.get(code, pd.DataFrame()), r.get("period_start"), r.get("period_end"), r["metric"]
            )
            if pf.value is not None:
                panel_cell = {
                    "text": _panel_value(pf.value, r["metric"], lang),
                    "num": True,
                    "key": None,
                    "sub": S.f("pub_formula", formula=PANEL_FORMULAS[r["metric"]]),
                }
                diff = _diff(float(r["value"]), pf.value, r["metric"], S) if not fmt.missing(r["value"]) else fmt.DASH
            else:
                panel_cell = {"text": fmt.DASH, "num": True, "key": None, "sub": S[f"pub_panel_{pf.reason}"]}
                diff = fmt.DASH
            rows.append(
                {
                    "cls": "",
                    "cells": [
                        {"text": names.get(code, code), "key": None, "sub": code},
                        {"text": _period(r, lang), "key": None},
                        {"text": metric_label(r["metric"]), "key": None},
                        {"text": _value(r["value"], r["metric"], lang), "num": True, "key": None},
                        panel_cell,
                        {"text": diff, "num": True, "key": None},
                        _source(r, S),
                        {"text": _notes(r.get("flags")), "key": None},
                    ],
                }
            )
        cols = [
            "pub_col_unit",
            "pub_col_period",
            "pub_col_metric",
            "pub_col_published",
            "pub_col_panel",
            "pub_col_diff",
            "pub_col_source",
            "pub_col_notes",
        ]
        nums = {"pub_col_published", "pub_col_panel", "pub_col_diff"}
        tables.append(
            render(
                "sections/table.html.j2",
                caption=S["pub_caption_units"],
                table_id=None,
                cls="published",
                columns=[{"label": S[k], "num": k in nums, "sort": None} for k in cols],
                rows=rows,
                row_headers=True,
            )
        )
    if other:
        rows = []
        for r in other:
            rows.append(
                {
                    "cls": "",
                    "cells": [
                        {"text": str(r.get("unit_name") or fmt.DASH), "key": None},
                        {"text": _scope(r, province, S), "key": None},
                        {"text": _period(r, lang), "key": None},
                        {"text": metric_label(r["metric"]), "key": None},
                        {"text": _value(r["value"], r["metric"], lang), "num": True, "key": None},
                        _source(r, S),
                        {"text": _notes(r.get("flags")), "key": None},
                    ],
                }
            )
        cols = [
            "pub_col_unit_written",
            "pub_col_scope",
            "pub_col_period",
            "pub_col_metric",
            "pub_col_published",
            "pub_col_source",
            "pub_col_notes",
        ]
        tables.append(
            render(
                "sections/table.html.j2",
                caption=S["pub_caption_other"],
                table_id=None,
                cls="published-other",
                columns=[{"label": S[k], "num": k == "pub_col_published", "sort": None} for k in cols],
                rows=rows,
                row_headers=True,
            )
        )
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
