"""Units that ended at the 1 July 2025 reform: no forecast beyond their end.

Legacy units (``unit_schema`` "legacy": the districts and communes before the
reform) ceased to exist on ``schema_2025_from`` (config/ingest.yaml). Once the
data reach past that day (the panel's last period ends on or after it), a
forecast or a target probability for such a unit would describe a unit that no
longer exists, so their forecasts stop the day before the reform (none at all
for a series reaching 30/06/2025); the reports say so in words. Data that end
before the reform are read as of their own date, when the units still existed:
their forecasts are kept.
"""

from __future__ import annotations

from typing import Any

import numpy as np
import pandas as pd

LEGACY = "legacy"


def reform_date() -> pd.Timestamp | None:
    """The first day of the 2025 units (``schema_2025_from`` of config/ingest.yaml), None when not configured."""
    from motcua.ingest.names import settings

    v = settings().get("schema_2025_from")
    return pd.Timestamp(v) if v else None


def ended(schema: Any, last_end: Any, as_of: Any) -> pd.Timestamp | None:
    """The last day of a unit of ``schema`` whose series ends on ``last_end``, in data reaching ``as_of``: the day
    before the reform for a legacy unit whose series ends before it, when the data reach the reform; else None
    (the unit exists, or existed at the data's date)."""
    if str(schema) != LEGACY:
        return None
    r = reform_date()
    if r is None or as_of is None or pd.isna(as_of) or pd.Timestamp(as_of) < r:
        return None
    if last_end is None or pd.isna(last_end) or pd.Timestamp(last_end) >= r:
        return None
    return r - pd.Timedelta(days=1)


def series_end(schema: Any, period_end: np.ndarray, as_of: Any) -> pd.Timestamp | None:
    """:func:`ended` for a series' period ends (their latest read only for a legacy unit: the others never end)."""
    if str(schema) != LEGACY:
        return None
    return ended(schema, pd.Timestamp(np.max(period_end)) if len(period_end) else None, as_of)


def forecast_until(until: pd.Timestamp, end: pd.Timestamp | None) -> pd.Timestamp:
    """``until``, or the unit's last day (:func:`ended`) when it ended earlier."""
    return until if end is None else min(pd.Timestamp(until), end)
