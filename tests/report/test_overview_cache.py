"""The overview with its chart cache shows exactly what it shows without; a correction redraws one panel.

Also: the units table's figures for all units at once equal the per-unit ones, and the small multiples
(one tile per panel, limits computed up front) equal the shared-axes figure they replace.
"""

from __future__ import annotations

import shutil
from pathlib import Path

import matplotlib.dates as mdates
import numpy as np
import pandas as pd
import pytest
import seaborn as sns
from matplotlib.ticker import MaxNLocator

import motcua.report.chart_tiles as chart_tiles
import motcua.report.overview_charts as oc
from motcua.locations import chart_cache
from motcua.report import province_overview
from motcua.report.chart_style import COLORS, WIDTH
from motcua.report.charts import bars, count_axis, draw, midpoints, pct_axis
from motcua.report.context import load_data
from motcua.report.figures import key_figures, key_figures_by_unit, monthly
from motcua.report.overview_units import monthly_all, peer_units
from motcua.report.strings import strings


def html(data: Path, cache: bool = True) -> str:
    return "\n".join(s.html for s in province_overview(data, "vi", cache=cache).sections)


@pytest.fixture()
def data(data_dir: Path, tmp_path: Path) -> Path:
    for p in filter(Path.is_file, data_dir.iterdir()):
        shutil.copy(p, tmp_path / p.name)
    return tmp_path


@pytest.fixture()
def recorder(monkeypatch):
    """Keys of each small-multiples chart's tiles, and the tiles drawn, per overview."""
    seen: dict[str, list] = {"keys": [], "drawn": []}
    real_draw_tiles, real_render = oc.draw_tiles, chart_tiles._render

    def draw_tiles(height, tiles, *a, **kw):
        seen["keys"].append([t.key for t in tiles])
        return real_draw_tiles(height, tiles, *a, **kw)

    def render(fig, canvas, tiles):
        seen["drawn"].append(len(tiles))
        return real_render(fig, canvas, tiles)

    monkeypatch.setattr(oc, "draw_tiles", draw_tiles)
    monkeypatch.setattr(chart_tiles, "_render", render)
    return seen


def test_cached_overview_is_the_drawn_one(data, recorder):
    plain = html(data, cache=False)
    assert not chart_cache(data).exists()
    assert html(data) == plain
    assert sum(recorder["drawn"]) > 0 and any(chart_cache(data).iterdir())
    recorder["drawn"].clear()
    assert html(data) == plain
    assert recorder["drawn"] == []


def test_a_correction_redraws_that_units_panel_only(data, recorder):
    html(data)
    panel = pd.read_parquet(data / "panel.parquet")
    code = sorted(panel["unit_code"].unique())[0]
    row = (panel["unit_code"] == code) & (panel["period_start"] == panel["period_start"].min())
    assert row.sum() == 1
    panel.loc[row, ["received_total", "received_online"]] += 1
    panel.to_parquet(data / "panel.parquet", index=False)
    (online_before, late_before), recorder["keys"] = recorder["keys"], []
    recorder["drawn"].clear()
    got = html(data)
    online_after, late_after = recorder["keys"]
    changed = [i for i, (a, b) in enumerate(zip(online_before, online_after)) if a != b]
    assert changed == [0]  # the first unit's panel; the other panels and the late-dossier chart keep their keys
    assert late_after == late_before
    assert recorder["drawn"] == [1]
    assert got == html(data, cache=False)


def with_holes(peers: pd.DataFrame) -> pd.DataFrame:
    p = peers.copy()
    p.loc[p.index[::7], "received_online"] = pd.NA
    p.loc[p.index[::5], "pending_total"] = pd.NA
    p.loc[p.index[::3], "resolved_late"] = pd.NA
    p.loc[p.index[::11], "resolved_early"] = pd.NA
    return p[~p.index.isin(p.index[4::13])].drop(columns=["pending_ontime"])


def test_key_figures_of_all_units_at_once_are_the_per_unit_ones(data_dir):
    peers = load_data(data_dir).peers()
    for p in (peers, with_holes(peers)):
        every = key_figures_by_unit(p)
        assert list(every) == sorted(p["unit_code"].unique())
        for code, rows in p.groupby("unit_code"):
            assert every[code] == key_figures(rows.reset_index(drop=True)), code
        assert any(k.current.ontime_766.value is not None for k in every.values()) == ("pending_ontime" in p)


