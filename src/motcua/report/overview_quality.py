"""The data-quality section of the province overview: quality.csv's findings counted by unit and severity
(one row per unit, then the findings naming no unit or a unit no report unit matches, then the total) and by
rule (one row per rule and severity, most severe and most frequent first)."""

from __future__ import annotations

import pandas as pd
from markupsafe import Markup

from motcua.report import fmt
from motcua.report.context import ReportData, quality_unit_codes, quality_unit_values
from motcua.report.district import SEVERITY_ORDER, rule_label, severity_label
from motcua.report.fragment_cache import FragmentCache
from motcua.report.html import Section, render
from motcua.report.overview_keys import quality_key
from motcua.report.strings import Strings, cap

#: Row key of the quality summary for findings naming a unit no report unit matches.
UNMATCHED = "\x00unmatched"


def quality_section(data: ReportData, names: dict[str, str], S: Strings, frags: FragmentCache | None = None) -> Section:
    """Findings by unit and severity, and by rule; with ``frags``, read back while its inputs are unchanged
    (quality.csv is then not even read)."""
    key = quality_key(data.data_dir, data.panel, data.unit_schema, names, S.lang) if frags is not None else None
    if key is not None:
        hit = frags.get(key)  # type: ignore[union-attr]
        if hit is not None:
            return Section("quality", hit)
    section = _quality_section(data, names, S)
    if key is not None:
        frags.put(key, section.html)  # type: ignore[union-attr]
    return section


def _quality_section(data: ReportData, names: dict[str, str], S: Strings) -> Section:
    q = data.quality
    paragraphs, tables = [], []
    if q.empty and not len(q.columns):
        paragraphs.append({"text": S["dq_unavailable"], "cls": ""})
    elif q.empty:
        paragraphs.append(
            {
                "text": S["dq_none"].replace("của đơn vị này ", "").replace("in this unit's data", "in the data"),
                "cls": "",
            }
        )
    else:
        sev = q["severity"].str.lower() if "severity" in q else pd.Series(["info"] * len(q), index=q.index)
        tables.append(_by_unit_table(data, q, sev, names, S))
        if "rule" in q:
            tables.append(_by_rule_table(q, sev, S))
    return Section(
        "quality",
        render(
            "sections/block.html.j2",
            cls="quality",
            id="ov-dq",
            title=S["ov_dq_title"],
            paragraphs=paragraphs,
            tables=tables,
            download=None,
        ),
    )


def _by_unit_table(data: ReportData, q: pd.DataFrame, sev: pd.Series, names: dict[str, str], S: Strings) -> Markup:
    """Findings by unit (units by code, then no unit, then names no unit matches; the total last) and severity."""
    lang = S.lang
    # the clean stage's `unit` (a code, or a name as written) → unit code; "" for none, UNMATCHED for a name no unit has
    # over every unit of every era (a finding about a dissolved district is that district's)
    unit = quality_unit_codes(q, data.panel, None)
    unit = unit.where((unit != "") | (quality_unit_values(q) == ""), UNMATCHED)
    t = pd.crosstab(unit, sev)
    t = t.loc[sorted(t.index, key=lambda c: (c in ("", UNMATCHED), c == "", c))]  # units by code, then the rest
    levels = [s for s in SEVERITY_ORDER if s in t.columns] + sorted(set(t.columns) - set(SEVERITY_ORDER))
    rows = []
    for code in t.index:
        if code == UNMATCHED:
            label, shown = S["ov_dq_unmatched"], ""
        else:
            label, shown = names.get(code) or (code if code else S["ov_dq_no_unit"]), code
        cells = [{"text": label, "key": None}, {"text": shown, "key": None}]
        cells += [{"text": fmt.num(t.at[code, s], lang), "num": True, "key": None} for s in levels]
        cells.append({"text": fmt.num(int(t.loc[code].sum()), lang), "num": True, "key": None})
        rows.append({"cells": cells, "cls": ""})
    cells = [{"text": S["ov_dq_total"], "key": None}, {"text": "", "key": None}]
    cells += [{"text": fmt.num(int(t[s].sum()), lang), "num": True, "key": None} for s in levels]
    cells.append({"text": fmt.num(int(t.values.sum()), lang), "num": True, "key": None})
    rows.append({"cells": cells, "cls": "total"})
    cols = [
        {"label": S["ov_col_unit"], "num": False, "sort": None},
        {"label": S["ov_col_code"], "num": False, "sort": None},
    ]
    cols += [{"label": cap(severity_label(s, S)), "num": True, "sort": None} for s in levels] + [
        {"label": S["ov_dq_total"], "num": True, "sort": None}
    ]
    return render(
        "sections/table.html.j2",
        caption=S["ov_dq_caption"],
        table_id=None,
        cls="dq",
        columns=cols,
        rows=rows,
        row_headers=True,
    )


def _by_rule_table(q: pd.DataFrame, sev: pd.Series, S: Strings) -> Markup:
    """Findings by rule and severity."""
    lang = S.lang
    by_rule = q.assign(_sev=sev).groupby(["rule", "_sev"], sort=True).size().reset_index(name="n")
    # most severe first, then the most frequent, then by the rule's words (what the reader sees)
    rank = {s: i for i, s in enumerate(SEVERITY_ORDER)}
    by_rule = by_rule.assign(
        _r=by_rule["_sev"].map(lambda s: rank.get(s, len(rank))),
        _label=by_rule["rule"].map(lambda r: rule_label(r, S)),
    )
    by_rule = by_rule.sort_values(["_r", "n", "_label"], ascending=[True, False, True], kind="stable")
    rrows = [
        {
            "cls": "",
            "cells": [
                {"text": rule_label(r["rule"], S), "key": None},
                {"text": severity_label(r["_sev"], S), "key": None},
                {"text": fmt.num(r["n"], lang), "num": True, "key": None},
            ],
        }
        for _, r in by_rule.iterrows()
    ]
    rcols = [
        {"label": S["dq_col_rule"], "num": False, "sort": None},
        {"label": S["dq_col_severity"], "num": False, "sort": None},
        {"label": S["ov_dq_count"], "num": True, "sort": None},
    ]
    return render(
        "sections/table.html.j2",
        caption=S["ov_dq_rules_caption"],
        table_id=None,
        cls="dq-rules",
        columns=rcols,
        rows=rrows,
        row_headers=True,
    )
