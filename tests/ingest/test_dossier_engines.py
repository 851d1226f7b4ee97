"""Dossier CSV: the DuckDB engine gives exactly the pandas engine's records and findings.

Small generated files cover the edge cases: completion early / on the due date / late, pending within
time and overdue at the cut-off, carried over from before the period, channels 1/2/3 and their text
forms, unreadable and odd date formats, unknown channel, missing completion (return date used),
completion before reception, unit names needing cleaning or unmatched, a unit from the file name,
periods from the file name (whole months, mid-month) or from the data, and cutoff_day 0 / 14 / 30.
Personal columns never reach DuckDB's projection, its SQL or any output.
"""

from __future__ import annotations

import re
from datetime import date, timedelta
from pathlib import Path

import numpy as np
import pytest

from motcua.ingest import dossier_duckdb, dossier_layout
from motcua.ingest.dossier_layout import map_columns
from motcua.ingest.dossiers import read_dossier_csv
from motcua.ingest.tidy import read_head
from motcua.ingest.unit_match import MatchContext
from motcua.quality import Quality

CTX = MatchContext("legacy", "district", "54")
HEADER = [
    "STT",
    "MaHoSo",
    "HoTenNguoiNop",
    "DonViXuLy",
    "NgayTiepNhan",
    "NgayHenTra",
    "NgayHoanThanh",
    "NgayTraKetQua",
    "KenhThucHien",
    "SoCCCD",
    "SoDienThoai",
    "DiaChi",
]
SECRETS = ["Nguyễn Thị Bí Mật", "079123456789", "0912345678", "Số 1 đường Bí Mật, xã Bí Mật"]

