"""Charts as inline PNG: seaborn's theme on matplotlib Figures (no pyplot state), deterministic bytes.

Every chart returns a :class:`Chart` (a ``data:image/png;base64`` URI, its
pixel size, alt text and caption). Figures are drawn with the Agg renderer
inside one rc context (seaborn's whitegrid style, DejaVu Sans, which holds
every Vietnamese diacritic, sizes readable on a phone) and encoded by
:func:`motcua.report.png.encode_png` (an indexed PNG of at most 256 colours, the
frequent ones exact, no date or "Software" tag), so the same data give the same bytes. Math-text
parsing is off: a unit name with "$" is drawn as typed.

Style, context, palette and spines come from seaborn; marks are drawn with
matplotlib primitives (``plot``, ``scatter``, one PolyCollection per bar
series): seaborn's per-call data handling cost about 0.3 s per chart, a third
of the ~1 s budget of a district report.
"""

from __future__ import annotations

import base64
import io
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

import matplotlib
import matplotlib.dates as mdates
import matplotlib.font_manager
import numpy as np
import pandas as pd
from matplotlib.backends.backend_agg import FigureCanvasAgg, RendererAgg
from matplotlib.collections import PolyCollection
from matplotlib.figure import Figure
from matplotlib.ticker import Formatter, FuncFormatter

from motcua.report import fmt
from motcua.report.chart_cache import ChartCache, chart_key
from motcua.report.chart_style import DPI, RC, WIDTH
from motcua.report.png import encode_png


@dataclass(frozen=True)
class Chart:
    """A rendered chart: ``uri`` is a data: URI of a PNG of ``width`` × ``height`` pixels."""

    uri: str
    width: int
    height: int
    alt: str
    caption: str

    @property
    def nbytes(self) -> int:
        return len(self.uri)


class SharedRendererCanvas(FigureCanvasAgg):
    """An Agg canvas whose renderer is shared by every figure of the same pixel size in this process.

    Agg clears its renderer before each draw, so the pixels are those of a fresh renderer; what is shared is
    matplotlib's cache of text extents, which is kept per renderer: tick labels, legends and titles repeat
    from one unit's chart to the next, and measuring them again was a fifth of a report's drawing time.
    Not for threads (a kernel draws one chart at a time)."""

    _renderers: dict[tuple[float, float, float], RendererAgg] = {}

    def get_renderer(self) -> RendererAgg:
        w, h = self.get_width_height(physical=True)
        key = (w, h, self.figure.dpi)
        r = self._renderers.get(key)
        if r is None:
            if len(self._renderers) >= 32:  # a handful of chart sizes are drawn; bound the memory all the same
                self._renderers.clear()
            r = self._renderers[key] = RendererAgg(w, h, self.figure.dpi)
        self.renderer, self._lastKey = r, key
        return r


def new_figure(height: float, width: float = WIDTH, **kw: Any) -> Figure:
    """A Figure (no pyplot: nothing is shown, nothing leaks between reports) on a :class:`SharedRendererCanvas`.

    Margins are fixed by each chart (``margins``) rather than by a layout engine:
    constrained layout measured every tick label and cost half the render time.
    """
    fig = Figure(figsize=(width, height), dpi=DPI, **kw)
    SharedRendererCanvas(fig)
    return fig


def margins(
    fig: Figure,
    *,
    left: float = 0.75,
    right: float = 0.2,
    top: float = 0.35,
    bottom: float = 0.45,
    hspace: float | None = None,
) -> None:
    """Fixed margins in inches (so a taller figure keeps the same space for labels)."""
    w, h = fig.get_size_inches()
    kw: dict[str, float] = {"left": left / w, "right": 1 - right / w, "top": 1 - top / h, "bottom": bottom / h}
    if hspace is not None:
        kw["hspace"] = hspace
    fig.subplots_adjust(**kw)


def axes_in(fig: Figure, bottom: float, height: float, *, left: float = 0.8, right: float = 0.2, **kw: Any) -> Any:
    """Axes placed in inches from the figure's bottom-left corner (a fixed, fast layout)."""
    w, h = fig.get_size_inches()
    return fig.add_axes((left / w, bottom / h, (w - left - right) / w, height / h), **kw)


def figure_rgba(fig: Figure) -> np.ndarray:
    """The figure's pixels on white (rows × columns × RGBA), as ``savefig`` draws them."""
    buf = io.BytesIO()
    fig.savefig(buf, format="rgba", dpi=DPI, facecolor="white")
    w, h = (int(v) for v in fig.bbox.size)  # Agg's canvas: the figure's size in pixels, truncated
    return np.frombuffer(buf.getvalue(), np.uint8).reshape(h, w, 4)


def to_png(fig: Figure) -> bytes:
    """PNG bytes of the figure on white (:func:`encode_png`): same figure → same bytes."""
    return encode_png(figure_rgba(fig))


def chart_of(png: bytes, height: float, alt: str, caption: str, width: float = WIDTH) -> Chart:
    """The :class:`Chart` of PNG bytes drawn at ``width`` × ``height`` inches."""
    w, h = int(round(width * DPI)), int(round(height * DPI))
    return Chart("data:image/png;base64," + base64.b64encode(png).decode("ascii"), w, h, alt, caption)


def draw(
    height: float,
    paint: Callable[[Figure], None],
    alt: str,
    caption: str,
    width: float = WIDTH,
    *,
    cache: ChartCache | None = None,
    key: str | None = None,
) -> Chart:
    """Make a figure, let ``paint`` draw on it under the report's rc, and encode it.

    With a ``cache`` and a ``key`` (:func:`motcua.report.chart_cache.chart_key` of everything ``paint``
    draws), a chart drawn before at the same size is read back instead of drawn again.
    """
    full = chart_key("draw", key, height, width) if cache is not None and key is not None else None
    png = cache.get_png(full) if full else None
    if png is None:
        with matplotlib.rc_context(RC):
            fig = new_figure(height, width)
            paint(fig)
            png = to_png(fig)
        if full:
            cache.put(full, png)
    return chart_of(png, height, alt, caption, width)


