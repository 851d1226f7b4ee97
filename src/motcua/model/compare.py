"""Fair comparison of units over a common window: funnel limits, shrunken rates, rank intervals.

Grain of every table here: one row per (unit_schema, unit_code, rate), units
compared only with their peers (same ``unit_schema`` and ``unit_level``).

* **Funnel limits** (Spiegelhalter 2005, *Stat Med* 24:1185): around the
  peers' pooled rate θ0, s(n) = √(θ0(1−θ0)/n). Overdispersion is estimated
  from winsorised z-scores, φ = Σ z²/I; when I·φ > I − 1 the limits widen,
  either additively (random effects, τ² by DerSimonian–Laird: θ0 ± z·√(s(n)² + τ²),
  the default for institutional comparisons) or multiplicatively (θ0 ± z·√φ·s(n)).
* **Shrunken rates**: a normal random-intercept model on the logit scale
  (empirical Bayes): each unit's window logit with its sampling variance,
  inflated by the unit's own period-to-period overdispersion (design effect
  from ρ, :func:`window_overdispersion`), pulled towards the peers' mean by τ²;
  posterior variance includes the uncertainty of the mean (Morris 1983).
* **Only the window counts**: every number here comes from the periods inside
  the window (ρ too), so a correction to months before it leaves the
  comparison, and every other unit's report, exactly as they were.
* **Ranks**: 1 = highest rate (for all three rates higher is better), ordered
  by the shrunken rate; the interval is the 2.5–97.5 % range of ranks over
  seeded simulations from the posteriors, so a unit with 40 dossiers and a
  perfect record is not ranked first on noise.
"""

from __future__ import annotations

import zlib
from typing import Any

import numpy as np
import pandas as pd
from scipy import special, stats

from motcua.model.cache import ResultCache
from motcua.model.settings import ModelSettings

GROUP = ["unit_schema", "unit_level", "rate"]


def window_rows(series: pd.DataFrame, months: int) -> pd.DataFrame:
    """The periods inside each peer group's window of the last ``months`` months, with what each adds
    to its unit's window total.

    The window ends at the group's last period_end; only periods lying wholly
    inside it count (a period half outside would mix windows). A rate's window
    total follows its ``window_formula`` (motcua.rates): flows summed over the
    periods, stocks (``successes_stock`` / ``trials_stock``, the pending
    dossiers of the 766 rate) taken once, at the unit's last period in the
    window. ``successes_w`` / ``trials_w`` are each period's share of that total.
    """
    s = series.reset_index(drop=True).copy()
    end = s.groupby(GROUP)["period_end"].transform("max")
    start = end - pd.DateOffset(months=months) + pd.Timedelta(days=1)
    s["window_start"] = start
    s["window_end"] = end
    inside = (s["period_start"] >= start) & (s["period_end"] <= end)
    s = s.loc[inside].reset_index(drop=True)
    stock_y = s["successes_stock"].fillna(0.0) if "successes_stock" in s else pd.Series(0.0, index=s.index)
    stock_n = s["trials_stock"].fillna(0.0) if "trials_stock" in s else pd.Series(0.0, index=s.index)
    last = np.zeros(len(s), bool)
    if len(s):
        last[s.groupby(GROUP + ["unit_code"], sort=False)["period_end"].idxmax().to_numpy()] = True
    s["successes_w"] = s["successes"] - stock_y + np.where(last, stock_y, 0.0)
    s["trials_w"] = s["trials"] - stock_n + np.where(last, stock_n, 0.0)
    return s


def window_totals(series: pd.DataFrame, months: int, rows: pd.DataFrame | None = None) -> pd.DataFrame:
    """Successes and trials per unit and rate over the last ``months`` months of each peer group
    (see :func:`window_rows`: flows summed, stocks at the last cut-off). ``rows``: what
    ``window_rows(series, months)`` returned, when the caller has it already."""
    if series.empty:
        return pd.DataFrame(
            columns=GROUP
            + ["unit_code", "unit_name", "window_start", "window_end", "successes", "trials", "window_periods"]
        )
    s = window_rows(series, months) if rows is None else rows
    s = s.assign(period_with_data=(s["trials"] > 0).astype(int))
    names = (
        series[["unit_schema", "unit_code", "period_end", "unit_name"]]
        .sort_values("period_end")
        .groupby(["unit_schema", "unit_code"])["unit_name"]
        .last()
        .to_dict()
    )
    out = (
        s.groupby(GROUP + ["unit_code"], sort=True)
        .agg(
            window_start=("window_start", "first"),
            window_end=("window_end", "first"),
            successes=("successes_w", "sum"),
            trials=("trials_w", "sum"),
            window_periods=("period_with_data", "sum"),
        )
        .reset_index()
    )
    out["unit_name"] = [names.get((a, b), "") for a, b in zip(out["unit_schema"], out["unit_code"])]
    return out


