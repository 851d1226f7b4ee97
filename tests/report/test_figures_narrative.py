"""Key figures (ratio of sums over 12-month windows) and a narrative that claims only what intervals support."""

import pandas as pd
import pytest

from motcua.report.figures import key_figures, monthly
from motcua.report.narrative import district_narrative, slope_direction
from motcua.report.strings import strings


def rows(months=24, online=5, offline=5, late=1, resolved=10, start="2023-07-01", **cols):
    ps = pd.date_range(start, periods=months, freq="MS")
    df = pd.DataFrame(
        {
            "period_start": ps,
            "period_end": ps + pd.offsets.MonthEnd(0),
            "received_online": online,
            "received_offline": offline,
            "received_total": online + offline,
            "carried_over": 0,
            "resolved_total": resolved,
            "resolved_early": resolved - late,
            "resolved_ontime": 0,
            "resolved_late": late,
            "pending_total": 2,
            "pending_ontime": 1,
            "pending_overdue": 1,
        }
    )
    for c, v in cols.items():
        df[c] = v
    for c in df.columns[2:]:
        df[c] = df[c].astype("Int64")
    return df


def test_windows_sum_counts_and_take_ratio_of_sums():
    r = rows()
    r.loc[r.index[-12:], "received_online"] = 8  # last 12 months: 8 online of 13
    r["received_offline"] = 5
    kf = key_figures(r)
    assert kf.current.received == 12 * 13
    assert kf.previous.received == 12 * 10
    assert kf.current.online_share.value == pytest.approx(8 / 13)
    assert kf.online_change_pp() == pytest.approx(8 / 13 - 0.5)
    assert kf.received_change() == pytest.approx(13 / 10 - 1)
    assert kf.current.late == 12 and kf.late_change() == 0
    assert kf.current.ontime_report.value == pytest.approx(9 / 10)
    # 766 over the window: flows summed, the pending stock (11), (12) once, at the last cut-off
    assert (kf.current.ontime_766.num, kf.current.ontime_766.den) == (12 * 9 + 1, 12 * 10 + 2)
    assert kf.current.ontime_766.as_of == pd.Timestamp("2025-06-30")
    assert kf.pending_overdue == 1


def test_incomplete_previous_window_gives_no_change():
    kf = key_figures(rows(months=18))
    assert kf.current.complete and not kf.previous.complete
    assert kf.received_change() is None and kf.online_change_pp() is None and kf.late_change() is None


def test_missing_channel_split_falls_back_to_total_minus_carried_over():
    r = rows()
    r["received_online"] = pd.array([pd.NA] * len(r), dtype="Int64")
    r["received_offline"] = pd.array([pd.NA] * len(r), dtype="Int64")
    r["carried_over"] = 3
    r["received_total"] = 13
    kf = key_figures(r)
    assert kf.current.received == 12 * 10
    assert kf.current.online_share.value is None
    m = monthly(r)
    assert m["received_new"].iloc[0] == 10 and pd.isna(m["online_rate"].iloc[0])


def test_slope_direction_needs_the_interval_to_exclude_zero():
    assert slope_direction(0.1, 2.0) == "up"
    assert slope_direction(-0.1, 2.0) == "flat"
    assert slope_direction(-2.0, -0.1) == "down"
    assert slope_direction(None, 1.0) is None


def _summary(**over):
    base = {
        "slope_pp_per_year": 1.5,
        "slope_low": -0.2,
        "slope_high": 3.2,
        "target": 0.5,
        "p_meet_target": 0.5,
        "target_period_end": pd.Timestamp("2025-12-31"),
        "rank": 3,
        "rank_low": 1,
        "rank_high": 6,
        "n_ranked": 9,
        "funnel_flag": "within",
        "latest_outside_band": False,
        "latest_z": 0.1,
        "latest_rate": 0.5,
        "latest_period_end": pd.Timestamp("2025-06-30"),
    }
    base.update(over)
    return pd.DataFrame([base], index=pd.Index(["online_rate"], name="rate"))


def test_narrative_in_vietnamese_numbers_and_no_unsupported_trend_claim():
    r = rows(online=400, offline=241, resolved=641, late=0)  # 12 × 641 = 7.692 new dossiers
    r.loc[r.index[-1], "received_online"] = 405  # 7.697
    S = strings("vi")
    n = district_narrative("Thành phố Tuy Hòa", key_figures(r), _summary(), S)
    text = " ".join(n.paragraphs + n.good + n.attention)
    assert "Thành phố Tuy Hòa tiếp nhận 7.697 hồ sơ mới" in text
    assert "trực tuyến đạt 62,4%" in text  # 4805 / 7697 = 62,43 %: ratio of sums
    assert "chưa có xu hướng rõ rệt" in text
    assert "xu hướng tăng" not in text and "tăng rõ rệt" not in text
    assert "Chưa thể khẳng định" in text  # p = 0.5
    assert "thứ hạng thực có thể từ 1 đến 6" in text


def test_narrative_calls_a_trend_rising_only_when_supported():
    S = strings("vi")
    n = district_narrative("X", key_figures(rows()), _summary(slope_low=0.4, p_meet_target=0.999), S)
    text = " ".join(n.paragraphs)
    assert "có xu hướng tăng" in text
    assert "nhiều khả năng đạt mục tiêu 50%" in text and "trên 99%" in text and "100%" not in text
    assert any("tăng rõ rệt" in g for g in n.good)


def test_narrative_flags_what_needs_attention():
    r = rows(late=2)
    r.loc[r.index[:12], "resolved_late"] = 1
    r.loc[r.index[:12], "resolved_early"] = 9
    S = strings("vi")
    n = district_narrative(
        "X",
        key_figures(r),
        _summary(slope_low=-3.0, slope_high=-0.5, slope_pp_per_year=-1.7, funnel_flag="below_95", p_meet_target=0.02),
        S,
    )
    att = " ".join(n.attention)
    assert "giảm rõ rệt" in att
    assert "thấp hơn mức chung của tỉnh" in att
    assert "tăng từ 12 lên 24" in att
    assert "đang giải quyết đã quá hạn" in att
    assert "khó đạt mục tiêu" in " ".join(n.paragraphs)


def test_english_narrative():
    S = strings("en")
    n = district_narrative("Tuy Hoa", key_figures(rows(online=4000, offline=1000)), _summary(slope_low=0.4), S)
    text = " ".join(n.paragraphs)
    assert "Tuy Hoa received 60,000 new dossiers" in text
    assert "80.0% came online" in text
    assert "is rising" in text


def test_monthly_rates_follow_the_shared_rate_formulas(data_dir, bare_dir):
    import numpy as np

    from motcua.rates import compute_rate
    from motcua.report import load_data

    for d, code in ((data_dir, "557"), (bare_dir, "555")):
        r = load_data(d).unit(code)
        m = monthly(r)
        for rate in ("online_rate", "ontime_rate_report", "ontime_rate_766"):
            assert np.allclose(m[rate].to_numpy(), compute_rate(r, rate).to_numpy(), equal_nan=True), rate
