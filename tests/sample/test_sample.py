"""The synthetic sample: deterministic, marked synthetic, plausible, and read back cell for cell."""

from __future__ import annotations

import hashlib
from pathlib import Path

import openpyxl
import pandas as pd
import pytest

from motcua.clean import run_clean
from motcua.panel import COUNT_COLUMNS, ID_COLUMNS
from motcua.sample import DEFAULT_SEED, DEFAULT_UNITS, sample_defects, sample_truth, write_sample

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
    assert total < 3_000_000
    assert len(list(SHIPPED.glob("*.xlsx"))) >= 90


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
    t = truth[truth["unit_level"] == "district"].copy()
    defect = (t["unit_code"] == "559") & (t["period_start"] == "2024-05-01")
    ok = t[~defect]
    _identities_hold(ok)
    _identities_hold(truth[truth["unit_level"] != "district"])
    assert (
        t.loc[defect, "resolved_total"].iloc[0]
        != (t.loc[defect, ["resolved_early", "resolved_ontime", "resolved_late"]].sum(axis=1)).iloc[0]
    )
    # carried_over(t) = pending_total(t-1) wherever the previous month exists
    for _, g in truth.groupby(["unit_schema", "unit_code"]):
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
    vol = (
        t.groupby(t["period_start"].dt.month)["received_online"].sum()
        + t.groupby(t["period_start"].dt.month)["received_offline"].sum()
    )
    assert vol[2] < vol[[4, 5, 6, 8, 9, 10]].min()  # Tết dip


def _identities_hold(ok: pd.DataFrame) -> None:
    assert (ok["received_total"] == ok["received_online"] + ok["received_offline"] + ok["carried_over"]).all()
    assert (ok["resolved_total"] == ok["resolved_early"] + ok["resolved_ontime"] + ok["resolved_late"]).all()
    assert (ok["pending_total"] == ok["pending_ontime"] + ok["pending_overdue"]).all()
    assert (ok["received_total"] == ok["resolved_total"] + ok["pending_total"]).all()
    assert (ok[COUNT_COLUMNS] >= 0).all().all()


def test_truth_spans_the_reform(truth):
    """Districts to 06/2025, legacy communes of Đồng Xuân and Đông Hòa 01/2024–06/2025, then the 2025 communes
    that succeed the nine districts (crosswalk) and the provincial level (config/agencies.yaml) to 11/2026."""
    from motcua.config import load_config
    from motcua.reference.crosswalk import successors

    era = truth.groupby(["unit_schema", "unit_level"])["period_start"].agg(["min", "max", "nunique"])
    assert era.loc[("legacy", "district")].tolist()[:2] == [pd.Timestamp("2021-01-01"), pd.Timestamp("2025-06-01")]
    assert era.loc[("legacy", "commune")].tolist() == [pd.Timestamp("2024-01-01"), pd.Timestamp("2025-06-01"), 18]
    for lvl in ("commune", "agency"):
        assert era.loc[("2025", lvl)].tolist() == [pd.Timestamp("2025-07-01"), pd.Timestamp("2026-11-01"), 17]
    new = truth[truth["unit_schema"] == "2025"]
    expected = {c for d in DEFAULT_UNITS for c in successors(d, "district")["new_code"]}
    communes = new[new["unit_level"] == "commune"]
    assert set(communes["unit_code"]) == expected and len(expected) == 34
    assert (communes.groupby("unit_code").size() == 17).all()  # every commune-month is in the files
    assert set(new["province_code"]) == {"66"} and set(new["province_name"]) == {"Tỉnh Đắk Lắk"}
    names = {f"66-{a['key']}": a["name"] for a in load_config().extra["agencies"]["agencies"]}
    agencies = new[new["unit_level"] == "agency"].drop_duplicates("unit_code")
    assert len(agencies) == 5 and {"66-cong-an", "66-trung-tam-pvhcc"} <= set(agencies["unit_code"])
    assert all(names[c] == n for c, n in zip(agencies["unit_code"], agencies["unit_name"]))
    old = truth[(truth["unit_schema"] == "legacy") & (truth["unit_level"] == "commune")]
    assert set(old["province_code"]) == {"54"} and old["unit_code"].nunique() == 21
    from motcua.ingest.names import reference_units

    ref = reference_units("legacy").set_index("unit_code")
    assert set(ref.loc[old["unit_code"].unique(), "parent_code"]) == {"558", "564"}
    # the same code in both eras is two units: Xã Xuân Phước (22111) before and after the reform
    both = truth[truth["unit_code"] == "22111"].groupby("unit_schema")["period_start"].max()
    assert both["legacy"] == pd.Timestamp("2025-06-01") and both["2025"] == pd.Timestamp("2026-11-01")


