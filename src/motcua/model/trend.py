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
from scipy import special, stats

from motcua.model.design import design
from motcua.model.irls import fit_binomial
from motcua.model.series import build_series, years
from motcua.model.settings import Break, ModelSettings, settings_from_config
from motcua.model.trend_draws import (  # noqa: F401 - predictions, importable from here as before
    NORMAL_BETA_MIN_SHAPE,
    NORMAL_BINOMIAL_MIN_VARIANCE,
    band_quantiles,
    future_bends,
    month_draws,
    param_draws,
    predict_mean,
    predictive_draws,
)
from motcua.model.trend_draws import beta_noise as _beta_noise  # noqa: F401
from motcua.model.trend_draws import binomial_noise as _binomial_noise  # noqa: F401
from motcua.model.trend_knots import bend_test, default_knots
from motcua.model.trend_periods import daily_volume, forecast_arrays, forecast_periods  # noqa: F401
from motcua.model.trend_rho import pearson_squared
from motcua.model.trend_rho import solve_rho as _solve_rho
from motcua.model.trend_slopes import (  # noqa: F401 - importable from here as before
    ame_slope,
    latest_band,
    logit_slope,
    recent_slope,
)

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
    if prior_rate is None or not np.isfinite(prior_rate):
        prior_rate = (y.sum() + 0.5) / (n.sum() + 1.0)
    prior_rate = float(np.clip(prior_rate, 1e-4, 1 - 1e-4))
    fit.prior_rate = prior_rate
    few = _too_few_events(fit, y, n, settings)
    if few:
        harmonics, breaks, knots = 0, [], []
    knots_by_policy = knots is None
    _seasonality_and_knots(fit, settings, harmonics, knots, period_start[obs], period_end[obs], t0, t1)
    fit.breaks = _breaks_used(fit, settings, breaks, t0, t1)
    fit.center = float(((t0 + t1) / 2.0).mean())
    # knots chosen by policy enter only when the straight trend clearly misfits (test below)
    candidate_knots = fit.knots if (knots_by_policy and not few) else []
    if knots_by_policy:
        fit.knots = []
    first = _fit_design(fit, settings, t0, t1, y, n, fit.breaks, few, prior_rate)
    if first is None:
        return fit
    if candidate_knots:
        first = _with_bends(fit, settings, first, t0, t1, y, n, few, prior_rate, candidate_knots)
        if first is None:
            return fit
    _keep_estimates(fit, first, few)
    # fitted values with confidence intervals for every period of the series (zero-trial ones too)
    fit.fitted, fit.lower, fit.upper = predict_mean(fit, fit.X(t_start, t_end))
    return fit


#: One fit on the observed rows (:func:`_fit_design`): X, names, kept columns, params, unscaled covariance,
#: ρ, dispersion, residual df.
DesignFit = tuple[np.ndarray, list[str], list[int], np.ndarray, np.ndarray, float, float, int]


def _too_few_events(fit: TrendFit, y: np.ndarray, n: np.ndarray, settings: ModelSettings) -> bool:
    """Too few events of the rarer kind (e.g. no late dossier at all): no trend can be estimated; a constant
    rate pulled towards the province is fitted instead, and the fit's notes say so."""
    events = float(min(y.sum(), (n - y).sum()))
    few = events < settings.min_events_for_trend
    if few:
        which = "failures" if (n - y).sum() <= y.sum() else "successes"
        fit.notes.append(
            f"only {events:g} {which} in {n.sum():g} trials: trend not estimable, constant rate pooled towards the province"
        )
    return few


def _seasonality_and_knots(
    fit: TrendFit,
    settings: ModelSettings,
    harmonics: int | None,
    knots: Iterable[Any] | None,
    obs_start: np.ndarray,
    obs_end: np.ndarray,
    t0: np.ndarray,
    t1: np.ndarray,
) -> None:
    """The fit's harmonics and candidate knots: as given, else by policy (seasonality and bends of the trend
    need enough observed periods and at least two years of span)."""
    long_enough = len(t0) >= settings.min_periods_for_seasonality and (t1.max() - t0.min()) >= 2.0 - 1e-6
    if harmonics is None:
        harmonics = settings.seasonal_harmonics if long_enough else 0
    fit.harmonics = int(harmonics)
    if knots is None:
        first_start = pd.Timestamp(obs_start.min())
        last_end = pd.Timestamp(obs_end.max())
        knots = default_knots(first_start, last_end, settings.trend_knot_months) if long_enough else []
    fit.knots = sorted(_as_timestamp(k) for k in knots)


def _breaks_used(
    fit: TrendFit, settings: ModelSettings, breaks: Iterable[Any] | None, t0: np.ndarray, t1: np.ndarray
) -> list[pd.Timestamp]:
    """The level steps modelled: only where each side has enough periods (a break inside the series
    without them is noted)."""
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
    return used


def _with_bends(
    fit: TrendFit,
    settings: ModelSettings,
    first: DesignFit,
    t0: np.ndarray,
    t1: np.ndarray,
    y: np.ndarray,
    n: np.ndarray,
    few: bool,
    prior_rate: float,
    candidate_knots: list[pd.Timestamp],
) -> DesignFit | None:
    """The straight fit ``first`` unless the curvature test rejects it: then the fit with changes of slope at
    the candidate knots (None when that fit fails)."""
    pval = bend_test(first, t0, t1, y, n, candidate_knots)
    if pval >= settings.bend_test_level:
        return first
    fit.knots = list(candidate_knots)
    second = _fit_design(fit, settings, t0, t1, y, n, fit.breaks, few, prior_rate)
    if second is None:
        return None
    fit.notes.append(
        f"trend bends (curvature test p = {pval:.2g}): slope may change at "
        + ", ".join(f"{k:%Y-%m-%d}" for k in fit.knots)
    )
    return second


def _keep_estimates(fit: TrendFit, got: DesignFit, few: bool) -> None:
    """Store one successful fit's estimates in ``fit`` (its covariance scaled by the dispersion)."""
    X, names, keep, params, norm_cov, rho, dispersion, df = got
    fit._keep = keep
    fit.status = STATUS_FEW_EVENTS if few else STATUS_OK
    fit.names = names
    fit.params = params
    fit.norm_cov = norm_cov
    fit.cov = norm_cov * dispersion
    fit.rho = float(rho)
    fit.dispersion = float(dispersion)
    fit.df_resid = int(df)


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
) -> DesignFit | None:
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
            new_rho = _solve_rho(pearson_squared(y, n, p), n, df)
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
    x2 = float(np.sum(pearson_squared(y, n, p) / (1.0 + (n - 1.0) * rho)))
    dispersion = max(1.0, x2 / df)
    if not (np.all(np.isfinite(params)) and np.all(np.isfinite(norm_cov))) or (k > 1 and np.abs(params[1]) > 20):
        fit.status = STATUS_FAILED
        fit.notes.append("fit did not converge to finite estimates")
        return None
    return X, names, keep, params, norm_cov, rho, dispersion, df


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
