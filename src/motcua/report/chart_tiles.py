"""A chart made of independent panels, each drawn (and cached) on its own: :func:`draw_tiles`.

The small multiples of the overview are 48 panels in one tall PNG; a correction
to one unit changes one panel. Each :class:`Tile` adds its own axes to the
figure and draws on them, reading nothing the other tiles draw. A tile is
rendered alone on a figure of the chart's full size, so every mark lands on
the very pixels it would in the whole figure; its pixels that are not the
white background ("ink") are then pasted onto a white canvas, which is
encoded exactly as :func:`motcua.report.charts.to_png` encodes a figure
(:func:`motcua.report.png.encode_png`). As long as no two tiles
put ink on the same pixel, the PNG is byte-for-byte the one that drawing all
tiles on one figure gives (tests/report/test_chart_tiles.py checks it).

With a :class:`~motcua.report.chart_cache.ChartCache`, a tile whose key is
unchanged is read back (its ink box, compressed) instead of drawn, and a chart
whose tiles are all unchanged is read back whole.
"""

from __future__ import annotations

import io
import zipfile
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

import matplotlib
import numpy as np
from matplotlib.backends.backend_agg import FigureCanvasAgg
from matplotlib.figure import Figure

from motcua.report.chart_cache import ChartCache, chart_key
from motcua.report.chart_style import RC, WIDTH
from motcua.report.charts import Chart, chart_of, new_figure
from motcua.report.png import encode_png

WHITE = np.uint32(0xFFFFFFFF)


@dataclass(frozen=True)
class Tile:
    """One panel: ``paint(fig)`` adds its axes and draws on them; ``key`` is the
    :func:`~motcua.report.chart_cache.chart_key` of everything it draws, its place included."""

    key: str
    paint: Callable[[Figure], None]


@dataclass(frozen=True)
class Ink:
    """The non-white pixels of one tile: an RGBA box and the row and column of its top-left corner."""

    top: int
    left: int
    rgba: np.ndarray  # (rows, cols, 4) uint8

    def to_bytes(self) -> bytes:
        buf = io.BytesIO()
        np.savez_compressed(buf, top=self.top, left=self.left, rgba=self.rgba)
        return buf.getvalue()

    @classmethod
    def from_bytes(cls, data: bytes) -> Ink:
        with np.load(io.BytesIO(data)) as z:
            return cls(int(z["top"]), int(z["left"]), z["rgba"])


def ink_of(rgba: np.ndarray) -> Ink:
    """The smallest box holding every non-white pixel of an RGBA canvas (empty box for a blank one)."""
    px = np.ascontiguousarray(rgba).view(np.uint32)[..., 0]
    ink = px != WHITE
    rows, cols = np.flatnonzero(ink.any(axis=1)), np.flatnonzero(ink.any(axis=0))
    if not len(rows):
        return Ink(0, 0, np.zeros((0, 0, 4), np.uint8))
    return Ink(int(rows[0]), int(cols[0]), rgba[rows[0] : rows[-1] + 1, cols[0] : cols[-1] + 1].copy())


def paste(canvas: np.ndarray, ink: Ink) -> None:
    """Copy the ink's non-white pixels onto ``canvas`` (in place)."""
    h, w = ink.rgba.shape[:2]
    if not h:
        return
    region = canvas[ink.top : ink.top + h, ink.left : ink.left + w]
    mask = np.ascontiguousarray(ink.rgba).view(np.uint32)[..., 0] != WHITE
    region[mask] = ink.rgba[mask]


def encode(rgba: np.ndarray) -> bytes:
    """PNG bytes of an RGBA canvas, encoded as :func:`motcua.report.charts.to_png` encodes a figure."""
    return encode_png(rgba)


def _render(fig: Figure, canvas: FigureCanvasAgg, tiles: list[Tile]) -> Ink:
    """Draw ``tiles`` alone on ``fig``, in order (their axes are removed afterwards), and return their ink."""
    before = list(fig.axes)
    for t in tiles:
        t.paint(fig)
    canvas.draw()
    ink = ink_of(np.asarray(canvas.buffer_rgba()))
    for ax in fig.axes:
        if ax not in before:
            ax.remove()
    return ink


