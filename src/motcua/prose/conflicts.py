"""Several values of one metric for one unit and period, and figures that are not exact.

Grain: facts of one (unit scope, period) group. A value written as approximate ("hơn 37 nghìn",
"gần 49 ngàn": flag ``approximate``) or rounded ("1,25 ngàn", "132 ngàn": flag ``rounded``) is kept
as read but is never exact: it agrees with an exact value of the same metric when it could be that
value rounded ("hơn X": X ≤ exact ≤ X·(1 + slack); "gần X": X·(1 − slack) ≤ exact ≤ X; rounded to
thousands: within 500 …), and it never makes a sum or a rate "inconsistent". Each flag states both
numbers. A count for the whole province is checked against its levels (:func:`check_levels`).
"""

from __future__ import annotations

from collections import defaultdict
from datetime import date as date_t
from typing import TYPE_CHECKING

from motcua.numfmt import fmt_vi

if TYPE_CHECKING:  # pragma: no cover
    from motcua.prose.core import Fact

#: How far above "hơn X" (below "gần X") a value may lie and still be what the words round.
APPROX_SLACK = 0.10
_BELOW = ("gần", "xấp xỉ", "khoảng", "ước", "ước tính", "gần như")


def is_inexact(f: Fact) -> bool:
    """True for an approximate or rounded figure."""
    return any(fl.startswith(("approximate", "rounded")) for fl in f.flags)


def _said(f: Fact) -> str:
    for fl in f.flags:
        if fl.startswith(("approximate", "rounded")):
            return fl.split("'")[1] if "'" in fl else fmt_vi(f.value)
    return fmt_vi(f.value)


def could_be(inexact: Fact, exact: float) -> bool:
    """Whether an exact value is what an approximate or rounded figure stands for."""
    v = float(inexact.value)
    said = _said(inexact).lower()
    lo, hi = v, v
    if any(fl.startswith("rounded") for fl in inexact.flags):
        step = 1_000_000 if "triệu" in said else 1000
        dec = said.split()[0] if said.split() else ""
        if "," in dec or "." in dec:  # "1,25 ngàn": rounded to the last decimal written
            step = step / 10 ** len(dec.replace(".", ",").split(",")[-1])
        lo, hi = v - step / 2, v + step / 2
    if any(fl.startswith("approximate") for fl in inexact.flags):
        if said.startswith(("hơn", "trên", "vượt")):
            lo, hi = min(lo, v), max(hi, v) * (1 + APPROX_SLACK)
        elif said.startswith(_BELOW):
            lo, hi = (
                min(lo, v) * (1 - APPROX_SLACK),
                max(hi, v) * (1 + APPROX_SLACK if said.startswith("khoảng") else 1),
            )
        else:
            lo, hi = lo * (1 - APPROX_SLACK), hi * (1 + APPROX_SLACK)
    return lo <= exact <= hi


def _add(f: Fact, flag: str) -> None:
    if flag not in f.flags:
        f.flags.append(flag)


def check_conflicts(by: dict[str, list[Fact]]) -> None:
    """Flag values of one metric that differ: ``conflict`` (both exact, or an inexact value that cannot
    be the exact one) with both numbers, or ``approx_agrees`` when an inexact value rounds the exact one."""
    for metric, fs in by.items():
        for f in fs:
            for o in fs:
                if o is f or round(float(o.value), 6) == round(float(f.value), 6):
                    continue
                if is_inexact(f) and not is_inexact(o) and could_be(f, float(o.value)):
                    _add(
                        f,
                        f"approx_agrees: '{_said(f)}' = {fmt_vi(f.value)} phù hợp với số chính xác "
                        f"{fmt_vi(o.value)} bài cũng nêu ({metric})",
                    )
                    continue
                if is_inexact(o) and not is_inexact(f) and could_be(o, float(f.value)):
                    continue
                note = " (có số ước lượng/làm tròn)" if is_inexact(f) or is_inexact(o) else ""
                _add(
                    f,
                    f"conflict: {metric} = {fmt_vi(f.value)} ở đây, bài cũng nêu {fmt_vi(o.value)} "
                    f"cho cùng đơn vị và kỳ{note}",
                )


def group_by_metric(facts: list[Fact]) -> dict[str, list[Fact]]:
    by: dict[str, list[Fact]] = defaultdict(list)
    for f in facts:
        by[f.metric].append(f)
    return by


#: A count of the whole province ("toàn tỉnh") is the sum of its levels: the provincial level (centre
#: and agencies) and the communes from 1 July 2025; before, the districts too.
_LEVEL_SCOPES = {"province": "cấp tỉnh", "district": "cấp huyện", "commune": "cấp xã"}


def check_levels(facts: list[Fact], reform: date_t) -> None:
    """ "toàn tỉnh" against "cấp tỉnh" + "cấp xã" (+ "cấp huyện" before the reform), per metric and period:
    ``levels_sum_ok`` / ``levels_sum_mismatch`` (``levels_sum_approx`` with an inexact figure), both numbers."""
    by: dict[tuple, dict[str, list[Fact]]] = defaultdict(lambda: defaultdict(list))
    for f in facts:
        if f.aux or f.period is None or f.metric.endswith(("_rate", "_score", "_rank", "_rank_of")):
            continue
        key = (f.metric, f.period.period_start, f.period.period_end)
        if f.unit.level == "province" and f.unit.scope == "territory":
            by[key]["total"].append(f)
        elif (
            f.unit.aggregate
            and f.unit.level in _LEVEL_SCOPES
            and f.unit.written.lower().startswith(("cấp", "ubnd cấp", "các"))
        ):
            by[key][f.unit.level].append(f)
    for (metric, start, _end), g in by.items():
        need = ["province", "commune"] if start >= reform else ["province", "district", "commune"]
        if not g.get("total") or not all(g.get(k) for k in need):
            continue
        parts = [g[k][0] for k in need]
        s = sum(float(p.value) for p in parts)
        expr = " + ".join(f"{_LEVEL_SCOPES[k]} {fmt_vi(p.value)}" for k, p in zip(need, parts))
        for t in g["total"]:
            if abs(s - float(t.value)) < 0.5:
                msg = f"levels_sum_ok: {expr} = {fmt_vi(s)} = toàn tỉnh ({metric})"
            elif any(is_inexact(x) for x in parts + [t]):
                msg = (
                    f"levels_sum_approx: {expr} = {fmt_vi(s)} ≈? toàn tỉnh {fmt_vi(t.value)} (có số ước lượng/làm tròn)"
                )
            else:
                msg = f"levels_sum_mismatch: {expr} = {fmt_vi(s)} ≠ toàn tỉnh {fmt_vi(t.value)} ({metric})"
            for x in parts + [t]:
                _add(x, msg)