# (unit, received, due, completed, returned, channel)
EDGE = [
    (
        "UBND huyện Tuy An",
        "25/01/2024 08:00:00",
        "05/02/2024",
        "05/02/2024 16:00:00",
        "05/02/2024",
        "1",
    ),  # carried, on due date
    ("Huyện Tuy An", "20/01/2024", "30/01/2024", "", "", "2"),  # carried, pending overdue
    ("Huyện Tuy An", "01/02/2024 09:15", "10/02/2024", "08/02/2024", "", "2"),  # early
    ("Huyện Tuy An", "20/02/2024", "28/02/2024", "02/03/2024 10:00:00", "", "1"),  # late, across months
    ("Huyện Tuy An", "27/02/2024", "10/03/2024", "10/03/2024", "", "3"),  # post, on time next month
    ("Huyện Tuy An", "05/03/2024", "20/03/2024", "", "", "2"),  # pending overdue at cut-off
    ("Huyện Tuy An", "28/03/2024", "10/04/2024", "", "", "1"),  # pending within time
    ("Huyện Tuy An", "28/03/2024", "31/03/2024", "", "", "1"),  # due on the cut-off day
    ("Huyện Tuy An", "15/02/2024", "29/02/2024", "", "29/02/2024", "2"),  # completion blank, return date
    ("Huyện Tuy An", "16/02/2024", "01/03/2024", "không rõ", "03/03/2024", "1"),  # bad completion, return used
    ("Huyện Tuy An", "16/02/2024", "01/03/2024", "không rõ", "", "1"),  # bad completion: rejected
    ("Huyện Tuy An", "32/03/2024", "10/04/2024", "", "", "1"),  # unreadable received
    ("Huyện Tuy An", "", "10/04/2024", "", "", "1"),  # blank received
    ("Huyện Tuy An", "10/03/2024", "2024/04/10", "", "", "1"),  # unreadable due
    ("Huyện Tuy An", "10/03/2024", "", "", "", "2"),  # blank due
    ("Huyện Tuy An", "28/03/2024", "10/04/2024", "", "", "9"),  # unknown channel
    ("Huyện Tuy An", "28/03/2024", "10/04/2024", "", "", ""),  # blank channel
    ("Huyện Tuy An", "10/03/2024", "20/03/2024", "01/03/2024", "", "1"),  # completed before received
    ("Huyện Tuy An", "10/03/2024", "20/03/2024", "01/03/2024", "", "x"),  # … and unknown channel
    ("Huyện Tuy An", "05/02/2024 10:00:60", "15/02/2024", "14/02/2024", "", "2"),  # seconds 60: pandas reads it
    ("Huyện Tuy An", "05/02/2024 25:00:00", "15/02/2024", "", "", "2"),  # hour 25: unreadable
    ("Huyện Tuy An", "5/2/2024 8:05", "15/2/2024", "9/2/2024", "", "2.0"),  # no leading zeros
    ("Huyện Tuy An", " 06/02/2024 ", "2024-02-16", "2024-02-16T10:00:00", "", "Trực tuyến"),
    ("Huyện Tuy An", "2024-02-07 10:00", "17-02-2024", "18.02.2024", "", "1"),
    ("Huyện Tuy An", "2024-02-07T10:00", "17/02/2024", "", "", "1"),  # not a listed format
    ("Huyện Tuy An", "07/02/24", "17/02/2024", "", "", "1"),  # two-digit year
    ("Huyện Tuy An", "07/02/2024 8:5", "17/02/2024\t", "+5/03/2024", "16/02/2024", "1"),  # one-digit minute, tab, sign
    ("Huyện Tuy An", "07 /02/2024", "17/ 02/2024", "", "", "1"),  # inner blanks
    ("Huyện Tuy An", "2024-02-07 10:00:00.5", "2024-02-17 10:00:00", "", "", "1"),  # fraction of a second
    ("Huyện Tuy An", "07/02/2024 10:00:00 ", "17/02/2024 23:59", "17/02/2024 23:60", "", "1"),
    ("Huyện Tuy An", "29/02/2023", "17/02/2024", "", "", "1"),  # no 29 February in 2023
    ("Huyện Tuy An", "   ", "17/02/2024", "", "", "1"),  # blanks only
    ("Huyện Tuy An", "31/01/2024 23:59:59", "14/02/2024", "15/02/2024", "", "1"),  # around cut-off 14
    ("Huyện Tuy An", "15/02/2024", "14/03/2024", "14/03/2024 07:00", "", "2"),
    ("Huyện Tuy An", "30/01/2024", "31/01/2024", "30/04/2024", "", "1"),  # completed after the period
    ("Huyện Tuy An", "10/12/2023", "20/12/2023", "10/01/2024", "", "1"),  # completed before the period
    ("Huyện Tuy An", "10/05/2024", "20/05/2024", "", "", "1"),  # received after the period
    ("Thành phố Tuy Hoà", "02/02/2024", "12/02/2024", "12/02/2024", "", "2"),  # old-style tone mark
    ("TP. Tuy Hòa", "03/03/2024", "13/03/2024", "14/03/2024", "", "Trực tiếp"),
    ("H. Sông Hinh", "29/02/2024", "04/03/2024", "", "", "1"),
    ("Huyện Không Có Thật", "01/03/2024", "11/03/2024", "", "", "1"),  # unmatched unit
    ("", "01/03/2024", "11/03/2024", "", "", "1"),  # no unit
]
# more than eight rows rejected for one reason: the message lists the first eight lines and "…"
EDGE += [("Huyện Tuy An", f"{d:02d}/13/2024", "10/04/2024", "", "", "1") for d in range(1, 12)]


def _q(s: str) -> str:
    return '"' + s.replace('"', '""') + '"' if any(c in s for c in ',;"\n') else s


def write_csv(path: Path, rows, *, with_unit: bool = True, sep: str = ",", address: str = SECRETS[3]) -> Path:
    header = HEADER if with_unit else [h for h in HEADER if h != "DonViXuLy"]
    lines = [sep.join(header)]
    for i, (unit, rec, due, done, ret, ch) in enumerate(rows):
        vals = {
            "STT": str(i + 1),
            "MaHoSo": f"HS{i:05d}",
            "HoTenNguoiNop": SECRETS[0],
            "DonViXuLy": unit,
            "NgayTiepNhan": rec,
            "NgayHenTra": due,
            "NgayHoanThanh": done,
            "NgayTraKetQua": ret,
            "KenhThucHien": ch,
            "SoCCCD": SECRETS[1],
            "SoDienThoai": SECRETS[2],
            "DiaChi": address,
        }
        lines.append(sep.join(_q(vals[h]) for h in header))
    path.write_text("\r\n".join(lines) + "\r\n", encoding="utf-8-sig")
    return path


