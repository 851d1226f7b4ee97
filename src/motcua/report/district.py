"""The district report (notebook 30): sections built from the cached DATA folder.

``district_report(unit_code, data_dir, lang)`` returns a :class:`Report`
whose sections (header, key_figures, narrative, charts, continuity, par, groups766,
quality, table, download, footer) display as finished, escaped HTML in a notebook;
par (:mod:`motcua.report.par`) is empty unless par_index.parquet holds the unit's PAR index scores;
groups766 (:mod:`motcua.report.groups766`) is empty unless the inputs hold
766 group columns or scores for the unit; continuity (:mod:`motcua.report.continuity`) is empty unless the unit is a
dissolved district with successor communes in continuity.parquet, or a 2025
commune with predecessors' rows there.
"""

from __future__ import annotations

import base64
import re
from pathlib import Path
from typing import Any

import pandas as pd

from motcua import products
from motcua.quality import RULES
from motcua.report import continuity, era_text, fmt
from motcua.report.context import ReportData, load_data
from motcua.report.district_shows import DISTRICT
from motcua.report.figures import KeyFigures, key_figures, monthly, summary_value
from motcua.report.forecast_note import forecast_note
from motcua.report.groups766 import groups766_section
from motcua.report.html import Report, Section, render
from motcua.report.model_notes import model_notes
from motcua.report.narrative import district_narrative
from motcua.report.national import unit_province_page
from motcua.report.par import district_par_section
from motcua.report.strings import Strings, strings
from motcua.report.unit_charts import ontime_chart, rate_chart, volume_chart
from motcua.report.unit_funnel import funnel_chart
from motcua.unit_codes import unit_code_param
from motcua.version import code_version

#: What this report shows, by input (tables, slices, clean_meta.json keys, parameters): the rebuild hash is made of
#: exactly these (motcua.pipeline.unit_hash); a section reading another input is declared in district_shows first.
SHOWS = DISTRICT
#: Quality findings listed in a district report (the rest are counted).
MAX_FINDINGS = 25
#: Columns of this unit's CSV download: the panel contract's, in order.
SEVERITY_ORDER = ("error", "warning", "info")


def _name(rows: pd.DataFrame, col: str) -> str:
    if col not in rows or rows.empty:
        return ""
    v = rows[col].dropna()
    return str(v.iloc[-1]) if len(v) else ""


def header_section(
    data: ReportData,
    rows: pd.DataFrame,
    unit_code: str,
    S: Strings,
    nav_prefix: str = "../",
    era: era_text.UnitEra | None = None,
) -> Section:
    lang = S.lang
    meta = [
        {"label": S["unit_code"], "value": unit_code},
        *([{"label": S["level_title"], "value": era_text.level_value(era, S)}] if era is not None else []),
        {"label": S["province"], "value": _name(rows, "province_name") or S["no_data"]},
        {
            "label": S["window"],
            "value": fmt.period(rows["period_start"].min(), rows["period_end"].max(), lang)
            if len(rows)
            else S["no_data"],
        },
        {"label": S["as_of"], "value": fmt.day(data.as_of(), lang)},
    ]
    nav = [{"href": f"{nav_prefix}index.html", "text": S["nav_index"]}]
    page = unit_province_page(data.panel, data.config.province.get("province_code"), rows)
    if page is None:
        nav.append({"href": f"{nav_prefix}province.html", "text": S["nav_overview"]})
    else:  # a national analysis: the unit's province page, then the national page of provinces
        nav += [
            {"href": f"{nav_prefix}{page}", "text": S["nav_overview"]},
            {"href": f"{nav_prefix}province.html", "text": S["ix_national"]},
        ]
    name = _name(rows, "unit_name") or unit_code
    html = render(
        "sections/header.html.j2",
        S=S,
        synthetic=data.synthetic,
        nav=nav,
        kind=S["report_kind"],
        title=era_text.title(name, era, S) if era is not None else name,
        meta=meta,
    )
    return Section("header", html)


def _no_prev(kf: KeyFigures, S: Strings) -> str:
    """Why there is no change: a structural break between the windows, or no complete previous window."""
    if kf.break_date is not None:
        return S.f("kf_no_prev_break", date=era_text.short_day(kf.break_date, S.lang))
    return S["kf_no_prev"]


def _change_pct(kf: KeyFigures, S: Strings) -> str:
    ch = kf.received_change()
    if ch is None:
        return _no_prev(kf, S)
    return S.f("kf_change_pct", change=fmt.signed(ch * 100, S.lang, 1), prev=fmt.num(kf.previous.received, S.lang))


