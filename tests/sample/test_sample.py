"""The synthetic sample: deterministic, marked synthetic, plausible, and read back cell for cell."""
from __future__ import annotations

import hashlib
from pathlib import Path

import openpyxl
import pandas as pd
import pytest

from motcua.clean import run_clean
from motcua.panel import COUNT_COLUMNS, ID_COLUMNS
from motcua.sample import DEFAULT_SEED, sample_defects, sample_truth, write_sample

ROOT = Path(__file__).resolve().parents[2]
SHIPPED = ROOT / "data" / "raw" / "sample"


def _digest(folder: Path) -> dict[str, str]:
    return {p.name: hashlib.sha256(p.read_bytes()).hexdigest() for p in sorted(folder.iterdir()) if p.is_file()}


def test_same_seed_gives_identical_bytes(tmp_path):
    a = write_sample(tmp_path / "a", months=14, n_units=4)
    b = write_sample(tmp_path / "b", months=14, n_units=4)
    assert [p.name for p in a] == [p.name for p in b]
    assert _digest(tmp_path / "a") == _digest(tmp_path / "b")
    c = write_sample(tmp_path / "c", months=14, n_units=4, seed=DEFAULT_SEED + 1)
    assert _digest(tmp_path / "a") != _digest(tmp_path / "c") and len(c) == len(a)


def test_rerun_into_same_folder_removes_stale_files(tmp_path):
    write_sample(tmp_path, months=14, n_units=3)
    write_sample(tmp_path, months=3, n_units=3)
    assert len([p for p in tmp_path.iterdir() if p.suffix == ".xlsx"]) == 3


def test_shipped_sample_is_current_and_small():
    total = sum(p.stat().st_size for p in SHIPPED.iterdir() if p.is_file())
    assert total < 5_000_000
    assert len(list(SHIPPED.glob("*.xlsx"))) >= 50


def _content(folder: Path) -> dict[str, object]:
    """File contents, with .xlsx compared member by member (decompressed: zlib builds may compress differently)."""
    import zipfile

    out: dict[str, object] = {}
    for p in sorted(folder.iterdir()):
        if not p.is_file():
            continue
        if p.suffix == ".xlsx":
            with zipfile.ZipFile(p) as z:
                out[p.name] = {n: hashlib.sha256(z.read(n)).hexdigest() for n in sorted(z.namelist())}
        else:
            out[p.name] = hashlib.sha256(p.read_bytes()).hexdigest()
    return out


def test_shipped_sample_equals_generator_output(tmp_path):
    """data/raw/sample is what `make sample` writes today (regenerate it after changing the generator)."""
    write_sample(tmp_path)
    assert _content(tmp_path) == _content(SHIPPED)


def test_workbooks_are_marked_synthetic():
    wb = openpyxl.load_workbook(SHIPPED / "bieu06_2021-01.xlsx")
    assert "motcua-synthetic" in wb.properties.keywords
    assert wb.properties.created.year == 2021
    text = " ".join(str(c) for row in wb.active.iter_rows(values_only=True) for c in row if c)
    assert "giả lập" in text and "Kỳ báo cáo: Tháng 01 năm 2021 (Từ ngày 01/01/2021 đến ngày 31/01/2021)" in text


@pytest.fixture(scope="module")
def truth() -> pd.DataFrame:
    return sample_truth()


def test_truth_identities_and_plausibility(truth):
    t = truth.copy()
    defect = (t["unit_code"] == "559") & (t["period_start"] == "2024-05-01")
    ok = t[~defect]
    assert (ok["received_total"] == ok["received_online"] + ok["received_offline"] + ok["carried_over"]).all()
    assert (ok["resolved_total"] == ok["resolved_early"] + ok["resolved_ontime"] + ok["resolved_late"]).all()
    assert (ok["pending_total"] == ok["pending_ontime"] + ok["pending_overdue"]).all()
    assert (ok["received_total"] == ok["resolved_total"] + ok["pending_total"]).all()
    assert t.loc[defect, "resolved_total"].iloc[0] != (t.loc[defect, ["resolved_early", "resolved_ontime", "resolved_late"]].sum(axis=1)).iloc[0]
    # carried_over(t) = pending_total(t-1) wherever the previous month exists
    for _, g in t.groupby("unit_code"):
        g = g.sort_values("period_start")
        prev = g.shift(1)
        touch = (g["period_start"] - pd.DateOffset(months=1)) == prev["period_start"]
        assert (g.loc[touch, "carried_over"] == prev.loc[touch, "pending_total"]).all()
    on = t["received_online"] / (t["received_online"] + t["received_offline"])
    y = t["period_start"].dt.year
    assert on[y == 2021].groupby(t["unit_code"]).mean().between(0.01, 0.12).all()
    late25 = on[(t["period_start"] >= "2025-01-01")].groupby(t["unit_code"]).mean()
    assert late25.between(0.35, 0.92).all() and late25.max() - late25.min() > 0.2
    ontime = (t["resolved_early"] + t["resolved_ontime"]) / t["resolved_total"]
    assert ontime[~defect].min() >= 0.90 and ontime.median() > 0.97 and (ontime < 0.97).sum() >= 9
    vol = t.groupby(t["period_start"].dt.month)["received_online"].sum() + t.groupby(t["period_start"].dt.month)["received_offline"].sum()
    assert vol[2] < vol[[4, 5, 6, 8, 9, 10]].min()  # Tết dip


