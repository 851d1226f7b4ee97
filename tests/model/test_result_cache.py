"""The model stage's result cache: content keys, a file rewritten only when it changes,
peer-group comparisons reused when their inputs are unchanged, and the vectorised overlap check of the series."""

from __future__ import annotations

import pickle
import shutil
from datetime import timedelta
from pathlib import Path

import numpy as np
import pandas as pd

import motcua.model.compare as compare_mod
from motcua.model.cache import ResultCache, pack_columns, unpack_columns
from motcua.model.compare import compare_units
from motcua.model.series import UNIT_KEY, _drop_overlaps, _drop_overlaps_by_unit, build_series


def test_keys_follow_content_and_shared_inputs(tmp_path: Path) -> None:
    c = ResultCache(tmp_path / "c.pkl")
    a = np.arange(5.0)
    k1, k2 = c.keys([("u", a), ("u", a + 1)], "settings")
    assert k1 != k2
    assert c.keys([("u", a.copy())], "settings") == [k1]  # same content, same key
    assert c.keys([("u", a)], "other settings") != [k1]
    assert c.key("x", 1) == c.key("x", 1) != c.key("x", 2)


def _stored(path: Path) -> dict:
    """Every entry in the cache folder's shard files."""
    out: dict = {}
    for shard in sorted(path.glob("*.pkl")):
        out.update(pickle.loads(shard.read_bytes()))
    return out


def _mtimes(path: Path) -> dict[str, int]:
    return {p.name: p.stat().st_mtime_ns for p in path.glob("*.pkl")}


def test_save_keeps_used_entries_and_skips_an_unchanged_file(tmp_path: Path) -> None:
    path = tmp_path / "c"
    c = ResultCache(path)
    assert c.get("a") is None
    c.put("a", 1)
    c.put("b", 2)
    assert c.save() and _stored(path) == {"a": 1, "b": 2}

    again = ResultCache(path)
    assert again.get("a") == 1 and again.get("b") == 2
    before = _mtimes(path)
    assert not again.save()  # the same entries: nothing written
    assert _mtimes(path) == before

    third = ResultCache(path)
    assert third.get("a") == 1  # "b" not used this time: forgotten
    assert third.save() and _stored(path) == {"a": 1}


def test_a_change_rewrites_only_the_shards_it_touches(tmp_path: Path) -> None:
    path = tmp_path / "c"
    c = ResultCache(path)
    keys = c.keys(list(range(400)), "settings")
    for i, k in enumerate(keys):
        c.put(k, i)
    assert c.save()
    shards = _mtimes(path)
    assert len(shards) > 100  # spread over many files

    fresh = ResultCache(path)
    new = fresh.keys([1000], "settings")[0]
    for k in keys[1:]:
        assert fresh.get(k) is not None
    fresh.put(new, 1000)  # one entry replaced by another, as after a correction to one unit
    assert fresh.save()
    after = _mtimes(path)
    touched = {n for n in after if after[n] != shards.get(n)} | (set(shards) - set(after))
    assert 1 <= len(touched) <= 2
    assert _stored(path) == {**{k: i for i, k in enumerate(keys) if i}, new: 1000}
    assert ResultCache(path).get(keys[0]) is None and ResultCache(path).get(new) == 1000


def test_shards_read_once_per_process_and_again_when_changed_on_disk(tmp_path: Path, monkeypatch) -> None:
    import motcua.cache.results as cache_mod

    path = tmp_path / "c"
    c = ResultCache(path)
    keys = c.keys(list(range(50)), "s")
    for i, k in enumerate(keys):
        c.put(k, [i])
    c.save()
    reads: list[str] = []
    real = cache_mod._read_shard
    monkeypatch.setattr(cache_mod, "_read_shard", lambda p: reads.append(p.name) or real(p))
    warm = ResultCache(path)
    assert reads == [] and [warm.get(k) for k in keys] == [[i] for i in range(50)]  # from this process's memo
    # another process rewrites one shard: that shard alone is read again, with its new content
    name = sorted(path.glob("*.pkl"))[0]
    other = {k: ["other"] for k in pickle.loads(name.read_bytes())}
    tmp = name.with_suffix(".tmp")
    tmp.write_bytes(pickle.dumps(other))
    tmp.replace(name)
    again = ResultCache(path)
    assert reads == [name.name]
    assert all(again.get(k) == ["other"] for k in other)


