"""The synthetic sample province: deterministic raw exports and the truth they encode.

``write_sample(out_dir)`` writes monthly form-06 workbooks for real units of
the reference list (default: Phú Yên's nine districts, January 2021 – June
2025), the legacy communes of two of them (:mod:`motcua.sample.communes`,
01/2024–06/2025) and, from July 2025 to November 2026, the 2025 communes and
the provincial level that succeed them (:mod:`motcua.sample.reform`). With
``messy=True`` (default) the district files carry the messiness real exports have:
both tone-mark styles, prefixes and abbreviations, the short
name, NFD, mojibake and missing diacritics; text numbers ("1.234");
a leading blank column, section rows, hierarchical STT, 2- and 3-row
headers with and without the "(1)…(13)" row; an extra rate column; a
quarterly file (overlapping its months); a cumulative-to-date file instead of
one month; one missing month; one inconsistent row; a re-issued (corrected)
monthly file; one dossier-level export (one district, one year, with fake
personal columns and the 766 columns of :mod:`motcua.sample.groups766`) replacing
that district's rows in the monthly files; a 766 score table of the districts; the
later files carry the reform's own messiness (see :mod:`motcua.sample.reform`).

``sample_truth(...)`` returns the panel those files encode — the panel the
clean stage must reproduce cell for cell. ``sample_defects(...)`` lists the
deliberate defects.

Every workbook is marked synthetic (keywords "motcua-synthetic", a visible
line in the title block); the same arguments give byte-identical files.
"""

from __future__ import annotations

import json
import os
from collections.abc import Sequence
from dataclasses import dataclass, field
from datetime import datetime, timedelta
from pathlib import Path
from typing import Any

import pandas as pd

from motcua.panel import COUNT_COLUMNS, conform
from motcua.sample import communes as legacy_communes_mod
from motcua.sample import groups766 as groups766_sample
from motcua.sample import par as par_sample
from motcua.sample import reform, styles
from motcua.sample.readme import sample_readme
from motcua.sample.truth import DEFAULT_UNITS, online_share, simulate_units, unit_params
from motcua.sample.workbook import (
    SYNTHETIC_KEYWORD,
    FileStyle,
    MonthFile,
    RowSpec,
    build_workbook,
    save_deterministic,
    save_month_file,
)

__all__ = ["write_sample", "sample_truth", "sample_defects", "DEFAULT_SEED", "DEFAULT_UNITS", "SYNTHETIC_KEYWORD"]

DEFAULT_SEED = 20250701
MANIFEST = ".motcua-sample.json"
#: The last month of the default sample (the latest complete month when the 2025 era was added).
SAMPLE_END = "2026-11"


# --------------------------------------------------------------------------- units


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


def _unit_info(codes: list[str]) -> pd.DataFrame:
    from motcua.ingest.names import reference_units

    ref = reference_units("legacy")
    ref = ref[ref["unit_level"] == "district"].set_index("unit_code")
    missing = [c for c in codes if c not in ref.index]
    if missing:
        raise ValueError(f"not legacy district codes: {', '.join(missing)}")
    return ref.loc[codes]


# --------------------------------------------------------------------------- the plan


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
    first, last = _first_month(start), pd.Timestamp(f"{SAMPLE_END}-01")
    return max(1, (last.year - first.year) * 12 + last.month - first.month + 1)


def _first_month(start: str) -> pd.Timestamp:
    try:
        first = pd.Timestamp(f"{start}-01") if len(str(start)) == 7 else None
    except ValueError:
        first = None
    if first is None:
        raise ValueError(f"start {start!r} is not a month (YYYY-MM)")
    return first


def check_months(start: str, months: int) -> None:
    """Refuse a start that is not a month and a number of months below 1."""
    _first_month(start)
    if months < 1:
        raise ValueError(f"months must be at least 1 (got {months})")


def _plan(units: list[str], start: str, n_months: int | None, seed: int, messy: bool) -> Plan:
    if n_months is None:
        n_months = default_months(start)
    check_months(start, n_months)
    switch = legacy_end() or reform.reform_start()
    every = [_first_month(start) + pd.DateOffset(months=i) for i in range(n_months)]
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
        p.defects += reform.reform_defects(p.reform, _legacy_province_name())
    return p


def _legacy_province_name() -> str:
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


# --------------------------------------------------------------------------- truth


