"""The synthetic province's true monthly panel (what the sample files encode).

Grain: one row per (unit_code, month) for the requested units and months,
with the panel's ID and count columns.

Plausibility rules:
- volume per unit with a Tết dip (the month of Tết ×0.65, the next ×0.9),
  a small upturn in December and March, +3 % a year, gamma noise;
- online share of new dossiers on a logistic curve from a few percent in
  January 2021 to 40–90 % by mid-2025, each unit with its own speed;
- on-time share 93–100 %: a low late rate with two or three bad months;
- carried_over(t) = pending_total(t−1); all identities of form 06 hold.

Anchors: Tuy Hòa (555) in 2023 agrees with the city's published review of
2023 ("Hội nghị tổng kết công tác CCHC năm 2023", 02/02/2024): 7.697 dossiers
handled in the year = 4.302 online + 3.087 received in person ("hồ sơ tiếp nhận trong kỳ", i.e. column 5) + 308
carried over from 2022 (pending at 31/12/2022). In monthly terms: the twelve
months of 2023 sum to 4.302 online and 3.087 offline, and pending_total of
December 2022 is 308, so the annual form (3) = (4)+(5)+(6) = 7.697.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from datetime import date

import numpy as np
import pandas as pd

from motcua.panel import COUNT_COLUMNS
from motcua.sample.dossiers import simulate_dossier_year
from motcua.sample.rng import unit_rng

#: Phú Yên's nine district-level units (official codes).
DEFAULT_UNITS: list[str] = ["555", "557", "558", "559", "560", "561", "562", "563", "564"]
DEFAULT_PROVINCE = "54"

#: Typical monthly new dossiers (plausible orders of magnitude for a district one-stop shop).
BASE_VOLUME: dict[str, float] = {
    "555": 600,
    "557": 330,
    "558": 170,
    "559": 280,
    "560": 160,
    "561": 150,
    "562": 260,
    "563": 220,
    "564": 300,
}

#: Month (1 or 2) of Lunar New Year; other years default to February.
TET_MONTH: dict[int, int] = {
    2019: 2,
    2020: 1,
    2021: 2,
    2022: 2,
    2023: 1,
    2024: 2,
    2025: 1,
    2026: 2,
    2027: 2,
    2028: 1,
    2029: 2,
    2030: 2,
}


@dataclass(frozen=True)
class Anchor:
    """Published yearly totals one unit's synthetic months must reproduce."""

    unit_code: str
    year: int
    received_online: int
    received_offline: int
    carried_over: int
    source: str


#: Tuy Hòa 2023, press release "Hội nghị tổng kết công tác CCHC năm 2023".
ANCHORS: list[Anchor] = [
    Anchor(
        "555",
        2023,
        received_online=4302,
        received_offline=3087,
        carried_over=308,
        source="UBND thành phố Tuy Hòa, hội nghị tổng kết CCHC năm 2023 (02/02/2024)",
    ),
]


def months(start: str, n: int) -> list[pd.Timestamp]:
    """First days of ``n`` months from ``start`` ("YYYY-MM")."""
    first = pd.Timestamp(f"{start}-01")
    return [first + pd.DateOffset(months=i) for i in range(n)]


def season(m: pd.Timestamp) -> float:
    """Seasonal volume factor: Tết dip, December and March upturn."""
    tet = TET_MONTH.get(m.year, 2)
    if m.month == tet:
        return 0.65
    if m.month == tet + 1:
        return 0.9
    return {12: 1.08, 3: 1.05}.get(m.month, 1.0)


@dataclass(frozen=True)
class UnitParams:
    base: float
    online_start: float
    online_end: float
    online_mid: float
    online_speed: float
    pending_ratio: float
    late_rate: float
    bad_months: tuple[int, ...]
    early_share: float
    overdue_share: float
    carried_start: int


