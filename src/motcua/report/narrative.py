"""The generated narrative of a district report: plain sentences, claims backed by the model.

Rules: a trend is called rising only if the 95 % interval of its
slope lies above 0, falling only if below; when the fitted trend bends (slope
changes at knots), the slope described is the recent one (at the latest
period, the pace the forecast continues) and the whole-period average is
only shown beside it, labelled, never as the basis of a direction
(:func:`motcua.model.claims.trend_claim`); a target is "likely" met only if the
model's probability is at least :data:`LIKELY`, "unlikely" at most
:data:`UNLIKELY`, otherwise "uncertain"; a rank is given with its interval;
a unit is called above/below the province only outside a funnel limit.
Counts and changes of counts are facts of the data and are stated as such.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

import pandas as pd

from motcua.model.claims import TrendClaim, direction, trend_claim
from motcua.report import fmt
from motcua.report.figures import KeyFigures, summary_value
from motcua.report.strings import Strings, cap

LIKELY = 0.9
UNLIKELY = 0.1
TREND_RATES = ("online_rate", "ontime_rate_report")


@dataclass
class Narrative:
    """Paragraphs and the two lists ("what improved", "needs attention"), as plain text."""

    paragraphs: list[str] = field(default_factory=list)
    good: list[str] = field(default_factory=list)
    attention: list[str] = field(default_factory=list)


def slope_direction(low: Any, high: Any) -> str | None:
    """ "up" if the interval is above 0, "down" if below, "flat" if it holds 0, None if missing.

    For a trend_summary row use :func:`motcua.model.claims.trend_claim`, which
    picks the interval that applies (the recent slope when the trend bends)."""
    return direction(low, high)


def _pct_for(rate: str, x: Any, lang: str) -> str:
    return fmt.pct(x, lang, 2 if rate.startswith("ontime") else 1)


def _slope_vals(slope: Any, low: Any, high: Any, lang: str) -> dict[str, str]:
    return dict(slope=fmt.signed_small(slope, lang), low=fmt.signed_small(low, lang), high=fmt.signed_small(high, lang))


def trend_sentence(rate: str, row: dict[str, Any], S: Strings) -> str:
    """One sentence on the trend of ``rate``, consistent with the model (see :func:`trend_claim`)."""
    lang = S.lang
    name = S[f"rate_{rate}"]
    c = trend_claim(row)
    if c is None:
        # few events (almost every dossier one outcome: a constant model), else a series too short to fit
        key = "nar_trend_few_events" if row.get("status") == "few_events" else "nar_trend_short"
        return S.f(key, rate=name, Rate=cap(name))
    vals = dict(rate=name, Rate=cap(name), **_slope_vals(c.slope, c.low, c.high, lang))
    if not c.recent:
        return S.f(f"nar_trend_{c.direction}", **vals)
    text = S.f(f"nar_trend_recent_{c.direction}", **vals)
    if c.average is not None:
        window = fmt.period(row.get("first_period_start"), row.get("last_period_end"), lang)
        key = "nar_trend_average" if window != fmt.DASH else "nar_trend_average_nowindow"
        text += " " + S.f(key, window=window, **_slope_vals(*c.average, lang))
    return text


def trend_list_item(rate: str, c: TrendClaim | None, S: Strings) -> tuple[str, str] | None:
    """("good" | "attention", text) for a trend the interval supports, None for a flat or unknown trend."""
    if c is None or c.direction == "flat":
        return None
    name = S[f"rate_{rate}"]
    key = ("nar_good_trend" if c.direction == "up" else "nar_bad_trend") + ("_recent" if c.recent else "")
    return ("good" if c.direction == "up" else "attention"), S.f(
        key, Rate=cap(name), slope=fmt.signed_small(c.slope, S.lang)
    )


def target_sentence(rate: str, row: dict[str, Any], S: Strings) -> str | None:
    p, target, when = row.get("p_meet_target"), row.get("target"), row.get("target_period_end")
    if fmt.missing(p) or fmt.missing(target) or fmt.missing(when):
        return None
    too = row.get("target_too_uncertain")
    if not fmt.missing(too) and bool(too):
        # the 95 % prediction interval is wider than forecast_max_width (config/model.yaml): no probability quoted
        lo, hi = row.get("target_low"), row.get("target_high")
        return S.f(
            "nar_target_too_uncertain",
            rate=S[f"rate_{rate}"],
            target=fmt.pct(target, S.lang, 0),
            month=fmt.month(when, S.lang),
            low=fmt.pct(lo, S.lang, 0),
            high=fmt.pct(hi, S.lang, 0),
        )
    key = "nar_target_likely" if p >= LIKELY else "nar_target_unlikely" if p <= UNLIKELY else "nar_target_uncertain"
    return S.f(
        key,
        rate=S[f"rate_{rate}"],
        target=fmt.pct(target, S.lang, 0),
        month=fmt.month(when, S.lang),
        p=probability(p, S),
    )


def probability(p: float, S: Strings) -> str:
    """A simulated probability: "trên 99%" / "dưới 1%" at the ends, never a bare "100%"."""
    if p > 0.99:
        return S["p_high"]
    if p < 0.01:
        return S["p_low"]
    return fmt.pct(p, S.lang, 0)


def rank_sentence(rate: str, row: dict[str, Any], S: Strings) -> str | None:
    r, lo, hi, n = (row.get(k) for k in ("rank", "rank_low", "rank_high", "n_ranked"))
    if any(fmt.missing(x) for x in (r, lo, hi, n)):
        return None
    vals = dict(rate=S[f"rate_{rate}"], rank=int(r), low=int(lo), high=int(hi), n=int(n))
    return S.f("nar_rank_sure" if int(lo) == int(hi) else "nar_rank", **vals)


def _row(summary: pd.DataFrame, rate: str) -> dict[str, Any]:
    if summary is None or summary.empty or rate not in summary.index:
        return {}
    return {k: summary_value(summary, rate, k) for k in summary.columns}


def district_narrative(
    unit_name: str, kf: KeyFigures, summary: pd.DataFrame, S: Strings, *, dissolved: bool = False
) -> Narrative:
    """The narrative of one unit from its key figures and its trend_summary rows (indexed by rate): volume and
    online share, resolution and late dossiers (facts), trends, targets and ranks (model), then what improved and
    what needs attention. ``dissolved``: the unit no longer exists, its window is its last 12 months (not "the
    latest 12 months", which run past its end)."""
    out = Narrative()
    if kf.current is None:
        out.paragraphs.append(S["no_data"])
        return out
    out.paragraphs.append(_volume_paragraph(unit_name, kf, S, dissolved))
    out.paragraphs += _resolution_paragraphs(kf, S)
    model = _model_paragraph(summary, S)
    if model:
        out.paragraphs.append(model)
    _rate_signals(out, summary, S)
    _shortfalls(out, kf, summary, S)
    return out


def _volume_paragraph(unit_name: str, kf: KeyFigures, S: Strings, dissolved: bool = False) -> str:
    """New dossiers and online share over the window, with their change on the window before."""
    lang = S.lang
    cur = kf.current
    ch = kf.received_change()
    if ch is None:
        rc = ""
    elif round(ch * 100, 1) == 0:
        rc = S["nar_received_same"]
    else:
        rc = S.f("nar_received_up" if ch > 0 else "nar_received_down", pct=fmt.num(abs(ch) * 100, lang, 1))
    dpp = kf.online_change_pp()
    if dpp is None:
        oc = ""
    elif round(dpp * 100, 1) == 0:
        oc = S["nar_online_same"]
    else:
        oc = S.f("nar_online_up" if dpp > 0 else "nar_online_down", pp=fmt.num(abs(dpp) * 100, lang, 1))
    # a unit whose data begin inside the window (a commune since 07/2025) is described over the months it has
    partial = not cur.complete and cur.first_start is not None and cur.first_start > cur.start
    return S.f(
        "nar_intro_partial" if partial else "nar_intro_last" if dissolved else "nar_intro",
        window=fmt.period(cur.first_start if partial else cur.start, cur.end, lang),
        unit=unit_name,
        n=fmt.num(cur.n_periods, lang),
        received=fmt.num(cur.received, lang),
        received_change=rc,
        online=fmt.pct(cur.online_share.value, lang, 1),
        online_change=oc,
    )


def _resolution_paragraphs(kf: KeyFigures, S: Strings) -> list[str]:
    """Dossiers resolved, on time (report definition) and late, and the overdue backlog at the latest cut-off."""
    lang = S.lang
    cur = kf.current
    paragraphs: list[str] = []
    if cur.resolved is not None:
        late, dl = cur.late, kf.late_change()
        if late is None:
            late_text = S["no_data"]
        elif late == 0 and not dl:
            late_text = S["nar_late_none"]
        elif dl is None or dl == 0:
            late_text = S.f("nar_late_some", late=fmt.num(late, lang))
        else:
            late_text = S.f(
                "nar_late_more" if dl > 0 else "nar_late_less", late=fmt.num(late, lang), diff=fmt.num(abs(dl), lang)
            )
        r = cur.ontime_report
        paragraphs.append(
            S.f(
                "nar_resolved",
                resolved=fmt.num(cur.resolved, lang),
                ontime=_pct_for("ontime", r.value, lang),
                num=fmt.num(r.num, lang),
                den=fmt.num(r.den, lang),
                late_text=late_text,
            )
        )
    if kf.pending_overdue:
        paragraphs.append(
            S.f("nar_backlog", month=fmt.month(kf.latest_end, lang), overdue=fmt.num(kf.pending_overdue, lang))
        )
    return paragraphs


def _model_paragraph(summary: pd.DataFrame, S: Strings) -> str:
    """Trends, targets and ranks, only what the intervals support ("" when the model says nothing)."""
    model_sentences = []
    for rate in TREND_RATES:
        row = _row(summary, rate)
        if not row:
            continue
        model_sentences.append(trend_sentence(rate, row, S))
        t = target_sentence(rate, row, S)
        if t:
            model_sentences.append(t)
    for rate in ("ontime_rate_report", "online_rate"):
        s = rank_sentence(rate, _row(summary, rate), S)
        if s:
            model_sentences.append(s)
    return " ".join(model_sentences)


def _rate_signals(out: Narrative, summary: pd.DataFrame, S: Strings) -> None:
    """Per rate: the trend claim, the funnel position and a latest month outside the band, as good or attention."""
    lang = S.lang
    for rate in ("online_rate", "ontime_rate_report", "ontime_rate_766"):
        row = _row(summary, rate)
        if not row:
            continue
        name = S[f"rate_{rate}"]
        item = trend_list_item(rate, trend_claim(row), S)
        if item is not None:
            (out.good if item[0] == "good" else out.attention).append(item[1])
        flag = row.get("funnel_flag") or ""
        if isinstance(flag, str) and flag.startswith("above"):
            out.good.append(S.f("nar_good_funnel", Rate=cap(name), flag=S.get(f"funnel_{flag}", flag)))
        elif isinstance(flag, str) and flag.startswith("below"):
            out.attention.append(S.f("nar_bad_funnel", Rate=cap(name), flag=S.get(f"funnel_{flag}", flag)))
        if row.get("latest_outside_band") is not None and bool(row.get("latest_outside_band")):
            z = row.get("latest_z")
            key = "nar_good_band" if (z is not None and not fmt.missing(z) and z > 0) else "nar_bad_band"
            (out.good if key == "nar_good_band" else out.attention).append(
                S.f(
                    key,
                    Rate=cap(name),
                    month=fmt.month(row.get("latest_period_end"), lang),
                    value=_pct_for(rate, row.get("latest_rate"), lang),
                )
            )


def _shortfalls(out: Narrative, kf: KeyFigures, summary: pd.DataFrame, S: Strings) -> None:
    """Rates below their target, more late dossiers than the window before, an overdue backlog: attention."""
    lang = S.lang
    cur, prev = kf.current, kf.previous
    target_rows = {r: _row(summary, r) for r in ("online_rate", "ontime_rate_report")}
    for rate, ratio in (("online_rate", cur.online_share), ("ontime_rate_report", cur.ontime_report)):
        target = target_rows[rate].get("target")
        if ratio.value is not None and not fmt.missing(target) and ratio.value < float(target):
            name = S[f"rate_{rate}"]
            out.attention.append(
                S.f(
                    "nar_bad_target",
                    Rate=cap(name),
                    window=fmt.period(cur.start, cur.end, lang),
                    value=_pct_for(rate, ratio.value, lang),
                    target=fmt.pct(target, lang, 0),
                )
            )
    dl = kf.late_change()
    if dl is not None and dl > 0 and prev is not None:
        out.attention.append(S.f("nar_bad_late_more", prev=fmt.num(prev.late, lang), late=fmt.num(cur.late, lang)))
    if kf.pending_overdue:
        out.attention.append(
            S.f("nar_bad_backlog", overdue=fmt.num(kf.pending_overdue, lang), month=fmt.month(kf.latest_end, lang))
        )
