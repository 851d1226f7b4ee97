"""Trend of one rate for one unit: a binomial GLM (logit) with overdispersion.

Model, for period i of a unit (successes y_i out of n_i trials):

    logit E[y_i / n_i] = b0 + b1·(t_i − c) + Σ_k (a_k·sin_k,i + g_k·cos_k,i) + Σ_j d_j·step_j,i [+ Σ_l e_l·bend_l,i]
    Var[y_i] = n_i p_i (1 − p_i) · (1 + (n_i − 1)·ρ)

with t in years at the period's real mid-date, month-of-year harmonics and
level steps at configured breaks (see :mod:`motcua.model.design`). The
variance is the beta-binomial one; ρ (intra-period correlation) is estimated by
Williams' (1982) method — weights 1/(1 + (n_i − 1)ρ) chosen so that the Pearson
χ² equals its degrees of freedom — with a GLM fitted by IRLS (statsmodels'
algorithm in plain numpy, :mod:`motcua.model.irls`; statsmodels' own GLM is the
reference it is tested against). Intervals use
Student's t on the residual degrees of freedom, since ρ is estimated.

The trend is a straight line on the logit scale unless an F test of omitted
terms (changes of slope at yearly knots counted back from the last period)
rejects it at ``bend_test_level``; then the bends enter, each shrunk towards 0,
and forecasts also carry the uncertainty of slope changes still to come.

Weak normal priors, entered as pseudo-data records (Greenland & Christensen
2001) so that the GLM fits the posterior mode and its curvature, keep
the fit finite when a unit never had a late (or an online) dossier: the level
is pulled towards the province's rate (sd ``prior_sd_level`` on the logit
scale), slope, seasonality, steps and bends towards 0 — partial pooling,
negligible beside the thousands of dossiers of a real series. With fewer than
``min_events_for_trend`` events of the rarer kind the trend is not estimable:
a constant rate is fitted (status ``few_events``) and no slope is reported.

Fitted rows are the periods of the series; forecast rows are monthly periods
(same day-of-month cadence as the data) to the end of the next calendar year,
with prediction intervals from parameter draws (multivariate t) and
beta-binomial noise at the expected volume (trials per day over the last 365
days × days in the period).
"""

from __future__ import annotations

import warnings
import zlib
from collections.abc import Iterable
from dataclasses import dataclass, field
from functools import lru_cache
from typing import Any

import numpy as np
import pandas as pd
from scipy import optimize, special, stats

from motcua.model.design import design, hinge_mean, step_share, trend_only
from motcua.model.irls import fit_binomial
from motcua.model.series import build_series, years
from motcua.model.settings import Break, ModelSettings, settings_from_config

STATUS_OK = "ok"
STATUS_SHORT = "short_series"
STATUS_NO_DATA = "no_data"
STATUS_FAILED = "fit_failed"
STATUS_FEW_EVENTS = "few_events"


@dataclass
class TrendFit:
    """A fitted (or skipped) trend for one unit and rate.

    The series is held as arrays (one element per period, zero-trial periods
    included, in date order); :attr:`data` gives it as a data frame with
    ``fitted``, ``lower``, ``upper`` (95 % CI of the mean) when the status is
    ``ok``. ``cov`` is the covariance of ``params`` including the dispersion.
    """

    unit_schema: str
    unit_code: str
    rate: str
    status: str
    period_start: np.ndarray
    period_end: np.ndarray
    t_start: np.ndarray
    t_end: np.ndarray
    successes: np.ndarray
    trials: np.ndarray
    fitted: np.ndarray | None = None
    lower: np.ndarray | None = None
    upper: np.ndarray | None = None
    notes: list[str] = field(default_factory=list)
    names: list[str] = field(default_factory=list)
    params: np.ndarray | None = None
    cov: np.ndarray | None = None
    norm_cov: np.ndarray | None = None
    rho: float = 0.0
    dispersion: float = 1.0
    df_resid: int = 0
    center: float = 0.0
    harmonics: int = 0
    breaks: list[pd.Timestamp] = field(default_factory=list)
    knots: list[pd.Timestamp] = field(default_factory=list)
    prior_rate: float = float("nan")
    confidence_level: float = 0.95

    @property
    def ok(self) -> bool:
        """Fitted (a trend, or a constant rate when events are too few): fitted values exist."""
        return self.status in (STATUS_OK, STATUS_FEW_EVENTS) and self.params is not None

    @property
    def has_trend(self) -> bool:
        return self.ok and "trend" in self.names

    @property
    def observed_mask(self) -> np.ndarray:
        return self.trials > 0

    @property
    def n_periods(self) -> int:
        return int(self.observed_mask.sum())

    @property
    def data(self) -> pd.DataFrame:
        """The series (grain: one row per period) with fitted values when fitted."""
        with np.errstate(invalid="ignore", divide="ignore"):
            observed = np.where(self.trials > 0, self.successes / np.where(self.trials > 0, self.trials, 1), np.nan)
        df = pd.DataFrame(
            {
                "unit_schema": self.unit_schema,
                "unit_code": self.unit_code,
                "rate": self.rate,
                "period_start": self.period_start,
                "period_end": self.period_end,
                "successes": self.successes,
                "trials": self.trials,
                "observed": observed,
                "t_start": self.t_start,
                "t_end": self.t_end,
            }
        )
        if self.fitted is not None:
            df["fitted"], df["lower"], df["upper"] = self.fitted, self.lower, self.upper
        return df

    def tq(self, level: float | None = None) -> float:
        """Two-sided Student-t quantile for ``level`` on the residual degrees of freedom."""
        level = self.confidence_level if level is None else level
        return _tq(level, self.df_resid)

    def X(self, t0: np.ndarray, t1: np.ndarray) -> np.ndarray:
        X, _ = design(t0, t1, center=self.center, harmonics=self.harmonics, breaks=self.breaks, knots=self.knots)
        if self._keep and len(self._keep) != X.shape[1]:
            X = X[:, self._keep]
        return X

    _keep: list[int] = field(default_factory=list)

    def seed(self, base: int) -> int:
        """A stable per-series seed: the same numbers whatever order units are fitted in."""
        return (int(base) * 1_000_003 + zlib.crc32(f"{self.unit_schema}|{self.unit_code}|{self.rate}".encode())) % (
            2**32
        )


