"""run_clean on hand-written messy inputs: every rule, nothing lost, bad files do not stop good ones."""

from __future__ import annotations

import json
from datetime import datetime
from pathlib import Path

import pandas as pd
import pytest

from motcua.clean import run_clean
from motcua.panel import PANEL_COLUMNS, column_ref
from motcua.quality import QUALITY_COLUMNS

MAR = "Kỳ báo cáo: Từ ngày 01/03/2024 đến ngày 31/03/2024"


def _check_counting(res):
    q = res.quality
    assert res.rows_in == res.rows_kept + res.rows_dropped
    assert res.rows_kept == len(res.panel)
    assert (q["action"] == "dropped").sum() == res.rows_dropped


def test_outputs_written_atomically_with_contract_columns(tmp_path, builders):
    c = builders.counts
    builders.write_form(tmp_path / "raw" / "t3.xlsx", [("Huyện Tuy An", c(1, 9, 2, 5, 4, 1, 1, 1))], period_text=MAR)
    res = run_clean([tmp_path / "raw"], tmp_path / "out")
    out = tmp_path / "out"
    assert sorted(p.name for p in out.iterdir()) == ["clean_meta.json", "panel.parquet", "quality.csv"]
    panel = pd.read_parquet(out / "panel.parquet")
    assert list(panel.columns[: len(PANEL_COLUMNS)]) == PANEL_COLUMNS
    assert panel.loc[0, "unit_code"] == "559" and panel.loc[0, "unit_name"] == "Huyện Tuy An"
    assert panel.loc[0, "source"] == "raw/t3.xlsx" and panel.loc[0, "source_ref"].endswith("!12")
    q = pd.read_csv(out / "quality.csv", encoding="utf-8-sig")
    assert list(q.columns[:8]) == QUALITY_COLUMNS[:8]
    meta = json.loads((out / "clean_meta.json").read_text(encoding="utf-8"))
    assert meta["as_of"] == "2024-03-31" and meta["synthetic"] is False
    assert meta["sources"][0]["file"] == "raw/t3.xlsx" and len(meta["sources"][0]["sha256"]) == 64
    _check_counting(res)


def test_bad_files_are_reported_and_good_files_still_build(tmp_path, builders):
    c = builders.counts
    raw = tmp_path / "raw"
    good = builders.write_form(raw / "good.xlsx", [("Huyện Tuy An", c(1, 9, 2, 5, 4, 1, 1, 1))], period_text=MAR)
    (raw / "truncated.xlsx").write_bytes(good.read_bytes()[:900])
    (raw / "garbage.xls").write_bytes(b"\x00not an excel file at all" * 10)
    (raw / "notes.pdf").write_bytes(b"%PDF-1.4")
    (raw / "random.csv").write_text("a,b\n1,2\n", encoding="utf-8")
    builders.write_form(raw / "undated.xlsx", [("Huyện Sơn Hòa", c(1, 1, 0, 1, 1, 0, 0, 0))], period_text=None)
    builders.write_form(
        raw / "messy_2024-04-01_2024-04-30.xlsx",
        [
            ("Huyện Sơn Hòa", c(1, 9, 2, 5, 4, 1, 1, 1)),
            ("Huyện Không Tồn Tại", c(1, 1, 0, 1, 1, 0, 0, 0)),
            ("Huyện Phú Hòa", {**c(1, 9, 2, 5, 4, 1, 1, 1), "resolved_late": "-1"}),
        ],
        period_text=None,
    )
    res = run_clean([raw], tmp_path / "out")
    q = res.quality
    by_file = {f: set(g["rule"]) for f, g in q.groupby("file")}
    assert "unreadable_file" in by_file["raw/truncated.xlsx"]
    assert "unreadable_file" in by_file["raw/garbage.xls"]
    assert by_file["raw/notes.pdf"] == {"document_unreadable"}  # a prose document without text: warned, not a table
    assert "no_header" in by_file["raw/random.csv"]
    assert "no_period" in by_file["raw/undated.xlsx"]
    messy = q[q["file"] == "raw/messy_2024-04-01_2024-04-30.xlsx"]
    unmatched = messy[messy["rule"] == "unit_unmatched"].iloc[0]
    assert unmatched["severity"] == "error" and unmatched["row"] == 13 and "gần nhất" in unmatched["message"]
    neg = messy[messy["rule"] == "negative_count"].iloc[0]
    assert neg["action"] == "value_removed" and "-1" in neg["message"]
    # the good rows are in the panel; the April file's period came from its file name (explicit dates)
    assert set(zip(res.panel["unit_code"], res.panel["period_start"].dt.month)) == {("559", 3), ("560", 4), ("563", 4)}
    assert pd.isna(res.panel.set_index("unit_code").loc["563", "resolved_late"])
    _check_counting(res)
    assert res.rows_in == 1 + 1 + 3 and res.rows_dropped == 2


