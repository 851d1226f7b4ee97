"""Period logic on records: cumulative differencing and overlap resolution (docs/domain.md, "Periods").

Rules (documented in the clean notebook's summary and in quality.csv):

1. Cumulative-to-date rows ("lũy kế", start S, end E) are differenced per
   unit against what precedes them from S: an earlier cumulative row of the
   same series, else kept rows that tile S … E' exactly. The result is the
   period E'+1 … E: flow columns (4, 5, 7–10) are differences, stock columns
   (11–13) are the cumulative row's own, (6) is the pending (11) at E', and
   (3) = (4)+(5)+(6). A negative difference is a revision: the value is left
   empty and flagged. A cumulative row with nothing before it (E' absent)
   starts at S and is kept as a period S … E.
2. A row whose period is tiled exactly by finer kept rows of the same unit is
   an aggregate: it is compared with them (flows summed, (6) at the start,
   (11)–(13) at the end) and dropped (the finest grain wins).
3. Any other duplicate or overlapping periods of one unit: the newest file
   wins (workbook creation date, then file name); the older rows are
   dropped and reported, with the columns that differ.
"""

from __future__ import annotations

from bisect import bisect_left, bisect_right
from collections import defaultdict
from datetime import date, timedelta

from motcua.ingest.records import Record
from motcua.numfmt import vi_count as _vi
from motcua.panel import COUNT_COLUMNS, FLOW_COLUMNS, column_ref
from motcua.quality import Quality

STOCKS_END = ("pending_total", "pending_ontime", "pending_overdue")
EXTRA_FLOWS = ("received_new", "resolved_early_ontime", "supplement", "returned")


def _finding(q: Quality, rec: Record, rule: str, severity: str, message: str, *, action: str) -> None:
    """One finding about ``rec``, located by its file, sheet, row, unit and period."""
    q.add(
        rec.file,
        rule,
        severity,
        message,
        sheet=rec.sheet,
        row=rec.row,
        unit=rec.code,
        match=rec.unit,
        period=rec.label(),
        action=action,
    )


def _by_unit(records: list[Record]) -> dict[tuple[str, str], list[Record]]:
    out: dict[tuple[str, str], list[Record]] = defaultdict(list)
    for r in records:
        if r.status == "kept" and r.code:
            out[r.key].append(r)
    return out


def _tiling(rows: list[Record], start: date, end: date) -> list[Record] | None:
    """Rows (sorted) that tile start … end exactly with no gap or overlap, else None."""
    cur = start
    chosen = []
    for r in sorted(rows, key=lambda x: (x.start, x.end)):
        if r.start == cur and r.end <= end:
            chosen.append(r)
            cur = r.end + timedelta(days=1)
            if r.end == end:
                return chosen
    return None


def _sum(rows: list[Record], col: str, extra: bool = False) -> int | None:
    vals = [(r.extra if extra else r.values).get(col) for r in rows]
    if not vals or any(v is None for v in vals):
        return None
    return int(sum(vals))  # type: ignore[arg-type]