def _rank_figure(key: str, label: str, row: dict[str, Any], S: Strings, formula: str | None = None) -> dict[str, Any]:
    """A rank key figure; ``formula`` names the rate (and its convention) the rank is by."""
    formula = formula or S["kf_rank_formula"]
    r, lo, hi, n = (row.get(k) for k in ("rank", "rank_low", "rank_high", "n_ranked"))
    if fmt.missing(r) and not any(fmt.missing(x) for x in (lo, hi, n)):
        # compared, but the units differ no more than chance would make them: no point rank (model/compare.py)
        return {
            "key": key,
            "label": label,
            "value": S["kf_rank_none"],
            "detail": S.f("kf_rank_none_detail", low=int(lo), high=int(hi), n=int(n)),
            "formula": formula,
        }
    if any(fmt.missing(x) for x in (r, lo, hi, n)):
        return {"key": key, "label": label, "value": S["no_data"], "detail": "", "formula": formula}
    return {
        "key": key,
        "label": label,
        "value": S.f("kf_rank_value", rank=int(r), n=int(n)),
        "detail": S.f("kf_rank_interval", low=int(lo), high=int(hi)),
        "formula": formula,
    }


def key_figures_list(
    kf: KeyFigures, summary: pd.DataFrame, S: Strings, era: era_text.UnitEra | None = None
) -> list[dict[str, Any]]:
    """The key figures as label/value/detail/formula records (plain text), with data-key-figure names; a dissolved
    unit's first figure says so."""
    lang = S.lang
    cur, prev = kf.current, kf.previous
    nd = S["no_data"]
    status = era_text.status_figure(era, S) if era is not None else None
    if cur is None:
        return [
            *([status] if status else []),
            {"key": "received_12m", "label": S["kf_received"], "value": nd, "detail": "", "formula": ""},
        ]
    figs: list[dict[str, Any]] = [status] if status else []
    figs.append(
        {
            "key": "received_12m",
            "label": S["kf_received"],
            "value": fmt.num(cur.received, lang) if cur.received is not None else nd,
            "detail": _change_pct(kf, S),
            "formula": S["kf_received_formula"],
        }
    )
    dpp = kf.online_change_pp()
    figs.append(
        {
            "key": "online_share",
            "label": S["kf_online"],
            "value": fmt.pct(cur.online_share.value, lang, 1) if cur.online_share.value is not None else nd,
            "detail": S.f("kf_change_pp", change=fmt.pp(dpp, lang), prev=fmt.pct(prev.online_share.value, lang, 1))
            if dpp is not None
            else _no_prev(kf, S),
            "formula": S["kf_online_formula"],
        }
    )
    dl = kf.late_change()
    if dl is None:
        late_detail = _no_prev(kf, S)
    elif dl == 0:
        late_detail = S["kf_change_count_same"]
    else:
        late_detail = S.f(
            "kf_change_count_more" if dl > 0 else "kf_change_count_less",
            n=fmt.num(abs(dl), lang),
            prev=fmt.num(prev.late, lang),
        )
    figs.append(
        {
            "key": "late_count",
            "label": S["kf_late"],
            "value": fmt.num(cur.late, lang) if cur.late is not None else nd,
            "detail": late_detail,
            "formula": S["kf_late_formula"],
            "alert": bool(dl and dl > 0),
        }
    )
    for key, ratio, lab in (
        ("ontime_report", cur.ontime_report, "kf_ontime_report"),
        ("ontime_766", cur.ontime_766, "kf_ontime_766"),
    ):
        # 766: the denominator is dossiers resolved in the window plus those pending at its last
        # cut-off (a stock, taken once: motcua.rates window_formula), so it is a count of dossiers
        fraction = dict(num=fmt.num(ratio.num, lang), den=fmt.num(ratio.den, lang))
        detail = (
            S.f("kf_fraction_766", date=fmt.day(ratio.as_of, lang), **fraction)
            if ratio.as_of is not None
            else S.f("kf_fraction", **fraction)
        )
        figs.append(
            {
                "key": key,
                "label": S[lab],
                "value": fmt.pct(ratio.value, lang, 2) if ratio.value is not None else nd,
                "detail": detail if ratio.value is not None else "",
                "formula": S["kf_ontime_766_window_formula"] if key == "ontime_766" else S[f"{lab}_formula"],
            }
        )
    figs.append(
        {
            "key": "overdue_backlog",
            "label": S["kf_backlog"],
            "value": fmt.num(kf.pending_overdue, lang) if kf.pending_overdue is not None else nd,
            "detail": S.f("kf_backlog_of", total=fmt.num(kf.pending_total, lang))
            if kf.pending_total is not None
            else "",
            "formula": S.f("kf_backlog_formula", month=fmt.month(kf.latest_end, lang)),
            "alert": bool(kf.pending_overdue),
        }
    )

    def row(rate: str) -> dict[str, Any]:
        return {k: summary_value(summary, rate, k) for k in ("rank", "rank_low", "rank_high", "n_ranked")}

    # the on-time rank is by the report convention ((8)+(9))/(7), as its label and formula say
    figs.append(_rank_figure("rank", S["kf_rank_ontime"], row("ontime_rate_report"), S, S["kf_rank_ontime_formula"]))
    figs.append(_rank_figure("rank_online", S["kf_rank_online"], row("online_rate"), S, S["kf_rank_online_formula"]))
    for f in figs:
        f.setdefault("alert", False)
    return figs