@lru_cache(maxsize=4096)
def _tq(level: float, df: int) -> float:
    return float(stats.t.ppf(0.5 + level / 2.0, max(df, 1)))


# --------------------------------------------------------------------------- fitting


def _pearson(y: np.ndarray, n: np.ndarray, p: np.ndarray) -> np.ndarray:
    """Squared Pearson residuals of binomial counts (no dispersion)."""
    v = np.maximum(n * p * (1.0 - p), 1e-12)
    return (y - n * p) ** 2 / v


def _solve_rho(r2: np.ndarray, n: np.ndarray, df: int) -> float:
    """ρ ≥ 0 with Σ r2 / (1 + (n − 1)ρ) = df (Williams 1982); 0 when there is no overdispersion."""
    if df <= 0 or r2.sum() <= df:
        return 0.0
    f = lambda rho: float(np.sum(r2 / (1.0 + (n - 1.0) * rho)) - df)  # noqa: E731
    hi = 1.0
    if f(hi) > 0:
        return hi
    return float(optimize.brentq(f, 0.0, hi, xtol=1e-10, rtol=1e-8))


def _glm(
    y: np.ndarray,
    n: np.ndarray,
    X: np.ndarray,
    w: np.ndarray,
    start: np.ndarray | None,
    offset: np.ndarray | None = None,
):
    """Binomial GLM by IRLS: :func:`motcua.model.irls.fit_binomial`, statsmodels' algorithm in plain numpy
    (same estimates and covariance as :func:`_glm_statsmodels`, tested on simulated series)."""
    return fit_binomial(y, n, X, w, start, offset, maxiter=100, tol=1e-9)


def _glm_statsmodels(
    y: np.ndarray,
    n: np.ndarray,
    X: np.ndarray,
    w: np.ndarray,
    start: np.ndarray | None,
    offset: np.ndarray | None = None,
):
    """The reference fit: statsmodels' GLM (Binomial, logit) by IRLS with the same settings as :func:`_glm`."""
    import statsmodels.api as sm  # only for the reference: the stage itself never loads statsmodels

    model = sm.GLM(
        np.column_stack([y, n - y]), X, family=sm.families.Binomial(), var_weights=w, offset=offset, hasconst=True
    )
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        return model.fit(method="IRLS", maxiter=100, tol=1e-9, start_params=start)


def _as_timestamp(b: Any) -> pd.Timestamp:
    return b.date if isinstance(b, Break) else pd.Timestamp(b)


def fit_series(
    series: pd.DataFrame,
    settings: ModelSettings,
    *,
    prior_rate: float | None = None,
    harmonics: int | None = None,
    breaks: Iterable[Any] | None = None,
    knots: Iterable[Any] | None = None,
) -> TrendFit:
    """Fit the trend model to one unit's series of one rate (rows of :func:`build_series`).

    ``harmonics``, ``breaks`` and ``knots`` override the policy (``None``: as
    configured — harmonics and slope knots only with ≥ ``min_periods_for_seasonality``
    periods spanning two years, a break only with ≥ ``min_periods_per_regime``
    periods on each side).
    """
    d = series.sort_values(["period_start", "period_end"], kind="stable")
    first = d.iloc[0] if len(d) else None
    return fit_arrays(
        str(first["unit_schema"]) if first is not None else "",
        str(first["unit_code"]) if first is not None else "",
        str(first["rate"]) if first is not None else "",
        d["period_start"].to_numpy("datetime64[ns]"),
        d["period_end"].to_numpy("datetime64[ns]"),
        d["t_start"].to_numpy(float),
        d["t_end"].to_numpy(float),
        d["successes"].to_numpy(float),
        d["trials"].to_numpy(float),
        settings,
        prior_rate=prior_rate,
        harmonics=harmonics,
        breaks=breaks,
        knots=knots,
    )