def difference_cumulative(records: list[Record], q: Quality) -> None:
    """Turn kept cumulative rows into period rows in place (rule 1)."""
    groups = _by_unit(records)
    for _key, rows in groups.items():
        cums = sorted([r for r in rows if r.cumulative], key=lambda r: (r.start, r.end))
        plain = [r for r in rows if not r.cumulative]
        prev_cum: dict[date, Record] = {}
        for c in cums:
            base = prev_cum.get(c.start)
            prior: list[Record] | None = None
            if base is not None and base.end < c.end:
                prior_end = base.end
                prior_vals = {col: base.values.get(col) for col in COUNT_COLUMNS}
                prior_extra = dict(base.orig_extra if hasattr(base, "orig_extra") else base.extra)
                src = f"{base.file} ({base.label()})"
                prior_pending = base.values.get("pending_total")
                start_carried = base.values.get("carried_over")
            else:
                # the longest tiling of c.start … E' by plain rows with E' < c.end
                ends = sorted({r.end for r in plain if c.start <= r.end < c.end}, reverse=True)
                prior_end = None
                for e in ends:
                    t = _tiling(plain, c.start, e)
                    if t:
                        prior, prior_end = t, e
                        break
                if prior is None:
                    prev_cum[c.start] = c
                    _mark_orig(c)
                    c.cumulative = False
                    _finding(
                        q,
                        c,
                        "cumulative_differenced",
                        "info",
                        f"Số lũy kế từ {c.start:%d/%m/%Y} không có kỳ nào trước trong cùng năm; dùng nguyên là kỳ {c.label()}.",
                        action="derived",
                    )
                    continue
                prior_vals = {col: _sum(prior, col) for col in FLOW_COLUMNS}
                prior_extra = {col: _sum(prior, col, extra=True) for col in EXTRA_FLOWS}
                src = ", ".join(sorted({p.file for p in prior}))
                prior_pending = prior[-1].values.get("pending_total")
                start_carried = prior[0].values.get("carried_over")
            _mark_orig(c)
            new_start = prior_end + timedelta(days=1)  # type: ignore[operator]
            orig = dict(c.values)
            revisions = []
            for col in FLOW_COLUMNS:
                a, b = orig.get(col), prior_vals.get(col)
                d = None if a is None or b is None else a - b
                if d is not None and d < 0:
                    revisions.append(f"{column_ref(col)}: {_vi(a)} − {_vi(b)} = {_vi(d)}")
                    d = None
                c.values[col] = d
            for col in EXTRA_FLOWS:
                if col in c.extra:
                    a, b = c.extra.get(col), prior_extra.get(col)
                    c.extra[col] = None if a is None or b is None or a - b < 0 else a - b
            if (
                start_carried is not None
                and orig.get("carried_over") is not None
                and orig["carried_over"] != start_carried
            ):
                _finding(
                    q,
                    c,
                    "carry_over_gap",
                    "warning",
                    f"Cột (6) của số lũy kế ({_vi(orig['carried_over'])}) khác (6) đầu kỳ {c.start:%d/%m/%Y} "
                    f"({_vi(start_carried)}).",
                    action="checked",
                )
            c.values["carried_over"] = prior_pending
            on, off, co = (
                c.values.get("received_online"),
                c.values.get("received_offline"),
                c.values.get("carried_over"),
            )
            if c.values.get("received_online") is None and c.extra.get("received_new") is not None and co is not None:
                c.values["received_total"] = c.extra["received_new"] + co  # type: ignore[operator]
            else:
                c.values["received_total"] = None if None in (on, off, co) else on + off + co  # type: ignore[operator]
            old_label = c.label()
            prev_cum[c.start] = _snapshot(c, orig)
            c.start = new_start
            c.period_kind = _kind(new_start, c.end)
            c.cumulative = False
            c.source_ref = f"{c.source_ref} (lũy kế {old_label} trừ {src})"
            changed = "; ".join(
                f"{column_ref(col)} {_vi(orig.get(col))} → {_vi(c.values.get(col))}"
                for col in (*FLOW_COLUMNS, "carried_over", "received_total")
                if orig.get(col) != c.values.get(col)
            )
            _finding(
                q,
                c,
                "cumulative_differenced",
                "info",
                f"Số lũy kế {old_label} trừ đi {src} → kỳ {c.label()}; (6) lấy bằng (11) cuối kỳ trước "
                f"({_vi(prior_pending)}), (3) = (4)+(5)+(6). Giá trị gốc → giá trị dùng: {changed}.",
                action="derived",
            )
            if revisions:
                _finding(
                    q,
                    c,
                    "cumulative_revision",
                    "warning",
                    "Hiệu số lũy kế âm (số liệu kỳ trước đã bị điều chỉnh); để trống: " + "; ".join(revisions),
                    action="value_removed",
                )


def _mark_orig(c: Record) -> None:
    c.orig_extra = dict(c.extra)  # type: ignore[attr-defined]


def _snapshot(c: Record, orig: dict[str, int | None]) -> Record:
    snap = Record(
        c.file,
        c.sheet,
        c.row,
        c.name,
        c.unit,
        c.start,
        c.end,
        c.period_kind,
        True,
        dict(orig),
        dict(getattr(c, "orig_extra", c.extra)),
        c.order,
        c.source_kind,
        c.source_ref,
    )
    snap.orig_extra = dict(getattr(c, "orig_extra", c.extra))  # type: ignore[attr-defined]
    return snap