def unit_params(seed: int, unit_code: str, n_months: int) -> UnitParams:
    """Per-unit behaviour drawn once from (seed, unit)."""
    r = unit_rng(seed, unit_code, "params")
    base = BASE_VOLUME.get(unit_code) or float(r.lognormal(np.log(250), 0.4))
    fast = unit_code == "555"
    n_bad = int(r.integers(2, 4))
    bad = tuple(sorted(int(x) for x in r.choice(max(n_months, 1), size=min(n_bad, max(n_months, 1)), replace=False)))
    return UnitParams(
        base=base,
        online_start=float(r.uniform(0.02, 0.06)),
        online_end=0.85 if fast else float(r.uniform(0.40, 0.90)),
        online_mid=22.0 if fast else float(r.uniform(20, 44)),
        online_speed=0.2 if fast else float(r.uniform(0.08, 0.22)),
        pending_ratio=0.38 if fast else float(r.uniform(0.12, 0.40)),
        late_rate=float(r.uniform(0.002, 0.02)),
        bad_months=bad,
        early_share=float(r.uniform(0.55, 0.85)),
        overdue_share=float(r.uniform(0.0, 0.12)),
        carried_start=int(round(base * float(r.uniform(0.12, 0.35)))),
    )


def online_share(p: UnitParams, t: int) -> float:
    """Logistic online share at month index t (0 = January 2021)."""
    lo, hi = p.online_start, p.online_end
    x = 1.0 / (1.0 + np.exp(-p.online_speed * (t - p.online_mid)))
    x0 = 1.0 / (1.0 + np.exp(-p.online_speed * (0 - p.online_mid)))
    return float(lo + (hi - lo) * max(0.0, (x - x0) / (1 - x0)))


def _split_resolved(r: np.random.Generator, resolved: int, late_p: float, early_share: float) -> tuple[int, int, int]:
    late = int(r.binomial(resolved, late_p))
    early = int(r.binomial(resolved - late, early_share))
    return early, resolved - late - early, late


def simulate_units(
    units: list[str],
    start: str,
    n_months: int,
    seed: int,
    *,
    dossier_unit_year: tuple[str, int] | None = None,
) -> tuple[pd.DataFrame, pd.DataFrame | None]:
    """Counts per (unit_code, month) and, for ``dossier_unit_year``, the dossier list behind that unit-year.

    Returns (counts, dossiers). ``counts`` has unit_code, period_start,
    period_end and the 11 count columns. The unit-year in ``dossier_unit_year``
    is simulated dossier by dossier (see :mod:`motcua.sample.dossiers`) and its
    months counted from the dossiers; all other months are drawn in aggregate.
    """
    ms = months(start, n_months)
    rows: list[dict[str, object]] = []
    dossiers = None
    for code in units:
        p = unit_params(seed, code, n_months)
        r = unit_rng(seed, code, "months")
        anchors = {a.year: a for a in ANCHORS if a.unit_code == code}
        alloc = _anchored_receipts(seed, code, p, ms, anchors)
        carried = p.carried_start
        carried_overdue = int(round(carried * p.overdue_share))
        skip_until: pd.Timestamp | None = None
        for t, m in enumerate(ms):
            if skip_until is not None and m <= skip_until:
                continue
            if dossier_unit_year and code == dossier_unit_year[0] and m.year == dossier_unit_year[1] and m.month == 1:
                year_months = [mm for mm in ms[t:] if mm.year == m.year]
                counts, dossiers = _dossier_year(seed, code, p, t, year_months, carried, carried_overdue)
                for c in counts:
                    rows.append({"unit_code": code, **c})
                carried = int(counts[-1]["pending_total"])
                carried_overdue = int(counts[-1]["pending_overdue"])
                skip_until = year_months[-1]
                continue
            row = _aggregate_month(r, p, code, t, m, alloc, anchors, carried)
            rows.append(row)
            carried, carried_overdue = int(row["pending_total"]), int(row["pending_overdue"])
    df = pd.DataFrame(rows)
    for c in COUNT_COLUMNS:
        df[c] = df[c].astype("Int64")
    df["period_start"] = pd.to_datetime(df["period_start"]).astype("datetime64[ns]")
    df["period_end"] = pd.to_datetime(df["period_end"]).astype("datetime64[ns]")
    return df, dossiers


