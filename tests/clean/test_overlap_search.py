"""The indexed overlap search of resolve_overlaps decides exactly as the plain scan did,
and the column-wise panel builder gives the frame the row-wise one gave."""

from __future__ import annotations

import random
from datetime import date, timedelta

import pandas as pd
import pytest

from motcua.clean.periods import (
    STOCKS_END,
    _by_unit,
    _same_sheet_duplicates,
    _sum,
    _tiling,
    _vi,
    _Winners,
    resolve_overlaps,
)
from motcua.clean.run import PANEL_EXTRA_COLUMNS, _panel
from motcua.ingest.names import UnitMatch
from motcua.ingest.records import Record
from motcua.numfmt import vi_count
from motcua.panel import COUNT_COLUMNS, FLOW_COLUMNS, PANEL_COLUMNS, column_ref
from motcua.quality import Quality


def _unit(code: str) -> UnitMatch:
    return UnitMatch(code, code, f"Huyện {code}", "district", "54", "Phú Yên", 100.0, method="exact")


def _record(code: str, start: date, end: date, order: int, value: int, file: str = "") -> Record:
    values = {c: value for c in COUNT_COLUMNS}
    return Record(
        file or f"f{order}.xlsx",
        "Biểu 06",
        order,
        code,
        _unit(code),
        start,
        end,
        "month",
        False,
        values,
        order=(order, file or f"f{order}.xlsx"),
        source_kind="form",
        source_ref=f"Biểu 06!A{order}",
    )


