"""The province overview (notebook 40): all report units side by side.

Sections: header, narrative, continuity (the province across the 1 July 2025 reform, with its scope:
:mod:`motcua.report.continuity`; empty without continuity.parquet's series after the reform), units (table with
inline SVG sparklines),
published (figures stated in documents beside the panel's, :mod:`motcua.report.published`;
empty without DATA/published.csv), small_multiples, ranking (forest plots + table with intervals), funnels,
quality (findings by unit and severity, by rule), footer.
Grain of the units table: one row per unit (the config's schema and level),
figures over each unit's last 12 months (:mod:`motcua.report.figures`).
"""

from __future__ import annotations

from collections.abc import Iterable, Iterator, Mapping
from pathlib import Path
from typing import Any

import numpy as np
import pandas as pd
from markupsafe import Markup, escape

from motcua.locations import chart_cache, fragment_cache
from motcua.model.claims import trend_claim, trend_direction
from motcua.report import continuity, fmt
from motcua.report.chart_cache import ChartCache
from motcua.report.context import ReportData, load_data, quality_unit_codes, quality_unit_values
from motcua.report.district import SEVERITY_ORDER, _severity, footer_section, rule_label
from motcua.report.figures import key_figures_by_unit, monthly, window_figures, windows
from motcua.report.fragment_cache import FragmentCache
from motcua.report.html import Report, Section, render
from motcua.report.overview_charts import province_funnel, ranking_chart, small_multiples
from motcua.report.overview_keys import OverviewKeys, overview_keys, quality_key
from motcua.report.overview_par import overview_par_section
from motcua.report.published import published_section
from motcua.report.strings import Strings, cap, strings

RATES = ("online_rate", "ontime_rate_report", "ontime_rate_766")
SPARK_W, SPARK_H, SPARK_MONTHS = 120, 28, 24
#: Row key of the quality summary for findings naming a unit no report unit matches.
UNMATCHED = "\x00unmatched"


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


class UnitRows(Mapping[str, pd.DataFrame]):
    """Each report unit's panel rows (:meth:`ReportData.unit`), split off only when asked for: the published
    section needs the few units documents state figures for, and none without documents."""

    def __init__(self, data: ReportData, codes: Iterable[str]):
        self.data, self.codes = data, dict.fromkeys(codes)

    def __getitem__(self, code: str) -> pd.DataFrame:
        if code not in self.codes:
            raise KeyError(code)
        return self.data.unit(code)

    def __iter__(self) -> Iterator[str]:
        return iter(self.codes)

    def __len__(self) -> int:
        return len(self.codes)


def _units(data: ReportData) -> tuple[pd.DataFrame, dict[str, str]]:
    p = data.peers()
    names = p.groupby("unit_code", sort=True)["unit_name"].last().astype(str).to_dict() if len(p) else {}
    return p, names


def _monthly_all(peers: pd.DataFrame) -> pd.DataFrame:
    """:func:`monthly` of every unit, stacked in code order (``peers`` is sorted by unit and period).

    ``monthly`` works row by row, so one call over all units gives each unit's table."""
    rows = peers[peers["unit_code"].notna()] if "unit_code" in peers else peers.iloc[:0]
    if not len(rows):
        return pd.DataFrame(columns=["unit_code", "period_start", "period_end"])
    m = monthly(rows.reset_index(drop=True))
    m.insert(0, "unit_code", rows["unit_code"].to_numpy())
    return m


