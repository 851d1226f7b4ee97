"""Charts are encoded as indexed PNG: exactly when they hold at most 256 colours; otherwise with a palette of 256
whose most frequent colours (background, series, grid, text) are exact and every other pixel takes its nearest
palette colour, a few levels of 255 away (at most 16 on a stress case), in far fewer bytes than savefig's PNG."""

from __future__ import annotations

import io

import matplotlib
import numpy as np
from PIL import Image

from motcua.report import png as P
from motcua.report.chart_style import COLORS, PNG_COLORS, RC
from motcua.report.charts import encode_png, figure_rgba, new_figure, to_png


def _figure(n_lines: int):
    with matplotlib.rc_context(RC):
        fig = new_figure(3.0, 5.4)
        ax = fig.add_subplot()
        x = np.linspace(0, 10, 200)
        for k in range(n_lines):
            ax.plot(x, np.sin(x + k) * (k + 1), lw=1.5)
            ax.fill_between(x, -k - 0.5, np.cos(x + k), alpha=0.25)
        ax.plot(x, np.cos(x), color=COLORS["online"], lw=2)
        ax.set_title("Tỷ lệ đúng hạn")
    return fig


def _pixels(png: bytes) -> np.ndarray:
    return np.asarray(Image.open(io.BytesIO(png)).convert("RGBA"))


def _colours(rgba: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    return np.unique(rgba[..., :3].reshape(-1, 3), axis=0, return_counts=True)


def test_a_chart_of_many_colours_keeps_its_frequent_colours_exact_within_a_few_levels() -> None:
    fig = _figure(6)
    with matplotlib.rc_context(RC):
        buf = io.BytesIO()
        fig.savefig(buf, format="png", dpi=fig.dpi, facecolor="white")
        rgba = figure_rgba(fig)
        png = to_png(fig)
        again = to_png(fig)
    drawn = _pixels(buf.getvalue())
    assert np.array_equal(drawn, rgba)  # figure_rgba: the pixels savefig stores
    colours, counts = _colours(rgba)
    assert len(colours) > PNG_COLORS  # a hard case: ~7,500 colours of six translucent fills crossing
    im = Image.open(io.BytesIO(png))
    assert im.mode == "P" and len(im.getpalette()) // 3 <= PNG_COLORS
    back = _pixels(png)
    err = P.palette_error(rgba, png)
    assert err == np.abs(back.astype(int) - rgba.astype(int)).max() and 0 < err <= 16  # of 255, on blended edges
    frequent = colours[np.argsort(-counts, kind="stable")[: P.EXACT]]
    for c in frequent:  # every pixel of a frequent colour decodes to that very colour
        at = (rgba[..., :3] == c).all(axis=-1)
        assert (back[at][:, :3] == c).all()
    blue = np.array([int(COLORS["online"][i : i + 2], 16) for i in (1, 3, 5)])
    assert (back[..., :3] == blue).all(axis=-1).any()  # the series' colour, exact
    assert len(png) < 0.6 * len(buf.getvalue())
    assert again == png  # same figure, same bytes


def test_exact_with_a_palette_when_256_colours_or_fewer_alpha_kept() -> None:
    rng = np.random.default_rng(3)
    few = np.full((40, 30, 4), 255, np.uint8)
    few[..., :3] = rng.integers(0, 256, (256, 3), dtype=np.uint8)[rng.integers(0, 256, (40, 30))]
    im = Image.open(io.BytesIO(encode_png(few)))
    assert im.mode == "P" and np.array_equal(np.asarray(im.convert("RGBA")), few)
    fig = _figure(1)
    with matplotlib.rc_context(RC):
        one = figure_rgba(fig)
    if len(_colours(one)[0]) <= PNG_COLORS:
        assert np.array_equal(_pixels(encode_png(one)), one)
    clear = few.copy()
    clear[0, 0, 3] = 0
    im = Image.open(io.BytesIO(encode_png(clear)))
    assert im.mode == "RGBA" and np.array_equal(np.asarray(im), clear)


def test_every_pixel_takes_its_nearest_palette_colour() -> None:
    rng = np.random.default_rng(11)
    many = np.full((60, 50, 4), 255, np.uint8)
    many[..., :3] = rng.integers(0, 256, (60, 50, 3), dtype=np.uint8)  # ~3,000 colours
    many[:20] = [250, 250, 250, 255]  # the most frequent colour
    png = encode_png(many)
    im = Image.open(io.BytesIO(png))
    palette = np.array(im.getpalette()[: 3 * PNG_COLORS]).reshape(-1, 3)
    assert im.mode == "P" and len(palette) == PNG_COLORS
    back = _pixels(png)[..., :3].reshape(-1, 3).astype(int)
    src = many[..., :3].reshape(-1, 3).astype(int)
    d = ((src[:, None, :] - palette[None, :, :]) ** 2).sum(axis=2)
    assert (((src - back) ** 2).sum(axis=1) == d.min(axis=1)).all()
    assert (back[: 20 * 50] == 250).all()
    assert encode_png(many) == png
    # the farthest-first palette bounds the error: no colour left farther than the palette's own spacing
    assert P.palette_error(many, png) < 64


def test_palette_of_at_most_n_colours_is_the_colours_themselves() -> None:
    codes = np.array([0x000000, 0x0072B2, 0xFFFFFF], np.int64)
    palette, where = P.palette_of(codes, np.array([5, 9, 100]), 4)
    assert list(palette) == list(codes) and list(where) == [0, 1, 2]
    palette, where = P.palette_of(np.array([0x000000, 0x000001, 0xFFFFFF]), np.array([1, 50, 100]), 2)
    assert list(palette) == [0x000001, 0xFFFFFF] and list(where) == [0, 0, 1]  # the two most frequent
