"""``REPORTS/index.html``: every unit with headline figures, status and link; sortable, script optional.

Input: the manifest (``reports``: one entry per unit; ``overview``) and,
optionally, trend_summary (grain: one row per unit × rate) for the headline
figures. A failed unit is listed with its reason and no link. Sorting is a few
lines of inline script allowed by its CSP hash; with scripting disabled the
table is a plain table in code order, every link works.
"""
from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import datetime, timezone
from typing import Any

import pandas as pd

from motcua.config import load_config
from motcua.model.claims import trend_claim
from motcua.report import fmt
from motcua.report.html import render
from motcua.report.page import asset, page
from motcua.report.strings import strings


#: the trend_summary columns the index shows (headline figures, rank, trend claim: motcua.model.claims)
_SUMMARY_FIELDS = (
    "latest_rate", "latest_period_end", "rank", "rank_low", "rank_high", "n_ranked",
    "knots", "slope_pp_per_year", "slope_low", "slope_high", "slope_recent_pp_per_year", "slope_recent_low", "slope_recent_high",
)


def _summary_rows(summary: pd.DataFrame | None) -> dict[tuple[str, str], dict[str, Any]]:
    """Per (unit_code, rate), the fields of :data:`_SUMMARY_FIELDS` the summary has (a missing column is a missing key)."""
    out: dict[tuple[str, str], dict[str, Any]] = {}
    if summary is None or summary.empty or not {"unit_code", "rate"} <= set(summary.columns):
        return out
    schema = load_config().province.get("unit_schema")
    s = summary
    if schema and "unit_schema" in s and (s["unit_schema"] == schema).any():
        s = s[s["unit_schema"] == schema]
    fields = [c for c in _SUMMARY_FIELDS if c in s.columns]
    for code, rate, r in zip(s["unit_code"].tolist(), s["rate"].tolist(), s[fields].to_dict("records")):
        out[(str(code), str(rate))] = r
    return out


@dataclass(frozen=True, slots=True)
class Cell:
    """One table cell as sections/table.html.j2 reads it (attributes, not dict keys: the template's lookups
    then succeed at once instead of after a failed attribute lookup, ~4,900 cells per page at 700 units)."""

    text: str
    key: Any = None
    num: bool = False
    href: str | None = None
    sub: str | None = None
    svg: Any = None


def _cell(text: str, key: Any = None, num: bool = False, **kw: Any) -> Cell:
    return Cell(text, None if key is None or fmt.missing(key) else key, num, **kw)


def _rate_cell(row: dict[str, Any] | None, lang: str, digits: int) -> dict[str, Any]:
    if not row or fmt.missing(row.get("latest_rate")):
        return _cell(fmt.DASH, "", True)
    v = float(row["latest_rate"])
    return _cell(fmt.pct(v, lang, digits), f"{v:.6f}", True, sub=fmt.month(row.get("latest_period_end"), lang))


def _rank_cell(row: dict[str, Any] | None, S: Any) -> dict[str, Any]:
    if not row or any(fmt.missing(row.get(k)) for k in ("rank", "rank_low", "rank_high", "n_ranked")):
        return _cell(fmt.DASH, "", True)
    text = f"{int(row['rank'])}/{int(row['n_ranked'])}"
    return _cell(text, int(row["rank"]), True, sub=S.f("kf_rank_interval", low=int(row["rank_low"]), high=int(row["rank_high"])))


def _trend_cell(row: dict[str, Any] | None, S: Any) -> dict[str, Any]:
    """Direction only when the interval that applies excludes 0 (the recent slope when the trend bends)."""
    c = trend_claim(row)
    if c is None:
        return _cell(fmt.DASH, "")
    text = S[f"trend_{c.direction}"]
    slope = fmt.signed_small(c.slope, S.lang)
    return _cell(text, text, sub=S.f("ix_trend_recent", slope=slope) if c.recent else slope)


def safe_href(path: Any) -> str | None:
    """A manifest path as a link only if it is relative inside the reports folder (no scheme, no //, no ..)."""
    p = str(path or "")
    if not p or re.match(r"^[a-zA-Z][a-zA-Z0-9+.-]*:", p) or p.startswith(("/", "\\")) or ".." in p.split("/"):
        return None
    return p


def render_index(manifest: dict[str, Any], *, lang: str, summary: pd.DataFrame | None = None) -> str:
    """The index page of a reports folder (links relative to it)."""
    S = strings(lang)
    cfg = load_config()
    province = str(cfg.province.get("province_name", ""))
    rows_by = _summary_rows(summary)
    entries = sorted(manifest.get("reports", []) or [], key=lambda e: str(e.get("unit_code", "")))
    rows = []
    failed = 0
    for e in entries:
        code = str(e.get("unit_code", ""))
        name = str(e.get("unit_name", "")) or code
        ok = e.get("status") == "ok"
        failed += 0 if ok else 1
        status = _cell(S["ix_status_ok"], "1") if ok else _cell(S["ix_status_failed"], "0", sub=S.f("ix_reason", reason=str(e.get("reason", "") or "–")))
        cells = [
            _cell(name, name, href=safe_href(e.get("path")) if ok else None),
            _cell(code, code),
            status,
            _rate_cell(rows_by.get((code, "online_rate")), lang, 1),
            _rate_cell(rows_by.get((code, "ontime_rate_report")), lang, 2),
            _rank_cell(rows_by.get((code, "ontime_rate_report")), S),
            _trend_cell(rows_by.get((code, "online_rate")), S),
        ]
        rows.append({"cells": cells, "cls": "" if ok else "failed"})
    columns = [
        {"label": S["ix_col_unit"], "num": False, "sort": "text"},
        {"label": S["ix_col_code"], "num": False, "sort": "text"},
        {"label": S["ix_col_status"], "num": False, "sort": "text"},
        {"label": S["ix_col_online"], "num": True, "sort": "number"},
        {"label": S["ix_col_ontime"], "num": True, "sort": "number"},
        {"label": S["ix_col_rank"], "num": True, "sort": "number"},
        {"label": S["ix_col_trend"], "num": False, "sort": "text"},
    ]
    table = render("sections/table.html.j2", caption=S["ix_caption_static"], table_id="units", cls="index",
                   columns=columns, rows=rows, row_headers=True, sort_hint=S["sort_hint"])
    ov = manifest.get("overview") or None
    if ov and not safe_href(ov.get("path")):
        ov = {**ov, "status": "failed", "reason": ov.get("reason") or "invalid path"}
    body = render(
        "sections/index.html.j2", S=S, province=province, synthetic=bool(manifest.get("synthetic")),
        overview=ov, overview_ok=bool(ov and ov.get("status") == "ok"), table=table,
        summary_line=S.f("ix_failed_summary", n=failed) if failed else S.f("ix_all_ok", n=len(entries)),
        failed=failed,
    )
    stamp = None
    if manifest.get("built_at") or manifest.get("code_version"):
        stamp = f"{_stamp_time(manifest.get('built_at', ''))} · motcua {manifest.get('code_version', '')}"
    title = f"{S['index_kind']} · {province}" if province else S["index_kind"]
    return page(lang=lang, title=title, body=str(body), stamp_label=S["build_stamp"], build_stamp=stamp, script=asset("sort.js"))


def _stamp_time(built_at: str) -> str:
    """The manifest's ISO time as the reports print it ("2026-11-23 14:00 UTC")."""
    try:
        when = datetime.fromisoformat(built_at)
    except (TypeError, ValueError):
        return str(built_at or "")
    return f"{when.astimezone(timezone.utc):%Y-%m-%d %H:%M} UTC"
