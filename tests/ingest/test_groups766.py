"""The 766 groups of dossier exports: parsing of yes/no, fee, survey and apology cells, the counts of a small
hand-made export (known by construction), NA for missing columns, one finding per bad value, workbooks too."""

from __future__ import annotations

from pathlib import Path

import openpyxl
import pandas as pd
import pytest
from hypothesis import given
from hypothesis import strategies as st

from motcua.clean.run import _context, run_clean
from motcua.ingest.groups766 import COUNT_COLUMNS, apology, combine, fee_payable, read_groups_file, survey, yes_no
from motcua.quality import Quality
from motcua.rates import GROUP_RATES, group_successes_trials

HEADER = [
    "MaHoSo",
    "DonViXuLy",
    "NgayTiepNhan",
    "NgayHenTra",
    "NgayHoanThanh",
    "KenhThucHien",
    "Phí, lệ phí",
    "Thanh toán trực tuyến",
    "Số hóa hồ sơ",
    "Số hóa kết quả",
    "Sai sót",
    "Thư xin lỗi",
    "Đánh giá",
    "HoTenNguoiNop",
]
#: Ten dossiers of Sông Cầu, January and February 2024. Known counts, by construction:
#: January received 7: fee 5 (rows 1, 3, 4, 6, 7), paid online 3 (1, 4, 7); digitised 5 of 6 readable (row 5 "xyz");
#: January completed 6 (1–6): late 3 (2, 3, 6), faulty 1 (4, on time): late or faulty 4, letters 3 (2, 4, 6);
#: results digitised 4 of 6; surveyed 4 (1, 2, 4, 5), satisfied 3.
ROWS = [
    [
        "1",
        "Thị xã Sông Cầu",
        "02/01/2024 08:00",
        "05/01/2024",
        "04/01/2024 10:00",
        "2",
        "50.000",
        "Có",
        "Có",
        "Có",
        "",
        "",
        "Hài lòng",
        "Nguyễn Văn A",
    ],
    [
        "2",
        "Thị xã Sông Cầu",
        "02/01/2024",
        "05/01/2024",
        "08/01/2024",
        "1",
        "0",
        "",
        "co",
        "có",
        "",
        "Có",
        "Rất hài lòng",
        "B",
    ],
    [
        "3",
        "Thị xã Sông Cầu",
        "03/01/2024",
        "05/01/2024",
        "09/01/2024",
        "2",
        "20000",
        "Không",
        "KHÔNG",
        "khong",
        "",
        "",
        "",
        "C",
    ],
    [
        "4",
        "Thị xã Sông Cầu",
        "03/01/2024",
        "10/01/2024",
        "10/01/2024",
        "2",
        "Có",
        "da thanh toan",
        "x",
        "Có",
        "Có",
        "x",
        "khong hai long",
        "D",
    ],
    [
        "5",
        "Thị xã Sông Cầu",
        "04/01/2024",
        "10/01/2024",
        "09/01/2024",
        "1",
        "",
        "",
        "xyz",
        "Có",
        "",
        "",
        "Hài lòng",
        "E",
    ],
    [
        "6",
        "Thị xã Sông Cầu",
        "04/01/2024",
        "10/01/2024",
        "15/01/2024",
        "2",
        "75.000 đồng",
        "Chưa",
        "1",
        "0",
        "",
        "12/01/2024",
        "",
        "F",
    ],
    ["7", "Thị xã Sông Cầu", "25/01/2024", "29/02/2024", "", "2", "2.000", "Có", "Có", "", "", "", "", "G"],
    ["8", "Thị xã Sông Cầu", "01/02/2024", "05/02/2024", "07/02/2024", "1", "0", "", "Có", "Có", "", "", "", "H"],
    [
        "9",
        "Thị xã Sông Cầu",
        "02/02/2024",
        "09/02/2024",
        "06/02/2024",
        "2",
        "50.000",
        "Có",
        "Không",
        "Có",
        "",
        "",
        "",
        "I",
    ],
    [
        "10",
        "Thị xã Sông Cầu",
        "02/02/2024",
        "09/02/2024",
        "06/02/2024",
        "2",
        "50.000",
        "maybe",
        "Có",
        "Có",
        "",
        "",
        "",
        "J",
    ],
]