def test_identities_and_continuity_reported_not_fixed(tmp_path, builders):
    c = builders.counts
    raw = tmp_path / "raw"
    feb = c(5, 50, 3, 30, 20, 1, 6, 1)  # pending 7
    mar = c(6, 40, 9, 30, 20, 2, 8, 1)  # carried 9 ≠ 7
    mar_bad = {**mar, "resolved_total": mar["resolved_total"] + 10}
    builders.write_form(raw / "t2.xlsx", [("Huyện Tuy An", feb)], period_text="Từ ngày 01/02/2024 đến ngày 29/02/2024")
    builders.write_form(raw / "t3.xlsx", [("Huyện Tuy An", mar_bad)], period_text=MAR)
    res = run_clean([raw], None)
    rules = set(res.quality["rule"])
    assert {"identity_resolved", "identity_balance", "carry_over_gap"} <= rules
    row = res.panel[res.panel["period_start"].dt.month == 3].iloc[0]
    assert row["resolved_total"] == mar_bad["resolved_total"]  # kept as read
    _check_counting(res)


def test_totals_row_checked(tmp_path, builders):
    c = builders.counts
    a, b = c(1, 9, 2, 5, 4, 1, 1, 1), c(2, 8, 1, 5, 4, 1, 1, 0)
    tot = {k: a[k] + b[k] for k in a}
    tot["received_online"] += 1
    builders.write_form(tmp_path / "t3.xlsx", [("Huyện Tuy An", a), ("Huyện Tây Hòa", b)], period_text=MAR, totals=tot)
    res = run_clean([tmp_path / "t3.xlsx"], None)
    t = res.quality[res.quality["rule"] == "totals_mismatch"]
    assert len(t) == 1 and "(4): dòng tổng" in t.iloc[0]["message"]
    assert "received_online" not in t.iloc[0]["message"]  # readers see form-06 numbers, not the panel's names
    assert len(res.panel) == 2  # the totals row is never a unit


def test_cumulative_differenced_and_revision_flagged(tmp_path, builders):
    c = builders.counts
    raw = tmp_path / "raw"
    jan = c(10, 90, 20, 60, 30, 5, 20, 5)  # pending 25
    feb = c(12, 80, 25, 50, 40, 2, 20, 5)  # pending 25
    mar = c(15, 70, 25, 60, 20, 1, 25, 4)  # pending 29
    builders.write_form(raw / "t1.xlsx", [("Huyện Tuy An", jan)], period_text="Từ ngày 01/01/2024 đến ngày 31/01/2024")
    builders.write_form(raw / "t2.xlsx", [("Huyện Tuy An", feb)], period_text="Từ ngày 01/02/2024 đến ngày 29/02/2024")
    flows = ["received_online", "received_offline", "resolved_early", "resolved_ontime", "resolved_late"]
    cum = {k: jan[k] + feb[k] + mar[k] for k in flows}
    cum.update(carried_over=20, pending_ontime=25, pending_overdue=4)
    cum_row = c(
        cum["received_online"],
        cum["received_offline"],
        20,
        cum["resolved_early"],
        cum["resolved_ontime"],
        cum["resolved_late"],
        25,
        4,
    )
    builders.write_form(
        raw / "lk3.xlsx", [("Huyện Tuy An", cum_row)], period_text="Lũy kế từ ngày 01/01/2024 đến ngày 31/03/2024"
    )
    # an April cumulative that revises January downwards (early resolved smaller than the Jan–Mar sum)
    apr = {**cum_row, "resolved_early": cum_row["resolved_early"] - 3}
    apr["resolved_total"] = apr["resolved_early"] + apr["resolved_ontime"] + apr["resolved_late"]
    builders.write_form(
        raw / "lk4.xlsx", [("Huyện Tuy An", apr)], period_text="Lũy kế từ ngày 01/01/2024 đến ngày 30/04/2024"
    )
    res = run_clean([raw], None)
    p = res.panel.set_index(res.panel["period_start"].dt.month)
    for k in COLS if (COLS := builders.COLS06) else []:
        assert p.loc[3, k] == mar[k], k
    assert pd.isna(p.loc[4, "resolved_early"])
    rules = res.quality["rule"].tolist()
    assert rules.count("cumulative_differenced") == 2 and "cumulative_revision" in rules
    # every value the differencing changed keeps its original, as written, in quality.csv
    from babel.numbers import format_decimal

    march = res.quality[
        (res.quality["rule"] == "cumulative_differenced") & (res.quality["file"].str.endswith("lk3.xlsx"))
    ]
    msg = march["message"].iloc[0]
    for k in flows:
        assert (
            f"{column_ref(k)} {format_decimal(cum[k], locale='vi')} → {format_decimal(mar[k], locale='vi')}" in msg
        ), (k, msg)
    assert not any(k in msg for k in flows), msg
    _check_counting(res)