def header_section(
    data: ReportData, peers: pd.DataFrame, S: Strings, title: str | None = None, nav: list[dict[str, str]] | None = None
) -> Section:
    """The page's header; ``nav``: its links (default: the index beside it)."""
    lang = S.lang
    province = (
        str(peers["province_name"].dropna().iloc[-1])
        if len(peers) and "province_name" in peers
        else str(data.config.province.get("province_name", ""))
    )
    meta = [
        {"label": S["province"], "value": province or S["no_data"]},
        {
            "label": S["window"],
            "value": fmt.period(peers["period_start"].min(), peers["period_end"].max(), lang)
            if len(peers)
            else S["no_data"],
        },
        {"label": S["as_of"], "value": fmt.day(data.as_of(), lang)},
    ]
    nav = nav or [{"href": "index.html", "text": S["nav_index"]}]
    return Section(
        "header",
        render(
            "sections/header.html.j2",
            S=S,
            synthetic=data.synthetic,
            nav=nav,
            kind=S["overview_kind"],
            title=title or province or S["overview_kind"],
            meta=meta,
        ),
    )


def _summary_rows(data: ReportData) -> pd.DataFrame:
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


def _summary(data: ReportData) -> dict[tuple[str, str], Mapping[str, Any]]:
    """Each (unit code, rate)'s trend_summary row (the last one, should there be several)."""
    s = _summary_rows(data)
    if s.empty or "unit_code" not in s:
        return {}
    cols = _Columns(s)
    codes, rates = s["unit_code"].astype(str).tolist(), s["rate"].astype(str).tolist()
    return {(c, r): SummaryRow(cols, i) for i, (c, r) in enumerate(zip(codes, rates))}


def _plain(x: Any) -> float | None:
    """A figure as JSON keeps it (a float, None when missing): the same whether rendered or read back."""
    return None if fmt.missing(x) else float(x)


def _rows_table(rows: list[dict[str, Any]], frags: list[str] | None, **table: Any) -> Markup:
    """The table template with ``rows``, or with the rows already rendered (``frags``, one per row, in order)."""
    if frags is None:
        return render("sections/table.html.j2", rows=rows, **table)
    return render("sections/table.html.j2", rows_html=Markup("".join(frags)), **table)


