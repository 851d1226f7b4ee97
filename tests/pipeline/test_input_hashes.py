"""Row digests and the render stage's table hashes: exact, index-free, per unit, kept by the files' sha256."""

from __future__ import annotations

import json
from pathlib import Path

import numpy as np
import pandas as pd
import pytest

import motcua.pipeline.input_hashes as ih
from motcua import locations as loc
from motcua.pipeline.unit_hash import UnitHasher, frame_hash, overview_input_hash
from motcua.row_digest import row_digests


def _panel() -> pd.DataFrame:
    rows = []
    for code in ("555", "557", "558"):
        for m in range(1, 5):
            rows.append(
                {
                    "unit_schema": "legacy",
                    "unit_code": code,
                    "unit_name": f"Huyện {code}",
                    "unit_level": "district",
                    "period_start": pd.Timestamp(2024, m, 1),
                    "period_end": pd.Timestamp(2024, m, 28),
                    "received_total": 10 * m,
                    "pending_total": None if m == 2 else m,
                    "source": "a.xlsx",
                }
            )
    p = pd.DataFrame(rows)
    p["pending_total"] = p["pending_total"].astype("Int64")
    return p


def test_digests_see_every_value_and_no_index():
    a = pd.DataFrame(
        {"x": [1.0, np.nan, -0.0], "t": ["a", None, "a\x00b"], "d": pd.to_datetime(["2024-01-01", None, "2024-02-01"])}
    )
    base = row_digests(a).whole()
    assert row_digests(a.set_axis([7, 8, 9])).whole() == base
    for col, i, v in (
        ("x", 1, 0.0),
        ("x", 2, 0.0),
        ("t", 1, "None"),
        ("t", 2, "a\x00c"),
        ("d", 1, pd.Timestamp("1970-01-01")),
    ):
        b = a.copy()
        b.loc[i, col] = v
        assert row_digests(b).whole() != base, (col, i, v)
    assert frame_hash(a[["x"]]) != frame_hash(a[["x"]].rename(columns={"x": "y"}))
    assert frame_hash(pd.DataFrame({"x": [1]})) != frame_hash(pd.DataFrame({"x": ["1"]}))


def test_a_groups_digest_is_its_rows_wherever_they_are():
    p = _panel()
    shuffled = p.sample(frac=1, random_state=3)
    d = row_digests(p)
    by = d.by(p["unit_code"])
    for code in by:
        assert by[code] == d.of(np.flatnonzero(p["unit_code"] == code))
        # the same rows in another order (the table's order within the unit differs)
        same = shuffled[shuffled["unit_code"] == code].sort_values("period_start")
        assert row_digests(same).whole() == by[code]
    whole, grouped = d.grouped(p["unit_code"])
    assert grouped == by and whole != ih.table_hashes(shuffled).whole
    assert ih.table_hashes(p).whole == ih.table_hashes(p.set_axis(range(100, 100 + len(p)))).whole


def test_a_code_of_each_era_has_its_own_slice():
    """Codes are re-used across eras: the legacy unit 557 and a 2025 unit 557 are two units, each with its hash
    (keyed "<schema>:<code>"); a correction to one leaves the other's as it was."""
    p = _panel()
    new = p[p["unit_code"] == "557"].assign(unit_schema="2025", unit_level="commune", unit_name="Xã 557")
    both = pd.concat([p, new], ignore_index=True)
    before = ih.table_hashes(both).slices
    assert {"legacy:557", "2025:557"} <= set(before) and "557" not in before
    both.loc[(both["unit_schema"] == "2025") & (both["unit_code"] == "557"), "received_total"] += 1
    after = ih.table_hashes(both).slices
    assert {k for k in before if before[k] != after[k]} == {"2025:557"}
    # a table without unit_schema keys by code, as before
    assert set(ih.table_hashes(p.drop(columns="unit_schema")).slices) == {"555", "557", "558"}


def _write(data: Path, panel: pd.DataFrame) -> None:
    data.mkdir(exist_ok=True)
    panel.to_parquet(data / loc.PANEL, index=False)
    trends = panel[["unit_schema", "unit_code", "period_start"]].assign(rate="online_rate", kind="fit", estimate=0.5)
    trends.to_parquet(data / loc.TRENDS, index=False)
    summary = pd.DataFrame(
        {
            "unit_schema": "legacy",
            "unit_code": ["555", "557", "558"],
            "rate": "online_rate",
            "rank": [1, 2, 3],
            "shrunk_rate": [0.7, 0.6, 0.5],
        }
    )
    summary.to_parquet(data / loc.TREND_SUMMARY, index=False)
    summary[["unit_code", "rate", "shrunk_rate"]].to_parquet(data / loc.COMPARISON, index=False)
    pd.DataFrame({"unit": ["555", "Huyện 557", ""], "rule": ["r1", "r2", "r3"]}).to_csv(data / loc.QUALITY, index=False)


