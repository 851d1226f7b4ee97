"""Clean stage: raw exports → validated panel + quality findings (see :mod:`motcua.clean.run`).

The names below are loaded on first use (PEP 562), so that readers in
:mod:`motcua.ingest` can import :mod:`motcua.quality` without pulling in
the whole stage (which imports them in turn).
"""

from __future__ import annotations

from motcua.lazy import lazy_exports

_EXPORTS = {
    "CleanResult": "motcua.clean.run",
    "run_clean": "motcua.clean.run",
    "by_rule": "motcua.clean.summary",
    "by_unit": "motcua.clean.summary",
    "counts_table": "motcua.clean.summary",
    "dropped": "motcua.clean.summary",
    "headline": "motcua.clean.summary",
    "rules_text": "motcua.clean.summary",
}
__all__ = list(_EXPORTS)


__getattr__ = lazy_exports(__name__, _EXPORTS)
