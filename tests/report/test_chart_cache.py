"""The chart cache: keys over everything a chart depends on, entries read back byte for byte, bounded size."""

from __future__ import annotations

import os

import numpy as np
import pandas as pd
import pytest

from motcua.report.chart_cache import ChartCache, chart_key
from motcua.report.charts import draw


def frame() -> pd.DataFrame:
    return pd.DataFrame(
        {
            "unit_code": ["001", "002"],
            "period_start": pd.to_datetime(["2021-01-01", "2021-02-01"]),
            "v": pd.array([3, None], dtype="Int64"),
            "r": [0.5, np.nan],
        }
    )


def test_key_is_stable_and_sees_every_value_name_and_type():
    base = chart_key("f", "vi", frame(), 0.9, None)
    assert base == chart_key("f", "vi", frame(), 0.9, None)
    changed = frame()
    changed.loc[0, "v"] = 4
    renamed = frame().rename(columns={"r": "rate"})
    variants = [
        chart_key("g", "vi", frame(), 0.9, None),
        chart_key("f", "en", frame(), 0.9, None),
        chart_key("f", "vi", changed, 0.9, None),
        chart_key("f", "vi", renamed, 0.9, None),
        chart_key("f", "vi", frame(), 0.9000001, None),
        chart_key("f", "vi", frame(), None, 0.9),
        chart_key("f", "vi", frame().iloc[::-1], 0.9, None),
        chart_key("f", "vi", frame()["v"].astype("float64"), 0.9, None),
        chart_key("f", "vi", frame(), "0.9", None),
        chart_key("f", ("vi",), frame(), 0.9, None),
    ]
    assert len({base, *variants}) == len(variants) + 1


def test_key_tells_missing_from_empty_or_zero():
    assert chart_key(pd.Series(["a", None], dtype="string")) != chart_key(pd.Series(["a", ""], dtype="string"))
    assert chart_key(pd.Series([1, None], dtype="Int64")) != chart_key(pd.Series([1, 0], dtype="Int64"))
    assert chart_key(pd.Series([1, None], dtype="Int64")) != chart_key(pd.Series([None, 1], dtype="Int64"))
    assert chart_key(pd.Series([1.0, np.nan])) != chart_key(pd.Series([1.0, 0.0]))


def test_key_holds_the_code_version(monkeypatch):
    before = chart_key("f", 1)
    monkeypatch.setattr("motcua.version.source_hash", lambda: "another version")
    assert chart_key("f", 1) != before


def test_key_hashes_the_values_a_table_may_hold():
    import datetime
    import decimal

    values = [
        pd.Timestamp("2021-01-01"),
        datetime.date(2021, 1, 1),
        pd.Timedelta(days=1),
        np.datetime64("2021-01-01"),
        decimal.Decimal("1.10"),
        decimal.Decimal("1.1"),
        np.int64(3),
        np.float32(0.5),
        True,
        pd.NA,
    ]
    keys = [chart_key(pd.Series([v], dtype=object)) for v in values]
    assert len(set(keys)) == len(keys)


def test_key_refuses_what_it_cannot_hash_exactly():
    with pytest.raises(TypeError):
        chart_key(object())


def test_cache_round_trip_and_misses(tmp_path):
    c = ChartCache(tmp_path / "charts")
    assert c.get("k") is None and c.misses == 1
    c.put("k", b"\x89PNG bytes")
    assert c.get("k") == b"\x89PNG bytes" and c.hits == 1
    assert c.get("k", ".npz") is None


def test_unwritable_folder_is_not_an_error(tmp_path):
    blocker = tmp_path / "file"
    blocker.write_text("x")
    c = ChartCache(blocker / "charts")  # a folder below a file cannot exist
    c.put("k", b"data")
    assert c.get("k") is None


def test_prune_keeps_this_builds_entries_then_the_most_recent(tmp_path):
    folder = tmp_path / "charts"
    old = ChartCache(folder)
    for i in range(6):
        old.put(f"old{i}", bytes(100))
        os.utime(folder / f"old{i}.png", ns=(i * 10**9, i * 10**9))
    c = ChartCache(folder, max_bytes=350)
    c.put("new", bytes(100))
    os.utime(folder / "new.png", ns=(0, 0))  # oldest on disk, but used by this build
    assert c.prune() == 4
    assert sorted(p.name for p in folder.iterdir()) == ["new.png", "old4.png", "old5.png"]


def test_draw_reads_a_cached_chart_back_byte_for_byte(tmp_path):
    calls = []

    def paint(fig):
        calls.append(1)
        ax = fig.add_subplot()
        ax.plot([0, 1, 2], [0.2, 0.5, 0.4])

    c = ChartCache(tmp_path)
    plain = draw(2.0, paint, "alt", "cap")
    first = draw(2.0, paint, "alt", "cap", cache=c, key="k")
    second = draw(2.0, paint, "other alt", "cap", cache=ChartCache(tmp_path), key="k")
    assert len(calls) == 2 and first == plain and second.uri == plain.uri and second.alt == "other alt"
    draw(2.5, paint, "alt", "cap", cache=c, key="k")  # another size is another chart
    draw(2.0, paint, "alt", "cap", cache=c, key="k2")
    assert len(calls) == 4


def test_a_torn_entry_is_drawn_again(tmp_path):
    calls = []

    def paint(fig):
        calls.append(1)
        fig.add_subplot().plot([0, 1], [1, 0])

    c = ChartCache(tmp_path)
    first = draw(2.0, paint, "alt", "cap", cache=c, key="k")
    (entry,) = tmp_path.iterdir()
    entry.write_bytes(entry.read_bytes()[:100])  # e.g. a crash between write and flush
    assert draw(2.0, paint, "alt", "cap", cache=ChartCache(tmp_path), key="k") == first
    assert len(calls) == 2
