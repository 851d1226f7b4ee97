"""A changed tidy CSV is read again only in the rows that changed (motcua.clean.tidypatch), and the clean
stage's outputs are the bytes of a run from scratch: a correction in one unit, a row moved to another or
a new unit, findings appearing and going, a cell holding a line break; a deleted, added or blanked row,
another header or another configuration read the file whole."""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest

import motcua.clean.run as run_mod
import motcua.clean.tidypatch as patch_mod
from motcua.clean.run import run_clean

OUTPUTS = ("panel.parquet", "quality.csv", "clean_meta.json")
HEADER = (
    "unit_code,unit_name,period_start,period_end,received_total,received_online,received_offline,carried_over,"
    "resolved_total,resolved_early,resolved_ontime,resolved_late,pending_total,pending_ontime,pending_overdue"
)
NAMES = {"555": "Thành phố Tuy Hòa", "557": "Thị xã Sông Cầu", "558": "Huyện Đồng Xuân", "559": "Huyện Tuy An"}


def _line(code: str, month: int, name: str | None = None, online: int | str = 10) -> str:
    on = online if isinstance(online, int) else 10
    total = on + 5 + 2
    name = NAMES.get(code, "") if name is None else name
    cells = [code, name, f"2024-{month:02d}-01", f"2024-{month:02d}-{28 if month == 2 else 30}"]
    cells += [total, online, 5, 2, total - 2, total - 4, 1, 1, 2, 2, 0]
    return ",".join(str(c) for c in cells)


def _text() -> str:
    """Six months of four districts, month by month, with rows that make findings: a name variant in
    quotes (with a comma), a cell that is not a number, an unknown code, a ragged row, a blank line and
    a name holding a line break (one CSV record on two lines)."""
    lines = [HEADER]
    for m in range(1, 7):
        for code in NAMES:
            if (code, m) == ("555", 2):
                lines.append(_line(code, m, name='"TP. Tuy Hòa, Phú Yên"'))
            elif (code, m) == ("557", 3):
                lines.append(_line(code, m, online="12a"))
            elif (code, m) == ("558", 4):
                lines.append(_line(code, m, name='"Huyện Đồng\nXuân"'))
            else:
                lines.append(_line(code, m))
        if m == 2:
            lines.append("")
    lines.append(_line("99999", 5, name="Không có"))
    lines.append("557,Thị xã Sông Cầu,2024-07-01,2024-07-31,1,2,3")
    return "\n".join(lines) + "\n"


def _edit(text: str, old: str, new: str) -> str:
    assert text.count(old) == 1, old
    return text.replace(old, new)


def _fix_one_unit(t: str) -> str:
    return _edit(t, _line("557", 1), _line("557", 1, online=11))


def _fix_two_units(t: str) -> str:
    return _edit(_fix_one_unit(t), _line("559", 6), _line("559", 6, online=13))


def _finding_goes(t: str) -> str:
    return _edit(t, _line("557", 3, online="12a"), _line("557", 3, online=12))


def _finding_comes(t: str) -> str:
    return _edit(t, _line("558", 5), _line("558", 5, online="1O"))


def _row_moves(t: str) -> str:  # 557's January booked as 558's: a duplicate period there
    return _edit(t, _line("557", 1), _line("558", 1, name=NAMES["557"]))


def _new_unit(t: str) -> str:
    return _edit(t, _line("559", 3), _line("560", 3, name="Huyện Sơn Hòa"))


def _unit_leaves(t: str) -> str:  # the unknown code corrected: a unit of the file gains a row
    return _edit(t, _line("99999", 5, name="Không có"), _line("559", 7))


def _inside_a_quoted_break(t: str) -> str:
    return _edit(t, 'Huyện Đồng\nXuân"', 'Huyện Đồng\nXuân Mới"')


def _delete_row(t: str) -> str:
    return _edit(t, _line("558", 2) + "\n", "")


def _add_row(t: str) -> str:
    return t + _line("555", 7) + "\n"


def _blank_row(t: str) -> str:
    return _edit(t, _line("558", 2), ",,,")


def _row_from_blank(t: str) -> str:
    return _edit(t, _line("559", 2) + "\n\n", _line("559", 2) + "\n" + _line("560", 2, name="Huyện Sơn Hòa") + "\n")


def _break_moves(t: str) -> str:  # the same number of lines, but the quoted line break is one row earlier
    t = _edit(t, 'Huyện Đồng\nXuân"', 'Huyện Đồng Xuân"')
    return _edit(t, _line("557", 4), _line("557", 4, name='"Thị xã\nSông Cầu"'))