def _solve_rho_grouped(
    r2: np.ndarray, n: np.ndarray, group: np.ndarray, df: np.ndarray, iterations: int = 60
) -> np.ndarray:
    """Per group, ρ in [0, 1] with Σ r2 / (1 + (n − 1)ρ) = df (Williams 1982), by bisection in all groups at once.

    ``r2``, ``n``, ``group``: one entry per period (squared Pearson residual, trials, group number);
    ``df``: one entry per group. ρ = 0 when the residuals show no overdispersion (or df ≤ 0),
    1 when even ρ = 1 leaves them too large.
    """
    k = len(df)
    excess = lambda rho: np.bincount(group, r2 / (1.0 + (n - 1.0) * rho[group]), minlength=k) - df  # noqa: E731
    lo, hi = np.zeros(k), np.ones(k)
    for _ in range(iterations):
        mid = (lo + hi) / 2.0
        above = excess(mid) > 0  # Σ decreases with ρ: still too large → the root lies above mid
        lo, hi = np.where(above, mid, lo), np.where(above, hi, mid)
    rho = (lo + hi) / 2.0
    rho[(df <= 0) | (excess(np.zeros(k)) <= 0)] = 0.0
    rho[(df > 0) & (excess(np.ones(k)) > 0)] = 1.0
    return rho


def _local_trend_residuals(
    y: np.ndarray, n: np.ndarray, t: np.ndarray, group: np.ndarray, linear: np.ndarray, iterations: int = 30
) -> np.ndarray:
    """Squared Pearson residuals of each group's periods around its own binomial fit on the logit scale:
    a straight line in time where ``linear[group]``, a constant otherwise (Newton steps in all groups at once)."""
    k = len(linear)
    sum_y, sum_n = np.bincount(group, y, minlength=k), np.bincount(group, n, minlength=k)
    b0 = special.logit((sum_y + 0.5) / (sum_n + 1.0))
    b1 = np.zeros(k)
    lin = linear[group]
    tc = np.where(
        lin, t - (np.bincount(group, t, minlength=k) / np.maximum(np.bincount(group, minlength=k), 1))[group], 0.0
    )
    for _ in range(iterations):
        p = special.expit(np.clip(b0[group] + b1[group] * tc, -30.0, 30.0))
        w, r = n * p * (1.0 - p), y - n * p
        h00, h01, h11 = (np.bincount(group, x, minlength=k) for x in (w, w * tc, w * tc * tc))
        g0, g1 = np.bincount(group, r, minlength=k), np.bincount(group, r * tc, minlength=k)
        h11 = np.where(linear, h11, 1.0)  # a constant: the slope stays 0
        det = h00 * h11 - h01**2
        ok = det > 1e-12 * np.maximum(h00 * h11, 1e-300)
        d0 = np.where(ok, (h11 * g0 - h01 * g1) / np.where(ok, det, 1.0), 0.0)
        d1 = np.where(ok & linear, (h00 * g1 - h01 * g0) / np.where(ok, det, 1.0), 0.0)
        d0, d1 = np.clip(d0, -5.0, 5.0), np.clip(d1, -5.0, 5.0)  # a unit with no late dossier drifts to p → 1
        b0, b1 = b0 + d0, b1 + d1
        if max(np.abs(d0).max(initial=0.0), np.abs(d1).max(initial=0.0)) < 1e-10:
            break
    p = np.clip(special.expit(np.clip(b0[group] + b1[group] * tc, -30.0, 30.0)), 1e-12, 1.0 - 1e-12)
    return (y - n * p) ** 2 / (n * p * (1.0 - p))


