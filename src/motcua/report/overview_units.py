"""The units table of the province overview (one row per unit: the last 12 months' figures, an inline SVG
sparkline of the online share, the rank), and the frames it and the other overview sections are read from.

Grain of the table: one row per report unit (the config's schema and level), figures over each unit's last
12 months (:mod:`motcua.report.figures`). With a fragment cache, a unit's row whose inputs are unchanged is
read back (keys in :mod:`motcua.report.overview_keys`).
"""

from __future__ import annotations

from collections.abc import Iterator, Mapping
from typing import Any

import numpy as np
import pandas as pd
from markupsafe import Markup, escape

from motcua.report import fmt
from motcua.report.context import ReportData
from motcua.report.figures import key_figures_by_unit, monthly, windows
from motcua.report.fragment_cache import FragmentCache
from motcua.report.html import Section, render
from motcua.report.overview_keys import OverviewKeys
from motcua.report.strings import Strings

SPARK_W, SPARK_H, SPARK_MONTHS = 120, 28, 24


def sparkline(values: list[float], label: str) -> Markup:
    """An inline SVG line of ``values`` (proportions), named for screen readers; no style attribute."""
    v = np.asarray([x for x in values if x is not None and np.isfinite(x)], float)
    if len(v) < 2:
        return Markup(escape(fmt.DASH))
    lo, hi = float(v.min()), float(v.max())
    span = hi - lo or 1.0
    xs = np.linspace(2, SPARK_W - 2, len(v))
    ys = SPARK_H - 3 - (v - lo) / span * (SPARK_H - 6)
    pts = " ".join(f"{x:.1f},{y:.1f}" for x, y in zip(xs, ys))
    return Markup(
        f'<svg class="spark" width="{SPARK_W}" height="{SPARK_H}" viewBox="0 0 {SPARK_W} {SPARK_H}" role="img" aria-label="{escape(label)}">'
        f"<title>{escape(label)}</title>"
        f'<polyline points="{pts}" fill="none" stroke="#0072B2" stroke-width="1.8" stroke-linejoin="round"/>'
        f'<circle cx="{xs[-1]:.1f}" cy="{ys[-1]:.1f}" r="2.4" fill="#0072B2"/></svg>'
    )


def peer_units(data: ReportData) -> tuple[pd.DataFrame, dict[str, str]]:
    p = data.peers()
    names = p.groupby("unit_code", sort=True)["unit_name"].last().astype(str).to_dict() if len(p) else {}
    return p, names


def monthly_all(peers: pd.DataFrame) -> pd.DataFrame:
    """:func:`monthly` of every unit, stacked in code order (``peers`` is sorted by unit and period).

    ``monthly`` works row by row, so one call over all units gives each unit's table."""
    rows = peers[peers["unit_code"].notna()] if "unit_code" in peers else peers.iloc[:0]
    if not len(rows):
        return pd.DataFrame(columns=["unit_code", "period_start", "period_end"])
    m = monthly(rows.reset_index(drop=True))
    m.insert(0, "unit_code", rows["unit_code"].to_numpy())
    return m


def summary_rows(data: ReportData) -> pd.DataFrame:
    """trend_summary rows of the report units' schema (all of them without a schema)."""
    s = data.summary
    if s.empty or "unit_code" not in s:
        return s.iloc[:0]
    if data.unit_schema and "unit_schema" in s:
        s = s[s["unit_schema"] == data.unit_schema]
    return s


class _Columns:
    """A frame's columns as Python lists (the values ``to_dict("records")`` gives), each made when first read."""

    def __init__(self, frame: pd.DataFrame):
        self.frame = frame
        self.names = list(frame.columns)
        self.known = set(self.names)
        self.lists: dict[str, list[Any]] = {}

    def value(self, column: str, i: int) -> Any:
        if column not in self.lists:
            self.lists[column] = self.frame[column].tolist()
        return self.lists[column][i]


