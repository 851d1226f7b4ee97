"""What a warm kernel keeps between unit reports gives the same report: the funnel drawn over a background kept
per peer group has the pixels of the figure drawn in one go, a shared Agg renderer draws what a fresh one draws,
per-unit rows found by index are the rows a mask selects, and a panel's provinces are re-read when it changes."""

from __future__ import annotations

import io
from pathlib import Path

import matplotlib
import numpy as np
import pandas as pd
from PIL import Image

from motcua.report import national
from motcua.report.chart_style import RC
from motcua.report.charts import draw, figure_rgba, new_figure
from motcua.report.context import load_data
from motcua.report.strings import cap, strings
from motcua.report.unit_charts import draw_funnel
from motcua.report.unit_funnel import LEGEND_H, PANEL_H, funnel_chart


def _pixels(uri: str) -> np.ndarray:
    import base64

    return np.asarray(Image.open(io.BytesIO(base64.b64decode(uri.split(",", 1)[1]))).convert("RGBA"))


def _funnel_in_one_go(data, code: str, S) -> np.ndarray:
    """The unit report's funnel figure as it was drawn before the background was kept: all at once."""
    from motcua.report.unit_funnel import _curve

    panels = [(r, data.peer_comparison(r)) for r in ("online_rate", "ontime_rate_report")]

    def paint(fig) -> None:
        from motcua.report.chart_style import WIDTH
        from motcua.report.charts import axes_in

        for i, (rate, comp) in enumerate(panels):
            ax = axes_in(fig, LEGEND_H + (1 - i) * PANEL_H + 0.65, PANEL_H - 0.65 - 0.4)
            draw_funnel(ax, comp, _curve(comp, rate), rate, S, highlight=code, legend=(i == 0))
            ax.set_title(cap(S[f"rate_{rate}"]), loc="left", fontsize=13, y=1.0, pad=6)
            if i == 0:
                fig.legend(
                    *ax.get_legend_handles_labels(),
                    loc="lower left",
                    bbox_to_anchor=(0.1 / WIDTH, 0.0),
                    ncols=2,
                    fontsize=11,
                )

    return _pixels(draw(LEGEND_H + 2 * PANEL_H, paint, "", "").uri)


def test_funnel_over_a_kept_background_has_the_pixels_of_one_draw(data_dir: Path) -> None:
    data = load_data(data_dir)
    S = strings("vi")
    codes = sorted(data.peer_comparison("online_rate")["unit_code"].astype(str))
    assert len(codes) >= 3
    kept = [_pixels(funnel_chart(data, c, c, S).uri) for c in codes]  # the background drawn once, then kept
    for c, px in zip(codes, kept):
        assert np.array_equal(px, _funnel_in_one_go(data, c, S)), c
    assert not np.array_equal(kept[0], kept[1])  # each unit's own marks


def test_a_background_serves_the_next_load_of_the_same_rows_and_no_other(data_dir: Path, tmp_path: Path) -> None:
    """The next build's load of unchanged comparison rows reuses the kept background (no figure drawn) with the
    pixels of one draw; once a peer's row changes, a new background is drawn, again with the pixels of one draw."""
    import shutil

    from motcua import products
    from motcua.report import unit_funnel

    S = strings("vi")
    first = load_data(data_dir)
    code = sorted(first.peer_comparison("online_rate")["unit_code"].astype(str))[0]
    funnel_chart(first, code, code, S)
    kept = unit_funnel._BACKGROUND[0]
    same = tmp_path / "same"
    shutil.copytree(data_dir, same)  # the same rows read again, as the next build's load reads them
    again = load_data(same)
    assert again.peer_comparison("online_rate") is not first.peer_comparison("online_rate")
    px = _pixels(funnel_chart(again, code, code, S).uri)
    assert unit_funnel._BACKGROUND[0] is kept
    assert np.array_equal(px, _funnel_in_one_go(again, code, S))
    changed = tmp_path / "changed"
    shutil.copytree(data_dir, changed)
    comp = products.COMPARISON.read(changed)
    i = comp.index[(comp["rate"] == "online_rate") & (comp["trials"] > 0)][0]
    comp.loc[i, "observed"] = comp.loc[i, "observed"] / 2
    products.COMPARISON.write(comp, changed)
    other = load_data(changed)
    px = _pixels(funnel_chart(other, code, code, S).uri)
    assert unit_funnel._BACKGROUND[0] is not kept
    assert np.array_equal(px, _funnel_in_one_go(other, code, S))


def test_a_shared_renderer_draws_what_a_fresh_one_draws() -> None:
    from matplotlib.backends.backend_agg import FigureCanvasAgg
    from matplotlib.figure import Figure

    def paint(fig) -> None:
        ax = fig.add_subplot()
        ax.plot([0, 1, 2], [2, 0, 1])
        ax.set_title("Tỷ lệ hồ sơ trực tuyến")

    with matplotlib.rc_context(RC):
        first = new_figure(3.0)
        paint(first)
        figure_rgba(first)  # the renderer of this size now holds another figure's drawing and text extents
        shared = new_figure(3.0)
        paint(shared)
        fresh = Figure(figsize=shared.get_size_inches(), dpi=shared.dpi)
        FigureCanvasAgg(fresh)
        paint(fresh)
        assert np.array_equal(figure_rgba(shared), figure_rgba(fresh))


def test_unit_rows_by_index_are_the_rows_a_mask_selects(data_dir: Path) -> None:
    data = load_data(data_dir)
    for code in sorted(data.panel["unit_code"].astype(str).unique())[:3] + ["no-such-unit"]:
        got = data.unit(code)
        want = data.panel[data.panel["unit_code"].astype(str) == code]
        want = want.sort_values(["period_start", "period_end"], kind="stable").reset_index(drop=True)
        pd.testing.assert_frame_equal(got, want)
        t = data.trends
        for rate in ("online_rate", "ontime_rate_report"):
            w = t[(t["unit_code"].astype(str) == code) & (t["rate"] == rate)].sort_values(
                ["period_start", "kind"], kind="stable"
            )
            pd.testing.assert_frame_equal(data.unit_trends(code, rate), w)


def test_scoped_views_read_the_optional_products_once(data_dir: Path) -> None:
    data = load_data(data_dir)
    a, b = data.scoped(data.unit_schema), data.scoped(data.unit_schema)
    assert a.trends is b.trends and a.quality is b.quality


def test_provinces_follow_the_panel() -> None:
    p = pd.DataFrame(
        {
            "unit_schema": ["2025"] * 3,
            "unit_level": ["commune"] * 3,
            "unit_code": ["1", "2", "3"],
            "province_code": ["1", "1", "79"],
            "province_name": ["Hà Nội", "Thành phố Hà Nội", "Thành phố Hồ Chí Minh"],
        }
    )
    assert national.provinces(p) == {"01": "Thành phố Hà Nội", "79": "Thành phố Hồ Chí Minh"}
    q = p.iloc[:2].copy()
    assert national.provinces(q) == {"01": "Thành phố Hà Nội"}
    assert national.is_national(p, None) and not national.is_national(q, "01")
