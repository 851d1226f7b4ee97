"""Continuity across the 1 July 2025 reform (motcua.model.continuity) on hand-made panels and crosswalks.

The hand-made world: 2025 province 66 ← legacy provinces 54 and 66.
Legacy 54: district 555 (communes 22001, 22002, 22003, 22004), 557 (22101, 22102), 558 (22201, 22202);
legacy 66: district 643 (24001, 24002).
2025 communes of 66: 22010 ← 22001 + part of 22003; 22020 ← 22002 + part of 22003 (22003 was split);
22030 ← 22004 + 22101 (straddles 555 and 557); 22040 ← 22102; 22050 ← 22201; 22060 ← 22202;
24010 ← 24001 + 24002.
So 558 and 643 are continued by communes wholly inside them; 555 and 557 straddle (22030).
"""

from __future__ import annotations

import pandas as pd
import pytest

from motcua.model.continuity import (
    COLUMNS,
    commune_predecessors,
    continuity_table,
    district_continuation,
    province_series,
)
from motcua.panel import COUNT_COLUMNS
from motcua.rates import compute_rate

LEGACY_COMMUNES = {
    "555": ["22001", "22002", "22003", "22004"],
    "557": ["22101", "22102"],
    "558": ["22201", "22202"],
    "643": ["24001", "24002"],
}
DISTRICT_PROVINCE = {"555": "54", "557": "54", "558": "54", "643": "66"}
NEW_FROM = {  # 2025 commune → [(legacy commune, whole)]
    "22010": [("22001", 1), ("22003", 0)],
    "22020": [("22002", 1), ("22003", 0)],
    "22030": [("22004", 1), ("22101", 1)],
    "22040": [("22102", 1)],
    "22050": [("22201", 1)],
    "22060": [("22202", 1)],
    "24010": [("24001", 1), ("24002", 1)],
}
BEFORE = ["2025-05", "2025-06"]
AFTER = ["2025-07", "2025-08"]


def _crosswalk() -> pd.DataFrame:
    rows = [
        dict(
            legacy_level="province",
            legacy_code="54",
            legacy_name="Tỉnh Phú Yên",
            legacy_province_code="54",
            new_level="province",
            new_code="66",
            new_name="Tỉnh Đắk Lắk",
            new_province_code="66",
            legacy_whole=1,
            new_within=0,
        ),
        dict(
            legacy_level="province",
            legacy_code="66",
            legacy_name="Tỉnh Đắk Lắk",
            legacy_province_code="66",
            new_level="province",
            new_code="66",
            new_name="Tỉnh Đắk Lắk",
            new_province_code="66",
            legacy_whole=1,
            new_within=0,
        ),
    ]
    district_of = {c: d for d, cs in LEGACY_COMMUNES.items() for c in cs}
    for new, parts in NEW_FROM.items():
        for old, whole in parts:
            rows.append(
                dict(
                    legacy_level="commune",
                    legacy_code=old,
                    legacy_name=f"Xã Cũ {old}",
                    legacy_province_code=DISTRICT_PROVINCE[district_of[old]],
                    new_level="commune",
                    new_code=new,
                    new_name=f"Xã Mới {new}",
                    new_province_code="66",
                    legacy_whole=whole,
                    new_within=int(len(parts) == 1),
                )
            )
        dists = {district_of[o] for o, _ in parts}
        for d in sorted(dists):
            rows.append(
                dict(
                    legacy_level="district",
                    legacy_code=d,
                    legacy_name=f"Huyện {d}",
                    legacy_province_code=DISTRICT_PROVINCE[d],
                    new_level="commune",
                    new_code=new,
                    new_name=f"Xã Mới {new}",
                    new_province_code="66",
                    legacy_whole=0,
                    new_within=int(len(dists) == 1),
                )
            )
    return pd.DataFrame(rows)


XW = _crosswalk()