def _row_html(row: dict[str, Any]) -> str:
    """One row as the table template renders it (see templates/sections/table_rows.html.j2)."""
    return str(render("sections/table_rows.html.j2", rows=[row], row_headers=True))


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
) -> tuple[Section, list[dict[str, Any]]]:
    """Units table (one row per unit) and the per-unit figures it shows (for the narrative).

    With ``cache`` and ``keys``, a unit's row (and its figures) whose inputs are unchanged is read back.
    ``block_id``, ``title``, ``caption_key``, ``paragraphs``: the block's, for a table of another era or level
    (:mod:`motcua.report.overview_eras`)."""
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
        kf = computed[code]
        cur = kf.current
        series = (
            (spark.get_group(code) if spark is not None else mall.loc[mall["unit_code"] == code, "online_rate"])
            .tail(SPARK_MONTHS)
            .tolist()
        )
        vals = [x for x in series if not fmt.missing(x)]
        spark_label = ""
        if len(vals) >= 2:
            key = "ov_spark_label" if vals[-1] >= vals[0] else "ov_spark_label_down"
            spark_label = S.f(key, unit=names[code], first=fmt.pct(vals[0], lang, 1), last=fmt.pct(vals[-1], lang, 1))
        rk = summ.get((code, "ontime_rate_report"), {})
        band_ok = all(not fmt.missing(rk.get(k)) for k in ("rank_low", "rank_high", "n_ranked"))
        rank_ok = band_ok and not fmt.missing(rk.get("rank"))
        f = {
            "code": code,
            "name": names[code],
            "received": cur.received if cur else None,
            "online": cur.online_share.value if cur else None,
            "late": cur.late if cur else None,
            "ontime": cur.ontime_report.value if cur else None,
            "ontime766": cur.ontime_766.value if cur else None,
            "backlog": kf.pending_overdue,
        }
        if frags is not None:
            f = {k: v if k in ("code", "name") else _plain(v) for k, v in f.items()}
        figs.append(f)

        def num_cell(x: Any, pct: int | None = None) -> dict[str, Any]:
            if fmt.missing(x):
                return {"text": fmt.DASH, "num": True, "key": ""}
            return {
                "text": fmt.pct(x, lang, pct) if pct is not None else fmt.num(x, lang),
                "num": True,
                "key": f"{float(x):.6f}",
            }

        row = {
            "cls": "",
            "cells": [
                {"text": names[code], "key": names[code], "href": None},
                {"text": code, "key": code},
                num_cell(f["received"]),
                num_cell(f["online"], 1),
                {"svg": sparkline(series, spark_label), "key": None, "text": ""},
                num_cell(f["late"]),
                num_cell(f["ontime"], 2),
                num_cell(f["ontime766"], 2),
                num_cell(f["backlog"]),
                {
                    "text": f"{int(rk['rank'])}/{int(rk['n_ranked'])}"
                    if rank_ok
                    else (S["kf_rank_none"] if band_ok else fmt.DASH),
                    "num": True,
                    "key": int(rk["rank"]) if rank_ok else "",
                    "sub": S.f("kf_rank_interval", low=int(rk["rank_low"]), high=int(rk["rank_high"]))
                    if band_ok
                    else None,
                },
            ],
        }
        if frags is None:
            rows.append(row)
        else:
            html = _row_html(row)
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
    ]
    end = peers["period_end"].max() if len(peers) else None
    window = fmt.period(*windows(end)[0], lang) if end is not None else fmt.DASH
    table = _rows_table(
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


def narrative_section(
    peers: pd.DataFrame, names: dict[str, str], figs: list[dict[str, Any]], summ: dict, data: ReportData, S: Strings
) -> Section:
    lang = S.lang
    paras: list[str] = []
    if len(peers):
        (s, e), _ = windows(peers["period_end"].max())
        w = window_figures(peers, s, e)
        paras.append(
            S.f(
                "ov_nar_intro",
                window=fmt.period(s, e, lang),
                n=fmt.num(len(names), lang),
                received=fmt.num(w.received, lang),
                online=fmt.pct(w.online_share.value, lang, 1),
                late=fmt.num(w.late, lang),
                ontime=fmt.pct(w.ontime_report.value, lang, 2),
            )
        )
    ranked = [f for f in figs if f["online"] is not None]
    if len(ranked) >= 2:
        best = max(ranked, key=lambda f: (f["online"], f["code"]))
        worst = min(ranked, key=lambda f: (f["online"], f["code"]))
        paras.append(
            S.f(
                "ov_nar_best",
                unit=best["name"],
                value=fmt.pct(best["online"], lang, 1),
                worst=worst["name"],
                worst_value=fmt.pct(worst["online"], lang, 1),
            )
        )
    rising = [
        names[c]
        for (c, r), row in sorted(summ.items())
        if r == "online_rate" and c in names and trend_direction(row) == "up"
    ]
    if rising:
        paras.append(S.f("ov_nar_rising", units=", ".join(rising)))
    falling = [
        names[c]
        for (c, r), row in sorted(summ.items())
        if r == "ontime_rate_report" and c in names and trend_direction(row) == "down"
    ]
    if falling:
        paras.append(S.f("ov_nar_falling_ontime", units=", ".join(falling)))
    for rate in RATES:
        below = [
            names[c]
            for (c, r), row in sorted(summ.items())
            if r == rate and c in names and str(row.get("funnel_flag") or "").startswith("below")
        ]
        if below:
            paras.append(S.f("ov_nar_below_funnel", rate=S[f"rate_{rate}"], units=", ".join(below)))
    return Section(
        "narrative",
        render(
            "sections/narrative.html.j2",
            id="ov-nar",
            title=S["ov_narrative_title"],
            paragraphs=paras,
            lists=[],
            caveat=S["nar_caveat"],
        ),
    )


def small_multiples_section(
    mall: pd.DataFrame, names: dict[str, str], summ: dict, S: Strings, cache: ChartCache | None = None
) -> Section:
    lang = S.lang
    charts = []
    if len(mall):
        last = mall.sort_values("period_end").groupby("unit_code").tail(1).dropna(subset=["online_rate"])
        target = next(
            (
                row.get("target")
                for (c, r), row in summ.items()
                if r == "online_rate" and not fmt.missing(row.get("target"))
            ),
            None,
        )
        if len(last):
            b, w = last.loc[last["online_rate"].idxmax()], last.loc[last["online_rate"].idxmin()]
            alt = S.f(
                "ov_alt_small_multiples",
                window=fmt.period(mall["period_start"].min(), mall["period_end"].max(), lang),
                best=names.get(b["unit_code"], b["unit_code"]),
                best_value=fmt.pct(b["online_rate"], lang, 1),
                worst=names.get(w["unit_code"], w["unit_code"]),
                worst_value=fmt.pct(w["online_rate"], lang, 1),
            )
        else:
            alt = S["no_data"]
        charts.append(
            small_multiples(
                mall,
                names,
                "online_rate",
                S,
                kind="rate",
                target=target,
                alt=alt,
                caption=S["ov_small_multiples"],
                cache=cache,
            )
        )
        end = mall["period_end"].max()
        (s, e), _ = windows(end)
        late = mall[(mall["period_start"] >= s) & (mall["period_end"] <= e)].groupby("unit_code")["resolved_late"].sum()
        if len(late) and late.notna().any():
            wc = late.astype("float64").idxmax()
            alt2 = S.f("ov_alt_small_multiples_late", worst=names.get(wc, wc), worst_value=fmt.num(late[wc], lang))
        else:
            alt2 = S["no_data"]
        charts.append(
            small_multiples(
                mall,
                names,
                "resolved_late",
                S,
                kind="count",
                alt=alt2,
                caption=S["ov_small_multiples_ontime"],
                cache=cache,
            )
        )
    return Section(
        "small_multiples", render("sections/charts.html.j2", id="ov-sm", title=S["ov_small_multiples"], charts=charts)
    )


def _ranking_row(r: Mapping[str, Any], row: Mapping[str, Any], digits: int, S: Strings) -> dict[str, Any]:
    """One unit's row of a ranking table: ``r`` its comparison row, ``row`` its trend_summary row of the rate."""
    lang = S.lang
    c = trend_claim(row)  # the recent slope when the trend bends
    trend = (
        fmt.DASH
        if c is None
        else f"{fmt.signed_small(c.slope, lang)} ({fmt.signed_small(c.low, lang)} … {fmt.signed_small(c.high, lang)})"
    )
    if c is not None and c.recent:
        trend = S.f("ix_trend_recent", slope=trend)
    ok = not fmt.missing(r.get("rank_low")) and not fmt.missing(r.get("rank_high"))  # compared (a point rank or not)
    return {
        "cls": "",
        "cells": [
            {"text": str(r["unit_name"]), "key": None},
            {
                "text": str(int(r["rank"]))
                if not fmt.missing(r.get("rank"))
                else (S["kf_rank_none"] if ok else fmt.DASH),
                "num": True,
                "key": None,
            },
            {"text": f"{int(r['rank_low'])}–{int(r['rank_high'])}" if ok else fmt.DASH, "num": True, "key": None},
            {
                "text": f"{fmt.pct(r['shrunk_rate'], lang, digits)} ({fmt.pct(r['shrunk_low'], lang, digits)}–{fmt.pct(r['shrunk_high'], lang, digits)})"
                if ok
                else fmt.DASH,
                "num": True,
                "key": None,
            },
            {"text": fmt.pct(r["observed"], lang, digits), "num": True, "key": None},
            {"text": trend, "num": True, "key": None},
        ],
    }


def ranking_section(
    data: ReportData,
    summ: dict,
    S: Strings,
    cache: ChartCache | None = None,
    frags: FragmentCache | None = None,
    keys: OverviewKeys | None = None,
    section_id: str = "ov-rank",
    title: str | None = None,
) -> Section:
    """Forest plots and tables of ranks with intervals; with ``frags`` and ``keys``, unchanged rows are read back.
    The units ranked are ``data``'s peers (:meth:`ReportData.scoped`): one era and level, never two."""
    charts, tables = [], []
    for rate in ("ontime_rate_report", "online_rate"):
        comp = data.peer_comparison(rate)
        charts.append(ranking_chart(comp, rate, S, cache))
        if comp.empty:
            continue
        digits = 2 if rate.startswith("ontime") else 1
        ordered = comp.sort_values(["rank", "unit_code"], kind="stable", na_position="last")
        rows: list[dict[str, Any]] = []
        done: list[str] | None = None
        if frags is None or keys is None:
            for _, r in ordered.iterrows():
                rows.append(_ranking_row(r, summ.get((str(r["unit_code"]), rate), {}), digits, S))
        else:
            done = []
            for i, key in enumerate(keys.ranking_rows(ordered, rate)):
                hit = frags.get(key)
                if hit is None:
                    r = ordered.iloc[i]
                    hit = _row_html(_ranking_row(r, summ.get((str(r["unit_code"]), rate), {}), digits, S))
                    frags.put(key, hit)
                done.append(hit)
        cols = [
            ("ov_col_unit", False),
            ("ov_col_rank_only", True),
            ("ov_col_rank_interval", True),
            ("ov_col_shrunk", True),
            ("ov_col_observed", True),
            ("ov_col_trend", True),
        ]
        tables.append(
            _rows_table(
                rows,
                done,
                caption=S.f("ov_rank_caption", rate=S[f"rate_{rate}"]),
                table_id=None,
                cls="ranking",
                columns=[{"label": S[k], "num": n, "sort": None} for k, n in cols],
                row_headers=True,
            )
        )
    html = render("sections/charts.html.j2", id=section_id, title=title or S["ov_ranking_title"], charts=charts)
    html = Markup(str(html).replace("</section>", "".join(str(t) for t in tables) + "</section>"))
    return Section("ranking", html)


def funnels_section(data: ReportData, S: Strings, cache: ChartCache | None = None) -> Section:
    charts = [province_funnel(data.peer_comparison(rate), rate, S, cache) for rate in RATES]
    return Section(
        "funnels", render("sections/charts.html.j2", id="ov-funnel", title=S["ov_funnel_title"], charts=charts)
    )


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
    lang = S.lang
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
        cols += [{"label": cap(_severity(s, S)), "num": True, "sort": None} for s in levels] + [
            {"label": S["ov_dq_total"], "num": True, "sort": None}
        ]
        tables.append(
            render(
                "sections/table.html.j2",
                caption=S["ov_dq_caption"],
                table_id=None,
                cls="dq",
                columns=cols,
                rows=rows,
                row_headers=True,
            )
        )
        if "rule" in q:
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
                        {"text": _severity(r["_sev"], S), "key": None},
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
            tables.append(
                render(
                    "sections/table.html.j2",
                    caption=S["ov_dq_rules_caption"],
                    table_id=None,
                    cls="dq-rules",
                    columns=rcols,
                    rows=rrows,
                    row_headers=True,
                )
            )
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


def _province_code(data: ReportData, peers: pd.DataFrame) -> str | None:
    codes = peers["province_code"].dropna().astype(str) if "province_code" in peers else pd.Series([], dtype=str)
    code = codes.iloc[-1] if len(codes) else data.config.province.get("province_code")
    return str(code).zfill(2) if code else None


def _province_nav(S: Strings) -> list[dict[str, str]]:
    """A province page's links (it lies in REPORTS/provinces/): the index, the national page."""
    return [{"href": "../index.html", "text": S["nav_index"]}, {"href": "../province.html", "text": S["ix_national"]}]


def _panel_keys(data: ReportData) -> set[tuple[str, str]]:
    """(schema, code) of every unit of the data's panel."""
    p = data.panel
    schema = p["unit_schema"].astype(str) if "unit_schema" in p else pd.Series([""] * len(p), index=p.index)
    return set(zip(schema, p["unit_code"].astype(str)))


def province_overview(data_dir: str | Path, lang: str = "vi", cache: bool = True, province: str = "") -> Report:
    """All sections of the province overview.

    ``province`` (a code, "79"): the overview of that province's units only, for a national analysis
    (:func:`motcua.report.national.province_data`); "" (the default): every unit of the data.

    With ``cache`` (the default), charts are kept in DATA's chart cache (:func:`motcua.locations.chart_cache`)
    and a chart or small-multiples panel whose inputs are unchanged is read back, not drawn; so are the rows of the
    units and ranking tables and the quality section (:mod:`motcua.report.fragment_cache`, keys in
    :mod:`motcua.report.overview_keys`): a correction to one unit renders that unit's rows. Same page either way.
    """
    from motcua.report import overview_eras as eras

    S = strings(lang)
    province_code = str(province or "")
    everything = load_data(data_dir)
    if province_code:
        from motcua.report.national import province_data

        everything = province_data(everything, province_code)
    data = eras.main_scope(everything)  # the communes since the reform (else the one era the panel holds)
    provincial = eras.provincial_scope(everything, data)
    history = eras.history_scopes(everything, data)
    charts = ChartCache(chart_cache(Path(data_dir))) if cache else None
    stem = f"overview-{province_code.zfill(2)}-{lang}" if province_code else f"overview-{lang}"  # one file per page
    frags = FragmentCache(fragment_cache(Path(data_dir)) / f"{stem}.json") if cache else None
    peers, names = _units(data)
    mall = _monthly_all(peers)
    summ = _summary(data)
    keys = overview_keys(peers, _summary_rows(data), lang) if frags is not None else None
    units, figs = units_section(
        peers,
        names,
        mall,
        summ,
        S,
        frags,
        keys,
        title=S.f("ov_title_group", level=eras.level_label(data.unit_level, S)),
    )
    files = [str(s.get("file")) for s in data.meta.get("sources", []) or [] if isinstance(s, dict) and s.get("file")]
    if not files and "source" in peers:
        files = sorted({str(s) for s in peers["source"].dropna()})
    province = (
        str(peers["province_name"].dropna().iloc[-1])
        if len(peers) and "province_name" in peers
        else str(data.config.province.get("province_name", ""))
    )
    sections = [
        header_section(
            data,
            peers,
            S,
            eras.title(province, data, provincial, history, S),
            nav=_province_nav(S) if province_code else None,
        ),
        narrative_section(peers, names, figs, summ, data, S),
        continuity.province_section(everything.continuity, _province_code(data, peers), S),
        units,
        eras.provincial_section(provincial, S),
        published_section(
            data.published,
            UnitRows(data, names),
            names,
            data.unit_level,
            _province_code(data, peers),
            data.synthetic,
            S,
            data.unit_schema,
        ),
        overview_par_section(data_dir, data.published, S, _panel_keys(everything) if province_code else None),
        small_multiples_section(mall, names, summ, S, charts),
        ranking_section(data, summ, S, charts, frags, keys),
        funnels_section(data, S, charts),
        eras.history_section(history, S, charts, frags),
        quality_section(everything, eras.all_names([data, provincial, *history]), S, frags),  # every era's findings
        footer_section(
            data,
            files,
            data.summary.drop_duplicates("rate").set_index("rate")
            if len(data.summary) and "rate" in data.summary
            else pd.DataFrame(),
            S,
        ),
    ]
    if charts is not None:
        charts.prune()
    if frags is not None:
        frags.save()
    return Report("overview", sections)
