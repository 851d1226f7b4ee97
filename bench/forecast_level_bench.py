"""The end level's error per method and kind of series, and candidates that estimate it otherwise (not a test).

Per simulated series (motcua.model.backtest.simulate_series as bench/forecast_gap.py draws them: 48 months
fitted, 12 held out) the forecasts' 2.5/50/97.5 % quantiles beside the observed and the true share. Printed:

* ``--part level``: the logit error of each method's mean at the first held-out month (truth known), by kind
  of series and, for S-curves, by phase at the data's end (``accel``: the logit slope of the last year exceeds
  the year before's by > 0.15; ``levelled``: last year's logit change < 0.15; ``decel``: the rest; ``+id``: the
  growth curve is identified), with the four-parameter curve (floor and ceiling) beside them;
* ``--part candidates``: coverage (range over seeds), interval score / old and |median − truth| per horizon
  of candidate forecasters on the same series, and horizons 1–5 by kind and phase;
* ``--part main``: old, new, flat and oracle per horizon (coverage range, score / old, score / flat); with
  ``--before`` also the forecast with the seasonality shrunk by one factor for all its coefficients.

Candidates (each a principled change to how the end level or the month's noise is estimated):
``lvl_eb`` the damped method's level correction shrunk by empirical Bayes, c · max(0, 1 − sd²/c²);
``else_kalman`` / ``kalman_kalman`` the growth method with kalman where the curve is not identified / also as
its partner; ``g4`` a four-parameter logistic (floor and ceiling, c·(r + (1 − r)·expit(a + b·t))) replacing the
growth curve wherever it beats the straight logit line (χ²₂ at 5 %), ``g4_id`` only where the three-parameter
curve is identified; ``rho_draw`` the month's overdispersion drawn from its sampling distribution
(1 + (n̄ − 1)ρ scaled by df/χ²_df per draw); ``rho_recent`` ρ from the last 24 months' Pearson residuals.

    PYTHONPATH=src .venv/bin/python bench/forecast_level_bench.py --part candidates [--series 400] [--seeds 101,102,103]
"""

from __future__ import annotations

import argparse
import contextlib
import copy
import sys
import time

import numpy as np
import pandas as pd
from scipy import optimize, special, stats

from motcua.model import backtest as bt
from motcua.model import forecast as F
from motcua.model import forecast_growth as G
from motcua.model import trend_draws as TD
from motcua.model.forecast_growth import TREND_COLUMNS, fit_curve, fit_growth, neg_loglik, season_offset, williams_rho
from motcua.model.forecast_kalman import observed_design
from motcua.model.forecast_season import forecast_fit
from motcua.model.settings import settings_from_config
from motcua.model.trend import daily_volume

FIT = 48
ST = settings_from_config()


def prepared(seed: int, n_series: int) -> list[dict]:
    """The series of a seed as bench/forecast_gap.py draws them, fitted as the model stage fits them."""
    rng = np.random.default_rng(seed)
    w = np.array([0.5, 1 / 6, 1 / 6, 1 / 6])
    out = []
    for i in range(n_series):
        kind = str(rng.choice(bt.KINDS, p=w))
        s = bt.simulate_series(kind, rng, months=FIT + 12)
        rng.uniform(-0.12, 0.12)
        fit = bt.fit_first(s, FIT, ST, breaks=[s.brk] if s.brk is not None else [], unit=("g", "g"))
        if not fit.ok:
            continue
        ho = slice(FIT, FIT + 12)
        days = ((s.period_end[ho] - s.period_start[ho]) / np.timedelta64(1, "D")).astype(float) + 1.0
        vol = daily_volume(fit.period_start, fit.period_end, fit.trials) * days
        L = special.logit(s.truth)
        m = np.convolve(L, np.ones(12) / 12, mode="valid")  # yearly means of the true logit
        last, before = m[FIT - 12] - m[FIT - 24], m[FIT - 24] - m[FIT - 36]
        phase = "accel" if last - before > 0.15 else ("levelled" if last < 0.15 else "decel")
        out.append(
            dict(
                seed=seed, i=i, kind=kind, s=s, fit=fit, y=s.successes[ho], n=s.trials[ho], t0=s.t_start[ho],
                t1=s.t_end[ho], vol=vol, truth=s.truth[ho], phase=phase if kind == "logistic" else kind,
            )
        )  # fmt: skip
    return out