def _row(schema: str, level: str, code: str, province: str, month: str, k: int = 1) -> dict:
    """A consistent form-06 row whose counts are multiples of ``k`` (identities hold)."""
    ps = pd.Timestamp(month + "-01")
    online, offline, carried = 3 * k, 5 * k, 2 * k
    early, ontime, late = 4 * k, 2 * k, 1 * k
    pend_ok, pend_over = 2 * k, 1 * k
    return dict(
        unit_schema=schema,
        unit_code=code,
        unit_name=f"Đơn vị {code}",
        unit_level=level,
        province_code=province,
        province_name="",
        period_start=ps,
        period_end=ps + pd.offsets.MonthEnd(0),
        received_total=online + offline + carried,
        received_online=online,
        received_offline=offline,
        carried_over=carried,
        resolved_total=early + ontime + late,
        resolved_early=early,
        resolved_ontime=ontime,
        resolved_late=late,
        pending_total=pend_ok + pend_over,
        pending_ontime=pend_ok,
        pending_overdue=pend_over,
        source="test",
        source_ref="",
    )


def _panel(rows: list[dict]) -> pd.DataFrame:
    df = pd.DataFrame(rows)
    for c in COUNT_COLUMNS:
        df[c] = df[c].astype("Int64")
    return df


def _legacy(province_codes=("54", "66"), months=BEFORE, communes=True, agencies=True, districts=True) -> list[dict]:
    rows = []
    for m in months:
        for d, cs in LEGACY_COMMUNES.items():
            pc = DISTRICT_PROVINCE[d]
            if pc not in province_codes:
                continue
            if districts:
                rows.append(_row("legacy", "district", d, pc, m, k=10))
            if communes:
                rows += [_row("legacy", "commune", c, pc, m, k=int(c[-1]) + 1) for c in cs]
        if agencies:
            rows += [_row("legacy", "agency", f"{pc}-cong-an", pc, m, k=7) for pc in province_codes]
    return rows


def _new(communes=tuple(NEW_FROM), months=AFTER, agencies=True) -> list[dict]:
    rows = []
    for m in months:
        rows += [_row("2025", "commune", c, "66", m, k=int(c[-2]) + 1) for c in communes]
        if agencies:
            rows += [
                _row("2025", "agency", "66-cong-an", "66", m, k=20),
                _row("2025", "agency", "66-trung-tam-pvhcc", "66", m, k=9),
            ]
    return rows


def _one(df: pd.DataFrame, **eq) -> pd.Series:
    m = pd.Series(True, index=df.index)
    for k, v in eq.items():
        m &= df[k] == (pd.Timestamp(v) if k.startswith("period") else v)
    got = df[m]
    assert len(got) == 1, got
    return got.iloc[0]


# ----------------------------------------------------------------------------- (b) commune predecessors


def test_commune_exact_when_all_predecessors_whole_and_present():
    panel = _panel(_legacy())
    out = commune_predecessors(panel, XW)
    r = _one(out, unit_code="24010", period_start="2025-06-01")
    src = panel[panel["unit_code"].isin(["24001", "24002"]) & (panel["period_start"] == "2025-06-01")]
    assert r["exact"] and r["comparable"] and r["same_area"]
    assert r["from_codes"] == "24001,24002" and r["missing_codes"] == "" and r["split_codes"] == ""
    for c in COUNT_COLUMNS:
        assert r[c] == src[c].sum()
    assert (r["n_units_present"], r["n_units_expected"]) == (2, 2)
    assert r["era"] == "legacy" and r["unit_schema"] == "2025" and r["unit_level"] == "commune"
    assert "2/2" in r["note"] and "chuỗi đầy đủ" in r["note"]