def _kind(start: date, end: date) -> str:
    from motcua.ingest.periods import classify

    return classify(start, end)


def _same_sheet_duplicates(rows: list[Record], q: Quality) -> None:
    """One unit twice for the same period in one file (one sheet or two): no file is newer, so no row can win by rule 3.

    Identical rows: the first is kept, the copies dropped (info). Rows that differ: all are dropped
    (error) — which one is right cannot be known; except rows the sheet hides beside the one row of the unit it
    shows, in one sheet: an old row hidden instead of deleted, dropped (warning), the shown row kept.
    """
    groups: dict[tuple, list[Record]] = defaultdict(list)
    for r in rows:
        if r.status == "kept":
            groups[(r.file, r.start, r.end)].append(r)
    for (_file, _s, _e), dup in groups.items():
        if len(dup) < 2:
            continue
        dup.sort(key=lambda r: (r.sheet, r.row is None, r.row or 0))
        one_sheet = len({r.sheet for r in dup}) == 1
        where = (
            "trong cùng trang tính (dòng " + ", ".join(str(r.row) for r in dup) + ")"
            if one_sheet
            else "trong cùng tệp (" + ", ".join(f'trang "{r.sheet}" dòng {r.row}' for r in dup) + ")"
        )
        first = dup[0]
        differ = [c for c in COUNT_COLUMNS if any(r.values.get(c) != first.values.get(c) for r in dup[1:])]
        if not differ:
            for r in dup[1:]:
                r.status = "dropped"
                _finding(
                    q,
                    r,
                    "duplicate_unit_row",
                    "info",
                    f"Đơn vị {r.code} có {len(dup)} dòng cho kỳ {r.label()} {where} với cùng "
                    f"số liệu; giữ dòng {first.row}"
                    + ("" if one_sheet else f' của trang "{first.sheet}"')
                    + ", bỏ bản chép.",
                    action="dropped",
                )
            continue
        diffs = "; ".join(f"{column_ref(c)}: " + " / ".join(_vi(r.values.get(c)) for r in dup) for c in differ)
        shown = [r for r in dup if not r.hidden]
        if len(shown) == 1 and one_sheet:
            # rows the sheet hides beside the one it shows: an old row hidden instead of deleted; the shown row is
            # the report's
            for r in dup:
                if r is shown[0]:
                    continue
                r.status = "dropped"
                _finding(
                    q,
                    r,
                    "duplicate_unit_row",
                    "warning",
                    f"Đơn vị {r.code} có {len(dup)} dòng cho kỳ {r.label()} {where} với số liệu khác nhau "
                    f"({diffs}); dòng {r.row} bị ẩn trong trang tính (số liệu cũ ẩn đi thay vì xóa): giữ dòng hiện "
                    f"{shown[0].row}, bỏ dòng ẩn.",
                    action="dropped",
                )
            continue
        for r in dup:
            r.status = "dropped"
            _finding(
                q,
                r,
                "duplicate_unit_row",
                "error",
                f"Đơn vị {r.code} có {len(dup)} dòng cho kỳ {r.label()} {where} với số liệu "
                f"khác nhau ({diffs}); không biết dòng nào đúng, loại cả {len(dup)}.",
                action="dropped",
            )


class _Winners:
    """The rows kept so far by rule 3, pairwise disjoint; finds the first one (in the order kept) that overlaps a row.

    Disjoint periods sorted by start are sorted by end too, so the rows overlapping ``r`` are one
    contiguous run of that order, found by bisection. ``exact``: some period ends before it starts;
    scan every winner instead (the order argument needs start <= end).
    """

    def __init__(self, exact: bool = False) -> None:
        self.exact = exact
        self.added: list[Record] = []  # in the order kept
        self.starts: list[date] = []  # sorted, with ends and index alongside
        self.ends: list[date] = []
        self.index: list[int] = []

    def first_overlap(self, r: Record) -> Record | None:
        if self.exact:
            return next((w for w in self.added if r.start <= w.end and w.start <= r.end), None)
        lo, hi = bisect_left(self.ends, r.start), bisect_right(self.starts, r.end)
        return self.added[min(self.index[lo:hi])] if lo < hi else None

    def add(self, r: Record) -> None:
        i = bisect_right(self.starts, r.start)
        self.starts.insert(i, r.start)
        self.ends.insert(i, r.end)
        self.index.insert(i, len(self.added))
        self.added.append(r)


