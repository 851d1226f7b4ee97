"""Form-06 columns (4)–(13) per unit and month window from grouped dossier counts, with difference arrays.

Grain: in, one entry per group of dossiers (``n`` dossiers sharing a unit index and the window indices
of their received, completed and due dates, early/on-time/late and channel); out, one array per column
of shape (units, windows). Quirks: a window index below 0 is before the first window and one of W
after the last; a dossier without a completion date stays pending to the last
window; carried-over and pending counts are ranges of windows (summed with cumulative difference
arrays), received and resolved counts single windows. The windows come from the file name's period
(:func:`hinted_windows`: the SQL keys are then window indices) or, without one, from the months of the
received dates (:func:`window_indices`, with a warning finding).
"""

from __future__ import annotations

from datetime import date

import numpy as np

from motcua.ingest.dossier_layout import month_windows
from motcua.ingest.dossier_sql import check_windows
from motcua.ingest.periods import month_end
from motcua.quality import Quality, period_label


def window_counts(
    ui: np.ndarray,
    kn: np.ndarray,
    received: np.ndarray,
    completed: np.ndarray,
    due: np.ndarray,
    has_done: np.ndarray,
    cls: np.ndarray,
    online: np.ndarray,
    n_units: int,
    n_windows: int,
) -> dict[str, np.ndarray]:
    """Columns (4)–(13) (``received_online`` … ``pending_total``) as (units × windows) int64 arrays.

    ``ui``: each group's unit index; ``kn``: its dossiers; ``received``/``completed``/``due``: its window
    indices; ``has_done``: it has a completion date (else ``completed`` is ignored); ``cls``: sign of
    completed - due; ``online``: the channel is online."""
    W, U = n_windows, n_units

    def ranged(start: np.ndarray, stop: np.ndarray) -> np.ndarray:
        """Per (unit, window): sum of kn over groups whose window range [start, stop] (clipped) covers it."""
        lo, hi_ = np.clip(start, 0, W), np.clip(stop, -1, W - 1)
        m = lo <= hi_
        acc = np.bincount(ui[m] * (W + 1) + lo[m], weights=kn[m], minlength=U * (W + 1))
        acc -= np.bincount(ui[m] * (W + 1) + hi_[m] + 1, weights=kn[m], minlength=U * (W + 1))
        return np.rint(np.cumsum(acc.reshape(U, W + 1), axis=1)[:, :W]).astype(np.int64)

    def point(at: np.ndarray, mask: np.ndarray) -> np.ndarray:
        m = mask & (at >= 0) & (at < W)
        return np.rint(np.bincount(ui[m] * W + at[m], weights=kn[m], minlength=U * W)).astype(np.int64).reshape(U, W)

    last = np.full(len(kn), W - 1, dtype=np.int64)
    stop_c = np.where(has_done, completed, last)
    stop_p = np.where(has_done, completed - 1, last)
    return {
        "received_online": point(received, online),
        "received_offline": point(received, ~online),
        "carried_over": ranged(received + 1, stop_c),
        "resolved_early": point(completed, has_done & (cls < 0)),
        "resolved_ontime": point(completed, has_done & (cls == 0)),
        "resolved_late": point(completed, has_done & (cls > 0)),
        "pending_overdue": ranged(np.maximum(received, due), stop_p),
        "pending_total": ranged(received, stop_p),
    }


def hinted_windows(
    period_hint: tuple[date, date] | None, cutoff: int
) -> tuple[list[tuple[date, date]], tuple[date, date, int, int] | None]:
    """The month windows of the file name's period and the SQL's window hint (first, last day, k0, W);
    no windows and no hint without a period (the keys are then months, windowed afterwards)."""
    if period_hint is None:
        return [], None
    windows = month_windows(period_hint[0], period_hint[1], cutoff)
    k0 = check_windows(windows, cutoff) if windows else 0
    return windows, (period_hint[0], period_hint[1], k0, len(windows))


def window_indices(
    kr: np.ndarray,
    kc: np.ndarray,
    kd: np.ndarray,
    has_done: np.ndarray,
    period_hint: tuple[date, date] | None,
    windows: list[tuple[date, date]],
    cutoff: int,
    q: Quality,
    display: str,
    sheet: str,
) -> tuple[date, date, list[tuple[date, date]], np.ndarray, np.ndarray, np.ndarray] | None:
    """(first day, last day, windows, received, completed and due window indices) of the kept groups.

    With the file name's period the SQL keys are already window indices. Without one, the months of the
    received dates are the period (a warning says so) and the month keys are turned into window indices;
    None when no dossier is kept."""
    if period_hint is not None:
        return period_hint[0], period_hint[1], windows, kr, kc, kd
    if len(kr) == 0:
        return None
    m0, m1 = int((kr // 2).min()), int((kr // 2).max())
    p0, p1 = date(m0 // 12, m0 % 12 + 1, 1), month_end(m1 // 12, m1 % 12 + 1)
    q.add(
        display,
        "period_from_label",
        "warning",
        f"Tên tệp không nêu kỳ; dùng các tháng từ {p0:%m/%Y} đến {p1:%m/%Y} theo ngày tiếp nhận. (6) của tháng đầu "
        f"có thể thiếu hồ sơ tồn từ trước.",
        sheet=sheet,
        period=period_label(p0, p1),
        action="derived",
    )
    windows = month_windows(p0, p1, cutoff)
    k0 = check_windows(windows, cutoff)
    W = len(windows)

    def idx(key: np.ndarray) -> np.ndarray:
        ym, hi = key // 2, key % 2
        return np.where(ym < m0, -1, np.where(ym > m1, W, ym + hi - k0))

    b = np.where(has_done, idx(np.where(has_done, kc, 0)), -2)
    return p0, p1, windows, idx(kr), b, idx(kd)