# --------------------------------------------------------------------------- axes helpers


class PctFormatter(Formatter):
    """Percent tick labels in the report's language, with as many decimals as the tick step needs."""

    def __init__(self, lang: str):
        self.lang = lang
        self.digits = 0

    def set_locs(self, locs: Any) -> None:
        super().set_locs(locs)
        locs = np.asarray(locs, float)
        step = float(np.min(np.diff(np.sort(locs)))) * 100 if len(locs) > 1 else 1.0
        self.digits = 0
        while self.digits < 3 and abs(step * 10**self.digits - round(step * 10**self.digits)) > 1e-6:
            self.digits += 1

    def __call__(self, x: float, pos: Any = None) -> str:
        return fmt.pct(x, self.lang, self.digits)


def pct_axis(ax: Any, lang: str, axis: str = "y") -> None:
    """Percent tick labels in the report's language ("55%" / "99,5%")."""
    (ax.yaxis if axis == "y" else ax.xaxis).set_major_formatter(PctFormatter(lang))


def count_axis(ax: Any, lang: str, axis: str = "y") -> None:
    """Count tick labels with the language's thousands separator."""
    f = FuncFormatter(lambda v, _p: fmt.num(v, lang))
    a = ax.yaxis if axis == "y" else ax.xaxis
    a.set_major_formatter(f)


#: month steps between "MM/yyyy" ticks, the smallest whose labels do not touch (Jan–Apr–Jul–Oct, then Jan–Jul, …)
_MONTH_STEPS = (1, 2, 3, 6, 12)


def _month_step(ax: Any, span_months: float) -> int:
    """The month step whose "MM/yyyy" labels, at the tick font size, leave a gap of a third of a label between
    neighbours over the axes' width (17 months on a 4.3-inch axis: six months, not quarters, which touched)."""
    fig = ax.get_figure()
    width_in = ax.get_position().width * fig.get_size_inches()[0]
    size = matplotlib.font_manager.FontProperties(size=matplotlib.rcParams["xtick.labelsize"]).get_size_in_points()
    label_in = len("07/2025") * 0.64 * size / 72  # DejaVu Sans digits are ~0.64 em wide
    per_month = width_in / max(span_months, 1.0)
    return next((k for k in _MONTH_STEPS if k * per_month >= 1.35 * label_in), _MONTH_STEPS[-1])


def date_axis(ax: Any, start: pd.Timestamp, end: pd.Timestamp) -> None:
    """Years as ticks (language-neutral) over long spans; "MM/yyyy" over short ones, every 3 or 6 months as the
    axes' width leaves room for the labels without their touching."""
    span_years = (end - start).days / 365.25
    if span_years >= 1.5:
        ax.xaxis.set_major_locator(mdates.YearLocator())
        ax.xaxis.set_major_formatter(mdates.DateFormatter("%Y"))
    else:
        step = _month_step(ax, span_years * 12 + 1.3)  # the limits add 20 days either side
        ax.xaxis.set_major_locator(mdates.MonthLocator(bymonth=range(1, 13, step)))
        ax.xaxis.set_major_formatter(mdates.DateFormatter("%m/%Y"))
    ax.set_xlim(start - pd.Timedelta(days=20), end + pd.Timedelta(days=20))
    ax.grid(True, which="major", axis="x", alpha=0.6)


def midpoints(df: pd.DataFrame) -> pd.Series:
    """Middle day of each period (where a monthly value is drawn)."""
    return df["period_start"] + (df["period_end"] - df["period_start"]) / 2


def rate_limits(values: list[np.ndarray], target: float | None) -> tuple[float, float]:
    """y-limits of a rate chart: the data, the intervals and the target, with a margin, within 0–1."""
    v = np.concatenate([np.asarray(x, float) for x in values if len(x)]) if values else np.array([])
    v = v[np.isfinite(v)]
    if target is not None and np.isfinite(target):
        v = np.append(v, target)
    if not len(v):
        return 0.0, 1.0
    lo, hi = float(v.min()), float(v.max())
    pad = max(0.01, 0.08 * (hi - lo))
    return max(0.0, lo - pad), min(1.0, hi + pad)


def bars(
    ax: Any,
    x: pd.Series,
    heights: np.ndarray,
    *,
    bottom: np.ndarray | None = None,
    width_days: float = 24,
    color: str,
    label: str | None = None,
) -> None:
    """Vertical bars centred on dates as one PolyCollection (one artist, not one patch per month)."""
    xc = mdates.date2num(pd.to_datetime(x).to_numpy())
    h = np.nan_to_num(np.asarray(heights, float))
    b = np.zeros_like(h) if bottom is None else np.nan_to_num(np.asarray(bottom, float))
    half = width_days / 2.0
    verts = [((c - half, y0), (c - half, y0 + hh), (c + half, y0 + hh), (c + half, y0)) for c, y0, hh in zip(xc, b, h)]
    coll = PolyCollection(verts, facecolors=color, edgecolors="none", linewidths=0, label=label)
    ax.add_collection(coll)
    ax.xaxis_date()
    if len(xc):
        ax.update_datalim([(xc.min() - half, 0.0), (xc.max() + half, float((b + h).max()))])
        ax.autoscale_view()


def no_data(ax: Any, text: str) -> None:
    ax.text(0.5, 0.5, text, ha="center", va="center", transform=ax.transAxes, fontsize=12, color="#555555")
    ax.set_xticks([])
    ax.set_yticks([])
