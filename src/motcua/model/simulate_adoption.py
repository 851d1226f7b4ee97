"""A simulated province of real legacy districts whose online share follows an adoption curve, for the
end-to-end forecast check (the model stage run on a processed panel, its products scored on held-out months).

Grain of the panel: one row per (district, month), columns as :mod:`motcua.panel` defines them, every form-06
identity holding by construction (received = carried over + online + offline; resolved = early + on time +
late; pending = on time + overdue). Grain of the truth: one row per (unit, rate, period) with the true
expected share of the period and the series' kind.

Per district (codes and names drawn, with the seed, from the legacy districts of ``src/motcua/reference``):

* new dossiers a month: Poisson around a volume log-uniform 80–4 000, with a month-of-year swing of ±25 %;
* online share: a logistic curve on the share, floor 1–8 %, ceiling 35–92 %, speed 0.8–3 per year, midpoint
  anywhere from 10 % to 90 % of the simulated span; plus a first-harmonic month-of-year term (logit amplitude
  0–0.25) and, from ``step_at`` on, an optional logit step of ±0.3–1.2 (a structural break);
* on-time share of the resolved: a straight line on the logit scale (level 1.5–4.5 at the centre, slope
  −0.4–0.5 per year) with its own seasonality (and the same break step, halved, from ``step_at``);
* overdispersion per district: beta-binomial (ρ log-uniform 0.0005–0.008) or logit-normal month to month
  (σ 0.05–0.3), one or the other with equal chance, on both shares;
* a queue: 90 % of the dossiers on hand are resolved each month, the rest carried over; 60 % of the on-time
  ones early; the pending on time at the deseasonalised on-time share.
"""

from __future__ import annotations

from functools import lru_cache
from pathlib import Path

import numpy as np
import pandas as pd
from scipy import special

from motcua.model.design import harmonic_means
from motcua.model.series import years

UNITS_CSV = Path(__file__).resolve().parents[1] / "reference" / "units.csv"


@lru_cache(maxsize=1)
def _legacy_districts() -> pd.DataFrame:
    u = pd.read_csv(UNITS_CSV, dtype=str, keep_default_na=False)
    d = u[(u["unit_schema"] == "legacy") & (u["unit_level"] == "district")]
    return d[["unit_code", "unit_name", "province_code", "province_name"]].reset_index(drop=True)


def legacy_districts(n: int, rng: np.random.Generator) -> pd.DataFrame:
    """``n`` real legacy districts (code, name, province) drawn without replacement, in code order."""
    d = _legacy_districts()
    pick = np.sort(rng.choice(len(d), size=n, replace=False))
    return d.iloc[pick].sort_values("unit_code").reset_index(drop=True)


def _noisy(rng: np.random.Generator, n: np.ndarray, eta: np.ndarray, rho: float, sigma: float) -> np.ndarray:
    """Binomial counts of ``n`` trials around expit(eta), overdispersed (beta-binomial ρ, else logit-normal σ)."""
    if rho > 0:
        p = special.expit(eta)
        c = (1 - rho) / rho
        q = rng.beta(np.maximum(p * c, 1e-9), np.maximum((1 - p) * c, 1e-9))
    else:
        q = special.expit(eta + sigma * rng.standard_normal(eta.shape))
    return rng.binomial(n.astype(np.int64), q)


def _expected(eta: np.ndarray, sigma: float) -> np.ndarray:
    """The mean of a period's noisy share: expit(η), averaged over the logit-normal noise when σ > 0."""
    if sigma <= 0:
        return special.expit(eta)
    z, w = np.polynomial.hermite_e.hermegauss(40)
    return special.expit(eta[:, None] + sigma * z[None, :]) @ (w / w.sum())