def test_an_earlier_single_file_cache_is_replaced(tmp_path: Path) -> None:
    legacy = tmp_path / "c.pkl"
    legacy.write_bytes(pickle.dumps({"a": 1}))
    c = ResultCache(tmp_path / "c")
    assert c.get("a") is None
    c.put("a", 2)
    assert c.save() and not legacy.exists() and _stored(tmp_path / "c") == {"a": 2}
    same_name = tmp_path / "d"
    same_name.write_bytes(pickle.dumps({"a": 1}))  # a single file where the folder goes
    d = ResultCache(same_name)
    assert d.get("a") is None
    d.put("a", 3)
    assert d.save() and same_name.is_dir() and ResultCache(same_name).get("a") == 3


def test_comparison_groups_are_reused_only_when_unchanged(
    small_panel: pd.DataFrame, settings, tmp_path: Path, monkeypatch
) -> None:
    series, _ = build_series(small_panel, settings.rates)
    plain = compare_units(series, settings)
    calls: list[tuple] = []
    real = compare_mod._compare_group
    monkeypatch.setattr(compare_mod, "_compare_group", lambda g, s, key: calls.append(key) or real(g, s, key))

    path = tmp_path / "c"
    cache = ResultCache(path)
    cold = compare_units(series, settings, cache=cache)
    cache.save()
    n_groups = len(calls)
    assert n_groups == series[["unit_schema", "unit_level", "rate"]].drop_duplicates().shape[0]
    pd.testing.assert_frame_equal(cold, plain)

    warm = compare_units(series, settings, cache=ResultCache(path))
    assert len(calls) == n_groups  # every group from the cache
    pd.testing.assert_frame_equal(warm, plain)

    # one more dossier in the last month of one unit: its groups are recomputed, and match a fresh comparison
    changed = series.copy()
    last = changed.index[(changed["unit_code"] == changed["unit_code"].iloc[0]) & (changed["rate"] == "online_rate")][
        -1
    ]
    changed.loc[last, ["successes", "trials"]] += 1
    got = compare_units(changed, settings, cache=ResultCache(path))
    assert calls[n_groups:] == [k for k in calls[:n_groups] if k[2] == "online_rate"]
    pd.testing.assert_frame_equal(got, compare_units(changed, settings))


def _per_group(df: pd.DataFrame) -> tuple[pd.DataFrame, list[int]]:
    """The per-unit loop _drop_overlaps_by_unit replaced."""
    kept, dropped = [], []
    for _key, g in df.groupby(UNIT_KEY, sort=True):
        g2, n = _drop_overlaps(g)
        kept.append(g2)
        dropped.append(n)
    return pd.concat(kept, ignore_index=True), dropped


def test_overlaps_by_unit_match_the_per_unit_loop() -> None:
    rng = np.random.default_rng(7)
    rows = []
    for code in ("555", "557", "558", "560"):
        for m in range(24):
            start = pd.Timestamp(2023, 1, 1) + pd.DateOffset(months=m)
            rows.append((code, start, start + pd.DateOffset(months=1) - timedelta(days=1)))
        if code != "558":  # quarters over months, and one odd span: set aside for the finer periods
            for q in rng.choice(8, 3, replace=False):
                start = pd.Timestamp(2023, 1, 1) + pd.DateOffset(months=3 * int(q))
                rows.append((code, start, start + pd.DateOffset(months=3) - timedelta(days=1)))
            rows.append((code, pd.Timestamp(2023, 2, 10), pd.Timestamp(2023, 2, 20)))
    df = pd.DataFrame(rows, columns=["unit_code", "period_start", "period_end"]).assign(unit_schema="legacy", x=1.0)
    df = df.sort_values(UNIT_KEY + ["period_start", "period_end"], kind="stable").reset_index(drop=True)
    keep, dropped = _drop_overlaps_by_unit(df)
    want, want_dropped = _per_group(df)
    pd.testing.assert_frame_equal(df.loc[keep].reset_index(drop=True), want)
    assert list(dropped.values()) == want_dropped and dropped[("legacy", "558")] == 0
    assert list(dropped) == [("legacy", c) for c in ("555", "557", "558", "560")]
    assert sum(want_dropped) > 0