def test_tuy_hoa_2023_matches_published_totals(truth):
    t = truth[(truth["unit_code"] == "555") & (truth["period_start"].dt.year == 2023)].sort_values("period_start")
    online, offline, carried = int(t["received_online"].sum()), int(t["received_offline"].sum()), int(t["carried_over"].iloc[0])
    assert (online, offline, carried) == (4302, 3087, 308)
    assert online + offline + carried == 7697


def test_defects_listed():
    kinds = {d["defect"] for d in sample_defects()}
    assert kinds == {"dossier_export", "missing_month", "quarterly_file", "cumulative_file", "inconsistent_row", "reissued_file"}


def test_round_trip_truth_equals_cleaned_panel(truth, tmp_path):
    res = run_clean([SHIPPED], tmp_path / "out")
    cols = ID_COLUMNS + COUNT_COLUMNS
    got = res.panel[cols].reset_index(drop=True)
    exp = truth[cols].reset_index(drop=True)
    pd.testing.assert_frame_equal(got, exp, check_dtype=False)
    assert res.rows_in == res.rows_kept + res.rows_dropped
    assert res.meta["synthetic"] is True and res.meta["as_of"] == "2025-06-30"
    rules = set(res.quality["rule"])
    for rule in ("period_gap", "aggregate_superseded", "cumulative_differenced", "identity_resolved", "duplicate_period",
                 "personal_columns_dropped", "dossier_aggregated"):
        assert rule in rules, rule
    assert res.meta["seconds"] < 30


def test_cli_sample_arguments(tmp_path):
    from motcua.cli import main

    assert main(["sample", "--out", str(tmp_path), "--units", "2", "--months", "3", "--seed", "7"]) == 0
    assert sorted(p.name for p in tmp_path.glob("*.xlsx")) == ["bieu06_2021-01.xlsx", "bieu06_2021-02.xlsx", "bieu06_2021-03.xlsx"]


def test_cli_sample_refuses_months_after_the_legacy_districts_ended(tmp_path, capsys):
    """The sample's units are legacy districts: a month from 07/2025 on (schema_2025_from) would be written and then
    rejected row by row as an unknown unit, so it is refused, with the latest start that fits; --start moves the months."""
    from motcua.cli import main
    from motcua.sample import latest_start

    assert main(["sample", "--out", str(tmp_path), "--units", "2", "--months", "60"]) == 2
    err = capsys.readouterr().err
    assert "30/06/2025" in err and "12/2025" in err and "2020-07" in err, err
    assert not list(tmp_path.glob("*.xlsx"))
    assert latest_start(60) == "2020-07" and latest_start(54) == "2021-01"
    assert main(["sample", "--out", str(tmp_path), "--units", "2", "--months", "60", "--start", "2020-07"]) == 0
    names = sorted(p.name for p in tmp_path.glob("bieu06_20??-??.xlsx"))
    assert names[0] == "bieu06_2020-07.xlsx" and names[-1] == "bieu06_2025-06.xlsx"
    assert main(["sample", "--out", str(tmp_path / "x"), "--start", "2021-13"]) == 2
    assert "not a month (YYYY-MM)" in capsys.readouterr().err


def test_more_units_than_phu_yen(tmp_path):
    t = sample_truth(n_units=12, months=2, messy=False)
    assert t["unit_code"].nunique() == 12 and {"555", "564"} <= set(t["unit_code"])


def test_national_sample_keeps_every_unit(tmp_path, monkeypatch):
    """100 districts of many provinces (same names in several: Bảo Lâm, Chợ Mới, …), cleaned without a configured
    province: each province's heading scopes its units, so every sampled unit reaches the panel, cell for cell."""
    import shutil

    cfg = tmp_path / "config"
    shutil.copytree(ROOT / "config", cfg)
    text = (cfg / "province.yaml").read_text(encoding="utf-8")
    text = text.replace('province_code: "54"', "province_code: null").replace('province_name: "Tỉnh Phú Yên"',
                                                                               'province_name: "Toàn quốc"')
    (cfg / "province.yaml").write_text(text, encoding="utf-8")
    monkeypatch.setenv("MOTCUA_CONFIG", str(cfg))
    write_sample(tmp_path / "raw", n_units=100, months=13, seed=7)
    wb = openpyxl.load_workbook(tmp_path / "raw" / "bieu06_2021-01.xlsx")
    names = [row[1] for row in wb.active.iter_rows(values_only=True)]
    assert "TỈNH PHÚ YÊN" in names and "TỈNH CAO BẰNG" in names  # one heading per province
    res = run_clean([tmp_path / "raw"], tmp_path / "out")
    truth = sample_truth(n_units=100, months=13, seed=7)
    assert truth["unit_code"].nunique() == 100 and truth["province_code"].nunique() > 5
    assert {"042", "065"} <= set(truth["unit_code"])  # Huyện Bảo Lâm (Cao Bằng), Huyện Chợ Mới (Bắc Kạn)
    assert set(res.panel["unit_code"]) == set(truth["unit_code"])
    cols = ID_COLUMNS + COUNT_COLUMNS
    pd.testing.assert_frame_equal(res.panel[cols].reset_index(drop=True), truth[cols].reset_index(drop=True),
                                  check_dtype=False)
    assert not {"unit_unmatched", "totals_mismatch", "subtotal_mismatch"} & set(res.quality["rule"])