# --- the four-parameter curve: share = c · (r + (1 − r) · expit(a + b·t)), θ = (a, b, logit c, logit r) -----


def _eta4(th: np.ndarray, tc: np.ndarray, off: np.ndarray) -> np.ndarray:
    c, r = special.expit(th[2]), special.expit(th[3])
    m = np.clip(c * (r + (1 - r) * special.expit(th[0] + th[1] * tc)), 1e-12, 1 - 1e-12)
    return special.logit(m) + off


def fit4(fit) -> dict | None:
    """The four-parameter curve by penalised maximum likelihood (BFGS; priors: logit c as the growth method's,
    logit r ~ N(−2, 2²)), its Laplace covariance times φ; None unless it rises, stays below 0.995 and beats the
    straight logit line (scaled deviance drop > χ²₂ at 5 %). Kept on the fit."""
    got = getattr(fit, "_g4", None)
    if got is not None:
        return got[0]
    out = None
    obs = np.flatnonzero(fit.observed_mask)
    if fit.has_trend and len(obs) >= 24:
        y, n = fit.successes[obs], fit.trials[obs]
        T = float(fit.t_end[obs[-1]])
        tc = (fit.t_start[obs] + fit.t_end[obs]) / 2 - T
        off = season_offset(fit, observed_design(fit)[1])
        top = float(np.clip(np.max((y[-12:] + 0.5) / (n[-12:] + 1.0)), 0.02, 0.98))
        mu_c = special.logit((1 + top) / 2)
        low = float(np.clip(np.min((y[:12] + 0.5) / (n[:12] + 1.0)), 0.005, 0.9))

        def nll(th):
            p = np.clip(special.expit(_eta4(th, tc, off)), 1e-12, 1 - 1e-12)
            ll = float((y * np.log(p) + (n - y) * np.log1p(-p)).sum())
            return -ll + 0.5 * ((th[2] - mu_c) / 1.5) ** 2 + 0.5 * ((th[3] + 2) / 2.0) ** 2

        c0 = (1 + 2 * top) / 3
        r0 = min(low / c0, 0.5)
        u0 = np.clip(((y + 0.5) / (n + 1.0) / c0 - r0) / (1 - r0), 0.02, 0.98)
        s0 = np.polyfit(tc, special.logit(u0) - off, 1)
        th = optimize.minimize(
            nll, np.array([s0[1], s0[0], special.logit(c0), special.logit(max(r0, 1e-3))]), method="BFGS"
        ).x
        p = special.expit(_eta4(th, tc, off))
        df = len(y) - 4 - int(np.sum([not nm.startswith(TREND_COLUMNS) for nm in fit.names]))
        r2 = (y - n * p) ** 2 / np.maximum(n * p * (1 - p), 1e-12)
        phi = max(float(r2.sum()) / max(df, 1), 1.0)
        lin = np.polyfit(tc, np.log((y + 0.5) / (n - y + 0.5)) - off, 1)
        _, _, f_line, _ = fit_curve(y, n, tc, off, np.ones(len(y)), np.array([lin[1], lin[0]]), (0.0, 1.0), False)
        curv = 2 * (f_line - neg_loglik(y, n, p, None)) / phi
        if th[1] > 0 and special.expit(th[2]) < 0.995 and curv > stats.chi2.ppf(0.95, 2) and df > 3:
            J = np.empty((len(tc), 4))
            for k in range(4):
                e = np.zeros(4)
                e[k] = 1e-5
                J[:, k] = (_eta4(th + e, tc, off) - _eta4(th - e, tc, off)) / 2e-5
            info = J.T @ (J * (n * p * (1 - p))[:, None])
            info[2, 2] += 1 / 1.5**2
            info[3, 3] += 1 / 4.0
            with contextlib.suppress(np.linalg.LinAlgError):
                out = dict(th=th, cov=np.linalg.inv(info) * phi, T=T, rho=williams_rho(r2, n, df), df=df)
    fit._g4 = (out,)
    return out


