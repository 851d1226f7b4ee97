"""Checks of the PAR index tables (motcua.clean.par, motcua.clean.par_validate): one finding per bad row naming
file, sheet and row, the rest kept; ranks consistent with totals; units matched as the forms are."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import openpyxl
import pandas as pd
import pytest

from motcua.clean.par import PAR_COLUMNS, PAR_SCHEMA, build_par_index
from motcua.clean.run import _context, run_clean
from motcua.quality import RULES, Quality

FIELDS = [
    "Công tác chỉ đạo điều hành CCHC",
    "Xây dựng và tổ chức thực hiện văn bản QPPL",
    "Cải cách thủ tục hành chính",
    "Cải cách tổ chức bộ máy hành chính",
    "Cải cách chế độ công vụ",
    "Cải cách cơ chế tài chính công",
    "Xây dựng chính quyền điện tử",
    "Tác động của CCHC đến người dân, tổ chức",
]
#: A consistent row's fields (sum 73,34: Sông Cầu's published 2022 scores).
OK = [17.64, 5.9, 12, 7, 11, 5.5, 8.42, 5.88]


def book(
    path: Path,
    rows: list[list[Any]],
    title: str = "KẾT QUẢ CHỈ SỐ CẢI CÁCH HÀNH CHÍNH NĂM 2022 CẤP HUYỆN",
    header: list[str] | None = None,
) -> Path:
    wb = openpyxl.Workbook()
    ws = wb.active
    ws.title = "CCHC"
    ws.append([title])
    ws.append(header or ["STT", "Đơn vị", *FIELDS, "Tổng điểm", "Xếp hạng", "Xếp loại"])
    for r in rows:
        ws.append(r)
    wb.save(path)
    return path


def row(
    i: int, name: str, fields: list[float] | None = None, total: float | None = None, rank: Any = None
) -> list[Any]:
    f = list(fields or OK)
    return [i, name, *f, round(sum(f), 2) if total is None else total, i if rank is None else rank, "Khá"]


def run(*paths: Path) -> tuple[pd.DataFrame, dict[str, Any], pd.DataFrame]:
    q = Quality()
    table, counts = build_par_index([(p, p.name, "a" * 64) for p in paths], q, _context())
    return table, counts, q.frame()


def bumped(k: int, by: float) -> list[float]:
    f = list(OK)
    f[k] = round(f[k] + by, 2)
    return f


def test_consistent_table_is_kept_whole_with_provenance(tmp_path):
    p = book(tmp_path / "cchc.xlsx", [row(1, "UBND thị xã Sông Cầu"), row(2, "Huyện Tuy An", bumped(2, -1))])
    table, counts, q = run(p)
    assert counts == {"files": 1, "sheets": 1, "in": 2, "kept": 2, "dropped": 0} and q.empty
    PAR_SCHEMA.validate(table)
    assert list(table.columns) == PAR_COLUMNS
    sc = table[(table["unit_code"] == "557") & (table["kind"] == "total")].iloc[0]
    assert (sc["year"], sc["unit_schema"], sc["score"], sc["rank"], sc["rank_of"]) == (2022, "legacy", 73.34, 1, 2)
    assert (sc["source"], sc["sheet"], sc["row"], sc["sha256"]) == ("cchc.xlsx", "CCHC", 3, "a" * 64)
    assert len(table) == 2 * 9  # per unit: the total and eight fields


def fields(**by: float) -> list[float]:
    """OK's fields with some changed by the given points (keys: f0 … f7)."""
    f = list(OK)
    for k, v in by.items():
        f[int(k[1:])] = round(f[int(k[1:])] + v, 2)
    return f


@pytest.mark.parametrize(
    "bad, rule, text",
    [
        (row(3, "Huyện Tuy An", fields(f3=0.5, f0=-5)), "par_over_max", "vượt điểm tối đa 7"),
        (row(3, "Huyện Tuy An", total=70.0), "par_total_mismatch", "≠ tổng điểm 70"),
        (row(3, "Huyện Tuy An", [17.64, 5.9, "mười", 7, 11, 5.5, 8.42, 5.88], total=65), "par_bad_score", '"mười"'),
        (row(3, "Huyện Tuy An", [17.64, 5.9, -1, 7, 11, 5.5, 8.42, 5.88], total=60.34), "par_bad_score", "số âm"),
        (row(3, "Huyện Tuy An", [17.64, 5.9, None, 7, 11, 5.5, 8.42, 5.88], total=61.34), "par_bad_score", "để trống"),
        (row(3, "Huyện Không Có", fields(f0=-5)), "unit_unmatched", "Huyện Không Có"),
        (row(3, "UBND thị xã Sông Cầu", fields(f0=-5)), "par_duplicate_unit", "Thị xã Sông Cầu"),
    ],
)
def test_one_finding_per_bad_row_the_rest_kept(tmp_path, bad, rule, text):
    p = book(tmp_path / "cchc.xlsx", [row(1, "UBND thị xã Sông Cầu"), row(2, "Huyện Đồng Xuân", fields(f0=-2)), bad])
    table, counts, q = run(p)
    assert counts["in"] == counts["kept"] + counts["dropped"] == 3 and counts["dropped"] == 1
    assert len(q) == 1, q.to_dict("records")
    f = q.iloc[0]
    assert (f["rule"], f["severity"], f["action"], f["file"], f["sheet"], f["row"]) == (
        rule,
        "error",
        "dropped",
        "cchc.xlsx",
        "CCHC",
        5,
    )
    assert text in f["message"] and rule in RULES
    assert set(table["unit_code"]) == {"557", "558"}