def _anchored_receipts(
    seed: int, code: str, p: UnitParams, ms: list[pd.Timestamp], anchors: dict[int, Anchor]
) -> dict[pd.Timestamp, tuple[int, int]]:
    """(online, offline) received in each month of an anchored year (a whole year in the sample): the year's
    published totals spread over its months by season and online share (each year its own stream)."""
    alloc: dict[pd.Timestamp, tuple[int, int]] = {}
    for a in anchors.values():
        idx = [i for i, m in enumerate(ms) if m.year == a.year]
        if len(idx) != 12:
            continue
        ra = unit_rng(seed, code, f"anchor{a.year}")
        w = np.array([season(ms[i]) for i in idx])
        sh = np.array([online_share(p, i) for i in idx])
        on = ra.multinomial(a.received_online, (w * sh) / (w * sh).sum())
        off = ra.multinomial(a.received_offline, (w * (1 - sh)) / (w * (1 - sh)).sum())
        for k, i in enumerate(idx):
            alloc[ms[i]] = (int(on[k]), int(off[k]))
    return alloc


def _dossier_year(
    seed: int,
    code: str,
    p: UnitParams,
    t: int,
    year_months: list[pd.Timestamp],
    carried: int,
    carried_overdue: int,
) -> tuple[list[dict[str, object]], pd.DataFrame]:
    """The months of the dossier unit-year (the ``t``-th month of the sample onwards), counted from dossiers
    simulated one by one at the expected online and offline volumes."""
    expected = []
    for k, mm in enumerate(year_months):
        tt = t + k
        lam = p.base * season(mm) * (1.03 ** (tt / 12))
        expected.append((lam * online_share(p, tt), lam * (1 - online_share(p, tt))))
    return simulate_dossier_year(
        code,
        year_months[0].year,
        expected,
        carried,
        carried_overdue,
        seed=seed,
        late_rate=p.late_rate,
        pending_ratio=p.pending_ratio,
        early_share=p.early_share,
        n_months=len(year_months),
    )


def _aggregate_month(
    r: np.random.Generator,
    p: UnitParams,
    code: str,
    t: int,
    m: pd.Timestamp,
    alloc: dict[pd.Timestamp, tuple[int, int]],
    anchors: dict[int, Anchor],
    carried: int,
) -> dict[str, object]:
    """One month's counts drawn in aggregate (the ``t``-th month, ``m``): receipts (anchored, or Poisson with
    gamma noise), the pending at the month's end (the next anchored year's carried-over when it starts
    next), the resolved split early / on time / late, the pending overdue."""
    end = (m + pd.offsets.MonthEnd(0)).normalize()
    if m in alloc:
        online, offline = alloc[m]
    else:
        lam = p.base * season(m) * (1.03 ** (t / 12)) * float(r.gamma(40, 1 / 40))
        new = int(r.poisson(lam))
        online = int(r.binomial(new, online_share(p, t)))
        offline = new - online
    handled = online + offline + carried
    next_m = m + pd.DateOffset(months=1)
    forced = [a for a in anchors.values() if next_m.year == a.year and next_m.month == 1]
    if forced:
        pending = min(forced[0].carried_over, handled)
    else:
        pending = int(r.binomial(handled, min(0.95, p.pending_ratio * float(r.uniform(0.85, 1.15)))))
    resolved = handled - pending
    late_p = p.late_rate if t not in p.bad_months else float(r.uniform(0.03, 0.055))
    early, ontime, late = _split_resolved(r, resolved, late_p, p.early_share)
    overdue = int(r.binomial(pending, p.overdue_share))
    return {
        "unit_code": code,
        "period_start": m,
        "period_end": end,
        "received_total": handled,
        "received_online": online,
        "received_offline": offline,
        "carried_over": carried,
        "resolved_total": resolved,
        "resolved_early": early,
        "resolved_ontime": ontime,
        "resolved_late": late,
        "pending_total": pending,
        "pending_ontime": pending - overdue,
        "pending_overdue": overdue,
    }


