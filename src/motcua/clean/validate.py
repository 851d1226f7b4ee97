"""Checks on kept records: the identities of form 06, per row and across periods.

Per row: (3) = (4)+(5)+(6); (7) = (8)+(9)+(10); (11) = (12)+(13);
(3) = (7)+(11)+(other outcomes such as Bổ sung, Trả lại). For 07a-style rows
the merged columns stand in: (3) = new + (6), (7) = (8+9) + (10).
Across periods (per unit, consecutive rows): (6) of a period equals (11) of the
previous one when the periods touch; a hole between periods is reported.
Violations are reported, never "fixed": the row is kept as read.
"""

from __future__ import annotations

from collections import defaultdict
from datetime import timedelta

from motcua.ingest.records import Record
from motcua.numfmt import vi_count as _vi
from motcua.quality import Quality


def _sum(*vals: int | None) -> int | None:
    return None if any(v is None for v in vals) else int(sum(vals))  # type: ignore[arg-type]


def check_identities(records: list[Record], q: Quality) -> None:
    """Report every row identity that fails on kept records."""
    for r in records:
        if r.status != "kept":
            continue
        v, x = r.values, r.extra
        new = _sum(v.get("received_online"), v.get("received_offline"))
        if new is None:
            new = x.get("received_new")
        early_ontime = _sum(v.get("resolved_early"), v.get("resolved_ontime"))
        if early_ontime is None:
            early_ontime = x.get("resolved_early_ontime")
        others = [x.get(c) for c in r.other_outcomes if c in x]
        other_sum = _sum(*others) if others else 0
        checks = [
            ("identity_received", "(3) = (4)+(5)+(6)", v.get("received_total"), _sum(new, v.get("carried_over"))),
            (
                "identity_resolved",
                "(7) = (8)+(9)+(10)",
                v.get("resolved_total"),
                _sum(early_ontime, v.get("resolved_late")),
            ),
            (
                "identity_pending",
                "(11) = (12)+(13)",
                v.get("pending_total"),
                _sum(v.get("pending_ontime"), v.get("pending_overdue")),
            ),
            (
                "identity_balance",
                "(3) = (7)+(11)" + ("+khác" if others else ""),
                v.get("received_total"),
                _sum(v.get("resolved_total"), v.get("pending_total"), other_sum),
            ),
        ]
        for rule, text, left, right in checks:
            if left is None or right is None or left == right:
                continue
            q.add(
                r.file,
                rule,
                "warning",
                f"{text} không thỏa: vế trái {_vi(left)}, vế phải {_vi(right)} (chênh {_vi(left - right)}). Giữ nguyên số liệu như trong tệp.",
                sheet=r.sheet,
                row=r.row,
                unit=r.code,
                match=r.unit,
                period=r.label(),
                action="kept",
            )


def check_continuity(records: list[Record], q: Quality) -> None:
    """(6) of a period vs (11) of the previous period; holes between periods."""
    groups: dict[tuple[str, str], list[Record]] = defaultdict(list)
    for r in records:
        if r.status == "kept" and r.code:
            groups[r.key].append(r)
    for _key, rows in groups.items():
        rows.sort(key=lambda r: (r.start, r.end))
        for prev, cur in zip(rows, rows[1:]):
            if cur.start > prev.end + timedelta(days=1):
                gap_s, gap_e = prev.end + timedelta(days=1), cur.start - timedelta(days=1)
                q.add(
                    cur.file,
                    "period_gap",
                    "warning",
                    f"Không có số liệu của {cur.code} từ {gap_s:%d/%m/%Y} đến {gap_e:%d/%m/%Y}; không so được (6) với (11) kỳ trước.",
                    sheet=cur.sheet,
                    row=cur.row,
                    unit=cur.code,
                    match=cur.unit,
                    period=f"{gap_s:%d/%m/%Y}–{gap_e:%d/%m/%Y}",
                    action="checked",
                )
                continue
            if cur.start != prev.end + timedelta(days=1):
                continue
            a, b = cur.values.get("carried_over"), prev.values.get("pending_total")
            if a is not None and b is not None and a != b:
                q.add(
                    cur.file,
                    "carry_over_gap",
                    "warning",
                    f"(6) kỳ này {_vi(a)} ≠ (11) kỳ trước {_vi(b)} ({prev.file}, {prev.label()}); chênh {_vi(a - b)}.",
                    sheet=cur.sheet,
                    row=cur.row,
                    unit=cur.code,
                    match=cur.unit,
                    period=cur.label(),
                    action="kept",
                )
