"""A period whose every unit's figures equal the previous period's (an export re-saved under a new month) is a copy:
refused with one ``repeated_period`` error naming the file, sheet and the month it repeats, and one per row dropped
(rows in = kept + rejected); chance likeness (rows of zeros, one unit alike, one unit changed) is never refused."""

from __future__ import annotations

import importlib.util
import shutil
from datetime import date
from pathlib import Path

import pytest

from motcua.clean import run_clean
from motcua.clean.repeats import RowPrint, find_repeats

ROOT = Path(__file__).resolve().parents[2]
_spec = importlib.util.spec_from_file_location("builders", ROOT / "tests" / "data" / "ingest" / "builders.py")
builders = importlib.util.module_from_spec(_spec)
_spec.loader.exec_module(builders)  # type: ignore[union-attr]

DISTRICTS = ["Thành phố Tuy Hòa", "Thị xã Sông Cầu", "Huyện Đồng Xuân", "Huyện Tuy An", "Huyện Sơn Hòa"]
DISTRICTS += ["Huyện Sông Hinh", "Huyện Tây Hòa", "Huyện Phú Hòa", "Thị xã Đông Hòa"]
AUG = (date(2024, 8, 1), date(2024, 8, 31))
SEP = (date(2024, 9, 1), date(2024, 9, 30))
OCT = (date(2024, 10, 1), date(2024, 10, 31))


def _figs(i: int, month: int) -> tuple[int, ...]:
    v = builders.counts(10 * i + month, 20 + i, 3 + month, 5 + i, 7 + month, i % 3, 2 + i, month % 2)
    return tuple(v[c] for c in builders.COLS06)


def _prints(file: str, p: tuple[date, date], figs: dict[int, tuple[int, ...]], sheet: str = "S") -> dict:
    rows = tuple(RowPrint(file, i, ("legacy", str(555 + i)), sheet, 8 + i, f"U{i}", f) for i, f in figs.items())
    return {p: rows}


def _month(m: int, n: int = 9) -> dict[int, tuple[int, ...]]:
    return {i: _figs(i, m) for i in range(n)}


def test_a_copy_of_the_month_before_is_found_with_its_rows():
    got = find_repeats([_prints("aug.xlsx", AUG, _month(8)), _prints("sep.xlsx", SEP, _month(8))])
    assert got.drops == {1: frozenset(range(9))}
    head, *rows = got.findings
    assert head.rule == "repeated_period" and head.file == "sep.xlsx" and head.sheet == "S" and head.row is None
    assert "tháng 09/2024" in head.message and "tháng 08/2024" in head.message and "aug.xlsx" in head.message
    assert [f.row for f in rows] == [8 + i for i in range(9)] and {f.action for f in rows} == {"dropped"}
    assert [f.unit for f in rows] == [str(555 + i) for i in range(9)]


def test_a_copy_of_a_copy_is_refused_and_the_original_kept():
    files = [_prints("a", AUG, _month(8)), _prints("s", SEP, _month(8)), _prints("o", OCT, _month(8))]
    assert set(find_repeats(files).drops) == {1, 2}


def test_two_sheets_of_one_file_the_second_a_copy():
    one = {**_prints("f", AUG, _month(8), "T8"), **_prints("f", SEP, _month(8), "T9")}
    got = find_repeats([one])
    assert set(got.drops) == {0} and got.findings[0].sheet == "T9" and "chính tệp này" in got.findings[0].message


@pytest.mark.parametrize(
    "sep",
    [
        {**_month(8), 4: _figs(4, 9)},  # one unit updated: not every figure alike
        {i: (0,) * 11 for i in range(9)},  # rows of zeros repeat by nature
        {**{i: (0,) * 11 for i in range(9)}, 0: _figs(0, 8), 1: _figs(1, 8), 2: _figs(2, 8), 3: _figs(3, 8)},  # 4 < 5
        _month(9),  # a real month
    ],
)
def test_chance_likeness_is_never_a_repeat(sep):
    aug = _month(8)
    aug.update({i: (0,) * 11 for i, f in sep.items() if f == (0,) * 11})
    got = find_repeats([_prints("aug", AUG, aug), _prints("sep", SEP, sep)])
    assert not got.drops and not got.findings


def test_units_of_the_file_missing_before_must_be_few():
    """Five units alike, but the file's other 5 units were not in August: under min_share, not a copy."""
    sep = {**_month(8, 5), **{i: _figs(i, 9) for i in range(5, 10)}}
    assert not find_repeats([_prints("aug", AUG, _month(8, 5)), _prints("sep", SEP, sep)]).drops


def test_thresholds_come_from_config(tmp_path, monkeypatch):
    cfg = tmp_path / "config"
    shutil.copytree(ROOT / "config", cfg)
    text = (cfg / "ingest.yaml").read_text(encoding="utf-8")
    assert "  min_units: 5\n" in text
    (cfg / "ingest.yaml").write_text(text.replace("  min_units: 5\n", "  min_units: 20\n"), encoding="utf-8")
    files = [_prints("aug", AUG, _month(8)), _prints("sep", SEP, _month(8))]
    assert find_repeats(files).drops
    monkeypatch.setenv("MOTCUA_CONFIG", str(cfg))
    assert not find_repeats(files).drops  # 9 units alike < 20


def _write(folder: Path, name: str, period: str, month: int) -> Path:
    units = [(n, dict(zip(builders.COLS06, _figs(i, month)))) for i, n in enumerate(DISTRICTS)]
    return builders.write_form(folder / name, units, period_text=period)


@pytest.mark.parametrize("cached", [False, True])
def test_clean_refuses_the_repeated_month_and_counts_its_rows(tmp_path, cached):
    raw = tmp_path / "raw"
    raw.mkdir()
    _write(raw, "T8-2024.xlsx", "Từ ngày 01/08/2024 đến ngày 31/08/2024", 8)
    _write(raw, "T9-2024.xlsx", "Từ ngày 01/09/2024 đến ngày 30/09/2024", 8)  # August's figures again
    _write(raw, "T10-2024.xlsx", "Từ ngày 01/10/2024 đến ngày 31/10/2024", 10)
    cache = tmp_path / "cache" if cached else None
    for _ in range(2 if cached else 1):  # the second run from the cache gives the same
        res = run_clean([raw], tmp_path / "out", cache_dir=cache)
        assert res.rows_in == 27 and res.rows_kept == 18 and res.rows_dropped == 9
        q = res.quality
        rep = q[q["rule"] == "repeated_period"]
        assert len(rep) == 10 and set(rep["file"].map(lambda s: Path(s).name)) == {"T9-2024.xlsx"}
        assert (rep["severity"] == "error").all() and rep["sheet"].astype(bool).all()
        assert "tháng 08/2024" in rep["message"].iloc[0] and "T8-2024.xlsx" in rep["message"].iloc[0]
        assert int((q["action"] == "dropped").sum()) == res.rows_dropped  # one finding per dropped row
        months = sorted(res.panel["period_start"].dt.month.unique())
        assert months == [8, 10]
        # September refused: October follows a hole, never a carry-over gap against the copy
        assert set(q.loc[q["rule"] == "period_gap", "period"]) == {"01/09/2024–30/09/2024"}