def key_figures_section(
    kf: KeyFigures, summary: pd.DataFrame, S: Strings, era: era_text.UnitEra | None = None
) -> Section:
    lang = S.lang
    note = ""
    if kf.current is not None:
        cur = kf.current
        vals = dict(
            window=fmt.period(cur.start, cur.end, lang), prev=fmt.period(kf.previous.start, kf.previous.end, lang)
        )
        if not cur.complete and cur.first_start is not None and cur.first_start > cur.start:
            note = S.f(
                "kf_window_partial", window=fmt.period(cur.first_start, cur.end, lang), n=fmt.num(cur.n_periods, lang)
            )
        elif kf.break_date is not None:
            note = S.f("kf_window_break", date=era_text.short_day(kf.break_date, lang), **vals)
        else:
            note = S.f("kf_window_dissolved" if era is not None and era.dissolved else "kf_window", **vals)
    return Section(
        "key_figures",
        render("sections/key_figures.html.j2", S=S, window_note=note, figures=key_figures_list(kf, summary, S, era)),
    )


def narrative_section(
    unit_name: str, kf: KeyFigures, summary: pd.DataFrame, S: Strings, era: era_text.UnitEra | None = None
) -> Section:
    n = district_narrative(unit_name, kf, summary, S, dissolved=era is not None and era.dissolved)
    if era is not None:
        from motcua.model.settings import settings_from_config

        window = (kf.current.start, kf.current.end) if kf.current is not None else None
        extra = era_text.sentences(unit_name, era, window, settings_from_config().min_periods_for_trend, S)
        if extra:
            n.paragraphs.insert(min(1, len(n.paragraphs)), " ".join(extra))
    lists = [
        {"cls": "good", "title": S["nar_good_title"], "items": n.good or [S["nar_none_good"]]},
        {"cls": "attention", "title": S["nar_attention_title"], "items": n.attention or [S["nar_none_bad"]]},
    ]
    return Section(
        "narrative",
        render(
            "sections/narrative.html.j2",
            id="nar",
            title=S["nar_title"],
            paragraphs=n.paragraphs,
            lists=lists,
            caveat=S["nar_caveat"],
        ),
    )


def _summary_row(summary: pd.DataFrame, rate: str) -> dict[str, Any]:
    if summary is None or summary.empty or rate not in summary.index:
        return {}
    return {k: summary_value(summary, rate, k) for k in summary.columns}


def charts_section(
    data: ReportData,
    unit_code: str,
    unit_name: str,
    m: pd.DataFrame,
    kf: KeyFigures,
    summary: pd.DataFrame,
    S: Strings,
    dissolved: bool = False,
) -> Section:
    charts = [
        volume_chart(m, unit_name, S),
        rate_chart(
            m,
            data.unit_trends(unit_code, "online_rate"),
            _summary_row(summary, "online_rate"),
            "online_rate",
            unit_name,
            S,
        ),
        ontime_chart(
            m,
            data.unit_trends(unit_code, "ontime_rate_report"),
            _summary_row(summary, "ontime_rate_report"),
            kf.current.late if kf.current else None,
            unit_name,
            S,
        ),
        funnel_chart(data, unit_code, unit_name, S, caption_key="ch_funnel_last" if dissolved else "ch_funnel"),
    ]
    return Section("charts", render("sections/charts.html.j2", id="ch", title=S["ch_title"], charts=charts))