def test_monthly_of_all_units_is_each_units_monthly(data_dir):
    peers = load_data(data_dir).peers()
    for p in (peers, with_holes(peers)):
        parts = [
            monthly(rows.reset_index(drop=True)).assign(unit_code=code)
            for code, rows in p.groupby("unit_code", sort=True)
        ]
        expected = pd.concat(parts, ignore_index=True)
        got = monthly_all(p)
        pd.testing.assert_frame_equal(got, expected[got.columns])


def shared_axes_chart(
    mall: pd.DataFrame, column: str, kind: str, target: float | None, names: dict[str, str], lang: str
):
    """The small multiples as one figure of axes sharing x and y (the drawing the tiles replace)."""
    codes = list(dict.fromkeys(mall["unit_code"]))[: oc.MAX_PANELS]
    ncols, panel_h = 3, 1.55
    height = 0.35 + max(1, int(np.ceil(len(codes) / ncols))) * panel_h

    def paint(fig):
        w, left, right, gap_x = WIDTH, 0.62, 0.12, 0.18
        pw = (w - left - right - gap_x * (ncols - 1)) / ncols
        vals = mall[column].astype("float64")
        ymax, ymin = float(np.nanmax(vals)), 0.0
        if kind == "rate":
            ymin, ymax = max(0.0, float(np.nanmin(vals)) - 0.05), min(1.0, ymax + 0.05)
        first = None
        for i, code in enumerate(codes):
            r, c = divmod(i, ncols)
            bottom = height - 0.3 - (r + 1) * panel_h + 0.3
            ax = fig.add_axes(
                ((left + c * (pw + gap_x)) / w, bottom / height, pw / w, (panel_h - 0.55) / height),
                sharex=first,
                sharey=first,
            )
            first = first or ax
            d = mall[mall["unit_code"] == code]
            if kind == "rate":
                ax.plot(midpoints(d), d[column].astype("float64").to_numpy(), color=COLORS["online"], linewidth=1.6)
                if target is not None:
                    ax.axhline(target, color=COLORS["target"], linestyle=(0, (3, 2)), linewidth=1)
            else:
                bars(ax, midpoints(d), d[column].astype("float64").fillna(0).to_numpy(), color=COLORS["late"])
            ax.set_title(oc.short(names.get(code, code), 20), fontsize=9.5, loc="left", fontweight="bold", y=1.0, pad=3)
            ax.set_ylim(ymin, ymax * (1.0 if kind == "rate" else 1.1) or 1.0)
            ax.tick_params(labelsize=8.5)
            ax.yaxis.set_major_locator(MaxNLocator(3))
            ax.xaxis.set_major_locator(mdates.YearLocator())
            ax.xaxis.set_major_formatter(mdates.DateFormatter("%Y"))
            (pct_axis if kind == "rate" else count_axis)(ax, lang)
            if c != 0:
                ax.tick_params(labelleft=False)
            if i + ncols < len(codes):
                ax.tick_params(labelbottom=False)
            sns.despine(ax=ax, left=True)

    return draw(height, paint, "alt", "cap")


def test_small_multiples_look_as_with_shared_axes(data_dir, tmp_path):
    data = load_data(data_dir)
    peers, names = peer_units(data)
    mall = monthly_all(peers)
    holes = mall.copy()
    first = holes["unit_code"] == holes["unit_code"].iloc[0]
    holes.loc[first & (holes.index % 4 == 0), "online_rate"] = np.nan  # a line stops where a month is missing
    holes.loc[first & (holes.index < first.idxmax() + 3), "online_rate"] = np.nan  # ... and starts later
    S = strings("vi")
    for m in (mall, holes):
        for column, kind, target in (("online_rate", "rate", 0.6), ("resolved_late", "count", None)):
            want = shared_axes_chart(m, column, kind, target, names, "vi")
            got = oc.small_multiples(
                m, names, column, S, kind=kind, target=target, alt="alt", caption="cap", cache=oc.ChartCache(tmp_path)
            )
            assert got.uri == want.uri, (column, len(m))