def _header(t: str) -> str:
    return _edit(t, HEADER, HEADER.replace("unit_name", "ten_don_vi"))


PATCHED = {
    "one_unit": _fix_one_unit,
    "two_units": _fix_two_units,
    "finding_goes": _finding_goes,
    "finding_comes": _finding_comes,
    "row_moves": _row_moves,
    "new_unit": _new_unit,
    "unit_leaves": _unit_leaves,
    "inside_a_quoted_break": _inside_a_quoted_break,
}
WHOLE = {
    "delete_row": _delete_row,
    "add_row": _add_row,
    "blank_row": _blank_row,
    "row_from_blank": _row_from_blank,
    "header": _header,
}


@pytest.fixture()
def raw(tmp_path: Path) -> Path:
    d = tmp_path / "raw"
    d.mkdir()
    (d / "bang.csv").write_text(_text(), encoding="utf-8")
    (d / "them.csv").write_text(HEADER + "\n" + _line("557", 8) + "\n", encoding="utf-8")
    return d


class _Reads:
    """Whole reads of a tidy CSV made through the cache (a run without it reads them otherwise), and units
    cleaned again."""

    def __init__(self, monkeypatch) -> None:
        self.whole: list[str] = []
        self.units = 0
        real_read, real_clean = patch_mod.read_tidy_csv, run_mod.clean_unit

        def read(path, *a, **k):  # type: ignore[no-untyped-def]
            self.whole.append(Path(path).name)
            return real_read(path, *a, **k)

        def clean(records):  # type: ignore[no-untyped-def]
            self.units += 1
            return real_clean(records)

        monkeypatch.setattr(patch_mod, "read_tidy_csv", read)
        monkeypatch.setattr(run_mod, "clean_unit", clean)

    def reset(self) -> None:
        self.whole.clear()
        self.units = 0


def _same_as_scratch(raw: Path, cache: Path, tmp: Path, name: str):
    inc = run_clean([raw], tmp / f"{name}-inc", cache_dir=cache)
    full = run_clean([raw], tmp / f"{name}-full")
    for out in OUTPUTS:
        a, b = (tmp / f"{name}-inc" / out).read_bytes(), (tmp / f"{name}-full" / out).read_bytes()
        assert a == b, f"{name}: {out} differs between the incremental run and one from scratch"
    assert inc.rows_in == inc.rows_kept + inc.rows_dropped == full.rows_in
    assert int((inc.quality["action"] == "dropped").sum()) == inc.rows_dropped
    return inc


def test_the_fixture_makes_its_findings(raw: Path) -> None:
    got = run_clean([raw])
    rules = set(got.quality["rule"])
    assert {"unit_name_variant", "unit_unmatched", "ragged_row"} <= rules
    assert (got.quality["rule"] == "non_numeric_count").sum() == 1
    assert got.rows_in == 4 * 6 + 2 + 1 and got.rows_dropped >= 2


@pytest.mark.parametrize("change", list(PATCHED))
def test_changed_rows_alone_are_read_again(raw: Path, tmp_path: Path, monkeypatch, change: str) -> None:
    cache = tmp_path / "cache"
    run_clean([raw], tmp_path / "before", cache_dir=cache)
    reads = _Reads(monkeypatch)
    f = raw / "bang.csv"
    f.write_text(PATCHED[change](f.read_text(encoding="utf-8")), encoding="utf-8")
    inc = _same_as_scratch(raw, cache, tmp_path, change)
    assert reads.whole == [], "the cached run reads the changed rows alone"
    assert reads.units <= 3 + len(set(inc.panel["unit_code"])), reads.units
    reads.reset()
    run_clean([raw], tmp_path / "again", cache_dir=cache)  # the patched entry is itself a good base
    assert reads.whole == [] and reads.units == 0
    f.write_text(_text(), encoding="utf-8")  # and back again
    reads.reset()
    _same_as_scratch(raw, cache, tmp_path, f"{change}-back")
    assert reads.whole == []


def test_a_one_unit_fix_cleans_that_unit_alone(raw: Path, tmp_path: Path, monkeypatch) -> None:
    cache = tmp_path / "cache"
    run_clean([raw], tmp_path / "before", cache_dir=cache)
    reads = _Reads(monkeypatch)
    f = raw / "bang.csv"
    f.write_text(_fix_one_unit(f.read_text(encoding="utf-8")), encoding="utf-8")
    run_clean([raw], tmp_path / "fix", cache_dir=cache)
    assert reads.whole == [] and reads.units == 1


