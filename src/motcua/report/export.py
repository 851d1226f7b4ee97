"""Executed notebook → one self-contained HTML page, in-process, with nbconvert's HTMLExporter.

The template (``templates/nbconvert/motcua_report``) writes only the
``text/html`` outputs of code cells: no input, no markdown, no stream or error
output, nothing from cells tagged ``parameters``/``injected-parameters``/
``remove-cell``. The page shell is :mod:`motcua.report.page`: strict CSP, no
remote resource, viewport, A4 print stylesheet. Same notebook and stamp, same
bytes.
"""

from __future__ import annotations

import threading
from functools import lru_cache

import nbformat
from nbconvert import HTMLExporter
from nbconvert.exporters.templateexporter import TemplateExporter

from motcua.report.html import TEMPLATES
from motcua.report.page import head, stamp_line
from motcua.report.strings import strings

SKIP_TAGS = ("parameters", "injected-parameters", "remove-cell", "remove_cell", "hide")
TEMPLATE_NAME = "motcua_report"


class ReportExporter(HTMLExporter):
    """HTMLExporter with the motcua template, without the BeautifulSoup pass of nbconvert 7.

    That pass re-serialises the page (``<meta …/>``, attribute order, entities)
    and adds generic alt text; the template already writes final HTML, and the
    CSP hash of the stylesheet must match its bytes exactly.
    """

    def from_notebook_node(self, nb, resources=None, **kw):  # type: ignore[no-untyped-def, override]
        return TemplateExporter.from_notebook_node(self, nb, resources, **kw)


def exporter() -> ReportExporter:
    """One configured exporter per thread (building it scans template folders; the build renders on
    several threads at once)."""
    return _exporter(threading.get_ident())


@lru_cache(maxsize=16)
def _exporter(thread: int) -> ReportExporter:
    ex = ReportExporter(
        extra_template_basedirs=[str(TEMPLATES / "nbconvert")],
        template_name=TEMPLATE_NAME,
        exclude_input=True,
        exclude_input_prompt=True,
        exclude_output_prompt=True,
        anchor_link_text="",
        # The notebook is validated once, after the last preprocessor, not after each of them (eleven times).
        optimistic_validation=True,
    )
    return ex


def notebook_to_html(nb: nbformat.NotebookNode, *, lang: str, title: str, build_stamp: str | None = None) -> str:
    """The executed report notebook ``nb`` as a finished HTML page in ``lang`` titled ``title``.

    ``build_stamp`` (e.g. "2026-11-23 14:00 UTC · motcua 0.1.0+abc") is the only
    text that may differ between builds; it appears on one line marked
    ``data-build-stamp``.
    """
    S = strings(lang)
    full_title = f"{title} · {S['title_suffix']}" if title else S["title_suffix"]
    resources = {
        "motcua": {
            "lang": lang,
            "head": str(head(lang=lang, title=full_title)),
            "stamp": str(stamp_line(S["build_stamp"], build_stamp)),
            "script": "",
            "skip_tags": list(SKIP_TAGS),
        }
    }
    body, _ = exporter().from_notebook_node(nb, resources=resources)
    return _tidy(body)


def _tidy(html: str) -> str:
    """Drop blank lines the template leaves, end with one newline."""
    return "\n".join(line for line in html.splitlines() if line.strip()) + "\n"
