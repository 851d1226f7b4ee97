"""Post-reform exports unlike the shipped sample's (tests/data/reform/unseen.py), cleaned under the legacy and the
2025 configuration of the province: every row accounted for, every commune-month kept, nothing booked across the
reform or to the wrong unit, and the same panel under both configurations."""

from __future__ import annotations

from pathlib import Path

import pandas as pd
import pytest
from reform_config import PANEL_KEY, clean_both, load_generator

ROOT = Path(__file__).resolve().parents[2]
unseen = load_generator("reform_unseen", ROOT / "tests" / "data" / "reform" / "unseen.py")

#: files that restate months the folder already holds (kept for cross-checks, not as panel rows)
RESTATED = ("BC quy I-2026.xlsx", "BC luy ke 11 thang 2026.xlsx")


@pytest.fixture(scope="module")
def cleaned(tmp_path_factory: pytest.TempPathFactory) -> dict:
    """The folder cleaned under the shipped (legacy Phú Yên) configuration and under the 2025 Đắk Lắk one."""
    tmp = tmp_path_factory.mktemp("reform-unseen")
    raw = tmp / "raw"
    truth = pd.concat(
        [unseen.write_unseen(raw / "unseen").frame(), unseen.write_legacy_daklak(raw / "legacy-dl").frame()]
    )
    return {"truth": truth, **clean_both(raw, tmp)}


def _booked(panel: pd.DataFrame) -> set[tuple[str, str, str, object, object]]:
    files = panel["source"].astype(str).map(lambda s: Path(s).name)
    starts = pd.to_datetime(panel["period_start"]).dt.date
    ends = pd.to_datetime(panel["period_end"]).dt.date
    return set(zip(files, panel["unit_schema"], panel["unit_code"], starts, ends))


@pytest.mark.parametrize("cfg", ["54", "66"])
def test_every_row_accounted_for_and_every_commune_month_kept(cleaned, cfg):
    res, truth = cleaned[cfg], cleaned["truth"]
    assert res.rows_in == res.rows_kept + res.rows_dropped == len(truth)
    kept = truth[truth["code"].notna() & ~truth["file"].isin(RESTATED)]
    booked = {b[1:] for b in _booked(res.panel)}  # a month also restated by the cumulative file may come from it
    missing = [r for r in kept.itertuples(index=False) if (r.schema, r.code, r.start, r.end) not in booked]
    assert not missing, missing[:5]
    # all 102 communes and the provincial level, every month 07/2025–11/2026
    months = res.panel[(res.panel["unit_schema"] == "2025")].groupby("unit_code")["period_start"].nunique()
    communes = unseen.communes_66()["unit_code"]
    assert set(communes) <= set(months.index) and (months[list(communes)] == 17).all()
    # the restated quarter and cumulative files are checked against the months, never booked twice
    q = res.quality
    for f in RESTATED:
        assert len(q[q["file"].str.endswith(f)]) >= len(truth[truth["file"] == f])


@pytest.mark.parametrize("cfg", ["54", "66"])
def test_nothing_booked_across_the_reform_or_to_another_unit(cleaned, cfg):
    res, truth = cleaned[cfg], cleaned["truth"]
    p = res.panel
    after = pd.to_datetime(p["period_start"]) >= pd.Timestamp("2025-07-01")
    assert ((p["unit_schema"] == "2025") == after).all()
    assert not ((p["unit_schema"] == "2025") & (p["unit_level"] == "district")).any()
    agency = p["unit_code"].astype(str).str.match(r"^\d{2}-[a-z]")
    assert (p.loc[agency, "unit_level"] == "agency").all() and (p.loc[~agency, "unit_level"] != "agency").all()
    expected = set(zip(truth["file"], truth["schema"], truth["code"], truth["start"], truth["end"]))
    months = {k[1:] for k in expected if k[0] not in RESTATED}
    in_file = set(zip(truth["file"], truth["schema"], truth["code"]))
    # each booked row is a unit its file names, in a period the file states (a cumulative file's months: differenced)
    wrong = {
        b for b in _booked(p) if not (b in expected or (b[0] in RESTATED and b[:3] in in_file and b[1:] in months))
    }
    assert not wrong, sorted(wrong)[:5]


@pytest.mark.parametrize("cfg", ["54", "66"])
def test_each_refused_row_is_one_finding_naming_file_sheet_row_and_candidates(cleaned, cfg):
    res, truth = cleaned[cfg], cleaned["truth"]
    refused = truth[truth["code"].isna()]
    assert len(refused) == len(unseen.DISSOLVED_AFTER) + 2
    q = res.quality
    for r in refused.itertuples(index=False):
        f = q[q["file"].str.endswith(r.file) & (q["unit"] == r.name)]
        assert len(f) == 1, (r.name, f)
        f = f.iloc[0]
        assert f["rule"] == "unit_other_era" and f["sheet"] == r.sheet and pd.notna(f["row"])
        assert (
            ("kế thừa:" in f["message"])
            if r.start.year == 2026 or r.start.month >= 7
            else ("tiền thân:" in f["message"])
        )


def test_same_panel_under_the_legacy_and_the_2025_configuration(cleaned):
    a = cleaned["54"].panel[PANEL_KEY + ["received_total", "pending_total"]].reset_index(drop=True)
    b = cleaned["66"].panel[PANEL_KEY + ["received_total", "pending_total"]].reset_index(drop=True)
    pd.testing.assert_frame_equal(a, b)
    # the other predecessor's districts (legacy Đắk Lắk) are history of the province under either configuration
    legacy = a[(a["unit_schema"] == "legacy") & (a["unit_level"] == "district")]
    assert set(legacy["province_code"]) == {"66"} and legacy["unit_code"].nunique() == 15