def test_the_reform_is_a_plausible_break(truth):
    """July 2025: the districts' volume moves to the communes and the provincial level, the online share of new
    dossiers jumps 15–25 points, on-time shares stay at 95–100 %."""
    t = truth.assign(new=truth["received_online"] + truth["received_offline"])
    before = t[(t["unit_level"] == "district") & (t["period_start"] >= "2024-07-01")]
    after = t[(t["unit_schema"] == "2025") & (t["period_start"] <= "2026-06-01")]
    ratio = after["new"].sum() / before["new"].sum()
    assert 1.0 <= ratio <= 1.35, ratio
    share = after.loc[after["unit_level"] == "agency", "new"].sum() / after["new"].sum()
    assert 0.15 <= share <= 0.25, share

    def online(rows: pd.DataFrame) -> float:
        return rows["received_online"].sum() / rows["new"].sum()

    h1 = t[(t["unit_level"] == "district") & (t["period_start"] >= "2025-01-01")]
    h2 = t[(t["unit_schema"] == "2025") & (t["period_start"] <= "2025-12-01")]
    assert 0.15 <= online(h2) - online(h1) <= 0.25
    monthly = (
        t[t["unit_schema"] == "2025"]
        .groupby("period_start")[["resolved_early", "resolved_ontime", "resolved_total"]]
        .sum()
    )
    ontime = (monthly["resolved_early"] + monthly["resolved_ontime"]) / monthly["resolved_total"]
    assert ontime.between(0.95, 1.0).all()


def test_legacy_districts_unchanged_by_the_2025_era(truth):
    """Adding the months after the reform leaves every district month as it was (same draws, same files)."""
    legacy_only = sample_truth(months=54)
    assert set(legacy_only["unit_level"]) == {"district", "commune"}
    cols = ID_COLUMNS + COUNT_COLUMNS
    got = truth[truth["unit_schema"] == "legacy"][cols].reset_index(drop=True)
    pd.testing.assert_frame_equal(got, legacy_only[cols].reset_index(drop=True))


def test_continuity_exact_for_dong_xuan_partial_for_dong_hoa(truth):
    """The legacy commune rows cover every predecessor of Đồng Xuân's successors (all taken whole: continuity
    exact), and only some of Phường Phú Yên's (it also takes communes of Tuy Hòa and Tây Hòa: partial)."""
    from motcua.reference.crosswalk import communes_within, predecessors, successors

    have = set(truth.loc[(truth["unit_schema"] == "legacy") & (truth["unit_level"] == "commune"), "unit_code"])
    dx = successors("558", "district")["new_code"].tolist()
    assert sorted(communes_within("558")) == sorted(dx)
    for code in dx:
        p = predecessors(code, "commune")
        assert set(p["legacy_code"]) <= have and (p["legacy_whole"] == 1).all()
    py = predecessors("22240", "commune")
    assert set(py["legacy_code"]) & have and not set(py["legacy_code"]) <= have


def test_tuy_hoa_2023_matches_published_totals(truth):
    t = truth[(truth["unit_code"] == "555") & (truth["period_start"].dt.year == 2023)].sort_values("period_start")
    online, offline, carried = (
        int(t["received_online"].sum()),
        int(t["received_offline"].sum()),
        int(t["carried_over"].iloc[0]),
    )
    assert (online, offline, carried) == (4302, 3087, 308)
    assert online + offline + carried == 7697


def test_defects_listed():
    kinds = {d["defect"] for d in sample_defects()}
    assert kinds == {
        "dossier_export",
        "missing_month",
        "quarterly_file",
        "cumulative_file",
        "inconsistent_row",
        "reissued_file",
        "new_unit_before_reform",
        "other_era_province_heading",
        "dissolved_unit_after_reform",
        "legacy_name_like_new_commune",
        "unknown_agency",
        "flattened_header",
        "par_over_max",
        "par_total_mismatch",
        "par_rank_tie",
        "groups766_unreadable_value",
        "score766_over_max",
    }
    readme = (SHIPPED / "README.md").read_text(encoding="utf-8")
    assert all(d["detail"] in readme for d in sample_defects())
    assert {d["defect"] for d in sample_defects(messy=False)} == set()
    assert {d for d, _, _ in REFORM_FINDINGS} == kinds - {
        "dossier_export",
        "missing_month",
        "quarterly_file",
        "cumulative_file",
        "inconsistent_row",
        "reissued_file",
        "par_over_max",
        "par_total_mismatch",
        "par_rank_tie",
        "groups766_unreadable_value",
        "score766_over_max",
    }