def test_overlaps_newest_file_wins_and_quarter_is_a_check(tmp_path, builders):
    c = builders.counts
    raw = tmp_path / "raw"
    months = [c(1, 9, 0, 5, 4, 1, 0, 0), c(2, 8, 0, 6, 4, 0, 0, 0), c(3, 7, 0, 5, 5, 0, 0, 0)]
    for i, m in enumerate(months):
        builders.write_form(
            raw / f"m{i + 1}.xlsx",
            [("Huyện Tuy An", m)],
            period_text=f"Từ ngày 01/0{i + 1}/2024 đến ngày {[31, 29, 31][i]}/0{i + 1}/2024",
            created=datetime(2024, i + 2, 5),
        )
    q1 = {k: sum(m[k] for m in months) for k in months[0]}
    builders.write_form(raw / "quy1.xlsx", [("Huyện Tuy An", q1)], period_text="Từ ngày 01/01/2024 đến ngày 31/03/2024")
    fixed = {**months[1], "resolved_late": 1, "resolved_total": 11}
    builders.write_form(
        raw / "m2_sua.xlsx",
        [("Huyện Tuy An", fixed)],
        period_text="Từ ngày 01/02/2024 đến ngày 29/02/2024",
        created=datetime(2024, 6, 1),
    )
    res = run_clean([raw], None)
    assert len(res.panel) == 3
    feb = res.panel[res.panel["period_start"].dt.month == 2].iloc[0]
    assert feb["resolved_late"] == 1 and feb["source"] == "raw/m2_sua.xlsx"
    q = res.quality.set_index("rule")
    assert q.loc["duplicate_period", "severity"] == "warning" and "m2_sua.xlsx" in q.loc["duplicate_period", "message"]
    assert q.loc["aggregate_superseded", "file"] == "raw/quy1.xlsx"
    _check_counting(res)


def test_tidy_csv(tmp_path):
    p = tmp_path / "tidy.csv"
    p.write_text(
        "unit_code,unit_name,period_start,period_end,received_total,received_online,received_offline,carried_over,"
        "resolved_total,resolved_early,resolved_ontime,resolved_late,pending_total,pending_ontime,pending_overdue\n"
        "555,TP Tuy Hoà,2024-01-01,2024-01-31,110,10,90,10,100,90,9,1,10,10,0\n"
        '555,,01/02/2024,29/02/2024,"1.010",10,990,10,1000,900,99,1,10,10,0\n'
        "999,,2024-01-01,2024-01-31,1,1,0,0,1,1,0,0,0,0,0\n"
        ",Huyện Sông Hinh,2024-01-01,not a date,1,1,0,0,1,1,0,0,0,0,0\n",
        encoding="utf-8",
    )
    res = run_clean([p], None)
    assert len(res.panel) == 2 and res.panel["received_total"].tolist() == [110, 1010]
    rules = res.quality.groupby("rule")["action"].first().to_dict()
    assert rules["unit_unmatched"] == "dropped" and rules["no_period"] == "dropped"
    assert "unit_name_variant" not in rules  # "TP Tuy Hoà" normalises to the official name
    _check_counting(res)


DOSSIER_HEADER = "STT,MaHoSo,TenThuTuc,DonViXuLy,NgayTiepNhan,NgayHenTra,NgayHoanThanh,KenhThucHien,HoTen,SoCCCD,SoDienThoai,Email,DiaChi\n"
SECRETS = ["Nguyễn Thị Bí Mật", "079123456789", "0912345678", "bimat@example.invalid", "Số 1 đường Bí Mật"]
DOSSIERS = [
    ("25/01/2024 08:00", "05/02/2024", "05/02/2024 16:00", "1"),
    ("20/01/2024", "30/01/2024", "", "2"),
    ("01/02/2024 09:15", "10/02/2024", "08/02/2024", "2"),
    ("20/02/2024", "28/02/2024", "02/03/2024", "1"),
    ("27/02/2024", "10/03/2024", "10/03/2024", "3"),
    ("05/03/2024", "20/03/2024", "", "2"),
    ("28/03/2024", "10/04/2024", "", "1"),
    ("32/03/2024", "10/04/2024", "", "1"),
    ("28/03/2024", "10/04/2024", "", "9"),
]


