"""The index's rank and trend cells say what the unit's page says: "not ranked" when the units do not differ, and
a slope with its unit (percentage points a year), never a bare "+1,5"."""

from __future__ import annotations

import pytest

from motcua.report.index import _rank_cell, _trend_cell
from motcua.report.strings import strings


def _row(**kw):
    base = {"slope_pp_per_year": 1.5, "slope_low": -0.4, "slope_high": 3.1, "breaks": "", "knots": ""}
    base.update(kw)
    return base


@pytest.mark.parametrize(("lang", "unit"), [("vi", "điểm %/năm"), ("en", "pp/year")])
def test_trend_cell_names_the_slopes_unit(lang, unit):
    cell = _trend_cell(_row(), strings(lang))
    assert cell.text == strings(lang)["trend_flat"]
    assert cell.sub is not None and cell.sub.endswith(unit), cell.sub
    assert ("+1,5" if lang == "vi" else "+1.5") in cell.sub


def test_rank_cell_says_not_ranked_when_units_do_not_differ():
    S = strings("vi")
    cell = _rank_cell({"rank": None, "rank_low": 1, "rank_high": 34, "n_ranked": 34}, S)
    assert cell.text == "không xếp hạng" and cell.sub == "khoảng 95%: hạng 1–34"
    ranked = _rank_cell({"rank": 2, "rank_low": 1, "rank_high": 5, "n_ranked": 9}, S)
    assert ranked.text == "2/9" and ranked.sub == "khoảng 95%: hạng 1–5"
    assert _rank_cell(None, S).text == "–"
    assert _rank_cell({"rank": None, "rank_low": None, "rank_high": None, "n_ranked": None}, S).text == "–"
