"""The PAR index sections (Chỉ số cải cách hành chính) of the district report and the province overview.

Read from DATA/par_index.parquet (:mod:`motcua.clean.par`; tall: one row per year, unit, field and criterion). A
unit's section shows its latest year's score by field against the maximum (a table with an accessible bar per
field), the total, the published rank ("3/9", always labelled as the province's published rank, never a modelled
one), the change on the previous year, and the fields that lost the most points; the overview shows the units by
total and field, the fields where the province loses most, and the PAR figures published in the documents among the
inputs ("Số liệu đã công bố", :mod:`motcua.prose.published`: facts whose metric starts with ``par_``) beside the
table. Without the table, or without rows for the unit, a section is empty (shown as nothing).
"""

from __future__ import annotations

from functools import lru_cache
from pathlib import Path

import pandas as pd

from motcua import products
from motcua.report import fmt
from motcua.report.html import Section, render
from motcua.report.par_tables import (
    fields_by_year_table,
    grade_label,
    history_table,
    latest_year_table,
    par_field_label,
    pts,
    published_rank_text,
    spts,
)
from motcua.report.strings import Strings

__all__ = ["load_par", "pts", "spts", "unit_par", "district_par_section", "par_field_label", "published_rank_text"]

PAR_FILE = products.PAR.file
#: Fields named in the "lost the most points" sentence.
TOP_LOST = 3


@lru_cache(maxsize=8)
def _read(path: str, mtime: float, size: int) -> pd.DataFrame:
    return pd.read_parquet(path)


def load_par(data_dir: str | Path) -> pd.DataFrame | None:
    """DATA/par_index.parquet (read once per version of the file), or None without it."""
    p = Path(data_dir) / PAR_FILE
    try:
        st = p.stat()
    except OSError:
        return None
    return _read(str(p), st.st_mtime, st.st_size).copy()


def unit_par(par: pd.DataFrame | None, unit_schema: str | None, unit_code: str) -> pd.DataFrame:
    """One unit's rows (its era's: codes are re-used across eras)."""
    if par is None or par.empty:
        return pd.DataFrame()
    sel = par["unit_code"].astype(str) == str(unit_code)
    if unit_schema:
        sel &= par["unit_schema"].astype(str) == str(unit_schema)
    return par[sel]


def _year_rows(rows: pd.DataFrame, year: int) -> tuple[pd.Series | None, pd.DataFrame]:
    """The year's total row (None without one) and its field and criterion rows."""
    y = rows[rows["year"] == year]
    tot = y[y["kind"] == "total"]
    return (tot.iloc[0] if len(tot) else None), y[y["kind"] != "total"]


def district_par_section(
    data_dir: str | Path, unit_schema: str | None, unit_code: str, unit_name: str, S: Strings
) -> Section:
    """The unit's PAR index: latest year by field against the maximum, published rank, change, fields that lost most."""
    rows = unit_par(load_par(data_dir), unit_schema, unit_code)
    if rows.empty:
        return Section("par", "")
    year = int(rows["year"].max())
    total, parts = _year_rows(rows, year)
    if total is None:
        return Section("par", "")
    prev_total, prev_parts = _year_rows(rows, year - 1)
    fields = parts[parts["kind"] == "field"]
    prev_fields = (
        prev_parts[prev_parts["kind"] == "field"].set_index("field")["score"]
        if prev_total is not None
        else pd.Series(dtype=float)
    )
    paras = _summary(total, prev_total, year, S) + _lost_and_moved(fields, prev_fields, year, S)
    tables = [
        latest_year_table(parts, total, prev_total, prev_fields, year, unit_name, S),
        history_table(rows, unit_name, S),
    ]
    if rows["year"].nunique() > 1:
        tables.append(fields_by_year_table(rows, unit_name, S))
    files = ", ".join(sorted({Path(str(f)).name for f in rows["source"]}))
    paras.append({"text": S.f("par_source", files=files), "cls": "note"})
    return Section(
        "par",
        render(
            "sections/block.html.j2",
            cls="par",
            id="par",
            title=S["par_title"],
            paragraphs=paras,
            tables=tables,
            download=None,
        ),
    )


def _summary(total: pd.Series, prev_total: pd.Series | None, year: int, S: Strings) -> list[dict[str, str]]:
    """The year's total, published rank, grade and change on the previous year."""
    lang = S.lang
    paras = [
        {
            "text": S.f("par_headline", year=year, total=pts(total["score"], lang), max=pts(total["max_score"], lang)),
            "cls": "lead",
        }
    ]
    rk = published_rank_text(total)
    paras.append(
        {
            "text": S.f("par_rank", rank=int(total["rank"]), of=int(total["rank_of"])) if rk else S["par_rank_none"],
            "cls": "",
        }
    )
    if total["grade"]:
        paras.append({"text": S.f("par_grade", grade=grade_label(total["grade"], S)), "cls": ""})
    if prev_total is not None:
        prk = published_rank_text(prev_total)
        paras.append(
            {
                "text": S.f(
                    "par_change",
                    prev=year - 1,
                    change=fmt.signed(total["score"] - prev_total["score"], lang, 2),
                    prev_total=pts(prev_total["score"], lang),
                    prev_rank=S.f("par_change_rank", rank=int(prev_total["rank"]), of=int(prev_total["rank_of"]))
                    if prk
                    else "",
                ),
                "cls": "",
            }
        )
    else:
        paras.append({"text": S.f("par_no_prev", prev=year - 1), "cls": "note"})
    return paras


def _lost_and_moved(fields: pd.DataFrame, prev_fields: pd.Series, year: int, S: Strings) -> list[dict[str, str]]:
    """The fields that lost the most points, and those that moved most since the previous year."""
    lang = S.lang
    paras = []
    lost = (fields["max_score"] - fields["score"]).round(2)
    order = lost[lost > 0].sort_values(ascending=False, kind="stable").index[:TOP_LOST]
    if len(order):
        items = [
            S.f(
                "par_lost_item",
                field=par_field_label(fields.loc[i], S),
                lost=pts(lost[i], lang),
                max=pts(fields.loc[i, "max_score"], lang),
            )
            for i in order
        ]
        paras.append({"text": S.f("par_lost", year=year, fields="; ".join(items)), "cls": ""})
    if len(prev_fields):
        ch = {
            i: float(fields.loc[i, "score"]) - float(prev_fields[fields.loc[i, "field"]])
            for i in fields.index
            if fields.loc[i, "field"] in prev_fields.index
        }
        moved = sorted((i for i in ch if round(ch[i], 2) != 0), key=lambda i: -abs(ch[i]))[:TOP_LOST]
        if moved:
            paras.append(
                {
                    "text": S.f(
                        "par_moved",
                        prev=year - 1,
                        fields="; ".join(
                            S.f(
                                "par_moved_item",
                                field=par_field_label(fields.loc[i], S),
                                change=fmt.signed(ch[i], lang, 2),
                            )
                            for i in moved
                        ),
                    ),
                    "cls": "",
                }
            )
    return paras
