"""Reports for leadership: district report, province overview, index, HTML export.

Notebooks call :func:`district_report` and :func:`province_overview`; the
pipeline calls :func:`motcua.report.export.notebook_to_html` and
:func:`motcua.report.index.render_index`. The names below are loaded on first
use (PEP 562): the build's own process exports HTML and writes the index
without importing the models and charts (about 1.8 s) that only the notebooks need.
"""

from __future__ import annotations

from motcua.lazy import lazy_exports

_EXPORTS = {
    "ReportData": "motcua.report.context",
    "load_data": "motcua.report.context",
    "district_report": "motcua.report.district",
    "province_overview": "motcua.report.overview",
}
__all__ = list(_EXPORTS)


__getattr__ = lazy_exports(__name__, _EXPORTS)
