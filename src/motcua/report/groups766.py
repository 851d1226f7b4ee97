"""The district report's section on the 766 groups: apology letters against the 100 % requirement, online
payment, digitisation, satisfaction (from dossier exports, groups766.parquet) and the published 766 scores
(score766.parquet).

Each part is shown only when the inputs hold it: a group whose counts are NA for the unit
(the export had no such column) is not listed, and the whole section is empty (no HTML)
when the unit has neither group counts nor scores. Figures are over the last 12 months of
the unit's dossier exports; trends follow :mod:`motcua.model.groups766` (none for a short series).
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pandas as pd

from motcua import products
from motcua.report import fmt
from motcua.report.html import Section, render
from motcua.report.strings import Strings

GROUPS_FILE = products.GROUPS766.file
SCORES_FILE = products.SCORE766.file
#: Rates in the order shown; apology first (it carries a requirement).
ORDER = ("apology_rate", "paid_online_rate", "digitised_dossier_rate", "digitised_result_rate", "satisfaction_rate")
SCORE_GROUPS = ("transparency", "progress", "online_service", "online_payment", "satisfaction", "digitisation", "total")


def _read(data_dir: Path, name: str, unit_code: str, unit_schema: str | None) -> pd.DataFrame:
    p = Path(data_dir) / name
    if not p.exists():
        return pd.DataFrame()
    df = pd.read_parquet(p)
    sel = df["unit_code"].astype(str) == str(unit_code)
    if unit_schema:
        sel &= df["unit_schema"].astype(str) == unit_schema
    return df[sel].reset_index(drop=True)


def apology_target() -> tuple[float, str, str]:
    """(value, label_vi, label_en) of config/targets.yaml's ``apology_rate`` target; (1.0, "", "") without one."""
    from motcua.config import load_config

    for t in load_config().targets:
        if t.get("rate") == "apology_rate":
            return float(t.get("value", 1.0)), str(t.get("label_vi", "")), str(t.get("label_en", ""))
    return 1.0, "", ""


def _trend_text(r: Any, S: Strings, min_periods: int) -> str:
    if r.status in ("ok", "few_events") and not fmt.missing(r.slope_pp_per_year):
        return S.f(
            "g766_trend",
            slope=fmt.signed_small(r.slope_pp_per_year, S.lang, 1),
            low=fmt.signed_small(r.slope_low, S.lang, 1),
            high=fmt.signed_small(r.slope_high, S.lang, 1),
        )
    if r.status == "few_events":
        return S["g766_trend_constant"]
    return S.f("g766_trend_short", n=fmt.num(r.n_periods, S.lang), min=fmt.num(min_periods, S.lang))


def apology_paragraph(trend: pd.DataFrame, S: Strings) -> dict[str, str] | None:
    """The apology letters sentence: letters / late-or-faulty dossiers, the requirement, the count without one."""
    rows = trend[trend["rate"] == "apology_rate"]
    if rows.empty:
        return None
    r = rows.iloc[0]
    target, _, _ = apology_target()
    lang = S.lang
    den, num = int(r.trials), int(r.successes)
    window = fmt.period(r.window_start, r.window_end, lang)
    if den == 0:
        return {"text": S.f("g766_apology_none_late", window=window), "cls": ""}
    missing = den - num
    share = num / den
    text = S.f(
        "g766_apology",
        num=fmt.num(num, lang),
        den=fmt.num(den, lang),
        share=fmt.pct(share, lang, 1),
        target=fmt.pct(target, lang, 0),
        window=window,
    )
    if missing:
        text += " " + S.f("g766_apology_missing", n=fmt.num(missing, lang))
    else:
        text += " " + S["g766_apology_met"]
    return {"text": text, "cls": "alert" if share < target else ""}


def _rate_rows(trend: pd.DataFrame, S: Strings, min_periods: int) -> list[dict[str, Any]]:
    from motcua.rates import GROUP_RATES

    rows = []
    lang = S.lang
    for rate in ORDER:
        sel = trend[trend["rate"] == rate]
        if sel.empty:
            continue
        r = sel.iloc[0]
        rt = GROUP_RATES[rate]
        share = r.successes / r.trials if r.trials else None
        cells = [
            S[f"g766_rate_{rate}"],
            f"{fmt.num(r.successes, lang)}/{fmt.num(r.trials, lang)}",
            fmt.pct(share, lang, 1),
            _trend_text(r, S, min_periods),
            rt.formula,
        ]
        rows.append(
            {
                "cells": [
                    {"text": t, "num": i in (1, 2), "key": None, "label": S[k]}
                    for i, (t, k) in enumerate(
                        zip(
                            cells,
                            (
                                "g766_col_group",
                                "g766_col_counts",
                                "g766_col_share",
                                "g766_col_trend",
                                "g766_col_formula",
                            ),
                        )
                    )
                ],
                "cls": "",
            }
        )
    return rows