def g4_draws(fit, st, t0, t1, vol, size, rng, only_identified: bool = False):
    """Three quarters of the draws from the four-parameter curve where it is used, the rest from the ensemble;
    elsewhere the configured method."""
    ff = forecast_fit(fit, st)
    g = None if only_identified and fit_growth(ff, st) is None else fit4(ff)
    if g is None:
        return bt.model_draws(fit, st, t0, t1, vol, size, rng)
    k = int(round(size * st.forecast_growth_weight))
    vals, vecs = np.linalg.eigh(g["cov"])
    z = rng.standard_normal((k, 4)) @ (vecs * np.sqrt(np.maximum(vals, 0))).T
    th = g["th"] + z / np.sqrt(rng.chisquare(g["df"], k) / g["df"])[:, None]
    tc = (t0 + t1) / 2 - g["T"]
    off = season_offset(ff, ff.X(t0, t1))
    eta = np.vstack([_eta4(t, tc, off) for t in th])
    eta += rng.standard_normal(eta.shape) * (st.forecast_growth_drift_sd * np.sqrt(np.maximum(tc, 0)))[None, :]
    noisy = copy.copy(ff)
    noisy.rho = g["rho"]
    out = TD.predictive_draws(noisy, np.zeros((len(t0), len(ff.params))), vol, k, rng, eta)
    mix = st.with_(forecast_method="ensemble")
    return np.vstack([out, bt.model_draws(fit, mix, t0, t1, vol, size - k, rng)])


# --- candidates that replace a piece of the configured method (patched for the call only) ------------------


@contextlib.contextmanager
def patched(module, name, value):
    old = getattr(module, name)
    setattr(module, name, value)
    try:
        yield
    finally:
        setattr(module, name, old)


_level = F.level_correction


def _level_eb(fit, settings):
    c, sd = _level(fit, settings)
    if sd <= 0 or c == 0:
        return c, sd
    k = max(0.0, 1 - (sd / c) ** 2)
    return k * c, np.sqrt(k) * sd


_predictive = TD.predictive_draws


def _rho_draw(fit, X, volume, size, rng, eta_shift=None):
    """Predictive draws whose ρ is drawn per draw: 1 + (n̄ − 1)ρ scaled by df/χ²_df (Williams' estimator sets
    the Pearson χ² to its degrees of freedom)."""
    df = getattr(fit, "_rho_df", None) or fit.df_resid
    if df <= 0:
        return _predictive(fit, X, volume, size, rng, eta_shift)
    nbar = float(np.mean(fit.trials[fit.observed_mask])) if fit.observed_mask.any() else 1.0
    s = (1 + (nbar - 1) * fit.rho) * df / rng.chisquare(df, size)
    rho = np.clip((s - 1) / max(nbar - 1, 1), 1e-9, 0.5)[:, None]
    eta = TD.param_draws(fit, size, rng) @ X.T
    if eta_shift is not None:
        eta = eta + eta_shift
    p = special.expit(eta)
    m = np.broadcast_to(np.maximum(np.rint(volume), 0).astype(np.int64), p.shape)
    c = (1 - rho) / rho
    q = rng.beta(np.maximum(p * c, 1e-9), np.maximum((1 - p) * c, 1e-9))
    return np.where(m > 0, TD.binomial_noise(m, q, rng) / np.maximum(m, 1), p)


def _rho_recent(fit, X, volume, size, rng, eta_shift=None):
    """Predictive draws with ρ from the last 24 months' Pearson residuals of the fitted trend."""
    obs = np.flatnonzero(fit.observed_mask)
    base = getattr(fit, "_season_shrunk_of", None) or fit
    y, n, p = base.successes[obs][-24:], base.trials[obs][-24:], base.fitted[obs][-24:]
    r2 = (y - n * p) ** 2 / np.maximum(n * p * (1 - p), 1e-12)
    df = len(y) * base.df_resid / len(obs)
    f2 = copy.copy(fit)
    f2.rho = williams_rho(r2, n, df) if df > 0 else fit.rho
    return _predictive(f2, X, volume, size, rng, eta_shift)


_growth = G.growth_draws


def _growth_rho_df(fit, settings, *a, **k):
    g = fit_growth(fit, settings)
    if g is not None:
        fit._rho_df = g.df
    try:
        return _growth(fit, settings, *a, **k)
    finally:
        fit.__dict__.pop("_rho_df", None)


