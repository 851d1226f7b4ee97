"""Key figures of one unit over the last 12 months and the 12 before (pure computations, no HTML).

Input grain: the unit's panel rows, one per period (usually a month). Windows
end at the unit's last ``period_end``; a period counts in a window only if it
lies wholly inside it. A window is *complete* when its periods cover at least
95 % of its days; changes are only computed between complete windows, and
never across a structural break (``structural_breaks`` of config/model.yaml:
the 1 July 2025 reform): when a break falls after the previous window's start
and by the current window's end, the two windows count different scopes
(a commune's year before it existed, a province total of other units), so no
change is computed and ``KeyFigures.break_date`` says why.

Rates over a window follow each rate's ``window_formula`` in
:data:`motcua.rates.RATES` (the convention of the model stage's comparison
table too): flow columns summed over the window's periods, stock columns at
its last cut-off. For the 766 convention that is
(Σ(8) + Σ(9) + (12) at the last cut-off) / (Σ(7) + (11) at the last cut-off):
pending dossiers (11)–(13) are a stock and do not add up over months
(docs/domain.md, "Periods"); the denominator then counts each dossier once — resolved in
the window, or still pending at its end.
"""

from __future__ import annotations

from collections.abc import Collection
from dataclasses import dataclass
from typing import Any

import numpy as np
import pandas as pd

COVERAGE = 0.95


@dataclass(frozen=True)
class Ratio:
    """A rate over a window, with its counts (None when the counts are missing)."""

    num: float | None
    den: float | None
    as_of: pd.Timestamp | None = None  # cut-off of the stock columns in num/den (rates with stocks only)

    @property
    def value(self) -> float | None:
        if self.num is None or self.den is None or self.den <= 0:
            return None
        return self.num / self.den


@dataclass(frozen=True)
class WindowFigures:
    """Sums over one window. Counts are None when the needed column is missing everywhere."""

    start: pd.Timestamp
    end: pd.Timestamp
    complete: bool
    n_periods: int
    received: float | None  # (4)+(5), or (3)-(6) when the channel split is missing
    online: float | None  # (4)
    resolved: float | None  # (7)
    late: float | None  # (10)
    online_share: Ratio  # Σ(4) / (Σ(4)+Σ(5))
    ontime_report: Ratio  # (Σ(8)+Σ(9)) / Σ(7)
    ontime_766: Ratio  # (Σ(8)+Σ(9)+(12)last) / (Σ(7)+(11)last): stocks at the window's last cut-off
    first_start: pd.Timestamp | None = None  # start of the first period inside the window (a unit that began later)


@dataclass(frozen=True)
class KeyFigures:
    """The key figures of a unit: this window, the previous one, the latest stock of pending dossiers."""

    current: WindowFigures | None
    previous: WindowFigures | None
    latest_end: pd.Timestamp | None
    pending_total: float | None  # (11) at the latest period
    pending_overdue: float | None  # (13) at the latest period
    #: a structural break between the previous window's start and the current window's end: no change computed
    break_date: pd.Timestamp | None = None

    @property
    def comparable(self) -> bool:
        return bool(
            self.current
            and self.previous
            and self.current.complete
            and self.previous.complete
            and self.break_date is None
        )

    def received_change(self) -> float | None:
        """Relative change of new dossiers, e.g. 0.052 for +5,2 %."""
        if not self.comparable or not self.previous.received or self.current.received is None:
            return None
        return self.current.received / self.previous.received - 1.0

    def online_change_pp(self) -> float | None:
        """Change of the online share as a difference of proportions (0.041 = 4,1 points)."""
        if not self.comparable:
            return None
        a, b = self.current.online_share.value, self.previous.online_share.value
        return None if a is None or b is None else a - b

    def late_change(self) -> float | None:
        """Change in the count of dossiers resolved late."""
        if not self.comparable or self.current.late is None or self.previous.late is None:
            return None
        return self.current.late - self.previous.late


def _arrays(df: pd.DataFrame) -> dict[str, np.ndarray]:
    """Count columns as float arrays, NaN where missing (absent columns are all-NaN)."""
    from motcua.panel import COUNT_COLUMNS

    n = len(df)
    out = {}
    for c in COUNT_COLUMNS:
        out[c] = df[c].to_numpy(dtype="float64", na_value=np.nan) if c in df else np.full(n, np.nan)
    return out


