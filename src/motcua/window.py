"""The reporting window: which periods of the panel the model and the reports describe.

config/province.yaml ``window: {start, end}``; either may be left empty. An empty start takes the panel's
first period; an empty end takes the **latest complete month in the data**: the last day of a month that
some row's period ends on (a month, a quarter, a year…), never a day inside a month, so a file that runs
"from 1 to 14 December" does not cut the window short of November's end. The panel itself keeps every row;
only the model (and through it the reports) is limited to the window.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

import pandas as pd

__all__ = ["ReportingWindow", "reporting_window", "within_window"]


@dataclass(frozen=True)
class ReportingWindow:
    """Inclusive bounds (None: open); ``end_from_data`` when the end was taken from the data."""

    start: pd.Timestamp | None
    end: pd.Timestamp | None
    end_from_data: bool = False


def _date(v: Any) -> pd.Timestamp | None:
    if v is None or (isinstance(v, str) and not v.strip()):
        return None
    return pd.Timestamp(v).normalize()


def latest_complete_month_end(panel: pd.DataFrame) -> pd.Timestamp | None:
    """The last month end any row's period ends on (None for an empty panel)."""
    if panel.empty:
        return None
    ends = pd.to_datetime(panel["period_end"]).dt.normalize()
    month_ends = ends[ends.dt.is_month_end]
    return None if month_ends.empty else pd.Timestamp(month_ends.max())


def reporting_window(panel: pd.DataFrame, province: dict[str, Any] | None) -> ReportingWindow:
    """The window config/province.yaml sets, its empty end filled from the data."""
    w = dict((province or {}).get("window") or {})
    start, end = _date(w.get("start")), _date(w.get("end"))
    if end is None:
        return ReportingWindow(start, latest_complete_month_end(panel), True)
    return ReportingWindow(start, end, False)


def within_window(panel: pd.DataFrame, window: ReportingWindow) -> pd.DataFrame:
    """The rows whose whole period lies inside the window (the panel's grain and columns kept)."""
    keep = pd.Series(True, index=panel.index)
    if window.start is not None:
        keep &= pd.to_datetime(panel["period_start"]) >= window.start
    if window.end is not None:
        keep &= pd.to_datetime(panel["period_end"]) <= window.end
    return panel.loc[keep]
