"""The model stage's last run (motcua.model.last_run): a rerun after a correction splices the unchanged series
from it and reads only the shards that change, with the same four tables as a run without any cache; the shards
then hold exactly the entries a run from scratch would leave."""

from __future__ import annotations

import pickle
from pathlib import Path

import pandas as pd

import motcua.cache.results as cache_mod
import motcua.model.run as run_mod
from motcua.model import last_run, run_model


def _equal(a, b) -> None:
    for name in ("trends", "trend_summary", "comparison", "targets"):
        pd.testing.assert_frame_equal(getattr(a, name), getattr(b, name))


def _bump(panel: pd.DataFrame, code: str, last: bool) -> pd.DataFrame:
    """One dossier more in the unit's first (``last``: last, inside the comparison window) month."""
    p = panel.copy()
    rows = p[p["unit_code"] == code].sort_values("period_start").index
    k = rows[-1] if last else rows[0]
    for col in ("received_total", "received_offline", "resolved_total", "resolved_ontime"):
        p.loc[k, col] += 1
    return p


def _entries(folder: Path) -> set[str]:
    out: set[str] = set()
    for f in folder.glob("*.pkl"):
        if f.name != last_run.FILE:
            out |= set(pickle.loads(f.read_bytes()))
    return out


def test_rerun_splices_the_last_run(small_panel: pd.DataFrame, tmp_path: Path, monkeypatch) -> None:
    fits = tmp_path / "fits"
    run_model(small_panel, cache_file=fits)
    assert (fits / last_run.FILE).exists()
    code = sorted(small_panel["unit_code"].unique())[1]
    reads: list[str] = []
    real = cache_mod._read_shard
    monkeypatch.setattr(cache_mod, "_read_shard", lambda p: reads.append(p.name) or real(p))
    cache_mod._MEMO.clear()
    for last_month in (False, True):  # outside the window (comparison reused), inside (recomputed)
        reads.clear()
        corrected = _bump(small_panel, code, last_month)
        after = run_model(corrected, cache_file=fits)
        plain = run_model(corrected)
        _equal(after, plain)
        a, b = tmp_path / f"a-{last_month}", tmp_path / f"b-{last_month}"
        files = zip(run_mod.write_results(after, a), run_mod.write_results(plain, b))
        assert all(x.read_bytes() == y.read_bytes() for x, y in files)  # the products byte for byte
        n_shards = len([f for f in fits.glob("*.pkl") if f.name != last_run.FILE])
        assert 0 < len(reads) < n_shards  # the changed series' shards only, not every shard
        scratch = tmp_path / f"scratch-{last_month}"
        run_model(corrected, cache_file=scratch)
        assert _entries(fits) == _entries(scratch)  # the old entries left; nothing else lost


def test_a_broken_or_foreign_last_run_is_ignored(small_panel: pd.DataFrame, tmp_path: Path) -> None:
    fits = tmp_path / "fits"
    plain = run_model(small_panel)
    run_model(small_panel, cache_file=fits)
    (fits / last_run.FILE).write_bytes(b"not a pickle")
    _equal(run_model(small_panel, cache_file=fits), plain)
    run = last_run._unpacked(pickle.loads((fits / last_run.FILE).read_bytes())[1])
    run.context = "another"
    last_run.save(fits, run)
    assert run_mod.last_run.load(fits, "another") is not None  # readable, of another context
    _equal(run_model(small_panel, cache_file=fits), plain)
    assert run_mod.last_run.load(fits, "another") is None  # replaced by this run's


def test_packed_dicts_come_back_with_their_types() -> None:
    import numpy as np

    rows = [
        {"a": np.float64(1.5), "b": np.datetime64("2025-07-01", "ns"), "c": "x", "d": np.nan},
        {"a": np.float64(np.nan), "b": np.datetime64("NaT", "ns"), "c": None, "d": 2},
        {"c": "only", "a": np.float32(3.0)},
        {"a": np.float64(2.0), "b": np.datetime64("2026-01-01", "D"), "c": "y", "d": 1.0},
    ]
    back = last_run.unpack_dicts(pickle.loads(pickle.dumps(last_run.pack_dicts(rows))))
    assert [list(r) for r in back] == [list(r) for r in rows]
    for r, s in zip(rows, back):
        for k in r:
            assert type(r[k]) is type(s[k]) and str(r[k]) == str(s[k])
            if isinstance(r[k], np.datetime64):
                assert r[k].dtype == s[k].dtype


def test_saved_in_the_background_then_spliced_equals_a_plain_run(small_panel: pd.DataFrame, tmp_path: Path) -> None:
    """The last run pickled on a thread (as the model stage's notebook does) is the one a foreground save writes:
    the next run waits for it, and a rerun after a correction splices it into the tables of a run without cache."""
    fits, ref = tmp_path / "fits", tmp_path / "ref"
    run_model(small_panel, cache_file=fits, background_save=True)
    run_model(small_panel, cache_file=ref)
    last_run.wait()
    assert not last_run._PENDING
    a = last_run._unpacked(pickle.loads((fits / last_run.FILE).read_bytes())[1])
    b = last_run._unpacked(pickle.loads((ref / last_run.FILE).read_bytes())[1])
    pd.testing.assert_frame_equal(a.trends, b.trends)
    assert (a.keys, a.lengths, a.compare_key, a.used) == (b.keys, b.lengths, b.compare_key, b.used)
    assert repr(a.summaries) == repr(b.summaries) and repr(a.targets) == repr(b.targets)
    code = sorted(small_panel["unit_code"].unique())[1]
    corrected = _bump(small_panel, code, False)
    after = run_model(corrected, cache_file=fits, background_save=True)
    _equal(after, run_model(corrected))


def test_a_last_run_older_than_the_cache_still_gives_the_same_tables(small_panel: pd.DataFrame, tmp_path: Path) -> None:
    """A process that ended before its background save had written leaves the run before it: the next run splices
    from that older run and the newer cache, and its tables equal a run without cache; so does the run after it."""
    fits = tmp_path / "fits"
    run_model(small_panel, cache_file=fits)
    older = (fits / last_run.FILE).read_bytes()
    codes = sorted(small_panel["unit_code"].unique())
    first = _bump(small_panel, codes[1], True)
    run_model(first, cache_file=fits)
    (fits / last_run.FILE).write_bytes(older)  # the save of the run above never reached the disk
    last_run._MEMO.clear()
    cache_mod._MEMO.clear()
    second = _bump(first, codes[2], False)
    _equal(run_model(second, cache_file=fits), run_model(second))
    third = _bump(second, codes[0], True)
    _equal(run_model(third, cache_file=fits), run_model(third))
