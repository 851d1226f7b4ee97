"""The clean notebook's data-quality summary: it agrees with quality.csv and the counts."""

from __future__ import annotations

from pathlib import Path

import pytest

from motcua.clean import by_rule, by_unit, counts_table, dropped, headline, run_clean

SAMPLE = Path(__file__).resolve().parents[2] / "data" / "raw" / "sample"


@pytest.fixture(scope="module")
def result():
    return run_clean([SAMPLE])


def _int(s: str) -> int:
    return int(str(s).replace(".", "").replace(",", ""))


def test_counts_and_headline_agree_with_the_run(result):
    m = result.meta
    t = counts_table(result, "vi")
    values = dict(zip(t.iloc[:, 0], t.iloc[:, 1]))
    assert _int(values["Dòng đọc được (đơn vị × kỳ)"]) == m["rows"]["in"] == m["rows"]["kept"] + m["rows"]["dropped"]
    assert _int(values["Dòng giữ lại trong bảng"]) == len(result.panel)
    text = headline(result, "vi")
    assert f"giữ **{m['rows']['kept']}**" in text.replace(".", "") and "Dữ liệu mẫu" in text
    assert "Synthetic sample" in headline(result, "en")


def test_by_rule_counts_every_finding_once_most_severe_first(result):
    t = by_rule(result.quality, "vi")
    assert sum(_int(x) for x in t["Số lượng" if "Số lượng" in t.columns else t.columns[-1]]) == len(result.quality)
    severities = list(t.iloc[:, 2])
    order = {"Lỗi": 0, "Cảnh báo": 1, "Thông tin": 2}
    assert [order.get(s, 9) for s in severities] == sorted(order.get(s, 9) for s in severities)
    assert not t.iloc[:, 1].str.fullmatch(r"[a-z_]+").any()  # described in words, not rule ids


def test_by_unit_and_dropped(result):
    q = result.quality
    u = by_unit(q, result.panel, "vi")
    assert u.iloc[:, 1:].to_numpy().sum() == (q["unit"].astype(str) != "").sum()
    assert any("Thành phố Tuy Hòa" in str(x) for x in u.iloc[:, 0])
    d = dropped(q, "vi")
    assert len(d) == q["action"].isin(["dropped", "value_removed", "file_skipped", "dossiers_rejected"]).sum() > 0
