"""A national commune-level input for the bench (not a test): every 2025 commune, and one province's history.

Writes, into ``--out`` (a raw folder for ``motcua build``):

- ``national_2025.csv``: a tidy CSV (config/layouts/tidy.yaml; the panel's own columns: unit_schema,
  unit_code, period_start, period_end and the 11 counts) with one row per 2025 commune of
  src/motcua/reference/units.csv (3,321) and month from 07/2025 to 11/2026 (17): 56,457 rows;
- ``legacy_<province>.csv``: the same columns for the province's legacy districts (Phú Yên 54: nine)
  and months from 01/2021 to 06/2025 (54): 486 rows;
- with ``--forms``: one form-06 workbook per 2025 province and month (34 × 17 = 578) with each
  commune's name as a clerk writes it (``UBND xã …``, ``P. …``, no diacritics, …) instead of the
  tidy CSV, to time name matching at scale.

Counts come from motcua.sample.truth's simulation (each unit's parameters drawn from the seed and its
code; a Tết dip, a December and March upturn, an online share on a logistic curve since 01/2021, a low
late rate with two or three bad months, carried_over(t) = pending_total(t−1)): a commune's month t is
the simulation's month t counted from 01/2021, so the online share in 2025–2026 is the mature one.
A commune's volume is drawn around 120 new dossiers a month (a legacy district's around 250).
Deterministic: the same seed writes the same bytes.

    python bench/national.py --out bench/out/national/raw [--seed 7] [--legacy-province 54] [--forms] [--provinces 79,01]

``--provinces``: only those provinces' communes (a reduced national input, e.g. to try a full build quickly).
"""

from __future__ import annotations

import argparse
import csv
import sys
from dataclasses import replace
from pathlib import Path

import numpy as np
import pandas as pd

from motcua.panel import COUNT_COLUMNS
from motcua.sample.rng import unit_rng
from motcua.sample.truth import _split_resolved, online_share, season, simulate_units, unit_params

ROOT = Path(__file__).resolve().parents[1]
UNITS_CSV = ROOT / "src" / "motcua" / "reference" / "units.csv"

#: The series every commune has: 07/2025 to 11/2026.
START_2025, MONTHS_2025 = "2025-07", 17
#: The legacy history: 01/2021 to 06/2025.
START_LEGACY, MONTHS_LEGACY = "2021-01", 54
#: Months of 07/2025 counted from 01/2021 (the simulation's month 0).
OFFSET_2025 = 54
#: Typical new dossiers a month at a 2025 commune's one-stop shop.
COMMUNE_VOLUME = 120.0

HEADER = ["unit_schema", "unit_code", "period_start", "period_end", *COUNT_COLUMNS]


def communes() -> pd.DataFrame:
    """The 2025 communes of the reference (unit_code, unit_name, unit_type, province_code, province_name), in its order."""
    ref = pd.read_csv(UNITS_CSV, dtype=str, keep_default_na=False)
    return ref[(ref["unit_schema"] == "2025") & (ref["unit_level"] == "commune")].reset_index(drop=True)


def legacy_districts(province: str) -> list[str]:
    ref = pd.read_csv(UNITS_CSV, dtype=str, keep_default_na=False)
    sel = ref[(ref["unit_schema"] == "legacy") & (ref["unit_level"] == "district") & (ref["province_code"] == province)]
    return sel["unit_code"].tolist()


def simulate_commune(seed: int, code: str) -> list[list[object]]:
    """17 months of one commune (07/2025–11/2026): motcua.sample.truth's monthly draw, at a commune's volume."""
    n_all = OFFSET_2025 + MONTHS_2025
    p = unit_params(seed, code, n_all)
    r = unit_rng(seed, code, "months")
    p = replace(p, base=float(unit_rng(seed, code, "commune").lognormal(np.log(COMMUNE_VOLUME), 0.5)))
    carried = int(round(p.base * p.pending_ratio))
    first = pd.Timestamp(f"{START_2025}-01")
    rows: list[list[object]] = []
    for k in range(MONTHS_2025):
        t = OFFSET_2025 + k
        m = first + pd.DateOffset(months=k)
        end = m + pd.offsets.MonthEnd(0)
        lam = p.base * season(m) * (1.03 ** (t / 12)) * float(r.gamma(40, 1 / 40))
        new = int(r.poisson(lam))
        online = int(r.binomial(new, online_share(p, t)))
        offline = new - online
        handled = online + offline + carried
        pending = int(r.binomial(handled, min(0.95, p.pending_ratio * float(r.uniform(0.85, 1.15)))))
        resolved = handled - pending
        late_p = p.late_rate if t not in p.bad_months else float(r.uniform(0.03, 0.055))
        early, ontime, late = _split_resolved(r, resolved, late_p, p.early_share)
        overdue = int(r.binomial(pending, p.overdue_share))
        rows.append(
            [
                "2025",
                code,
                m.strftime("%Y-%m-%d"),
                end.strftime("%Y-%m-%d"),
                handled,
                online,
                offline,
                carried,
                resolved,
                early,
                ontime,
                late,
                pending,
                pending - overdue,
                overdue,
            ]
        )
        carried = pending
    return rows


