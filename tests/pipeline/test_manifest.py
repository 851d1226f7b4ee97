from pathlib import Path

import pandas as pd

from motcua.pipeline.manifest import Manifest, ReportEntry
from motcua.pipeline.unit_hash import frame_hash, unit_input_hash


def _entry(code: str, status: str = "ok") -> ReportEntry:
    return ReportEntry(code, f"Huyện {code}", f"units/{code}.html", status, "" if status == "ok" else "boom", "h" + code, "0.1", "t")


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
    return {"panel": panel, "trends": panel.iloc[0:0], "summary": summary, "comparison": pd.DataFrame({"x": [1]}),
            "quality": pd.DataFrame(), "meta": {"synthetic": True}}


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
