"""The keys of drawn charts (:func:`chart_key`); the store itself, :class:`ChartCache`, is in the cache package
(:mod:`motcua.cache.charts`) and re-exported here.

A chart is looked up by :func:`chart_key`: a key of the one key scheme (:mod:`motcua.cache.keys`) over
everything its pixels depend on — the exact values it plots and the words it draws (given by the caller), the
package's code version (:func:`motcua.version.source_hash`, which covers the chart code and the strings),
matplotlib's and Pillow's versions and the report's rc settings (:data:`motcua.report.chart_style.RC`, DPI,
the PNG palette's size).
Same key, same bytes: a chart read from the cache is the chart that would have been drawn.
"""

from __future__ import annotations

from typing import Any

from motcua.cache.charts import MAX_BYTES, PNG_END, PNG_START, ChartCache
from motcua.cache.keys import KeyScheme

__all__ = ["CACHE_FORMAT", "MAX_BYTES", "PNG_END", "PNG_START", "ChartCache", "chart_key"]

#: Bumped when the layout of an entry changes (old entries then simply miss).
CACHE_FORMAT = "motcua-chart-cache-2"  # 2: keys of the one key scheme


def _style() -> dict[str, Any]:
    """What every chart's pixels depend on besides its data and the code: the report's DPI and rc settings."""
    from motcua.report.chart_style import DPI, PNG_COLORS, RC

    return {"dpi": DPI, "png_colors": PNG_COLORS, "rc": {k: repr(v) for k, v in RC.items()}}


_KEYS = KeyScheme(CACHE_FORMAT, libraries=("matplotlib", "pillow"), context=_style)


def chart_key(*parts: Any) -> str:
    """sha256 (hex) of ``parts`` — numbers, strings, timestamps, arrays, Series, DataFrames, lists, dicts —
    and of what every chart depends on: code version, matplotlib and Pillow versions, rc settings, DPI."""
    return _KEYS.key(*parts)
