"""The PAR index table in the rebuild hashes: a changed PAR score rebuilds that unit's report and the overview only;
the render stage's key sees par_index.parquet."""

from __future__ import annotations

from pathlib import Path

import pandas as pd

import motcua.pipeline.input_hashes as ih
from motcua import locations as loc
from motcua.pipeline import stages, stamps
from motcua.pipeline.unit_hash import UNIT_PARTS, UnitHasher, overview_input_hash


def _inputs(par: pd.DataFrame | None) -> dict:
    rows = [
        {
            "unit_schema": "legacy",
            "unit_code": c,
            "unit_name": c,
            "period_start": pd.Timestamp(2024, 1, 1),
            "received_total": 5,
        }
        for c in ("557", "558")
    ]
    empty = pd.DataFrame({"unit_code": pd.Series([], dtype=str), "rate": pd.Series([], dtype=str)})
    out = {
        "panel": pd.DataFrame(rows),
        "trends": empty,
        "summary": empty,
        "comparison": empty,
        "quality": pd.DataFrame({"unit": ["557"], "rule": ["x"]}),
        "meta": {},
    }
    if par is not None:
        out["par"] = par
    return out


def _par(score: float = 73.34) -> pd.DataFrame:
    return pd.DataFrame(
        {
            "year": [2022, 2022],
            "unit_schema": ["legacy", "legacy"],
            "unit_code": ["557", "558"],
            "kind": ["total", "total"],
            "field": ["total", "total"],
            "score": [score, 64.15],
        }
    )


def test_a_changed_score_changes_its_units_hash_and_the_overviews_only():
    assert "par" in UNIT_PARTS and "par" in ih.TABLES and loc.PAR_INDEX in stages.RENDER_INPUTS
    a, b = UnitHasher(_inputs(_par()), "nb", "code"), UnitHasher(_inputs(_par(73.35)), "nb", "code")
    pa, pb = a.components("legacy:557", {}), b.components("legacy:557", {})
    assert [k for k in UNIT_PARTS if pa[k] != pb[k]] == ["par"]
    assert a.components("legacy:558", {}) == b.components("legacy:558", {})
    assert overview_input_hash(_inputs(_par()), {}, "nb", "code") != overview_input_hash(
        _inputs(_par(73.35)), {}, "nb", "code"
    )
    # without the table (or with none of the unit's rows), the part is "empty" and the overview's part ""
    none = UnitHasher(_inputs(None), "nb", "code").components("legacy:557", {})
    assert none["par"] == "empty"
    assert overview_input_hash(_inputs(None), {}, "nb", "code") != overview_input_hash(
        _inputs(_par()), {}, "nb", "code"
    )


def test_file_hashes_read_par_index_and_the_render_key_sees_it(tmp_path: Path):
    data = tmp_path / "processed"
    data.mkdir()
    _par().to_parquet(data / loc.PAR_INDEX, index=False)
    shas = {loc.PAR_INDEX: _sha(data / loc.PAR_INDEX)}
    got = ih.file_hashes(data, shas, ("par",))["par"]
    assert set(got.slices) == {"legacy:557", "legacy:558"}
    before = stamps.render_key(data, "vi")
    _par(73.35).to_parquet(data / loc.PAR_INDEX, index=False)
    assert stamps.render_key(data, "vi") != before


def _sha(p: Path) -> str:
    from motcua.files import sha256_file

    return sha256_file(p)
