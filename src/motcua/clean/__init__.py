"""Clean stage: raw exports → validated panel + quality findings (see :mod:`motcua.clean.run`)."""
from __future__ import annotations

from motcua.clean.run import CleanResult, run_clean
from motcua.clean.summary import by_rule, by_unit, counts_table, dropped, headline, rules_text

__all__ = ["CleanResult", "run_clean", "by_rule", "by_unit", "counts_table", "dropped", "headline", "rules_text"]