def run(path: Path, engine: str):
    q = Quality()
    recs = read_dossier_csv(path, path.name, q, CTX, (0, path.name), engine=engine)
    records = [
        (
            r.file,
            r.sheet,
            r.row,
            r.name,
            r.code,
            r.start,
            r.end,
            r.period_kind,
            r.values,
            r.status,
            r.source_kind,
            r.source_ref,
        )
        for r in recs
    ]
    findings = [(f.file, f.sheet, f.row, f.unit, f.period, f.rule, f.severity, f.message, f.action) for f in q.findings]
    return records, findings, dict(getattr(q, "dossier_stats", {}))


def assert_same(path: Path):
    p = run(path, "pandas")
    d = run(path, "duckdb")
    assert d[2] == p[2]
    assert d[1] == p[1]
    assert d[0] == p[0]
    return p


@pytest.fixture(params=[0, 14, 30], ids=lambda c: f"cutoff{c}")
def cutoff(request, monkeypatch):
    spec = dict(dossier_layout.spec())
    spec["cutoff_day"] = request.param
    monkeypatch.setattr(dossier_layout, "spec", lambda: spec)
    return request.param


@pytest.mark.parametrize("name", ["hoso_2024-02-01_2024-03-31.csv", "hoso_2024-02-10_2024-04-20.csv", "hoso.csv"])
def test_edge_cases_same_result(tmp_path, cutoff, name):
    records, findings, stats = assert_same(write_csv(tmp_path / name, EDGE))
    assert stats["read"] == len(EDGE) == stats["used"] + stats["rejected"]  # rows in = kept + rejected
    rules = [f[5] for f in findings]
    assert rules.count("dossier_rejected") == 5 and "unit_unmatched" in rules
    assert any(r[9] == "kept" for r in records)
    msg = next(f[7] for f in findings if "ngày tiếp nhận không đọc được" in f[7])
    assert msg.endswith(", …).")  # more than eight lines: the first eight, then "…"


def test_known_counts_with_duckdb(tmp_path):
    """The DuckDB engine on the clean-stage example (tests/clean): the counts worked out by hand."""
    rows = [("Huyện Tuy An", *r[1:]) for r in EDGE[:8]]
    records, findings, stats = run(write_csv(tmp_path / "hoso_2024-02-01_2024-03-31.csv", rows), "duckdb")
    by_month = {r[5].month: r[8] for r in records}
    assert by_month[2] == dict(
        received_online=1,
        received_offline=2,
        carried_over=2,
        resolved_early=1,
        resolved_ontime=1,
        resolved_late=0,
        pending_overdue=2,
        pending_total=3,
        received_total=5,
        resolved_total=2,
        pending_ontime=1,
    )
    assert (
        by_month[3]["resolved_total"] == 2 and by_month[3]["pending_total"] == 4 and by_month[3]["pending_overdue"] == 3
    )


def test_semicolons_and_quoted_line_breaks_same_result(tmp_path):
    """ ";" as delimiter, a personal field with a quoted line break, quote and delimiter: rows (not lines) count."""
    path = write_csv(tmp_path / "hoso_2024-02-01_2024-03-31.csv", EDGE, sep=";", address='Số 1;\n"Bí Mật", xã Bí Mật')
    records, findings, stats = assert_same(path)
    assert stats["read"] == len(EDGE)


def test_ragged_row_falls_back_to_pandas(tmp_path, monkeypatch):
    """A row with too few fields: DuckDB refuses the file; "auto" then uses pandas (same result), "duckdb" raises."""
    path = write_csv(tmp_path / "hoso_2024-02-01_2024-03-31.csv", EDGE[:5])
    path.write_text(
        path.read_text(encoding="utf-8-sig") + "99,HS99,x,Huyện Tuy An,01/03/2024\r\n", encoding="utf-8-sig"
    )
    monkeypatch.setattr(dossier_duckdb, "engine_settings", lambda: {**dossier_duckdb.DEFAULTS, "duckdb_min_mb": 0})
    assert run(path, "auto") == run(path, "pandas")
    with pytest.raises(ValueError):
        run(path, "duckdb")


def test_unit_from_file_name_same_result(tmp_path, cutoff):
    rows = [r for r in EDGE if r[0] in ("Huyện Tuy An", "")]
    assert_same(write_csv(tmp_path / "ho-so_Tuy-An_2024-01-01_2024-06-30.csv", rows, with_unit=False))


