"""The panel the sample's files encode (what the clean stage must reproduce cell for cell) and the list of
its deliberate defects.

Grain of :func:`sample_truth`: one row per (unit, month) of every era the sample writes (legacy districts,
legacy communes, 2025 units), with the panel's columns; the counts are those the files state ("encoded"),
which differ from the simulated ones where a defect says so (a re-issued month's first issue is replaced).
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

import pandas as pd

from motcua.panel import conform
from motcua.sample import communes as legacy_communes_mod
from motcua.sample import reform
from motcua.sample.plan import DEFAULT_SEED, Plan, make_plan, resolve_units, unit_info
from motcua.sample.truth import online_share, simulate_units, unit_params


def district_counts(
    units: list[str], start: str, months: int, seed: int, plan: Plan
) -> tuple[pd.DataFrame, pd.DataFrame | None, pd.DataFrame]:
    """(encoded counts, dossier table, simulated counts) of the legacy districts. Encoded = what the files say."""
    if months <= 0:
        empty = simulate_units(units[:1], start, 1, seed)[0].iloc[:0]
        return empty, None, empty
    sim, dossiers = simulate_units(units, start, months, seed, dossier_unit_year=plan.dossier)
    enc = sim.copy()
    if plan.missing_month is not None:
        drop = enc["period_start"] == plan.missing_month
        if plan.dossier is not None:  # the dossier export still covers its unit in that month
            drop &= ~((enc["unit_code"] == plan.dossier[0]) & (enc["period_start"].dt.year == plan.dossier[1]))
        enc = enc[~drop]
    if plan.inconsistent is not None:
        u, m, col, delta = plan.inconsistent
        sel = (enc["unit_code"] == u) & (enc["period_start"] == m)
        enc.loc[sel, col] = enc.loc[sel, col] + delta
    return enc.reset_index(drop=True), dossiers, sim


def _district_curve(plan: Plan, code: str) -> tuple[float, Any]:
    """(base volume, online share at clock index t) of a legacy district, as its files show them."""
    p = unit_params(plan.seed, code, plan.months if plan.months > 0 else 54)
    return p.base, (lambda t, _p=p: online_share(_p, t))


def communes_counts(plan: Plan) -> tuple[pd.DataFrame, pd.DataFrame]:
    """(legacy communes written, their counts per month)."""
    lc = legacy_communes_mod.legacy_communes(districts=plan.commune_districts)
    if not plan.commune_months:
        return lc.iloc[:0], legacy_communes_mod.simulate_legacy_communes(lc.iloc[:0], [], plan.seed, 0, {})
    i0 = plan.months - len(plan.commune_months)
    curves = {d: _district_curve(plan, d)[1] for d in plan.commune_districts}
    return lc, legacy_communes_mod.simulate_legacy_communes(lc, plan.commune_months, plan.seed, i0, curves)


def reform_counts(plan: Plan) -> pd.DataFrame:
    """Counts per (2025 unit, month) of the 2025 era."""
    units = plan.units_2025
    if units is None or units.empty:
        return reform.simulate_2025(pd.DataFrame(), [], reform.Predecessors({}, {}), [], plan.seed, 0)
    t_ref = plan.months - 1 if plan.months > 0 else 53
    base, online = {}, {}
    for d in unit_info(plan.units).query("province_code == @reform.REFORM_PROVINCE").index:
        b, curve = _district_curve(plan, d)
        base[d], online[d] = b, curve(t_ref)
    return reform.simulate_2025(
        units, plan.units, reform.Predecessors(base, online), plan.months_2025, plan.seed, plan.months
    )


def revision_first_issue(enc: pd.DataFrame, plan: Plan) -> pd.DataFrame:
    """The first (wrong) issue of the re-issued month: one late dossier counted as on time for unit 0."""
    u, m, _, _ = plan.revised  # type: ignore[misc]
    sel = (enc["unit_code"] == u) & (enc["period_start"] == m)
    first = enc.loc[sel].copy()
    late = int(first["resolved_late"].iloc[0])
    moved = min(late, 2) if late else 0
    if moved == 0:
        # nothing late to move: the first issue over-counted on-time and under-counted early by 1
        first["resolved_early"] -= 1
        first["resolved_ontime"] += 1
    else:
        first["resolved_late"] -= moved
        first["resolved_ontime"] += moved
    return first


def sample_truth(
    units: Sequence[str] | int | None = None,
    *,
    n_units: int | None = None,
    start: str = "2021-01",
    months: int | None = None,
    seed: int = DEFAULT_SEED,
    messy: bool = True,
) -> pd.DataFrame:
    """The panel the sample files encode (conformed; source columns empty).

    Grain: one row per (unit, month) that the files cover: legacy districts
    before ``schema_2025_from`` (the missing month is absent, the inconsistent
    row carries its typo, the re-issued month the corrected values, the
    cumulative month its differenced values), legacy communes of two districts
    (unit_level "commune", legacy codes), and from July 2025 the 2025 communes
    and the provincial level (unit_level "agency", unit_code "66-<key>" of
    config/agencies.yaml), unit_schema "2025". Rows the files carry only to be
    rejected (the reform's defects) are not in it. ``months`` defaults to the
    months from ``start`` to 11/2026.
    """
    codes = resolve_units(units, n_units)
    plan = make_plan(codes, start, months, seed, messy)
    enc, _, _ = district_counts(codes, start, plan.months, seed, plan)
    info = unit_info(codes)
    out = enc.copy()
    out["unit_schema"] = "legacy"
    out["unit_name"] = out["unit_code"].map(info["unit_name"])
    out["unit_level"] = "district"
    out["province_code"] = out["unit_code"].map(info["province_code"])
    out["province_name"] = out["unit_code"].map(info["province_name"])
    parts = [out]
    lc, cenc = communes_counts(plan)
    if len(cenc):
        c = cenc.copy()
        c["unit_schema"] = "legacy"
        for col in ("unit_name", "unit_level", "province_code", "province_name"):
            c[col] = c["unit_code"].map(lc[col])
        parts.append(c)
    renc = reform_counts(plan)
    if len(renc):
        r = renc.copy()
        r["unit_schema"] = "2025"
        for col in ("unit_name", "unit_level", "province_code", "province_name"):
            r[col] = r["unit_code"].map(plan.units_2025[col])  # type: ignore[index]
        parts.append(r)
    out = pd.concat([p for p in parts if len(p)], ignore_index=True) if any(len(p) for p in parts) else out
    out["source"] = ""
    out["source_ref"] = ""
    return conform(out)


def sample_defects(
    units: Sequence[str] | int | None = None,
    *,
    n_units: int | None = None,
    start: str = "2021-01",
    months: int | None = None,
    seed: int = DEFAULT_SEED,
    messy: bool = True,
) -> list[dict[str, str]]:
    """The deliberate defects written into the sample (one dict per defect: defect, detail)."""
    codes = resolve_units(units, n_units)
    return list(make_plan(codes, start, months, seed, messy).defects)