def test_commune_partial_when_a_predecessor_was_split_and_never_apportioned():
    panel = _panel(_legacy())
    out = commune_predecessors(panel, XW)
    for code, whole in (("22010", "22001"), ("22020", "22002")):
        r = _one(out, unit_code=code, period_start="2025-05-01")
        assert not r["exact"] and not r["comparable"] and not r["same_area"]
        assert r["split_codes"] == "22003" and r["missing_codes"] == ""
        src = panel[panel["unit_code"].isin([whole, "22003"]) & (panel["period_start"] == "2025-05-01")]
        # the split commune's whole count is in each successor's series, never divided
        assert r["received_total"] == src["received_total"].sum()
        assert "không chia tách" in r["note"] and "Xã Cũ 22003 (22003)" in r["note"] and "chưa đầy đủ" in r["note"]


def test_commune_partial_in_the_month_a_predecessor_is_missing():
    rows = [r for r in _legacy() if not (r["unit_code"] == "24002" and r["period_start"] == pd.Timestamp("2025-06-01"))]
    out = commune_predecessors(_panel(rows), XW)
    may = _one(out, unit_code="24010", period_start="2025-05-01")
    june = _one(out, unit_code="24010", period_start="2025-06-01")
    assert may["exact"] and not june["exact"]
    assert june["missing_codes"] == "24002" and june["from_codes"] == "24001"
    assert (june["n_units_present"], june["n_units_expected"]) == (1, 2)
    assert "1/2" in june["note"] and "thiếu số liệu: Xã Cũ 24002 (24002)" in june["note"]


def test_commune_predecessors_need_legacy_commune_rows():
    assert commune_predecessors(_panel(_legacy(communes=False) + _new()), XW).empty


def test_commune_codes_are_keyed_by_era():
    """A 2025 commune row whose code equals a legacy commune's is never read as that legacy commune."""
    rows = _legacy() + [_row("2025", "commune", "24001", "66", "2025-07")]
    out = commune_predecessors(_panel(rows), XW)
    assert set(out["era"]) == {"legacy"} and set(out["period_start"]) == {pd.Timestamp(m + "-01") for m in BEFORE}


# ----------------------------------------------------------------------------- (c) district continuation


def test_district_continued_by_communes_wholly_inside():
    panel = _panel(_legacy() + _new())
    out = district_continuation(panel, XW)
    r = _one(out, unit_code="558", period_start="2025-07-01")
    src = panel[panel["unit_code"].isin(["22050", "22060"]) & (panel["period_start"] == "2025-07-01")]
    assert r["exact"] and r["same_area"] and not r["comparable"]
    assert r["unit_schema"] == "legacy" and r["unit_level"] == "district" and r["era"] == "2025"
    assert r["from_codes"] == "22050,22060"
    for c in COUNT_COLUMNS:
        assert r[c] == src[c].sum()
    assert "cấp tỉnh" in r["note"] and "2/2" in r["note"]
    assert _one(out, unit_code="643", period_start="2025-08-01")["exact"]


def test_district_continuation_partial_when_a_successor_is_missing():
    rows = [
        r
        for r in _legacy() + _new()
        if not (r["unit_code"] == "22060" and r["period_start"] == pd.Timestamp("2025-08-01"))
    ]
    out = district_continuation(_panel(rows), XW)
    assert _one(out, unit_code="558", period_start="2025-07-01")["exact"]
    aug = _one(out, unit_code="558", period_start="2025-08-01")
    assert not aug["exact"] and aug["missing_codes"] == "22060" and "thiếu số liệu: Xã Mới 22060 (22060)" in aug["note"]


def test_straddling_district_gets_no_continuation_and_says_why():
    out = district_continuation(_panel(_legacy() + _new()), XW)
    for d in ("555", "557"):
        r = out[out["unit_code"] == d]
        assert len(r) == 1, r
        r = r.iloc[0]
        assert pd.isna(r["period_start"]) and pd.isna(r["received_total"]) and not r["exact"]
        assert r["split_codes"] == "22030" and "Xã Mới 22030 (22030)" in r["note"]


