"""The sample's PAR index tables: read back as designed (Sông Cầu 2022 as published: 73,34 points, 3rd of 9, its
field scores; 8,48 points fewer and 6th in 2021), each planted defect one finding naming file, sheet and row."""

from __future__ import annotations

from pathlib import Path

import pandas as pd
import pytest

from motcua.clean.par import build_par_index
from motcua.clean.run import _context
from motcua.quality import Quality
from motcua.sample import DEFAULT_SEED, sample_defects
from motcua.sample.par import OVER_MAX, PAR_TOTALS, RANK_TIE, SONG_CAU_2022, TOTAL_OFF, par_scores

SHIPPED = Path(__file__).resolve().parents[2] / "data" / "raw" / "sample"


def _read() -> tuple[pd.DataFrame, dict, pd.DataFrame]:
    q = Quality()
    files = [(p, p.name, "0" * 64) for p in sorted(SHIPPED.glob("chi-so-cchc_*.xlsx"))]
    table, counts = build_par_index(files, q, _context())
    return table, counts, q.frame()


@pytest.fixture(scope="module")
def par() -> tuple[pd.DataFrame, dict, pd.DataFrame]:
    return _read()


def test_song_cau_2022_as_published(par):
    table = par[0]
    sc = table[(table["unit_code"] == "557") & (table["year"] == 2022)]
    total = sc[sc["kind"] == "total"].iloc[0]
    assert (total["score"], total["rank"], total["rank_of"], total["grade"]) == (73.34, 3, 9, "Khá")
    assert sc[sc["kind"] == "field"].set_index("field")["score"].to_dict() == SONG_CAU_2022
    assert (
        sc.loc[sc["field"] == "procedures", "max_score"].iloc[0] == 22
        and sc.loc[sc["field"] == "e_government", "max_score"].iloc[0] == 16
    )
    before = table[(table["unit_code"] == "557") & (table["year"] == 2021) & (table["kind"] == "total")].iloc[0]
    assert round(total["score"] - before["score"], 2) == 8.48 and (before["rank"], before["rank_of"]) == (6, 9)


def test_every_year_every_district_apart_from_the_planted_defects(par):
    table, counts, _ = par
    assert counts == {"files": 4, "sheets": 4, "in": 36, "kept": 34, "dropped": 2}
    tot = table[table["kind"] == "total"]
    got = {(int(r.year), r.unit_code): r.score for r in tot.itertuples()}
    want = {
        (y, c): v for y, d in PAR_TOTALS.items() for c, v in d.items() if (y, c) not in (OVER_MAX[:2], TOTAL_OFF[:2])
    }
    assert got == want
    fields = table[table["kind"] == "field"]
    assert (
        fields.groupby(["year", "unit_code"])["score"].sum().round(2) == tot.set_index(["year", "unit_code"])["score"]
    ).all()
    truth = par_scores(DEFAULT_SEED)
    assert (
        fields[(fields["year"] == 2024) & (fields["unit_code"] == "555")].set_index("field")["score"].to_dict()
        == truth[2024]["555"]
    )


def test_planted_defects_each_one_finding(par):
    table, _, q = par
    kinds = {d["defect"] for d in sample_defects()}
    assert {"par_over_max", "par_total_mismatch", "par_rank_tie"} <= kinds
    by = {r["rule"]: r for r in q.to_dict("records")}
    assert set(by) == {"par_over_max", "par_total_mismatch", "par_rank_inconsistent"} and len(q) == 3
    assert (
        by["par_over_max"]["file"] == f"chi-so-cchc_cap-huyen_{OVER_MAX[0]}.xlsx"
        and by["par_over_max"]["unit"] == OVER_MAX[1]
    )
    assert (
        by["par_total_mismatch"]["file"].endswith(f"{TOTAL_OFF[0]}.xlsx")
        and by["par_total_mismatch"]["unit"] == TOTAL_OFF[1]
    )
    tie = by["par_rank_inconsistent"]
    assert (
        tie["file"].endswith(f"{RANK_TIE[0]}.xlsx") and tie["unit"] == RANK_TIE[1] and tie["action"] == "value_removed"
    )
    assert all(r["sheet"] and r["row"] > 5 for r in by.values())
    kept = table[
        (table["year"] == RANK_TIE[0]) & (table["unit_code"] == RANK_TIE[1]) & (table["kind"] == "total")
    ].iloc[0]
    assert pd.isna(kept["rank"]) and kept["score"] == PAR_TOTALS[RANK_TIE[0]][RANK_TIE[1]]


def test_same_table_under_the_2025_configuration(par, tmp_path, monkeypatch):
    """Configured as the 2025 province (Đắk Lắk, 66), the legacy years are still matched in Phú Yên's districts."""
    import shutil

    import yaml

    cfg = tmp_path / "config66"
    shutil.copytree(SHIPPED.parents[2] / "config", cfg)
    prov = yaml.safe_load((cfg / "province.yaml").read_text(encoding="utf-8"))
    prov.update(
        {"province_code": "66", "province_name": "Tỉnh Đắk Lắk", "unit_schema": "2025", "unit_level": "commune"}
    )
    (cfg / "province.yaml").write_text(yaml.safe_dump(prov, allow_unicode=True), encoding="utf-8")
    monkeypatch.setenv("MOTCUA_CONFIG", str(cfg))
    table, _, q = _read()
    pd.testing.assert_frame_equal(table, par[0])
    assert list(q["rule"]) == list(par[2]["rule"])