def _month_end(y: int, m: int) -> date:
    return date(y + m // 12, m % 12 + 1, 1) - timedelta(days=1)


def _random_records(rng: random.Random, n: int) -> list[Record]:
    """Calendar months, quarters tiled (or not) by them, and odd spans of two units, from several files."""
    out = []
    for i in range(n):
        code = rng.choice(["555", "557"])
        y, m = rng.choice([2023, 2024]), rng.randrange(1, 13)
        shape = rng.random()
        if shape < 0.5:  # a calendar month
            start, end = date(y, m, 1), _month_end(y, m)
        elif shape < 0.75:  # a quarter: an aggregate whenever its three months are there
            q0 = 3 * ((m - 1) // 3) + 1
            start, end = date(y, q0, 1), _month_end(y, q0 + 2)
        else:  # an odd span, overlapping whatever it meets
            start = date(y, m, 1) + timedelta(days=rng.randrange(0, 28))
            end = start + timedelta(days=rng.choice([0, 6, 29, 45, 180]))
        out.append(_record(code, start, end, rng.randrange(0, 8), rng.randrange(0, 2), file=f"f{i % 9}.xlsx"))
    return out


def _scan_resolve(records: list[Record], q: Quality) -> None:
    """resolve_overlaps as it was before the indexed search: the plain O(n²) scans, verbatim (messages name columns by
    their form-06 numbers, as resolve_overlaps now does)."""
    for _key, rows in _by_unit(records).items():
        rows = [r for r in rows if not r.cumulative]
        _same_sheet_duplicates(rows, q)
        rows_sorted = sorted(rows, key=lambda r: (r.start, r.end))
        # rule 2: aggregates tiled by strictly shorter kept rows
        for r in sorted(rows_sorted, key=lambda x: x.end - x.start, reverse=True):
            if r.status != "kept":
                continue
            finer = [
                x
                for x in rows_sorted
                if x is not r
                and x.status == "kept"
                and x.start >= r.start
                and x.end <= r.end
                and (x.end - x.start) < (r.end - r.start)
            ]
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
                q.add(
                    r.file,
                    "aggregate_superseded",
                    "warning",
                    f"Kỳ {r.label()} đã có đủ {len(t)} kỳ chi tiết ({files}) và KHÔNG khớp: "
                    + "; ".join(diffs)
                    + ". Dùng các kỳ chi tiết.",
                    sheet=r.sheet,
                    row=r.row,
                    unit=r.code,
                    match=r.unit,
                    period=r.label(),
                    action="dropped",
                )
            else:
                q.add(
                    r.file,
                    "aggregate_superseded",
                    "info",
                    f"Kỳ {r.label()} đã có đủ {len(t)} kỳ chi tiết ({files}) và khớp; dùng để đối chiếu, không đưa vào bảng.",
                    sheet=r.sheet,
                    row=r.row,
                    unit=r.code,
                    match=r.unit,
                    period=r.label(),
                    action="dropped",
                )
        # rule 3: newest file wins among remaining overlaps
        kept = sorted([r for r in rows_sorted if r.status == "kept"], key=lambda r: r.order, reverse=True)
        winners: list[Record] = []
        for r in kept:
            clash = next((w for w in winners if r.start <= w.end and w.start <= r.end), None)
            if clash is None:
                winners.append(r)
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
                q.add(
                    r.file,
                    rule,
                    "info",
                    f"Kỳ {r.label()} có cả trong {clash.file} (mới hơn) với cùng số liệu; dùng tệp mới hơn.",
                    sheet=r.sheet,
                    row=r.row,
                    unit=r.code,
                    match=r.unit,
                    period=r.label(),
                    action="dropped",
                )
            else:
                what = "trùng kỳ" if same else f"chồng lấn với kỳ {clash.label()}"
                q.add(
                    r.file,
                    rule,
                    "warning",
                    f"Kỳ {r.label()} {what} trong {clash.file} (mới hơn); dùng tệp mới hơn"
                    + (": " + "; ".join(diffs) if diffs else "")
                    + ".",
                    sheet=r.sheet,
                    row=r.row,
                    unit=r.code,
                    match=r.unit,
                    period=r.label(),
                    action="dropped",
                )


@pytest.mark.parametrize("seed", range(12))
def test_resolve_overlaps_decides_as_the_plain_scan(seed: int) -> None:
    rng = random.Random(seed)
    recs = _random_records(rng, 120)
    twin = _random_records(random.Random(seed), 120)
    q, q_scan = Quality(), Quality()
    resolve_overlaps(recs, q)
    _scan_resolve(twin, q_scan)
    assert [r.status for r in recs] == [r.status for r in twin]
    assert q.findings == q_scan.findings  # same findings, same messages, same order
    assert any(r.status == "dropped" for r in recs)  # the data do overlap


def test_winners_finds_the_first_kept_overlap_in_both_modes() -> None:
    a = _record("555", date(2024, 1, 1), date(2024, 1, 31), 3, 1)
    b = _record("555", date(2024, 3, 1), date(2024, 3, 31), 2, 1)
    c = _record("555", date(2024, 2, 1), date(2024, 2, 29), 1, 1)
    probe = _record("555", date(2024, 1, 15), date(2024, 3, 10), 0, 1)
    for exact in (False, True):
        w = _Winners(exact=exact)
        for r in (b, a, c):  # kept in this order: b first
            assert w.first_overlap(r) is None
            w.add(r)
        assert w.first_overlap(probe) is b
        assert w.first_overlap(_record("555", date(2024, 4, 1), date(2024, 4, 30), 0, 1)) is None
        assert w.first_overlap(_record("555", date(2024, 1, 31), date(2024, 1, 31), 0, 1)) is a


def test_vi_count_formats_and_blank() -> None:
    assert vi_count(1234567) == "1.234.567"
    assert vi_count(None) == "trống"
    assert vi_count(0) == "0"
    assert vi_count(-12000) == "-12.000"


def _panel_rowwise(records: list[Record]) -> pd.DataFrame:
    """The row-wise builder _panel replaced: the reference frame."""
    from motcua.ingest.aggregate_records import EXTRA_COUNTS

    rows = []
    for r in records:
        if r.status != "kept":
            continue
        m = r.unit
        rows.append(
            {
                "unit_schema": m.unit_schema,
                "unit_code": m.unit_code,
                "unit_name": m.unit_name,
                "unit_level": m.unit_level,
                "province_code": m.province_code,
                "province_name": m.province_name,
                "period_start": pd.Timestamp(r.start),
                "period_end": pd.Timestamp(r.end),
                **{c: r.values.get(c) for c in COUNT_COLUMNS},
                "source": r.file,
                "source_ref": r.source_ref,
                **{c: r.extra.get(c) for c in EXTRA_COUNTS},
                "source_kind": r.source_kind,
            }
        )
    df = pd.DataFrame(rows, columns=PANEL_COLUMNS + PANEL_EXTRA_COLUMNS)
    for c in COUNT_COLUMNS + list(EXTRA_COUNTS):
        df[c] = pd.array(df[c].tolist(), dtype="Int64")
    for c in (
        "unit_schema",
        "unit_code",
        "unit_name",
        "unit_level",
        "province_code",
        "province_name",
        "source",
        "source_ref",
        "source_kind",
    ):
        df[c] = df[c].astype("str")
    return df


def test_panel_columnwise_equals_rowwise() -> None:
    recs = _random_records(random.Random(3), 30)
    recs[2].values["received_online"] = None  # a blank count stays <NA>
    recs[4].extra["received_new"] = 7
    recs[5].status = "dropped"
    got = _panel(recs)
    pd.testing.assert_frame_equal(got, _panel_rowwise(recs), check_exact=True)
    assert len(got) == 29 and str(got["received_online"].dtype) == "Int64"
    pd.testing.assert_frame_equal(_panel([]), _panel_rowwise([]), check_exact=True)
