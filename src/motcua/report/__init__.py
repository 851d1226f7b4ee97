"""Reports for leadership: district report, province overview, index, HTML export.

Notebooks call :func:`district_report` and :func:`province_overview`; the
pipeline calls :func:`motcua.report.export.notebook_to_html` and
:func:`motcua.report.index.render_index`.
"""
from __future__ import annotations

from motcua.report.context import ReportData, load_data
from motcua.report.district import district_report

__all__ = ["ReportData", "district_report", "load_data", "province_overview"]


def province_overview(data_dir, lang: str = "vi", cache: bool = True):  # noqa: ANN001, ANN201 - re-exported lazily
    """The province overview report (see :mod:`motcua.report.overview`)."""
    from motcua.report.overview import province_overview as _po

    return _po(data_dir, lang, cache)
