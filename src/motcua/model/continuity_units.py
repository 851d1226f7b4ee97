"""Rows of kind ``commune_predecessors`` and ``district_continuation`` of the continuity table: a 2025
commune's history summed from its legacy predecessors, and a dissolved legacy district continued by its
successor 2025 communes.

Grain: one row per (kind, unit code, period_start, period_end); a district whose successors straddle
its border gets one row with empty periods naming them. Nothing is apportioned: a legacy commune split
between 2025 communes counts whole in each of their (partial) series. Column meanings:
:mod:`motcua.model.continuity`.
"""

from __future__ import annotations

from collections.abc import Iterable

import pandas as pd

from motcua.model.continuity_frame import (
    PERIOD,
    count_text,
    load_crosswalk,
    prepare_panel,
    sum_counts,
    table_frame,
    units_label,
)


def commune_predecessors(
    panel: pd.DataFrame,
    crosswalk: pd.DataFrame | None = None,
    provinces: Iterable[str] | None = None,
    prepared: pd.DataFrame | None = None,
) -> pd.DataFrame:
    """Rows of kind ``commune_predecessors`` (module docstring): for each 2025 commune with at least
    one predecessor row, per legacy period, the sum of its predecessor legacy communes present.

    ``exact`` when every predecessor went whole into it (``legacy_whole`` = 1) and every one has a
    row of that period; otherwise partial, with ``missing_codes`` and ``split_codes``. A legacy commune
    split between several 2025 communes counts whole in each of their (partial) series, never divided.
    ``provinces``: 2025 province codes to keep (default: all).
    """
    xw = load_crosswalk(crosswalk)
    cx = xw[(xw["legacy_level"] == "commune") & (xw["new_level"] == "commune")]
    if provinces is not None:
        cx = cx[cx["new_province_code"].isin([str(x) for x in provinces])]
    p = prepare_panel(panel) if prepared is None else prepared
    leg = p[(p["unit_schema"] == "legacy") & (p["unit_level"] == "commune")]
    joined = leg.merge(cx[["legacy_code", "new_code", "legacy_whole"]], left_on="unit_code", right_on="legacy_code")
    if joined.empty:
        return table_frame([])
    expected = {k: sorted(v) for k, v in cx.groupby("new_code")["legacy_code"]}
    split = {k: sorted(v) for k, v in cx[cx["legacy_whole"] == 0].groupby("new_code")["legacy_code"]}
    new_names = dict(zip(cx["new_code"], cx["new_name"]))
    old_names = dict(zip(cx["legacy_code"], cx["legacy_name"]))
    keys = ["new_code", *PERIOD]
    sums = sum_counts(joined, keys)
    present = joined.groupby(keys)["unit_code"].agg(lambda s: sorted(set(s)))
    rows = []
    for (code, ps, pe), have in present.items():
        exp = expected[code]
        missing = [c for c in exp if c not in set(have)]
        spl = split.get(code, [])
        exact = not missing and not spl
        s = f"Cộng {count_text(len(have))}/{count_text(len(exp))} đơn vị cấp xã trước sắp xếp"
        if missing:
            s += f"; thiếu số liệu: {units_label(missing, old_names)}"
        if spl:
            s += f"; chỉ một phần nhập vào đơn vị này (số liệu được cộng nguyên, không chia tách): {units_label(spl, old_names)}"
        s += "; chuỗi đầy đủ." if exact else "; chuỗi chưa đầy đủ."
        rows.append(
            {
                "kind": "commune_predecessors",
                "unit_schema": "2025",
                "unit_code": code,
                "unit_name": new_names.get(code, ""),
                "unit_level": "commune",
                "era": "legacy",
                "period_start": ps,
                "period_end": pe,
                "from_level": "commune",
                "from_codes": ",".join(have),
                "missing_codes": ",".join(missing),
                "split_codes": ",".join(spl),
                **sums[(code, ps, pe)],
                "n_units_present": len(have),
                "n_units_expected": len(exp),
                "exact": exact,
                "same_area": not spl,
                "comparable": exact,
                "note": s,
            }
        )
    return table_frame(rows)