def with_patches(patches):
    def fc(*a):
        with contextlib.ExitStack() as stack:
            for mod, name, val in patches:
                stack.enter_context(patched(mod, name, val))
            return bt.model_draws(*a)

    return fc


def candidates() -> dict:
    draws = [
        (F, "predictive_draws", _rho_draw),
        (G, "predictive_draws", _rho_draw),
        (F, "growth_draws", _growth_rho_df),
    ]
    return {
        "lvl_eb": (with_patches([(F, "level_correction", _level_eb)]), ST),
        "else_kalman": (bt.model_draws, ST.with_(forecast_growth_else="kalman")),
        "kalman_kalman": (bt.model_draws, ST.with_(forecast_growth_else="kalman", forecast_growth_mix="kalman")),
        "g4": (g4_draws, ST),
        "g4_id": (lambda *a: g4_draws(*a, only_identified=True), ST),
        "rho_draw": (with_patches(draws), ST),
        "rho_recent": (with_patches([(F, "predictive_draws", _rho_recent), (G, "predictive_draws", _rho_recent)]), ST),
    }


def base() -> dict:
    return {
        "old": (bt.model_draws, ST.with_(forecast_method="glm")),
        "new": (bt.model_draws, ST),
        "flat": (bt.flat_draws, ST),
        "oracle": (None, ST),
    }


def evaluate(data: list[dict], cands: dict, size: int = 1000) -> pd.DataFrame:
    """One row per (series, forecaster, horizon): quantiles, observed and true share, interval score."""
    rows = []
    for d in data:
        for k, (name, (fc, st)) in enumerate(cands.items()):
            r = np.random.default_rng([d["seed"], d["i"], k, 7])
            if fc is None:
                dr = d["s"].draw(r, slice(FIT, FIT + 12), size)
            else:
                dr = fc(d["fit"], st, d["t0"], d["t1"], d["vol"], size, r)
            q = np.quantile(dr, [0.025, 0.5, 0.975], axis=0)
            for h in np.flatnonzero(d["n"] > 0):
                obs, tr = d["y"][h] / d["n"][h], d["truth"][h]
                rows.append((d["seed"], d["i"], d["kind"], d["phase"], name, h + 1, *q[:, h], obs, tr))
    df = pd.DataFrame(rows, columns=["seed", "i", "kind", "phase", "fc", "h", "lo", "med", "hi", "obs", "truth"])
    miss = np.clip(df.lo - df.obs, 0, None) + np.clip(df.obs - df.hi, 0, None)
    df["score"] = (df.hi - df.lo) + (2 / bt.ALPHA) * miss
    df["cov"] = (df.obs >= df.lo) & (df.obs <= df.hi)
    df["err"] = (df.med - df.truth).abs()
    return df


def per_horizon(df: pd.DataFrame, title: str) -> str:
    """Markdown: per horizon, each forecaster's coverage range over seeds, score / old, score / flat."""
    s = df.groupby(["h", "fc"]).score.mean().unstack()
    cov = 100 * df.groupby(["h", "fc", "seed"])["cov"].mean().unstack()
    lo, hi = cov.min(axis=1).unstack(), cov.max(axis=1).unstack()
    hs = list(s.index)
    lines = [f"*{title}*", "", "| horizon | " + " | ".join(map(str, hs)) + " |", "|---|" + "---|" * len(hs)]
    for fc in [c for c in s.columns if c not in ("old", "flat")]:
        rng_ = [
            f"{lo.at[h, fc]:.1f}" if lo.at[h, fc] == hi.at[h, fc] else f"{lo.at[h, fc]:.1f}–{hi.at[h, fc]:.1f}"
            for h in hs
        ]
        lines.append(f"| {fc}: coverage (%) | " + " | ".join(rng_) + " |")
        lines.append(f"| {fc} / old | " + " | ".join(f"{s.at[h, fc] / s.at[h, 'old']:.2f}" for h in hs) + " |")
        if "flat" in s.columns:
            lines.append(f"| {fc} / flat | " + " | ".join(f"{s.at[h, fc] / s.at[h, 'flat']:.2f}" for h in hs) + " |")
    return "\n".join(lines) + "\n"