def default_knots(first_start: pd.Timestamp, last_end: pd.Timestamp, months: int) -> list[pd.Timestamp]:
    """Knots every ``months`` months counted back from the end of the series, each with at least
    ``months`` months of data before it (so the first segment is as long as the others)."""
    return list(_default_knots(pd.Timestamp(first_start), pd.Timestamp(last_end), int(months)))


@lru_cache(maxsize=1024)
def _default_knots(first_start: pd.Timestamp, last_end: pd.Timestamp, months: int) -> tuple[pd.Timestamp, ...]:
    if months <= 0:
        return ()
    end = pd.Timestamp(last_end) + pd.Timedelta(days=1)
    out = []
    k = 1
    while True:
        kn = end - pd.DateOffset(months=months * k)
        if kn - pd.DateOffset(months=months) < pd.Timestamp(first_start):
            break
        out.append(kn)
        k += 1
    return tuple(sorted(out))


def fit_arrays(
    unit_schema: str,
    unit_code: str,
    rate: str,
    period_start: np.ndarray,
    period_end: np.ndarray,
    t_start: np.ndarray,
    t_end: np.ndarray,
    successes: np.ndarray,
    trials: np.ndarray,
    settings: ModelSettings,
    *,
    prior_rate: float | None = None,
    harmonics: int | None = None,
    breaks: Iterable[Any] | None = None,
    knots: Iterable[Any] | None = None,
) -> TrendFit:
    """:func:`fit_series` on arrays (one element per period, in date order): the fast path of the stage."""
    fit = TrendFit(
        unit_schema=unit_schema,
        unit_code=unit_code,
        rate=rate,
        status=STATUS_NO_DATA,
        period_start=period_start,
        period_end=period_end,
        t_start=t_start,
        t_end=t_end,
        successes=successes,
        trials=trials,
        confidence_level=settings.confidence_level,
    )
    obs = trials > 0
    n_obs = int(obs.sum())
    if n_obs == 0:
        fit.notes.append("no dossiers in any period")
        return fit
    if n_obs < settings.min_periods_for_trend:
        fit.status = STATUS_SHORT
        fit.notes.append(f"{n_obs} periods with dossiers (< {settings.min_periods_for_trend}): trend not fitted")
        return fit

    y = successes[obs]
    n = trials[obs]
    t0 = t_start[obs]
    t1 = t_end[obs]
    t_mid = (t0 + t1) / 2.0
    if prior_rate is None or not np.isfinite(prior_rate):
        prior_rate = (y.sum() + 0.5) / (n.sum() + 1.0)
    prior_rate = float(np.clip(prior_rate, 1e-4, 1 - 1e-4))
    fit.prior_rate = prior_rate

    # too few events (e.g. no late dossier at all): no trend can be estimated; fit a constant
    # rate pulled towards the province instead, and say so
    events = float(min(y.sum(), (n - y).sum()))
    few = events < settings.min_events_for_trend
    if few:
        which = "failures" if (n - y).sum() <= y.sum() else "successes"
        fit.notes.append(
            f"only {events:g} {which} in {n.sum():g} trials: trend not estimable, constant rate pooled towards the province"
        )
        harmonics, breaks, knots = 0, [], []

    # seasonality and bends of the trend: enough periods and at least two years of span
    long_enough = n_obs >= settings.min_periods_for_seasonality and (t1.max() - t0.min()) >= 2.0 - 1e-6
    if harmonics is None:
        harmonics = settings.seasonal_harmonics if long_enough else 0
    fit.harmonics = int(harmonics)
    knots_by_policy = knots is None
    if knots is None:
        first_start = pd.Timestamp(period_start[obs].min())
        last_end = pd.Timestamp(period_end[obs].max())
        knots = default_knots(first_start, last_end, settings.trend_knot_months) if long_enough else []
    fit.knots = sorted(_as_timestamp(k) for k in knots)

    # breaks: only where each side has enough periods
    cand = [_as_timestamp(b) for b in (settings.structural_breaks if breaks is None else breaks)]
    used = []
    for b in sorted(cand):
        tb = float(years(b))
        before = int((t1 <= tb + 1e-9).sum())
        after = int((t0 >= tb - 1e-9).sum())
        if before >= settings.min_periods_per_regime and after >= settings.min_periods_per_regime:
            used.append(b)
        elif t0.min() < tb < t1.max():
            fit.notes.append(f"break {b:%Y-%m-%d} not modelled: too few periods on one side")
    fit.breaks = used
    fit.center = float(t_mid.mean())

    # knots chosen by policy enter only when the straight trend clearly misfits (test below)
    candidate_knots = fit.knots if (knots_by_policy and not few) else []
    if knots_by_policy:
        fit.knots = []
    first = _fit_design(fit, settings, t0, t1, y, n, used, few, prior_rate)
    if first is None:
        return fit
    if candidate_knots:
        pval = _bend_test(first, t0, t1, y, n, candidate_knots)
        if pval < settings.bend_test_level:
            fit.knots = list(candidate_knots)
            second = _fit_design(fit, settings, t0, t1, y, n, used, few, prior_rate)
            if second is None:
                return fit
            first = second
            fit.notes.append(
                f"trend bends (curvature test p = {pval:.2g}): slope may change at "
                + ", ".join(f"{k:%Y-%m-%d}" for k in fit.knots)
            )
    X, names, keep, params, norm_cov, rho, dispersion, df = first
    fit._keep = keep
    fit.status = STATUS_FEW_EVENTS if few else STATUS_OK
    fit.names = names
    fit.params = params
    fit.norm_cov = norm_cov
    fit.cov = norm_cov * dispersion
    fit.rho = float(rho)
    fit.dispersion = float(dispersion)
    fit.df_resid = int(df)

    # fitted values with confidence intervals for every period of the series (zero-trial ones too)
    fit.fitted, fit.lower, fit.upper = predict_mean(fit, fit.X(t_start, t_end))
    return fit