def test_all_rows_rejected_same_result(tmp_path):
    rows = [
        ("Huyện Tuy An", "abc", "10/04/2024", "", "", "1"),
        ("Huyện Tuy An", "01/03/2024", "10/04/2024", "", "", "7"),
    ]
    for name in ("hoso_2024-03-01_2024-03-31.csv", "hoso.csv"):
        records, findings, stats = assert_same(write_csv(tmp_path / name, rows))
        assert stats == {"read": 2, "used": 0, "rejected": 2}


def test_year_outside_pandas_range_is_an_unreadable_date(tmp_path):
    """A year datetime64[ns] cannot hold ("07/02/0024") rejects that dossier as an unreadable date, in both
    engines alike; the rest of the file is read (it used to make the whole file unreadable)."""
    path = write_csv(
        tmp_path / "hoso_2024-02-01_2024-03-31.csv",
        EDGE[:3] + [("Huyện Tuy An", "07/02/0024", "17/02/2024", "", "", "1")],
    )
    records, findings, stats = assert_same(path)
    assert stats["read"] == 4 and stats["rejected"] >= 1 and stats["used"] == 4 - stats["rejected"]
    assert any(f[5] == "dossier_rejected" for f in findings)
    assert records


def random_rows(n: int, seed: int, units: list[str]) -> list[tuple]:
    """Random dossiers over 2023–2024 with realistic lags, a few faults and mixed date formats."""
    rng = np.random.default_rng(seed)
    d0 = date(2022, 11, 1)
    fmts = ["%d/%m/%Y %H:%M:%S", "%d/%m/%Y", "%d/%m/%Y %H:%M", "%Y-%m-%d %H:%M:%S", "%Y-%m-%d"]
    out = []
    for _ in range(n):
        rec = d0 + timedelta(days=int(rng.integers(0, 800)))
        due = rec + timedelta(days=int(rng.integers(0, 30)))
        lag = int(rng.integers(-10, 40))
        done = rec + timedelta(days=max(0, (due - rec).days + lag - 15)) if rng.random() < 0.9 else None
        f = fmts[int(rng.integers(0, len(fmts)))]
        ret = "" if done is None or rng.random() < 0.5 else (done + timedelta(days=1)).strftime("%d/%m/%Y")
        done_s = "" if done is None or rng.random() < 0.05 else done.strftime(f)
        ch = str(rng.choice(["1", "2", "3", "2", "2", "9"], p=[0.3, 0.3, 0.05, 0.15, 0.19, 0.01]))
        rec_s = rec.strftime(f) if rng.random() > 0.01 else "31/02/2024"
        out.append((units[int(rng.integers(0, len(units)))], rec_s, due.strftime("%d/%m/%Y"), done_s, ret, ch))
    return out


@pytest.mark.parametrize("seed", [1, 2])
def test_random_files_same_result(tmp_path, seed, cutoff):
    units = ["Huyện Tuy An", "Thành phố Tuy Hòa", "Thị xã Sông Cầu", "Huyện Đồng Xuân", "UBND huyện Sơn Hòa"]
    rows = random_rows(3000, seed, units)
    name = "hoso_2023-01-01_2024-12-31.csv" if seed == 1 else "hoso.csv"
    records, findings, stats = assert_same(write_csv(tmp_path / name, rows))
    assert stats["read"] == 3000 and stats["rejected"] > 0
    assert len({r[4] for r in records}) == 5


def test_engine_choice(tmp_path, monkeypatch):
    small = write_csv(tmp_path / "hoso.csv", EDGE[:3])
    assert dossier_duckdb.choose_engine(small, "utf-8-sig") == "pandas"  # auto, below the size threshold
    assert dossier_duckdb.choose_engine(small, "utf-8-sig", "duckdb") == "duckdb"
    assert dossier_duckdb.choose_engine(small, "cp1258", "duckdb") == "pandas"  # DuckDB reads UTF-8 only
    monkeypatch.setattr(dossier_duckdb, "engine_settings", lambda: {**dossier_duckdb.DEFAULTS, "duckdb_min_mb": 0})
    assert dossier_duckdb.choose_engine(small, "utf-8") == "duckdb"
    with pytest.raises(ValueError):
        dossier_duckdb.choose_engine(small, "utf-8", "spark")