def simulate_adoption_panel(
    seed: int,
    *,
    start: str = "2019-02-01",
    months: int = 60,
    n_units: int = 52,
    step_at: str | None = None,
) -> tuple[pd.DataFrame, pd.DataFrame]:
    """(panel, truth) of a simulated province (see the module docstring); ``step_at``: the first month of a
    structural break (e.g. "2025-07-01"), where each district's shares take a step (none when None)."""
    rng = np.random.default_rng(seed)
    starts = pd.date_range(start, periods=months, freq="MS")
    ends = starts + pd.offsets.MonthEnd(0)
    t0 = np.asarray(years(pd.Series(starts)), float)
    t1 = np.asarray(years(pd.Series(ends + pd.Timedelta(days=1))), float)
    tm = (t0 + t1) / 2
    s1, c1 = harmonic_means(t0, t1, 1)
    after = np.zeros(months) if step_at is None else (starts >= pd.Timestamp(step_at)).astype(float)
    units = legacy_districts(n_units, rng)
    rows: list[pd.DataFrame] = []
    truth: list[pd.DataFrame] = []
    for u in units.itertuples(index=False):
        vol = float(np.exp(rng.uniform(np.log(80), np.log(4000))))
        ceiling, floor = rng.uniform(0.35, 0.92), rng.uniform(0.01, 0.08)
        speed, mid = rng.uniform(0.8, 3.0), tm[0] + (tm[-1] - tm[0]) * rng.uniform(0.1, 0.9)
        step = rng.choice([-1.0, 1.0]) * rng.uniform(0.3, 1.2) * after
        amp, ph = rng.uniform(0.0, 0.25, 2), rng.uniform(0, 2 * np.pi, 2)
        season = [a * (np.cos(f) * s1 + np.sin(f) * c1) for a, f in zip(amp, ph)]
        eta_on = special.logit(floor + (ceiling - floor) * special.expit(speed * (tm - mid))) + season[0] + step
        trend_ot = rng.uniform(1.5, 4.5) + rng.uniform(-0.4, 0.5) * (tm - tm.mean()) + step / 2
        eta_ot = trend_ot + season[1]
        rho = float(np.exp(rng.uniform(np.log(0.0005), np.log(0.008)))) if rng.random() < 0.5 else 0.0
        sigma = 0.0 if rho > 0 else float(rng.uniform(0.05, 0.3))
        new = rng.poisson(vol * (1 + 0.25 * s1) * rng.uniform(0.9, 1.1, months))
        online = _noisy(rng, new, eta_on, rho, sigma)
        carried = np.zeros(months, np.int64)
        carried[0] = rng.poisson(0.1 * vol)
        resolved = np.zeros(months, np.int64)
        pending = np.zeros(months, np.int64)
        for m in range(months):
            carried[m] = pending[m - 1] if m else carried[0]
            resolved[m] = rng.binomial(carried[m] + new[m], 0.9)
            pending[m] = carried[m] + new[m] - resolved[m]
        ontime = _noisy(rng, resolved, eta_ot, rho, sigma)
        early = rng.binomial(ontime, 0.6)
        pend_ok = rng.binomial(pending, special.expit(trend_ot))
        rows.append(
            pd.DataFrame(
                {
                    "unit_schema": "legacy",
                    "unit_code": u.unit_code,
                    "unit_name": u.unit_name,
                    "unit_level": "district",
                    "province_code": u.province_code,
                    "province_name": u.province_name,
                    "period_start": starts,
                    "period_end": ends,
                    "received_total": carried + new,
                    "received_online": online,
                    "received_offline": new - online,
                    "carried_over": carried,
                    "resolved_total": resolved,
                    "resolved_early": early,
                    "resolved_ontime": ontime - early,
                    "resolved_late": resolved - ontime,
                    "pending_total": pending,
                    "pending_ontime": pend_ok,
                    "pending_overdue": pending - pend_ok,
                    "source": "simulated",
                    "source_ref": [f"sim:{seed}:{u.unit_code}:{m}" for m in range(months)],
                }
            )
        )
        for rate, eta in (("online_rate", eta_on), ("ontime_rate_report", eta_ot)):
            truth.append(
                pd.DataFrame(
                    {
                        "unit_schema": "legacy",
                        "unit_code": u.unit_code,
                        "rate": rate,
                        "period_start": starts,
                        "period_end": ends,
                        "expected": _expected(eta, sigma),
                        "ceiling": ceiling if rate == "online_rate" else np.nan,
                    }
                )
            )
    panel = pd.concat(rows, ignore_index=True)
    for col in ("period_start", "period_end"):
        panel[col] = panel[col].astype("datetime64[ns]")
    return panel, pd.concat(truth, ignore_index=True)