def candidate_report(df: pd.DataFrame) -> str:
    pd.set_option("display.width", 250)
    s = df.groupby(["h", "fc"]).score.mean().unstack()
    cov = 100 * df.groupby(["h", "fc", "seed"])["cov"].mean().unstack()
    out = ["interval score / old\n" + s.div(s["old"], axis=0).round(3).to_string()]
    out.append("coverage, lowest seed (%)\n" + cov.min(axis=1).unstack().round(1).to_string())
    out.append("coverage, highest seed (%)\n" + cov.max(axis=1).unstack().round(1).to_string())
    out.append("|median − truth| (pp)\n" + (100 * df.groupby(["h", "fc"]).err.mean().unstack()).round(2).to_string())
    e = df[df.h <= 5]
    for col in ("kind", "phase"):
        g = e.groupby([col, "fc"]).score.mean().unstack()
        out.append(f"horizons 1–5, score / old by {col}\n" + g.div(g["old"], axis=0).round(3).to_string())
    old = e[e.fc == "old"]
    out.append(
        "horizons 1–5, share of old's score by phase\n"
        + (old.groupby("phase").score.sum() / old.score.sum()).round(3).to_string()
    )
    m = e.groupby("fc").score.mean()
    out.append("horizons 1–5, mean score / old: " + ", ".join(f"{k} {v / m['old']:.3f}" for k, v in m.items()))
    return "\n\n".join(out)


def level_report(data: list[dict]) -> str:
    """The logit error of each method's mean at the first held-out month, by kind and phase."""
    rows = []
    t4 = 0.0
    for d in data:
        fit = d["fit"]
        t0, t1 = d["t0"][:1], d["t1"][:1]
        tl = float(special.logit(d["truth"][0]))
        X = fit.X(t0, t1)
        ff = forecast_fit(fit, ST)
        g = fit_growth(ff, ST)
        row = dict(grp=d["phase"] + ("+id" if g is not None else ""))
        for m in ("glm", "damped", "kalman", "ensemble"):
            st = ST.with_(forecast_method=m)
            row[m] = float(F._logit_mean(fit, st, F._design(fit, st, X), t0, t1)[0][0]) - tl
        row["new"] = float(F._logit_mean(fit, ST, X, t0, t1)[0][0]) - tl
        if g is not None:
            row["curve"] = (
                float(G.growth_mean(ff, ST.with_(forecast_growth_weight=1.0), t0, t1, X[:, 0], X[:, 0])[0][0]) - tl
            )
        t = time.perf_counter()
        g4 = fit4(ff)
        t4 += time.perf_counter() - t
        if g4 is not None:
            row["curve4"] = float(_eta4(g4["th"], (t0 + t1) / 2 - g4["T"], season_offset(ff, X))[0]) - tl
        rows.append(row)
    df = pd.DataFrame(rows)
    cols = ["glm", "damped", "kalman", "ensemble", "new", "curve", "curve4"]
    g = df.groupby("grp")
    rmse = g[cols].apply(lambda x: np.sqrt((x**2).mean()))
    rmse.insert(0, "n", g.size())
    return (
        "root mean square logit error of the mean at 1 month (curve, curve4: where used)\n" + rmse.round(3).to_string()
        + "\n\nmean logit error (bias)\n" + g[cols].mean().round(3).to_string()
        + f"\n\nfour-parameter fit: {1000 * t4 / len(data):.1f} ms a series"
    )  # fmt: skip


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--part", choices=("level", "candidates", "main"), default="candidates")
    ap.add_argument("--series", type=int, default=400)
    ap.add_argument("--seeds", default="101,102,103")
    ap.add_argument("--before", action="store_true", help="main: add the seasonality shrunk by one factor (before)")
    args = ap.parse_args(argv)
    data = [d for s in args.seeds.split(",") for d in prepared(int(s), args.series)]
    if args.part == "level":
        print(level_report(data))
    elif args.part == "candidates":
        b = base()
        print(candidate_report(evaluate(data, {k: b[k] for k in ("old", "new", "oracle")} | candidates())))
    else:
        fcs = base()
        if args.before:
            fcs["before"] = (bt.model_draws, ST.with_(forecast_season_shrink="empirical_bayes"))
        print(per_horizon(evaluate(data, fcs), f"seeds {args.seeds}, {args.series} series a seed"))
    return 0


if __name__ == "__main__":
    sys.exit(main())
