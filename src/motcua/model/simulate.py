"""Synthetic panels with known truth, for tests, benchmarks and checks of the model's honesty.

Grain of the panel: one row per (unit, month), as :mod:`motcua.panel` defines it
(all form-06 identities hold). Grain of the truth: one row per (unit, rate)
with the true logit intercept and slope and the true average slope in
percentage points per year (same definition as the model's
``slope_pp_per_year``: the mean over the unit's periods of d p/d t of the
deseasonalised trend).

Truth per unit and rate: logit p = a + b·(t − c) + seasonality + ε, with ε per
period either logit-normal (``noise="logit_normal"``, sd ``sigma``) or a
beta-binomial draw (``noise="beta_binomial"``, intra-period correlation ``rho``,
or one per unit, log-uniform between ``rho`` and ``rho_high``).

:func:`simulate_province` also returns the truth per period, one row per
(unit, rate, period): ``trials`` and ``expected``, the expected rate of the
period (the mean of its noisy rate), from which a window's true rate follows.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
import pandas as pd
from scipy import special

from motcua.model.design import harmonic_means
from motcua.model.series import years

PHU_YEN = {
    "555": "Thành phố Tuy Hòa",
    "557": "Thị xã Sông Cầu",
    "558": "Huyện Đồng Xuân",
    "559": "Huyện Tuy An",
    "560": "Huyện Sơn Hòa",
    "561": "Huyện Sông Hinh",
    "562": "Huyện Tây Hòa",
    "563": "Huyện Phú Hòa",
    "564": "Thị xã Đông Hòa",
}


@dataclass(frozen=True)
class SimSpec:
    """Knobs of a simulated province (defaults: plausible Phú Yên-like districts)."""

    n_units: int = 9
    start: str = "2021-01-01"
    months: int = 54
    seed: int = 1
    volume_low: float = 150.0
    volume_high: float = 3000.0
    online_level: tuple[float, float] = (-1.5, 0.5)  # logit range of unit intercepts at the centre
    online_slope: tuple[float, float] = (0.1, 0.6)  # logit per year
    ontime_level: tuple[float, float] = (3.0, 5.0)
    ontime_slope: tuple[float, float] = (-0.3, 0.4)
    season_amp: float = 0.15  # logit amplitude of the first harmonic
    noise: str = "logit_normal"
    sigma: float = 0.15
    rho: float = 0.002
    rho_high: float | None = None  # beta-binomial: each unit's rho log-uniform in [rho, rho_high]


def _noisy_draw(rng: np.random.Generator, n: np.ndarray, eta: np.ndarray, spec: SimSpec, rho: float) -> np.ndarray:
    if spec.noise == "beta_binomial":
        p = special.expit(eta)
        c = (1 - rho) / rho
        q = rng.beta(np.maximum(p * c, 1e-9), np.maximum((1 - p) * c, 1e-9))
    else:
        q = special.expit(eta + rng.normal(0.0, spec.sigma, size=eta.shape))
    return rng.binomial(n.astype(np.int64), q)


def _expected_rate(eta: np.ndarray, spec: SimSpec) -> np.ndarray:
    """The mean of a period's noisy rate: expit(η) under beta-binomial noise, E expit(η + σZ) under
    logit-normal noise (Gauss–Hermite quadrature)."""
    if spec.noise == "beta_binomial" or spec.sigma == 0:
        return special.expit(eta)
    z, w = np.polynomial.hermite_e.hermegauss(40)
    return special.expit(np.asarray(eta)[:, None] + spec.sigma * z[None, :]) @ (w / w.sum())


def simulate_panel(spec: SimSpec | None = None, **kw) -> tuple[pd.DataFrame, pd.DataFrame]:
    """A synthetic monthly panel and its truth table (see module docstring)."""
    panel, truth, _ = simulate_province(spec, **kw)
    return panel, truth


@dataclass
class _Months:
    """The simulated months: their bounds, mid-points in years (``tm``, centred at ``c``) and the first
    harmonic's sine and cosine averaged over each month."""

    starts: pd.DatetimeIndex
    ends: pd.DatetimeIndex
    tm: np.ndarray
    c: float
    s1: np.ndarray
    c1: np.ndarray


@dataclass
class _Unit:
    """One simulated unit: its true logit levels and slopes, noise and monthly counts (one element a month)."""

    a_on: float
    b_on: float
    a_ot: float
    b_ot: float
    eta_on: np.ndarray
    eta_ot: np.ndarray
    rho: float
    new: np.ndarray
    online: np.ndarray
    carried: np.ndarray
    resolved: np.ndarray
    pending: np.ndarray
    ontime_all: np.ndarray
    early: np.ndarray
    pend_ontime: np.ndarray


