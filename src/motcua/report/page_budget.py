"""The byte budget of a rendered page (config/report.yaml's ``page_max_bytes``, 1,500,000 by default).

Reports are self-contained HTML pages read offline on phones: every page as written (UTF-8, charts
inline as base64 PNG) is held to this many bytes.
"""

from __future__ import annotations

from motcua.config import load_config

#: The budget when config/ has no report.yaml (an older configuration folder).
DEFAULT_PAGE_MAX_BYTES = 1_500_000


def page_max_bytes() -> int:
    """The most bytes a page may have, from config/report.yaml."""
    return int((load_config().extra.get("report") or {}).get("page_max_bytes", DEFAULT_PAGE_MAX_BYTES))
