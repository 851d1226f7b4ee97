"""The clean stage at unit grain: a rebuild that reuses the per-file entries and the per-unit
results of the last run writes the same bytes as a run from scratch, and cleans again only the units
whose records changed."""

from __future__ import annotations

import json
import shutil
from pathlib import Path

import pytest

import motcua.clean.run as run_mod
from motcua.clean.run import run_clean
from motcua.quality import Quality
from motcua.sample import DEFAULT_UNITS, write_sample
from motcua.sample.corrections import add_one_dossier

UNITS = list(DEFAULT_UNITS)[:3]  # 555, 557, 558
OUTPUTS = ("panel.parquet", "quality.csv", "clean_meta.json")


@pytest.fixture(scope="module")
def base_raw(tmp_path_factory) -> Path:
    """Nine monthly, revised and quarterly workbooks for three districts: overlaps, duplicates, gaps."""
    raw = tmp_path_factory.mktemp("sample") / "raw"
    write_sample(raw, units=UNITS, months=8, start="2023-02")
    return raw


@pytest.fixture()
def raw(base_raw: Path, tmp_path: Path) -> Path:
    dest = tmp_path / "raw"
    shutil.copytree(base_raw, dest)
    return dest


def _outputs(out: Path) -> dict[str, bytes]:
    got = {name: (out / name).read_bytes() for name in OUTPUTS}
    meta = json.loads(got["clean_meta.json"])
    assert "seconds" not in meta  # the written meta has no timing: compared as is
    return got


def _tidy(path: Path, rows: list[dict[str, object]]) -> Path:
    cols = [
        "unit_code",
        "period_start",
        "period_end",
        "received_total",
        "received_online",
        "received_offline",
        "carried_over",
        "resolved_total",
        "resolved_early",
        "resolved_ontime",
        "resolved_late",
        "pending_total",
        "pending_ontime",
        "pending_overdue",
    ]
    lines = [",".join(cols)] + [",".join(str(r.get(c, "")) for c in cols) for r in rows]
    path.write_text("\n".join(lines) + "\n", encoding="utf-8")
    return path


def _row(code: str, start: str, end: str, online: int = 10, offline: int = 5, carried: int = 3) -> dict[str, object]:
    total = online + offline + carried
    return {
        "unit_code": code,
        "period_start": start,
        "period_end": end,
        "received_total": total,
        "received_online": online,
        "received_offline": offline,
        "carried_over": carried,
        "resolved_total": total - 2,
        "resolved_early": total - 4,
        "resolved_ontime": 1,
        "resolved_late": 1,
        "pending_total": 2,
        "pending_ontime": 2,
        "pending_overdue": 0,
    }


class _Counting:
    """How many units the run cleaned again (calls of clean_unit)."""

    def __init__(self, monkeypatch) -> None:
        self.n = 0
        real = run_mod.clean_unit

        def counted(records):  # type: ignore[no-untyped-def]
            self.n += 1
            return real(records)

        monkeypatch.setattr(run_mod, "clean_unit", counted)


def _same_as_full(raw: Path, cache: Path, tmp: Path, name: str):
    """Run with the cache, then from scratch without it: the same bytes in every output."""
    inc = run_clean([raw], tmp / f"{name}-inc", cache_dir=cache)
    run_clean([raw], tmp / f"{name}-full")
    a, b = _outputs(tmp / f"{name}-inc"), _outputs(tmp / f"{name}-full")
    for out in OUTPUTS:
        assert a[out] == b[out], f"{name}: {out} differs between the incremental and the full run"
    assert inc.rows_in == inc.rows_kept + inc.rows_dropped
    assert int((inc.quality["action"] == "dropped").sum()) == inc.rows_dropped  # one finding per dropped row
    assert inc.quality["file"].astype(str).str.len().gt(0).all()  # every finding names its file
    return inc


def _oldest(raw: Path) -> Path:
    return sorted(raw.glob("*.xlsx"))[0]


def _correct_one_unit(raw: Path) -> set[str]:
    add_one_dossier(_oldest(raw))  # same records, one count changed
    return set()


def _add_file(raw: Path) -> set[str]:
    _tidy(raw / "them_2023-10.csv", [_row(c, "2023-10-01", "2023-10-31") for c in UNITS])
    return set()


def _remove_file(raw: Path) -> set[str]:
    (raw / "bieu06_2023-09_sua-doi.xlsx").unlink()
    return set()


def _unit_appears(raw: Path) -> set[str]:
    _tidy(raw / "don-vi-moi.csv", [_row("559", "2023-02-01", "2023-02-28"), _row("559", "2023-04-01", "2023-04-30")])
    return {"period_gap"}


def _overlap(raw: Path) -> set[str]:
    # a CSV sorts as the oldest file: its rows lose to the workbooks' and are reported
    _tidy(
        raw / "sua_2023-03.csv",
        [_row("557", "2023-03-01", "2023-03-31", online=999), _row("557", "2023-03-15", "2023-04-15", carried=77)],
    )
    return {"duplicate_period", "overlapping_period"}


