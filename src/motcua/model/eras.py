"""Units that ended at the 1 July 2025 reform: no forecast beyond their end.

Legacy units (``unit_schema`` "legacy": the districts and communes before the
reform) ceased to exist on ``schema_2025_from`` (config/ingest.yaml). A
forecast or a target probability for such a unit would describe a unit that no
longer exists, so their forecasts stop the day before the reform (none at all
for a series reaching 30/06/2025); the reports say so in words.
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


def ended(schema: Any, last_end: Any) -> pd.Timestamp | None:
    """The last day of a unit of ``schema`` whose series ends on ``last_end``: the day before the reform for a
    legacy unit whose series ends before it, else None (the unit exists)."""
    if str(schema) != LEGACY:
        return None
    r = reform_date()
    if r is None or last_end is None or pd.isna(last_end) or pd.Timestamp(last_end) >= r:
        return None
    return r - pd.Timedelta(days=1)


def forecast_until(schema: Any, period_end: np.ndarray, until: pd.Timestamp) -> pd.Timestamp:
    """``until``, or the day before the reform for a legacy unit's series (:func:`ended`)."""
    last = pd.Timestamp(np.max(period_end)) if len(period_end) else None
    end = ended(schema, last)
    return until if end is None else min(pd.Timestamp(until), end)
