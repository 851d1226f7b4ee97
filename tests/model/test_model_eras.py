"""The model across the 1 July 2025 reform: a step at the break, not a bent trend; no forecast for a dissolved unit."""

from __future__ import annotations

import numpy as np
import pandas as pd

from motcua.model import run_model
from motcua.model.settings import settings_from_config
from motcua.model.simulate import SimSpec, simulate_panel

REFORM = pd.Timestamp("2025-07-01")


def _province_series() -> pd.DataFrame:
    """A province-level series 07/2022–06/2026 (48 months), flat, whose online share jumps in July 2025 (scope and
    channels change at the reform)."""
    panel, _ = simulate_panel(
        SimSpec(
            n_units=2,
            start="2022-07-01",
            months=48,
            seed=19,
            online_slope=(0.0, 0.0),
            online_level=(-0.8, -0.8),
            sigma=0.05,
            season_amp=0.0,
        )
    )
    p = panel[panel["unit_code"] == panel["unit_code"].min()].copy()
    after = p["period_start"] >= REFORM
    moved = (p["received_offline"] * 0.45).round().astype(int)
    p.loc[after, "received_online"] += moved[after]
    p.loc[after, "received_offline"] -= moved[after]
    return p.assign(unit_schema="2025", unit_code="66", unit_name="Tỉnh Đắk Lắk", unit_level="province")


def _row(res, code: str, rate: str = "online_rate") -> pd.Series:
    s = res.trend_summary
    return s[(s["unit_code"] == code) & (s["rate"] == rate)].iloc[0]


def test_a_series_spanning_the_reform_gets_a_step_not_a_bent_trend():
    cfg = settings_from_config()  # the shipped config/model.yaml
    assert REFORM in [b.date for b in cfg.structural_breaks]
    p = _province_series()
    s = _row(run_model(p, cfg), "66")
    assert s["breaks"] == "2025-07-01"
    assert not (isinstance(s["knots"], str) and s["knots"].strip())  # a step, not a bend
    assert s["slope_low"] <= 0 <= s["slope_high"]  # and no trend made of the jump
    # without the break, the jump is read as a trend or a bend (so the test can fail)
    w = _row(run_model(p, cfg.with_(structural_breaks=())), "66")
    assert (isinstance(w["knots"], str) and w["knots"].strip()) or w["slope_low"] > 0


def test_a_dissolved_unit_has_no_forecast_and_no_target_probability():
    legacy, _ = simulate_panel(SimSpec(n_units=3, start="2021-01-01", months=54, seed=3))  # districts to 06/2025
    commune, _ = simulate_panel(SimSpec(n_units=3, start="2025-07-01", months=17, seed=4))
    commune = commune.assign(
        unit_schema="2025", unit_level="commune", unit_code=commune["unit_code"].map(lambda c: "22" + c)
    )
    res = run_model(pd.concat([legacy, commune], ignore_index=True))
    t = res.trends
    old = t[t["unit_schema"] == "legacy"]
    assert (
        len(old) and not (old["kind"] == "forecast").any() and old["period_end"].max() <= REFORM - pd.Timedelta(days=1)
    )
    new = t[(t["unit_schema"] == "2025") & (t["kind"] == "forecast")]
    assert len(new) and new["period_end"].max() == pd.Timestamp("2027-12-31")
    s = res.trend_summary
    assert s.loc[s["unit_schema"] == "legacy", "p_meet_target"].isna().all()
    assert s.loc[(s["unit_schema"] == "2025") & (s["rate"] == "online_rate"), "p_meet_target"].notna().all()
    assert not (res.targets["unit_schema"] == "legacy").any()
    # their comparison is of their own window (the legacy group's last 12 months, to 06/2025), among themselves
    c = res.comparison
    assert (c.loc[c["unit_schema"] == "legacy", "n_units"] == 3).all()
    assert np.all(pd.to_datetime(c.loc[c["unit_schema"] == "legacy", "window_end"]) == pd.Timestamp("2025-06-30"))


def test_data_ending_before_the_reform_keep_their_forecasts():
    """A panel whose last month is 06/2025 describes the districts as they then were: forecasts and targets kept."""
    legacy, _ = simulate_panel(SimSpec(n_units=2, start="2021-01-01", months=54, seed=3))
    res = run_model(legacy)
    assert (res.trends["kind"] == "forecast").any()
    assert res.trend_summary.loc[res.trend_summary["rate"] == "online_rate", "p_meet_target"].notna().all()