def national_rows(seed: int, provinces: list[str] | None = None) -> list[list[object]]:
    """56,457 rows: every 2025 commune × 17 months, communes in the reference's order (``provinces``: only the
    communes of these 2025 provinces, each with the very rows it has in the whole country's file)."""
    c = communes()
    if provinces:
        c = c[c["province_code"].isin(provinces)]
    out: list[list[object]] = []
    for code in c["unit_code"]:
        out.extend(simulate_commune(seed, code))
    return out


def legacy_rows(seed: int, province: str) -> list[list[object]]:
    """The province's legacy districts × 54 months (01/2021–06/2025), motcua.sample.truth's simulation as is."""
    counts, _ = simulate_units(legacy_districts(province), START_LEGACY, MONTHS_LEGACY, seed)
    rows = []
    for rec in counts.itertuples(index=False):
        rows.append(
            [
                "legacy",
                rec.unit_code,
                rec.period_start.strftime("%Y-%m-%d"),
                rec.period_end.strftime("%Y-%m-%d"),
                *[int(getattr(rec, c)) for c in COUNT_COLUMNS],
            ]
        )
    return rows


def write_csv(path: Path, rows: list[list[object]]) -> Path:
    path.parent.mkdir(parents=True, exist_ok=True)
    with path.open("w", encoding="utf-8", newline="") as fh:
        w = csv.writer(fh, lineterminator="\n")
        w.writerow(HEADER)
        w.writerows(rows)
    return path


def name_as_written(name: str, unit_type: str, i: int) -> str:
    """A commune's name as clerks write it, varied by the row's position (deterministic)."""
    from motcua.sample.styles import abbreviated, with_ubnd

    k = i % 5
    if k == 1:
        return with_ubnd(name, unit_type)
    if k == 2:
        return abbreviated(name, unit_type)
    if k == 3:
        return "TT PVHCC " + name[0].lower() + name[1:]
    return name


def write_forms(out: Path, rows: list[list[object]], provinces: list[str] | None = None) -> int:
    """One form-06 workbook per province and month (``provinces``: only these), communes named as written, the
    province named in the reporter's line as motcua.sample writes it; how many were written."""
    from datetime import datetime

    from motcua.sample.workbook import FileStyle, RowSpec, build_workbook, save_deterministic

    info = communes().set_index("unit_code")
    df = pd.DataFrame(rows, columns=HEADER)
    df["province_code"] = df["unit_code"].map(info["province_code"])
    if provinces:
        df = df[df["province_code"].isin(provinces)]
    created = datetime(2026, 12, 1)
    n = 0
    for (prov, start), g in df.groupby(["province_code", "period_start"], sort=True):
        pname = str(info.loc[info["province_code"] == prov, "province_name"].iloc[0])
        specs = [
            RowSpec(
                str(i + 1),
                name_as_written(
                    str(info.loc[rec.unit_code, "unit_name"]), str(info.loc[rec.unit_code, "unit_type"]), i
                ),
                {c: int(getattr(rec, c)) for c in COUNT_COLUMNS},
            )
            for i, rec in enumerate(g.itertuples(index=False))
        ]
        specs.append(RowSpec("", "Tổng cộng", {c: int(g[c].sum()) for c in COUNT_COLUMNS}, kind="total"))
        s = pd.Timestamp(start)
        e = s + pd.offsets.MonthEnd(0)
        wb = build_workbook(
            period_text=f"Kỳ báo cáo: từ ngày {s:%d/%m/%Y} đến ngày {e:%d/%m/%Y}",
            rows=specs,
            style=FileStyle(),
            reporter=f"Văn phòng UBND {pname[:1].lower() + pname[1:]}",
            place_date=f"{pname.split(' ', 1)[-1]}, ngày 05 tháng 12 năm 2026",
            note="Dữ liệu mẫu (bench)",
        )
        path = out / prov / f"{s:%Y-%m}_{prov}.xlsx"
        path.parent.mkdir(parents=True, exist_ok=True)
        save_deterministic(wb, path, created=created, title=f"Biểu 06 – {prov} {s:%m/%Y}")
        n += 1
    return n


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--out", default=str(ROOT / "bench" / "out" / "national" / "raw"))
    ap.add_argument("--seed", type=int, default=7)
    ap.add_argument("--legacy-province", default="54", help="the province whose legacy districts get 01/2021–06/2025")
    ap.add_argument(
        "--forms", action="store_true", help="form-06 workbooks per province and month instead of the tidy CSV"
    )
    ap.add_argument("--provinces", default="", help="only the communes of these 2025 provinces (comma-separated codes)")
    args = ap.parse_args(argv)
    out = Path(args.out)
    provinces = [p.zfill(2) for p in args.provinces.split(",") if p] or None
    rows = national_rows(args.seed, provinces)
    if args.forms:
        n = write_forms(out / "forms", rows, provinces)
        print(f"{n} workbooks, {len(rows)} commune rows")
    else:
        write_csv(out / "national_2025.csv", rows)
        print(f"national_2025.csv: {len(rows)} rows")
    if args.legacy_province:
        leg = legacy_rows(args.seed, args.legacy_province)
        write_csv(out / f"legacy_{args.legacy_province}.csv", leg)
        print(f"legacy_{args.legacy_province}.csv: {len(leg)} rows")
    return 0


if __name__ == "__main__":
    sys.exit(main())