def test_district_continuation_only_for_districts_in_the_panel():
    out = district_continuation(_panel(_legacy(province_codes=("54",)) + _new()), XW)
    assert set(out["unit_code"]) == {"555", "557", "558"}


# ----------------------------------------------------------------------------- (a) province


def test_province_sums_districts_communes_and_agencies_once_and_keeps_its_own_row_apart():
    legacy = _legacy()
    total = _row("legacy", "province", "54", "54", "2025-05", k=1000)
    panel = _panel(legacy + _new() + [total])
    out = province_series(panel, XW)
    r = _one(out, kind="province", era="legacy", period_start="2025-05-01")
    src = pd.DataFrame(legacy)
    src = src[src["period_start"] == pd.Timestamp("2025-05-01")]
    for c in COUNT_COLUMNS:
        assert r[c] == src[c].sum()  # district and commune rows both count, each once; the province row not at all
    assert (r["n_districts_present"], r["n_districts_expected"]) == (4, 4)
    assert (r["n_communes_present"], r["n_communes_expected"]) == (10, 10)
    assert r["n_agencies_present"] == 2 and r["n_units_present"] == 16 and r["n_units_expected"] == 14
    assert r["from_level"] == "district,commune,agency" and r["from_codes"] == "54,66"
    assert r["exact"] and r["matches_units"] == False  # noqa: E712
    rep = _one(out, kind="province_reported", era="legacy", period_start="2025-05-01")
    assert rep["received_total"] == total["received_total"] and rep["from_codes"] == "54"
    assert rep["missing_codes"] == "66" and not rep["exact"] and rep["matches_units"] == False  # noqa: E712
    assert "không khớp" in r["note"]


def test_province_reported_row_that_matches_the_units():
    new = _new()
    after = pd.DataFrame(new)
    jul = after[after["period_start"] == pd.Timestamp("2025-07-01")]
    total = _row("2025", "province", "66", "66", "2025-07")
    for c in COUNT_COLUMNS:
        total[c] = int(jul[c].sum())
    out = province_series(_panel(_legacy() + new + [total]), XW)
    rep = _one(out, kind="province_reported", era="2025", period_start="2025-07-01")
    unit = _one(out, kind="province", era="2025", period_start="2025-07-01")
    assert rep["matches_units"] == True and unit["matches_units"] == True and rep["exact"]  # noqa: E712
    assert unit["received_total"] == jul["received_total"].sum()  # not doubled by the total row
    assert pd.isna(_one(out, kind="province", era="2025", period_start="2025-08-01")["matches_units"])


def test_province_comparable_when_every_predecessor_and_tier_is_covered():
    out = province_series(_panel(_legacy() + _new()), XW)
    prov = out[out["kind"] == "province"]
    assert len(prov) == 4 and prov["comparable"].all() and prov["same_area"].all() and prov["exact"].all()
    after = _one(out, kind="province", period_start="2025-07-01")
    assert after["from_level"] == "commune,agency" and after["from_codes"] == "54,66"
    assert (after["n_communes_present"], after["n_communes_expected"], after["n_agencies_present"]) == (7, 7, 2)
    assert "không so sánh được" not in after["note"]


def test_province_not_comparable_when_only_one_predecessor_is_covered():
    """Before: legacy Phú Yên (54) only; after: the communes made from 54 plus the agencies of all of Đắk Lắk."""
    new54 = [c for c in NEW_FROM if c.startswith("22")]
    out = province_series(_panel(_legacy(province_codes=("54",)) + _new(communes=new54)), XW)
    prov = out[out["kind"] == "province"]
    assert not prov["comparable"].any() and not prov["same_area"].any() and not prov["exact"].any()
    before = _one(out, kind="province", period_start="2025-05-01")
    after = _one(out, kind="province", period_start="2025-07-01")
    assert before["from_codes"] == "54" and before["missing_codes"] == "66"
    assert (before["n_districts_present"], before["n_districts_expected"]) == (3, 4)
    assert after["from_codes"] == "54,66" and after["missing_codes"] == "66"
    assert (after["n_communes_present"], after["n_communes_expected"]) == (6, 7)
    assert "không so sánh được" in before["note"] and "không so sánh được" in after["note"]
    assert "không có số liệu của Tỉnh Đắk Lắk cũ (66)" in before["note"]


