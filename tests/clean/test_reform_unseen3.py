"""A third round of post-reform exports nobody here had seen (tests/data/reform/unseen3.py), beside the shipped
sample, cleaned under the legacy and the 2025 configuration of the province: every row written is booked to its
unit and month with its figures, or refused with a finding; nothing booked across the reform, to another unit or
to another period; the same panel under both configurations."""

from __future__ import annotations

import shutil
from pathlib import Path

import pandas as pd
import pytest
from reform_config import PANEL_KEY, clean_both, load_generator, rows_of_files

ROOT = Path(__file__).resolve().parents[2]


unseen3 = load_generator("reform_unseen3", ROOT / "tests" / "data" / "reform" / "unseen3.py")
PHU_YEN = "PhuYen cu - T5-2026.xlsx"


@pytest.fixture(scope="module")
def cleaned(tmp_path_factory: pytest.TempPathFactory) -> dict:
    tmp = tmp_path_factory.mktemp("reform-unseen3")
    raw = tmp / "raw"
    truth = unseen3.write_unseen3(raw / "unseen3").frame()
    shutil.copytree(ROOT / "data" / "raw" / "sample", raw / "sample")
    return {"truth": truth, **clean_both(raw, tmp)}


@pytest.mark.parametrize("cfg", ["54", "66"])
def test_every_row_written_is_booked_or_refused_and_every_unit_month_kept(cleaned, cfg):
    res, truth = cleaned[cfg], cleaned["truth"]
    assert res.rows_in == res.rows_kept + res.rows_dropped
    p = rows_of_files(res.panel, "source", truth)
    q = rows_of_files(res.quality, "file", truth)
    refused = q[(q["action"] == "dropped") & q["row"].notna()]
    assert len(p) + len(refused) == len(truth), (len(p), len(refused), len(truth))
    assert refused["sheet"].notna().all()
    starts = pd.to_datetime(p["period_start"]).dt.date
    booked = set(zip(p["file"], p["unit_schema"], p["unit_code"], starts))
    must = truth[truth["code"].notna() & (truth["schema"] != "any")]
    missing = [r for r in must.itertuples(index=False) if (r.file, r.schema, r.code, r.start) not in booked]
    assert not missing, missing[:5]
    assert not q["rule"].isin(["no_header", "unit_unmatched", "overlapping_period"]).any()


@pytest.mark.parametrize("cfg", ["54", "66"])
def test_each_row_booked_holds_the_figures_written(cleaned, cfg):
    """The year-to-date file's rows hold March's figures once differenced; text counts, wrapped headers and names
    in two columns hold what was written."""
    res, truth = cleaned[cfg], cleaned["truth"]
    p = rows_of_files(res.panel, "source", truth)
    p = p.assign(start=pd.to_datetime(p["period_start"]).dt.date)
    t = truth[truth["code"].notna() & (truth["schema"] != "any")]
    j = p.merge(t, left_on=["file", "unit_schema", "unit_code", "start"], right_on=["file", "schema", "code", "start"])
    assert len(j) == len(t)
    for c in unseen3.COLS:
        want = j[f"{c}_y"].astype("Float64")
        assert (j[f"{c}_x"].astype("Float64")[want.notna()] == want[want.notna()]).all(), c
    ytd = j[j["file"] == "Bao cao luy ke Q1-2026.xlsx"]
    assert len(ytd) == 71 and (pd.to_datetime(ytd["period_end"]).dt.month == 3).all()


@pytest.mark.parametrize("cfg", ["54", "66"])
def test_nothing_booked_across_the_reform_or_to_another_unit_or_period(cleaned, cfg):
    res, truth = cleaned[cfg], cleaned["truth"]
    p = res.panel
    after = pd.to_datetime(p["period_start"]) >= pd.Timestamp("2025-07-01")
    assert ((p["unit_schema"] == "2025") == after).all()
    assert (pd.to_datetime(p["period_end"]) < pd.Timestamp("2025-07-01"))[~after].all()
    mine = rows_of_files(p, "source", truth)
    starts = pd.to_datetime(mine["period_start"]).dt.date
    ok = set(zip(truth["file"], truth["schema"], truth["code"], truth["start"]))
    wrong = {
        b for b in zip(mine["file"], mine["unit_schema"], mine["unit_code"], starts) if b not in ok and b[0] != PHU_YEN
    }
    assert not wrong, sorted(wrong)[:5]
    # the Phú Yên sheet's rows: the sample's communes for May 2026, each booked once (here or from the sample)
    may = p[pd.to_datetime(p["period_start"]) == pd.Timestamp("2026-05-01")]
    assert not may.duplicated(["unit_schema", "unit_code"]).any()
    py = mine[mine["file"] == PHU_YEN]
    q = rows_of_files(res.quality, "file", truth)
    py_refused = q[(q["file"] == PHU_YEN) & (q["action"] == "dropped")]
    assert len(py) + len(py_refused) == 10 and set(py_refused["rule"]) <= {"duplicate_period"}
    # communes of the former Phú Yên area (2025 codes 22xxx) and the provincial centre of the 2025 Đắk Lắk
    assert (py["unit_code"].str.startswith("22") | (py["unit_code"] == "66-trung-tam-pvhcc")).all()
    assert (py["province_code"] == "66").all()
    assert (py["unit_schema"] == "2025").all()


@pytest.mark.parametrize("cfg", ["54", "66"])
def test_each_refusal_is_one_finding(cleaned, cfg):
    res, truth = cleaned[cfg], cleaned["truth"]
    q = rows_of_files(res.quality, "file", truth)
    bmt = q[(q["file"] == "BC thang 12-2025.xlsx") & (q["action"] == "dropped")]
    assert list(bmt["rule"]) == ["unit_other_era"] and list(bmt["unit"]) == ["TP. Buôn Ma Thuột"]
    quarter = q[(q["file"] == "BC Quy III-2025.xlsx") & (q["action"] == "dropped")]
    assert len(quarter) == 71 and set(quarter["rule"]) == {"aggregate_superseded"}
    stale = q[(q["file"] == "BC thang 07-2026.xlsx") & (q["action"] == "dropped")]
    assert len(stale) == 3 and set(stale["rule"]) == {"duplicate_unit_row"} and (stale["severity"] == "warning").all()
    # its totals row adds up the rows the sheet shows: no mismatch
    assert not ((q["file"] == "BC thang 07-2026.xlsx") & (q["rule"] == "totals_mismatch")).any()
    heading = q[q["file"] == PHU_YEN]
    assert "province_heading_other_era" in set(heading["rule"])
    ytd = q[(q["file"] == "Bao cao luy ke Q1-2026.xlsx") & (q["rule"] == "cumulative_differenced")]
    assert len(ytd) >= 1


def test_same_panel_under_both_configurations(cleaned):
    a = cleaned["54"].panel[PANEL_KEY + ["received_total", "pending_total"]].reset_index(drop=True)
    b = cleaned["66"].panel[PANEL_KEY + ["received_total", "pending_total"]].reset_index(drop=True)
    pd.testing.assert_frame_equal(a, b)
