"""Personal data of a dossier export never reaches any output of a build.

A whole build (clean → model → render) over a dossier export in which every
dossier carries a fake applicant (name, CCCD, phone, e-mail, address, birth
date), beside the shipped sample. Every file the build writes — data, caches,
stamps, executed notebooks, HTML, manifest — is scanned for each personal
value, including the base64 payloads embedded in the HTML (the CSV download,
the charts) and in every other form a value could be stored (UTF-8, NFD,
UTF-16).
"""

from __future__ import annotations

import base64
import random
import re
import shutil
import subprocess
import sys
import unicodedata
from datetime import date, timedelta
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[1]
SAMPLE = ROOT / "data" / "raw" / "sample"
pytestmark = pytest.mark.slow

HEADER = "STT,MaHoSo,TenThuTuc,DonViXuLy,NgayTiepNhan,NgayHenTra,NgayHoanThanh,KenhThucHien,HoTenNguoiNop,SoCCCD,SoDienThoai,Email,DiaChi,NgaySinh\n"


def _people(n: int) -> list[dict[str, str]]:
    rng = random.Random(13)
    family = ["Nguyễn", "Trần", "Lê", "Phạm", "Huỳnh", "Võ"]
    given = ["Thị Bí Ẩn", "Văn Riêng Tư", "Minh Kín Đáo", "Thu Giấu Tên"]
    return [
        {
            "name": f"{rng.choice(family)} {rng.choice(given)} {i:03d}",
            "cccd": f"0791{rng.randrange(10**8):08d}",
            "phone": f"09{rng.randrange(10**8):08d}",
            "email": f"nguoinop{i:03d}.bimat@example.invalid",
            "address": f"Số {i} đường Kín Đáo, phường Bí Mật",
            "birth": f"{rng.randrange(1, 28):02d}/{rng.randrange(1, 12):02d}/19{rng.randrange(50, 99)}",
        }
        for i in range(n)
    ]


def _dossier_export(path: Path, people: list[dict[str, str]]) -> None:
    rng = random.Random(7)
    lines = [HEADER]
    start = date(2024, 1, 1)
    for i, p in enumerate(people):
        rec = start + timedelta(days=rng.randrange(0, 540))
        due = rec + timedelta(days=rng.randrange(3, 20))
        done = "" if rng.random() < 0.1 else (rec + timedelta(days=rng.randrange(1, 25))).strftime("%d/%m/%Y")
        lines.append(
            f"{i + 1},HS{i:05d},Đăng ký khai sinh,UBND huyện Tuy An,{rec:%d/%m/%Y},{due:%d/%m/%Y},{done},"
            f'{rng.choice("123")},{p["name"]},{p["cccd"]},{p["phone"]},{p["email"]},"{p["address"]}",{p["birth"]}\n'
        )
    path.write_text("".join(lines), encoding="utf-8-sig")


def _forms(value: str) -> list[bytes]:
    out = set()
    for v in {value, unicodedata.normalize("NFC", value), unicodedata.normalize("NFD", value)}:
        out.add(v.encode("utf-8"))
        out.add(v.encode("utf-16-le"))
    return sorted(out)


def _payloads(body: bytes) -> list[bytes]:
    """The file itself and every base64 payload embedded in it (data: URIs)."""
    out = [body]
    for m in re.finditer(rb"base64,([A-Za-z0-9+/=]+)", body):
        try:
            out.append(base64.b64decode(m.group(1)))
        except ValueError:
            pass
    return out


def test_no_personal_value_in_any_output_of_a_build(tmp_path: Path) -> None:
    raw = tmp_path / "raw"
    shutil.copytree(SAMPLE, raw / "sample")
    people = _people(400)
    (raw / "hoso").mkdir()
    _dossier_export(raw / "hoso" / "hoso_tuyan_2024-01-01_2025-06-30.csv", people)
    data, reports = tmp_path / "data", tmp_path / "reports"
    proc = subprocess.run(
        [
            sys.executable,
            "-m",
            "motcua",
            "build",
            str(raw / "sample"),
            str(raw / "hoso"),
            "--data",
            str(data),
            "--out",
            str(reports),
            "--jobs",
            "2",
        ],
        cwd=ROOT,
        capture_output=True,
        text=True,
    )
    assert proc.returncode in (0, 1), proc.stderr
    quality = (data / "quality.csv").read_text(encoding="utf-8-sig")
    assert "personal_columns_dropped" in quality  # the export was read, and its personal columns named
    outputs = [p for p in [*data.rglob("*"), *reports.rglob("*")] if p.is_file()]
    assert any(p.suffix == ".html" for p in outputs) and any(".cache" in p.parts for p in outputs)
    values = [v for p in people for v in p.values()]
    export = (raw / "hoso" / "hoso_tuyan_2024-01-01_2025-06-30.csv").read_bytes()
    assert all(any(form in export for form in _forms(v)) for v in values[:12])  # the scanner finds what is there
    leaks = []
    for f in outputs:
        for payload in _payloads(f.read_bytes()):
            for v in values:
                if any(form in payload for form in _forms(v)):
                    leaks.append((str(f.relative_to(tmp_path)), v))
    assert not leaks, leaks[:10]