def window_overdispersion(rows: pd.DataFrame, prior_df: float) -> pd.DataFrame:
    """Each unit's overdispersion ρ from the periods inside the comparison window only.

    Grain: one row per (unit_schema, unit_level, rate, unit_code) with at least one
    period of dossiers in the window. ``rows``: :func:`window_rows`.

    * ``rho_unit``: from the unit's own periods of dossiers: Pearson residuals
      around a straight line on the logit scale (4 or more periods; a constant
      rate with 2–3), ρ solving Σ r² / (1 + (n − 1)ρ) = df (Williams 1982);
      ``rho_df`` is its degrees of freedom (periods − parameters, 10 for a
      12-month window). A trend within the window is not counted as noise;
      seasonality is (12 months cannot separate it), which errs on the wide side.
    * ``rho_peers``: the same equation over all the peers' residuals at once.
    * ``rho``: the unit's estimate moderated towards its peers' (Smyth 2004):
      (rho_df · rho_unit + prior_df · rho_peers) / (rho_df + prior_df). Ten
      degrees of freedom make a noisy ρ; the moderated one keeps intervals
      honest (coverage checked by simulation in tests/model/test_simulation.py).

    Why only the window: ρ from the trend fit over the whole series moved with
    a correction to any old month and, through the shared shrinkage, every other
    unit's shrunk rate and rank, so a correction to one unit's old month re-rendered every report.
    """
    cols = ["unit_schema", "unit_level", "rate", "unit_code", "rho", "rho_unit", "rho_df", "rho_peers"]
    w = rows.loc[rows["trials"] > 0]
    if w.empty:
        return pd.DataFrame(columns=cols)
    by_unit = w.groupby(GROUP + ["unit_code"], sort=True)
    unit_id = by_unit.ngroup().to_numpy(np.intp)
    units = by_unit.size().reset_index()[GROUP + ["unit_code"]]
    periods = np.bincount(unit_id, minlength=len(units))
    linear = periods >= 4
    df_unit = (periods - np.where(linear, 2, 1)).astype(float)
    y, n = w["successes"].to_numpy(float), w["trials"].to_numpy(float)
    t = ((w["t_start"] + w["t_end"]) / 2.0).to_numpy(float)
    r2 = _local_trend_residuals(y, n, t, unit_id, linear)
    rho_unit = _solve_rho_grouped(r2, n, unit_id, df_unit)
    peer_id = units.groupby(GROUP, sort=True).ngroup().to_numpy(np.intp)
    n_peers = int(peer_id.max()) + 1
    df_peers = np.bincount(peer_id, np.maximum(df_unit, 0.0), minlength=n_peers)
    rho_peers = _solve_rho_grouped(r2, n, peer_id[unit_id], df_peers)[peer_id]
    d = np.maximum(df_unit, 0.0)
    with np.errstate(invalid="ignore"):
        rho = np.where(d + prior_df > 0, (d * rho_unit + prior_df * rho_peers) / (d + prior_df), rho_peers)
    return units.assign(rho=rho, rho_unit=rho_unit, rho_df=df_unit, rho_peers=rho_peers)[cols]


def overdispersion(z: np.ndarray, winsor: float) -> float:
    """Spiegelhalter's φ: mean of squared z-scores winsorised at ``winsor`` and 1 − ``winsor``."""
    z = np.asarray(z, float)
    z = z[np.isfinite(z)]
    if len(z) == 0:
        return 1.0
    lo, hi = np.quantile(z, [winsor, 1 - winsor])
    zw = np.clip(z, lo, hi)
    return float(np.mean(zw**2))


def funnel_limits(
    theta0: float, n: np.ndarray | float, level: float, *, phi: float = 1.0, tau2: float = 0.0, method: str = "additive"
) -> tuple[np.ndarray, np.ndarray]:
    """Lower and upper funnel limits (proportions, clipped to 0–1) at ``level`` for volumes ``n``."""
    n = np.asarray(n, float)
    z = stats.norm.ppf(0.5 + level / 2.0)
    with np.errstate(divide="ignore", invalid="ignore"):
        s2 = theta0 * (1 - theta0) / np.where(n > 0, n, np.nan)
    if method == "additive":
        half = z * np.sqrt(s2 + tau2)
    elif method == "multiplicative":
        half = z * np.sqrt(max(phi, 1.0) * s2)
    else:
        half = z * np.sqrt(s2)
    return np.clip(theta0 - half, 0.0, 1.0), np.clip(theta0 + half, 0.0, 1.0)


def _rank_seed(base: int, key: tuple[Any, ...]) -> int:
    return (int(base) * 7919 + zlib.crc32("|".join(map(str, key)).encode())) % (2**32)