def _sum(a: dict[str, np.ndarray], cols: list[str], mask: np.ndarray | None = None) -> float | None:
    """Σ over rows of Σ cols, only over rows where all ``cols`` are present; None if no such row."""
    m = np.column_stack([a[c] for c in cols])
    ok = ~np.isnan(m).any(axis=1)
    if mask is not None:
        ok &= mask
    if not ok.any():
        return None
    return float(m[ok].sum())


class _Rows:
    """Panel rows as numpy arrays, computed once for any number of windows and units: counts
    (:func:`_arrays`), period bounds, and each rate's per-row parts (:func:`motcua.rates.window_parts`)."""

    def __init__(self, rows: pd.DataFrame):
        from motcua.rates import window_parts

        self.counts = _arrays(rows)
        self.start = pd.to_datetime(rows["period_start"]).to_numpy()
        self.end = pd.to_datetime(rows["period_end"]).to_numpy()
        frame = rows.reindex(columns=["period_end", *dict.fromkeys(c for r in _RATES for c in _rate_columns(r))])
        self.parts = {r: window_parts(frame, r) for r in _RATES}


_RATES = ("online_rate", "ontime_rate_report", "ontime_rate_766")


def _rate_columns(rate: str) -> tuple[str, ...]:
    from motcua.rates import RATES

    r = RATES[rate]
    return (*r.numerator, *r.denominator)