def _counts(
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


def _communes_enc(plan: Plan) -> tuple[pd.DataFrame, pd.DataFrame]:
    """(legacy communes written, their counts per month)."""
    lc = legacy_communes_mod.legacy_communes(districts=plan.commune_districts)
    if not plan.commune_months:
        return lc.iloc[:0], legacy_communes_mod.simulate_legacy_communes(lc.iloc[:0], [], plan.seed, 0, {})
    i0 = plan.months - len(plan.commune_months)
    curves = {d: _district_curve(plan, d)[1] for d in plan.commune_districts}
    return lc, legacy_communes_mod.simulate_legacy_communes(lc, plan.commune_months, plan.seed, i0, curves)


def _reform_enc(plan: Plan) -> pd.DataFrame:
    """Counts per (2025 unit, month) of the 2025 era."""
    units = plan.units_2025
    if units is None or units.empty:
        return reform.simulate_2025(pd.DataFrame(), [], reform.Predecessors({}, {}), [], plan.seed, 0)
    t_ref = plan.months - 1 if plan.months > 0 else 53
    base, online = {}, {}
    for d in _unit_info(plan.units).query("province_code == @reform.REFORM_PROVINCE").index:
        b, curve = _district_curve(plan, d)
        base[d], online[d] = b, curve(t_ref)
    return reform.simulate_2025(
        units, plan.units, reform.Predecessors(base, online), plan.months_2025, plan.seed, plan.months
    )


def _revision_first_issue(enc: pd.DataFrame, plan: Plan) -> pd.DataFrame:
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
    plan = _plan(codes, start, months, seed, messy)
    enc, _, _ = _counts(codes, start, plan.months, seed, plan)
    info = _unit_info(codes)
    out = enc.copy()
    out["unit_schema"] = "legacy"
    out["unit_name"] = out["unit_code"].map(info["unit_name"])
    out["unit_level"] = "district"
    out["province_code"] = out["unit_code"].map(info["province_code"])
    out["province_name"] = out["unit_code"].map(info["province_name"])
    parts = [out]
    lc, cenc = _communes_enc(plan)
    if len(cenc):
        c = cenc.copy()
        c["unit_schema"] = "legacy"
        for col in ("unit_name", "unit_level", "province_code", "province_name"):
            c[col] = c["unit_code"].map(lc[col])
        parts.append(c)
    renc = _reform_enc(plan)
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
    return list(_plan(codes, start, months, seed, messy).defects)


# --------------------------------------------------------------------------- writing


def _name_as_written(name: str, unit_type: str, year: int, i: int, month: int) -> str:
    """The unit name in the style of a year's exports (deterministic)."""
    if year <= 2021:
        return styles.to_old_style(name)
    if year == 2022:
        return styles.with_ubnd(name, unit_type) if i % 2 == 0 else styles.abbreviated(name, unit_type)
    if year == 2023:
        return name if i % 3 else styles.to_old_style(name)
    if year == 2024:
        if month == 8 and i == 3:
            return styles.mojibake(name)
        if month == 10 and i == 2:
            return styles.no_diacritics(name)
        return name[len(unit_type) :].strip() if name.startswith(unit_type) else name
    return styles.nfd(name) if i % 2 else name


def _style_for(year: int, month: int) -> FileStyle:
    if year <= 2021:
        return FileStyle(header_rows=3, number_row=True)
    if year == 2022:
        return FileStyle(
            header_rows=2,
            number_row=False,
            leading_blank_col=True,
            section_row=True,
            hierarchical_stt=True,
            numbers_as_text=(month % 2 == 0),
            sheet_name="BC06",
        )
    if year == 2023:
        return FileStyle(header_rows=3, number_row=True, extra_rate_col=True, numbers_as_text=(month in (3, 11)))
    if year == 2024:
        return FileStyle(header_rows=2, number_row=True, sheet_name="Sheet1")
    return FileStyle(header_rows=3, number_row=False, section_row=True)


def _rate_text(row: pd.Series) -> str:
    res = int(row["resolved_total"])
    if res <= 0:
        return ""
    pct = 100.0 * (int(row["resolved_early"]) + int(row["resolved_ontime"])) / res
    # real files mix conventions: "99,47%" and "14.3%"
    return f"{pct:.2f}".replace(".", ",") + "%" if int(row["unit_code"]) % 2 else f"{pct:.1f}%"


def _roman(k: int) -> str:
    """1 → "I", 14 → "XIV", 63 → "LXIII" (province numbering in multi-province exports)."""
    out, n = "", k
    for v, s in (
        (1000, "M"),
        (900, "CM"),
        (500, "D"),
        (400, "CD"),
        (100, "C"),
        (90, "XC"),
        (50, "L"),
        (40, "XL"),
        (10, "X"),
        (9, "IX"),
        (5, "V"),
        (4, "IV"),
        (1, "I"),
    ):
        while n >= v:
            out, n = out + s, n - v
    return out


def _province_heading(pname: str, k: int, year: int | None) -> tuple[str, str, bool]:
    """(STT, name as written, carries the province's subtotal) of the k-th province heading, in the style of a
    year's exports: "TỈNH CAO BẰNG", "1 Tỉnh Cao Bằng" (subtotal, hierarchical STT), "II. Tỉnh Bắc Kạn",
    "TP. Hà Nội" (subtotal), "Tỉnh Lâm Đồng"."""
    r = _roman(k)
    if year is None:
        return r, pname, False
    if year <= 2021:
        return r, pname.upper(), False
    if year == 2022:
        return str(k), pname, True
    if year == 2023:
        return "", f"{r}. {pname}", False
    if year == 2024:
        return r, ("TP. " + pname[len("Thành phố ") :]) if pname.startswith("Thành phố ") else pname, True
    return r, pname, False


def _rows_for(
    frame: pd.DataFrame, info: pd.DataFrame, style: FileStyle, name_of: Any, year: int | None = None
) -> list[RowSpec]:
    """Body rows of one workbook. Units of several provinces are grouped under one heading row per province
    (some years with the province's subtotal), as national exports do; one province: no heading."""
    rows: list[RowSpec] = []
    multi = info["province_code"].nunique() > 1
    if style.section_row and not multi:
        rows.append(RowSpec("I", "Huyện, thị xã, thành phố", kind="section"))
    order = list(range(len(frame)))
    if multi:
        provs = list(dict.fromkeys(info.loc[frame["unit_code"], "province_code"]))
        pos = {p: n for n, p in enumerate(provs)}
        order.sort(key=lambda n: pos[info.loc[frame["unit_code"].iloc[n], "province_code"]])
    recs = list(frame.itertuples(index=False))
    prev_prov, k, j = None, 0, 0
    for i in order:
        r = recs[i]
        code = r.unit_code
        if multi:
            prov = info.loc[code, "province_code"]
            if prov != prev_prov:
                prev_prov, k, j = prov, k + 1, 0
                stt, text, with_sums = _province_heading(str(info.loc[code, "province_name"]), k, year)
                if with_sums:
                    sub = frame[frame["unit_code"].map(info["province_code"]) == prov]
                    vals_p: dict[str, Any] = {c: int(sub[c].sum()) for c in COUNT_COLUMNS}
                    if style.extra_rate_col:
                        vals_p["_rate"] = _rate_text(pd.Series({**vals_p, "unit_code": "1"}))
                    rows.append(RowSpec(stt, text, vals_p, kind="subtotal"))
                else:
                    rows.append(RowSpec(stt, text, kind="section"))
            j += 1
            stt = f"{k}.{j}" if style.hierarchical_stt else str(i + 1)
        else:
            stt = f"1.{i + 1}" if style.hierarchical_stt else str(i + 1)
        vals = {c: int(getattr(r, c)) for c in COUNT_COLUMNS}
        if style.extra_rate_col:
            vals["_rate"] = _rate_text(pd.Series({**vals, "unit_code": code}))
        rows.append(RowSpec(stt, name_of(code, i), vals))
    tot = {c: int(frame[c].sum()) for c in COUNT_COLUMNS}
    if style.extra_rate_col:
        tot["_rate"] = _rate_text(pd.Series({**tot, "unit_code": "1"}))
    if style.totals_row:
        rows.append(RowSpec("", "Tổng cộng", tot, kind="total"))
    return rows


def _period_text(s: pd.Timestamp, e: pd.Timestamp, label: str) -> str:
    dates = f"Từ ngày {s:%d/%m/%Y} đến ngày {e:%d/%m/%Y}"
    return f"{label} ({dates})" if label else dates


def write_sample(
    out_dir: str | Path,
    *,
    units: Sequence[str] | int | None = None,
    n_units: int | None = None,
    start: str = "2021-01",
    months: int | None = None,
    seed: int = DEFAULT_SEED,
    messy: bool = True,
) -> list[Path]:
    """Write the synthetic raw exports into ``out_dir``; return the files written (sorted).

    ``units``: unit codes, or an int N (= ``n_units``): the first N of Phú Yên's
    nine districts, or of all legacy districts when N > 9 (those of other
    provinces end in June 2025). ``months`` defaults to the months from
    ``start`` to 11/2026; months from ``schema_2025_from`` on are of the 2025
    era. Files from an earlier run (listed in the hidden manifest) are removed
    first. Matches ``motcua sample --out DIR [--units N] [--months M]
    [--start YYYY-MM] [--seed S]``.
    """
    out = Path(out_dir)
    out.mkdir(parents=True, exist_ok=True)
    man = out / MANIFEST
    if man.exists():
        try:
            for name in json.loads(man.read_text(encoding="utf-8")).get("files", []):
                (out / name).unlink(missing_ok=True)
        except (OSError, ValueError):
            pass
    codes = resolve_units(units, n_units)
    plan = _plan(codes, start, months, seed, messy)
    enc, dossiers, _ = _counts(codes, start, plan.months, seed, plan)
    info = _unit_info(codes)
    pname = str(info["province_name"].iloc[0]) if info["province_code"].nunique() == 1 else "các tỉnh"
    reporter = (
        f"Văn phòng UBND {pname[:1].lower() + pname[1:]}"
        if info["province_code"].nunique() == 1
        else "Văn phòng (dữ liệu mẫu)"
    )
    written: list[Path] = []
    note = "Ghi chú: dữ liệu mẫu tổng hợp giả lập bởi motcua (motcua-synthetic), dùng để kiểm thử; không phải số liệu thật."

    def save(
        wb_rows: list[RowSpec],
        style: FileStyle,
        s: pd.Timestamp,
        e: pd.Timestamp,
        label: str,
        fname: str,
        created: datetime,
    ) -> None:
        wb = build_workbook(
            period_text=_period_text(s, e, label),
            rows=wb_rows,
            style=style,
            reporter=reporter,
            place_date=f"{pname.replace('Tỉnh ', '')}, ngày {created:%d} tháng {created:%m} năm {created:%Y}",
            note=note,
        )
        written.append(save_deterministic(wb, out / fname, created=created, title=f"Biểu 06 – {label or fname}"))

    months_list = sorted(enc["period_start"].unique())
    for m in months_list:
        m = pd.Timestamp(m)
        if m == plan.cumulative_month:
            continue
        frame = enc[enc["period_start"] == m]
        if plan.dossier and m.year == plan.dossier[1]:
            frame = frame[frame["unit_code"] != plan.dossier[0]]
        e = (m + pd.offsets.MonthEnd(0)).normalize()
        style = _style_for(m.year, m.month) if messy else FileStyle()

        def name_of(code: str, i: int, _m: pd.Timestamp = m) -> str:
            nm, ut = str(info.loc[code, "unit_name"]), str(info.loc[code, "unit_type"])
            return _name_as_written(nm, ut, _m.year, i, _m.month) if messy else nm

        label = f"Tháng {m:%m} năm {m:%Y}"
        created = datetime(e.year, e.month, e.day, 8, 0, 0) + timedelta(days=5)
        fname = f"bieu06_{m:%Y-%m}.xlsx"
        yr = m.year if messy else None
        if plan.revised and m == plan.revised[1]:
            first = frame.copy()
            fi = _revision_first_issue(enc, plan)
            first.loc[fi.index, fi.columns] = fi
            save(_rows_for(first, info, style, name_of, yr), style, m, e, label, fname, created)
            save(
                _rows_for(frame, info, style, name_of, yr),
                style,
                m,
                e,
                label + " (bản sửa đổi)",
                f"bieu06_{m:%Y-%m}_sua-doi.xlsx",
                created + timedelta(days=30),
            )
            continue
        save(_rows_for(frame, info, style, name_of, yr), style, m, e, label, fname, created)

    if plan.quarter:
        q0, q1 = plan.quarter
        sel = enc[(enc["period_start"] >= q0) & (enc["period_start"] <= q1)]
        if plan.dossier and q0.year == plan.dossier[1]:
            sel = sel[sel["unit_code"] != plan.dossier[0]]
        agg = _aggregate(sel)
        e = (q1 + pd.offsets.MonthEnd(0)).normalize()
        style = FileStyle(header_rows=3, number_row=True, numbers_as_text=True, sheet_name="Quy II")
        save(
            _rows_for(agg, info, style, lambda c, i: str(info.loc[c, "unit_name"])),
            style,
            q0,
            e,
            f"Quý II năm {q0:%Y}",
            f"bieu06_quy2-{q0:%Y}.xlsx",
            datetime(e.year, e.month, e.day, 8) + timedelta(days=12),
        )
    if plan.cumulative_month is not None:
        c = plan.cumulative_month
        y0 = pd.Timestamp(f"{c.year}-01-01")
        sel = enc[(enc["period_start"] >= y0) & (enc["period_start"] <= c)]
        agg = _aggregate(sel)
        e = (c + pd.offsets.MonthEnd(0)).normalize()
        style = FileStyle(header_rows=3, number_row=True, title_extra="(LŨY KẾ)")
        save(
            _rows_for(agg, info, style, lambda cd, i: str(info.loc[cd, "unit_name"])),
            style,
            y0,
            e,
            f"Lũy kế từ đầu năm {c:%Y}",
            f"bieu06_luy-ke_{c:%Y-%m}.xlsx",
            datetime(e.year, e.month, e.day, 8) + timedelta(days=5),
        )
    if plan.dossier is not None and dossiers is not None:
        unit, year = plan.dossier
        dossiers = dossiers.copy()
        dossiers["DonViXuLy"] = str(info.loc[unit, "unit_name"])
        dossiers = groups766_sample.add_groups766_columns(dossiers, unit, year, seed)
        slug = styles.no_diacritics(str(info.loc[unit, "short_name"])).replace(" ", "-")
        path = out / f"danh-sach-ho-so_{slug}_{year}.csv"
        tmp = path.with_name(f".{path.name}.tmp")
        tmp.write_bytes(dossiers.to_csv(index=False, lineterminator="\r\n").encode("utf-8-sig"))
        os.replace(tmp, path)
        written.append(path)

    if plan.score766:
        table = groups766_sample.score_table([(c, str(info.loc[c, "unit_name"])) for c in codes], seed)
        path = out / "diem-chi-so-766_2024.csv"
        tmp = path.with_name(f".{path.name}.tmp")
        tmp.write_bytes(table.to_csv(index=False, lineterminator="\r\n").encode("utf-8-sig"))
        os.replace(tmp, path)
        written.append(path)

    later: list[MonthFile] = []
    lc, cenc = _communes_enc(plan)
    if len(cenc):
        later += legacy_communes_mod.commune_files(cenc, lc, info, messy, seed, plan.early_new_name)
    renc = _reform_enc(plan)
    if len(renc):
        later += reform.reform_files(
            renc,
            plan.units_2025,
            plan.reform or reform.ReformDefects(),
            messy,
            seed,  # type: ignore[arg-type]
            _legacy_province_name(),
        )
    for f in later:
        written.append(save_month_file(f, out, note))
    legacy_years = {(_first_month(start) + pd.DateOffset(months=i)).year for i in range(plan.months)}
    # the PAR index tables of the nine districts, 2021–2024 (the years the legacy months reach)
    written += par_sample.write_par_files(
        out, codes, seed, messy, {c: str(info.loc[c, "unit_name"]) for c in codes}, pname, legacy_years
    )

    n_months = plan.months + len(plan.months_2025)
    readme = out / "README.md"
    readme.write_text(sample_readme(plan, codes, start, n_months, seed), encoding="utf-8")
    man.write_text(
        json.dumps(
            {
                "files": sorted(p.name for p in written) + ["README.md"],
                "seed": seed,
                "units": codes,
                "start": start,
                "months": n_months,
                "messy": messy,
            },
            ensure_ascii=False,
            indent=1,
        )
        + "\n",
        encoding="utf-8",
    )
    return sorted(written)


def _aggregate(sel: pd.DataFrame) -> pd.DataFrame:
    """Monthly rows → one row per unit for the span: flows summed, stocks at the ends."""
    sel = sel.sort_values(["unit_code", "period_start"])
    g = sel.groupby("unit_code", sort=False)
    flows = [
        "received_online",
        "received_offline",
        "resolved_total",
        "resolved_early",
        "resolved_ontime",
        "resolved_late",
    ]
    agg = g[flows].sum()
    agg["carried_over"] = g["carried_over"].first()
    for c in ("pending_total", "pending_ontime", "pending_overdue"):
        agg[c] = g[c].last()
    agg["received_total"] = agg["received_online"] + agg["received_offline"] + agg["carried_over"]
    return agg.reset_index()