def _fit_design(
    fit: TrendFit,
    settings: ModelSettings,
    t0: np.ndarray,
    t1: np.ndarray,
    y: np.ndarray,
    n: np.ndarray,
    breaks: list[pd.Timestamp],
    few: bool,
    prior_rate: float,
) -> tuple[np.ndarray, list[str], list[int], np.ndarray, np.ndarray, float, float, int] | None:
    """One fit of the model on observed rows: (X, names, kept columns, params, unscaled covariance,
    ρ, dispersion, residual df), or None after setting the fit's status and note on failure."""
    n_obs = len(y)
    X, names = design(t0, t1, center=fit.center, harmonics=fit.harmonics, breaks=breaks, knots=fit.knots)
    # drop columns that carry nothing (e.g. harmonics of annual rows)
    keep = [j for j in range(X.shape[1]) if j < 2 or np.ptp(X[:, j]) > 1e-6]
    if few:
        keep = [0]
        X = X[:, keep]
    elif len(keep) < X.shape[1]:
        fit.notes.append(
            "columns without variation dropped: " + ", ".join(names[j] for j in range(X.shape[1]) if j not in keep)
        )
        X = X[:, keep]
    names = [names[j] for j in keep]
    k = X.shape[1]
    df = n_obs - k
    if df < 2:
        fit.status = STATUS_SHORT
        fit.notes.append(f"too few periods for {k} parameters")
        return None

    # weak priors as pseudo-data (Greenland & Christensen 2001): one binomial record per
    # coefficient, A successes of 2A trials at that coefficient with an offset at the prior mean,
    # ~ N(mean, 2/A). The level is pulled towards the province's rate, the rest towards 0.
    prior_mean = np.zeros(k)
    prior_sd = np.empty(k)
    for j, nm in enumerate(names):
        if nm == "intercept":
            prior_mean[j] = special.logit(prior_rate)
            prior_sd[j] = settings.prior_sd_level
        elif nm == "trend":
            prior_sd[j] = settings.prior_sd_slope
        elif nm.startswith("step_"):
            prior_sd[j] = settings.prior_sd_step
        elif nm.startswith("bend_"):
            prior_sd[j] = settings.prior_sd_bend
        else:
            prior_sd[j] = settings.prior_sd_season
    A = 2.0 / prior_sd**2
    Xa = np.vstack([X, np.eye(k)])
    ya = np.concatenate([y, A])
    na = np.concatenate([n, 2.0 * A])
    offset = np.concatenate([np.zeros(n_obs), -prior_mean])

    try:
        rho = 0.0
        w = np.ones(len(na))
        res = _glm(ya, na, Xa, w, None, offset)
        for _ in range(4):
            p = special.expit(X @ res.params)
            new_rho = _solve_rho(_pearson(y, n, p), n, df)
            if abs(new_rho - rho) <= 0.05 * max(rho, 1e-12) or (new_rho == 0.0 and rho == 0.0):
                rho = new_rho
                break
            rho = new_rho
            w = np.concatenate([1.0 / (1.0 + (n - 1.0) * rho), np.ones(k)])
            res = _glm(ya, na, Xa, w, res.params, offset)
        params = np.asarray(res.params, float)
        norm_cov = np.asarray(res.normalized_cov_params, float)
    except Exception as exc:  # numerical failure: say so, never crash the stage
        fit.status = STATUS_FAILED
        fit.notes.append(f"fit failed: {type(exc).__name__}: {exc}"[:200])
        return None
    p = special.expit(X @ params)
    x2 = float(np.sum(_pearson(y, n, p) / (1.0 + (n - 1.0) * rho)))
    dispersion = max(1.0, x2 / df)
    if not (np.all(np.isfinite(params)) and np.all(np.isfinite(norm_cov))) or (k > 1 and np.abs(params[1]) > 20):
        fit.status = STATUS_FAILED
        fit.notes.append("fit did not converge to finite estimates")
        return None
    return X, names, keep, params, norm_cov, rho, dispersion, df