_QUALITY_PERIOD = re.compile(r"^\s*(\d{2})/(\d{2})/(\d{4})\s*[–-]\s*(\d{2})/(\d{2})/(\d{4})\s*$")


def period_label(v: Any, lang: str) -> str:
    """A finding's period ("01/07/2022–31/07/2022" in quality.csv) as the report writes periods: whole months as
    months ("07/2022", "Jul 2022"; "01/2025–03/2025"), other spans day to day in the report's language; anything
    else as written."""
    m = _QUALITY_PERIOD.match(str(v)) if not fmt.missing(v) else None
    if not m:
        return "" if fmt.missing(v) else str(v)
    d1, m1, y1, d2, m2, y2 = (int(x) for x in m.groups())
    try:
        start, end = pd.Timestamp(y1, m1, d1), pd.Timestamp(y2, m2, d2)
    except ValueError:
        return str(v)
    if start.day == 1 and end == end + pd.offsets.MonthEnd(0) and start <= end:
        return fmt.period(start, end, lang)
    return f"{fmt.day(start, lang)}–{fmt.day(end, lang)}"


def severity_label(v: str, S: Strings) -> str:
    return S.get(f"severity_{str(v).lower()}", str(v)) or str(v)


def rule_label(rule: str, S: Strings) -> str:
    """A quality rule's description in the report's language (clean.quality.RULES), the rule id if unknown."""
    r = str(rule)
    pair = RULES.get(r.strip())
    if not pair:
        return r
    return pair[0] if S.lang == "vi" else pair[1]


def _shared_findings(data: ReportData, rows: pd.DataFrame) -> int:
    """Findings tied to no unit in the files this unit's rows come from (e.g. a column a file's layout ignores)."""
    q = data.quality
    if q.empty or "file" not in q or "source" not in rows:
        return 0
    files = {str(f) for f in rows["source"].dropna()}
    return int(((data.quality_unit_codes() == "") & q["file"].astype(str).isin(files)).sum())


def quality_section(
    data: ReportData, unit_code: str, summary: pd.DataFrame, S: Strings, rows: pd.DataFrame | None = None
) -> Section:
    """This unit's data-quality findings (matched by code or name, :meth:`ReportData.unit_quality`), rules in
    words, and notes on its trend models from structured fields (:func:`motcua.report.model_notes.model_notes`)."""
    lang = S.lang
    paragraphs: list[dict[str, str]] = []
    tables = []
    rows = data.unit(unit_code) if rows is None else rows
    q = data.unit_quality(unit_code)
    if q is None:
        paragraphs.append({"text": S["dq_unavailable"], "cls": ""})
    elif q.empty:
        paragraphs.append({"text": S["dq_none"], "cls": ""})
    else:
        sev = q["severity"].str.lower() if "severity" in q else pd.Series(["info"] * len(q), index=q.index)
        counts = sev.value_counts()
        order = [s for s in SEVERITY_ORDER if s in counts.index] + sorted(set(counts.index) - set(SEVERITY_ORDER))
        by = ", ".join(f"{fmt.num(counts[s], lang)} {severity_label(s, S)}" for s in order)
        paragraphs.append({"text": S.f("dq_some", n=fmt.num(len(q), lang), by_severity=by), "cls": ""})
        rank = {s: i for i, s in enumerate(SEVERITY_ORDER)}
        qs = q.assign(_r=sev.map(lambda s: rank.get(s, 9))).sort_values(["_r"], kind="stable").head(MAX_FINDINGS)
        if len(q) > MAX_FINDINGS:
            paragraphs.append({"text": S.f("dq_shown", shown=fmt.num(MAX_FINDINGS, lang)), "cls": "note"})
        cols = [
            ("period", "dq_col_period"),
            ("rule", "dq_col_rule"),
            ("severity", "dq_col_severity"),
            ("message", "dq_col_message"),
            ("file", "dq_col_file"),
            ("row", "dq_col_row"),
        ]
        cols = [(c, k) for c, k in cols if c in qs]
        show = {
            "severity": lambda v: severity_label(v, S),
            "rule": lambda v: rule_label(v, S),
            "period": lambda v: period_label(v, lang),
        }
        # each cell carries its column's name: on a phone the table becomes one card per finding (report.css)
        trows = [
            {
                "cells": [
                    {"text": show.get(c, str)(r[c]), "num": c == "row", "key": None, "label": S[k]} for c, k in cols
                ],
                "cls": "sev-" + re.sub(r"[^a-z]", "", str(r.get("severity", "")).lower()),
            }
            for _, r in qs.iterrows()
        ]
        tables.append(
            render(
                "sections/table.html.j2",
                caption=S["dq_caption"],
                table_id=None,
                cls="quality",
                columns=[{"label": S[k], "num": c == "row", "sort": None} for c, k in cols],
                rows=trows,
                row_headers=False,
            )
        )
    if q is not None:
        shared = _shared_findings(data, rows)
        if shared:
            paragraphs.append({"text": S.f("dq_shared", n=fmt.num(shared, lang)), "cls": "note"})
    # the model's English `notes` column is for analysts; readers get sentences of the strings catalog
    notes = model_notes(summary, rows, S)
    return Section(
        "quality",
        render(
            "sections/block.html.j2",
            cls="quality",
            id="dq",
            title=S["dq_title"],
            paragraphs=paragraphs,
            notes={"title": S["dq_model_notes"], "items": notes} if notes else None,
            tables=tables,
            download=None,
        ),
    )


