"""PNG bytes of a chart's pixels: an indexed image of at most :data:`~motcua.report.chart_style.PNG_COLORS`
colours, deterministic and compact (reports embed every chart as base64, and a page must stay within its byte
budget on a phone).

A chart is a few flat colours (the white background, each series' colour, the grid, the text) and the
antialiasing between them. An opaque image of at most ``PNG_COLORS`` colours is stored exactly, with a
palette of its colours. One of more (antialiased lines crossing fills, many panels) is stored with a palette
of ``PNG_COLORS`` colours of its own: the :data:`EXACT` most frequent ones as they are (so the background,
the series' colours, the grid and the text keep their exact values and the charts stay distinguishable for
colour-blind readers and in print), then, one at a time, the colour of the image farthest from every colour
chosen so far (a greedy k-centre cover, which bounds the largest error); each pixel then takes the nearest
palette colour. Only rare edge pixels change, by a few levels of 255 (:func:`palette_error` states the
largest change). An image with transparent pixels is stored as RGBA, losslessly.

Same pixels, same bytes: no date or software tag; ties are broken by colour value.
"""

from __future__ import annotations

import io

import numpy as np

from motcua.report.chart_style import DPI, PNG_COLORS

#: The most frequent colours of an image that keep their exact value when it has more than PNG_COLORS.
EXACT = 32


def _rgb(codes: np.ndarray) -> np.ndarray:
    """Colour integers 0xRRGGBB → (n, 3) int32."""
    return np.stack([(codes >> 16) & 255, (codes >> 8) & 255, codes & 255], axis=1).astype(np.int32)


def _colours(rgba: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """(colour integers 0xRRGGBB ascending, how many pixels have each) of an RGBA image's RGB channels."""
    from PIL import Image

    found = Image.fromarray(rgba, "RGBA").getcolors(65536)  # a hash table in C; None beyond 65,536 colours
    if found is None:
        codes, counts = np.unique(_keys(rgba), return_counts=True)  # keys are 0xBBGGRR
        codes = ((codes & 255) << 16) | (codes & 0xFF00) | (codes >> 16)
        order = np.argsort(codes)
        return codes[order].astype(np.int64), counts[order].astype(np.int64)
    counts = np.fromiter((n for n, _ in found), np.int64, len(found))
    codes = np.fromiter(((c[0] << 16) | (c[1] << 8) | c[2] for _, c in found), np.int64, len(found))
    order = np.argsort(codes)
    return codes[order], counts[order]


def _keys(rgba: np.ndarray) -> np.ndarray:
    """Each pixel's RGB as one integer 0xBBGGRR (its four bytes read as a little-endian integer, alpha dropped)."""
    return np.ascontiguousarray(rgba).view("<u4")[..., 0] & np.uint32(0xFFFFFF)


#: A colour (0xBBGGRR) → its palette index, for the image being encoded (only its own colours are written
#: and read; 16 MiB of address space, of which the pages of the colours used are touched). Not for threads.
_LUT: np.ndarray | None = None


def palette_of(codes: np.ndarray, counts: np.ndarray, n: int = PNG_COLORS) -> tuple[np.ndarray, np.ndarray]:
    """(the palette, as colour integers ascending; each colour's position in it) for an image holding the colours
    ``codes`` (0xRRGGBB, ascending, unique) ``counts`` times. All of them when they are ``n`` or fewer; else the
    :data:`EXACT` most frequent, then the colour farthest (squared RGB distance) from those chosen, until ``n``
    are; each colour then goes to its nearest palette colour (the first chosen among equals)."""
    if len(codes) <= n:
        return codes, np.arange(len(codes))
    r, g, b = ((codes >> s) & 255 for s in (16, 8, 0))
    first = np.argsort(-counts, kind="stable")[: min(EXACT, n)]
    chosen: list[int] = []
    d = np.full(len(codes), np.iinfo(np.int64).max, np.int64)
    label = np.zeros(len(codes), np.int64)  # position in ``chosen`` of each colour's nearest
    for k in range(n):
        c = int(first[k]) if k < len(first) else int(np.argmax(d))  # argmax: the first of equals
        new = (r - r[c]) ** 2 + (g - g[c]) ** 2 + (b - b[c]) ** 2
        closer = new < d
        d[closer], label[closer] = new[closer], k
        chosen.append(c)
    order = np.argsort(np.asarray(chosen))  # palette ascending by colour value
    where = np.empty(n, np.int64)
    where[order] = np.arange(n)
    return codes[np.asarray(chosen)[order]], where[label]


def indexed(rgba: np.ndarray, n: int = PNG_COLORS) -> tuple[np.ndarray, np.ndarray]:
    """(palette index of each pixel (rows × columns, uint8), palette as (k, 3) uint8) of an opaque RGBA image
    (alpha ignored)."""
    global _LUT
    codes, counts = _colours(rgba)
    palette, to_index = palette_of(codes, counts, n)
    if _LUT is None:
        _LUT = np.zeros(1 << 24, np.uint8)
    _LUT[((codes & 255) << 16) | (codes & 0xFF00) | (codes >> 16)] = to_index  # keyed 0xBBGGRR
    return _LUT[_keys(rgba)], _rgb(palette).astype(np.uint8)


def palette_error(rgba: np.ndarray, png: bytes) -> int:
    """The largest difference, in levels of 255 over every pixel and channel, between ``rgba`` and ``png``."""
    from PIL import Image

    back = np.asarray(Image.open(io.BytesIO(png)).convert("RGBA")).astype(np.int16)
    return int(np.abs(back - np.asarray(rgba, dtype=np.int16)).max()) if back.size else 0


def encode_png(rgba: np.ndarray, n: int = PNG_COLORS) -> bytes:
    """PNG bytes of an RGBA pixel array (rows × columns × 4): see the module's docstring."""
    from PIL import Image

    a = np.ascontiguousarray(rgba, dtype=np.uint8)
    if a.shape[2] == 3:
        a = np.dstack([a, np.full(a.shape[:2], 255, np.uint8)])
    if (a[..., 3] != 255).any():
        im = Image.fromarray(a, "RGBA")
    else:
        index, palette = indexed(a, n)
        im = Image.fromarray(index, "P")
        im.putpalette(palette.tobytes())
    buf = io.BytesIO()
    im.save(buf, format="PNG", compress_level=6, dpi=(DPI, DPI))
    return buf.getvalue()