def _dossier_csv(path: Path) -> Path:
    lines = [DOSSIER_HEADER]
    for i, (rec, due, done, ch) in enumerate(DOSSIERS):
        lines.append(
            f"{i + 1},HS{i},Đăng ký khai sinh,UBND huyện Tuy An,{rec},{due},{done},{ch},"
            f'{SECRETS[0]},{SECRETS[1]},{SECRETS[2]},{SECRETS[3]},"{SECRETS[4]}"\n'
        )
    path.write_text("".join(lines), encoding="utf-8-sig")
    return path


EXPECTED_DOSSIER = {
    2: dict(
        received_total=5,
        received_online=1,
        received_offline=2,
        carried_over=2,
        resolved_total=2,
        resolved_early=1,
        resolved_ontime=1,
        resolved_late=0,
        pending_total=3,
        pending_ontime=1,
        pending_overdue=2,
    ),
    3: dict(
        received_total=5,
        received_online=1,
        received_offline=1,
        carried_over=3,
        resolved_total=2,
        resolved_early=0,
        resolved_ontime=1,
        resolved_late=1,
        pending_total=3,
        pending_ontime=1,
        pending_overdue=2,
    ),
}


def _assert_dossier_result(res):
    p = res.panel.set_index(res.panel["period_start"].dt.month)
    for month, exp in EXPECTED_DOSSIER.items():
        assert {k: int(p.loc[month, k]) for k in exp} == exp, month
    assert res.meta["dossiers"] == {"read": 9, "used": 7, "rejected": 2}
    rej = res.quality[res.quality["rule"] == "dossier_rejected"]
    assert rej["message"].str.contains("dòng 9").any() and rej["message"].str.contains("dòng 10").any()
    _check_counting(res)


def test_dossier_csv_aggregated_and_personal_data_never_written(tmp_path):
    raw = _dossier_csv(tmp_path / "hoso_2024-02-01_2024-03-31.csv")
    res = run_clean([raw], tmp_path / "out")
    _assert_dossier_result(res)
    dropped = res.quality[res.quality["rule"] == "personal_columns_dropped"].iloc[0]["message"]
    assert "HoTen" in dropped and "SoCCCD" in dropped
    for f in (tmp_path / "out").iterdir():
        body = f.read_bytes()
        for s in SECRETS:
            assert s.encode("utf-8") not in body, (f.name, s)
    for s in SECRETS:
        assert not res.panel.astype(str).apply(lambda col: col.str.contains(s, regex=False)).any().any()
        assert not res.quality.astype(str).apply(lambda col: col.str.contains(s, regex=False)).any().any()


def test_dossier_xlsx_same_result(tmp_path):
    import openpyxl

    wb = openpyxl.Workbook()
    ws = wb.active
    ws.append(DOSSIER_HEADER.strip().split(","))
    for i, (rec, due, done, ch) in enumerate(DOSSIERS):
        ws.append([i + 1, f"HS{i}", "Đăng ký khai sinh", "UBND huyện Tuy An", rec, due, done, int(ch), *SECRETS])
    wb.save(tmp_path / "hoso_2024-02-01_2024-03-31.xlsx")
    res = run_clean([tmp_path / "hoso_2024-02-01_2024-03-31.xlsx"], None)
    _assert_dossier_result(res)


@pytest.mark.parametrize("fname", ["hoso.csv"])
def test_dossier_without_period_in_name_uses_received_months(tmp_path, fname):
    res = run_clean([_dossier_csv(tmp_path / fname)], None)
    assert res.panel["period_start"].dt.strftime("%Y-%m").tolist() == ["2024-01", "2024-02", "2024-03"]
    assert "period_from_label" in set(res.quality["rule"])


def test_dossier_without_unit_column_takes_unit_from_file_name(tmp_path):
    p = tmp_path / "ho-so_Tuy-An_2024-02-01_2024-03-31.csv"
    lines = ["NgayTiepNhan,NgayHenTra,NgayHoanThanh,KenhThucHien\n"]
    lines += [f"{rec},{due},{done},{ch}\n" for rec, due, done, ch in DOSSIERS]
    p.write_text("".join(lines), encoding="utf-8")
    res = run_clean([p], None)
    assert set(res.panel["unit_code"]) == {"559"}
    assert "unit_from_filename" in set(res.quality["rule"])
