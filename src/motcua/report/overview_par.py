"""The province overview's PAR index section: its tables and the published PAR figures beside them.

For each set of the index (district-level; communes and agencies: never ranked together), its latest year: the
units by total with each field's score (by total, the published rank beside it), the fields where the province
loses most (mean points lost per unit, mean score, units at the maximum), and the totals of every year by unit.
"""

from __future__ import annotations

from pathlib import Path

import pandas as pd
from markupsafe import Markup

from motcua.report import fmt
from motcua.report.html import Section, render
from motcua.report.par import TOP_LOST, load_par, par_field_label, pts, published_rank_text
from motcua.report.strings import Strings

__all__ = ["overview_par_section", "overview_tables", "par_facts"]


def _set_name(par_set: str, S: Strings) -> str:
    from motcua.ingest.par import par_layouts

    return next(
        ((lo.description if S.lang == "vi" else lo.description_en) for lo in par_layouts() if lo.name == par_set),
        par_set,
    )


def _units_table(y: pd.DataFrame, year: int, set_name: str, S: Strings) -> Markup:
    lang = S.lang
    totals = y[y["kind"] == "total"].sort_values(["score", "unit_name"], ascending=[False, True], kind="stable")
    fields = y[y["kind"] == "field"]
    order = list(dict.fromkeys(fields["field"]))
    labels = {f: par_field_label(fields[fields["field"] == f].iloc[0], S) for f in order}
    maxima = fields.groupby("field", sort=False)["max_score"].max()
    rows = []
    for _, t in totals.iterrows():
        mine = fields[(fields["unit_schema"] == t["unit_schema"]) & (fields["unit_code"] == t["unit_code"])].set_index(
            "field"
        )["score"]
        cells = [
            {"text": str(t["unit_name"])},
            {"text": pts(t["score"], lang), "num": True},
            {"text": published_rank_text(t) or fmt.DASH, "num": True},
        ]
        cells += [{"text": pts(mine.get(f), lang), "num": True} for f in order]
        rows.append({"cells": cells, "cls": ""})
    cols = [
        {"label": S["par_ov_col_unit"], "num": False, "sort": None},
        {"label": S["par_col_total"], "num": True, "sort": None},
        {"label": S["par_col_rank"], "num": True, "sort": None},
    ]
    cols += [{"label": f"{labels[f]} ({pts(maxima.get(f), lang)})", "num": True, "sort": None} for f in order]
    return render(
        "sections/table.html.j2",
        caption=S.f("par_ov_caption", year=year, set=set_name),
        table_id=None,
        cls="par-units",
        columns=cols,
        rows=rows,
        row_headers=True,
    )


def _lost(y: pd.DataFrame, S: Strings) -> pd.DataFrame:
    fields = y[y["kind"] == "field"].copy()
    fields["lost"] = fields["max_score"] - fields["score"]
    fields["full"] = (fields["lost"].round(2) <= 0).astype(int)
    g = fields.groupby("field", sort=False).agg(
        max_score=("max_score", "max"),
        mean=("score", "mean"),
        lost=("lost", "mean"),
        full=("full", "sum"),
        n=("score", "size"),
    )
    g["label"] = [par_field_label(fields[fields["field"] == f].iloc[0], S) for f in g.index]
    return g.sort_values("lost", ascending=False, kind="stable")


def _lost_table(g: pd.DataFrame, year: int, set_name: str, S: Strings) -> Markup:
    lang = S.lang
    rows = [
        {
            "cells": [
                {"text": r["label"]},
                {"text": pts(r["max_score"], lang), "num": True},
                {"text": pts(r["mean"], lang), "num": True},
                {"text": fmt.pct(r["mean"] / r["max_score"], lang, 1) if r["max_score"] else fmt.DASH, "num": True},
                {"text": pts(r["lost"], lang), "num": True},
                {"text": f"{int(r['full'])}/{int(r['n'])}", "num": True},
            ],
            "cls": "",
        }
        for _, r in g.iterrows()
    ]
    cols = [
        ("par_col_field", False),
        ("par_col_max", True),
        ("par_ov_col_mean", True),
        ("par_col_share", True),
        ("par_ov_col_lost_mean", True),
        ("par_ov_col_units_full", True),
    ]
    return render(
        "sections/table.html.j2",
        caption=S.f("par_ov_lost_caption", year=year, set=set_name),
        table_id=None,
        cls="par-lost",
        columns=[{"label": S[k], "num": n, "sort": None} for k, n in cols],
        rows=rows,
        row_headers=True,
    )


