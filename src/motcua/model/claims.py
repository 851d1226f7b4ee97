"""What a reader may be told about a unit's trend: one rule, used by every report and summary.

A trend_summary row carries two slopes in percentage points per year, each
with its 95 % interval:

* ``slope_pp_per_year`` / ``slope_low`` / ``slope_high``: the average of
  d p/d t over the unit's observed periods (whole-period average);
* ``slope_recent_pp_per_year`` / ``slope_recent_low`` / ``slope_recent_high``:
  d p/d t at the latest observed period — the pace the forecast continues.

When the fit is a straight line on the logit scale (``knots`` empty) the two
share one coefficient and the average is *the* trend. When the curvature
test let the slope change at knots (the trend *bends*), the average mixes
old and new paces: an online share that rose 18 points a year and then
levelled off has an average of +18 but a recent slope near 0, and a forecast
that is flat. Then the slope a reader is told about is the recent one; the
average may be shown beside it, labelled as the whole-period average, and is
never the basis of a direction word.

A direction ("up" / "down") is claimed only when the relevant 95 % interval
excludes 0; otherwise the trend is "flat" — not distinguishable from no
change. Missing inputs give no claim at all.
"""

from __future__ import annotations

import math
from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any


def _num(x: Any) -> float | None:
    if x is None:
        return None
    try:
        v = float(x)
    except (TypeError, ValueError):
        return None
    return v if math.isfinite(v) else None


def direction(low: Any, high: Any) -> str | None:
    """ "up" if the interval lies above 0, "down" if below, "flat" if it holds 0, None if missing."""
    lo, hi = _num(low), _num(high)
    if lo is None or hi is None:
        return None
    if lo > 0:
        return "up"
    if hi < 0:
        return "down"
    return "flat"


def bends(row: Mapping[str, Any]) -> bool:
    """True when the fitted trend may change slope at knots (trend_summary ``knots`` non-empty)."""
    k = row.get("knots")
    if k is None or (isinstance(k, float) and math.isnan(k)):
        return False
    if isinstance(k, str):
        return bool(k.strip())
    try:
        return len(k) > 0
    except TypeError:
        return False


@dataclass(frozen=True)
class TrendClaim:
    """The trend statement a reader gets, in percentage points per year.

    ``basis``: "recent" (the trend bends; slope at the latest period) or
    "average" (straight trend; average over the observed periods).
    ``direction``: "up" / "down" only when [low, high] excludes 0, else "flat".
    ``average``: (slope, low, high) of the whole-period average when the basis
    is "recent" (context for the reader, not a basis for a direction), else None.
    """

    basis: str
    slope: float
    low: float
    high: float
    direction: str
    average: tuple[float, float, float] | None = None

    @property
    def recent(self) -> bool:
        return self.basis == "recent"


def trend_claim(row: Mapping[str, Any] | None) -> TrendClaim | None:
    """The claim a trend_summary row supports, or None when there is no fitted trend to describe."""
    if not row:
        return None
    avg = tuple(_num(row.get(k)) for k in ("slope_pp_per_year", "slope_low", "slope_high"))
    if bends(row):
        rec = tuple(_num(row.get(k)) for k in ("slope_recent_pp_per_year", "slope_recent_low", "slope_recent_high"))
        if any(v is None for v in rec):
            return None  # a bending trend without its recent slope: nothing safe to say
        average = avg if all(v is not None for v in avg) else None
        return TrendClaim("recent", rec[0], rec[1], rec[2], direction(rec[1], rec[2]), average)  # type: ignore[arg-type]
    if any(v is None for v in avg):
        return None
    return TrendClaim("average", avg[0], avg[1], avg[2], direction(avg[1], avg[2]))  # type: ignore[arg-type]


def trend_direction(row: Mapping[str, Any] | None) -> str | None:
    """The claimable direction of a trend_summary row: "up", "down", "flat" or None."""
    c = trend_claim(row)
    return None if c is None else c.direction
