"""What a reader of the overview's charts needs to read them: the ranking chart says what its dot, bar, tick and
line are (a legend), and the small multiples label their year in full ("2026", never "26")."""

from __future__ import annotations

import matplotlib
import pandas as pd
import pytest

from motcua.report import overview_charts as oc
from motcua.report.chart_style import RC
from motcua.report.charts import new_figure
from motcua.report.strings import strings


def _comparison(n: int = 5) -> pd.DataFrame:
    return pd.DataFrame(
        {
            "unit_code": [str(22000 + i) for i in range(n)],
            "unit_name": [f"Xã Thử {i}" for i in range(n)],
            "rank": range(1, n + 1),
            "shrunk_rate": [0.9 - 0.05 * i for i in range(n)],
            "shrunk_low": [0.88 - 0.05 * i for i in range(n)],
            "shrunk_high": [0.92 - 0.05 * i for i in range(n)],
            "observed": [0.91 - 0.05 * i for i in range(n)],
            "province_rate": 0.8,
        }
    )


@pytest.mark.parametrize("lang", ["vi", "en"])
def test_the_ranking_chart_has_a_legend(monkeypatch, lang):
    S = strings(lang)
    painted = {}

    def capture(height, paint, alt, caption, **kw):
        with matplotlib.rc_context(RC):
            fig = new_figure(height)
            paint(fig)
            fig.canvas.draw()
        painted["fig"] = fig

    monkeypatch.setattr(oc, "draw", capture)
    oc.ranking_chart(_comparison(), "online_rate", S)
    fig = painted["fig"]
    labels = [t.get_text() for lg in fig.legends for t in lg.get_texts()]
    assert sorted(labels) == sorted([S["ov_rank_legend_shrunk"], S["ov_rank_legend_observed"], S["ch_funnel_mean"]])
    # the legend sits under the axes' tick labels, inside the figure; no tick label runs off its right edge
    r = fig.canvas.get_renderer()
    ax = fig.axes[0]
    lo, hi = ax.get_xlim()
    shown = [t.get_window_extent(r) for t in ax.get_xticklabels() if t.get_text() and lo <= t.get_position()[0] <= hi]
    legend = fig.legends[0].get_window_extent(r)
    assert shown and legend.y0 >= 0 and legend.y1 <= min(b.y0 for b in shown) + 1
    assert max(b.x1 for b in shown) <= fig.bbox.x1


def test_small_multiples_write_the_year_in_full(monkeypatch):
    S = strings("vi")
    tiles = {}
    monkeypatch.setattr(oc, "draw_tiles", lambda height, t, alt, caption, **kw: tiles.setdefault("t", (height, t)))
    months = pd.date_range("2025-12-01", periods=12, freq="MS")
    monthly = pd.DataFrame(
        {
            "unit_code": "22114",
            "period_start": months,
            "period_end": months + pd.offsets.MonthEnd(0),
            "online_rate": 0.6,
        }
    )
    oc.small_multiples(monthly, {"22114": "Xã Tuy An Bắc"}, "online_rate", S, kind="rate", alt="", caption="")
    height, t = tiles["t"]
    with matplotlib.rc_context(RC):
        fig = new_figure(height)
        t[0].paint(fig)
        fig.canvas.draw()
    labels = [x.get_text() for x in fig.axes[0].get_xticklabels() if x.get_text()]
    assert "2026" in labels and all(len(x) == 4 and x.isdigit() for x in labels), labels


def _funnel_comparison(n: int) -> pd.DataFrame:
    flags = ["within"] * n
    flags[0], flags[-1] = "below_95", "above_998"
    return pd.DataFrame(
        {
            "unit_code": [str(22000 + i) for i in range(n)],
            "unit_name": [f"Xã Thử {i}" for i in range(n)],
            "trials": [500 + 40 * i for i in range(n)],
            "observed": [0.97 + 0.0005 * i for i in range(n)],
            "province_rate": 0.98,
            "funnel_flag": flags,
        }
    )


@pytest.mark.parametrize(("n", "labelled"), [(9, 9), (34, 2)])
def test_a_province_funnel_labels_what_can_be_read(monkeypatch, n, labelled):
    """Nine districts: every code beside its point. 34 communes: the codes piled up into an unreadable smear; only
    the units outside the limits are labelled, and the caption says so."""
    S = strings("vi")
    painted = {}

    def capture(height, paint, alt, caption, **kw):
        with matplotlib.rc_context(RC):
            fig = new_figure(height)
            paint(fig)
        painted.update(fig=fig, caption=caption)

    monkeypatch.setattr(oc, "draw", capture)
    oc.province_funnel(_funnel_comparison(n), "ontime_rate_report", S)
    texts = [t.get_text() for t in painted["fig"].axes[0].texts]
    assert len(texts) == labelled, texts
    if labelled < n:
        assert texts == ["22000", str(22000 + n - 1)]
        assert S["ov_funnel_labels_outside"] in painted["caption"]
    else:
        assert S["ov_funnel_labels_outside"] not in painted["caption"]
