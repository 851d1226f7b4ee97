"""A second round of post-reform exports nobody here had seen (tests/data/reform/unseen2.py), beside the shipped
sample, cleaned under the legacy and the 2025 configuration of the province: every row accounted for, every
commune-month kept, nothing booked across the reform or to another unit, the same panel under both."""

from __future__ import annotations

import importlib.util
import shutil
import sys
from pathlib import Path

import pandas as pd
import pytest
from reform_config import config_66

from motcua.clean import run_clean

ROOT = Path(__file__).resolve().parents[2]


def _load(name: str, path: Path):
    spec = importlib.util.spec_from_file_location(name, path)
    mod = importlib.util.module_from_spec(spec)
    sys.modules[name] = mod  # its dataclasses look their module up
    spec.loader.exec_module(mod)  # type: ignore[union-attr]
    return mod


unseen2 = _load("reform_unseen2", ROOT / "tests" / "data" / "reform" / "unseen2.py")

#: the English export, read through config/layouts/form06_en.yaml
ENGLISH = "Report_2026-06.xlsx"
KEY = ["unit_schema", "unit_code", "unit_level", "unit_name", "province_code", "period_start", "period_end"]


@pytest.fixture(scope="module")
def cleaned(tmp_path_factory: pytest.TempPathFactory) -> dict:
    tmp = tmp_path_factory.mktemp("reform-unseen2")
    raw = tmp / "raw"
    truth = unseen2.write_unseen2(raw / "unseen2").frame()
    shutil.copytree(ROOT / "data" / "raw" / "sample", raw / "sample")
    out = {"truth": truth}
    mp = pytest.MonkeyPatch()
    try:
        out["54"] = run_clean([raw], tmp / "out-54")
        mp.setenv("MOTCUA_CONFIG", str(config_66(tmp / "config-66")))
        out["66"] = run_clean([raw], tmp / "out-66")
    finally:
        mp.undo()
    return out


def _mine(df: pd.DataFrame, column: str, truth: pd.DataFrame) -> pd.DataFrame:
    names = df[column].astype(str).map(lambda s: Path(s).name)
    return df[names.isin(set(truth["file"]))].assign(file=names)


@pytest.mark.parametrize("cfg", ["54", "66"])
def test_rows_in_are_kept_or_rejected_and_every_commune_month_kept(cleaned, cfg):
    res, truth = cleaned[cfg], cleaned["truth"]
    assert res.rows_in == res.rows_kept + res.rows_dropped
    p = _mine(res.panel, "source", truth)
    read = truth
    starts = pd.to_datetime(p["period_start"]).dt.date
    booked = set(zip(p["file"], p["unit_schema"], p["unit_code"], starts))
    must = read[read["code"].notna() & (read["schema"] != "any")]
    missing = [r for r in must.itertuples(index=False) if (r.file, r.schema, r.code, r.start) not in booked]
    assert not missing, missing[:5]
    # every written row is booked or refused with a finding naming its file, sheet and row
    q = _mine(res.quality, "file", truth)
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
    mine = _mine(p, "source", truth)
    starts = pd.to_datetime(mine["period_start"]).dt.date
    ok = set(zip(truth["file"], truth["schema"], truth["code"], truth["start"]))
    ok |= set(zip(truth["file"], ["2025"] * len(truth), truth["intended"], truth["start"]))  # a typo matched right
    wrong = {b for b in zip(mine["file"], mine["unit_schema"], mine["unit_code"], starts) if b not in ok}
    assert not wrong, sorted(wrong)[:5]


@pytest.mark.parametrize("cfg", ["54", "66"])
def test_each_refusal_is_one_finding(cleaned, cfg):
    res, truth = cleaned[cfg], cleaned["truth"]
    q = _mine(res.quality, "file", truth)
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
    got = _mine(res.panel, "source", truth)
    got = got[got["file"] == ENGLISH]
    assert len(want) == 71 and len(got) == 71
    for c in unseen2.COLS:  # every count of every row as written
        assert dict(zip(got["unit_code"], got[c].astype(int))) == dict(zip(want["code"], want[c].astype(int))), c


def test_same_panel_under_both_configurations(cleaned):
    a = cleaned["54"].panel[KEY + ["received_total", "pending_total"]].reset_index(drop=True)
    b = cleaned["66"].panel[KEY + ["received_total", "pending_total"]].reset_index(drop=True)
    pd.testing.assert_frame_equal(a, b)
