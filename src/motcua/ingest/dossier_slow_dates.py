"""Dossier rows whose date texts the DuckDB query cannot read: decided in Python by the pandas path's own
parser (:func:`motcua.ingest.dossier_layout.parse_dates`) and rules, once per distinct combination.

Grain: one entry per distinct (received, due, completed, returned) text combination as written. The
result gives the rejection code (before the channel rule) and the same window keys the SQL computes
(:func:`motcua.ingest.dossier_sql.build_sql`), so odd formats give exactly the pandas path's result.
"""

from __future__ import annotations

from datetime import date

import numpy as np
import pandas as pd

from motcua.ingest.dossier_layout import parse_dates
from motcua.ingest.dossier_sql import month_key


def slow_codes(raws: list[tuple], cutoff: int, hint) -> dict[str, np.ndarray]:
    """Rejection code (before the channel rule) and window keys for rows whose dates need ``parse_dates``.

    ``raws`` holds (received, due, completed, returned) as written; the pandas path's own parser and rules
    decide, so odd formats give exactly its result.
    """
    cols = list(zip(*raws)) if raws else [(), (), (), ()]
    txt = [pd.Series(["" if v is None else v for v in c], dtype=object) for c in cols]
    rec, due, done, ret = (parse_dates(t) for t in txt)
    done = done.fillna(ret)
    bad_done = txt[2].astype("string").str.strip().fillna("").ne("") & done.isna()
    code = np.select(
        [rec.isna().to_numpy(), due.isna().to_numpy(), bad_done.to_numpy(), (done < rec).to_numpy()], [1, 2, 3, 5], 0
    )
    out = {"code": code, **{k: np.full(len(raws), -2, dtype=np.int64) for k in ("kr", "kc", "kd", "cls")}}
    for i in np.flatnonzero(code == 0):
        out["kr"][i] = _py_key(rec.iloc[i].date(), cutoff, hint)
        out["kd"][i] = _py_key(due.iloc[i].date(), cutoff, hint)
        if not pd.isna(done.iloc[i]):
            out["kc"][i] = _py_key(done.iloc[i].date(), cutoff, hint)
            out["cls"][i] = int(np.sign((done.iloc[i] - due.iloc[i]).days))
    return out


def split_raw(s: str) -> tuple:
    """The raw date texts the query concatenated (unit separator between, record separator for NULL)."""
    return tuple(None if v == "\x1e" else v for v in s.split("\x1f"))


def _py_key(d: date, cutoff: int, hint) -> int:
    """The SQL window key (``_key_sql`` of :mod:`motcua.ingest.dossier_sql`) in Python."""
    if hint is None:
        return ((d.year * 12 + d.month - 1) * 2) + (1 if cutoff > 0 and d.day > cutoff else 0)
    p0, p1, k0, w = hint
    if d < p0:
        return -1
    if d > p1:
        return w
    return month_key(d, cutoff) - k0