def table_section(m: pd.DataFrame, unit_name: str, S: Strings) -> Section:
    lang = S.lang
    cols = [
        ("period", "tb_period", False),
        ("received_new", "tb_received", True),
        ("received_online", "tb_online", True),
        ("online_rate", "tb_online_share", True),
        ("resolved_total", "tb_resolved", True),
        ("resolved_late", "tb_late", True),
        ("ontime_rate_report", "tb_ontime_report", True),
        ("ontime_rate_766", "tb_ontime_766", True),
        ("pending_total", "tb_pending", True),
        ("pending_overdue", "tb_overdue", True),
    ]
    rows = []
    for _, r in m.iloc[::-1].iterrows():
        cells = []
        for c, _k, isnum in cols:
            if c == "period":
                text = fmt.period(r["period_start"], r["period_end"], lang)
            elif c.endswith("_rate") or c.startswith("ontime_rate"):
                text = fmt.pct(r[c], lang, 2 if c.startswith("ontime") else 1)
            else:
                text = fmt.num(r[c], lang)
            cells.append({"text": text, "num": isnum, "key": None})
        rows.append({"cells": cells, "cls": ""})
    table = render(
        "sections/table.html.j2",
        caption=S.f("tb_caption", unit=unit_name),
        table_id=None,
        cls="monthly",
        columns=[{"label": S[k], "num": isnum, "sort": None} for _c, k, isnum in cols],
        rows=rows,
        row_headers=True,
    )
    return Section(
        "table",
        render(
            "sections/block.html.j2",
            cls="monthly-table",
            id="tb",
            title=S["tb_title"],
            paragraphs=[],
            tables=[table],
            download=None,
        ),
    )


def csv_bytes(rows: pd.DataFrame) -> bytes:
    """The unit's panel rows as CSV (UTF-8 with BOM so Excel reads the diacritics), deterministic."""
    from motcua.panel import PANEL_COLUMNS

    cols = [c for c in PANEL_COLUMNS if c in rows] + [c for c in rows.columns if c not in PANEL_COLUMNS]
    out = rows[cols].copy()
    for c in ("period_start", "period_end"):
        if c in out:
            out[c] = pd.to_datetime(out[c]).dt.strftime("%Y-%m-%d")
    return b"\xef\xbb\xbf" + out.to_csv(index=False, lineterminator="\n").encode("utf-8")


def download_section(rows: pd.DataFrame, unit_code: str, S: Strings) -> Section:
    data = csv_bytes(rows)
    href = "data:text/csv;charset=utf-8;base64," + base64.b64encode(data).decode("ascii")
    filename = f"motcua-{re.sub(r'[^0-9A-Za-z_-]', '', unit_code) or 'unit'}.csv"
    dl = {"href": href, "filename": filename, "text": S.f("dl_link", n=fmt.num(len(rows), S.lang))}
    return Section(
        "download",
        render(
            "sections/block.html.j2",
            cls="download",
            id="dl",
            title=S["dl_title"],
            paragraphs=[{"text": S["dl_note"], "cls": "note"}],
            tables=[],
            download=dl,
        ),
    )