def resolve_overlaps(records: list[Record], q: Quality) -> None:
    """Drop aggregates tiled by finer rows (rule 2) and older overlapping rows (rule 3), in place.

    Cumulative rows not yet differenced are left alone.
    """
    for _key, rows in _by_unit(records).items():
        rows = [r for r in rows if not r.cumulative]
        _same_sheet_duplicates(rows, q)
        rows_sorted = sorted(rows, key=lambda r: (r.start, r.end))
        starts = [r.start for r in rows_sorted]
        # rule 2: aggregates tiled by strictly shorter kept rows
        for r in sorted(rows_sorted, key=lambda x: x.end - x.start, reverse=True):
            if r.status != "kept":
                continue
            # a finer row starts within r: only rows_sorted[lo:hi] can be one (bisect on the sorted starts)
            lo, hi = bisect_left(starts, r.start), bisect_right(starts, r.end)
            finer = [
                x
                for x in rows_sorted[lo:hi]
                if x is not r and x.status == "kept" and x.end <= r.end and (x.end - x.start) < (r.end - r.start)
            ]
            if not finer:
                continue
            t = _tiling(finer, r.start, r.end)
            if not t:
                continue
            diffs = []
            for col in FLOW_COLUMNS:
                s = _sum(t, col)
                if s is not None and r.values.get(col) is not None and s != r.values[col]:
                    diffs.append(f"{column_ref(col)}: {_vi(r.values[col])} ≠ {_vi(s)}")
            for col, v in (
                ("carried_over", t[0].values.get("carried_over")),
                *((c, t[-1].values.get(c)) for c in STOCKS_END),
            ):
                if v is not None and r.values.get(col) is not None and v != r.values[col]:
                    diffs.append(f"{column_ref(col)}: {_vi(r.values[col])} ≠ {_vi(v)}")
            r.status = "dropped"
            files = ", ".join(sorted({x.file for x in t}))
            if diffs:
                _finding(
                    q,
                    r,
                    "aggregate_superseded",
                    "warning",
                    f"Kỳ {r.label()} đã có đủ {len(t)} kỳ chi tiết ({files}) và KHÔNG khớp: "
                    + "; ".join(diffs)
                    + ". Dùng các kỳ chi tiết.",
                    action="dropped",
                )
            else:
                _finding(
                    q,
                    r,
                    "aggregate_superseded",
                    "info",
                    f"Kỳ {r.label()} đã có đủ {len(t)} kỳ chi tiết ({files}) và khớp; dùng để đối chiếu, không đưa vào bảng.",
                    action="dropped",
                )
        # rule 3: newest file wins among remaining overlaps
        kept = sorted([r for r in rows_sorted if r.status == "kept"], key=lambda r: r.order, reverse=True)
        winners = _Winners(exact=any(r.end < r.start for r in kept))
        for r in kept:
            clash = winners.first_overlap(r)
            if clash is None:
                winners.add(r)
                continue
            r.status = "dropped"
            same = r.start == clash.start and r.end == clash.end
            diffs = [
                f"{column_ref(c)}: {_vi(r.values.get(c))} → {_vi(clash.values.get(c))}"
                for c in COUNT_COLUMNS
                if r.values.get(c) != clash.values.get(c)
            ]
            rule = "duplicate_period" if same else "overlapping_period"
            if same and not diffs:
                _finding(
                    q,
                    r,
                    rule,
                    "info",
                    f"Kỳ {r.label()} có cả trong {clash.file} (mới hơn) với cùng số liệu; dùng tệp mới hơn.",
                    action="dropped",
                )
            else:
                what = "trùng kỳ" if same else f"chồng lấn với kỳ {clash.label()}"
                _finding(
                    q,
                    r,
                    rule,
                    "warning",
                    f"Kỳ {r.label()} {what} trong {clash.file} (mới hơn); dùng tệp mới hơn"
                    + (": " + "; ".join(diffs) if diffs else "")
                    + ".",
                    action="dropped",
                )