def _history_table(s: pd.DataFrame, set_name: str, S: Strings) -> Markup:
    lang = S.lang
    tot = s[s["kind"] == "total"]
    years = sorted(tot["year"].unique())
    last = tot[tot["year"] == years[-1]].set_index(["unit_schema", "unit_code"])["score"]
    units = tot.drop_duplicates(["unit_schema", "unit_code"], keep="last")
    units = units.assign(_last=[last.get((a, b), -1.0) for a, b in zip(units["unit_schema"], units["unit_code"])])
    rows = []
    for _, u in units.sort_values(["_last", "unit_name"], ascending=[False, True], kind="stable").iterrows():
        mine = tot[(tot["unit_schema"] == u["unit_schema"]) & (tot["unit_code"] == u["unit_code"])].set_index("year")
        cells = [{"text": str(u["unit_name"])}]
        for yv in years:
            if yv in mine.index:
                r = mine.loc[yv]
                rk = published_rank_text(r)
                cells.append({"text": pts(r["score"], lang) + (f" ({rk})" if rk else ""), "num": True})
            else:
                cells.append({"text": fmt.DASH, "num": True})
        rows.append({"cells": cells, "cls": ""})
    cols = [{"label": S["par_ov_col_unit"], "num": False, "sort": None}] + [
        {"label": str(int(yv)), "num": True, "sort": None} for yv in years
    ]
    return render(
        "sections/table.html.j2",
        caption=S.f("par_ov_history_caption", set=set_name),
        table_id=None,
        cls="par-history",
        columns=cols,
        rows=rows,
        row_headers=True,
    )


def overview_tables(par: pd.DataFrame, S: Strings) -> tuple[list[dict[str, str]], list[Markup]]:
    """(paragraphs, tables) of every set in ``par``, the district-level set first."""
    from motcua.ingest.par import par_layouts

    lang = S.lang
    prio = {lo.name: lo.priority for lo in par_layouts()}
    paras: list[dict[str, str]] = []
    tables: list[Markup] = []
    for par_set in sorted(par["par_set"].unique(), key=lambda n: (prio.get(n, 99), n)):
        s = par[par["par_set"] == par_set]
        year = int(s["year"].max())
        y = s[s["year"] == year]
        name = _set_name(par_set, S)
        tot = y[y["kind"] == "total"].sort_values("score", ascending=False, kind="stable")
        if tot.empty:
            continue
        paras.append(
            {
                "text": S.f(
                    "par_ov_intro",
                    year=year,
                    n=fmt.num(len(tot), lang),
                    set=name,
                    mean=pts(tot["score"].mean(), lang),
                    best=tot.iloc[0]["unit_name"],
                    best_total=pts(tot.iloc[0]["score"], lang),
                    worst=tot.iloc[-1]["unit_name"],
                    worst_total=pts(tot.iloc[-1]["score"], lang),
                ),
                "cls": "",
            }
        )
        g = _lost(y, S)
        top = g[g["lost"].round(2) > 0].head(TOP_LOST)
        if len(top):
            paras.append(
                {
                    "text": S.f(
                        "par_ov_lost",
                        fields="; ".join(
                            S.f(
                                "par_lost_item",
                                field=r["label"],
                                lost=pts(r["lost"], lang),
                                max=pts(r["max_score"], lang),
                            )
                            for _, r in top.iterrows()
                        ),
                    ),
                    "cls": "",
                }
            )
        tables += [_units_table(y, year, name, S), _lost_table(g, year, name, S), _history_table(s, name, S)]
    return paras, tables