def test_province_same_area_without_agencies_is_still_not_comparable():
    """Only 54 on both sides and no agencies after: same area, but a tier of each era is missing."""
    new54 = [c for c in NEW_FROM if c.startswith("22")]
    out = province_series(
        _panel(_legacy(province_codes=("54",), agencies=False) + _new(communes=new54, agencies=False)), XW
    )
    prov = out[out["kind"] == "province"]
    assert prov["same_area"].all() and not prov["comparable"].any()
    assert "trước sắp xếp không có số liệu cấp tỉnh" in prov["note"].iloc[0]
    assert "sau sắp xếp không có số liệu cấp tỉnh" in prov["note"].iloc[0]


def test_province_not_comparable_when_a_month_lacks_a_district():
    rows = [
        r
        for r in _legacy() + _new()
        if not (r["unit_code"] == "643" and r["period_start"] == pd.Timestamp("2025-06-01"))
    ]
    out = province_series(_panel(rows), XW)
    june = _one(out, kind="province", period_start="2025-06-01")
    assert not june["exact"] and june["missing_codes"] == "66"
    assert not out.loc[out["kind"] == "province", "comparable"].any()


# ----------------------------------------------------------------------------- the table and rates


def test_table_columns_kinds_and_rates_from_summed_counts():
    out = continuity_table(_panel(_legacy() + _new()), XW)
    assert list(out.columns) == COLUMNS
    assert set(out["kind"]) == {"province", "commune_predecessors", "district_continuation"}
    shown = out[out["received_total"].notna()]
    for rate in ("online_rate", "ontime_rate_report"):
        pd.testing.assert_series_equal(shown[rate], compute_rate(shown, rate), check_names=False)
    r = _one(out, kind="district_continuation", unit_code="558", period_start="2025-07-01")
    assert r["online_rate"] == pytest.approx(r["received_online"] / (r["received_online"] + r["received_offline"]))
    assert r["ontime_rate_report"] == pytest.approx((r["resolved_early"] + r["resolved_ontime"]) / r["resolved_total"])
    assert out["note"].str.len().gt(0).all()


def test_a_missing_count_is_not_summed_as_zero():
    rows = _legacy()
    rows[1]["received_online"] = None  # a legacy commune row without the online split (07a layout)
    out = commune_predecessors(_panel(rows), XW)
    code = rows[1]["unit_code"]
    hit = out[out["from_codes"].str.contains(code) & (out["period_start"] == rows[1]["period_start"])]
    assert len(hit) and hit["received_online"].isna().all() and hit["online_rate"].isna().all()
    assert hit["received_offline"].notna().all()


def test_empty_panel_gives_an_empty_table_with_the_columns():
    out = continuity_table(_panel([_row("legacy", "district", "555", "54", "2025-05")]).iloc[:0], XW)
    assert out.empty and list(out.columns) == COLUMNS


# ----------------------------------------------------------------------------- the real crosswalk (Phú Yên → Đắk Lắk)