def test_personal_columns_never_selected_nor_output(tmp_path, monkeypatch):
    import duckdb

    path = write_csv(tmp_path / "hoso_2024-02-01_2024-03-31.csv", EDGE)
    header, delim, _ = read_head(path)
    roles, personal = map_columns(header)
    assert sorted(header[i] for i in personal) == ["DiaChi", "HoTenNguoiNop", "SoCCCD", "SoDienThoai"]
    sqls: list[str] = []
    q = Quality()
    recs = dossier_duckdb.aggregate_dossier_csv_duckdb(
        path,
        path.name,
        q,
        CTX,
        (0, path.name),
        header,
        delim,
        roles,
        (date(2024, 2, 1), date(2024, 3, 31)),
        return_sql=sqls,
    )
    sql = sqls[0]
    for i in personal:  # neither the header names nor the positions of personal columns appear in the query
        assert header[i] not in sql and not re.search(rf"\bc{i}\b(?!')", sql.split("columns=", 1)[1].split("}", 1)[1])
    plan = duckdb.connect().sql("EXPLAIN " + sql).fetchall()[0][1]
    scan = plan[plan.index("READ_CSV") :]
    projected = set(re.findall(r"\bc(\d+)\b", scan.split("Projections:", 1)[1].split("Total Files", 1)[0]))
    used = {str(roles[r]) for r in ("received", "due", "completed", "returned", "channel", "unit") if r in roles}
    assert projected == used
    assert not projected & {str(i) for i in personal}
    text = repr([(r.name, r.values, r.source_ref) for r in recs]) + repr([vars(f) for f in q.findings])
    for s in SECRETS:
        assert s not in text


def test_clean_stage_with_duckdb_writes_no_personal_data(tmp_path, monkeypatch):
    """run_clean with the DuckDB engine forced by config: same panel as pandas, no personal value in any output."""
    from motcua.clean.run import run_clean

    (tmp_path / "raw").mkdir()
    raw = write_csv(tmp_path / "raw" / "hoso_2024-02-01_2024-03-31.csv", EDGE)
    base = run_clean([raw], None)
    monkeypatch.setattr(dossier_duckdb, "engine_settings", lambda: {**dossier_duckdb.DEFAULTS, "engine": "duckdb"})
    res = run_clean([raw], tmp_path / "out")
    assert res.panel.equals(base.panel)
    assert res.quality.equals(base.quality)
    assert res.meta["dossiers"] == base.meta["dossiers"] and res.meta["rows"] == base.meta["rows"]
    for f in (tmp_path / "out").iterdir():
        body = f.read_bytes()
        for s in SECRETS:
            assert s.encode("utf-8") not in body, (f.name, s)


def test_dossier_csv_above_the_size_limit_is_still_read(tmp_path, monkeypatch):
    """max_input_mb guards files parsed in memory; a dossier CSV is streamed by DuckDB, so it is exempt,
    while a workbook over the same limit is still refused."""
    import motcua.clean.run as run_mod
    from motcua.clean.run import run_clean

    (tmp_path / "raw").mkdir()
    raw = write_csv(tmp_path / "raw" / "hoso_2024-02-01_2024-03-31.csv", EDGE)
    base = run_clean([raw], None)
    monkeypatch.setattr(run_mod, "max_input_bytes", lambda: 1)
    res = run_clean([raw], None)
    assert "input_too_large" not in set(res.quality["rule"])
    assert res.panel.equals(base.panel)
    workbook = Path(__file__).resolve().parents[2] / "data" / "raw" / "sample" / "bieu06_2024-03.xlsx"
    refused = run_clean([workbook], None)
    assert "input_too_large" in set(refused.quality["rule"])


def test_completion_date_header_variants():
    """'Ngày có kết quả' (a common export header) names the completion date, like 'Ngày hoàn thành'."""
    for label in ("Ngày có kết quả", "NgayHoanThanh"):
        roles, _ = map_columns(["STT", "Ngày tiếp nhận", "Ngày hẹn trả", label, "Kênh thực hiện", "Họ tên người nộp"])
        assert roles.get("completed") == 3, (label, roles)