def par_facts(published: pd.DataFrame | None) -> pd.DataFrame:
    """The published facts about the PAR index (metric ``par_…``); empty without any."""
    if published is None or published.empty or "metric" not in published:
        return pd.DataFrame()
    return published[published["metric"].astype(str).str.startswith("par_")]


def _fact_table_value(f: pd.Series, par: pd.DataFrame, lang: str) -> str | None:
    """The index table's figure for a published fact: the total for a score, the rank "k/n" for a rank."""
    code, start = f.get("unit_code"), f.get("period_start")
    if fmt.missing(code) or fmt.missing(start) or par.empty:
        return None
    year = pd.Timestamp(start).year
    t = par[(par["unit_code"].astype(str) == str(code)) & (par["year"] == year) & (par["kind"] == "total")]
    if t.empty:
        return None
    r = t.iloc[0]
    metric = str(f["metric"])
    if "rank" in metric and "rank_of" not in metric:
        return published_rank_text(r)
    if metric.endswith("rank_of"):
        return None if fmt.missing(r["rank_of"]) else str(int(r["rank_of"]))
    return pts(r["score"], lang)


def _facts_table(facts: pd.DataFrame, par: pd.DataFrame, S: Strings) -> Markup:
    from motcua.prose.published import METRIC_LABELS

    lang, idx = S.lang, 0 if S.lang == "vi" else 1
    rows = []
    for _, f in facts.iterrows():
        label = METRIC_LABELS.get(str(f["metric"]), (str(f["metric"]),) * 2)[idx]
        value = pts(f["value"], lang) if not fmt.missing(f["value"]) else fmt.DASH
        if "rank_of" in f and not fmt.missing(f.get("rank_of")) and "rank" in str(f["metric"]):
            value = f"{value}/{int(float(f['rank_of']))}"
        period = (
            fmt.period(f["period_start"], f["period_end"], lang) if not fmt.missing(f.get("period_start")) else fmt.DASH
        )
        rows.append(
            {
                "cells": [
                    {"text": str(f.get("unit_name") or fmt.DASH)},
                    {"text": period},
                    {"text": label},
                    {"text": value, "num": True},
                    {"text": _fact_table_value(f, par, lang) or S["par_pub_not_in_table"], "num": True},
                    {"text": f"{Path(str(f['file'])).name}: " + S.f("pub_quote", quote=str(f.get("quote") or ""))},
                ],
                "cls": "",
            }
        )
    cols = [
        "pub_col_unit_written",
        "pub_col_period",
        "pub_col_metric",
        "pub_col_published",
        "par_pub_col_table",
        "pub_col_source",
    ]
    return render(
        "sections/table.html.j2",
        caption=S["par_pub_caption"],
        table_id=None,
        cls="par-published",
        columns=[{"label": S[k], "num": k in ("pub_col_published", "par_pub_col_table"), "sort": None} for k in cols],
        rows=rows,
        row_headers=True,
    )


def overview_par_section(
    data_dir: str | Path, published: pd.DataFrame | None, S: Strings, units: set[tuple[str, str]] | None = None
) -> Section:
    """The province's units by PAR total and field (latest year of each set), the fields where it loses most, the
    totals by year, and the published PAR figures beside the table. ``units``: (schema, code) to keep (a national
    analysis's province); None: all."""
    par = load_par(data_dir)
    if par is not None and units is not None:
        keys = list(zip(par["unit_schema"].astype(str), par["unit_code"].astype(str)))
        par = par[[k in units for k in keys]]
    facts = par_facts(published)
    if (par is None or par.empty) and facts.empty:
        return Section("par", "")
    par = par if par is not None else pd.DataFrame()
    paras, tables = overview_tables(par, S) if not par.empty else ([], [])
    if not facts.empty:
        paras.append({"text": S["par_pub_title"] + ". " + S["par_pub_intro"], "cls": "note"})
        tables.append(_facts_table(facts, par, S))
    return Section(
        "par",
        render(
            "sections/block.html.j2",
            cls="par",
            id="ov-par",
            title=S["par_title"],
            paragraphs=paras,
            tables=tables,
            download=None,
        ),
    )
