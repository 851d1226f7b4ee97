from pathlib import Path

import pandas as pd

from motcua.pipeline.manifest import Manifest, ReportEntry
from motcua.pipeline.unit_hash import frame_hash, unit_input_hash


def _entry(code: str, status: str = "ok") -> ReportEntry:
    return ReportEntry(
        code, f"Huyện {code}", f"units/{code}.html", status, "" if status == "ok" else "boom", "h" + code, "0.1", "t"
    )


def test_manifest_round_trip(tmp_path: Path):
    m = Manifest(reports={"555": _entry("555"), "557": _entry("557", "failed")}, overview=_entry("province"))
    m.save(tmp_path / "manifest.json")
    back = Manifest.load(tmp_path / "manifest.json")
    assert back.to_dict() == m.to_dict()
    assert back.reports["557"].status == "failed"


def test_unreadable_manifest_means_rebuild_everything(tmp_path: Path):
    (tmp_path / "manifest.json").write_text("{not json")
    assert Manifest.load(tmp_path / "manifest.json").reports == {}


def _inputs(panel_rows):
    panel = pd.DataFrame(panel_rows)
    summary = pd.DataFrame({"unit_code": ["1", "2"], "rate": ["online_rate"] * 2, "rank": [1, 2]})
    return {
        "panel": panel,
        "trends": panel.iloc[0:0],
        "summary": summary,
        "comparison": pd.DataFrame({"x": [1]}),
        "quality": pd.DataFrame(),
        "meta": {"synthetic": True},
    }


def test_unit_hash_changes_only_for_the_corrected_unit():
    rows = [{"unit_code": "1", "received_total": 10}, {"unit_code": "2", "received_total": 20}]
    before = _inputs(rows)
    rows[0]["received_total"] = 11
    after = _inputs(rows)
    h = lambda inp, c: unit_input_hash(inp, c, {"unit_code": c}, "nb", "code")  # noqa: E731
    assert h(before, "1") != h(after, "1")
    assert h(before, "2") == h(after, "2")
    # a change of the notebook or code re-renders every unit
    assert unit_input_hash(before, "2", {"unit_code": "2"}, "nb2", "code") != h(before, "2")


def test_frame_hash_ignores_row_index_but_not_values():
    a = pd.DataFrame({"x": [1, 2]})
    assert frame_hash(a) == frame_hash(a.set_axis([5, 6]))
    assert frame_hash(a) != frame_hash(pd.DataFrame({"x": [1, 3]}))


def test_the_parts_that_changed_are_named():
    from motcua.pipeline.unit_hash import UnitHasher, changed_parts, fingerprint, hash_components

    rows = [{"unit_code": "1", "received_total": 10}, {"unit_code": "2", "received_total": 20}]
    before = _inputs(rows)
    rows[0]["received_total"] = 11
    after = _inputs(rows)
    moved = _inputs(rows) | {"comparison": pd.DataFrame({"x": [2]})}

    def parts(inp, code, nb="nb"):
        return fingerprint(UnitHasher(inp, nb, "code").components(code, {"unit_code": code}))

    assert changed_parts(parts(before, "1"), parts(after, "1")) == ["panel"]
    assert changed_parts(parts(before, "2"), parts(after, "2")) == []
    assert changed_parts(parts(after, "2"), parts(moved, "2")) == ["comparison"]
    assert changed_parts(parts(after, "2"), parts(after, "2", nb="nb2")) == ["notebook"]
    assert changed_parts({}, parts(after, "2")) == ["not recorded"]
    # the components hash to the report's input hash
    comps = UnitHasher(after, "nb", "code").components("1", {"unit_code": "1"})
    assert hash_components(comps) == unit_input_hash(after, "1", {"unit_code": "1"}, "nb", "code")


def test_parts_survive_the_round_trip(tmp_path: Path):
    e = _entry("555")
    e.parts = {"panel": "abc", "comparison": "def"}
    Manifest(reports={"555": e}).save(tmp_path / "manifest.json")
    assert Manifest.load(tmp_path / "manifest.json").reports["555"].parts == e.parts
