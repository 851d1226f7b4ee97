"""Reader-facing notes about the trend models, in the report's language, from structured fields.

The model stage writes an English ``notes`` column in trend_summary.parquet
for analysts ("trend bends (curvature test p = 5.2e-20): …", "2 period(s)
with no dossiers", "no dossiers in the comparison window: not ranked"). A
report never prints it: :func:`model_notes` builds the same facts as
sentences of the strings catalog from the summary's structured columns
(``status``, ``knots``, ``breaks``, ``rank``, ``unit_level``) and the unit's
panel rows (periods without dossiers or without the counts a rate needs, and
how few events there are when a trend cannot be estimated), numbers and
months formatted by :mod:`motcua.report.fmt`. The analyst's notes stay in
trend_summary.parquet (notebook 20).
"""

from __future__ import annotations

from typing import Any

import pandas as pd
from babel.lists import format_list

from motcua.rates import RATES, successes_trials
from motcua.report import fmt
from motcua.report.figures import summary_value
from motcua.report.strings import Strings, cap

#: Rates in the order the notes are given.
ORDER = ("online_rate", "ontime_rate_report", "ontime_rate_766")
#: Model statuses (motcua.model.trend STATUS_*).
OK, SHORT, NO_DATA, FAILED, FEW_EVENTS = "ok", "short_series", "no_data", "fit_failed", "few_events"


def _dates(v: Any) -> list[pd.Timestamp]:
    """A comma-separated list of ISO dates (the summary's ``knots`` and ``breaks``) as timestamps."""
    if v is None or fmt.missing(v):
        return []
    out = []
    for part in str(v).replace(";", ",").split(","):
        part = part.strip()
        if part:
            try:
                out.append(pd.Timestamp(part))
            except (TypeError, ValueError):
                continue
    return out


def _months(dates: list[pd.Timestamp], lang: str) -> str:
    return format_list([fmt.month(d, lang) for d in dates], locale=fmt.locale_of(lang))


def _counts(rows: pd.DataFrame | None, rate: str) -> tuple[int, int, float, float] | None:
    """(periods without dossiers, periods lacking a count, successes, trials) of ``rate`` in the unit's rows."""
    if rows is None or rows.empty or rate not in RATES:
        return None
    r = RATES[rate]
    if not all(c in rows for c in (*r.numerator, *r.denominator)):
        return None
    num, den = successes_trials(rows, rate)
    undefined = int((num.isna() | den.isna()).sum())
    ok = num.notna() & den.notna()
    zero = int((den[ok] == 0).sum())
    return zero, undefined, float(num[ok].sum()), float(den[ok].sum())


def model_notes(summary: pd.DataFrame, rows: pd.DataFrame | None, S: Strings) -> list[str]:
    """Sentences about the unit's trend models (one or more per rate), empty when there is nothing to say.

    ``summary``: the unit's trend_summary rows indexed by rate (:meth:`ReportData.unit_summary`);
    ``rows``: the unit's panel rows.
    """
    if summary is None or summary.empty:
        return []
    lang = S.lang
    out: list[str] = []
    rates = [r for r in ORDER if r in summary.index] + sorted(r for r in summary.index if r not in ORDER)
    for rate in rates:
        name = S.get(f"rate_{rate}") or rate
        Rate = cap(name)

        def v(col: str) -> Any:
            return summary_value(summary, rate, col)

        status = str(v("status") or "")
        counts = _counts(rows, rate)
        if status == NO_DATA:
            out.append(S.f("mn_no_data", Rate=Rate))
            continue
        if status == SHORT:
            n = v("n_periods")
            out.append(
                S.f("mn_short", Rate=Rate, n=fmt.num(n, lang)) if n is not None else S.f("mn_short_plain", Rate=Rate)
            )
        elif status == FAILED:
            out.append(S.f("mn_failed", Rate=Rate))
        elif status == FEW_EVENTS:
            if counts is not None and counts[3] > 0:
                s, n = counts[2], counts[3]
                side = "failures" if (n - s) <= s else "successes"
                out.append(
                    S.f(
                        "mn_few_events",
                        Rate=Rate,
                        events=fmt.num(min(s, n - s), lang),
                        what=S[f"mn_what_{rate}_{side}"],
                        trials=fmt.num(n, lang),
                    )
                )
            else:
                out.append(S.f("mn_few_events_plain", Rate=Rate))
        knots = _dates(v("knots")) if status == OK else []
        if knots:
            out.append(S.f("mn_knots" if len(knots) > 1 else "mn_knot", Rate=Rate, months=_months(knots, lang)))
        breaks = _dates(v("breaks")) if status in (OK, FEW_EVENTS) else []
        if breaks:
            out.append(S.f("mn_breaks", Rate=Rate, months=_months(breaks, lang)))
        if counts is not None:
            zero, undefined = counts[0], counts[1]
            if zero:
                out.append(S.f("mn_zero_periods", Rate=Rate, n=fmt.num(zero, lang)))
            if undefined:
                out.append(S.f("mn_undefined_periods", Rate=Rate, n=fmt.num(undefined, lang)))
        if "rank" in summary.columns and v("rank") is None and str(v("unit_level") or "") != "province":
            lo, hi = v("rank_low"), v("rank_high")
            out.append(
                S.f("mn_not_ranked_no_difference", Rate=Rate, low=int(lo), high=int(hi))
                if lo is not None and hi is not None
                else S.f("mn_not_ranked", Rate=Rate)
            )
    return out