def _rows(path: Path) -> list[tuple]:
    return [row for row in openpyxl.load_workbook(path).active.iter_rows(values_only=True)]


def _names(path: Path) -> list[str]:
    rows = _rows(path)
    col = next(i for r in rows for i, v in enumerate(r) if v == "Đơn vị")
    return [str(r[col]) for r in rows if r[col] is not None]


def test_files_after_the_reform_look_like_real_exports():
    """Headed for UBND TỈNH ĐẮK LẮK, sections Cấp tỉnh / Cấp xã, centre-style names, a police row among the
    communes, a flattened header followed by the number row, and the reform's defects where the README says."""
    july = _rows(SHIPPED / "bieu06_2025-07.xlsx")
    assert july[0][0] == "UBND TỈNH PHÚ YÊN"  # the other era's province heading
    names = _names(SHIPPED / "bieu06_2025-09.xlsx")
    assert _rows(SHIPPED / "bieu06_2025-09.xlsx")[0][0] == "UBND TỈNH ĐẮK LẮK"
    assert "Cấp tỉnh" in names and "Cấp xã" in names and names.index("Cấp tỉnh") < names.index("Cấp xã")
    assert "Trung tâm Phục vụ hành chính công xã Xuân Cảnh" in names and "TT PVHCC xã Xuân Lộc" in names
    assert "UBND xã Xuân Thọ" in names and "Trung tâm Phục vụ hành chính công tỉnh" in names
    assert any(n.startswith("Bộ phận Một cửa xã") for n in _names(SHIPPED / "bieu06_2025-11.xlsx"))
    jan = _names(SHIPPED / "bieu06_2026-01.xlsx")
    police = jan.index("Công an tỉnh")
    assert jan.index("Cấp xã") < police < len(jan) - 3 and jan[police + 1].startswith(("Xã", "Phường", "TT", "UBND"))
    flat = _rows(SHIPPED / "bieu06_2026-03.xlsx")
    head = next(i for i, r in enumerate(flat) if "Đơn vị" in r)
    assert list(flat[head]).count("Quá hạn") == 2 and flat[head + 1][0] == "(1)" and flat[head + 1][12] == "(13)"
    assert "UBND huyện Tuy An" in _names(SHIPPED / "bieu06_2025-08.xlsx")
    oct_ = _names(SHIPPED / "bieu06_2025-10.xlsx")
    assert "Huyện Đồng Xuân" in oct_ and any(n.endswith("xã Đồng Xuân") or n == "Xã Đồng Xuân" for n in oct_)
    assert "Sở Du lịch và Thể thao biển" in _names(SHIPPED / "bieu06_2025-11.xlsx")
    assert "Phường Phú Yên" in _names(SHIPPED / "bieu06_cap-xa_2025-06.xlsx")
    communes = _names(SHIPPED / "bieu06_cap-xa_2024-06.xlsx")
    assert communes[2] == "Huyện Đồng Xuân" and communes[3].endswith("La Hai") and "Thị xã Đông Hòa" in communes


def _config_2025(tmp_path: Path) -> Path:
    """config/ with province.yaml set to the 2025 province (Đắk Lắk, 66, communes, window end unset)."""
    import shutil

    import yaml

    cfg = tmp_path / "config66"
    shutil.copytree(ROOT / "config", cfg)
    prov = yaml.safe_load((cfg / "province.yaml").read_text(encoding="utf-8"))
    prov.update(
        {"province_code": "66", "province_name": "Tỉnh Đắk Lắk", "unit_schema": "2025", "unit_level": "commune"}
    )
    prov["window"] = {"start": "2021-01-01"}
    (cfg / "province.yaml").write_text(yaml.safe_dump(prov, allow_unicode=True), encoding="utf-8")
    return cfg


def test_truth_does_not_depend_on_the_configured_province(truth, tmp_path, monkeypatch):
    monkeypatch.setenv("MOTCUA_CONFIG", str(_config_2025(tmp_path)))
    pd.testing.assert_frame_equal(sample_truth(), truth)


@pytest.fixture(scope="module")
def cleaned(tmp_path_factory):
    return run_clean([SHIPPED], tmp_path_factory.mktemp("clean") / "out")