def _shas(data: Path) -> dict[str, str]:
    from motcua.pipeline.stamps import input_shas

    return input_shas(data)


def _frames(data: Path) -> dict:
    from motcua.pipeline.plan import load_model_inputs

    return load_model_inputs(data)


def test_file_hashes_are_the_frames_hashes_and_are_kept(tmp_path, monkeypatch):
    data = tmp_path / "data"
    _write(data, _panel())
    tables = ih.file_hashes(data, _shas(data))
    frames = _frames(data)
    from_files = UnitHasher(frames, "nb", "code", "cfg", tables)
    from_frames = UnitHasher(frames, "nb", "code", "cfg")
    for code in ("555", "557", "558"):
        assert from_files(code, {}) == from_frames(code, {})
    assert overview_input_hash(frames, {}, "nb", "code", "cfg", from_files.whole) == overview_input_hash(
        frames, {}, "nb", "code", "cfg"
    )
    assert set(tables["quality"].slices) == {"555", "Huyện 557", ""}
    # unchanged files are not read again
    monkeypatch.setattr(ih, "_read", lambda *a: pytest.fail("read although unchanged"))
    assert ih.file_hashes(data, _shas(data)) == tables


def test_a_correction_changes_that_units_hashes_only(tmp_path):
    data = tmp_path / "data"
    panel = _panel()
    _write(data, panel)
    before = ih.file_hashes(data, _shas(data))
    panel.loc[(panel["unit_code"] == "557") & (panel["period_start"].dt.month == 1), "received_total"] += 1
    panel.to_parquet(data / loc.PANEL, index=False)
    after = ih.file_hashes(data, _shas(data))
    changed = {c for c in before["panel"].slices if before["panel"].slices[c] != after["panel"].slices[c]}
    assert changed == {"legacy:557"} and before["panel"].whole != after["panel"].whole
    assert before["trends"] == after["trends"] and before["quality"] == after["quality"]


def test_a_torn_or_foreign_cache_is_hashed_again(tmp_path):
    data = tmp_path / "data"
    _write(data, _panel())
    good = ih.file_hashes(data, _shas(data))
    path = loc.interim_dir(data) / "input_hashes.json"
    path.write_text("{torn", encoding="utf-8")
    assert ih.file_hashes(data, _shas(data)) == good
    stored = json.loads(path.read_text(encoding="utf-8"))
    stored["tables"]["panel"]["slices"]["555"] = "forged"
    stored["format"] = "another"
    path.write_text(json.dumps(stored), encoding="utf-8")
    assert ih.file_hashes(data, _shas(data)) == good
    (data / loc.QUALITY).unlink()
    assert ih.file_hashes(data, _shas(data))["quality"] == ih.TableHashes("empty", {})


def test_the_clean_stages_tables_hashed_in_the_background_are_not_read_again(tmp_path, monkeypatch):
    data = tmp_path / "data"
    panel = _panel()
    _write(data, panel)
    ih.file_hashes(data, _shas(data))  # a build before: every table in the cache
    panel.loc[panel["unit_code"] == "557", "received_total"] += 1  # the clean stage ran again
    panel.to_parquet(data / loc.PANEL, index=False)
    ih.hash_in_background(data).join()
    read = []
    real = ih._read
    monkeypatch.setattr(ih, "_read", lambda path, name: read.append(name) or real(path, name))
    planned = ih.file_hashes(data, _shas(data))
    assert read == [], "planning read a table hashed while the model stage ran"
    monkeypatch.setattr(ih, "_read", real)
    (loc.interim_dir(data) / "input_hashes.json").unlink()
    assert planned == ih.file_hashes(data, _shas(data))  # the same as hashing everything afresh
    # hashing some tables keeps what the cache held for the others
    stored = json.loads((loc.interim_dir(data) / "input_hashes.json").read_text(encoding="utf-8"))["tables"]
    ih.file_hashes(data, _shas(data), ("quality",))
    assert json.loads((loc.interim_dir(data) / "input_hashes.json").read_text(encoding="utf-8"))["tables"] == stored