def simulate_province(spec: SimSpec | None = None, **kw) -> tuple[pd.DataFrame, pd.DataFrame, pd.DataFrame]:
    """A synthetic monthly panel, its truth per (unit, rate) and its truth per (unit, rate, period)."""
    spec = spec or SimSpec(**kw)
    if kw and spec is not None:
        spec = SimSpec(**{**spec.__dict__, **kw})
    rng = np.random.default_rng(spec.seed)
    months = _months(spec)
    codes = list(PHU_YEN) if spec.n_units <= 9 else [f"{10000 + i}" for i in range(spec.n_units)]
    names = list(PHU_YEN.values()) if spec.n_units <= 9 else [f"Huyện Mô Phỏng {i}" for i in range(spec.n_units)]
    rows = []
    truth = []
    periods = []
    vol = np.exp(rng.uniform(np.log(spec.volume_low), np.log(spec.volume_high), spec.n_units))
    for i in range(spec.n_units):
        code, name = codes[i], names[i]
        unit = _simulate_unit(rng, spec, months, vol[i])
        rows.extend(_panel_rows(spec, months, code, name, unit))
        for rate, a, b, eta, trials in (
            ("online_rate", unit.a_on, unit.b_on, unit.eta_on, unit.new),
            ("ontime_rate_report", unit.a_ot, unit.b_ot, unit.eta_ot, unit.resolved),
        ):
            p = special.expit(a + b * (months.tm - months.c))
            truth.append(
                {
                    "unit_schema": "legacy",
                    "unit_code": code,
                    "rate": rate,
                    "logit_intercept": a,
                    "logit_slope": b,
                    "slope_pp_per_year": 100 * float(np.mean(b * p * (1 - p))),
                    "volume": vol[i],
                    "rho": unit.rho if spec.noise == "beta_binomial" else np.nan,
                }
            )
            periods.append(
                pd.DataFrame(
                    {
                        "unit_schema": "legacy",
                        "unit_code": code,
                        "rate": rate,
                        "period_start": months.starts,
                        "period_end": months.ends,
                        "trials": trials.astype(np.int64),
                        "expected": _expected_rate(eta, spec),
                    }
                )
            )
    panel = pd.DataFrame(rows)
    for col in ("period_start", "period_end"):
        panel[col] = panel[col].astype("datetime64[ns]")
    period_truth = pd.concat(periods, ignore_index=True)
    for col in ("period_start", "period_end"):
        period_truth[col] = period_truth[col].astype("datetime64[ns]")
    return panel, pd.DataFrame(truth), period_truth


def _months(spec: SimSpec) -> _Months:
    starts = pd.date_range(spec.start, periods=spec.months, freq="MS")
    ends = starts + pd.offsets.MonthEnd(0)
    t0 = years(pd.Series(starts))
    t1 = years(pd.Series(ends + pd.Timedelta(days=1)))
    tm = (t0 + t1) / 2
    s1, c1 = harmonic_means(t0, t1, 1)
    return _Months(starts, ends, tm, float(tm.mean()), s1, c1)


def _simulate_unit(rng: np.random.Generator, spec: SimSpec, months: _Months, vol: float) -> _Unit:
    """One unit's truth and counts, drawn from ``rng`` in a fixed order (the same seed gives the same panel):
    new dossiers (Poisson, seasonal), the online share, a queue of carried-over dossiers (90 % resolved each
    month), the on-time share of the resolved, the early share of the on-time, the on-time share of the pending."""
    tm, c, s1, c1 = months.tm, months.c, months.s1, months.c1
    a_on, b_on = rng.uniform(*spec.online_level), rng.uniform(*spec.online_slope)
    a_ot, b_ot = rng.uniform(*spec.ontime_level), rng.uniform(*spec.ontime_slope)
    ph_on, ph_ot = rng.uniform(0, 2 * np.pi, 2)
    season_on = spec.season_amp * (np.cos(ph_on) * s1 + np.sin(ph_on) * c1)
    season_ot = spec.season_amp * (np.cos(ph_ot) * s1 + np.sin(ph_ot) * c1)
    new = rng.poisson(vol * (1 + 0.2 * s1))
    rho = spec.rho if spec.rho_high is None else float(np.exp(rng.uniform(np.log(spec.rho), np.log(spec.rho_high))))
    eta_on = a_on + b_on * (tm - c) + season_on
    online = _noisy_draw(rng, new, eta_on, spec, rho)
    carried = np.zeros(spec.months, dtype=np.int64)
    carried[0] = rng.poisson(0.1 * vol)
    resolved = np.zeros(spec.months, dtype=np.int64)
    pending = np.zeros(spec.months, dtype=np.int64)
    for m in range(spec.months):
        if m:
            carried[m] = pending[m - 1]
        total = carried[m] + new[m]
        resolved[m] = rng.binomial(total, 0.9)
        pending[m] = total - resolved[m]
    eta_ot = a_ot + b_ot * (tm - c) + season_ot
    ontime_all = _noisy_draw(rng, resolved, eta_ot, spec, rho)
    early = rng.binomial(ontime_all, 0.6)
    p_ok = special.expit(a_ot + b_ot * (tm - c))
    pend_ontime = rng.binomial(pending, p_ok)
    return _Unit(
        a_on,
        b_on,
        a_ot,
        b_ot,
        eta_on,
        eta_ot,
        rho,
        new,
        online,
        carried,
        resolved,
        pending,
        ontime_all,
        early,
        pend_ontime,
    )


def _panel_rows(spec: SimSpec, months: _Months, code: str, name: str, u: _Unit) -> list[dict]:
    """The unit's panel rows, one a month (form-06 identities hold by construction)."""
    return [
        {
            "unit_schema": "legacy",
            "unit_code": code,
            "unit_name": name,
            "unit_level": "district",
            "province_code": "54",
            "province_name": "Tỉnh Phú Yên",
            "period_start": months.starts[m],
            "period_end": months.ends[m],
            "received_total": int(u.carried[m] + u.new[m]),
            "received_online": int(u.online[m]),
            "received_offline": int(u.new[m] - u.online[m]),
            "carried_over": int(u.carried[m]),
            "resolved_total": int(u.resolved[m]),
            "resolved_early": int(u.early[m]),
            "resolved_ontime": int(u.ontime_all[m] - u.early[m]),
            "resolved_late": int(u.resolved[m] - u.ontime_all[m]),
            "pending_total": int(u.pending[m]),
            "pending_ontime": int(u.pend_ontime[m]),
            "pending_overdue": int(u.pending[m] - u.pend_ontime[m]),
            "source": "simulated",
            "source_ref": f"sim:{spec.seed}:{code}:{m}",
        }
        for m in range(spec.months)
    ]