def _continuity(raw: Path) -> set[str]:
    _tidy(raw / "thang-11.csv", [_row("558", "2023-11-01", "2023-11-30", carried=12345)])
    return {"carry_over_gap", "period_gap"}


CHANGES = {
    "one_unit_correction": _correct_one_unit,
    "file_added": _add_file,
    "file_removed": _remove_file,
    "unit_appears": _unit_appears,
    "overlap_finding": _overlap,
    "continuity_finding": _continuity,
}


def test_no_change_and_a_one_unit_correction_match_a_full_run(raw: Path, tmp_path: Path, monkeypatch) -> None:
    cache = tmp_path / "cache"
    _same_as_full(raw, cache, tmp_path, "cold")
    _same_as_full(raw, cache, tmp_path, "nochange")
    counting = _Counting(monkeypatch)
    run_clean([raw], tmp_path / "warm", cache_dir=cache)
    assert counting.n == 0, "nothing changed: no unit cleaned again"

    reads: list[str] = []
    real = run_mod._read_file
    monkeypatch.setattr(run_mod, "_read_file", lambda path, *a, **k: reads.append(path.name) or real(path, *a, **k))
    add_one_dossier(_oldest(raw))  # unit 555, oldest month
    run_clean([raw], tmp_path / "fix", cache_dir=cache)
    assert reads == [_oldest(raw).name]
    assert counting.n == 1, "a correction to one unit cleans that unit alone"
    monkeypatch.setattr(run_mod, "_read_file", real)
    full = run_clean([raw], tmp_path / "fix-full")
    for out in OUTPUTS:
        assert (tmp_path / "fix" / out).read_bytes() == (tmp_path / "fix-full" / out).read_bytes(), out
    assert full.rows_in == full.rows_kept + full.rows_dropped


@pytest.mark.parametrize("change", list(CHANGES))
def test_a_change_gives_the_bytes_of_a_full_run(raw: Path, tmp_path: Path, change: str) -> None:
    cache = tmp_path / "cache"
    run_clean([raw], tmp_path / "before", cache_dir=cache)
    rules = CHANGES[change](raw)
    inc = _same_as_full(raw, cache, tmp_path, change)
    assert rules <= set(inc.quality["rule"]), f"{change}: the change should make {rules}"
    if change == "unit_appears":
        assert "559" in set(inc.panel["unit_code"])
        for p in raw.glob("don-vi-moi.csv"):  # and disappears again
            p.unlink()
        gone = _same_as_full(raw, cache, tmp_path, "unit_disappears")
        assert "559" not in set(gone.panel["unit_code"])


def test_damaged_or_missing_cache_files_fall_back(raw: Path, tmp_path: Path) -> None:
    cache = tmp_path / "cache"
    run_clean([raw], tmp_path / "before", cache_dir=cache)
    add_one_dossier(_oldest(raw))
    for blob in sorted(cache.glob("*.rec"))[:2]:  # a record blob that no longer matches its entry
        blob.write_bytes(blob.read_bytes()[:-7] + b"garbage")
    for state in cache.glob("*.state"):
        state.write_bytes(b"not a pickle")
    _same_as_full(raw, cache, tmp_path, "damaged")
    add_one_dossier(_oldest(raw))
    for blob in sorted(cache.glob("*.rec"))[-1:]:
        blob.unlink()
    for state in cache.glob("*.state"):
        state.unlink()
    _same_as_full(raw, cache, tmp_path, "missing")


def test_the_cache_holds_only_the_current_inputs(raw: Path, tmp_path: Path) -> None:
    cache = tmp_path / "cache"
    run_clean([raw], None, cache_dir=cache)
    n = len(list(raw.glob("*.xlsx")))
    assert len(list(cache.glob("*.rec"))) == n and len(list(cache.glob("*.state"))) == 1
    _remove_file(raw)
    add_one_dossier(_oldest(raw))
    run_clean([raw], None, cache_dir=cache)
    assert len(list(cache.glob("*.rec"))) == n - 1
    assert len([p for p in cache.glob("*.pkl") if not p.name.startswith("names-")]) == n - 1
    assert len(list(cache.glob("*.state"))) == 1


def test_unit_by_unit_equals_one_pass_over_all_records(raw: Path) -> None:
    """The separability the cache rests on: the rules run over all records at once (as the stage did
    before it ran them per unit) give the same findings, in the same order, and the same panel."""
    import pandas as pd

    from motcua.clean.periods import difference_cumulative, resolve_overlaps
    from motcua.clean.validate import check_continuity, check_identities

    _overlap(raw)
    _continuity(raw)
    ctx = run_mod._context()
    q = Quality()
    records = []
    for path, display in run_mod.discover([raw]):
        recs, *_ = run_mod._read_file(path, display, q, ctx)
        records += recs
    resolve_overlaps(records, q)
    difference_cumulative(records, q)
    resolve_overlaps(records, q)
    check_identities(records, q)
    check_continuity(records, q)
    panel = run_mod._validated(run_mod._panel(records), records, q)
    got = run_clean([raw])
    pd.testing.assert_frame_equal(got.panel, panel)
    pd.testing.assert_frame_equal(got.quality, q.frame())
