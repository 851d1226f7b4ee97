"""766 score tables: recognised by their header, months and scores parsed, one finding per bad row (over the
group's maximum, total not adding up, unknown unit, unreadable month), the rest kept; the sample's table."""

from __future__ import annotations

from pathlib import Path

import openpyxl
import pandas as pd
import pytest

from motcua.clean.run import _context, run_clean
from motcua.ingest.score766 import combine_scores, is_score_table, parse_month, parse_score, read_score_table
from motcua.quality import Quality

HEADER = [
    "Đơn vị",
    "Tháng",
    "Công khai minh bạch",
    "Tiến độ giải quyết",
    "Dịch vụ công trực tuyến",
    "Thanh toán trực tuyến",
    "Mức độ hài lòng",
    "Số hóa hồ sơ",
    "Tổng điểm",
]
ROWS = [
    ["Tỉnh Phú Yên", "01/2024", "16,5", "19.2", "10", "7.5", "17", "15", "85,2"],  # line 2: the province, fine
    ["Thị xã Sông Cầu", "01/2024", "17", "19", "11", "8", "17", "25", "97"],  # 3: 25 > 22
    ["TX. Sông Cầu", "Tháng 2/2024", "17", "19", "11", "8", "17", "20", "90"],  # 4: total 90 ≠ 92
    ["Huyện Không Có", "02/2024", "17", "19", "11", "8", "17", "20", "92"],  # 5: unknown unit
    ["Thị xã Sông Cầu", "13/2024", "17", "19", "11", "8", "17", "20", "92"],  # 6: no such month
    ["Huyện Sông Hinh", "2024-03", "17", "19", "abc", "8", "17", "20", ""],  # 7: unreadable score
]


def _write(path: Path, rows: list[list[str]] = ROWS) -> Path:
    pd.DataFrame(rows, columns=HEADER).to_csv(path, index=False)
    return path


@pytest.fixture(scope="module")
def read(tmp_path_factory):
    p = _write(tmp_path_factory.mktemp("s766") / "diem766.csv")
    q = Quality()
    return combine_scores([read_score_table(p, "diem766.csv", q, _context())]), q.frame()


def test_months_and_scores_parse():
    assert parse_month("01/2024") == parse_month("Tháng 1/2024") == parse_month("2024-01") == parse_month(1, "2024")[:2]
    assert parse_month("01/2024")[1].day == 31
    assert parse_month("13/2024") is None and parse_month("tháng 3") is None
    assert (parse_score("16,5"), parse_score("19.2"), parse_score(7), parse_score("x")) == (16.5, 19.2, 7.0, None)


def test_recognised_by_header(tmp_path):
    assert is_score_table(_write(tmp_path / "a.csv"))
    pd.DataFrame([["x", "01/2024", "1"]], columns=["Đơn vị", "Tháng", "Tổng điểm"]).to_csv(
        tmp_path / "b.csv", index=False
    )
    assert not is_score_table(tmp_path / "b.csv")  # no group column
    wb = openpyxl.Workbook()
    wb.active.append(["BẢNG ĐIỂM 766"])
    wb.active.append(HEADER)
    for r in ROWS:
        wb.active.append(r)
    wb.save(tmp_path / "c.xlsx")
    assert is_score_table(tmp_path / "c.xlsx")
    df = read_score_table(tmp_path / "c.xlsx", "c.xlsx", Quality(), _context())
    assert int(df.loc[df["unit_code"] == "54", "source_row"].iloc[0]) == 3


def test_one_finding_per_bad_row(read):
    _, q = read
    bad = q[q["rule"] != "score766_read"].sort_values("row")
    assert list(zip(bad["row"].astype(int), bad["rule"])) == [
        (3, "score766_over_max"),
        (4, "score766_total_mismatch"),
        (5, "score766_unit_unmatched"),
        (6, "score766_unreadable"),
        (7, "score766_unreadable"),
    ]
    assert set(bad["file"]) == {"diem766.csv"}
    assert "25" in bad.iloc[0]["message"] and "22" in bad.iloc[0]["message"]


def test_rows_kept_with_their_good_scores(read):
    df, _ = read
    assert set(zip(df["unit_code"], df["period_start"].dt.strftime("%Y-%m"))) == {
        ("54", "2024-01"),
        ("557", "2024-01"),
        ("557", "2024-02"),
        ("561", "2024-03"),
    }
    assert df.loc[df["unit_code"] == "54", "unit_level"].iloc[0] == "province"
    jan = df[(df["unit_code"] == "557") & (df["period_start"] == "2024-01-01")].set_index("group")["score"]
    assert "digitisation" not in jan and jan["total"] == 97  # the score over its maximum is not kept
    assert (df["score"] <= df["max_score"]).all()
    prov = df[df["unit_code"] == "54"].set_index("group")["score"]
    assert prov.drop("total").sum() == pytest.approx(prov["total"])


def test_clean_writes_score766_and_counts_the_file(tmp_path):
    raw = tmp_path / "raw"
    raw.mkdir()
    _write(raw / "diem766.csv")
    r = run_clean([raw], tmp_path / "out")
    assert (tmp_path / "out" / "score766.parquet").exists()
    assert [s["kind"] for s in r.meta["sources"]] == ["score766"]
    assert len(r.panel) == 0 and "no_header" not in set(r.quality["rule"])