def test_trends_hashed_as_soon_as_written_are_not_read_again(tmp_path, monkeypatch):
    from motcua.pipeline.hash_watch import HashWhenWritten

    data = tmp_path / "data"
    panel = _panel()
    _write(data, panel)
    ih.file_hashes(data, _shas(data))  # a build before: every table in the cache
    idle = HashWhenWritten(data, every_s=0.01)
    idle.stop()  # the model stage was up to date: nothing changed, nothing hashed
    assert idle.hashed == []
    watch = HashWhenWritten(data, every_s=0.01)
    trends = pd.read_parquet(data / loc.TRENDS).assign(estimate=0.25)  # the model stage ran again
    tmp = data / "trends.tmp"
    trends.to_parquet(tmp, index=False)
    tmp.replace(data / loc.TRENDS)
    watch.thread.join(timeout=30)  # it leaves once every table it watches is hashed
    watch.stop()
    assert watch.hashed == ["trends"]
    read = []
    real = ih._read
    monkeypatch.setattr(ih, "_read", lambda path, name: read.append(name) or real(path, name))
    planned = ih.file_hashes(data, _shas(data))
    assert read == [], "planning read trends although it was hashed when written"
    monkeypatch.setattr(ih, "_read", real)
    (loc.interim_dir(data) / "input_hashes.json").unlink()
    assert planned == ih.file_hashes(data, _shas(data))  # the same as hashing everything afresh


def _continuity(panel: pd.DataFrame, shift: int = 0) -> pd.DataFrame:
    """A continuity.parquet of the shape the model writes: a district's continuation and the province's series."""
    from motcua.model.continuity import _frame

    rows = [
        {
            "kind": "district_continuation",
            "unit_schema": "legacy",
            "unit_code": "557",
            "era": "2025",
            "period_start": pd.Timestamp(2025, 7, 1),
            "period_end": pd.Timestamp(2025, 7, 31),
            "received_total": 5 + shift,
        },
        {
            "kind": "province",
            "unit_schema": "2025",
            "unit_code": "66",
            "era": "legacy",
            "period_start": pd.Timestamp(2024, 1, 1),
            "period_end": pd.Timestamp(2024, 1, 31),
            "received_total": 30,
        },
    ]
    return _frame(rows)


def test_a_change_in_continuity_rebuilds_that_unit_and_the_overview_only(tmp_path):
    data = tmp_path / "data"
    _write(data, _panel())

    def hashes() -> tuple[dict[str, str], str]:
        tables = ih.file_hashes(data, _shas(data))
        frames = _frames(data)
        h = UnitHasher(frames, "nb", "code", "cfg", tables)
        from_frames = UnitHasher(frames, "nb", "code", "cfg")
        units = {k: h(k, {}) for k in ("legacy:555", "legacy:557", "legacy:558")}
        assert units == {k: from_frames(k, {}) for k in units}  # from the file or from the frame: the same
        over = overview_input_hash(frames, {}, "nb", "code", "cfg", h.whole)
        assert over == overview_input_hash(frames, {}, "nb", "code", "cfg")
        return units, over

    without, over0 = hashes()
    _continuity(_panel()).to_parquet(data / loc.CONTINUITY, index=False)
    first, over1 = hashes()
    assert {k for k in first if first[k] != without[k]} == {"legacy:557"} and over1 != over0
    _continuity(_panel(), shift=1).to_parquet(data / loc.CONTINUITY, index=False)
    second, over2 = hashes()
    assert {k for k in second if second[k] != first[k]} == {"legacy:557"} and over2 != over1
    assert "continuity" in UnitHasher(_frames(data), "nb", "code", "cfg").components("legacy:557", {})


def test_the_model_stage_reruns_when_continuity_is_missing(tmp_path, monkeypatch):
    from motcua.pipeline import stages

    data = tmp_path / "data"
    _write(data, _panel())
    ran: list[str] = []

    def fake_run(kernel, notebook, params, out):
        ran.append(notebook)
        _continuity(_panel()).to_parquet(data / loc.CONTINUITY, index=False)

    monkeypatch.setattr(stages, "_run_stage_notebook", fake_run)
    res = stages.model_stage(data, tmp_path / "executed")
    assert res.ran and data / loc.CONTINUITY in res.outputs
    assert not stages.model_stage(data, tmp_path / "executed").ran  # all outputs there, same inputs: skipped
    (data / loc.CONTINUITY).unlink()
    assert stages.model_stage(data, tmp_path / "executed").ran and len(ran) == 2
    assert loc.CONTINUITY in stages.RENDER_INPUTS