def test_round_trip_legacy_era(truth, cleaned):
    """Before the reform (districts and legacy communes) the clean stage reproduces the truth cell for cell."""
    cols = ID_COLUMNS + COUNT_COLUMNS
    got = cleaned.panel[cleaned.panel["unit_schema"] == "legacy"][cols].reset_index(drop=True)
    exp = truth[truth["unit_schema"] == "legacy"][cols].reset_index(drop=True)
    pd.testing.assert_frame_equal(got, exp, check_dtype=False)
    assert cleaned.rows_in == cleaned.rows_kept + cleaned.rows_dropped
    rules = set(cleaned.quality["rule"])
    for rule in (
        "period_gap",
        "aggregate_superseded",
        "cumulative_differenced",
        "identity_resolved",
        "duplicate_period",
        "personal_columns_dropped",
        "dossier_aggregated",
    ):
        assert rule in rules, rule
    assert cleaned.meta["seconds"] < 30


#: (defect, file, text its finding must quote)
REFORM_FINDINGS = [
    ("new_unit_before_reform", "bieu06_cap-xa_2025-06.xlsx", "Phường Phú Yên"),
    ("other_era_province_heading", "bieu06_2025-07.xlsx", "Phú Yên"),
    ("dissolved_unit_after_reform", "bieu06_2025-08.xlsx", "Tuy An Bắc"),  # the finding names the successors
    ("legacy_name_like_new_commune", "bieu06_2025-10.xlsx", "Huyện Đồng Xuân"),
    ("unknown_agency", "bieu06_2025-11.xlsx", "Sở Du lịch và Thể thao biển"),
    ("flattened_header", "bieu06_2026-03.xlsx", "thứ tự cột"),  # columns placed by the (1)…(13) row, said once
]


@pytest.mark.parametrize("config", ["legacy-54", "2025-66"])
def test_round_trip_truth_equals_cleaned_panel(truth, tmp_path, monkeypatch, config):
    """The whole sample, across the reform, cell for cell, under either configuration of the province; each of
    the reform's defects is one finding naming its file, and nothing else is lost."""
    if config == "2025-66":
        monkeypatch.setenv("MOTCUA_CONFIG", str(_config_2025(tmp_path)))
    res = run_clean([SHIPPED], tmp_path / "out")
    cols = ID_COLUMNS + COUNT_COLUMNS
    got = res.panel[cols].reset_index(drop=True)
    exp = truth[cols].reset_index(drop=True)
    pd.testing.assert_frame_equal(got, exp, check_dtype=False)
    assert res.rows_in == res.rows_kept + res.rows_dropped
    assert res.meta["synthetic"] is True and res.meta["as_of"] == "2026-11-30"
    q = res.quality
    for defect, fname, text in REFORM_FINDINGS:
        hits = q[q["file"].astype(str).str.endswith(fname) & q["message"].astype(str).str.contains(text, regex=False)]
        assert len(hits) >= 1, (defect, fname, text)
    assert not {"totals_mismatch", "no_header"} & set(q["rule"])
    assert res.meta["seconds"] < 30


def test_cli_sample_arguments(tmp_path):
    from motcua.cli import main

    assert main(["sample", "--out", str(tmp_path), "--units", "2", "--months", "3", "--seed", "7"]) == 0
    assert sorted(p.name for p in tmp_path.glob("*.xlsx")) == [
        "bieu06_2021-01.xlsx",
        "bieu06_2021-02.xlsx",
        "bieu06_2021-03.xlsx",
    ]