def _sim_ranks(draws: np.ndarray) -> np.ndarray:
    """Ranks (1 = highest) of each simulation's draws (S, I), laid out unit by simulation (I, S), int32.

    The numbers of ``(-draws).argsort(axis=1).argsort(axis=1).T + 1``, three times faster at 3,321 communes ×
    4,000 draws: each draw becomes an integer key that sorts as the float does (its bits, the negative ones
    flipped) with the unit's index in its lowest bits, so one plain sort (several times faster than an
    argsort) gives every simulation's order; the second argsort, of a permutation, is its inverse, written by
    scattering the places. A simulation with two draws that agree but for the index's bits (about one in
    10⁴ at this size) is ordered by argsort instead, so the ranks are argsort's exactly.
    """
    S, I = draws.shape
    bits = max(int(I - 1).bit_length(), 1)
    key = np.negative(draws).view(np.int64)  # in place from here: four arrays as large as the draws cost time
    flip = key >> 63
    flip &= np.int64(0x7FFFFFFFFFFFFFFF)
    key ^= flip  # monotone in the float's value
    del flip
    mask = np.int64((1 << bits) - 1)
    key &= ~mask
    key |= np.arange(I, dtype=np.int64)[None, :]
    key.sort(axis=1)
    high = key >> bits
    near = np.flatnonzero((high[:, 1:] == high[:, :-1]).any(axis=1))  # two draws alike but for the lowest bits
    del high
    key &= mask
    order = key  # order[s, k]: the unit at place k of simulation s
    for s in near:  # such a simulation is ordered by argsort itself, as before
        order[s] = (-draws[s]).argsort()
    ranks = np.empty((I, S), dtype=np.int32)
    ranks[order, np.arange(S)[:, None]] = np.arange(1, I + 1, dtype=np.int32)[None, :]
    return ranks


def _rank_bounds(ranks: np.ndarray, a: float) -> tuple[np.ndarray, np.ndarray]:
    """Per unit (row), the ``a`` quantile of its ranks with numpy's "lower" method and the ``1 − a`` one with
    "higher" (the same order statistics ``np.quantile`` picks), from one partition of the rows."""
    S = ranks.shape[1]
    lo, hi = int(np.floor((S - 1) * a)), int(np.ceil((S - 1) * (1 - a)))
    part = np.partition(ranks, sorted({lo, hi}), axis=1)
    return part[:, lo], part[:, hi]