def _bend_test(
    first: tuple, t0: np.ndarray, t1: np.ndarray, y: np.ndarray, n: np.ndarray, knots: list[pd.Timestamp]
) -> float:
    """p-value of an F test for adding changes of slope at ``knots`` to the straight-trend fit.

    Weighted least squares of the standardised residuals (with the fit's
    overdispersion) on the fit's working design and the hinge columns: the
    usual score-type test of omitted terms in a GLM, a few microseconds.
    """
    X, _, _, params, _, rho, _, df = first
    p = special.expit(X @ params)
    var = n * p * (1 - p) * (1.0 + (n - 1.0) * rho)
    w = np.sqrt(np.maximum(n * p * (1 - p), 1e-12) ** 2 / np.maximum(var, 1e-12))  # sqrt of IRLS weight
    r = (y - n * p) / np.sqrt(np.maximum(var, 1e-12))
    H = np.column_stack([hinge_mean(t0, t1, float(years(k))) for k in knots])
    Xw = X * w[:, None]
    Hw = H * w[:, None]
    # residualise the hinges on the fitted design, then regress the residuals on them
    coef, *_ = np.linalg.lstsq(Xw, Hw, rcond=None)
    Hr = Hw - Xw @ coef
    g, *_ = np.linalg.lstsq(Hr, r, rcond=None)
    explained = float(np.sum((Hr @ g) ** 2))
    q = H.shape[1]
    rest = float(np.sum(r**2)) - explained
    dfr = df - q
    if dfr <= 0 or rest <= 0:
        return 1.0
    F = (explained / q) / (rest / dfr)
    return float(stats.f.sf(F, q, dfr))


# --------------------------------------------------------------------------- predictions


def predict_mean(fit: TrendFit, X: np.ndarray, level: float | None = None) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """Fitted rate and its confidence interval (t quantile, on the logit scale) for design rows X."""
    eta = X @ fit.params
    se = np.sqrt(np.maximum(np.einsum("ij,jk,ik->i", X, fit.cov, X), 0.0))
    q = fit.tq(level)
    return special.expit(eta), special.expit(eta - q * se), special.expit(eta + q * se)


def param_draws(fit: TrendFit, size: int, rng: np.random.Generator) -> np.ndarray:
    """Draws of the coefficients from a multivariate t (df = residual df), shape (size, k)."""
    k = len(fit.params)
    vals, vecs = np.linalg.eigh(fit.cov)
    L = vecs * np.sqrt(np.maximum(vals, 0.0))
    z = rng.standard_normal((size, k)) @ L.T
    g = np.sqrt(rng.chisquare(max(fit.df_resid, 1), size) / max(fit.df_resid, 1))
    return fit.params + z / g[:, None]


def future_bends(
    fit: TrendFit, t0: np.ndarray, t1: np.ndarray, size: int, rng: np.random.Generator, months: int
) -> np.ndarray | None:
    """Logit shifts (size, m) from changes of slope still to come, for a trend that has bent.

    A series whose slope changed in the past may change it again: at the
    forecast's start and every ``months`` months after, a change is drawn from
    N(0, s²), s the root mean square of the fitted changes, and enters the
    forecast as (t − κ)₊ — so the band widens with the horizon instead of
    trusting today's pace for a year and a half. None for a straight trend.
    """
    idx = [j for j, nm in enumerate(fit.names) if nm.startswith("bend_")]
    if not idx or not len(t0):
        return None
    sd = float(np.sqrt(np.mean(fit.params[idx] ** 2)))
    start = float(t0.min())
    knots = np.arange(start, float(t1.max()), months / 12.0)
    H = np.column_stack([hinge_mean(t0, t1, k) for k in knots])  # (m, K)
    C = rng.standard_normal((size, len(knots))) * sd
    return C @ H.T


#: Where a skew-corrected normal stands in for an exact draw (:func:`predictive_draws`): a beta whose smaller
#: shape is at least this, a binomial whose variance m·q·(1 − q) is at least this. Largest distance between
#: the distribution functions, exact against approximate, over every beta / binomial past the threshold
#: (bench/README.md, run 8): 0.0059 / 0.0033; the plain normal used before, at 50 shapes / events, 0.018 / 0.009.
NORMAL_BETA_MIN_SHAPE = 10.0
NORMAL_BINOMIAL_MIN_VARIANCE = 5.0