def test_cli_sample_crosses_the_reform(tmp_path, capsys):
    """Months from 07/2025 on are of the 2025 era: the communes that succeed the chosen districts and the
    provincial level; --start moves the months, the default runs to 11/2026; latest_start still gives a sample of
    legacy districts only (the benchmark's)."""
    from motcua.cli import main
    from motcua.sample.plan import latest_start

    assert main(["sample", "--out", str(tmp_path), "--units", "2", "--start", "2025-05", "--months", "4"]) == 0
    names = sorted(p.name for p in tmp_path.glob("*.xlsx"))
    assert names == ["bieu06_2025-05.xlsx", "bieu06_2025-06.xlsx", "bieu06_2025-07.xlsx", "bieu06_2025-08.xlsx"]
    t = sample_truth(n_units=2, start="2025-05", months=4)
    new = t[t["unit_schema"] == "2025"]
    # Tuy Hòa (555) and Sông Cầu (557): 3 + 5 successor communes, and the provincial level
    assert new.groupby("unit_level")["unit_code"].nunique().to_dict() == {"agency": 5, "commune": 8}
    assert set(t.loc[t["unit_schema"] == "legacy", "unit_code"]) == {"555", "557"}
    assert any(n.lower().endswith("phường phú yên") for n in _names(tmp_path / "bieu06_2025-08.xlsx"))
    assert latest_start(60) == "2020-07" and latest_start(54) == "2021-01"
    assert main(["sample", "--out", str(tmp_path / "y"), "--units", "2", "--start", "2026-10"]) == 0
    assert sorted(p.name for p in (tmp_path / "y").glob("*.xlsx")) == ["bieu06_2026-10.xlsx", "bieu06_2026-11.xlsx"]
    assert main(["sample", "--out", str(tmp_path / "x"), "--start", "2021-13"]) == 2
    assert "not a month (YYYY-MM)" in capsys.readouterr().err
    assert main(["sample", "--out", str(tmp_path / "z"), "--months", "0"]) == 2


def test_same_seed_gives_identical_bytes_across_the_reform(tmp_path):
    a = write_sample(tmp_path / "a", start="2025-05", months=4)
    b = write_sample(tmp_path / "b", start="2025-05", months=4)
    assert [p.name for p in a] == [p.name for p in b] and len(a) == 6  # 2 district + 2 commune + 2 post-reform files
    assert _digest(tmp_path / "a") == _digest(tmp_path / "b")


def test_more_units_than_phu_yen(tmp_path):
    t = sample_truth(n_units=12, months=2, messy=False)
    assert t["unit_code"].nunique() == 12 and {"555", "564"} <= set(t["unit_code"])
    # districts of other provinces end in 06/2025; the 2025 era covers the former Phú Yên area
    t = sample_truth(n_units=12, start="2025-06", months=2, messy=False)
    legacy = t[(t["unit_schema"] == "legacy") & (t["unit_level"] == "district")]
    assert legacy["unit_code"].nunique() == 12 and legacy["period_start"].max() == pd.Timestamp("2025-06-01")
    new = t[t["unit_schema"] == "2025"]
    assert set(new["province_code"]) == {"66"} and new["unit_code"].nunique() == 39


def test_national_sample_keeps_every_unit(tmp_path, monkeypatch):
    """100 districts of many provinces (same names in several: Bảo Lâm, Chợ Mới, …), cleaned without a configured
    province: each province's heading scopes its units, so every sampled unit reaches the panel, cell for cell."""
    import shutil

    cfg = tmp_path / "config"
    shutil.copytree(ROOT / "config", cfg)
    import yaml

    prov = yaml.safe_load((cfg / "province.yaml").read_text(encoding="utf-8"))
    prov.update(
        {"province_code": None, "province_name": "Toàn quốc", "unit_schema": "legacy", "unit_level": "district"}
    )
    (cfg / "province.yaml").write_text(yaml.safe_dump(prov, allow_unicode=True), encoding="utf-8")
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
    pd.testing.assert_frame_equal(
        res.panel[cols].reset_index(drop=True), truth[cols].reset_index(drop=True), check_dtype=False
    )
    assert not {"unit_unmatched", "totals_mismatch", "subtotal_mismatch"} & set(res.quality["rule"])


def test_sample_names_the_configuration_its_units_need(tmp_path, capsys):
    """Units beyond Phú Yên's nine districts lie in other provinces: the one-province configuration would reject
    their rows, so the command says which setting holds them; the default sample gets no note."""
    from motcua.cli import main
    from motcua.sample.config_note import config_note
    from motcua.sample.plan import resolve_units

    codes = resolve_units(None, 12)
    note = config_note(codes, {"province_code": "54"}, "config/province.yaml")
    assert note is not None and note.startswith("3 of the 12 units are outside province 54")
    assert "`province_code: null` in config/province.yaml" in note
    assert config_note(codes, {"province_code": None}) is None
    assert config_note(resolve_units(None, 9), {"province_code": "54"}) is None

    assert main(["sample", "--out", str(tmp_path / "a"), "--units", "12", "--months", "1"]) == 0
    err = capsys.readouterr().err
    assert "motcua sample: note: 3 of the 12 units are outside province 54" in err
    assert main(["sample", "--out", str(tmp_path / "b"), "--units", "2", "--months", "1"]) == 0
    assert "note" not in capsys.readouterr().err
