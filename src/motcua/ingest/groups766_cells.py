"""The cells of the 766 columns of a dossier export, read against the vocabulary of
config/layouts/groups766.yaml: yes/no words, fee amounts, survey answers, apology letters.

Grain: one value per dossier (cell). Every reader returns the values and a mask of the cells that are
not a word of the vocabulary (unreadable: reported by the caller, that dossier left out of that
group). Quirks: words match with or without diacritics and in any case; a number a workbook stored as
``1.0`` reads as ``1``; a cell with other symbols (``??``) never matches a word and is not blank.
"""

from __future__ import annotations

import re
from typing import Any

import numpy as np
import pandas as pd

from motcua.config import load_config
from motcua.ingest.dossier_layout import column_key, parse_dates
from motcua.ingest.text import clean_text, fold


def spec() -> dict[str, Any]:
    """config/layouts/groups766.yaml."""
    return load_config().layouts.get("groups766", {})


def cell_word(v: object) -> str:
    """A cell folded to compare with the vocabulary: lower-case ASCII, single spaces, no trailing ".0"; a cell with
    other symbols ("??") is kept apart so that it matches no word (and is not blank)."""
    if v is None or (isinstance(v, float) and np.isnan(v)):
        return ""
    if isinstance(v, bool):
        return "1" if v else "0"
    raw = clean_text(v).strip()
    if re.fullmatch(r"\d+\.0+", raw):  # a number a workbook stored as 1.0
        raw = raw.split(".")[0]
    if re.search(r"[^\w\s.,/()-]", raw):  # "??", "x?": never a word of the vocabulary
        return "\x00" + raw
    return fold(raw).strip(" .")


def extra_roles(header: list[str], taken: set[int] | None = None) -> dict[str, int]:
    """(role → column index) of the 766 columns in a dossier header; ``taken``: indices already given a role
    (received, due, …) or personal, never reused. An apology date column counts as the apology column when
    there is no yes/no one."""
    keys = [column_key(h) for h in header]
    taken = set(taken or ())
    roles: dict[str, int] = {}
    for role, aliases in spec().get("columns", {}).items():
        for alias in aliases:
            hits = [i for i, k in enumerate(keys) if k == alias and i not in taken and i not in roles.values()]
            if hits:
                roles[role] = hits[0]
                break
    return roles


def yes_no(values: pd.Series) -> tuple[pd.Series, pd.Series]:
    """(True/False/NA per cell, unreadable mask). Blank → False; words of ``yes_words``/``no_words`` (with or without
    diacritics, any case) → True/False; anything else → NA and unreadable."""
    sp = spec()
    yes = {cell_word(w) for w in sp.get("yes_words", [])}
    no = {cell_word(w) for w in sp.get("no_words", [])}
    w = values.map(cell_word)
    out = pd.Series(pd.NA, index=values.index, dtype="boolean")
    out[w.isin(yes)] = True
    out[w.isin(no) | (w == "")] = False
    return out, out.isna()


def _amount(w: str) -> float | None:
    """A fee cell's amount: "50.000", "50,000", "50000", "50.000 đồng" → 50000.0; None if not a number."""
    s = w.replace("dong", "").replace("vnd", "").replace("d", "").strip()
    s = s.replace(".", "").replace(",", "").replace(" ", "")
    return float(s) if s.isdigit() else None


def fee_payable(values: pd.Series) -> tuple[pd.Series, pd.Series]:
    """(fee payable True/False/NA, unreadable mask): an amount > 0 or a yes word → True; 0, blank or a no word
    → False."""
    yn, bad = yes_no(values)
    w = values.map(cell_word)
    amounts = w[bad].map(_amount)
    yn[amounts.index[amounts.notna()]] = (amounts.dropna() > 0).to_numpy()
    return yn, yn.isna()


def survey(values: pd.Series) -> tuple[pd.Series, pd.Series, pd.Series]:
    """(surveyed, satisfied, unreadable) per cell: blank → not surveyed; ``satisfied`` / ``not_satisfied`` words →
    surveyed with that answer; anything else unreadable (neither surveyed nor satisfied)."""
    sp = spec()
    sat = {cell_word(w) for w in sp.get("satisfied", [])}
    unsat = {cell_word(w) for w in sp.get("not_satisfied", [])}
    w = values.map(cell_word)
    satisfied = w.isin(sat)
    answered = satisfied | w.isin(unsat)
    bad = ~answered & (w != "")
    return answered, satisfied, bad


def apology(flag: pd.Series | None, when: pd.Series | None) -> tuple[pd.Series, pd.Series, pd.Series]:
    """(letter issued True/False/NA, unreadable flag, unreadable date). A yes/no column decides; without one,
    a readable date is a letter and a blank none. A flag cell holding a date counts as a letter."""
    idx = (flag if flag is not None else when).index  # type: ignore[union-attr]
    dates = parse_dates(when) if when is not None else pd.Series(pd.NaT, index=idx)
    bad_date = pd.Series(False, index=idx)
    if when is not None:
        bad_date = dates.isna() & when.map(cell_word).ne("")
    if flag is None:
        out = dates.notna().astype("boolean")
        out[bad_date] = pd.NA
        return out, pd.Series(False, index=idx), bad_date
    out, bad = yes_no(flag)
    as_date = parse_dates(flag.where(bad, None).astype(object))
    out[bad & as_date.notna()] = True
    bad = out.isna()
    return out, bad, bad_date & ~bad