class SummaryRow(Mapping[str, Any]):
    """One trend_summary row as a read-only mapping: its record, without converting the columns no one reads
    (the overview reads a few of 56 for each of ~2,000 rows)."""

    def __init__(self, columns: _Columns, i: int):
        self._c, self._i = columns, i

    def __getitem__(self, column: str) -> Any:
        if column not in self._c.known:
            raise KeyError(column)
        return self._c.value(column, self._i)

    def __iter__(self) -> Iterator[str]:
        return iter(self._c.names)

    def __len__(self) -> int:
        return len(self._c.names)


def summary_by_rate(data: ReportData) -> dict[tuple[str, str], Mapping[str, Any]]:
    """Each (unit code, rate)'s trend_summary row (the last one, should there be several)."""
    s = summary_rows(data)
    if s.empty or "unit_code" not in s:
        return {}
    cols = _Columns(s)
    codes, rates = s["unit_code"].astype(str).tolist(), s["rate"].astype(str).tolist()
    return {(c, r): SummaryRow(cols, i) for i, (c, r) in enumerate(zip(codes, rates))}


def _plain(x: Any) -> float | None:
    """A figure as JSON keeps it (a float, None when missing): the same whether rendered or read back."""
    return None if fmt.missing(x) else float(x)


def rows_table(rows: list[dict[str, Any]], frags: list[str] | None, **table: Any) -> Markup:
    """The table template with ``rows``, or with the rows already rendered (``frags``, one per row, in order)."""
    if frags is None:
        return render("sections/table.html.j2", rows=rows, **table)
    return render("sections/table.html.j2", rows_html=Markup("".join(frags)), **table)


def row_html(row: dict[str, Any]) -> str:
    """One row as the table template renders it (see templates/sections/table_rows.html.j2)."""
    return str(render("sections/table_rows.html.j2", rows=[row], row_headers=True))


def _unit_figures(code: str, name: str, kf: Any, plain: bool) -> dict[str, Any]:
    """A unit's figures of the table (its last 12 months' :class:`KeyFigures`); ``plain``: as JSON keeps them."""
    cur = kf.current
    f = {
        "code": code,
        "name": name,
        "received": cur.received if cur else None,
        "online": cur.online_share.value if cur else None,
        "late": cur.late if cur else None,
        "ontime": cur.ontime_report.value if cur else None,
        "ontime766": cur.ontime_766.value if cur else None,
        "backlog": kf.pending_overdue,
    }
    if plain:
        f = {k: v if k in ("code", "name") else _plain(v) for k, v in f.items()}
    return f


def _num_cell(x: Any, lang: str, pct: int | None = None) -> dict[str, Any]:
    """A number cell: the figure as shown, its sort key."""
    if fmt.missing(x):
        return {"text": fmt.DASH, "num": True, "key": ""}
    return {
        "text": fmt.pct(x, lang, pct) if pct is not None else fmt.num(x, lang),
        "num": True,
        "key": f"{float(x):.6f}",
    }


def _spark_label(name: str, series: list[float], S: Strings) -> str:
    """The sparkline's name for screen readers: the online share from its first to its last month."""
    vals = [x for x in series if not fmt.missing(x)]
    if len(vals) < 2:
        return ""
    key = "ov_spark_label" if vals[-1] >= vals[0] else "ov_spark_label_down"
    return S.f(key, unit=name, first=fmt.pct(vals[0], S.lang, 1), last=fmt.pct(vals[-1], S.lang, 1))


def _unit_row(f: dict[str, Any], series: list[float], rk: Mapping[str, Any], S: Strings) -> dict[str, Any]:
    """A unit's row of the table: ``f`` its figures, ``series`` its monthly online shares, ``rk`` its trend_summary
    row of the on-time rate (the rank and its interval)."""
    lang = S.lang
    band_ok = all(not fmt.missing(rk.get(k)) for k in ("rank_low", "rank_high", "n_ranked"))
    rank_ok = band_ok and not fmt.missing(rk.get("rank"))
    name, code = f["name"], f["code"]
    return {
        "cls": "",
        "cells": [
            {"text": name, "key": name, "href": None},
            {"text": code, "key": code},
            _num_cell(f["received"], lang),
            _num_cell(f["online"], lang, 1),
            {"svg": sparkline(series, _spark_label(name, series, S)), "key": None, "text": ""},
            _num_cell(f["late"], lang),
            _num_cell(f["ontime"], lang, 2),
            _num_cell(f["ontime766"], lang, 2),
            _num_cell(f["backlog"], lang),
            {
                "text": f"{int(rk['rank'])}/{int(rk['n_ranked'])}"
                if rank_ok
                else (S["kf_rank_none"] if band_ok else fmt.DASH),
                "num": True,
                "key": int(rk["rank"]) if rank_ok else "",
                "sub": S.f("kf_rank_interval", low=int(rk["rank_low"]), high=int(rk["rank_high"])) if band_ok else None,
            },
        ],
    }