def _compare_group(g: pd.DataFrame, settings: ModelSettings, key: tuple[Any, ...]) -> pd.DataFrame:
    g = g.copy().reset_index(drop=True)
    y = g["successes"].to_numpy(float)
    n = g["trials"].to_numpy(float)
    has = n > 0
    I = int(has.sum())
    theta0 = float(y[has].sum() / n[has].sum()) if I else np.nan
    g["province_rate"] = theta0
    g["observed"] = np.where(has, y / np.where(has, n, 1), np.nan)
    g["n_units"] = I

    # ---- funnel (Spiegelhalter 2005)
    phi, tau2 = 1.0, 0.0
    method = settings.funnel_overdispersion
    if I >= 2 and 0 < theta0 < 1:
        s = np.sqrt(theta0 * (1 - theta0) / np.where(has, n, np.nan))
        z = (g["observed"].to_numpy() - theta0) / s
        g["z"] = z
        phi = overdispersion(z[has], settings.winsor)
        if I * phi > I - 1 and method != "none":
            w = 1.0 / s[has] ** 2
            tau2 = max(0.0, (I * phi - (I - 1)) / (w.sum() - (w**2).sum() / w.sum()))
        else:
            method = "none"
    else:
        g["z"] = np.nan
        method = "none"
    g["phi"] = phi
    g["tau2"] = tau2 if method == "additive" else 0.0
    g["funnel_method"] = method
    levels = settings.funnel_levels
    flags = np.full(len(g), "within", dtype=object)
    for lev in levels:
        tag = _level_tag(lev)
        lo, hi = funnel_limits(theta0, n, lev, phi=phi, tau2=tau2, method=method)
        g[f"limit{tag}_low"] = lo
        g[f"limit{tag}_high"] = hi
        out = has & ((g["observed"] < lo) | (g["observed"] > hi)).to_numpy()
        g[f"outside_{tag}"] = out
        above = has & (g["observed"] > hi).to_numpy()
        below = has & (g["observed"] < lo).to_numpy()
        flags = np.where(above, f"above_{tag}", np.where(below, f"below_{tag}", flags))
    flags = np.where(has, flags, "no_data")
    g["funnel_flag"] = flags

    # ---- shrinkage on the logit scale
    deff = g["design_effect"].to_numpy(float)
    pt = (y + 0.5) / (n + 1.0)
    eta = special.logit(pt)
    v = deff / ((n + 1.0) * pt * (1 - pt))
    for c in ("shrunk_rate", "shrunk_low", "shrunk_high", "rank", "rank_low", "rank_high", "rank_mean", "p_rank_first"):
        g[c] = np.nan
    if I >= 1:
        e, vv = eta[has], v[has]
        w = 1 / vv
        mu_fe = np.sum(w * e) / w.sum()
        if I >= 2:
            Q = float(np.sum(w * (e - mu_fe) ** 2))
            t2 = max(0.0, (Q - (I - 1)) / (w.sum() - (w**2).sum() / w.sum()))
        else:
            t2 = 0.0
        ws = 1 / (vv + t2)
        mu = float(np.sum(ws * e) / ws.sum())
        var_mu = float(1 / ws.sum())
        B = vv / (vv + t2)  # shrinkage factor: 1 = all the way to the mean
        post_m = mu + (1 - B) * (e - mu)
        post_v = (1 - B) * vv + B**2 * var_mu
        q = stats.norm.ppf(0.5 + settings.confidence_level / 2)
        sd = np.sqrt(post_v)
        g.loc[has, "shrunk_rate"] = special.expit(post_m)
        g.loc[has, "shrunk_low"] = special.expit(post_m - q * sd)
        g.loc[has, "shrunk_high"] = special.expit(post_m + q * sd)
        g["tau2_logit"] = t2
        # ranks: 1 = highest; units whose shrunk rates are equal share the best rank of their tie ("1, 2, 2, 4"),
        # never an order by code; with no variation between units beyond chance (tau² = 0) every shrunk rate is
        # the pooled one, and no point rank is given at all (the rank intervals still say how little is known)
        pm = np.round(post_m, 9)
        rank = (
            stats.rankdata(-pm, method="min").astype(float) if t2 > 0 and np.unique(pm).size > 1 else np.full(I, np.nan)
        )
        rng = np.random.default_rng(_rank_seed(settings.seed, key))
        S = settings.rank_simulations
        draws = post_m + sd * rng.standard_normal((S, I))
        sim_rank = _sim_ranks(draws)  # (I, S): unit by simulation
        a = (1 - settings.confidence_level) / 2
        g.loc[has, "rank"] = rank
        g.loc[has, "rank_low"], g.loc[has, "rank_high"] = _rank_bounds(sim_rank, a)
        g.loc[has, "rank_mean"] = sim_rank.mean(axis=1)
        g.loc[has, "p_rank_first"] = (sim_rank == 1).mean(axis=1)
    for c in ("rank", "rank_low", "rank_high"):
        g[c] = g[c].astype("Int64")
    return g


def _compare_group_cached(
    g: pd.DataFrame, settings: ModelSettings, key: tuple[Any, ...], cache: ResultCache | None
) -> pd.DataFrame:
    """:func:`_compare_group` through ``cache``, keyed by the group's rows (index aside), the settings and the group key."""
    if cache is None or not cache.enabled:
        return _compare_group(g, settings, key)
    k = cache.key("compare_group", g.reset_index(drop=True), settings, key)
    out = cache.get(k)
    if out is None:
        out = _compare_group(g, settings, key)
        cache.put(k, out)
    return out


def _level_tag(level: float) -> str:
    """0.95 → "95", 0.998 → "998" (column suffixes)."""
    return f"{level * 100:g}".replace(".", "")


