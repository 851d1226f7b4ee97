"""quality.csv rows carry the era and code of the unit the reader matched, and reports find a unit's findings by
that code (names are re-matched only for rows without one)."""

from __future__ import annotations

from pathlib import Path

import pandas as pd
import pytest

from motcua import products
from motcua.quality import QUALITY_COLUMNS, Quality, matched_unit
from motcua.report.context import quality_unit_codes

ROOT = Path(__file__).resolve().parents[2]


class _Match:
    def __init__(self, code: str | None, schema: str = "legacy") -> None:
        self.unit_code, self.unit_schema = code, schema


def test_the_finding_builder_fills_the_code_of_a_match_only():
    q = Quality()
    q.add("a.xlsx", "unit_matched_fuzzy", "warning", "m", unit="555", match=_Match("555", "2025"))
    q.add("a.xlsx", "unit_unmatched", "error", "m", unit="Huyện Không Có", match=_Match(None))
    q.add("a.xlsx", "ignored_sheet", "info", "m")
    f = q.frame()
    assert list(f.columns) == QUALITY_COLUMNS == list(products.QUALITY.columns)
    assert f[["unit_schema", "unit_code"]].values.tolist() == [["2025", "555"], ["", ""], ["", ""]]
    assert matched_unit(None) == ("", "")


@pytest.fixture(scope="module")
def sample_quality(tmp_path_factory: pytest.TempPathFactory) -> tuple[pd.DataFrame, pd.DataFrame]:
    from motcua.clean.run import run_clean

    out = tmp_path_factory.mktemp("processed")
    run_clean([ROOT / "data" / "raw" / "sample"], out, cache_dir=out / ".cache")
    return products.QUALITY.read(out), products.PANEL.read(out)


def test_sample_findings_about_a_unit_carry_its_code(sample_quality):
    q, panel = sample_quality
    coded = q[q["unit_code"] != ""]
    assert len(coded) > 0
    keys = set(zip(panel["unit_schema"].astype(str), panel["unit_code"].astype(str)))
    # every code names a unit of its era in the panel (the sample's findings are about units it keeps)
    assert all((s, c) in keys for s, c in zip(coded["unit_schema"], coded["unit_code"]))
    assert (coded["unit_schema"] != "").all()


def test_a_code_wins_over_the_name_and_is_never_re_matched():
    panel = pd.DataFrame(
        {"unit_schema": "legacy", "unit_code": ["555", "559"], "unit_name": ["Thành phố Tuy Hòa", "Huyện Tuy An"]}
    )
    q = pd.DataFrame(
        {
            "unit": ["Huyện Tuy An", "Huyện Tuy An", "777"],
            "unit_schema": ["legacy", "", "legacy"],
            "unit_code": ["555", "", "777"],
        }
    )
    # the reader's code wins; the uncoded row falls back to its name; a code no unit here has is about none of them
    assert quality_unit_codes(q, panel, "legacy").tolist() == ["555", "559", ""]