def _window(rows: _Rows, idx: np.ndarray, start: pd.Timestamp, end: pd.Timestamp) -> WindowFigures:
    """Figures over the rows at positions ``idx`` (in period order) lying wholly inside [start, end]."""
    from motcua.rates import RATES, window_successes_trials_of

    w = idx[(rows.start[idx] >= start.to_datetime64()) & (rows.end[idx] <= end.to_datetime64())]
    days = float(((rows.end[w] - rows.start[w]) // np.timedelta64(1, "D") + 1).sum()) if len(w) else 0.0
    complete = days >= COVERAGE * ((end - start).days + 1)
    a = {c: v[w] for c, v in rows.counts.items()}
    received = _sum(a, ["received_online", "received_offline"])
    if received is None:
        total, co = _sum(a, ["received_total"]), _sum(a, ["carried_over"])
        received = None if total is None or co is None else total - co

    def ratio(rate: str) -> Ratio:
        num, den, as_of = window_successes_trials_of(rows.parts[rate], rows.end, w)
        return Ratio(num, den, as_of if RATES[rate].stocks else None)

    return WindowFigures(
        start=start,
        end=end,
        complete=bool(complete),
        n_periods=int(len(w)),
        received=received,
        online=_sum(a, ["received_online"]),
        resolved=_sum(a, ["resolved_total"]),
        late=_sum(a, ["resolved_late"]),
        online_share=ratio("online_rate"),
        ontime_report=ratio("ontime_rate_report"),
        ontime_766=ratio("ontime_rate_766"),
        first_start=pd.Timestamp(rows.start[w].min()) if len(w) else None,
    )


def window_figures(rows: pd.DataFrame, start: pd.Timestamp, end: pd.Timestamp) -> WindowFigures:
    """Figures over the periods of ``rows`` lying wholly inside [start, end]."""
    return _window(_Rows(rows), np.arange(len(rows)), pd.Timestamp(start), pd.Timestamp(end))


def windows(
    end: pd.Timestamp, months: int = 12
) -> tuple[tuple[pd.Timestamp, pd.Timestamp], tuple[pd.Timestamp, pd.Timestamp]]:
    """(start, end) of the last ``months`` months ending at ``end`` and of the ``months`` before."""
    end = pd.Timestamp(end).normalize()
    start = end - pd.DateOffset(months=months) + pd.Timedelta(days=1)
    prev_end = start - pd.Timedelta(days=1)
    prev_start = prev_end - pd.DateOffset(months=months) + pd.Timedelta(days=1)
    return (start, end), (prev_start, prev_end)


def _breaks(breaks: Collection[Any] | None) -> tuple[pd.Timestamp, ...]:
    """The given break dates, or config/model.yaml's ``structural_breaks`` for None."""
    if breaks is None:
        from motcua.report.eras import break_dates

        return break_dates()
    return tuple(pd.Timestamp(b) for b in breaks)


def crossed_break(start: pd.Timestamp, end: pd.Timestamp, breaks: Collection[pd.Timestamp]) -> pd.Timestamp | None:
    """The first break b with start < b <= end (a span starting before it and ending on or after it), else None."""
    hit = sorted(b for b in breaks if pd.Timestamp(start) < b <= pd.Timestamp(end))
    return hit[0] if hit else None


def _key_figures(rows: _Rows, idx: np.ndarray, breaks: tuple[pd.Timestamp, ...] = ()) -> KeyFigures:
    """Key figures of the rows at positions ``idx`` (one unit, in period order)."""
    ends = rows.end[idx]
    ends = ends[~np.isnat(ends)]
    if not len(ends):
        return KeyFigures(None, None, None, None, None)
    end = pd.Timestamp(ends.max())
    (s, e), (ps, pe) = windows(end)

    def latest(col: str) -> float | None:
        v = rows.counts[col][idx[-1]]
        return None if np.isnan(v) else float(v)

    return KeyFigures(
        current=_window(rows, idx, s, e),
        previous=_window(rows, idx, ps, pe),
        latest_end=end,
        pending_total=latest("pending_total"),
        pending_overdue=latest("pending_overdue"),
        break_date=crossed_break(ps, e, breaks),
    )


def key_figures(rows: pd.DataFrame, breaks: Collection[Any] | None = None) -> KeyFigures:
    """Key figures of one unit from its panel rows (sorted by period). ``breaks``: dates no change is computed
    across (None: config/model.yaml's ``structural_breaks``)."""
    if rows.empty:
        return KeyFigures(None, None, None, None, None)
    return _key_figures(_Rows(rows), np.arange(len(rows)), _breaks(breaks))


def key_figures_by_unit(
    panel: pd.DataFrame, only: Collection[str] | None = None, breaks: Collection[Any] | None = None
) -> dict[str, KeyFigures]:
    """:func:`key_figures` of every unit of ``panel`` (rows sorted by unit and period), keyed by unit code
    in code order: one pass over the table instead of one per unit. ``only``: just these units."""
    rows = _Rows(panel)
    b = _breaks(breaks)
    groups = panel.groupby("unit_code", sort=True).indices
    return {code: _key_figures(rows, idx, b) for code, idx in groups.items() if only is None or code in only}


def monthly(rows: pd.DataFrame) -> pd.DataFrame:
    """Per-period table for reports (grain: one row per period): counts (float, NaN if missing) and the three rates.

    Rates follow :data:`motcua.rates.RATES` (numerator and denominator columns
    by formula); NaN where a needed count is missing or the denominator is 0.
    """
    from motcua.rates import RATES

    a = _arrays(rows)
    out = pd.DataFrame({"period_start": rows["period_start"].to_numpy(), "period_end": rows["period_end"].to_numpy()})
    for c in (
        "received_online",
        "received_offline",
        "received_total",
        "carried_over",
        "resolved_total",
        "resolved_late",
        "pending_total",
        "pending_overdue",
    ):
        out[c] = a[c]
    new = a["received_online"] + a["received_offline"]
    out["received_new"] = np.where(np.isnan(new), a["received_total"] - a["carried_over"], new)
    with np.errstate(invalid="ignore", divide="ignore"):
        for name in ("online_rate", "ontime_rate_report", "ontime_rate_766"):
            r = RATES[name]
            num = np.sum([a[c] for c in r.numerator], axis=0)
            den = np.sum([a[c] for c in r.denominator], axis=0)
            out[name] = np.where(den > 0, num / np.where(den > 0, den, 1.0), np.nan)
    return out


def summary_value(summary: pd.DataFrame, rate: str, col: str) -> Any:
    """One cell of a unit's trend_summary (indexed by rate), None when the rate or column is missing."""
    if summary is None or summary.empty or rate not in summary.index or col not in summary.columns:
        return None
    v = summary.at[rate, col]
    try:
        if pd.isna(v):
            return None
    except (TypeError, ValueError):
        pass
    return v