@pytest.mark.parametrize("change", list(WHOLE) + ["break_moves"])
def test_other_changes_read_the_file_whole(raw: Path, tmp_path: Path, monkeypatch, change: str) -> None:
    cache = tmp_path / "cache"
    run_clean([raw], tmp_path / "before", cache_dir=cache)
    reads = _Reads(monkeypatch)
    f = raw / "bang.csv"
    edit = WHOLE.get(change, _break_moves)
    f.write_text(edit(f.read_text(encoding="utf-8")), encoding="utf-8")
    _same_as_scratch(raw, cache, tmp_path, change)
    assert reads.whole == ["bang.csv"], "read whole through the cache"


def test_another_configuration_reads_the_file_whole(raw: Path, tmp_path: Path, monkeypatch) -> None:
    cache = tmp_path / "cache"
    run_clean([raw], tmp_path / "before", cache_dir=cache)
    cfg = tmp_path / "config"
    shutil.copytree(Path(__file__).parents[2] / "config", cfg)
    ingest = (cfg / "ingest.yaml").read_text(encoding="utf-8")
    (cfg / "ingest.yaml").write_text(ingest.replace("max_count: 100000000", "max_count: 16"), encoding="utf-8")
    monkeypatch.setenv("MOTCUA_CONFIG", str(cfg))
    reads = _Reads(monkeypatch)
    f = raw / "bang.csv"
    f.write_text(_fix_one_unit(f.read_text(encoding="utf-8")), encoding="utf-8")
    inc = _same_as_scratch(raw, cache, tmp_path, "config")
    assert sorted(reads.whole) == ["bang.csv", "them.csv"]
    assert (inc.quality["rule"] == "implausible_count").any()  # the new limit reached every row's counts


def test_a_damaged_last_version_falls_back_to_a_whole_read(raw: Path, tmp_path: Path, monkeypatch) -> None:
    cache = tmp_path / "cache"
    run_clean([raw], tmp_path / "before", cache_dir=cache)
    for blob in cache.glob("*.rec"):
        blob.write_bytes(blob.read_bytes()[:-5] + b"xxxxx")
    for index in cache.glob("*.tidy"):
        index.write_bytes(b"not a pickle")
    f = raw / "bang.csv"
    f.write_text(_fix_one_unit(f.read_text(encoding="utf-8")), encoding="utf-8")
    _same_as_scratch(raw, cache, tmp_path, "damaged-index")
    f.write_text(_finding_goes(f.read_text(encoding="utf-8")), encoding="utf-8")
    for blob in cache.glob("*.rec"):  # the index is good now, the blob it would copy from is not
        blob.write_bytes(blob.read_bytes()[:-5] + b"xxxxx")
    _same_as_scratch(raw, cache, tmp_path, "damaged-blob")


def test_the_cache_keeps_one_version_per_file(raw: Path, tmp_path: Path) -> None:
    cache = tmp_path / "cache"
    run_clean([raw], None, cache_dir=cache)
    f = raw / "bang.csv"
    f.write_text(_fix_one_unit(f.read_text(encoding="utf-8")), encoding="utf-8")
    run_clean([raw], None, cache_dir=cache)
    run_clean([raw], None, cache_dir=cache)
    assert len(list(cache.glob("*.rec"))) == 2 and len(list(cache.glob("*.tidy"))) == 2
    assert len(list(cache.glob("last-*.key"))) == 2


def test_successive_fixes_grow_the_blob_by_the_changed_units_only(raw: Path, tmp_path: Path, monkeypatch) -> None:
    """Each fix appends the changed units' records to the blob; once more than half of it is stale, the
    live records are copied into a new one. Every step gives the bytes of a run from scratch."""
    cache = tmp_path / "cache"
    run_clean([raw], tmp_path / "before", cache_dir=cache)
    reads = _Reads(monkeypatch)
    f = raw / "bang.csv"

    def blob_size() -> int:
        """The size of the larger file's record blob (the pointers name each file's current version)."""
        keys = [p.read_text(encoding="ascii") for p in cache.glob("last-*.key")]
        assert len(keys) == 2
        return max((cache / f"{k}.rec").stat().st_size for k in keys)

    first = blob_size()
    sizes = []
    for step in range(8):
        month = 1 + step % 6
        text = f.read_text(encoding="utf-8")
        old = _line("559", month, online=20 + step - 6) if step >= 6 else _line("559", month)
        f.write_text(_edit(text, old, _line("559", month, online=20 + step)), encoding="utf-8")
        _same_as_scratch(raw, cache, tmp_path, f"step{step}")
        sizes.append(blob_size())
    assert reads.whole == []
    assert sizes[0] > first, "the first fix appends"
    assert max(sizes) <= 3 * first and min(sizes[1:]) < max(sizes), sizes  # compacted on the way
