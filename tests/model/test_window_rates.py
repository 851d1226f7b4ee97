"""Rates over a window by their window formula (motcua.rates), in the model's comparison table too."""

import pandas as pd
import pytest

from motcua.model.compare import window_totals
from motcua.model.series import build_series
from motcua.rates import RATES, successes_trials, successes_trials_parts, window_successes_trials


def panel(months=15):
    ps = pd.date_range("2024-04-01", periods=months, freq="MS")
    i = pd.RangeIndex(months)
    rows = []
    for code, extra in (("555", 0), ("557", 100)):
        rows.append(
            pd.DataFrame(
                {
                    "unit_schema": "legacy",
                    "unit_code": code,
                    "unit_name": code,
                    "unit_level": "district",
                    "period_start": ps,
                    "period_end": ps + pd.offsets.MonthEnd(0),
                    "received_online": 50,
                    "received_offline": 50,
                    "resolved_total": 100,
                    "resolved_early": 60,
                    "resolved_ontime": 35,
                    "resolved_late": 5,
                    "pending_total": 40 + i + extra,
                    "pending_ontime": 30 + i + extra,
                    "pending_overdue": 10,
                }
            )
        )
    df = pd.concat(rows, ignore_index=True)
    for c in df.columns[6:]:
        df[c] = df[c].astype("Int64")
    return df


def test_every_rate_names_its_window_formula_and_stocks():
    assert RATES["ontime_rate_766"].window_formula == "(Σ(8)+Σ(9)+(12)last) / (Σ(7)+(11)last)"
    assert set(RATES["ontime_rate_766"].stocks) == {"pending_ontime", "pending_total"}
    for name in ("online_rate", "ontime_rate_report"):
        assert RATES[name].window_formula and RATES[name].stocks == ()
    for r in RATES.values():  # stocks are columns 6, 11-13 only (docs/domain.md, "Periods")
        assert set(r.stocks) <= {"carried_over", "pending_total", "pending_ontime", "pending_overdue"}


def test_parts_add_up_to_the_period_counts():
    p = panel()
    num, den = successes_trials(p, "ontime_rate_766")
    nf, ns, df, ds = successes_trials_parts(p, "ontime_rate_766")
    assert ((nf + ns) == num).all() and ((df + ds) == den).all()
    assert (ns == p["pending_ontime"]).all()
    nf, ns, df, ds = successes_trials_parts(p, "ontime_rate_report")
    assert (ns == 0).all() and (ds == 0).all()


def test_window_successes_trials():
    u = panel().query("unit_code == '555'").tail(12)
    assert window_successes_trials(u, "ontime_rate_766") == (12 * 95 + 44, 12 * 100 + 54, pd.Timestamp("2025-06-30"))
    assert window_successes_trials(u, "ontime_rate_report")[:2] == (12 * 95, 12 * 100)
    # order of rows does not matter: the stock is the latest cut-off's
    assert window_successes_trials(u.iloc[::-1], "ontime_rate_766")[:2] == (12 * 95 + 44, 12 * 100 + 54)


def test_comparison_window_totals_take_the_766_stock_once():
    series, _ = build_series(panel(), ("ontime_rate_766", "ontime_rate_report"))
    wt = window_totals(series, 12).set_index(["unit_code", "rate"])
    assert wt.loc[("555", "ontime_rate_766"), ["successes", "trials"]].tolist() == [12 * 95 + 44, 12 * 100 + 54]
    assert wt.loc[("557", "ontime_rate_766"), ["successes", "trials"]].tolist() == [12 * 95 + 144, 12 * 100 + 154]
    assert wt.loc[("555", "ontime_rate_report"), ["successes", "trials"]].tolist() == [12 * 95, 12 * 100]
    assert (wt["window_periods"] == 12).all()


def test_comparison_table_uses_the_window_formula():
    from motcua.model.compare import compare_units
    from motcua.model.settings import settings_from_config

    series, _ = build_series(panel(), ("ontime_rate_766",))
    c = compare_units(series, settings_from_config()).set_index("unit_code")
    assert c.loc["555", "trials"] == 12 * 100 + 54
    assert c.loc["555", "observed"] == pytest.approx((12 * 95 + 44) / (12 * 100 + 54))
    # the design effect counts the window's dossiers as they enter the total
    assert c.loc["555", "design_effect"] >= 1.0


def test_year_to_date_766_is_not_drawn_by_summing_stocks():
    """p_meet_target_year sums a year's periods: for 766 that would add monthly stocks, so it is left out."""
    from motcua.model import run_model

    s = run_model(panel()).trend_summary.set_index(["unit_code", "rate"])
    assert s.loc[("555", "ontime_rate_766"), ["year_forecast", "p_meet_target_year"]].isna().all()
    assert s.loc[("555", "ontime_rate_766"), ["p_meet_target"]].notna().all()
    assert s.loc[("555", "ontime_rate_report"), ["year_forecast", "p_meet_target_year"]].notna().all()