def compare_units(
    series: pd.DataFrame,
    settings: ModelSettings,
    design_effects: pd.DataFrame | None = None,
    cache: ResultCache | None = None,
    rows: pd.DataFrame | None = None,
) -> pd.DataFrame:
    """The comparison table: window totals, funnel limits and flags, shrunken rates and ranks.

    Each unit's design effect comes from its overdispersion ρ over the window's
    periods (:func:`window_overdispersion`, moderated towards its peers' by
    ``settings.comparison_rho_prior_df``); ``design_effects``: rows
    (unit_schema, unit_code, rate, rho) to use instead, for explorations and for
    the simulations that show what an ignored ρ costs.
    Province-level rows are left out (a province is not its own peer).
    ``cache``: reuse a peer group's comparison when its window totals, design
    effects and the settings are those it was computed from (a correction
    outside the window leaves every group as it was); the result is the same either way.
    ``rows``: what ``window_rows(series, settings.comparison_window_months)`` returned, when the caller has it
    (province rows are dropped here; each level's window is its own, so the rest are as for the units alone).
    """
    s = series.loc[series["unit_level"] != "province"]
    if rows is not None:  # each period's part of the window total
        win = rows.loc[rows["unit_level"] != "province"].reset_index(drop=True)
    else:
        win = window_rows(s, settings.comparison_window_months) if len(s) else None
    wt = window_totals(s, settings.comparison_window_months, rows=win)
    if wt.empty:
        return wt
    # design effect of the window total from the unit's period-to-period overdispersion
    on = ["unit_schema", "unit_code", "rate"]
    est = window_overdispersion(win, settings.comparison_rho_prior_df)
    wt = wt.merge(est.drop(columns=["unit_level"]), how="left", on=on)
    if design_effects is not None:
        given = wt[on].merge(design_effects[on + ["rho"]], how="left", on=on)["rho"]
        wt["rho"] = given.to_numpy(float)
    rho = wt["rho"].fillna(0.0).to_numpy(float)  # no period of dossiers in the window: not compared anyway
    sums = win[on + ["trials_w"]].assign(n2=win["trials_w"] ** 2).groupby(on).sum()
    keys = list(zip(wt["unit_schema"], wt["unit_code"], wt["rate"]))
    sum_n, sum_n2 = dict(zip(sums.index, sums["trials_w"].to_numpy())), dict(zip(sums.index, sums["n2"].to_numpy()))
    N = np.array([sum_n.get(k, 0.0) for k in keys], float)
    N2 = np.array([sum_n2.get(k, 0.0) for k in keys], float)
    with np.errstate(invalid="ignore", divide="ignore"):
        deff = np.where(N > 0, (N + rho * (N2 - N)) / np.where(N > 0, N, 1), 1.0)
    wt["rho"] = rho
    wt["design_effect"] = np.maximum(deff, 1.0)
    parts = [_compare_group_cached(g, settings, key, cache) for key, g in wt.groupby(GROUP, sort=True)]
    out = pd.concat(parts, ignore_index=True)
    first = [
        "unit_schema",
        "unit_code",
        "unit_name",
        "unit_level",
        "rate",
        "window_start",
        "window_end",
        "window_periods",
        "successes",
        "trials",
        "observed",
        "province_rate",
        "n_units",
    ]
    return out[first + [c for c in out.columns if c not in first]]


def funnel_curve(
    comparison: pd.DataFrame,
    rate: str,
    unit_schema: str | None = None,
    unit_level: str | None = None,
    points: int = 200,
) -> pd.DataFrame:
    """Funnel limits over a grid of volumes for plotting (grain: one row per n × level).

    Columns: n, level, low, high, province_rate. Uses the group's θ0, φ, τ² and method.
    """
    c = comparison.loc[comparison["rate"] == rate]
    if unit_schema is not None:
        c = c.loc[c["unit_schema"] == unit_schema]
    if unit_level is not None:
        c = c.loc[c["unit_level"] == unit_level]
    if c.empty:
        return pd.DataFrame(columns=["n", "level", "low", "high", "province_rate"])
    row = c.iloc[0]
    nmax = max(float(c["trials"].max()), 10.0)
    nmin = max(1.0, float(c.loc[c["trials"] > 0, "trials"].min()) / 2 if (c["trials"] > 0).any() else 1.0)
    grid = np.geomspace(nmin, nmax * 1.2, points)
    rows = []
    for lev in sorted({float(k) for k in _levels(c)}):
        lo, hi = funnel_limits(
            float(row["province_rate"]),
            grid,
            lev,
            phi=float(row["phi"]),
            tau2=float(row["tau2"]),
            method=str(row["funnel_method"]),
        )
        rows.append(
            pd.DataFrame({"n": grid, "level": lev, "low": lo, "high": hi, "province_rate": float(row["province_rate"])})
        )
    return pd.concat(rows, ignore_index=True)


def _levels(c: pd.DataFrame) -> list[float]:
    out = []
    for col in c.columns:
        if col.startswith("limit") and col.endswith("_low"):
            tag = col[len("limit") : -len("_low")]
            out.append(float(tag[:2] + "." + tag[2:]) / 100 if len(tag) > 2 else float(tag) / 100)
    return out