def first_of(d: date) -> date:
    return d.replace(day=1)


@dataclass(frozen=True)
class SeriesSpec:
    """One unit's behaviour outside the district model: legacy communes and the units of the 2025 era.

    ``online`` gives the online share of new dossiers at month index t (0 = the first month of ``months``);
    ``start_index`` is the index of the first month on the sample's growth clock (months since its start).
    """

    key: str
    base: float
    online: Callable[[int], float]
    salt: str
    start_index: int = 0
    late_rate: tuple[float, float] = (0.002, 0.02)
    pending_ratio: tuple[float, float] = (0.08, 0.3)
    n_bad: tuple[int, int] = (1, 3)


def simulate_series(spec: SeriesSpec, ms: list[pd.Timestamp], seed: int) -> list[dict[str, object]]:
    """Monthly counts of one unit over ``ms`` (consecutive months), drawn from (seed, key, salt) alone.

    Grain: one dict per month with unit_code (= ``spec.key``), period_start, period_end and the 11 count
    columns; every identity of the form holds and carried_over(t) = pending_total(t−1). On-time shares stay
    in 95–100 % (a late rate of 0,2–2 % with one or two months at 3–5 %).
    """
    r = unit_rng(seed, spec.key, spec.salt)
    n = len(ms)
    late_rate = float(r.uniform(*spec.late_rate))
    ratio = float(r.uniform(*spec.pending_ratio))
    early_share = float(r.uniform(0.55, 0.85))
    overdue_share = float(r.uniform(0.0, 0.1))
    k = int(r.integers(spec.n_bad[0], spec.n_bad[1])) if n else 0
    bad = set(int(x) for x in r.choice(n, size=min(k, n), replace=False)) if n else set()
    carried = int(round(spec.base * float(r.uniform(0.05, 0.2))))
    out: list[dict[str, object]] = []
    for t, m in enumerate(ms):
        lam = spec.base * season(m) * (1.03 ** ((spec.start_index + t) / 12)) * float(r.gamma(40, 1 / 40))
        new = int(r.poisson(lam))
        online = int(r.binomial(new, min(0.98, max(0.0, spec.online(t)))))
        handled = new + carried
        pending = int(r.binomial(handled, min(0.95, ratio * float(r.uniform(0.85, 1.15)))))
        resolved = handled - pending
        late_p = late_rate if t not in bad else float(r.uniform(0.03, 0.045))
        early, ontime, late = _split_resolved(r, resolved, late_p, early_share)
        overdue = int(r.binomial(pending, overdue_share))
        out.append(
            {
                "unit_code": spec.key,
                "period_start": m,
                "period_end": (m + pd.offsets.MonthEnd(0)).normalize(),
                "received_total": handled,
                "received_online": online,
                "received_offline": new - online,
                "carried_over": carried,
                "resolved_total": resolved,
                "resolved_early": early,
                "resolved_ontime": ontime,
                "resolved_late": late,
                "pending_total": pending,
                "pending_ontime": pending - overdue,
                "pending_overdue": overdue,
            }
        )
        carried = pending
    return out


def as_frame(rows: list[dict[str, object]]) -> pd.DataFrame:
    """Rows of :func:`simulate_series` → a frame with the dtypes of :func:`simulate_units`."""
    df = pd.DataFrame(rows, columns=["unit_code", "period_start", "period_end", *COUNT_COLUMNS])
    for c in COUNT_COLUMNS:
        df[c] = df[c].astype("Int64")
    df["period_start"] = pd.to_datetime(df["period_start"]).astype("datetime64[ns]")
    df["period_end"] = pd.to_datetime(df["period_end"]).astype("datetime64[ns]")
    return df
