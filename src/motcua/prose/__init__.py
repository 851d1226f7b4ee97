"""Figures stated in prose reports and press releases: ``motcua extract``.

Public API: :func:`extract_facts` (files → table), :func:`extract_text` (one text →
table), :func:`save_published` / :func:`load_published` (table of published figures with provenance),
:func:`read_documents` (the build's raw documents → that table), :func:`published_display` (the same for a reader: labels, Vietnamese number format),
:data:`FACT_COLUMNS`, :data:`METRICS`. Command line: :func:`motcua.prose.cli.main`.
"""

from __future__ import annotations

from motcua.prose.core import FACT_COLUMNS, METRICS, extract_facts, extract_text
from motcua.prose.published import (
    load_published,
    published_display,
    read_documents,
    save_published,
    write_published,
)

__all__ = [
    "FACT_COLUMNS",
    "METRICS",
    "extract_facts",
    "extract_text",
    "save_published",
    "load_published",
    "published_display",
    "read_documents",
    "write_published",
]
