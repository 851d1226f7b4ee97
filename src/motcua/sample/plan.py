"""The plan of the synthetic sample: which units, months and files it writes, and the deliberate defects.

The legacy districts run from ``start`` to the end of the legacy era (June 2025, or the last month before
the reform's start), the legacy communes of two districts over their last 18 months, and the 2025 units
from the reform to :data:`SAMPLE_END`; :class:`Plan` holds each choice, derived from the seed alone.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field

import pandas as pd

from motcua.sample import communes as legacy_communes_mod
from motcua.sample import groups766 as groups766_sample
from motcua.sample import par as par_sample
from motcua.sample import reform
from motcua.sample.truth import DEFAULT_UNITS

DEFAULT_SEED = 20250701


#: The last month of the default sample (the latest complete month when the 2025 era was added).
SAMPLE_END = "2026-11"


def resolve_units(units: Sequence[str] | int | None = None, n_units: int | None = None) -> list[str]:
    """Unit codes: an explicit list, or the first N of the default list (of all legacy districts when N > 9)."""
    if isinstance(units, int):
        n_units, units = units, None
    if units is not None:
        return [str(u) for u in units]
    if n_units is None:
        return list(DEFAULT_UNITS)
    if n_units <= len(DEFAULT_UNITS):
        return list(DEFAULT_UNITS[:n_units])
    from motcua.ingest.names import reference_units

    ref = reference_units("legacy")
    allcodes = ref.loc[ref["unit_level"] == "district", "unit_code"].tolist()
    rest = [c for c in allcodes if c not in DEFAULT_UNITS]
    return list(DEFAULT_UNITS) + rest[: n_units - len(DEFAULT_UNITS)]


def unit_info(codes: list[str]) -> pd.DataFrame:
    from motcua.ingest.names import reference_units

    ref = reference_units("legacy")
    ref = ref[ref["unit_level"] == "district"].set_index("unit_code")
    missing = [c for c in codes if c not in ref.index]
    if missing:
        raise ValueError(f"not legacy district codes: {', '.join(missing)}")
    return ref.loc[codes]


@dataclass
class Plan:
    """What the sample contains: which months have files, and the deliberate defects.

    ``months`` counts the legacy months (before ``schema_2025_from``), in which the districts report;
    ``months_2025`` lists the months of the 2025 era, in which the communes and the provincial level do.
    """

    units: list[str]
    start: str
    months: int
    seed: int
    messy: bool
    missing_month: pd.Timestamp | None = None
    quarter: tuple[pd.Timestamp, pd.Timestamp] | None = None  # first and last month of the quarterly file
    cumulative_month: pd.Timestamp | None = None
    inconsistent: tuple[str, pd.Timestamp, str, int] | None = None  # unit, month, column, delta
    revised: tuple[str, pd.Timestamp, str, int] | None = None  # unit, month, column, delta in the re-issue
    dossier: tuple[str, int] | None = None  # unit, year
    score766: bool = False  # a 766 score table of the districts, 07–12/2024
    defects: list[dict[str, str]] = field(default_factory=list)
    months_2025: list[pd.Timestamp] = field(default_factory=list)
    commune_months: list[pd.Timestamp] = field(default_factory=list)  # months with legacy commune rows
    commune_districts: list[str] = field(default_factory=list)
    early_new_name: tuple[pd.Timestamp, str] | None = None  # a 2025 commune's name in a legacy commune file
    units_2025: pd.DataFrame | None = None
    reform: reform.ReformDefects | None = None


def legacy_end() -> pd.Timestamp | None:
    """The first day of the 2025 units (``schema_2025_from``, config/ingest.yaml): the legacy districts' months
    end the day before. None when not configured."""
    from motcua.ingest.names import settings

    switch = settings().get("schema_2025_from")
    return pd.Timestamp(switch) if switch else None


def latest_start(months: int) -> str:
    """The latest first month ("YYYY-MM") of ``months`` months that all lie before :func:`legacy_end` (a sample of
    legacy districts only, as the benchmark writes for any number of districts)."""
    end = legacy_end()
    if end is None:
        raise ValueError("schema_2025_from is not set in config/ingest.yaml")
    return f"{end - pd.DateOffset(months=months):%Y-%m}"


def default_months(start: str) -> int:
    """The number of months from ``start`` to :data:`SAMPLE_END` (at least 1)."""
    first, last = first_month(start), pd.Timestamp(f"{SAMPLE_END}-01")
    return max(1, (last.year - first.year) * 12 + last.month - first.month + 1)


def first_month(start: str) -> pd.Timestamp:
    try:
        first = pd.Timestamp(f"{start}-01") if len(str(start)) == 7 else None
    except ValueError:
        first = None
    if first is None:
        raise ValueError(f"start {start!r} is not a month (YYYY-MM)")
    return first


def check_months(start: str, months: int) -> None:
    """Refuse a start that is not a month and a number of months below 1."""
    first_month(start)
    if months < 1:
        raise ValueError(f"months must be at least 1 (got {months})")


def make_plan(units: list[str], start: str, n_months: int | None, seed: int, messy: bool) -> Plan:
    if n_months is None:
        n_months = default_months(start)
    check_months(start, n_months)
    switch = legacy_end() or reform.reform_start()
    every = [first_month(start) + pd.DateOffset(months=i) for i in range(n_months)]
    ms = [m for m in every if m < switch]
    p = Plan(units, start, len(ms), seed, messy)
    p.months_2025 = [m for m in every if m >= switch]
    p.commune_districts = [d for d in legacy_communes_mod.COMMUNE_DISTRICTS if d in units]
    if p.commune_districts:
        p.commune_months = [m for m in ms if m >= legacy_communes_mod.COMMUNES_FROM]
    p.units_2025 = reform.units_2025(units) if p.months_2025 else None
    _plan_legacy(p, ms)
    p.defects += par_sample.par_defects(units, messy, {m.year for m in ms})
    if (
        messy
        and p.commune_months
        and "564" in p.commune_districts
        and p.commune_months[-1] == switch - pd.DateOffset(months=1)
    ):
        p.early_new_name = (p.commune_months[-1], "Phường Phú Yên")
        p.defects.append(
            {
                "defect": "new_unit_before_reform",
                "detail": f'{p.early_new_name[0]:%m/%Y}: a row "Phường Phú Yên" (a 2025 ward) in the legacy '
                "commune file, before the reform: rejected, the finding names its predecessors",
            }
        )
    if messy and p.units_2025 is not None and len(p.units_2025):
        p.reform = reform.plan_defects(p.units_2025, units, p.months_2025)
        p.defects += reform.reform_defects(p.reform, legacy_province_name())
    return p


def legacy_province_name() -> str:
    from motcua.ingest.names import reference_units

    ref = reference_units("legacy")
    return str(
        ref.loc[(ref["unit_level"] == "province") & (ref["unit_code"] == reform.REFORM_PROVINCE), "unit_name"].iloc[0]
    )


def _plan_legacy(p: Plan, ms: list[pd.Timestamp]) -> None:
    """The deliberate defects of the legacy district files (messy only)."""
    units, messy = p.units, p.messy
    if not messy or not ms:
        return
    have = set(ms)

    def pick(*cands: str) -> pd.Timestamp | None:
        for c in cands:
            t = pd.Timestamp(c)
            if t in have:
                return t
        return None

    years = sorted({m.year for m in ms})
    # a dossier-level export for one district and one full calendar year (its rows leave the monthly files)
    full_years = [y for y in years if all(pd.Timestamp(f"{y}-{k:02d}-01") in have for k in range(1, 13))]
    if full_years:
        unit = units[5] if len(units) > 5 else units[-1]
        year = 2022 if 2022 in full_years else full_years[0]
        p.dossier = (unit, year)
        p.defects.append(
            {
                "defect": "dossier_export",
                "detail": f"unit {unit}, {year}: one row per dossier (CSV) with fake personal columns"
                " and the 766 columns (payment, digitisation, apology letters, survey)",
            }
        )
        p.defects.append(groups766_sample.DEFECTS[0])
    if (
        all(pd.Timestamp(f"2024-{k:02d}-01") in have for k in range(7, 13))
        and len(units) > groups766_sample.OVER_MAX[0]
    ):
        p.score766 = True
        p.defects.append(groups766_sample.DEFECTS[1])
    p.missing_month = pick("2022-07-01")
    if p.missing_month is None and len(ms) > 6:
        p.missing_month = ms[len(ms) // 3]
    if p.missing_month is not None:
        p.defects.append({"defect": "missing_month", "detail": f"no file for {p.missing_month:%m/%Y}"})
    q = pick("2023-04-01")
    if q is not None and pick("2023-06-01") is not None:
        p.quarter = (q, pd.Timestamp("2023-06-01"))
        p.defects.append({"defect": "quarterly_file", "detail": "Quý II/2023 file overlapping its three monthly files"})
    c = pick("2025-03-01")
    if c is not None and pick("2025-01-01") is not None and pick("2025-02-01") is not None:
        p.cumulative_month = c
        p.defects.append(
            {"defect": "cumulative_file", "detail": "01/01/2025–31/03/2025 cumulative file instead of March 2025"}
        )
    u_bad = units[3] if len(units) > 3 else units[0]
    m_bad = pick("2024-05-01") or (ms[-2] if len(ms) > 2 else None)
    if m_bad is not None and m_bad != p.cumulative_month:
        p.inconsistent = (u_bad, m_bad, "resolved_total", 10)
        p.defects.append(
            {"defect": "inconsistent_row", "detail": f"unit {u_bad}, {m_bad:%m/%Y}: resolved_total typed 10 too high"}
        )
    m_rev = pick("2023-09-01")
    if m_rev is not None:
        p.revised = (units[0], m_rev, "resolved_late", 0)
        p.defects.append(
            {
                "defect": "reissued_file",
                "detail": f"{m_rev:%m/%Y} issued twice; the later file corrects unit {units[0]}",
            }
        )
