"""A second round of post-reform exports nobody here had seen (tests/data/reform/unseen2.py), beside the shipped
sample, cleaned under the legacy and the 2025 configuration of the province: every row accounted for, every
commune-month kept, nothing booked across the reform or to another unit, the same panel under both."""

from __future__ import annotations

import shutil
from pathlib import Path

import pandas as pd
import pytest
from reform_config import PANEL_KEY, clean_both, load_generator, rows_of_files

ROOT = Path(__file__).resolve().parents[2]


unseen2 = load_generator("reform_unseen2", ROOT / "tests" / "data" / "reform" / "unseen2.py")

#: the English export, read through config/layouts/form06_en.yaml
ENGLISH = "Report_2026-06.xlsx"


@pytest.fixture(scope="module")
def cleaned(tmp_path_factory: pytest.TempPathFactory) -> dict:
    tmp = tmp_path_factory.mktemp("reform-unseen2")
    raw = tmp / "raw"
    truth = unseen2.write_unseen2(raw / "unseen2").frame()
    shutil.copytree(ROOT / "data" / "raw" / "sample", raw / "sample")
    return {"truth": truth, **clean_both(raw, tmp)}


@pytest.mark.parametrize("cfg", ["54", "66"])
def test_rows_in_are_kept_or_rejected_and_every_commune_month_kept(cleaned, cfg):
    res, truth = cleaned[cfg], cleaned["truth"]
    assert res.rows_in == res.rows_kept + res.rows_dropped
    p = rows_of_files(res.panel, "source", truth)
    read = truth
    starts = pd.to_datetime(p["period_start"]).dt.date
    booked = set(zip(p["file"], p["unit_schema"], p["unit_code"], starts))
    must = read[read["code"].notna() & (read["schema"] != "any")]
    missing = [r for r in must.itertuples(index=False) if (r.file, r.schema, r.code, r.start) not in booked]
    assert not missing, missing[:5]
    # every written row is booked or refused with a finding naming its file, sheet and row
    q = rows_of_files(res.quality, "file", truth)
    refused = q[(q["action"] == "dropped") & q["row"].notna()]
    assert len(p) + len(refused) == len(read), (len(p), len(refused), len(read))
    assert refused["sheet"].notna().all()
    # the 68 communes of the former Đắk Lắk area and the 3 agencies, nothing else, after the reform
    post = p[p["unit_schema"] == "2025"]
    units = set(unseen2.communes_west()["unit_code"]) | {f"66-{k}" for k, _ in unseen2.AGENCIES}
    assert set(post["unit_code"]) == units and len(units) == 71


@pytest.mark.parametrize("cfg", ["54", "66"])
def test_nothing_booked_across_the_reform_or_to_another_unit(cleaned, cfg):
    res, truth = cleaned[cfg], cleaned["truth"]
    p = res.panel
    after = pd.to_datetime(p["period_start"]) >= pd.Timestamp("2025-07-01")
    assert ((p["unit_schema"] == "2025") == after).all()
    assert (pd.to_datetime(p["period_end"]) < pd.Timestamp("2025-07-01"))[~after].all()
    mine = rows_of_files(p, "source", truth)
    starts = pd.to_datetime(mine["period_start"]).dt.date
    ok = set(zip(truth["file"], truth["schema"], truth["code"], truth["start"]))
    ok |= set(zip(truth["file"], ["2025"] * len(truth), truth["intended"], truth["start"]))  # a typo matched right
    wrong = {b for b in zip(mine["file"], mine["unit_schema"], mine["unit_code"], starts) if b not in ok}
    assert not wrong, sorted(wrong)[:5]


@pytest.mark.parametrize("cfg", ["54", "66"])
def test_each_refusal_is_one_finding(cleaned, cfg):
    res, truth = cleaned[cfg], cleaned["truth"]
    q = rows_of_files(res.quality, "file", truth)
    span = q[q["file"] == "BC 2 thang 06-07.2025.xlsx"]
    assert (span["rule"] == "period_across_reform").all() and len(span) == 1 + 10
    ward = q[(q["file"] == "BC thang 10-2026.xlsx") & (q["unit"] == "Phường 1")]
    assert list(ward["rule"]) == ["unit_other_era"] and "Phường 1 (22015)" in ward["message"].iloc[0]
    three = q[(q["file"] == "TP Tuy Hoa - cap xa T6-2025.xlsx") & (q["action"] == "dropped")]
    assert list(three["unit"]) == ["Phường 3"]
    assert not len(q[q["file"] == ENGLISH])  # read whole, no finding
    # September 2026 is August's file re-saved: one error naming the month it repeats, one per row dropped
    sep = q[q["file"] == "BC thang 09-2026.xlsx"]
    rep = sep[sep["rule"] == "repeated_period"]
    assert set(sep["rule"]) == {"repeated_period", "blank_count"} and len(rep) == 1 + 71  # its "-" rows as read
    assert "tháng 08/2026" in rep["message"].iloc[0] and "BC thang 08-2026.xlsx" in rep["message"].iloc[0]


@pytest.mark.parametrize("cfg", ["54", "66"])
def test_the_english_export_is_read_and_equals_its_truth(cleaned, cfg):
    res, truth = cleaned[cfg], cleaned["truth"]
    want = truth[truth["file"] == ENGLISH]
    got = rows_of_files(res.panel, "source", truth)
    got = got[got["file"] == ENGLISH]
    assert len(want) == 71 and len(got) == 71
    for c in unseen2.COLS:  # every count of every row as written
        assert dict(zip(got["unit_code"], got[c].astype(int))) == dict(zip(want["code"], want[c].astype(int))), c


def test_same_panel_under_both_configurations(cleaned):
    a = cleaned["54"].panel[PANEL_KEY + ["received_total", "pending_total"]].reset_index(drop=True)
    b = cleaned["66"].panel[PANEL_KEY + ["received_total", "pending_total"]].reset_index(drop=True)
    pd.testing.assert_frame_equal(a, b)
