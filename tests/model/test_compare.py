"""Fair comparison: funnel limits (Spiegelhalter 2005), shrunken rates, rank intervals, flags."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest
from scipy import stats

from motcua.model import funnel_curve, funnel_limits, run_model
from motcua.model.compare import overdispersion
from motcua.model.simulate import SimSpec, simulate_panel
from motcua.panel import conform

from .conftest import make_perfect


def test_funnel_limits_formula():
    lo, hi = funnel_limits(0.9, np.array([100.0, 10000.0]), 0.95, method="none")
    se = np.sqrt(0.9 * 0.1 / np.array([100.0, 10000.0]))
    z = stats.norm.ppf(0.975)
    assert lo == pytest.approx(0.9 - z * se) and hi == pytest.approx(0.9 + z * se)
    lo2, hi2 = funnel_limits(0.9, np.array([10000.0]), 0.998, tau2=0.0004, method="additive")
    assert hi2[0] == pytest.approx(0.9 + stats.norm.ppf(0.999) * np.sqrt(0.9 * 0.1 / 10000 + 0.0004))
    lo3, hi3 = funnel_limits(0.9, np.array([10000.0]), 0.95, phi=4.0, method="multiplicative")
    assert hi3[0] - 0.9 == pytest.approx(2 * (hi[1] - 0.9))
    lo4, hi4 = funnel_limits(0.99, np.array([5.0]), 0.998, method="none")
    assert hi4[0] == 1.0  # clipped to a proportion


def test_overdispersion_is_winsorised():
    z = np.array([0.1, -0.2, 0.3, 0.0, 50.0, -0.1, 0.2, 0.1, -0.3, 0.05])
    assert overdispersion(z, 0.10) < np.mean(z**2) / 10


def _province():
    panel, _ = simulate_panel(
        SimSpec(n_units=9, months=36, seed=31, ontime_level=(3.8, 4.2), ontime_slope=(0.0, 0.0), sigma=0.05)
    )
    return panel


def test_small_perfect_unit_is_not_ranked_first_on_noise():
    panel = _province()
    # a tenth unit with ~3 dossiers a month, all on time
    tiny = panel.loc[panel["unit_code"] == "564"].copy()
    tiny["unit_code"] = "565"
    tiny["unit_name"] = "Huyện Nhỏ"
    for c in [
        "received_online",
        "received_offline",
        "carried_over",
        "resolved_early",
        "resolved_late",
        "pending_total",
        "pending_ontime",
        "pending_overdue",
    ]:
        tiny[c] = 0
    tiny["resolved_ontime"] = 3
    tiny["resolved_total"] = 3
    tiny["received_offline"] = 3
    tiny["received_total"] = 3
    res = run_model(conform(pd.concat([panel, tiny])))
    c = res.comparison.loc[(res.comparison["rate"] == "ontime_rate_report")].set_index("unit_code")
    assert c.loc["565", "observed"] == 1.0 and c.loc["565", "trials"] == 36
    assert c.loc["565", "rank"] != 1
    assert c.loc["565", "rank_high"] - c.loc["565", "rank_low"] >= 4
    assert c.loc["565", "shrunk_rate"] < 0.995
    assert c.loc["565", "funnel_flag"] == "within"
    # big units keep narrow intervals
    assert (c.drop(index="565")["shrunk_high"] - c.drop(index="565")["shrunk_low"]).max() < 0.02


def test_outlier_is_flagged_outside_funnel():
    panel = _province()
    p = panel.copy()
    u = p["unit_code"] == "560"
    moved = (p.loc[u, "resolved_ontime"] * 0.15).round().astype(int)
    p.loc[u, "resolved_ontime"] -= moved
    p.loc[u, "resolved_late"] += moved
    res = run_model(conform(p))
    c = res.comparison.loc[res.comparison["rate"] == "ontime_rate_report"].set_index("unit_code")
    assert c.loc["560", "funnel_flag"] == "below_998"
    assert bool(c.loc["560", "outside_998"]) and bool(c.loc["560", "outside_95"])
    assert c.loc["560", "rank"] == 9 and c.loc["560", "rank_low"] == 9
    s = res.trend_summary.set_index(["unit_code", "rate"])
    assert s.loc[("560", "ontime_rate_report"), "funnel_flag"] == "below_998"
    assert (c["province_rate"].nunique()) == 1
    assert c["limit998_low"].le(c["limit95_low"]).all() and c["limit998_high"].ge(c["limit95_high"]).all()


def test_overdispersion_widens_limits():
    res = run_model(_province())
    c = res.comparison.loc[res.comparison["rate"] == "online_rate"]
    # online rates differ between units far beyond binomial noise: additive adjustment
    assert c["funnel_method"].iloc[0] == "additive" and c["tau2"].iloc[0] > 0 and c["phi"].iloc[0] > 1
    plain_lo, plain_hi = funnel_limits(c["province_rate"].iloc[0], c["trials"].to_numpy(), 0.95, method="none")
    assert (c["limit95_high"].to_numpy() - c["limit95_low"].to_numpy() > plain_hi - plain_lo).all()
    curve = funnel_curve(res.comparison, "online_rate", "legacy", "district")
    assert set(curve["level"]) == {0.95, 0.998} and (curve["low"] <= curve["high"]).all()


def test_ranks_are_seeded_and_deterministic():
    panel = _province()
    a = run_model(panel).comparison
    b = run_model(panel.sample(frac=1.0, random_state=3)).comparison
    pd.testing.assert_frame_equal(a, b)
    assert a.groupby("rate")["rank"].apply(lambda r: sorted(r.tolist()) == list(range(1, 10))).all()
    assert ((a["rank_low"] <= a["rank"]) & (a["rank"] <= a["rank_high"])).all()


def test_province_level_rows_are_not_compared():
    panel = _province()
    prov = panel.groupby("period_start", as_index=False).agg(
        {
            **{
                c: "sum"
                for c in [
                    "received_total",
                    "received_online",
                    "received_offline",
                    "carried_over",
                    "resolved_total",
                    "resolved_early",
                    "resolved_ontime",
                    "resolved_late",
                    "pending_total",
                    "pending_ontime",
                    "pending_overdue",
                ]
            },
            "period_end": "first",
        }
    )
    prov = prov.assign(
        unit_schema="legacy",
        unit_code="54",
        unit_name="Tỉnh Phú Yên",
        unit_level="province",
        province_code="54",
        province_name="Tỉnh Phú Yên",
        source="sum",
        source_ref="sum",
    )
    res = run_model(conform(pd.concat([panel, prov])))
    assert "54" not in set(res.comparison["unit_code"])
    s = res.trend_summary.set_index(["unit_code", "rate"])
    assert s.loc[("54", "online_rate"), "status"] == "ok"  # the province's own trend is modelled
    assert pd.isna(s.loc[("54", "online_rate"), "rank"])


def test_perfect_unit_in_comparison_is_finite(small_panel):
    res = run_model(make_perfect(small_panel, "563"))
    c = res.comparison.loc[res.comparison["unit_code"] == "563"]
    assert np.isfinite(c[["shrunk_rate", "shrunk_low", "shrunk_high"]].to_numpy()).all()
    assert (c["shrunk_high"] <= 1).all()


def _window_series(y: list[list[int]], n: list[list[int]]) -> pd.DataFrame:
    """Window rows of hand-made monthly series: one unit per list, 2024 months in order."""
    from motcua.model.series import years

    rows = []
    for u, (ys, ns) in enumerate(zip(y, n)):
        for m, (yy, nn) in enumerate(zip(ys, ns)):
            start = pd.Timestamp(2024, m + 1, 1)
            end = start + pd.offsets.MonthEnd(0)
            rows.append(
                {
                    "unit_schema": "legacy",
                    "unit_level": "district",
                    "rate": "online_rate",
                    "unit_code": f"{100 + u}",
                    "period_start": start,
                    "period_end": end,
                    "successes": float(yy),
                    "trials": float(nn),
                    "t_start": years(start),
                    "t_end": years(end + pd.Timedelta(days=1)),
                }
            )
    return pd.DataFrame(rows)


def test_window_overdispersion_solves_williams_equation_per_unit_and_for_peers():
    from motcua.model.compare import _local_trend_residuals, window_overdispersion
    from motcua.model.trend import _solve_rho

    rng = np.random.default_rng(3)
    n = rng.integers(200, 2000, size=(6, 12))
    p = rng.beta(20, 20, size=(6, 12))  # strongly overdispersed around 0.5
    y = rng.binomial(n, p)
    w = _window_series(y.tolist(), n.tolist())
    got = window_overdispersion(w, prior_df=10.0).set_index("unit_code")
    assert (got["rho_df"] == 10).all()
    # each unit's rho is the root brentq finds for the same residuals
    unit = w["unit_code"].to_numpy()
    ids = pd.factorize(unit, sort=True)[0]
    r2 = _local_trend_residuals(
        w["successes"].to_numpy(),
        w["trials"].to_numpy(),
        ((w["t_start"] + w["t_end"]) / 2).to_numpy(),
        ids.astype(np.intp),
        np.ones(6, bool),
    )
    for i, code in enumerate(sorted(set(unit))):
        expect = _solve_rho(r2[ids == i], w["trials"].to_numpy()[ids == i], 10)
        assert got.loc[code, "rho_unit"] == pytest.approx(expect, rel=1e-6)
    assert got["rho_peers"].nunique() == 1
    assert got["rho_peers"].iloc[0] == pytest.approx(_solve_rho(r2, w["trials"].to_numpy(), 60), rel=1e-6)
    # moderated: half its own, half the peers' with 10 degrees of freedom each
    assert np.allclose(got["rho"], (got["rho_unit"] + got["rho_peers"]) / 2)
    assert 0.01 < got["rho_peers"].iloc[0] < 0.05  # beta(20, 20): rho = 1 / 41


def test_window_overdispersion_does_not_count_a_trend_as_noise():
    from motcua.model.compare import window_overdispersion

    n = [[1000] * 12]
    trend = [[round(1000 * p) for p in np.linspace(0.2, 0.6, 12)]]  # a steady rise, no noise at all
    perfect = [[1000] * 12]  # never a late dossier: no information, no failure
    got = window_overdispersion(_window_series(trend + perfect, n + n), prior_df=0.0).set_index("unit_code")
    assert got.loc["100", "rho_unit"] < 1e-4
    assert got.loc["101", "rho_unit"] == 0.0
    assert np.isfinite(got["rho"]).all()
    # three periods: a constant rate, 2 degrees of freedom
    short = window_overdispersion(_window_series([[10, 20, 30]], [[100, 100, 100]]), prior_df=10.0)
    assert short["rho_df"].tolist() == [2.0] and short["rho_unit"].iloc[0] > 0


def test_units_no_different_beyond_chance_get_no_point_rank():
    """Nine units with the same on-time propensity and no extra variation: tau² = 0, every shrunk rate is the pooled
    one. They once got ranks 1…9 in the order of their codes (ranking on noise); now no point rank, while the rank
    intervals stay (wide). Where shrunk rates differ, ranks follow them."""
    panel, _ = simulate_panel(
        SimSpec(n_units=9, months=24, seed=5, ontime_level=(4.0, 4.0), ontime_slope=(0.0, 0.0), sigma=0.0)
    )
    c = run_model(panel).comparison
    flat = c[c["rate"] == "ontime_rate_report"]
    assert float(flat["tau2_logit"].iloc[0]) == 0.0 and flat["shrunk_rate"].nunique() == 1
    assert flat["rank"].isna().all(), flat[["unit_code", "rank"]]
    assert (flat["rank_high"] - flat["rank_low"] >= 4).all()
    varied = c[c["rate"] == "online_rate"].sort_values("shrunk_rate", ascending=False)
    assert float(varied["tau2_logit"].iloc[0]) > 0 and list(varied["rank"]) == list(range(1, 10))


def test_simulated_ranks_as_by_double_argsort():
    from motcua.model.compare import _rank_bounds, _sim_ranks

    rng = np.random.default_rng(2)
    for S, I in [(4000, 50), (300, 1), (200, 2), (100, 4097)]:
        d = rng.standard_normal((S, I)) * rng.random(I) + rng.random(I) - 0.7
        if I > 3:  # draws equal, or one or two steps of the last bit apart: ordered as argsort orders them
            d[1, 0] = d[1, 2]
            d[2, 3] = np.nextafter(d[2, 1], 9)
            d[3, 1] = np.nextafter(np.nextafter(d[3, 0], -9), -9)
        old = (-d).argsort(axis=1).argsort(axis=1) + 1
        new = _sim_ranks(d)
        assert np.array_equal(old.T, new)
        lo, hi = _rank_bounds(new, 0.025)
        assert np.array_equal(lo, np.quantile(old, 0.025, axis=0, method="lower"))
        assert np.array_equal(hi, np.quantile(old, 0.975, axis=0, method="higher"))