def _skew_normal(z: np.ndarray, gamma: np.ndarray) -> np.ndarray:
    """Cornish–Fisher: a standard normal z moved to a distribution of skewness ``gamma`` (first order)."""
    return z + gamma * (z * z - 1.0) / 6.0


def _beta_noise(p: np.ndarray, c: float, rng: np.random.Generator) -> np.ndarray:
    """q ~ Beta(p·c, (1 − p)·c): exact where the smaller shape is under :data:`NORMAL_BETA_MIN_SHAPE`, a
    skew-corrected normal with the beta's mean, variance and skewness elsewhere (kept in 0–1)."""
    small = np.minimum(p, 1.0 - p) * c < NORMAL_BETA_MIN_SHAPE
    q = np.empty_like(p)
    n_small = int(np.count_nonzero(small))
    if n_small < p.size:
        pa = p if n_small == 0 else p[~small]
        pq = pa * (1.0 - pa)
        gamma = 2.0 * (1.0 - 2.0 * pa) * np.sqrt(c + 1.0) / ((c + 2.0) * np.sqrt(pq))
        v = np.clip(pa + np.sqrt(pq / (c + 1.0)) * _skew_normal(rng.standard_normal(pa.shape), gamma), 0.0, 1.0)
        if n_small == 0:
            return v
        q[~small] = v
    ps = p[small]
    q[small] = rng.beta(np.maximum(ps * c, 1e-9), np.maximum((1.0 - ps) * c, 1e-9))
    return q


def _binomial_noise(m: np.ndarray, q: np.ndarray, rng: np.random.Generator) -> np.ndarray:
    """y ~ Binomial(m, q) as floats: exact where m·q·(1 − q) is under :data:`NORMAL_BINOMIAL_MIN_VARIANCE`,
    elsewhere a skew-corrected normal rounded to a count in 0–m (the rounding is the continuity correction)."""
    mq = m * q
    var = mq * (1.0 - q)
    small = var < NORMAL_BINOMIAL_MIN_VARIANCE
    y = np.empty_like(q)
    n_small = int(np.count_nonzero(small))
    if n_small < q.size:
        big = ~small
        mu, v, qb, mb = (mq, var, q, m) if n_small == 0 else (mq[big], var[big], q[big], m[big])
        sd = np.sqrt(v)
        draw = np.clip(np.rint(mu + sd * _skew_normal(rng.standard_normal(mu.shape), (1.0 - 2.0 * qb) / sd)), 0, mb)
        if n_small == 0:
            return draw
        y[big] = draw
    y[small] = rng.binomial(m[small], q[small])
    return y


def predictive_draws(
    fit: TrendFit,
    X: np.ndarray,
    volume: np.ndarray,
    size: int,
    rng: np.random.Generator,
    eta_shift: np.ndarray | None = None,
) -> np.ndarray:
    """Draws of the observed rate in periods X with ``volume`` expected trials, shape (size, m).

    Parameter uncertainty (multivariate t) plus beta-binomial noise with the
    fitted ρ: q ~ Beta(p·c, (1 − p)·c) with c = (1 − ρ)/ρ, then y ~ Binomial(m, q).
    Each step is drawn exactly where it is skewed or discrete (a beta's smaller
    shape under 10, a binomial's variance under 5) and from a normal with the
    same mean, variance and skewness (Cornish–Fisher) elsewhere: its
    distribution function is then within 0.006 (beta) and 0.0033 (binomial) of
    the exact one — closer than the plain normal used before at 50 shapes or
    events, and inside the Monte Carlo error of 1 000 draws' 2.5 % quantile.
    Where the volume is 0, the draw is the mean rate.
    """
    B = param_draws(fit, size, rng)
    eta = B @ X.T
    if eta_shift is not None:
        eta = eta + eta_shift
    p = special.expit(eta)
    m = np.broadcast_to(np.maximum(np.rint(volume), 0).astype(np.int64), p.shape)
    q = _beta_noise(p, (1.0 - fit.rho) / fit.rho, rng) if fit.rho > 1e-9 else p
    y = _binomial_noise(m, q, rng)
    with np.errstate(invalid="ignore", divide="ignore"):
        r = np.where(m > 0, y / np.maximum(m, 1), p)
    return r