def units_section(
    peers: pd.DataFrame,
    names: dict[str, str],
    mall: pd.DataFrame,
    summ: dict,
    S: Strings,
    cache: FragmentCache | None = None,
    keys: OverviewKeys | None = None,
    *,
    block_id: str = "ov-units",
    title: str | None = None,
    caption_key: str = "ov_caption_units",
    paragraphs: list[dict[str, str]] | None = None,
    ranked: bool = True,
) -> tuple[Section, list[dict[str, Any]]]:
    """Units table (one row per unit) and the per-unit figures it shows (for the narrative).

    With ``cache`` and ``keys``, a unit's row (and its figures) whose inputs are unchanged is read back.
    ``block_id``, ``title``, ``caption_key``, ``paragraphs``: the block's, for a table of another era or level
    (:mod:`motcua.report.overview_eras`). ``ranked`` False (the provincial bodies, never ranked): no rank column,
    rather than a column of dashes."""
    lang = S.lang
    figs = []
    rows = []
    frags: list[str] | None = None
    todo: set[str] | None = None
    hits: dict[str, Any] = {}
    if cache is not None and keys is not None:
        frags = []
        codes = sorted(peers["unit_code"].unique()) if len(peers) else []
        hits = {c: h for c in codes if (h := cache.get(keys.unit_row(c))) is not None}
        todo = set(codes) - set(hits)
    computed = key_figures_by_unit(peers, todo) if todo is None or todo else {}
    spark = mall.groupby("unit_code", sort=True)["online_rate"] if not todo or len(todo) > 1 else None
    for code in sorted({*computed, *hits}):
        if code in hits:
            figs.append(hits[code]["fig"])
            frags.append(hits[code]["html"])
            continue
        series = (
            (spark.get_group(code) if spark is not None else mall.loc[mall["unit_code"] == code, "online_rate"])
            .tail(SPARK_MONTHS)
            .tolist()
        )
        f = _unit_figures(code, names[code], computed[code], plain=frags is not None)
        figs.append(f)
        row = _unit_row(f, series, summ.get((code, "ontime_rate_report"), {}), S)
        if not ranked:
            row["cells"] = row["cells"][:-1]
        if frags is None:
            rows.append(row)
        else:
            html = row_html(row)
            frags.append(html)
            cache.put(keys.unit_row(code), {"fig": f, "html": html})  # type: ignore[union-attr]
    cols = [
        ("ov_col_unit", False),
        ("ov_col_code", False),
        ("ov_col_received", True),
        ("ov_col_online", True),
        ("ov_col_spark", False),
        ("ov_col_late", True),
        ("ov_col_ontime", True),
        ("ov_col_ontime766", True),
        ("ov_col_backlog", True),
        ("ov_col_rank", True),
    ][: None if ranked else -1]
    end = peers["period_end"].max() if len(peers) else None
    window = fmt.period(*windows(end)[0], lang) if end is not None else fmt.DASH
    table = rows_table(
        rows,
        frags,
        caption=S.f(caption_key, window=window),
        table_id=None,
        cls="units",
        columns=[{"label": S[k], "num": n, "sort": None} for k, n in cols],
        row_headers=True,
    )
    return Section(
        "units",
        render(
            "sections/block.html.j2",
            cls="units",
            id=block_id,
            title=title or S["ov_title_units"],
            paragraphs=paragraphs or [],
            tables=[table],
            download=None,
        ),
    ), figs
