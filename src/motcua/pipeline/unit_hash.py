"""The hash of exactly what a report shows and was built from (issue 6, item 4).

A unit report shows its own slice of the panel, trends, summary and quality
findings, plus the province-wide comparison (funnel limits, shrunken rates and
ranks of every unit). A correction to one unit's older months changes that
unit's slice only, so no other unit is rebuilt unless the comparison moves.
"""
from __future__ import annotations

import hashlib
import json
from typing import Any

import pandas as pd

#: Columns of trend_summary that every unit's report shows for all units.
COMPARISON_SUMMARY_COLUMNS = (
    "unit_code", "rate", "shrunk_rate", "shrunk_low", "shrunk_high", "rank", "rank_low", "rank_high", "funnel_flag",
)


def frame_hash(df: pd.DataFrame) -> str:
    """Order-stable content hash of a data frame (values, index-free, column names included)."""
    if df is None or len(df.columns) == 0:
        return "empty"
    d = df.reset_index(drop=True)
    d = d[sorted(d.columns)]
    h = hashlib.sha256(json.dumps(list(d.columns)).encode())
    h.update(pd.util.hash_pandas_object(d.astype("string"), index=False).values.tobytes())
    return h.hexdigest()


def _slice(df: pd.DataFrame, unit_code: str, col: str = "unit_code") -> pd.DataFrame:
    if df is None or df.empty or col not in df.columns:
        return pd.DataFrame()
    return df[df[col].astype(str) == str(unit_code)]


def comparison_hash(inputs: dict[str, Any]) -> str:
    summ = inputs["summary"]
    cols = [c for c in COMPARISON_SUMMARY_COLUMNS if c in summ.columns]
    return frame_hash(summ[cols]) + frame_hash(inputs["comparison"])


def _shown_params(params: dict[str, Any]) -> str:
    """Parameters that change what a report shows (not where its data folder happens to be)."""
    return json.dumps({k: v for k, v in params.items() if k != "data_dir"}, sort_keys=True)


def _meta_shown(inputs: dict[str, Any]) -> str:
    meta = inputs.get("meta", {})
    return json.dumps({k: meta.get(k) for k in ("synthetic", "as_of")}, sort_keys=True, default=str)


def slice_hashes(df: pd.DataFrame | None, col: str = "unit_code") -> dict[str, str]:
    """``frame_hash`` of every unit's slice of ``df``, in one pass over the table.

    Same values as ``frame_hash(_slice(df, code, col))`` for each code, but
    O(rows) for all units together instead of O(rows × units).
    """
    if df is None or df.empty or col not in df.columns:
        return {}
    d = df.reset_index(drop=True)
    d = d[sorted(d.columns)]
    rows = pd.util.hash_pandas_object(d.astype("string"), index=False).to_numpy()
    head = json.dumps(list(d.columns)).encode()
    out: dict[str, str] = {}
    for code, idx in d.groupby(d[col].astype(str), sort=False).indices.items():
        h = hashlib.sha256(head)
        h.update(rows[idx].tobytes())
        out[str(code)] = h.hexdigest()
    return out


class UnitHasher:
    """Hashes every unit report's inputs from one pass over each table (see :func:`unit_input_hash`)."""

    def __init__(self, inputs: dict[str, Any], notebook_hash: str, code_hash: str, config_hash: str = "") -> None:
        q = inputs.get("quality")
        qcol = "unit_code" if q is not None and "unit_code" in q.columns else "unit"
        self.parts = [slice_hashes(inputs["panel"]), slice_hashes(inputs["trends"]), slice_hashes(inputs["summary"])]
        self.quality = slice_hashes(q, qcol) if q is not None else None
        self.shared = [comparison_hash(inputs), _meta_shown(inputs)]
        self.tail = [notebook_hash, code_hash, config_hash]

    def __call__(self, unit_code: str, params: dict[str, Any]) -> str:
        code = str(unit_code)
        parts = [p.get(code, "empty") for p in self.parts]
        parts.append(self.quality.get(code, "empty") if self.quality is not None else "")
        parts += [*self.shared, _shown_params(params), *self.tail]
        return hashlib.sha256("\n".join(parts).encode()).hexdigest()


def unit_input_hash(inputs: dict[str, Any], unit_code: str, params: dict[str, Any], notebook_hash: str, code_hash: str,
                    config_hash: str = "") -> str:
    """The hash of exactly what one unit's report shows and was built from.

    Its slices of panel, trends, summary and quality; the province comparison
    every report displays; the data's as-of date and synthetic flag; the
    parameters that change what it shows; the notebook; the code; config/.
    """
    return UnitHasher(inputs, notebook_hash, code_hash, config_hash)(unit_code, params)


def _published_hash(inputs: dict[str, Any]) -> str:
    """The published figures the overview shows beside the panel, and the documents they come from (the
    overview's footer lists them, a document without figures included); "" without documents."""
    published = inputs.get("published")
    docs = [[s.get("file"), s.get("sha256")] for s in inputs.get("meta", {}).get("sources", []) or []
            if isinstance(s, dict) and s.get("kind") == "document"]
    if published is None and not docs:
        return ""
    out = "published:" + json.dumps(docs, ensure_ascii=False)
    if published is not None:
        t = published.copy()
        if "flags" in t:  # lists: hash their text
            t["flags"] = [" | ".join(f) if isinstance(f, (list, tuple)) else str(f) for f in t["flags"]]
        out += frame_hash(t)
    return out


def overview_input_hash(inputs: dict[str, Any], params: dict[str, Any], notebook_hash: str, code_hash: str,
                        config_hash: str = "") -> str:
    parts = [
        frame_hash(inputs["panel"]),
        frame_hash(inputs["trends"]),
        frame_hash(inputs["summary"]),
        frame_hash(inputs["comparison"]),
        frame_hash(inputs["quality"]) if inputs.get("quality") is not None else "",
        _published_hash(inputs),
        _meta_shown(inputs),
        _shown_params(params),
        notebook_hash,
        code_hash,
        config_hash,
    ]
    return hashlib.sha256("\n".join(parts).encode()).hexdigest()
