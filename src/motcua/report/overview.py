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

import pandas as pd

from motcua.locations import chart_cache, fragment_cache
from motcua.model.claims import trend_direction
from motcua.report import continuity, fmt
from motcua.report.chart_cache import ChartCache
from motcua.report.context import ReportData, load_data
from motcua.report.district import footer_section
from motcua.report.era_text import short_day
from motcua.report.eras import level_label
from motcua.report.figures import window_figures, windows
from motcua.report.fragment_cache import FragmentCache
from motcua.report.html import Report, Section, render
from motcua.report.overview_charts import province_funnel, small_multiples
from motcua.report.overview_keys import overview_keys
from motcua.report.overview_par import overview_par_section
from motcua.report.overview_quality import quality_section
from motcua.report.overview_ranking import ranking_section
from motcua.report.overview_units import monthly_all, peer_units, summary_by_rate, summary_rows, units_section
from motcua.report.published import PublishedScope, published_section
from motcua.report.strings import Strings, strings

RATES = ("online_rate", "ontime_rate_report", "ontime_rate_766")


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
                level=level_label(data.unit_level, S),
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


def funnels_section(data: ReportData, S: Strings, cache: ChartCache | None = None) -> Section:
    charts = [province_funnel(data.peer_comparison(rate), rate, S, cache) for rate in RATES]
    return Section(
        "funnels", render("sections/charts.html.j2", id="ov-funnel", title=S["ov_funnel_title"], charts=charts)
    )


def _province_code(data: ReportData, peers: pd.DataFrame) -> str | None:
    codes = peers["province_code"].dropna().astype(str) if "province_code" in peers else pd.Series([], dtype=str)
    code = codes.iloc[-1] if len(codes) else data.config.province.get("province_code")
    return str(code).zfill(2) if code else None


def _published_history(history: list[ReportData], S: Strings) -> list[PublishedScope]:
    """The legacy units of the page's history (districts to 30/6/2025), each scope with its own table of published
    figures beside the panel's: a figure the press stated about a district then is compared with that district."""
    out = []
    for scope in history:
        peers, names = peer_units(scope)
        if not len(peers):
            continue
        end = peers["period_end"].max()
        caption = S.f("pub_caption_history", level=level_label(scope.unit_level, S), date=short_day(end, S.lang))
        out.append(
            PublishedScope(
                UnitRows(scope, names),
                names,
                scope.unit_level,
                _province_code(scope, peers),
                scope.unit_schema,
                caption,
            )
        )
    return out


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
    peers, names = peer_units(data)
    mall = monthly_all(peers)
    summ = summary_by_rate(data)
    keys = overview_keys(peers, summary_rows(data), lang) if frags is not None else None
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
            history=_published_history(history, S) if data.published is not None else (),
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