def district_continuation(
    panel: pd.DataFrame,
    crosswalk: pd.DataFrame | None = None,
    provinces: Iterable[str] | None = None,
    prepared: pd.DataFrame | None = None,
) -> pd.DataFrame:
    """Rows of kind ``district_continuation`` (module docstring) for every legacy district with rows
    in the panel: per 2025 period, the sum of its successor communes present when they all lie
    wholly inside it (``exact`` when all are present); one row without period naming the straddling
    successors otherwise. ``provinces``: legacy province codes of the districts to keep (default: all).
    """
    xw = load_crosswalk(crosswalk)
    dx = xw[xw["legacy_level"] == "district"]
    p = prepare_panel(panel) if prepared is None else prepared
    dists = p[(p["unit_schema"] == "legacy") & (p["unit_level"] == "district")]
    if provinces is not None:
        dists = dists[dists["province_code"].isin([str(x) for x in provinces])]
    codes = sorted(set(dists["unit_code"]) & set(dx["legacy_code"]))
    dx = dx[dx["legacy_code"].isin(codes)]
    names = dict(zip(dx["legacy_code"], dx["legacy_name"]))
    new_names = dict(zip(dx["new_code"], dx["new_name"]))
    comm = p[(p["unit_schema"] == "2025") & (p["unit_level"] == "commune")]
    moved = "chỉ gồm cấp xã: một phần công việc một cửa của đơn vị cấp huyện cũ đã chuyển lên cấp tỉnh"
    succ = {d: sorted(v) for d, v in dx.groupby("legacy_code")["new_code"]}
    straddle = {d: sorted(v) for d, v in dx[dx["new_within"] == 0].groupby("legacy_code")["new_code"]}
    rows = _straddling_rows(straddle, succ, names, new_names)
    # a commune wholly inside a district lies inside no other: each 2025 row joins one continued district at most
    inside = dx[~dx["legacy_code"].isin(straddle)][["legacy_code", "new_code"]]
    joined = comm.merge(inside, left_on="unit_code", right_on="new_code")
    if not joined.empty:
        keys = ["legacy_code", *PERIOD]
        sums = sum_counts(joined, keys)
        present = joined.groupby(keys)["unit_code"].agg(lambda x: sorted(set(x)))
        for (d, ps, pe), have in present.items():
            missing = [c for c in succ[d] if c not in set(have)]
            s = f"Cộng {count_text(len(have))}/{count_text(len(succ[d]))} đơn vị cấp xã kế thừa, đều nằm trọn trong {names.get(d, d)} cũ"
            if missing:
                s += f"; thiếu số liệu: {units_label(missing, new_names)}"
            rows.append(
                {
                    "kind": "district_continuation",
                    "unit_schema": "legacy",
                    "unit_code": d,
                    "unit_name": names.get(d, ""),
                    "unit_level": "district",
                    "era": "2025",
                    "from_level": "commune",
                    "period_start": ps,
                    "period_end": pe,
                    "from_codes": ",".join(have),
                    "missing_codes": ",".join(missing),
                    "split_codes": "",
                    **sums[(d, ps, pe)],
                    "n_units_present": len(have),
                    "n_units_expected": len(succ[d]),
                    "exact": not missing,
                    "same_area": True,
                    "comparable": False,
                    "note": f"{s}; {moved}.",
                }
            )
    return table_frame(rows)


def _straddling_rows(
    straddle: dict[str, list[str]], succ: dict[str, list[str]], names: dict[str, str], new_names: dict[str, str]
) -> list[dict]:
    """One ``district_continuation`` row without period per district with a successor straddling its
    border (``straddle``: district → those successors; ``succ``: district → all its successors)."""
    rows = []
    for d in sorted(straddle):
        rows.append(
            {
                "kind": "district_continuation",
                "unit_schema": "legacy",
                "unit_code": d,
                "unit_name": names.get(d, ""),
                "unit_level": "district",
                "era": "2025",
                "from_level": "commune",
                "period_start": pd.NaT,
                "period_end": pd.NaT,
                "from_codes": "",
                "missing_codes": "",
                "split_codes": ",".join(straddle[d]),
                "n_units_present": 0,
                "n_units_expected": len(succ[d]),
                "exact": False,
                "same_area": False,
                "comparable": False,
                "note": (
                    f"Không nối tiếp được sau sắp xếp: đơn vị cấp xã kế thừa nằm một phần ngoài {names.get(d, d)} cũ: "
                    f"{units_label(straddle[d], new_names)}."
                ),
            }
        )
    return rows
