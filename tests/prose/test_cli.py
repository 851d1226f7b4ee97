"""`motcua extract FILE... [--format json|csv] [--out PATH]`."""

from __future__ import annotations

import csv
import io
import json
import subprocess
import sys

from motcua.prose import FACT_COLUMNS
from motcua.prose.cli import main


def test_json_fields_exactly_and_types(seeds, capsys):
    assert main([str(seeds["tuyhoa"]), str(seeds["phuong9"])]) == 0
    out = json.loads(capsys.readouterr().out)
    assert len(out) == 11 + 7
    for rec in out:
        assert list(rec) == FACT_COLUMNS
        assert isinstance(rec["flags"], list)
    first = out[0]
    assert first["value"] == 7697 and isinstance(first["value"], int)
    assert first["period_start"] == "2023-01-01" and first["unit_code"] == "555"
    wards = [r for r in out if r["unit_name"] == "UBND các phường xã"]
    assert all(r["unit_code"] is None for r in wards)
    assert [r["value"] for r in out if r["metric"] == "ontime_rate"][0] == 99.47


def test_csv_same_table(seeds, tmp_path):
    out = tmp_path / "f.csv"
    assert main([str(seeds["songcau"]), "--format", "csv", "--out", str(out)]) == 0
    rows = list(csv.DictReader(io.StringIO(out.read_text(encoding="utf-8"))))
    assert list(rows[0]) == FACT_COLUMNS
    assert len(rows) == 13
    assert rows[0]["metric"] == "par_score" and rows[0]["value"] == "73.34"
    assert "components_sum_ok" in rows[0]["flags"]


def test_deterministic_output(seeds, tmp_path):
    a, b = tmp_path / "a.json", tmp_path / "b.json"
    files = [str(p) for p in seeds.values()]
    main(files + ["--out", str(a)])
    main(files + ["--out", str(b)])
    assert a.read_bytes() == b.read_bytes()


def test_missing_file_is_an_error_but_others_are_printed(seeds, capsys):
    code = main([str(seeds["phuong9"]), "/nonexistent/x.txt"])
    captured = capsys.readouterr()
    assert code == 2 and "x.txt" in captured.err
    assert len(json.loads(captured.out)) == 7


def test_through_the_top_level_command(seeds):
    proc = subprocess.run(
        [sys.executable, "-m", "motcua", "extract", str(seeds["phuong9"]), "--format", "json"],
        capture_output=True,
        text=True,
    )
    assert proc.returncode == 0, proc.stderr
    assert len(json.loads(proc.stdout)) == 7