def _csv(path: Path, header: list[str] = HEADER, rows: list[list[str]] = ROWS) -> Path:
    pd.DataFrame(rows, columns=header).to_csv(path, index=False)
    return path


@pytest.fixture(scope="module")
def counts(tmp_path_factory):
    d = tmp_path_factory.mktemp("g766")
    q = Quality()
    df = combine([read_groups_file(_csv(d / "hoso_2024.csv"), "hoso_2024.csv", q, _context())])
    return df, q.frame()


def test_yes_no_words_with_and_without_diacritics():
    s = pd.Series(
        ["Có", "co", "CÓ ", "x", "1", "1.0", "Đã thanh toán", "Không", "khong", "KHÔNG", "0", "", None, "Chưa", "hmm"]
    )
    v, bad = yes_no(s)
    assert v.iloc[:7].tolist() == [True] * 7
    assert v.iloc[7:14].tolist() == [False] * 7
    assert bad.tolist() == [False] * 14 + [True]


def test_fee_amounts_and_words():
    v, bad = fee_payable(pd.Series(["50.000", "50,000", "75.000 đồng", "0", "", "Có", "không", "abc"]))
    assert v.iloc[:7].tolist() == [True, True, True, False, False, True, False]
    assert bad.tolist() == [False] * 7 + [True]


def test_survey_answers():
    answered, sat, bad = survey(pd.Series(["Hài lòng", "rat hai long", "Không hài lòng", "Bình thường", "", "5 sao"]))
    assert answered.tolist() == [True, True, True, True, False, False]
    assert sat.tolist() == [True, True, False, False, False, False]
    assert bad.tolist() == [False] * 5 + [True]


def test_apology_flag_and_date_columns():
    letter, bad_flag, _ = apology(pd.Series(["Có", "", "12/03/2024", "??x"]), None)
    assert letter.iloc[:3].tolist() == [True, False, True] and bad_flag.tolist() == [False, False, False, True]
    letter, _, bad_date = apology(None, pd.Series(["12/03/2024", "", "32/13/2024"]))
    assert letter.iloc[:2].tolist() == [True, False] and bad_date.tolist() == [False, False, True]


def test_counts_of_a_small_export(counts):
    df, _ = counts
    jan = df[df["period_start"] == "2024-01-01"].iloc[0]
    assert (jan["unit_schema"], jan["unit_code"]) == ("legacy", "557")
    assert {c: int(jan[c]) for c in COUNT_COLUMNS} == {
        "fee_payable": 5,
        "paid_online": 3,
        "dossier_checked": 6,
        "digitised_dossier": 5,
        "result_checked": 6,
        "digitised_result": 4,
        "late_or_faulty": 4,
        "apology_issued": 3,
        "resolved": 6,
        "surveyed": 4,
        "satisfied": 3,
    }
    feb = df[df["period_start"] == "2024-02-01"].iloc[0]
    # row 10's payment is unreadable: out of that group only; row 7 is completed in no month of the file
    assert (int(feb["fee_payable"]), int(feb["paid_online"]), int(feb["resolved"]), int(feb["late_or_faulty"])) == (
        1,
        1,
        3,
        1,
    )
    assert int(feb["apology_issued"]) == 0


def test_rates_by_their_formula(counts):
    df, _ = counts
    jan = df[df["period_start"] == "2024-01-01"]
    num, den = group_successes_trials(jan, "apology_rate")
    assert (float(num.iloc[0]), float(den.iloc[0])) == (3.0, 4.0)
    num, den = group_successes_trials(jan, "paid_online_rate")
    assert (float(num.iloc[0]), float(den.iloc[0])) == (3.0, 5.0)
    assert all("Σ" in r.formula for r in GROUP_RATES.values())


def test_one_finding_per_bad_value_with_file_and_row(counts):
    _, q = counts
    bad = q[q["rule"] == "groups766_value_unreadable"]
    assert sorted(zip(bad["row"].astype(int), bad["message"].str.extract(r'giá trị "([^"]+)"')[0])) == [
        (6, "xyz"),
        (11, "maybe"),
    ]
    assert set(bad["file"]) == {"hoso_2024.csv"}
    assert "Nguyễn Văn A" not in " ".join(q["message"])


