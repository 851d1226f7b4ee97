"""Tidy CSV input: unit codes looked up in the reference, dates read, as row by row before the lookup was indexed."""

from __future__ import annotations

from datetime import date

import pytest

from motcua.ingest.names import reference_units
from motcua.ingest.tidy import parse_date, unit_by_code


def _scan(code: str, schema: str):
    """The reference scanned for ``code`` (the lookup's definition)."""
    ref = reference_units(schema)
    hit = ref[ref["unit_code"] == code]
    if hit.empty and code.isdigit():
        for width in (2, 3, 5):
            hit = ref[ref["unit_code"] == code.zfill(width)]
            if len(hit) == 1:
                break
    return None if len(hit) != 1 else hit.iloc[0]


@pytest.mark.parametrize("schema", ["legacy", "2025"])
def test_every_code_found_as_the_scan_finds_it(schema: str) -> None:
    ref = reference_units(schema)
    n = ref["unit_code"].value_counts()
    for r in ref.itertuples(index=False):
        m = unit_by_code(r.unit_code, schema)
        if n[r.unit_code] > 1:  # a code of two levels names no unit
            assert m is None, r.unit_code
            continue
        assert m is not None and (m.unit_code, m.unit_name, m.unit_level, m.province_code, m.province_name) == (
            r.unit_code,
            r.unit_name,
            r.unit_level,
            r.province_code,
            r.province_name,
        ), r.unit_code
        assert m.query == r.unit_code and m.method == "code" and m.unit_schema == schema
    for code in ref["unit_code"].sample(40, random_state=1):  # the scan agrees on a sample
        got, want = unit_by_code(code, schema), _scan(code, schema)
        assert (got.unit_code if got else None) == (want["unit_code"] if want is not None else None)


@pytest.mark.parametrize(
    "code,schema,expected",
    [
        ("555", "legacy", "555"),  # Tuy Hòa (district)
        ("4", "2025", "04"),  # a province's code without its leading zero
        ("22240", "2025", "22240"),
        ("99999", "2025", None),  # unknown
        ("abc", "legacy", None),
    ],
)
def test_codes(code: str, schema: str, expected: str | None) -> None:
    m = unit_by_code(code, schema)
    assert (m.unit_code if m else None) == expected
    assert (_scan(code, schema)["unit_code"] if _scan(code, schema) is not None else None) == expected


@pytest.mark.parametrize(
    "text,expected",
    [
        ("2025-07-01", date(2025, 7, 1)),
        ("2025-7-1", date(2025, 7, 1)),  # not zero-padded: still read
        ("01/07/2025", date(2025, 7, 1)),
        ("2025-02-30", None),  # no such day
        ("2025-13-01", None),
        ("20250701", None),  # not one of the accepted forms
        ("2025-07-01 00:00:00", date(2025, 7, 1)),
        ("", None),
    ],
)
def test_dates(text: str, expected: date | None) -> None:
    assert parse_date(text) == expected


def test_counts_read_as_parse_count_reads_them(tmp_path) -> None:
    """Plain digit cells take a shortcut; every other cell goes through parse_count: the values are the same."""
    from motcua.clean.run import _context
    from motcua.ingest.numbers import parse_count
    from motcua.ingest.tidy import read_tidy_csv
    from motcua.panel import COUNT_COLUMNS
    from motcua.quality import Quality

    cells = ["12", "0012", " 7 ", "1.234", "", "-", "0", "999999999999", "٣", "12,0", "x", "-3"]
    lines = ["unit_schema,unit_code,period_start,period_end," + ",".join(COUNT_COLUMNS)]
    for i, c in enumerate(cells):
        vals = [f'"{c}"'] + ["1"] * (len(COUNT_COLUMNS) - 1)
        lines.append(f"legacy,555,2024-{i % 12 + 1:02d}-01,2024-{i % 12 + 1:02d}-28," + ",".join(vals))
    p = tmp_path / "t.csv"
    p.write_text("\n".join(lines) + "\n", encoding="utf-8")
    q = Quality()
    recs = read_tidy_csv(p, "t.csv", q, _context(), (0,))
    assert [r.values[COUNT_COLUMNS[0]] for r in recs] == [parse_count(c).value for c in cells]
    assert [r.values[COUNT_COLUMNS[1]] for r in recs] == [1] * len(cells)
    errors = {f.row for f in q.findings if f.action == "value_removed"}
    assert len(errors) == sum(bool(parse_count(c).error) for c in cells) == 2  # "-3", "999999999999"
