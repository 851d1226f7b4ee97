"""The look of every report chart: size (:data:`WIDTH` inches at :data:`DPI`), the colour of each series
(:data:`COLORS`) and the matplotlib rc settings (:data:`RC`) the charts are drawn under
and the chart cache keys on."""

from __future__ import annotations

from typing import Any

import seaborn as sns

DPI = 100
#: Colours of a chart's PNG palette at most (motcua.report.png): a chart with more is stored with this many.
PNG_COLORS = 256
WIDTH = 5.4  # inches: 540 px; a phone shows it at ~360 px (2/3), so 12-pt text stays ~11 px there

COLORS = {
    "online": "#0072B2",
    "offline": "#E69F00",
    "fit": "#0072B2",
    "forecast": "#56B4E9",
    "observed": "#333333",
    "target": "#C0392B",
    "late": "#D55E00",
    "others": "#8C8C8C",
    "highlight": "#C0392B",
    "limit95": "#555555",
    "limit998": "#999999",
}


def _rc() -> dict[str, Any]:
    rc: dict[str, Any] = {}
    rc.update(sns.axes_style("whitegrid"))
    rc.update(sns.plotting_context("notebook", font_scale=1.05))
    rc.update(
        {
            "font.family": "DejaVu Sans",
            "text.parse_math": False,
            "axes.titlesize": 13.5,
            "axes.titleweight": "bold",
            "axes.labelsize": 13,
            "xtick.labelsize": 12.5,
            "ytick.labelsize": 12.5,
            "legend.fontsize": 12,
            "legend.columnspacing": 1.0,
            "legend.handlelength": 1.6,
            "legend.frameon": False,
            "figure.dpi": DPI,
            "savefig.dpi": DPI,
            "svg.hashsalt": "motcua",
            "path.simplify": True,
        }
    )
    return rc


RC = _rc()
