"""Month ticks a phone can read: the "MM/yyyy" labels of a short series never touch (17 months of a commune since
07/2025 gave six quarter labels on a 4.3-inch axis, run together as "07/202510/2025")."""

from __future__ import annotations

import matplotlib
import pandas as pd
import pytest

from motcua.report.chart_style import RC
from motcua.report.charts import axes_in, date_axis, new_figure


def _labels(start: str, end: str) -> list[tuple[str, float, float]]:
    with matplotlib.rc_context(RC):
        fig = new_figure(3.6)
        ax = axes_in(fig, 0.4, 3.05, left=0.9)  # the monthly volume chart's axes
        ax.plot(pd.date_range(start, end, freq="MS"), range(len(pd.date_range(start, end, freq="MS"))))
        date_axis(ax, pd.Timestamp(start), pd.Timestamp(end))
        r = fig.canvas.get_renderer()
        fig.draw(r)
        out = []
        for t in ax.get_xticklabels():
            if t.get_visible() and t.get_text():
                bb = t.get_window_extent(r)
                out.append((t.get_text(), bb.x0, bb.x1))
        return out


@pytest.mark.parametrize(
    ("start", "end"),
    [
        ("2025-07-01", "2026-11-30"),
        ("2025-07-01", "2026-06-30"),
        ("2026-01-01", "2026-11-30"),
        ("2026-06-01", "2026-11-30"),
    ],
)
def test_month_labels_leave_a_gap(start, end):
    labels = _labels(start, end)
    assert len(labels) >= 2, labels
    for (a, _, a1), (b, b0, _) in zip(labels, labels[1:]):
        assert b0 - a1 >= 8, f"{a} and {b} are {b0 - a1:.0f} px apart"


def test_seventeen_months_are_labelled_every_six_months():
    assert [t for t, _, _ in _labels("2025-07-01", "2026-11-30")] == ["07/2025", "01/2026", "07/2026"]
