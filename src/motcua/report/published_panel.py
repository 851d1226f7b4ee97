"""The panel's own figure for one published fact: the same metric over exactly the same period.

Grain: one :class:`PanelFigure` per fact, from one unit's panel rows (one row per period). Flows are
summed over the periods the fact's period covers; stocks are read at its start ((6) carried over) or
end ((11) pending); rates are computed from the summed counts. Quirk: no figure (with the reason) when
the panel lacks the metric, has no row, covers the period only partly or lacks a value.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

import pandas as pd

from motcua.report import fmt

#: metric → (formula in form columns, as the reader sees it). Stocks: (6) at the start, (11) at the end of the period.
PANEL_FORMULAS: dict[str, str] = {
    "received_total": "Σ((3) − (6)) + (6) đầu kỳ",
    "received_online": "Σ(4)",
    "received_offline": "Σ(5)",
    "carried_over": "(6) đầu kỳ",
    "resolved_total": "Σ(7)",
    "resolved_ontime": "Σ((8)+(9))",
    "resolved_late": "Σ(10)",
    "pending_total": "(11) cuối kỳ",
    "ontime_rate": "((8)+(9)) / (7)",
    "online_rate": "(4) / ((4)+(5))",
}
RATE_METRICS = {"ontime_rate", "online_rate"}


@dataclass
class PanelFigure:
    """The panel's figure for one fact (value in the fact's unit: counts, or percent for rates), or why there is none."""

    value: float | None
    reason: str = ""  # "" | "not_in_panel" | "no_rows" | "partial" | "missing_values"


def _days(start: pd.Timestamp, end: pd.Timestamp) -> int:
    return int((end - start).days) + 1


def panel_figure(rows: pd.DataFrame, start: Any, end: Any, metric: str) -> PanelFigure:
    """The panel figure of ``metric`` over exactly [start, end] from one unit's rows (one row per period).

    The unit's periods inside [start, end] must tile it exactly (first starts at ``start``, last ends at
    ``end``, no gap, no overlap), else there is no figure ("partial"): never a figure for a part of the period.
    Flows add up; (6) is taken at the start and (11) at the end (stocks at a cut-off; docs/domain.md "Periods").
    """
    if metric not in PANEL_FORMULAS:
        return PanelFigure(None, "not_in_panel")
    if fmt.missing(start) or fmt.missing(end) or rows.empty:
        return PanelFigure(None, "no_rows")
    s, e = pd.Timestamp(start), pd.Timestamp(end)
    r = rows[(rows["period_start"] >= s) & (rows["period_end"] <= e)].sort_values(["period_start", "period_end"])
    if r.empty:
        return PanelFigure(None, "no_rows")
    ps, pe = pd.to_datetime(r["period_start"]), pd.to_datetime(r["period_end"])
    tiles = (
        ps.iloc[0] == s
        and pe.iloc[-1] == e
        and (ps.iloc[1:].values == (pe.iloc[:-1] + pd.Timedelta(days=1)).values).all()
    )
    if not tiles or sum(_days(a, b) for a, b in zip(ps, pe)) != _days(s, e):
        return PanelFigure(None, "partial")

    def col(name: str) -> pd.Series | None:
        if name not in r:
            return None
        v = r[name]
        return None if v.isna().any() else v.astype("float64")

    def total(*names: str) -> float | None:
        cols = [col(n) for n in names]
        return None if any(c is None for c in cols) else float(sum(c.sum() for c in cols))

    value: float | None
    if metric == "received_total":
        rt, co = col("received_total"), col("carried_over")
        value = None if rt is None or co is None else float((rt - co).sum() + co.iloc[0])
    elif metric == "carried_over":
        co = col("carried_over")
        value = None if co is None else float(co.iloc[0])
    elif metric == "pending_total":
        pt = col("pending_total")
        value = None if pt is None else float(pt.iloc[-1])
    elif metric == "received_online":
        value = total("received_online")
    elif metric == "received_offline":
        value = total("received_offline")
    elif metric == "resolved_total":
        value = total("resolved_total")
    elif metric == "resolved_ontime":
        value = total("resolved_early", "resolved_ontime")
    elif metric == "resolved_late":
        value = total("resolved_late")
    elif metric == "ontime_rate":
        num, den = total("resolved_early", "resolved_ontime"), total("resolved_total")
        value = None if num is None or not den else 100.0 * num / den
    else:  # online_rate
        on, off = total("received_online"), total("received_offline")
        value = None if on is None or off is None or not (on + off) else 100.0 * on / (on + off)
    return PanelFigure(value, "" if value is not None else "missing_values")
