"""The Decision-766 on-time share over a window: pending dossiers are a stock, taken at the last cut-off.

The reviewer's case: the key figure read "11.943/12.560 hồ sơ" where 12.560 was
7.787 resolved plus the sum of twelve monthly pending counts — a dossier
pending for three months counted three times. Over a window the rate is
(Σ(8) + Σ(9) + (12) at the last cut-off) / (Σ(7) + (11) at the last cut-off)
(docs/domain.md "Periods", motcua.rates.RATES["ontime_rate_766"].window_formula).
"""

import pandas as pd
import pytest
from htmlcheck import Page

from motcua.report import district_report, load_data
from motcua.report.district import key_figures_list
from motcua.report.figures import key_figures, monthly
from motcua.report.strings import strings


def rows(months=24):
    """Each month: 100 resolved (95 early or on time, 5 late); pending 40 + month index (30 of them not yet due + index)."""
    ps = pd.date_range("2023-07-01", periods=months, freq="MS")
    i = pd.RangeIndex(months)
    df = pd.DataFrame(
        {
            "period_start": ps,
            "period_end": ps + pd.offsets.MonthEnd(0),
            "received_online": 50,
            "received_offline": 50,
            "received_total": 100 + 40,
            "carried_over": 40,
            "resolved_total": 100,
            "resolved_early": 60,
            "resolved_ontime": 35,
            "resolved_late": 5,
            "pending_total": 40 + i,
            "pending_ontime": 30 + i,
            "pending_overdue": 10,
        }
    )
    for c in df.columns[2:]:
        df[c] = df[c].astype("Int64")
    return df


def test_window_766_takes_pending_at_the_last_cut_off_once():
    r = rows()
    kf = key_figures(r)
    w = kf.current.ontime_766
    # last 12 months: resolved 1.200 (1.140 early/on time); pending at 30/06/2025: 63 (53 not yet due)
    assert (w.num, w.den) == (1140 + 53, 1200 + 63)
    assert w.value == pytest.approx(1193 / 1263)
    assert w.as_of == pd.Timestamp("2025-06-30")
    assert w.den != 1200 + sum(40 + k for k in range(12, 24))  # the old sum of monthly stocks
    p = kf.previous.ontime_766
    assert (p.num, p.den) == (1140 + 41, 1200 + 51)  # the previous window's own last cut-off, 30/06/2024
    # per-month rates are unchanged: each month's own stock
    m = monthly(r)
    assert m["ontime_rate_766"].iloc[-1] == pytest.approx((95 + 53) / (100 + 63))


def test_window_766_skips_months_without_the_counts_and_uses_the_last_reported_cut_off():
    r = rows()
    r.loc[r.index[-1], ["pending_total", "pending_ontime"]] = pd.NA
    w = key_figures(r).current.ontime_766
    # the last month lacks (11), (12): it is left out (as before), the stock is May's
    assert (w.num, w.den) == (11 * 95 + 52, 11 * 100 + 62)
    assert w.as_of == pd.Timestamp("2025-05-31")


@pytest.mark.parametrize("lang", ["vi", "en"])
def test_key_figure_states_what_the_766_denominator_counts(lang):
    S = strings(lang)
    figs = {f["key"]: f for f in key_figures_list(key_figures(rows()), pd.DataFrame(), S)}
    f = figs["ontime_766"]
    if lang == "vi":
        assert f["value"] == "94,46%"
        assert (
            f["detail"] == "1.193/1.263 hồ sơ (đã giải quyết trong 12 tháng, hoặc còn đang giải quyết ngày 30/06/2025)"
        )
        assert "Σ(7) + (11)" in f["formula"] and "ngày chốt cuối" in f["formula"]
    else:
        assert f["detail"] == "1,193/1,263 dossiers (resolved in the 12 months, or still pending on 30 Jun 2025)"
    assert figs["ontime_report"]["detail"] in ("1.140/1.200 hồ sơ", "1,140/1,200 dossiers")


def test_district_page_766_figure_matches_the_panel(data_dir):
    rows_ = load_data(data_dir).unit("557")
    last12 = rows_[rows_["period_start"] >= pd.Timestamp("2024-07-01")]
    last = last12.iloc[-1]
    num = int(last12["resolved_early"].sum() + last12["resolved_ontime"].sum() + last["pending_ontime"])
    den = int(last12["resolved_total"].sum() + last["pending_total"])
    html = district_report("557", data_dir, "vi").key_figures._repr_html_()
    fig = [li for li in html.split("<li") if 'data-key-figure="ontime_766"' in li][0]
    text = Page("<li" + fig).plain()
    assert f"{num:,}/{den:,} hồ sơ".replace(",", ".") in text
    assert f"{num / den * 100:.2f}%".replace(".", ",") in text


def test_footer_method_states_the_window_rule(data_dir):
    footer = Page(district_report("557", data_dir, "en").footer._repr_html_()).plain()
    assert "taken at the last cut-off only" in footer and "(Σ(8) + Σ(9) + (12)) / (Σ(7) + (11))" in footer
    assert "pace at the latest period" in footer