def test_sum_within_tolerance_is_kept_beyond_it_is_not(tmp_path):
    p = book(
        tmp_path / "cchc.xlsx",
        [row(1, "UBND thị xã Sông Cầu", total=73.37), row(2, "Huyện Tuy An", fields(f0=-1), total=72.41)],
    )
    _, counts, q = run(p)
    assert counts["kept"] == 1 and list(q["rule"]) == ["par_total_mismatch"] and q.iloc[0]["row"] == 4


def test_several_problems_of_a_row_make_one_finding(tmp_path):
    p = book(tmp_path / "cchc.xlsx", [row(1, "Huyện Không Có", bumped(3, 2), total=50)])
    _, _, q = run(p)
    assert len(q) == 1 and q.iloc[0]["rule"] == "unit_unmatched"
    assert "vượt điểm tối đa" in q.iloc[0]["message"] and "≠ tổng điểm 50" in q.iloc[0]["message"]


@pytest.mark.parametrize("ranks", [[1, 2, 2, 4], [1, 2, 2, 3], ["1/4", "2/4", "2/4", "4/4"], ["01", "Thứ 2", "2", "4"]])
def test_ties_share_a_rank_in_either_convention(tmp_path, ranks):
    totals = [bumped(0, 0), bumped(0, -1), bumped(1, -1), bumped(2, -3)]
    names = ["UBND thị xã Sông Cầu", "Huyện Tuy An", "Huyện Đồng Xuân", "Huyện Sơn Hòa"]
    p = book(
        tmp_path / "cchc.xlsx", [row(i + 1, n, t, rank=r) for i, (n, t, r) in enumerate(zip(names, totals, ranks))]
    )
    table, _, q = run(p)
    assert q.empty, q.to_dict("records")
    tot = table[table["kind"] == "total"].set_index("unit_code")
    assert tot.loc["559", "rank"] == tot.loc["558", "rank"] == 2 and set(tot["rank_of"]) == {4}


def test_rank_that_disagrees_with_the_totals_is_removed_and_reported(tmp_path):
    rows = [
        row(1, "UBND thị xã Sông Cầu", rank=1),
        row(2, "Huyện Tuy An", bumped(0, -1), rank=2),
        row(3, "Huyện Đồng Xuân", bumped(0, -2), rank=2),
        row(4, "Huyện Sơn Hòa", bumped(0, -3), rank="hạng tư"),
    ]
    table, counts, q = run(book(tmp_path / "cchc.xlsx", rows))
    assert counts["kept"] == 4
    assert list(zip(q["rule"], q["row"], q["action"])) == [
        ("par_rank_inconsistent", 5, "value_removed"),
        ("par_bad_rank", 6, "value_removed"),
    ]
    assert "xếp thứ 3/4" in q.iloc[0]["message"]
    tot = table[table["kind"] == "total"].set_index("unit_code")
    assert pd.isna(tot.loc["558", "rank"]) and pd.isna(tot.loc["560", "rank"]) and tot.loc["559", "rank"] == 2


def test_year_from_the_file_name_or_the_row_is_reported_missing(tmp_path):
    no_year = "BẢNG TỔNG HỢP CHỈ SỐ CẢI CÁCH HÀNH CHÍNH CẤP HUYỆN"
    a = book(tmp_path / "chi-so-2023.xlsx", [row(1, "UBND thị xã Sông Cầu")], title=no_year)
    b = book(tmp_path / "chi-so.xlsx", [row(1, "Huyện Tuy An")], title=no_year)
    table, counts, q = run(a, b)
    assert set(table["year"]) == {2023} and counts["dropped"] == 1
    assert list(q["rule"]) == ["par_year_from_filename", "par_no_year"] and q.iloc[1]["file"] == "chi-so.xlsx"


def test_era_follows_the_year(tmp_path):
    """2024 scores the legacy districts; from 2025 (config/par.yaml legacy_until_year) the 2025 units: a legacy
    district's name in a 2025 table is refused as a unit of the other era."""
    a = book(tmp_path / "a.xlsx", [row(1, "UBND thị xã Sông Cầu")], title="CHỈ SỐ CCHC NĂM 2024 CẤP HUYỆN")
    b = book(tmp_path / "b.xlsx", [row(1, "UBND thị xã Sông Cầu")], title="CHỈ SỐ CCHC NĂM 2025 CẤP HUYỆN")
    table, _, q = run(a, b)
    assert set(zip(table["year"], table["unit_schema"])) == {(2024, "legacy")}
    assert list(q["rule"]) == ["unit_other_era"] and q.iloc[0]["file"] == "b.xlsx"


