"""Write the bad-input corpus: tests/data/bad/<case>/<file>… (small, deterministic files).

    PYTHONPATH=src .venv/bin/python tests/data/bad/make_bad.py

Every case is one folder holding the file(s) that go into ``raw/`` next to a good
export; tests/clean/test_bad_inputs.py states, per case, the message expected in
quality.csv and the row accounting. The 300 MB file is not here: the test makes
a sparse one in a temporary folder (tests/clean/test_bad_inputs.py, ``_huge``).
The committed files are the fixtures; this script documents how they were made
and rebuilds them byte for byte.
"""
from __future__ import annotations

import csv
import importlib.util
import io
import random
import shutil
import struct
import zipfile
from datetime import datetime
from pathlib import Path

from openpyxl import load_workbook

HERE = Path(__file__).resolve().parent
_spec = importlib.util.spec_from_file_location("builders", HERE.parent / "ingest" / "builders.py")
B = importlib.util.module_from_spec(_spec)
_spec.loader.exec_module(B)  # type: ignore[union-attr]
from motcua.sample.workbook import FileStyle, save_deterministic  # noqa: E402

c = B.counts
MAY19 = "Từ ngày 01/05/2019 đến ngày 31/05/2019"
CREATED = datetime(2019, 6, 5, 8, 0)
TIDY_COLS = ["unit_schema", "unit_code", "unit_name", "period_start", "period_end", *B.COLS06]
ROW = {"received_total": 12, "received_online": 1, "received_offline": 9, "carried_over": 2, "resolved_total": 10,
       "resolved_early": 5, "resolved_ontime": 4, "resolved_late": 1, "pending_total": 2, "pending_ontime": 1,
       "pending_overdue": 1}
TUY_AN = c(1, 9, 2, 5, 4, 1, 1, 1)
SON_HOA = c(2, 8, 1, 6, 3, 0, 1, 1)
#: Every column a different number (a column read from the wrong place shows), for the flattened header.
FLAT_TUY_AN = c(10, 90, 5, 60, 30, 2, 10, 3)
FLAT_SON_HOA = c(41, 17, 6, 25, 22, 4, 9, 4)
POLICE = c(300, 120, 40, 250, 150, 5, 40, 15)


def form(path: Path, units, period=MAY19, **kw) -> Path:
    return B.write_form(path, units, period_text=period, created=CREATED, **kw)


def tidy_text(rows: list[dict], cols=TIDY_COLS, sep=",") -> str:
    buf = io.StringIO()
    w = csv.DictWriter(buf, fieldnames=cols, delimiter=sep, lineterminator="\n", extrasaction="ignore")
    w.writeheader()
    for r in rows:
        w.writerow(r)
    return buf.getvalue()


def tidy_row(code: str, name: str, start: str, end: str, schema: str = "legacy", **vals) -> dict:
    return {"unit_schema": schema, "unit_code": code, "unit_name": name, "period_start": start, "period_end": end,
            **ROW, **vals}


def to_cp1258(text: str) -> bytes:
    """Windows-1258 as Vietnamese Windows writes it: base letters precomposed, tone marks combining."""
    import unicodedata

    tones = "\u0300\u0301\u0303\u0309\u0323"
    out = []
    for ch in text:
        try:
            out.append(ch.encode("cp1258"))
        except UnicodeEncodeError:
            d = unicodedata.normalize("NFD", ch)
            base = unicodedata.normalize("NFC", "".join(m for m in d if m not in tones))
            out.append((base + "".join(m for m in d if m in tones)).encode("cp1258"))
    return b"".join(out)


def edit(path: Path, fn) -> Path:
    """Load a written workbook, change it with ``fn(ws, wb)``, save deterministically again."""
    wb = load_workbook(path)
    fn(wb.active, wb)
    return save_deterministic(wb, path, created=CREATED, title="fixture", keywords="")


