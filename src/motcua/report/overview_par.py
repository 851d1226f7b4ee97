"""The province overview's PAR index tables (:mod:`motcua.report.par` builds the section around them).

For each set of the index (district-level; communes and agencies: never ranked together), its latest year: the
units by total with each field's score (by total, the published rank beside it), the fields where the province
loses most (mean points lost per unit, mean score, units at the maximum), and the totals of every year by unit.
"""
from __future__ import annotations

import pandas as pd
from markupsafe import Markup

from motcua.report import fmt
from motcua.report.html import render
from motcua.report.par import TOP_LOST, _label, _rank_text, pts
from motcua.report.strings import Strings

__all__ = ["overview_tables"]


def _set_name(par_set: str, S: Strings) -> str:
    from motcua.ingest.par import par_layouts

    return next(((lo.description if S.lang == "vi" else lo.description_en) for lo in par_layouts() if lo.name == par_set), par_set)


def _units_table(y: pd.DataFrame, year: int, set_name: str, S: Strings) -> Markup:
    lang = S.lang
    totals = y[y["kind"] == "total"].sort_values(["score", "unit_name"], ascending=[False, True], kind="stable")
    fields = y[y["kind"] == "field"]
    order = list(dict.fromkeys(fields["field"]))
    labels = {f: _label(fields[fields["field"] == f].iloc[0], S) for f in order}
    maxima = fields.groupby("field", sort=False)["max_score"].max()
    rows = []
    for _, t in totals.iterrows():
        mine = fields[(fields["unit_schema"] == t["unit_schema"]) & (fields["unit_code"] == t["unit_code"])].set_index("field")["score"]
        cells = [{"text": str(t["unit_name"])}, {"text": pts(t["score"], lang), "num": True},
                 {"text": _rank_text(t) or fmt.DASH, "num": True}]
        cells += [{"text": pts(mine.get(f), lang), "num": True} for f in order]
        rows.append({"cells": cells, "cls": ""})
    cols = [{"label": S["par_ov_col_unit"], "num": False, "sort": None}, {"label": S["par_col_total"], "num": True, "sort": None},
            {"label": S["par_col_rank"], "num": True, "sort": None}]
    cols += [{"label": f"{labels[f]} ({pts(maxima.get(f), lang)})", "num": True, "sort": None} for f in order]
    return render("sections/table.html.j2", caption=S.f("par_ov_caption", year=year, set=set_name), table_id=None,
                  cls="par-units", columns=cols, rows=rows, row_headers=True)


def _lost(y: pd.DataFrame, S: Strings) -> pd.DataFrame:
    fields = y[y["kind"] == "field"].copy()
    fields["lost"] = fields["max_score"] - fields["score"]
    fields["full"] = (fields["lost"].round(2) <= 0).astype(int)
    g = fields.groupby("field", sort=False).agg(max_score=("max_score", "max"), mean=("score", "mean"),
                                                 lost=("lost", "mean"), full=("full", "sum"), n=("score", "size"))
    g["label"] = [_label(fields[fields["field"] == f].iloc[0], S) for f in g.index]
    return g.sort_values("lost", ascending=False, kind="stable")


def _lost_table(g: pd.DataFrame, year: int, set_name: str, S: Strings) -> Markup:
    lang = S.lang
    rows = [{"cells": [{"text": r["label"]}, {"text": pts(r["max_score"], lang), "num": True},
                       {"text": pts(r["mean"], lang), "num": True},
                       {"text": fmt.pct(r["mean"] / r["max_score"], lang, 1) if r["max_score"] else fmt.DASH, "num": True},
                       {"text": pts(r["lost"], lang), "num": True},
                       {"text": f"{int(r['full'])}/{int(r['n'])}", "num": True}], "cls": ""} for _, r in g.iterrows()]
    cols = [("par_col_field", False), ("par_col_max", True), ("par_ov_col_mean", True), ("par_col_share", True),
            ("par_ov_col_lost_mean", True), ("par_ov_col_units_full", True)]
    return render("sections/table.html.j2", caption=S.f("par_ov_lost_caption", year=year, set=set_name), table_id=None,
                  cls="par-lost", columns=[{"label": S[k], "num": n, "sort": None} for k, n in cols], rows=rows, row_headers=True)


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
                rk = _rank_text(r)
                cells.append({"text": pts(r["score"], lang) + (f" ({rk})" if rk else ""), "num": True})
            else:
                cells.append({"text": fmt.DASH, "num": True})
        rows.append({"cells": cells, "cls": ""})
    cols = [{"label": S["par_ov_col_unit"], "num": False, "sort": None}] + [{"label": str(int(yv)), "num": True, "sort": None} for yv in years]
    return render("sections/table.html.j2", caption=S.f("par_ov_history_caption", set=set_name), table_id=None,
                  cls="par-history", columns=cols, rows=rows, row_headers=True)


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
        paras.append({"text": S.f("par_ov_intro", year=year, n=fmt.num(len(tot), lang), set=name, mean=pts(tot["score"].mean(), lang),
                                  best=tot.iloc[0]["unit_name"], best_total=pts(tot.iloc[0]["score"], lang),
                                  worst=tot.iloc[-1]["unit_name"], worst_total=pts(tot.iloc[-1]["score"], lang)), "cls": ""})
        g = _lost(y, S)
        top = g[g["lost"].round(2) > 0].head(TOP_LOST)
        if len(top):
            paras.append({"text": S.f("par_ov_lost", fields="; ".join(
                S.f("par_lost_item", field=r["label"], lost=pts(r["lost"], lang), max=pts(r["max_score"], lang)) for _, r in top.iterrows())),
                "cls": ""})
        tables += [_units_table(y, year, name, S), _lost_table(g, year, name, S), _history_table(s, name, S)]
    return paras, tables
