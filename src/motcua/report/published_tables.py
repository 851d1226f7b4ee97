"""The two tables of the "Số liệu đã công bố" section: facts compared with the panel, and facts listed apart.

Grain of both: one row per published fact. Compared: unit, period, metric, the published value as
written (its own decimals, at most 2), the panel's value with its formula, the difference (published −
panel; percentage points for rates), source file with the quote, notes (the extractor's failed checks,
derived values, components). Apart: the unit as written, why it is not compared (level, an aggregate,
no match, another province), then as above without the panel.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from pathlib import Path
from typing import Any

import pandas as pd

from motcua.report import fmt
from motcua.report.html import render
from motcua.report.published_panel import PANEL_FORMULAS, RATE_METRICS, panel_figure
from motcua.report.strings import Strings

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


def _scope(row: dict[str, Any], province: str | Sequence[str] | None, S: Strings) -> str:
    """Why a fact is not compared with the report units: its level, an aggregate, no match, another province
    (not ``province``, nor any of them: a page of a 2025 province also covers its predecessors)."""
    flags = [str(f).partition(":")[0] for f in row.get("flags") or []]
    parts = [S.get(f"pub_level_{row.get('unit_level')}") or str(row.get("unit_level") or S["pub_level_unknown"])]
    if "aggregate_scope" in flags:
        parts.append(S["pub_scope_aggregate"])
    elif not row.get("unit_code"):
        parts.append(S["pub_scope_unmatched"])
    pc = row.get("province_code")
    own = {province} if isinstance(province, str) else set(province or ())
    if own and pc and str(pc).zfill(2) not in own:
        parts.append(S.f("pub_scope_other_province", code=str(pc)))
    return ", ".join(parts)


def metric_label(m: str, S: Strings) -> str:
    """A metric as the reader names it."""
    return S.get(f"pub_metric_{m}") or str(m)


def compared_table(
    mine: list[dict[str, Any]],
    unit_rows: Mapping[str, pd.DataFrame],
    names: dict[str, str],
    S: Strings,
    caption: str | None = None,
) -> Any:
    """The table of the facts about report units, each beside the panel's figure for the same period."""
    lang = S.lang
    rows = []
    for r in mine:
        code = str(r["unit_code"])
        pf = panel_figure(unit_rows.get(code, pd.DataFrame()), r.get("period_start"), r.get("period_end"), r["metric"])
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
                    {"text": metric_label(r["metric"], S), "key": None},
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
    return render(
        "sections/table.html.j2",
        caption=caption or S["pub_caption_units"],
        table_id=None,
        cls="published",
        columns=[{"label": S[k], "num": k in nums, "sort": None} for k in cols],
        rows=rows,
        row_headers=True,
    )


def other_table(other: list[dict[str, Any]], province: str | Sequence[str] | None, S: Strings) -> Any:
    """The table of the facts not compared (other levels, aggregates, unmatched units, other provinces)."""
    lang = S.lang
    rows = []
    for r in other:
        rows.append(
            {
                "cls": "",
                "cells": [
                    {"text": str(r.get("unit_name") or fmt.DASH), "key": None},
                    {"text": _scope(r, province, S), "key": None},
                    {"text": _period(r, lang), "key": None},
                    {"text": metric_label(r["metric"], S), "key": None},
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
    return render(
        "sections/table.html.j2",
        caption=S["pub_caption_other"],
        table_id=None,
        cls="published-other",
        columns=[{"label": S[k], "num": k == "pub_col_published", "sort": None} for k in cols],
        rows=rows,
        row_headers=True,
    )
