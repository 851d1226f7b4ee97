"""The reporting window: config/province.yaml's bounds, an empty end taken as the latest complete month."""

from __future__ import annotations

import pandas as pd

from motcua.window import latest_complete_month_end, reporting_window, within_window


def _panel(periods: list[tuple[str, str]]) -> pd.DataFrame:
    return pd.DataFrame(
        {
            "period_start": pd.to_datetime([a for a, _ in periods]),
            "period_end": pd.to_datetime([b for _, b in periods]),
            "received_total": range(len(periods)),
        }
    )


def test_empty_end_is_the_latest_complete_month_in_the_data():
    p = _panel(
        [
            ("2025-05-01", "2025-05-31"),
            ("2026-10-01", "2026-10-31"),
            ("2026-11-01", "2026-11-30"),
            ("2026-12-01", "2026-12-14"),
        ]
    )  # a part-month at the end does not count
    w = reporting_window(p, {"window": {"start": "2021-01-01", "end": None}})
    assert w.end == pd.Timestamp("2026-11-30") and w.end_from_data and w.start == pd.Timestamp("2021-01-01")
    assert list(within_window(p, w)["received_total"]) == [0, 1, 2]
    assert latest_complete_month_end(p.iloc[:0]) is None


def test_a_set_window_is_kept_and_limits_the_rows():
    p = _panel(
        [
            ("2020-12-01", "2020-12-31"),
            ("2021-01-01", "2021-01-31"),
            ("2025-06-01", "2025-06-30"),
            ("2025-07-01", "2025-07-31"),
        ]
    )
    w = reporting_window(p, {"window": {"start": "2021-01-01", "end": "2025-06-30"}})
    assert not w.end_from_data
    assert list(within_window(p, w)["received_total"]) == [1, 2]
    # a quarter straddling the end is outside; no window at all keeps everything
    assert len(within_window(p, reporting_window(p, {}))) == 4