def test_same_unit_year_in_two_files_keeps_the_first(tmp_path):
    a = book(tmp_path / "a.xlsx", [row(1, "UBND thị xã Sông Cầu")])
    b = book(tmp_path / "b.xlsx", [row(1, "TX Sông Cầu", bumped(0, -1))])
    table, _, q = run(a, b)
    assert set(table["source"]) == {"a.xlsx"} and list(zip(q["rule"], q["file"])) == [("par_duplicate_unit", "b.xlsx")]


def test_maxima_stated_by_the_file_win(tmp_path):
    header = [
        "STT",
        "Đơn vị",
        *FIELDS[:3],
        "Cải cách tổ chức bộ máy hành chính (8 điểm)",
        *FIELDS[4:],
        "Tổng điểm",
        "Xếp hạng",
    ]
    p = book(tmp_path / "cchc.xlsx", [row(1, "UBND thị xã Sông Cầu", bumped(3, 0.5))[:-1]], header=header)
    table, _, q = run(p)
    assert list(q["rule"]) == ["par_max_from_file"] and "8 (cấu hình 7)" in q.iloc[0]["message"]
    f = table[(table["field"] == "apparatus")].iloc[0]
    assert (f["score"], f["max_score"]) == (7.5, 8.0)


def test_clean_stage_writes_par_index_beside_the_panel_and_removes_a_stale_one(tmp_path):
    raw = tmp_path / "raw"
    raw.mkdir()
    p = book(
        raw / "chi-so-cchc-2022.xlsx",
        [row(1, "UBND thị xã Sông Cầu", rank="2/2"), row(2, "Huyện Tuy An", bumped(3, 1), rank=1)],
    )
    (raw / "khong-doc-duoc.xlsx").write_bytes(
        book(tmp_path / "x.xlsx", [["chỉ tiêu", "giá trị"]], header=["STT", "Nội dung", "Ghi chú"]).read_bytes()
    )
    out = tmp_path / "out"
    res = run_clean([raw], out)
    import hashlib

    table = pd.read_parquet(out / "par_index.parquet")
    PAR_SCHEMA.validate(table)
    assert set(table["unit_code"]) == {"557"} and set(table["sha256"]) == {hashlib.sha256(p.read_bytes()).hexdigest()}
    assert res.meta["par"] == {"files": 2, "sheets": 1, "in": 2, "kept": 1, "dropped": 1}
    q = res.quality
    assert list(q.loc[q["rule"].str.startswith("par_"), "rule"]) == ["par_over_max", "par_no_header"]
    assert q.loc[q["rule"] == "par_no_header", "file"].str.endswith("khong-doc-duoc.xlsx").all()
    assert [s["kind"] for s in res.meta["sources"]] == ["par", "par"]
    p.unlink()
    (raw / "khong-doc-duoc.xlsx").unlink()
    book(raw / "other.xlsx", [["x"]], title="Biểu khác", header=["STT", "Nội dung", "Ghi chú"])
    run_clean([raw], out)
    assert not (out / "par_index.parquet").exists()


def test_commune_and_agency_set_ranks_restart_under_each_heading(tmp_path):
    """The commune and agency set (config/layouts/par_commune.yaml): agencies matched in config/agencies.yaml,
    communes by the reference; each section ("I. Sở, ban, ngành", "II. UBND các xã, phường") ranked apart."""
    c = [12, 4, 20, 5, 11, 6, 12, 13]  # 83 of the commune set's maxima
    rows = [
        ["I", "Sở, ban, ngành"],
        row(1, "Sở Tư pháp", c, rank=1),
        row(2, "Sở Nội vụ", [*c[:7], 12], rank=2),
        ["II", "UBND các xã, phường"],
        row(1, "UBND phường Xuân Thành", c, rank=1),
        row(2, "Xã Xuân Lộc", [*c[:7], 10], rank=2),
    ]
    p = book(
        tmp_path / "cchc-xa.xlsx", rows, title="CHỈ SỐ CCHC NĂM 2022 CỦA CÁC SỞ, BAN, NGÀNH VÀ UBND CÁC XÃ, PHƯỜNG"
    )
    table, counts, q = run(p)
    assert q.empty, q.to_dict("records")
    tot = table[table["kind"] == "total"].set_index("unit_code")
    assert set(table["par_set"]) == {"par_commune"} and counts["kept"] == 4
    assert tot.loc["54-so-tu-phap", "unit_level"] == "agency" and tot.loc["22053", "unit_level"] == "commune"
    assert tot["rank"].to_dict() == {"22053": 1, "22057": 2, "54-so-noi-vu": 2, "54-so-tu-phap": 1}
    assert set(tot["rank_of"]) == {2}
    assert table.loc[table["field"] == "procedures", "max_score"].iloc[0] == 25