def test_missing_columns_give_na_not_zero(tmp_path):
    keep = [0, 1, 2, 3, 4, 5, 11]  # the apology letter only
    p = _csv(tmp_path / "hoso_2024.csv", [HEADER[i] for i in keep], [[r[i] for i in keep] for r in ROWS])
    df = read_groups_file(p, "hoso_2024.csv", Quality(), _context())
    jan = df[df["period_start"] == "2024-01-01"].iloc[0]
    assert int(jan["late_or_faulty"]) == 3 and int(jan["apology_issued"]) == 2  # no Sai sót column: late only
    assert all(pd.isna(jan[c]) for c in ("fee_payable", "paid_online", "digitised_dossier", "surveyed", "satisfied"))
    none = _csv(tmp_path / "plain_2024.csv", HEADER[:6], [r[:6] for r in ROWS])
    assert read_groups_file(none, "plain_2024.csv", Quality(), _context()).empty


def test_workbook_export_reads_the_same(tmp_path, counts):
    wb = openpyxl.Workbook()
    ws = wb.active
    ws.append(HEADER)
    for r in ROWS:
        ws.append(r)
    wb.save(tmp_path / "hoso_2024.xlsx")
    q = Quality()
    df = combine([read_groups_file(tmp_path / "hoso_2024.xlsx", "hoso_2024.xlsx", q, _context())])
    assert df[COUNT_COLUMNS].equals(counts[0][COUNT_COLUMNS])
    assert sorted(q.frame().query("rule == 'groups766_value_unreadable'")["row"].astype(int)) == [6, 11]


def test_clean_writes_groups766_only_when_there_are_some(tmp_path):
    raw = tmp_path / "raw"
    raw.mkdir()
    _csv(raw / "hoso_2024.csv")
    out = tmp_path / "out"
    r = run_clean([raw], out)
    g = pd.read_parquet(out / "groups766.parquet")
    assert len(g) == 12 and r.meta["groups766"]["rows"] == 12  # the file name's year: 12 months
    assert int(g["apology_issued"].sum()) == 3
    (raw / "hoso_2024.csv").unlink()
    _csv(raw / "hoso_2024.csv", HEADER[:6], [r[:6] for r in ROWS])
    run_clean([raw], out)
    assert not (out / "groups766.parquet").exists()


@given(
    st.lists(
        st.one_of(st.text(max_size=12), st.none(), st.integers(-5, 5), st.floats(allow_nan=True)),
        min_size=1,
        max_size=8,
    )
)
def test_cell_parsers_never_raise_and_flag_exactly_the_unknown(cells):
    s = pd.Series(cells, dtype=object)
    v, bad = yes_no(s)
    assert (v.isna() == bad).all()
    fee, bad_fee = fee_payable(s)
    assert (fee.isna() == bad_fee).all()
    answered, sat, bad_s = survey(s)
    assert not (sat & ~answered).any() and not (answered & bad_s).any()


@given(st.one_of(st.text(max_size=16), st.integers(-3, 3000), st.none()), st.one_of(st.none(), st.text(max_size=6)))
def test_month_parser_never_raises(cell, year):
    from motcua.ingest.score766 import parse_month

    got = parse_month(cell, year)
    assert got is None or (got[0].day == 1 and got[0].month == got[1].month and 2000 <= got[0].year <= 2100)


def test_a_csv_read_in_chunks_counts_the_same(tmp_path, counts, monkeypatch):
    import motcua.ingest.groups766 as g766

    monkeypatch.setattr(g766, "CHUNK_ROWS", 3)  # ten dossiers in four chunks: rows numbered across them
    q = Quality()
    df = combine([read_groups_file(_csv(tmp_path / "hoso.csv"), "hoso.csv", q, _context())])  # no period in the name
    assert df[COUNT_COLUMNS].equals(counts[0][COUNT_COLUMNS].iloc[:2].reset_index(drop=True))
    assert sorted(q.frame().query("rule == 'groups766_value_unreadable'")["row"].astype(int)) == [6, 11]