@pytest.fixture(scope="module")
def real():
    """The packaged crosswalk and a panel of the former Phú Yên: its nine districts and the legacy communes
    of Sông Cầu (557) and Tây Hòa (562) for 05–06/2025; its 34 communes and two agencies of Đắk Lắk for 07–08/2025."""
    from motcua.reference.crosswalk import crosswalk

    xw = crosswalk()
    dist = xw[(xw["legacy_level"] == "district") & (xw["legacy_province_code"] == "54")]
    comm = xw[(xw["legacy_level"] == "commune") & (xw["legacy_province_code"] == "54")]
    rows = []
    for m in BEFORE:
        rows += [_row("legacy", "district", d, "54", m, k=10) for d in sorted(set(dist["legacy_code"]))]
    # legacy communes of 557 and 562: the predecessors of the 2025 communes lying in them
    pieces = xw[
        (xw["legacy_level"] == "commune")
        & xw["new_code"].isin(dist.loc[dist["legacy_code"].isin(["557", "562"]), "new_code"])
    ]
    legacy_communes = sorted(set(pieces["legacy_code"]) & set(comm["legacy_code"]))
    for m in BEFORE:
        rows += [_row("legacy", "commune", c, "54", m, k=2) for c in legacy_communes]
    new = sorted(set(comm["new_code"]))
    for m in AFTER:
        rows += [_row("2025", "commune", c, "66", m, k=3) for c in new]
        rows += [
            _row("2025", "agency", "66-cong-an", "66", m, k=50),
            _row("2025", "agency", "66-trung-tam-pvhcc", "66", m, k=20),
        ]
    return xw, _panel(rows), new


def test_real_phu_yen_districts_continued_or_not(real):
    xw, panel, _ = real
    out = district_continuation(panel, xw)
    continued = set(out.loc[out["period_start"].notna(), "unit_code"])
    assert continued == {"557", "558", "559", "560", "561"}  # Sông Cầu, Đồng Xuân, Tuy An, Sơn Hòa, Sông Hinh
    assert out.loc[out["period_start"].notna(), "exact"].all()
    straddle = out[out["period_start"].isna()].set_index("unit_code")
    assert set(straddle.index) == {"555", "562", "563", "564"}
    for d in ("562", "564"):
        assert "22240" in straddle.loc[d, "split_codes"].split(",")
        assert "Phường Phú Yên (22240)" in straddle.loc[d, "note"]
    assert "22015" in straddle.loc["563", "split_codes"].split(",")  # Phường Tuy Hòa takes part of Phú Hòa
    r = _one(out, unit_code="557", period_start="2025-07-01")
    assert r["n_units_expected"] == len(xw[(xw["legacy_level"] == "district") & (xw["legacy_code"] == "557")])
    assert "Thị xã Sông Cầu cũ" in r["note"]


def test_real_phuong_phu_yen_predecessors_are_partial(real):
    xw, panel, _ = real
    out = commune_predecessors(panel, xw)
    r = out[(out["unit_code"] == "22240") & (out["period_start"] == pd.Timestamp("2025-05-01"))]
    assert len(r) == 1
    r = r.iloc[0]
    split = set(r["split_codes"].split(","))
    assert split and not r["exact"]  # Phường Phú Yên took parts of split communes
    # legacy 22240 is Phường Phú Lâm, one of its predecessors; the 2025 rows coded 22240 never enter the sum
    preds = xw[(xw["legacy_level"] == "commune") & (xw["new_code"] == "22240")]
    assert r["from_codes"].split(",") == sorted(preds["legacy_code"]) and "22240" in r["from_codes"].split(",")
    assert split == set(preds.loc[preds["legacy_whole"] == 0, "legacy_code"]) and r["missing_codes"] == ""
    src = panel[
        (panel["unit_schema"] == "legacy")
        & panel["unit_code"].isin(preds["legacy_code"])
        & (panel["period_start"] == pd.Timestamp("2025-05-01"))
    ]
    assert r["received_total"] == src["received_total"].sum() and r["n_units_present"] == len(src)
    # the communes lying wholly inside Sông Cầu (557), made of whole legacy communes all present, are exact
    inside = xw[(xw["legacy_level"] == "district") & (xw["legacy_code"] == "557")]["new_code"]
    got = out[out["unit_code"].isin(inside) & (out["period_start"] == pd.Timestamp("2025-06-01"))]
    whole = (
        xw[(xw["legacy_level"] == "commune") & xw["new_code"].isin(inside)].groupby("new_code")["legacy_whole"].min()
    )
    assert set(got.loc[got["exact"], "unit_code"]) == set(whole[whole == 1].index) != set()