def _score_table(scores: pd.DataFrame, S: Strings) -> tuple[str, Any] | None:
    """(caption, table HTML) of the unit's latest published 766 scores by group against each group's maximum."""
    if scores.empty:
        return None
    lang = S.lang
    last = scores["period_start"].max()
    latest = scores[scores["period_start"] == last]
    prev = scores[scores["period_start"] < last]
    prev_start = prev["period_start"].max() if len(prev) else None
    rows = []
    for g in SCORE_GROUPS:
        r = latest[latest["group"] == g]
        if r.empty:
            continue
        score, mx = float(r["score"].iloc[0]), float(r["max_score"].iloc[0])
        p = (
            prev[(prev["period_start"] == prev_start) & (prev["group"] == g)]
            if prev_start is not None
            else prev.iloc[0:0]
        )
        change = fmt.signed_small(score - float(p["score"].iloc[0]), lang, 2) if len(p) else fmt.DASH
        cells = [
            S[f"g766_group_{g}"],
            fmt.num(score, lang, 2),
            fmt.num(mx, lang, 0),
            fmt.num(mx - score, lang, 2),
            change,
        ]
        rows.append(
            {
                "cells": [
                    {"text": t, "num": i > 0, "key": None, "label": S[k]}
                    for i, (t, k) in enumerate(
                        zip(
                            cells,
                            ("g766_col_group", "g766_col_score", "g766_col_max", "g766_col_lost", "g766_col_change"),
                        )
                    )
                ],
                "cls": "total" if g == "total" else "",
            }
        )
    caption = S.f("g766_scores_caption", month=fmt.month(last, lang))
    cols = [
        ("g766_col_group", False),
        ("g766_col_score", True),
        ("g766_col_max", True),
        ("g766_col_lost", True),
        ("g766_col_change", True),
    ]
    html = render(
        "sections/table.html.j2",
        caption=caption,
        table_id=None,
        cls="groups766-scores",
        columns=[{"label": S[k], "num": n, "sort": None} for k, n in cols],
        rows=rows,
        row_headers=True,
    )
    return caption, html


def groups766_section(data_dir: str | Path, unit_code: str, unit_schema: str | None, S: Strings) -> Section:
    """The section (empty when the inputs hold no 766 group or score for the unit)."""
    from motcua.model.groups766 import group_trends
    from motcua.model.settings import settings_from_config

    groups = _read(Path(data_dir), GROUPS_FILE, unit_code, unit_schema)
    scores = _read(Path(data_dir), SCORES_FILE, unit_code, unit_schema)
    trend = group_trends(groups) if len(groups) else pd.DataFrame(columns=["rate"])
    if trend.empty and scores.empty:
        return Section("groups766", "")
    min_periods = settings_from_config().min_periods_for_trend
    paragraphs = [{"text": S["g766_intro"], "cls": "note"}]
    apology = apology_paragraph(trend, S)
    if apology:
        paragraphs.append(apology)
    tables = []
    rows = _rate_rows(trend, S, min_periods)
    if rows:
        cols = [
            ("g766_col_group", False),
            ("g766_col_counts", True),
            ("g766_col_share", True),
            ("g766_col_trend", False),
            ("g766_col_formula", False),
        ]
        w = trend.iloc[0]
        tables.append(
            render(
                "sections/table.html.j2",
                caption=S.f("g766_rates_caption", window=fmt.period(w.window_start, w.window_end, S.lang)),
                table_id=None,
                cls="groups766",
                columns=[{"label": S[k], "num": n, "sort": None} for k, n in cols],
                rows=rows,
                row_headers=True,
            )
        )
    sc = _score_table(scores, S)
    if sc:
        paragraphs.append({"text": S["g766_scores_note"], "cls": "note"})
        tables.append(sc[1])
    return Section(
        "groups766",
        render(
            "sections/block.html.j2",
            cls="groups766",
            id="g766",
            title=S["g766_title"],
            paragraphs=paragraphs,
            notes=None,
            tables=tables,
            download=None,
        ),
    )