def band_quantiles(draws: np.ndarray, a: float) -> tuple[np.ndarray, np.ndarray]:
    """The ``a`` and ``1 − a`` quantiles of draws (size, m) per column: the numbers of
    ``np.quantile(draws, [a, 1 - a], axis=0)`` (linear interpolation between order statistics, the same
    arithmetic), from one partition of the columns laid out contiguously — several times faster for the few
    columns of a series' forecast. A 1-d array gives two floats' arrays of shape (). NaN anywhere: numpy's own.
    """
    x = np.asarray(draws, float)
    if x.ndim == 1:
        lo, hi = band_quantiles(x[:, None], a)
        return lo[0], hi[0]
    S = x.shape[0]
    if S == 0 or x.shape[1] == 0 or np.isnan(x).any():
        q = np.quantile(x, [a, 1 - a], axis=0)
        return q[0], q[1]
    v = (S - 1) * np.array([a, 1 - a])
    prev = np.floor(v)
    below = prev.astype(np.intp)
    above = np.minimum(below + 1, S - 1)
    below = np.clip(below, 0, S - 1)
    gamma = v - prev
    part = np.partition(np.ascontiguousarray(x.T), sorted({*below.tolist(), *above.tolist()}), axis=1)
    out = []
    for k in range(2):
        lo_v, hi_v, t = part[:, below[k]], part[:, above[k]], gamma[k]
        diff = hi_v - lo_v
        out.append(hi_v - diff * (1 - t) if t >= 0.5 else lo_v + diff * t)
    return out[0], out[1]


def forecast_periods(last_end: pd.Timestamp, until: pd.Timestamp) -> pd.DataFrame:
    """Monthly periods after ``last_end`` up to the one containing ``until``, keeping the data's day-of-month cut-off."""
    start = pd.Timestamp(last_end) + pd.Timedelta(days=1)
    anchor = start
    rows = []
    i = 0
    while start <= until and i < 240:
        nxt = anchor + pd.DateOffset(months=i + 1)
        end = nxt - pd.Timedelta(days=1)
        rows.append((start, end))
        start = end + pd.Timedelta(days=1)
        i += 1
    return pd.DataFrame(rows, columns=["period_start", "period_end"]).astype("datetime64[ns]")


@lru_cache(maxsize=256)
def forecast_arrays(
    last_end: pd.Timestamp, until: pd.Timestamp
) -> tuple[np.ndarray, np.ndarray, np.ndarray, np.ndarray]:
    """:func:`forecast_periods` as arrays (start, end, t_start, t_end), cached: units share their cut-offs."""
    fc = forecast_periods(last_end, until)
    t0 = np.asarray(years(fc["period_start"]), float)
    t1 = np.asarray(years(fc["period_end"] + pd.Timedelta(days=1)), float)
    out = (fc["period_start"].to_numpy("datetime64[ns]"), fc["period_end"].to_numpy("datetime64[ns]"), t0, t1)
    for a in out:
        a.flags.writeable = False
    return out


def daily_volume(period_start: np.ndarray, period_end: np.ndarray, trials: np.ndarray, days: int = 365) -> float:
    """Trials per day over the last ``days`` days of a series (a period partly inside counts pro rata)."""
    if not len(trials):
        return 0.0
    s = period_start.astype("datetime64[D]").astype(np.int64)
    e = period_end.astype("datetime64[D]").astype(np.int64)
    cutoff = e.max() - (days - 1)
    length = e - s + 1
    inside = np.clip(e - np.maximum(s, cutoff) + 1, 0, None)
    covered = float(inside.sum())
    if covered <= 0:
        return 0.0
    return float(np.sum(trials * inside / length) / covered)


def _slope_parts(fit: TrendFit, rows: np.ndarray) -> tuple[np.ndarray, np.ndarray, np.ndarray, np.ndarray]:
    """For observed rows: d(logit)/dt, its gradient wrt the coefficients, p of the
    deseasonalised trend, and the trend-only design."""
    X = trend_only(fit.X(fit.t_start[rows], fit.t_end[rows]), fit.names)
    p = special.expit(X @ fit.params)
    D = np.zeros_like(X)  # d(d eta/dt)/d beta per row
    D[:, 1] = 1.0
    for j, nm in enumerate(fit.names):
        if nm.startswith("bend_"):
            kn = float(years(pd.Timestamp(nm[5:])))
            # share of the period after the knot: the derivative of the averaged hinge
            D[:, j] = step_share(fit.t_start[rows], fit.t_end[rows], kn)
    d = D @ fit.params
    return d, D, p, X


def _pp_slope(fit: TrendFit, rows: np.ndarray, level: float | None) -> tuple[float, float, float]:
    d, D, p, X = _slope_parts(fit, rows)
    v = p * (1 - p)
    ame = float(np.mean(d * v))
    grad = np.mean(D * v[:, None] + (d * v * (1 - 2 * p))[:, None] * X, axis=0)
    se = float(np.sqrt(max(grad @ fit.cov @ grad, 0.0)))
    q = fit.tq(level)
    return 100 * ame, 100 * (ame - q * se), 100 * (ame + q * se)