def overlapping(inks: list[Ink]) -> list[list[int]]:
    """Groups (positions, ascending) of two or more inks that share an inked pixel, directly or through
    others: such tiles must be drawn together, where their marks blend."""
    parent = list(range(len(inks)))

    def root(i: int) -> int:
        while parent[i] != i:
            parent[i] = parent[parent[i]]
            i = parent[i]
        return i

    boxes = [(k.top, k.left, k.top + k.rgba.shape[0], k.left + k.rgba.shape[1]) for k in inks]
    for i, (t0, l0, b0, r0) in enumerate(boxes):
        for j in range(i + 1, len(inks)):
            t1, l1, b1, r1 = boxes[j]
            top, left, bottom, right = max(t0, t1), max(l0, l1), min(b0, b1), min(r0, r1)
            if top >= bottom or left >= right:
                continue
            a = inks[i].rgba[top - t0 : bottom - t0, left - l0 : right - l0]
            b = inks[j].rgba[top - t1 : bottom - t1, left - l1 : right - l1]
            inked = (np.ascontiguousarray(a).view(np.uint32)[..., 0] != WHITE) & (
                np.ascontiguousarray(b).view(np.uint32)[..., 0] != WHITE
            )
            if inked.any():
                parent[root(j)] = root(i)
    groups: dict[int, list[int]] = {}
    for i in range(len(inks)):
        groups.setdefault(root(i), []).append(i)
    return [g for g in groups.values() if len(g) > 1]


def canvas_size(height: float, width: float = WIDTH) -> tuple[int, int]:
    """(rows, columns) of the pixel canvas Agg allocates for a figure of this size."""
    w, h = new_figure(height, width).bbox.size
    return int(h), int(w)


class _Painter:
    """One figure and canvas under the report's rc, made on first use, for rendering tiles one after another."""

    def __init__(self, height: float, width: float):
        self.height, self.width = height, width
        self.fig: Figure | None = None
        self.canvas: FigureCanvasAgg | None = None

    def render(self, tiles: list[Tile]) -> Ink:
        with matplotlib.rc_context(RC):
            if self.fig is None:
                self.fig = new_figure(self.height, self.width)
                self.fig.set_facecolor("white")
                self.canvas = FigureCanvasAgg(self.fig)
            return _render(self.fig, self.canvas, tiles)


def draw_tiles(
    height: float, tiles: list[Tile], alt: str, caption: str, width: float = WIDTH, *, cache: ChartCache | None = None
) -> Chart:
    """The chart of ``tiles`` on one figure of ``width`` × ``height`` inches (white background).

    Each tile is drawn alone (or read from ``cache``); tiles whose marks share a pixel (e.g. two long
    titles side by side) are drawn again together, so their marks blend as in one figure.
    """
    whole = chart_key("draw_tiles", [t.key for t in tiles], height, width) if cache is not None else None
    png = cache.get_png(whole) if whole else None
    if png is None:
        painter = _Painter(height, width)

        def ink(key: list[str], group: list[Tile]) -> Ink:
            k = chart_key("tile", key, height, width) if cache is not None else None
            data = cache.get(k, ".npz") if k else None
            if data is not None:
                try:
                    return Ink.from_bytes(data)
                except (OSError, ValueError, KeyError, EOFError, zipfile.BadZipFile):  # a torn entry: draw it again
                    pass
            made = painter.render(group)
            if k:
                cache.put(k, made.to_bytes(), ".npz")
            return made

        inks: list[Ink] = [ink([t.key], [t]) for t in tiles]
        for group in overlapping(inks):
            joint = ink([tiles[i].key for i in group], [tiles[i] for i in group])
            for i in group:
                inks[i] = Ink(0, 0, np.zeros((0, 0, 4), np.uint8))
            inks[group[0]] = joint
        rows, cols = canvas_size(height, width)
        out = np.full((rows, cols, 4), 255, np.uint8)
        for k in inks:
            paste(out, k)
        png = encode(out)
        if whole:
            cache.put(whole, png)
    return chart_of(png, height, alt, caption, width)


def paint_all(tiles: list[Tile]) -> Callable[[Any], None]:
    """A ``paint`` drawing every tile on one figure (for :func:`motcua.report.charts.draw`)."""

    def paint(fig: Any) -> None:
        for t in tiles:
            t.paint(fig)

    return paint
