"""Form-06 headers written in English (the provincial system's English interface) are read through
config/layouts/form06_en.yaml: by their labels when the labels tell the columns apart, by the form's "(1) … (13)"
row when they do not ("Total" three times, "Overdue" twice), never by a guess."""

from __future__ import annotations

import pytest

from motcua.config import load_config
from motcua.ingest.form import read_form_sheet
from motcua.ingest.grid import Grid
from motcua.panel import FORM_COLUMN

COLS = sorted(FORM_COLUMN, key=FORM_COLUMN.get)  # the 11 count columns in form order (3) … (13)
U1 = dict(zip(COLS, [100, 60, 30, 10, 90, 50, 35, 5, 10, 8, 2]))  # every column a different number
U2 = dict(zip(COLS, [41, 17, 20, 4, 30, 21, 6, 3, 11, 7, 4]))
ONE_ROW = ["Total received", "Online", "In person / post", "Carried over", "Resolved", "Early", "On time", "Late"]
ONE_ROW += ["Pending", "Not yet due", "Overdue"]
NUMBERS = [f"({i})" for i in range(1, 14)]


def _body(*units: tuple[str, dict[str, int]]) -> list[list]:
    rows = [[str(i + 1), name, *(v[c] for c in COLS)] for i, (name, v) in enumerate(units)]
    total = {c: sum(v[c] for _, v in units) for c in COLS}
    return rows + [[None, "Total", *(total[c] for c in COLS)]]


def _values(row) -> dict[str, int | None]:
    return {k: v.value for k, v in row.values.items()}


def _units(fs) -> list:
    return [r for r in fs.rows if r.kind == "unit"]


def _title() -> list[list]:
    return [["DAK LAK PROVINCE - PUBLIC ADMINISTRATION SERVICE CENTRE"], ["Period: 01/06/2026 - 30/06/2026"], []]


def test_one_row_english_header_is_read_by_its_labels():
    rows = _title() + [["No.", "Unit", *ONE_ROW]] + _body(("Xã Hòa Phú", U1), ("Công an tỉnh", U2))
    fs = read_form_sheet(Grid("Report", rows, []))
    assert fs is not None and fs.layout == "form06_en" and fs.header_disagreements == []
    assert fs.columns == {k: FORM_COLUMN[k] - 1 for k in FORM_COLUMN}
    assert [r.name for r in _units(fs)] == ["Xã Hòa Phú", "Công an tỉnh"]
    assert [_values(r) for r in _units(fs)] == [U1, U2]
    assert [r.kind for r in fs.rows] == ["unit", "unit", "total"]


def test_two_row_english_header_tells_the_overdue_columns_apart_by_their_group():
    """ "Received" › "Total", … "Resolved" › "Overdue", "Pending" › "Overdue": each leaf is placed by its group."""
    top = ["No.", "Unit", "Received", None, None, None, "Resolved", None, None, None, "Pending", None, None]
    leaves = [None, None, "Total", "Online", "In person / by post", "Carried over", "Total", "Early", "On time"]
    leaves += ["Overdue", "Total", "Not yet due", "Overdue"]
    merged = [(3, 4, 0, 0), (3, 4, 1, 1), (3, 3, 2, 5), (3, 3, 6, 9), (3, 3, 10, 12)]
    fs = read_form_sheet(Grid("Report", _title() + [top, leaves] + _body(("Xã Hòa Phú", U1)), merged))
    assert fs is not None and fs.layout == "form06_en" and fs.header_depth == 2
    assert fs.columns == {k: FORM_COLUMN[k] - 1 for k in FORM_COLUMN}
    assert _values(_units(fs)[0]) == U1


FLAT = ["Total", "Online", "In person / post", "Carried over", "Total", "Early", "On time", "Overdue", "Total"]
FLAT += ["Not yet due", "Overdue"]


def test_flattened_english_header_is_placed_by_the_form_numbers_and_never_guessed_without_them():
    head = [["No.", "Unit", *FLAT]]
    assert read_form_sheet(Grid("Report", _title() + head + _body(("Xã Hòa Phú", U1)), [])) is None
    fs = read_form_sheet(Grid("Report", _title() + head + [NUMBERS] + _body(("Xã Hòa Phú", U1)), []))
    assert fs is not None and fs.layout == "form06_en" and fs.number_row is not None
    assert fs.columns == {k: FORM_COLUMN[k] - 1 for k in FORM_COLUMN} and fs.header_disagreements == []
    assert {"resolved_late", "pending_overdue", "resolved_total", "pending_total"} <= {k for k, _, _ in fs.by_numbers}
    assert _values(_units(fs)[0]) == U1


def test_english_labels_contradicting_the_numbers_are_a_disagreement():
    """ "Online" over (5) and "In person / post" over (4): reported, no column guessed."""
    head = ["No.", "Unit", *ONE_ROW]
    head[3], head[4] = head[4], head[3]
    fs = read_form_sheet(Grid("Report", _title() + [head, NUMBERS] + _body(("Xã Hòa Phú", U1)), []))
    assert fs is not None and fs.layout == "form06_en"
    assert len(fs.header_disagreements) == 2
    assert all("(4)" in d or "(5)" in d for d in fs.header_disagreements), fs.header_disagreements


@pytest.mark.parametrize("label", ["Online rate (%)", "Notes", "On-time share"])
def test_rate_and_note_columns_of_an_english_header_are_not_counts(label):
    rows = _title() + [["No.", "Unit", *ONE_ROW, label]] + _body(("Xã Hòa Phú", U1))
    rows[4].append("55,5")
    fs = read_form_sheet(Grid("Report", rows, []))
    assert fs is not None and fs.layout == "form06_en" and 13 not in fs.columns.values()
    assert _values(_units(fs)[0]) == U1


def test_english_layout_is_data_with_the_form06_numbering():
    lay = load_config().layouts
    assert lay["form06_en"]["numbering"] == lay["form06"]["numbering"]
    assert lay["form06_en"]["required"] == lay["form06"]["required"]