def ame_slope(fit: TrendFit, level: float | None = None) -> tuple[float, float, float]:
    """Slope in percentage points per year: the average over observed periods of d p/d t of the
    deseasonalised trend (steps and bends kept), with a delta-method t interval. NaN without a trend term."""
    if not fit.has_trend:
        return (np.nan, np.nan, np.nan)
    return _pp_slope(fit, fit.observed_mask, level)


def recent_slope(fit: TrendFit, level: float | None = None) -> tuple[float, float, float]:
    """Slope in percentage points per year at the latest observed period (the pace a forecast continues)."""
    if not fit.has_trend:
        return (np.nan, np.nan, np.nan)
    rows = np.zeros(len(fit.trials), bool)
    rows[np.flatnonzero(fit.observed_mask)[-1]] = True
    return _pp_slope(fit, rows, level)


def logit_slope(fit: TrendFit, level: float | None = None) -> tuple[float, float, float]:
    """Slope on the logit scale per year — d(logit)/dt averaged over the observed periods (the
    coefficient itself when the trend is linear) — with its t interval. NaN without a trend term."""
    if not fit.has_trend:
        return (np.nan, np.nan, np.nan)
    d, D, _, _ = _slope_parts(fit, fit.observed_mask)
    g = D.mean(axis=0)
    b, se = float(g @ fit.params), float(np.sqrt(max(g @ fit.cov @ g, 0.0)))
    q = fit.tq(level)
    return b, b - q * se, b + q * se


def latest_band(fit: TrendFit, level: float) -> dict[str, Any]:
    """The latest observed period against its own ``level`` prediction band (leave-one-out, via leverage).

    The band is centred on the leave-one-out prediction and its half-width is
    the deletion-residual scale: a period outside it surprises the trend.
    """
    i = int(np.flatnonzero(fit.observed_mask)[-1])
    x = fit.X(fit.t_start[i : i + 1], fit.t_end[i : i + 1])[0]
    n = float(fit.trials[i])
    p = float(special.expit(x @ fit.params))
    var_w = 1.0 / (1.0 + (n - 1.0) * fit.rho)
    w = var_w * n * p * (1 - p)
    h = float(min(w * (x @ fit.norm_cov @ x), 0.99))
    var_noise = fit.dispersion * p * (1 - p) * (1.0 + (n - 1.0) * fit.rho) / n  # of the observed proportion
    obs = float(fit.successes[i]) / n
    e = obs - p
    centre = obs - e / (1.0 - h)
    half = _zq(level) * np.sqrt(var_noise / (1.0 - h))
    z = e / np.sqrt(var_noise * (1.0 - h)) if var_noise > 0 else 0.0
    lo, hi = max(0.0, centre - half), min(1.0, centre + half)
    return {
        "latest_band_low": lo,
        "latest_band_high": hi,
        "latest_z": float(z),
        "latest_outside_band": bool(obs < lo or obs > hi),
    }


@lru_cache(maxsize=64)
def _zq(level: float) -> float:
    return float(stats.norm.ppf(0.5 + level / 2.0))


# --------------------------------------------------------------------------- public convenience


def fit_trend(
    unit_panel: pd.DataFrame,
    rate: str,
    *,
    seasonality: bool | int | None = None,
    breaks: Iterable[Any] | None = None,
    bends: bool | Iterable[Any] | None = None,
    config: Any = None,
    prior_rate: float | None = None,
) -> TrendFit:
    """Refit one unit's trend of ``rate`` from its panel rows, with other settings for exploration.

    ``seasonality``: ``None`` as configured, ``False`` none, ``True`` the
    configured number of harmonics, an int that many. ``breaks``: dates of
    level steps (``None``: config/model.yaml). ``bends``: changes of slope —
    ``None`` as configured, ``False`` a straight (linear) trend, ``True`` knots
    every ``trend_knot_months`` whatever the length, or a list of knot dates. Returns a :class:`TrendFit`;
    :func:`motcua.model.trend_frame` turns it into trend rows.
    """
    settings = settings_from_config(config)
    if unit_panel[["unit_schema", "unit_code"]].drop_duplicates().shape[0] > 1:
        raise ValueError("fit_trend takes the rows of one unit (unit_schema, unit_code)")
    series, _ = build_series(unit_panel, [rate])
    if seasonality is None:
        h = None
    elif seasonality is True:
        h = settings.seasonal_harmonics
    else:
        h = int(seasonality)
    if bends is None:
        knots = None
    elif bends is False:
        knots = []
    elif bends is True:
        obs = series.loc[series["trials"] > 0]
        knots = (
            default_knots(obs["period_start"].min(), obs["period_end"].max(), settings.trend_knot_months)
            if len(obs)
            else []
        )
    else:
        knots = list(bends)
    return fit_series(series, settings, prior_rate=prior_rate, harmonics=h, breaks=breaks, knots=knots)
