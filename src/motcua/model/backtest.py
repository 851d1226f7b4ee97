"""Out-of-sample check of the forecasts: fit N months, score the next 12.

Grain of :func:`score_forecasts`' table: one row per (series, horizon) — the
95 % prediction interval of the month ``horizon`` months after the fit's last
month, the observed share of that held-out month, whether it was covered, the
interval's width and its interval score (Gneiting & Raftery 2007, α = 0.05:
width + 2/α × the distance by which the interval misses). Grain of its target
table: one row per series — ``p`` the forecast probability that the held-out
month at ``target_horizon`` reaches a target placed near the truth, ``met``
whether it did; :func:`reliability` and :func:`brier` summarise it.

Simulated series (:func:`simulate_series`) have a known data-generating process
the model does not share: S-shaped adoption towards ceilings of 35–92 %
(logistic on the share, not on its logit), straight lines on the logit scale,
flat series, a structural break with a level step, month-of-year seasonality,
overdispersion (half the series beta-binomial, ρ log-uniform 0.0005–0.008; half logit-normal, sd 0.05–0.3) and monthly dossier
counts log-uniform 80–4 000 with seasonal swings. :func:`rolling_origin`
backtests the same way on a real panel's own series.

Forecasters are functions ``(fit, settings, t0, t1, volume, size, rng) → draws``
(size × months): :func:`motcua.model.forecast.forecast_draws` with the method
set in the settings, and :func:`flat_draws`, the naive benchmark (the last 12
months' pooled share, held, with the spread of those months).
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass

import numpy as np
import pandas as pd
from scipy import special

from motcua.model.design import harmonic_means
from motcua.model.forecast import forecast_draws
from motcua.model.series import years
from motcua.model.settings import ModelSettings
from motcua.model.trend import TrendFit, daily_volume, fit_arrays

ALPHA = 0.05
KINDS = ("logistic", "linear", "flat", "break")
Forecaster = Callable[..., np.ndarray]


@dataclass
class SimSeries:
    """One simulated monthly series: dates, counts, the true expected share, and its break (or None)."""

    period_start: np.ndarray
    period_end: np.ndarray
    t_start: np.ndarray
    t_end: np.ndarray
    successes: np.ndarray
    trials: np.ndarray
    truth: np.ndarray
    kind: str
    brk: pd.Timestamp | None = None
    rho: float = 0.0  # beta-binomial overdispersion (0: none)
    sigma: float = 0.0  # sd of logit-normal month-to-month noise (0: none)

    def draw(self, rng: np.random.Generator, months: slice, size: int) -> np.ndarray:
        """Draws (size, m) of the observed share of ``months`` from the true process (the oracle's forecast)."""
        p, n = self.truth[months], self.trials[months]
        if self.rho > 0:
            c = (1 - self.rho) / self.rho
            q = rng.beta(np.maximum(p * c, 1e-9), np.maximum((1 - p) * c, 1e-9), (size, len(p)))
        else:
            q = special.expit(special.logit(p) + self.sigma * rng.standard_normal((size, len(p))))
        return rng.binomial(np.broadcast_to(n.astype(np.int64), q.shape), q) / np.maximum(n, 1)


def simulate_series(kind: str, rng: np.random.Generator, months: int = 60, start: str = "2020-01-01") -> SimSeries:
    """One series of ``months`` months of a ``kind`` in :data:`KINDS` (see the module docstring)."""
    starts = pd.date_range(start, periods=months, freq="MS")
    ends = starts + pd.offsets.MonthEnd(0)
    t0 = np.asarray(years(pd.Series(starts)), float)
    t1 = np.asarray(years(pd.Series(ends + pd.Timedelta(days=1))), float)
    tm = (t0 + t1) / 2
    span = tm[-1] - tm[0]
    brk = None
    if kind == "logistic":
        ceiling = rng.uniform(0.35, 0.92)
        floor = rng.uniform(0.01, 0.08)
        speed = rng.uniform(0.8, 3.0)  # per year
        mid = tm[0] + span * rng.uniform(0.1, 0.9)
        p = floor + (ceiling - floor) * special.expit(speed * (tm - mid))
        eta = special.logit(p)
    elif kind == "linear":
        eta = rng.uniform(-2.5, 2.0) + rng.uniform(-0.5, 0.7) * (tm - tm.mean())
    elif kind == "flat":
        eta = np.full(months, rng.uniform(-3.0, 3.0))
    elif kind == "break":
        eta = rng.uniform(-2.0, 1.5) + rng.uniform(-0.2, 0.6) * (tm - tm.mean())
        # the break falls 6 to 30 months before the last 12 (held-out) months
        b = months - 12 - int(rng.integers(6, 31))
        brk = pd.Timestamp(starts[b])
        eta = eta + np.where(np.arange(months) >= b, rng.choice([-1, 1]) * rng.uniform(0.3, 1.2), 0.0)
    else:
        raise ValueError(f"unknown kind {kind!r}: one of {KINDS}")
    s1, c1 = harmonic_means(t0, t1, 1)
    amp, ph = rng.uniform(0.0, 0.25), rng.uniform(0, 2 * np.pi)
    eta = eta + amp * (np.cos(ph) * s1 + np.sin(ph) * c1)
    truth = special.expit(eta)
    vol = np.exp(rng.uniform(np.log(80), np.log(4000)))
    n = rng.poisson(vol * (1 + 0.25 * s1) * rng.uniform(0.9, 1.1, months)).astype(float)
    rho = sigma = 0.0
    if rng.random() < 0.5:  # beta-binomial overdispersion
        rho = float(np.exp(rng.uniform(np.log(0.0005), np.log(0.008))))
    else:  # logit-normal month-to-month noise
        sigma = float(rng.uniform(0.05, 0.3))
    s = SimSeries(
        starts.to_numpy("datetime64[ns]"),
        ends.to_numpy("datetime64[ns]"),
        t0,
        t1,
        np.zeros(months),
        n,
        truth,
        kind,
        brk,
        rho,
        sigma,
    )
    s.successes = s.draw(rng, slice(0, months), 1)[0] * n
    return s


def flat_draws(
    fit: TrendFit,
    settings: ModelSettings,
    t0: np.ndarray,
    t1: np.ndarray,
    volume: np.ndarray,
    size: int,
    rng: np.random.Generator,
) -> np.ndarray:
    """The naive forecast: the last 12 observed months' pooled share held, spread as those months' shares
    (normal, clipped to 0–1) — what a reader would guess from the recent past alone."""
    obs = np.flatnonzero(fit.trials > 0)[-12:]
    y, n = fit.successes[obs], fit.trials[obs]
    p = y.sum() / n.sum()
    sd = float(np.std(y / n, ddof=1)) if len(obs) > 1 else 0.0
    return np.clip(p + sd * rng.standard_normal((size, len(t0))), 0.0, 1.0)


def model_draws(
    fit: TrendFit,
    settings: ModelSettings,
    t0: np.ndarray,
    t1: np.ndarray,
    volume: np.ndarray,
    size: int,
    rng: np.random.Generator,
) -> np.ndarray:
    """The model stage's forecast (:func:`motcua.model.forecast.forecast_draws`, method from the settings)."""
    return forecast_draws(fit, settings, t0, t1, volume, size, rng)


def _score_one(draws: np.ndarray, y: np.ndarray, n: np.ndarray) -> dict[str, np.ndarray]:
    lo, hi = np.quantile(draws, [ALPHA / 2, 1 - ALPHA / 2], axis=0)
    obs = y / np.maximum(n, 1)
    width = hi - lo
    score = width + (2 / ALPHA) * (np.clip(lo - obs, 0, None) + np.clip(obs - hi, 0, None))
    return {
        "lower": lo,
        "upper": hi,
        "observed": obs,
        "covered": (obs >= lo) & (obs <= hi),
        "width": width,
        "interval_score": score,
    }


def fit_first(
    s: SimSeries | dict,
    months: int,
    settings: ModelSettings,
    *,
    breaks: list | None = None,
    unit: tuple[str, str] = ("bt", "bt"),
) -> TrendFit:
    """The online-rate trend fitted to the first ``months`` months of a simulated series (a
    :class:`SimSeries` or its ``__dict__``), as the model stage fits a series; ``unit``: its (schema, code)
    labels."""
    g = s if isinstance(s, dict) else s.__dict__
    sl = slice(0, months)
    cols = ("period_start", "period_end", "t_start", "t_end", "successes", "trials")
    return fit_arrays(*unit, "online_rate", *(g[c][sl] for c in cols), settings, breaks=breaks)


def score_series(
    s: SimSeries | dict,
    fit_months: int,
    settings: ModelSettings,
    forecasters: dict[str, Forecaster],
    rng: np.random.Generator,
    *,
    horizon: int = 12,
    target: float | None = None,
    target_horizon: int = 12,
    breaks: list | None = None,
) -> tuple[list[dict], list[dict]]:
    """Fit the first ``fit_months`` months of a series, score each forecaster on the next ``horizon``.

    Returns (rows per forecaster × horizon, rows per forecaster for the target at ``target_horizon``).
    Nothing when the fit fails or is too short (the stage would give no forecast either).
    """
    g = s if isinstance(s, dict) else s.__dict__
    ho = slice(fit_months, fit_months + horizon)
    fit = fit_first(g, fit_months, settings, breaks=breaks)
    if not fit.ok:
        return [], []
    y, n = g["successes"][ho], g["trials"][ho]
    t0, t1 = g["t_start"][ho], g["t_end"][ho]
    keep = n > 0
    vol_day = daily_volume(fit.period_start, fit.period_end, fit.trials)
    days = ((g["period_end"][ho] - g["period_start"][ho]) / np.timedelta64(1, "D")).astype(float) + 1.0
    vol = vol_day * days
    rows, trows = [], []
    size = settings.forecast_simulations
    for name, fc in forecasters.items():
        draws = fc(fit, settings, t0, t1, vol, size, np.random.default_rng(rng.integers(2**32)))
        sc = _score_one(draws, y, n)
        for h in np.flatnonzero(keep):
            rows.append({"forecaster": name, "horizon": int(h) + 1, **{k: float(v[h]) for k, v in sc.items()}})
        j = target_horizon - 1
        if target is not None and j < len(n) and n[j] > 0:
            trows.append(
                {"forecaster": name, "p": float(np.mean(draws[:, j] >= target)), "met": bool(y[j] / n[j] >= target)}
            )
    return rows, trows


def simulated_check(
    settings: ModelSettings,
    forecasters: dict[str, Forecaster],
    *,
    n_series: int = 200,
    fit_months: int = 48,
    seed: int = 1,
    kinds: tuple[str, ...] = KINDS,
    weights: tuple[float, ...] | None = None,
    oracle: bool = False,
) -> tuple[pd.DataFrame, pd.DataFrame]:
    """Score ``forecasters`` on ``n_series`` simulated series (kinds drawn with ``weights``; default half
    S-curves, the rest evenly): (rows per series × forecaster × horizon, target rows). ``oracle`` adds
    the forecaster that knows the true process (the floor no model can beat)."""
    rng = np.random.default_rng(seed)
    rng_fc = np.random.default_rng([seed, 1])  # forecasts' own stream: the series do not depend on the forecasters
    if weights is None:
        weights = tuple(0.5 if k == "logistic" else 0.5 / (len(kinds) - 1) for k in kinds)
    w = np.asarray(weights, float) / np.sum(weights)
    rows, trows = [], []
    for i in range(n_series):
        kind = str(rng.choice(kinds, p=w))
        s = simulate_series(kind, rng, months=fit_months + 12)
        # a target near what happens, so that the probabilities are neither all 0 nor all 1
        tgt = float(np.clip(s.truth[fit_months + 11] + rng.uniform(-0.12, 0.12), 0.02, 0.98))
        fcs = dict(forecasters)
        if oracle:
            fcs["oracle"] = lambda fit, st, t0, t1, vol, size, r, s=s: s.draw(
                r, slice(fit_months, fit_months + len(t0)), size
            )
        r, t = score_series(
            s, fit_months, settings, fcs, rng_fc, target=tgt, breaks=[s.brk] if s.brk is not None else []
        )
        for x in r + t:
            x.update(series=i, kind=kind)
        rows += r
        trows += t
    return pd.DataFrame(rows), pd.DataFrame(trows)


def rolling_origin(
    series: pd.DataFrame,
    settings: ModelSettings,
    forecasters: dict[str, Forecaster],
    *,
    min_fit: int = 24,
    step: int = 6,
    horizon: int = 12,
    seed: int = 1,
) -> tuple[pd.DataFrame, pd.DataFrame]:
    """Rolling-origin backtest over a panel's own monthly series (rows of :func:`motcua.model.series.build_series`).

    For each (unit, rate) series and each origin ``min_fit``, ``min_fit + step``, … that leaves
    ``horizon`` months after it, fit the months up to the origin and score the next ``horizon``.
    Configured structural breaks apply as in the stage. The target of each origin is the series'
    own last 12 months' share before the origin rounded to 5 pp (a plausible goal near the data).
    """
    rng = np.random.default_rng(seed)
    rows, trows = [], []
    for key, g in series.sort_values("period_start").groupby(["unit_schema", "unit_code", "rate"], sort=True):
        arr = {
            "period_start": g["period_start"].to_numpy("datetime64[ns]"),
            "period_end": g["period_end"].to_numpy("datetime64[ns]"),
            "t_start": g["t_start"].to_numpy(float),
            "t_end": g["t_end"].to_numpy(float),
            "successes": g["successes"].to_numpy(float),
            "trials": g["trials"].to_numpy(float),
        }
        for origin in range(min_fit, len(g) - horizon + 1, step):
            y, n = arr["successes"][origin - 12 : origin], arr["trials"][origin - 12 : origin]
            tgt = round(float(y.sum() / max(n.sum(), 1)) * 20) / 20
            r, t = score_series(
                arr, origin, settings, forecasters, rng, horizon=horizon, target=tgt if 0 < tgt < 1 else None
            )
            for x in r + t:
                x.update(series="|".join(key), origin=origin)
            rows += r
            trows += t
    return pd.DataFrame(rows), pd.DataFrame(trows)


def by_horizon(rows: pd.DataFrame) -> pd.DataFrame:
    """Coverage, mean width and mean interval score per (forecaster, horizon); grain: one row each."""
    return (
        rows.groupby(["forecaster", "horizon"])
        .agg(
            coverage=("covered", "mean"),
            width=("width", "mean"),
            interval_score=("interval_score", "mean"),
            n=("covered", "size"),
        )
        .reset_index()
    )


def reliability(trows: pd.DataFrame, bins: int = 5) -> pd.DataFrame:
    """Reliability table of target probabilities per forecaster: per bin of ``p``, its mean, the share met, the count."""
    edges = np.linspace(0, 1, bins + 1)
    b = np.clip(np.digitize(trows["p"], edges[1:-1]), 0, bins - 1)
    return (
        trows.assign(bin=b)
        .groupby(["forecaster", "bin"])
        .agg(p_mean=("p", "mean"), met_share=("met", "mean"), n=("met", "size"))
        .reset_index()
    )


def brier(trows: pd.DataFrame) -> pd.Series:
    """Brier score of the target probabilities, per forecaster (lower is better)."""
    return trows.assign(sq=(trows["p"] - trows["met"].astype(float)) ** 2).groupby("forecaster")["sq"].mean()