def sources_list(data: ReportData, files: list[str]) -> list[dict[str, str]]:
    """Source files with the short sha256 clean_meta.json gives them (matched by path or file name)."""
    shas: dict[str, str] = {}
    for s in data.meta.get("sources", []) or []:
        if isinstance(s, dict) and s.get("file"):
            shas[str(s["file"])] = str(s.get("sha256", ""))[:12]
            shas.setdefault(Path(str(s["file"])).name, str(s.get("sha256", ""))[:12])
    return [{"file": f, "sha": shas.get(f) or shas.get(Path(f).name, "")} for f in files]


def target_lines(summary: pd.DataFrame, S: Strings, targets: list[dict[str, Any]] | None = None) -> list[str]:
    """Each target with its source, in the report's language: ``targets`` (config/targets.yaml) give a source's
    English wording (``source_en``) for an English report; without one the source is quoted as written."""
    out = []
    if summary is None or summary.empty:
        return out
    label_col = f"target_label_{S.lang}"
    english = {str(t.get("rate")): str(t["source_en"]) for t in targets or [] if t.get("source_en")}
    for rate in summary.index:
        label, src = summary_value(summary, rate, label_col), summary_value(summary, rate, "target_source")
        if S.lang == "en" and rate in english:
            src = english[rate]
        if label:
            out.append(S.f("ft_target_item", label=str(label), source=str(src or S["no_data"])))
    return sorted(set(out), key=out.index)


def footer_section(data: ReportData, files: list[str], summary: pd.DataFrame, S: Strings) -> Section:
    srcs = sources_list(data, files)
    html = render(
        "sections/footer.html.j2",
        S=S,
        sources=srcs,
        sources_summary=S.f("ft_sources_count", n=fmt.num(len(srcs), S.lang)),
        targets=target_lines(summary, S, data.config.targets),
        forecast_note=forecast_note(S),
        generated=S.f("ft_generated", version=code_version()),
    )
    return Section("footer", html)


def _scoped(data: ReportData, code: str, unit_schema: str | None) -> ReportData:
    """The data seen from the unit (``unit_schema``, ``code``): its era's and level's peers and comparison."""
    if unit_schema is None:
        return data
    p = data.panel
    sel = p["unit_code"] == code
    if unit_schema and "unit_schema" in p:
        sel &= p["unit_schema"] == unit_schema
    levels = p.loc[sel, "unit_level"].dropna() if "unit_level" in p else pd.Series([], dtype=object)
    return data.scoped(unit_schema, str(levels.iloc[-1]) if len(levels) else None)


def district_report(unit_code: str, data_dir: str | Path, lang: str = "vi", unit_schema: str | None = None) -> Report:
    """All sections of one unit's report. Raises ValueError for a unit the panel does not hold.

    ``unit_code``: the code as text; a number is read as the code it names (:func:`motcua.unit_codes.unit_code_param`).

    ``unit_schema``: the unit's era ("legacy", "2025"; "" for a panel without schemas): a code may name a unit
    in each era. None: config/province.yaml's schema (as before both eras were reported)."""
    S = strings(lang)
    loaded = load_data(data_dir)
    code = unit_code_param(unit_code, loaded.panel, unit_schema)  # papermill's `-p unit_code 001` is the int 1
    data = _scoped(loaded, code, unit_schema)
    rows = data.unit(code)
    if rows.empty:
        raise ValueError(f"unit {code!r} (schema {unit_schema!r}) is not in {products.PANEL.path(data.data_dir)}")
    unit_name = _name(rows, "unit_name") or code
    era = era_text.unit_era(rows, data.unit_schema, data.unit_level, data.as_of())
    summary = data.unit_summary(code)
    kf = key_figures(rows)
    m = monthly(rows)
    files = sorted({str(s) for s in rows["source"].dropna()}) if "source" in rows else []
    sections = [
        header_section(data, rows, code, S, era=era),
        key_figures_section(kf, summary, S, era),
        narrative_section(unit_name, kf, summary, S, era),
        charts_section(data, code, unit_name, m, kf, summary, S, dissolved=era is not None and era.dissolved),
        continuity.unit_section(
            data.continuity, data.unit_schema, data.unit_level, code, unit_name, data.panel, S, era.dissolved
        ),
        district_par_section(data.data_dir, _name(rows, "unit_schema") or data.unit_schema, code, unit_name, S),
        groups766_section(data.data_dir, code, unit_schema if unit_schema is not None else data.unit_schema, S),
        quality_section(data, code, summary, S, rows),
        table_section(m, unit_name, S),
        download_section(rows, code, S),
        footer_section(data, files, summary, S),
    ]
    return Report("district", sections)
