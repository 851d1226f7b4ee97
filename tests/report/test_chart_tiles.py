"""Tiled charts: the PNG is byte for byte the one-figure PNG, drawn, read back, or partly redrawn."""

from __future__ import annotations

from functools import partial

import numpy as np

from motcua.report.chart_cache import ChartCache
from motcua.report.chart_tiles import Ink, Tile, draw_tiles, ink_of, overlapping, paint_all, paste
from motcua.report.charts import draw

HEIGHT = 3.2


def panel(fig, i: int, values: tuple[float, ...], title: str, calls: list[int]) -> None:
    calls.append(i)
    r, c = divmod(i, 2)
    ax = fig.add_axes((0.1 + c * 0.45, 0.55 - r * 0.45, 0.35, 0.3))
    ax.plot(range(len(values)), values, color="#0072B2")
    ax.set_title(title, loc="left", fontsize=9.5)
    ax.set_ylim(0, 1)


def tiles(values: list[tuple[float, ...]], titles: list[str], calls: list[int]) -> list[Tile]:
    return [
        Tile(f"{i}|{v}|{t}", partial(panel, i=i, values=v, title=t, calls=calls))
        for i, (v, t) in enumerate(zip(values, titles))
    ]


VALUES = [(0.2, 0.4, 0.3), (0.5, 0.6, 0.9), (0.1, 0.1, 0.2), (0.7, 0.3, 0.5)]
SHORT = ["A", "B", "C", "D"]
#: the first title runs into the second panel's: their marks share pixels and must blend as in one figure
LONG = ["A very long unit name that runs on and on", "Bình", "C", "D"]


def test_tiles_give_the_one_figure_png(tmp_path):
    for titles in (SHORT, LONG):
        calls: list[int] = []
        whole = draw(HEIGHT, paint_all(tiles(VALUES, titles, calls)), "alt", "cap")
        assert draw_tiles(HEIGHT, tiles(VALUES, titles, calls), "alt", "cap") == whole
        cache = ChartCache(tmp_path / titles[0])
        assert draw_tiles(HEIGHT, tiles(VALUES, titles, calls), "alt", "cap", cache=cache) == whole
        calls.clear()
        assert draw_tiles(HEIGHT, tiles(VALUES, titles, calls), "alt", "cap", cache=ChartCache(cache.folder)) == whole
        assert calls == []  # read back whole, nothing drawn


def test_only_the_changed_tile_is_drawn_again(tmp_path):
    calls: list[int] = []
    cache = ChartCache(tmp_path)
    draw_tiles(HEIGHT, tiles(VALUES, SHORT, calls), "alt", "cap", cache=cache)
    changed = [VALUES[0], VALUES[1], (0.1, 0.15, 0.2), VALUES[3]]
    calls.clear()
    got = draw_tiles(HEIGHT, tiles(changed, SHORT, calls), "alt", "cap", cache=ChartCache(tmp_path))
    assert calls == [2]
    assert got == draw(HEIGHT, paint_all(tiles(changed, SHORT, [])), "alt", "cap")
    assert got != draw(HEIGHT, paint_all(tiles(VALUES, SHORT, [])), "alt", "cap")


def test_overlapping_tiles_are_drawn_together_when_one_changes(tmp_path):
    calls: list[int] = []
    draw_tiles(HEIGHT, tiles(VALUES, LONG, calls), "alt", "cap", cache=ChartCache(tmp_path))
    changed = [VALUES[0], (0.9, 0.9, 0.8), VALUES[2], VALUES[3]]
    calls.clear()
    got = draw_tiles(HEIGHT, tiles(changed, LONG, calls), "alt", "cap", cache=ChartCache(tmp_path))
    assert calls == [1, 0, 1]  # alone (to find its ink), then with the tile its title overlaps
    assert got == draw(HEIGHT, paint_all(tiles(changed, LONG, [])), "alt", "cap")


def test_ink_box_paste_and_overlap():
    canvas = np.full((20, 30, 4), 255, np.uint8)
    canvas[5:7, 10:14] = (0, 0, 0, 255)
    canvas[12, 3] = (200, 10, 10, 255)
    ink = ink_of(canvas)
    assert (ink.top, ink.left, ink.rgba.shape) == (5, 3, (8, 11, 4))
    out = np.full_like(canvas, 255)
    paste(out, ink)
    assert (out == canvas).all()
    assert Ink.from_bytes(ink.to_bytes()).rgba.tobytes() == ink.rgba.tobytes()
    blank = ink_of(np.full((4, 4, 4), 255, np.uint8))
    assert blank.rgba.shape == (0, 0, 4)
    other = np.full_like(canvas, 255)
    other[6, 13] = (1, 2, 3, 255)  # one shared pixel
    apart = np.full_like(canvas, 255)
    apart[12, 20] = (1, 2, 3, 255)  # inside the first box, on a white pixel
    assert overlapping([ink, ink_of(other), ink_of(apart), blank]) == [[0, 1]]


def test_a_torn_tile_is_drawn_again(tmp_path):
    calls: list[int] = []
    whole = draw(HEIGHT, paint_all(tiles(VALUES, SHORT, [])), "alt", "cap")
    draw_tiles(HEIGHT, tiles(VALUES, SHORT, calls), "alt", "cap", cache=ChartCache(tmp_path))
    for p in tmp_path.iterdir():
        p.write_bytes(b"" if p.suffix == ".png" else p.read_bytes()[:50])
    calls.clear()
    assert draw_tiles(HEIGHT, tiles(VALUES, SHORT, calls), "alt", "cap", cache=ChartCache(tmp_path)) == whole
    assert calls == [0, 1, 2, 3]
