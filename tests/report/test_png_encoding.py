"""Charts are encoded losslessly and compactly: the decoded pixels are exactly those Agg drew (what
``savefig(format="png")`` stores), as RGB or with a palette of at most 256 colours, in fewer bytes."""

from __future__ import annotations

import io

import matplotlib
import numpy as np
from PIL import Image

from motcua.report.chart_style import RC
from motcua.report.charts import encode_png, new_figure, to_png


def _figure(n_lines: int):
    with matplotlib.rc_context(RC):
        fig = new_figure(3.0, 5.4)
        ax = fig.add_subplot()
        x = np.linspace(0, 10, 200)
        for k in range(n_lines):
            ax.plot(x, np.sin(x + k) * (k + 1), lw=1.5)
            ax.fill_between(x, -k - 0.5, np.cos(x + k), alpha=0.25)
        ax.set_title("Tỷ lệ đúng hạn")
    return fig


def _pixels(png: bytes) -> np.ndarray:
    return np.asarray(Image.open(io.BytesIO(png)).convert("RGBA"))


def test_chart_pixels_are_those_savefig_stores_in_fewer_bytes() -> None:
    for n_lines in (1, 6):
        fig = _figure(n_lines)
        with matplotlib.rc_context(RC):
            buf = io.BytesIO()
            fig.savefig(buf, format="png", dpi=fig.dpi, facecolor="white")
            png = to_png(fig)
            again = to_png(fig)
        assert np.array_equal(_pixels(png), _pixels(buf.getvalue()))
        assert len(png) < len(buf.getvalue())
        assert again == png  # same figure, same bytes


def test_palette_when_256_colours_or_fewer_rgb_otherwise_alpha_kept() -> None:
    rng = np.random.default_rng(3)
    few = np.full((40, 30, 4), 255, np.uint8)
    few[..., :3] = rng.integers(0, 256, (256, 3), dtype=np.uint8)[rng.integers(0, 256, (40, 30))]
    im = Image.open(io.BytesIO(encode_png(few)))
    assert im.mode == "P" and np.array_equal(np.asarray(im.convert("RGBA")), few)
    many = few.copy()
    many[0, 0, :3] = [1, 2, 3] if not (few[..., :3] == [1, 2, 3]).all(-1).any() else [3, 2, 1]
    many[1:, :, :3] = rng.integers(0, 256, (39, 30, 3), dtype=np.uint8)
    im = Image.open(io.BytesIO(encode_png(many)))
    assert im.mode == "RGB" and np.array_equal(np.asarray(im.convert("RGBA")), many)
    clear = few.copy()
    clear[0, 0, 3] = 0
    im = Image.open(io.BytesIO(encode_png(clear)))
    assert im.mode == "RGBA" and np.array_equal(np.asarray(im), clear)