def test_packed_columns_come_back_identical() -> None:
    n = 6
    cols = {
        "unit_code": np.full(n, "555", dtype=object),
        "kind": np.array(["fit"] * 4 + ["forecast"] * 2, dtype=object),
        "mixed": np.array(
            [1, 1.0, True, None, "1", np.nan], dtype=object
        ),  # equal values of different types stay apart
        "period_start": np.array(
            ["2024-01-01", "NaT", "2024-03-01", "2024-04-01", "2024-05-01", "2024-06-01"], dtype="datetime64[ns]"
        ),
        "estimate": np.array([0.1, np.nan, 0.3, -0.0, np.inf, 1e-300]),
        "n": np.arange(n, dtype=np.int64),
        "flag": np.array([True, True, False, False, True, False]),
        "small": np.array([1.5, 1.5, np.nan, np.nan, 2.0, 2.0], dtype=np.float32),
    }
    packed = pack_columns(cols)
    assert packed[0] == "packed"
    got = unpack_columns(pickle.loads(pickle.dumps(packed, protocol=5)))
    assert list(got) == list(cols)
    for c, a in cols.items():
        assert got[c].dtype == a.dtype, c
        assert [type(x) for x in got[c].tolist()] == [type(x) for x in a.tolist()], c
        if a.dtype == object:
            assert all(x == y or (x != x and y != y) for x, y in zip(got[c], a)), c  # NaN as NaN
        else:
            np.testing.assert_array_equal(got[c], a)
    # the packed form holds a few objects, not one per row: here the whole kind column is two runs
    assert packed[4]["kind"][1] == [("fit", 4), ("forecast", 2)]


def test_columns_that_cannot_be_packed_are_kept_as_they_are() -> None:
    ragged = {"a": np.arange(3.0), "b": np.arange(4.0)}
    assert unpack_columns(pack_columns(ragged)) is ragged
    assert unpack_columns(pack_columns({})) == {}


def test_runs_in_one_process_equal_runs_without_cache(small_panel: pd.DataFrame, tmp_path: Path) -> None:
    """Shards remembered by the process and fits unpacked once change no result: a correction, its
    undoing, a fresh process (memo emptied) and a cache folder deleted under the process all match no cache."""
    import motcua.cache.results as cache_mod
    import motcua.model.run as run_mod
    from motcua.model import run_model

    def same(a, b) -> None:
        for name in ("trends", "trend_summary", "comparison", "targets"):
            pd.testing.assert_frame_equal(getattr(a, name), getattr(b, name))

    path = tmp_path / "fits"
    corrected = small_panel.copy()
    code = sorted(corrected["unit_code"].unique())[1]
    first = corrected[corrected["unit_code"] == code].sort_values("period_start").index[0]
    corrected.loc[first, "received_online"] += 1
    corrected.loc[first, "received_offline"] -= 1
    plain, plain_corrected = run_model(small_panel), run_model(corrected)
    same(run_model(small_panel, cache_file=path), plain)
    same(run_model(small_panel, cache_file=path), plain)  # warm: every shard from the memo
    same(run_model(corrected, cache_file=path), plain_corrected)
    same(run_model(small_panel, cache_file=path), plain)  # the correction undone
    cache_mod._MEMO.clear()
    run_mod._UNPACKED.clear()
    same(run_model(corrected, cache_file=path), plain_corrected)  # as a fresh process: shards read from disk
    shutil.rmtree(path)
    same(run_model(small_panel, cache_file=path), plain)  # nothing remembered outlives the folder
    assert len(list(path.glob("*.pkl"))) > 1