def cfb(streams: dict[str, bytes]) -> bytes:
    """A minimal OLE2 compound file (what Excel writes for a password-protected .xlsx): regular sectors only."""
    SEC, END, FREE, FATSECT, NOSTREAM = 512, 0xFFFFFFFE, 0xFFFFFFFF, 0xFFFFFFFD, 0xFFFFFFFF
    names = list(streams)
    data = [streams[n].ljust(max(4096, -(-len(streams[n]) // SEC) * SEC), b"\0") for n in names]
    fat = [FATSECT, END]
    starts, nxt = [], 2
    for d in data:
        k = len(d) // SEC
        starts.append(nxt)
        fat += [nxt + i + 1 for i in range(k - 1)] + [END]
        nxt += k
    assert len(fat) <= 128
    fat += [FREE] * (128 - len(fat))

    def entry(name: str, typ: int, child=NOSTREAM, right=NOSTREAM, start=END, size=0) -> bytes:
        n = (name + "\0").encode("utf-16-le") if name else b""
        return (n.ljust(64, b"\0") + struct.pack("<HBB3I", len(n), typ, 1, NOSTREAM, right, child) + b"\0" * 16
                + struct.pack("<I", 0) + b"\0" * 16 + struct.pack("<IQ", start, size))

    # names sorted as CFB orders them (length, then upper case): a right-leaning chain under the root
    order = sorted(range(len(names)), key=lambda i: (len(names[i]), names[i].upper()))
    dirs = [entry("Root Entry", 5, child=1 if names else NOSTREAM)]
    for pos, i in enumerate(order):
        right = pos + 2 if pos + 1 < len(order) else NOSTREAM
        dirs.append(entry(names[i], 2, right=right, start=starts[i], size=len(streams[names[i]])))
    while len(dirs) % 4:
        dirs.append(b"\0" * 64 + struct.pack("<HBB3I", 0, 0, 0, NOSTREAM, NOSTREAM, NOSTREAM) + b"\0" * 48)
    assert len(dirs) == 4
    header = (bytes.fromhex("D0CF11E0A1B11AE1") + b"\0" * 16 + struct.pack("<HHHHH", 0x3E, 3, 0xFFFE, 9, 6) + b"\0" * 6
              + struct.pack("<IIIIIIIII", 0, 1, 1, 0, 4096, END, 0, END, 0)
              + struct.pack("<109I", 0, *([FREE] * 108)))
    assert len(header) == SEC
    out = header + b"".join(struct.pack("<I", x) for x in fat) + b"".join(dirs)
    # sectors 2… hold the streams in the order their start sectors were allotted (names order)
    return out + b"".join(data)


def encrypted_package() -> bytes:
    rnd = random.Random(8)
    info = (b"\x04\x00\x04\x00\x40\x00\x00\x00" + b'<?xml version="1.0" encoding="UTF-8" standalone="yes"?>\r\n'
            b'<encryption xmlns="http://schemas.microsoft.com/office/2006/encryption"><keyData saltSize="16" '
            b'blockSize="16" keyBits="256" hashSize="64" cipherAlgorithm="AES" cipherChaining="ChainingModeCBC" '
            b'hashAlgorithm="SHA512" saltValue="AAAAAAAAAAAAAAAAAAAAAA=="/></encryption>')
    pkg = struct.pack("<Q", 6000) + bytes(rnd.getrandbits(8) for _ in range(6000))
    return cfb({"EncryptionInfo": info, "EncryptedPackage": pkg})


HTML_XLS = """<html xmlns:o="urn:schemas-microsoft-com:office:office" xmlns:x="urn:schemas-microsoft-com:office:excel">
<head><meta http-equiv="Content-Type" content="text/html; charset=utf-8"><title>Bieu 06</title></head>
<body>
<table border="1">
<tr><td colspan="13">TÌNH HÌNH, KẾT QUẢ GIẢI QUYẾT THỦ TỤC HÀNH CHÍNH</td></tr>
<tr><td colspan="13">Kỳ báo cáo: Từ ngày 01/05/2019 đến ngày 31/05/2019</td></tr>
<tr><th rowspan="3">STT</th><th rowspan="3">Đơn vị</th><th colspan="4">Số hồ sơ nhận giải quyết</th>
<th colspan="4">Số hồ sơ đã giải quyết</th><th colspan="3">Số hồ sơ đang giải quyết</th></tr>
<tr><th rowspan="2">Tổng số</th><th colspan="2">Trong kỳ</th><th rowspan="2">Từ kỳ trước</th>
<th rowspan="2">Tổng số</th><th rowspan="2">Trước hạn</th><th rowspan="2">Đúng hạn</th><th rowspan="2">Quá hạn</th>
<th rowspan="2">Tổng số</th><th rowspan="2">Trong hạn</th><th rowspan="2">Quá hạn</th></tr>
<tr><th>Trực tuyến</th><th>Trực tiếp, dịch vụ bưu chính</th></tr>
<tr><td>1</td><td>Huyện Tuy An</td><td>12</td><td>1</td><td>9</td><td>2</td><td>10</td><td>5</td><td>4</td><td>1</td><td>2</td><td>1</td><td>1</td></tr>
<tr><td>2</td><td>Huyện Sơn Hòa</td><td>1.012</td><td>2</td><td>1.008</td><td>2</td><td>1.010</td><td>6</td><td>1.003</td><td>1</td><td>2</td><td>1</td><td>1</td></tr>
</table>
</body></html>
"""


def build(out: Path) -> dict[str, list[Path]]:
    if out.exists():
        for d in out.iterdir():
            if d.is_dir():
                shutil.rmtree(d)
    made: dict[str, list[Path]] = {}

    def case(name: str) -> Path:
        d = out / name
        d.mkdir(parents=True, exist_ok=True)
        return d

    # a good form for the cases that damage or disguise one
    d = case("truncated_xlsx")
    good = form(d / "_tmp.xlsx", [("Huyện Tuy An", TUY_AN)])
    raw = good.read_bytes()
    (d / "bieu06_2019-05_cut.xlsx").write_bytes(raw[: len(raw) // 2])
    good.unlink()

    case("encrypted_xlsx")
    (out / "encrypted_xlsx" / "bieu06_2019-05_mat-khau.xlsx").write_bytes(encrypted_package())
    case("encrypted_xls")
    (out / "encrypted_xls" / "bieu06_2019-05_mat-khau.xls").write_bytes(encrypted_package())

    d = case("csv_named_xlsx")
    (d / "bang_2019-05.xlsx").write_text(tidy_text([tidy_row("559", "Huyện Tuy An", "2019-05-01", "2019-05-31")]),
                                         encoding="utf-8")
    d = case("xlsx_named_csv")
    form(d / "bieu06_2019-05.csv", [("Huyện Tuy An", TUY_AN)])
    d = case("html_named_xls")
    (d / "bieu06_2019-05.xls").write_text(HTML_XLS, encoding="utf-8")

    d = case("csv_cp1258")
    (d / "bang_cp1258.csv").write_bytes(to_cp1258(tidy_text(
        [tidy_row("", "Huyện Tuy An", "01/05/2019", "31/05/2019"), tidy_row("", "Huyện Sơn Hòa", "01/05/2019", "31/05/2019")],
        sep=";")))
    d = case("csv_utf16")
    (d / "bang_utf16.csv").write_bytes(tidy_text(
        [tidy_row("", "Huyện Tuy An", "01/05/2019", "31/05/2019"), tidy_row("", "Huyện Sơn Hòa", "01/05/2019", "31/05/2019")],
        sep="\t").encode("utf-16"))

    d = case("empty_sheet")
    from openpyxl import Workbook
    wb = Workbook()
    wb.active.title = "Sheet1"
    save_deterministic(wb, d / "bieu06_2019-05_trong.xlsx", created=CREATED, title="fixture", keywords="")

    d = case("only_headers")
    form(d / "bieu06_2019-05_tieu-de.xlsx", [], style=FileStyle(totals_row=False))

    d = case("formulas_no_cache")
    p = form(d / "bieu06_2019-05_cong-thuc.xlsx", [("Huyện Tuy An", {k: v for k, v in TUY_AN.items()}),
                                                  ("Huyện Sơn Hòa", SON_HOA)])

    def formulas(ws, wb):
        # (3) and (7) of Tuy An (row 12) as formulas, never calculated: openpyxl stores no cached value
        ws["C12"] = "=D12+E12+F12"
        ws["G12"] = "=H12+I12+J12"
    edit(p, formulas)

    d = case("merged_over_data")
    p = form(d / "bieu06_2019-05_gop-o.xlsx", [("Huyện Tuy An", TUY_AN), ("Huyện Sơn Hòa", SON_HOA)])
    edit(p, lambda ws, wb: ws.merge_cells("H13:J13"))  # Sơn Hòa's (8)…(10) merged: only (8) keeps a value

    d = case("vi_decimal_in_count")
    form(d / "bieu06_2019-05_thap-phan.xlsx", [("Huyện Tuy An", {**TUY_AN, "received_offline": "1.234,5"}),
                                              ("Huyện Sơn Hòa", SON_HOA)])
    d = case("negative_counts")
    form(d / "bieu06_2019-05_am.xlsx", [("Huyện Tuy An", {**TUY_AN, "pending_overdue": -3}), ("Huyện Sơn Hòa", SON_HOA)])
    d = case("huge_counts")
    form(d / "bieu06_2019-05_qua-lon.xlsx", [("Huyện Tuy An", {**TUY_AN, "received_online": 10**20}),
                                            ("Huyện Sơn Hòa", {**SON_HOA, "received_offline": "98.765.432.100"})])
    d = case("future_period")
    form(d / "bieu06_2091-05.xlsx", [("Huyện Tuy An", TUY_AN)], period="Từ ngày 01/05/2091 đến ngày 31/05/2091")
    d = case("period_before_2000")
    form(d / "bieu06_1999-05.xlsx", [("Huyện Tuy An", TUY_AN)], period="Từ ngày 01/05/1999 đến ngày 31/05/1999")
    d = case("duplicate_unit_two_files")
    form(d / "bieu06_2019-05_a.xlsx", [("Huyện Tuy An", TUY_AN)])
    B.write_form(d / "bieu06_2019-05_b.xlsx", [("Huyện Tuy An", {**TUY_AN, "resolved_late": 2, "resolved_total": 11,
                                                                 "pending_total": 1, "pending_ontime": 0})],
                 period_text=MAY19, created=datetime(2019, 6, 9, 8, 0))
    d = case("duplicate_unit_same_file")
    form(d / "bieu06_2019-05_trung.xlsx", [("Huyện Tuy An", TUY_AN), ("Huyện Sơn Hòa", SON_HOA),
                                           ("UBND huyện Tuy An", {**TUY_AN, "received_online": 3, "received_total": 14})])
    d = case("duplicate_unit_same_file_identical")
    form(d / "bieu06_2019-05_chep-lai.xlsx", [("Huyện Tuy An", TUY_AN), ("Huyện Sơn Hòa", SON_HOA), ("Huyện Tuy An", TUY_AN)])
    d = case("duplicate_unit_two_sheets")
    p = form(d / "bieu06_2019-05_hai-trang.xlsx", [("Huyện Tuy An", TUY_AN), ("Huyện Sơn Hòa", SON_HOA)])

    def second_sheet(ws, wb):
        copy = wb.copy_worksheet(ws)
        copy.title = "Biểu 06 (2)"
        copy["D12"] = 4  # Tuy An's (4) differs in the copy
        copy["C12"] = 15
    edit(p, second_sheet)
    d = case("unknown_unit")
    form(d / "bieu06_2019-05_la.xlsx", [("Huyện Tuy An", TUY_AN), ("Huyện Hoàng Sa Mới", SON_HOA)])
    d = case("mixed_schemas")
    (d / "bang_hai-danh-muc.csv").write_text(tidy_text([
        tidy_row("559", "Huyện Tuy An", "2019-05-01", "2019-05-31"),
        tidy_row("22015", "", "2019-05-01", "2019-05-31", schema="2025"),
        tidy_row("560", "Huyện Sơn Hòa", "2025-08-01", "2025-08-31"),
    ]), encoding="utf-8")
    d = case("unknown_schema")
    (d / "bang_danh-muc-la.csv").write_text(tidy_text([
        tidy_row("559", "Huyện Tuy An", "2019-05-01", "2019-05-31"),
        tidy_row("560", "Huyện Sơn Hòa", "2019-05-01", "2019-05-31", schema="2030"),
    ]), encoding="utf-8")
    d = case("identity_violations")
    form(d / "bieu06_2019-05_lech.xlsx", [("Huyện Tuy An", {**TUY_AN, "received_total": 15}),
                                         ("Huyện Sơn Hòa", {**SON_HOA, "resolved_total": 99})])
    d = case("zero_byte_xlsx")
    (d / "bieu06_2019-05_rong.xlsx").write_bytes(b"")
    d = case("zero_byte_csv")
    (d / "bang_rong.csv").write_bytes(b"")
    d = case("binary_garbage")
    rnd = random.Random(4)
    (d / "bieu06_2019-05_rac.xlsx").write_bytes(bytes(rnd.getrandbits(8) for _ in range(3000)))
    d = case("binary_garbage_csv")
    rnd5 = random.Random(5)
    (d / "bang_rac.csv").write_bytes(b"\x00\x01\x02\xff\xfe" + bytes(rnd5.getrandbits(8) for _ in range(2000)))
    d = case("excel_lock_file")
    (d / "~$bieu06_2019-05.xlsx").write_bytes(b"\x0bNguyen Van A" + b"\x20" * 40 + b"\x0b\x00N\x00g\x00" + b"\x00" * 100)
    d = case("hidden_sheet")
    p = form(d / "bieu06_2019-05_an.xlsx", [("Huyện Tuy An", TUY_AN)])

    def hidden(ws, wb):
        old = wb.copy_worksheet(ws)
        old.title = "Bản cũ"
        old.sheet_state = "hidden"
        old["D12"] = 7  # a stale draft: must never reach the panel
    edit(p, hidden)
    d = case("period_missing")
    form(d / "bieu06_khong-ky.xlsx", [("Huyện Tuy An", TUY_AN), ("Huyện Sơn Hòa", SON_HOA)], period=None)
    d = case("impossible_date")
    form(d / "bieu06_ngay-sai.xlsx", [("Huyện Tuy An", TUY_AN)], period="Từ ngày 01/02/2019 đến ngày 30/02/2019")
    d = case("period_year_zero")
    form(d / "bieu06_nam-0000.xlsx", [("Huyện Tuy An", TUY_AN)], period="Năm 0000")
    d = case("dossier_bad_dates")
    (d / "danh-sach-ho-so_2019-05.csv").write_text(
        "MaHoSo,DonViXuLy,HoTen,NgayTiepNhan,NgayHenTra,NgayHoanThanh,KenhThucHien\n"
        "H1,Huyện Tuy An,Nguyễn Văn A,02/05/2019,10/05/2019,09/05/2019,2\n"
        "H2,Huyện Tuy An,Trần Thị B,03/05/2019,12/05/2019,12/05/2019,1\n"
        "H3,Huyện Tuy An,Lê Văn C,03/05/1999,12/05/1999,11/05/1999,1\n"
        "H4,Huyện Tuy An,Phạm Thị D,04/05/2019,14/05/2019,14/05/2091,2\n"
        "H5,Huyện Tuy An,Hoàng Văn E,31/02/2019,14/05/2019,,2\n", encoding="utf-8")
    d = case("excel_error_cells")
    form(d / "bieu06_2019-05_loi-o.xlsx", [("Huyện Tuy An", {**TUY_AN, "resolved_early": "#REF!"}), ("Huyện Sơn Hòa", SON_HOA)])
    d = case("date_in_count")
    form(d / "bieu06_2019-05_ngay-trong-o.xlsx", [("Huyện Tuy An", {**TUY_AN, "carried_over": datetime(2019, 12, 1)}),
                                                 ("Huyện Sơn Hòa", SON_HOA)])
    d = case("ragged_csv")
    text = tidy_text([tidy_row("559", "Huyện Tuy An", "2019-05-01", "2019-05-31"),
                      tidy_row("560", "Huyện Sơn Hòa", "2019-05-01", "2019-05-31")])
    lines = text.splitlines()
    lines[2] += ",99,98"
    (d / "bang_le-cot.csv").write_text("\n".join(lines) + "\n", encoding="utf-8")
    d = case("tidy_bad_dates")
    (d / "bang_ngay-hong.csv").write_text(tidy_text([
        tidy_row("559", "Huyện Tuy An", "2019-05-01", "2019-05-31"),
        tidy_row("560", "Huyện Sơn Hòa", "31/05/2019", "01/05/2019"),
        tidy_row("561", "Huyện Sông Hinh", "tháng 5", ""),
    ]), encoding="utf-8")
    d = case("zip_not_workbook")
    buf = io.BytesIO()
    with zipfile.ZipFile(buf, "w") as z:
        z.writestr(zipfile.ZipInfo("readme.txt", (2019, 6, 5, 8, 0, 0)), "not a workbook")
    (d / "bieu06_2019-05_nen.xlsx").write_bytes(buf.getvalue())
    d = case("header_numbers_disagree")
    p = form(d / "bieu06_2019-05_so-cot-lech.xlsx", [("Huyện Tuy An", TUY_AN), ("Huyện Sơn Hòa", SON_HOA)])

    def swap_labels(ws, wb):
        # "Trực tuyến" now over (5) and "Trực tiếp, dịch vụ bưu chính" over (4): labels and numbers disagree
        assert (ws["D10"].value, ws["E10"].value) == ("Trực tuyến", "Trực tiếp, dịch vụ bưu chính")
        ws["D10"], ws["E10"] = ws["E10"].value, ws["D10"].value
    edit(p, swap_labels)
    d = case("flattened_header_numbers")
    B.write_flat_form(d / "bieu06_2019-05_tieu-de-mot-dong.xlsx", [("Huyện Tuy An", FLAT_TUY_AN), ("Huyện Sơn Hòa", FLAT_SON_HOA)],
                      period_text=MAY19, created=CREATED, reporter="ỦY BAN NHÂN DÂN TỈNH PHÚ YÊN")
    d = case("totals_word_spelled_otherwise")
    form(d / "bieu06_2019-05_cong-an.xlsx", [("Huyện Tuy An", TUY_AN), ("Công an tỉnh", POLICE), ("Huyện Sơn Hòa", SON_HOA)])
    for sub in sorted(out.iterdir()):
        if sub.is_dir():
            made[sub.name] = sorted(sub.iterdir())
    return made


if __name__ == "__main__":
    for name, files in build(HERE).items():
        print(name, *(f"{f.name} ({f.stat().st_size} B)" for f in files))