def test_real_province_66_covers_only_phu_yen(real):
    xw, panel, new = real
    out = province_series(panel, xw)
    assert set(out["unit_code"]) == {"66"}
    before = _one(out, kind="province", period_start="2025-05-01")
    after = _one(out, kind="province", period_start="2025-07-01")
    assert before["from_codes"] == "54" and before["missing_codes"] == "66" and before["n_districts_present"] == 9
    n_dist = xw[(xw["legacy_level"] == "district") & xw["legacy_province_code"].isin(["54", "66"])][
        "legacy_code"
    ].nunique()
    assert before["n_districts_expected"] == n_dist > 9
    n_new = xw[xw["legacy_level"].isin(["commune", "district"]) & (xw["new_province_code"] == "66")][
        "new_code"
    ].nunique()
    assert (after["n_communes_present"], after["n_communes_expected"]) == (len(new), n_new)
    assert len(new) == 34 < n_new
    assert not out.loc[out["kind"] == "province", "comparable"].any()
    assert "Tỉnh Phú Yên cũ (54)" in before["note"] and "Tỉnh Đắk Lắk cũ (66)" in before["note"]
    assert f"{len(new)}/{n_new} đơn vị cấp xã" in after["note"]


def test_model_stage_writes_the_table(tmp_path, small_panel, monkeypatch):
    """run_model_dir writes continuity.parquet beside the model's tables (fits stubbed out: not under test here)."""
    import motcua.model.run as run

    def run_model(
        panel, config=None, cache_file=None, meanwhile=None, background_save=False
    ):  # the caller's work runs as the stage runs it
        if meanwhile is not None:
            meanwhile()

    monkeypatch.setattr(run, "run_model", run_model)
    monkeypatch.setattr(run, "write_results", lambda result, data_dir: [])
    small_panel.to_parquet(tmp_path / "panel.parquet")
    run.run_model_dir(tmp_path)
    got = pd.read_parquet(tmp_path / "continuity.parquet")
    want = continuity_table(pd.read_parquet(tmp_path / "panel.parquet"))
    pd.testing.assert_frame_equal(got, want)
    assert not list(tmp_path.glob("*.tmp"))
    # nine Phú Yên districts up to 06/2025 and nothing after: the province's legacy era only, never comparable;
    # the four straddling districts say why they have no continuation
    prov = got[got["kind"] == "province"]
    assert set(prov["era"]) == {"legacy"} and not prov["comparable"].any() and (prov["n_districts_present"] == 9).all()
    assert prov["note"].str.contains("không có số liệu của giai đoạn sau sắp xếp").all()
    assert set(got.loc[got["kind"] == "district_continuation", "unit_code"]) == {"555", "562", "563", "564"}


def test_province_rows_from_the_memo_are_those_computed(real):
    from motcua.model.last_run import RowMemo

    xw, panel, new = real
    first = RowMemo()
    plain = continuity_table(panel, xw)
    pd.testing.assert_frame_equal(continuity_table(panel, xw, memo=first), plain)
    assert first.changed and first.new
    again = RowMemo(first.new)
    pd.testing.assert_frame_equal(continuity_table(panel, xw, memo=again), plain)
    assert not again.changed and again.new.keys() == first.new.keys()  # nothing recomputed
    fixed = panel.copy()
    k = fixed.index[fixed["unit_code"] == new[0]][0]
    fixed.loc[k, "received_total"] += 1
    fixed.loc[k, "received_offline"] += 1
    after = RowMemo(first.new)
    out = continuity_table(fixed, xw, memo=after)
    pd.testing.assert_frame_equal(out, continuity_table(fixed, xw))
    assert after.changed and not out.equals(plain)
