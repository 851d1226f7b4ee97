"""``write_sample(out_dir)``: the sample's files in ``out_dir`` (district, commune and 2025 workbooks, the
dossier export, the 766 and PAR tables, the README and a manifest of what was written)."""

from __future__ import annotations

import json
from collections.abc import Sequence
from datetime import datetime, timedelta
from pathlib import Path
from typing import Any

import pandas as pd

from motcua.cache.atomic import atomic_write_bytes
from motcua.sample import communes as legacy_communes_mod
from motcua.sample import groups766 as groups766_sample
from motcua.sample import par as par_sample
from motcua.sample import reform, styles
from motcua.sample.district_rows import name_as_written, period_text, rows_for, style_for
from motcua.sample.panel import communes_counts, district_counts, reform_counts, revision_first_issue
from motcua.sample.plan import (
    DEFAULT_SEED,
    Plan,
    first_month,
    legacy_province_name,
    make_plan,
    resolve_units,
    unit_info,
)
from motcua.sample.readme import sample_readme
from motcua.sample.workbook import (
    FileStyle,
    MonthFile,
    RowSpec,
    build_workbook,
    save_deterministic,
    save_month_file,
)

MANIFEST = ".motcua-sample.json"


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
    _remove_previous(out, man)
    codes = resolve_units(units, n_units)
    plan = make_plan(codes, start, months, seed, messy)
    enc, dossiers, _ = district_counts(codes, start, plan.months, seed, plan)
    w = _Workbooks(out, unit_info(codes))
    _monthly_workbooks(w, enc, plan, messy)
    _span_workbooks(w, enc, plan)
    info = w.info
    if plan.dossier is not None and dossiers is not None:
        unit, year = plan.dossier
        dossiers = dossiers.copy()
        dossiers["DonViXuLy"] = str(info.loc[unit, "unit_name"])
        dossiers = groups766_sample.add_groups766_columns(dossiers, unit, year, seed)
        slug = styles.no_diacritics(str(info.loc[unit, "short_name"])).replace(" ", "-")
        w.written.append(_write_csv(dossiers, out / f"danh-sach-ho-so_{slug}_{year}.csv"))
    if plan.score766:
        table = groups766_sample.score_table([(c, str(info.loc[c, "unit_name"])) for c in codes], seed)
        w.written.append(_write_csv(table, out / "diem-chi-so-766_2024.csv"))
    _commune_and_2025_workbooks(w, plan, messy, seed)
    legacy_years = {(first_month(start) + pd.DateOffset(months=i)).year for i in range(plan.months)}
    # the PAR index tables of the nine districts, 2021–2024 (the years the legacy months reach)
    w.written += par_sample.write_par_files(
        out, codes, seed, messy, {c: str(info.loc[c, "unit_name"]) for c in codes}, w.pname, legacy_years
    )
    n_months = plan.months + len(plan.months_2025)
    readme = out / "README.md"
    readme.write_text(sample_readme(plan, codes, start, n_months, seed), encoding="utf-8")
    manifest = {"seed": seed, "units": codes, "start": start, "months": n_months, "messy": messy}
    _write_manifest(man, w.written, manifest)
    return sorted(w.written)


class _Workbooks:
    """The form-06 workbooks of one sample run: who reports them (the province's office, or a generic one for
    several provinces), the note every file carries, and the files written so far."""

    note = "Ghi chú: dữ liệu mẫu tổng hợp giả lập bởi motcua (motcua-synthetic), dùng để kiểm thử; không phải số liệu thật."

    def __init__(self, out: Path, info: pd.DataFrame):
        self.out = out
        self.info = info
        one = info["province_code"].nunique() == 1
        self.pname = str(info["province_name"].iloc[0]) if one else "các tỉnh"
        self.reporter = (
            f"Văn phòng UBND {self.pname[:1].lower() + self.pname[1:]}" if one else "Văn phòng (dữ liệu mẫu)"
        )
        self.written: list[Path] = []

    def save(
        self,
        wb_rows: list[RowSpec],
        style: FileStyle,
        s: pd.Timestamp,
        e: pd.Timestamp,
        label: str,
        fname: str,
        created: datetime,
    ) -> None:
        """One workbook of ``wb_rows`` for the period ``s``–``e``, saved with a fixed creation time."""
        wb = build_workbook(
            period_text=period_text(s, e, label),
            rows=wb_rows,
            style=style,
            reporter=self.reporter,
            place_date=f"{self.pname.replace('Tỉnh ', '')}, ngày {created:%d} tháng {created:%m} năm {created:%Y}",
            note=self.note,
        )
        self.written.append(
            save_deterministic(wb, self.out / fname, created=created, title=f"Biểu 06 – {label or fname}")
        )


def _monthly_workbooks(w: _Workbooks, enc: pd.DataFrame, plan: Plan, messy: bool) -> None:
    """One district workbook per legacy month (names as written that year when ``messy``); the planned
    revised month twice (first issue, then the revision); none for the cumulative month or the dossier unit's year."""
    info = w.info
    for m in sorted(enc["period_start"].unique()):
        m = pd.Timestamp(m)
        if m == plan.cumulative_month:
            continue
        frame = enc[enc["period_start"] == m]
        if plan.dossier and m.year == plan.dossier[1]:
            frame = frame[frame["unit_code"] != plan.dossier[0]]
        e = (m + pd.offsets.MonthEnd(0)).normalize()
        style = style_for(m.year, m.month) if messy else FileStyle()

        def name_of(code: str, i: int, _m: pd.Timestamp = m) -> str:
            nm, ut = str(info.loc[code, "unit_name"]), str(info.loc[code, "unit_type"])
            return name_as_written(nm, ut, _m.year, i, _m.month) if messy else nm

        label = f"Tháng {m:%m} năm {m:%Y}"
        created = datetime(e.year, e.month, e.day, 8, 0, 0) + timedelta(days=5)
        fname = f"bieu06_{m:%Y-%m}.xlsx"
        yr = m.year if messy else None
        if plan.revised and m == plan.revised[1]:
            first = frame.copy()
            fi = revision_first_issue(enc, plan)
            first.loc[fi.index, fi.columns] = fi
            w.save(rows_for(first, info, style, name_of, yr), style, m, e, label, fname, created)
            w.save(
                rows_for(frame, info, style, name_of, yr),
                style,
                m,
                e,
                label + " (bản sửa đổi)",
                f"bieu06_{m:%Y-%m}_sua-doi.xlsx",
                created + timedelta(days=30),
            )
            continue
        w.save(rows_for(frame, info, style, name_of, yr), style, m, e, label, fname, created)


def _span_workbooks(w: _Workbooks, enc: pd.DataFrame, plan: Plan) -> None:
    """The planned quarter's workbook (numbers as text, a number row) and the cumulative year-to-date one."""
    info = w.info
    if plan.quarter:
        q0, q1 = plan.quarter
        sel = enc[(enc["period_start"] >= q0) & (enc["period_start"] <= q1)]
        if plan.dossier and q0.year == plan.dossier[1]:
            sel = sel[sel["unit_code"] != plan.dossier[0]]
        agg = _aggregate(sel)
        e = (q1 + pd.offsets.MonthEnd(0)).normalize()
        style = FileStyle(header_rows=3, number_row=True, numbers_as_text=True, sheet_name="Quy II")
        w.save(
            rows_for(agg, info, style, lambda c, i: str(info.loc[c, "unit_name"])),
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
        w.save(
            rows_for(agg, info, style, lambda cd, i: str(info.loc[cd, "unit_name"])),
            style,
            y0,
            e,
            f"Lũy kế từ đầu năm {c:%Y}",
            f"bieu06_luy-ke_{c:%Y-%m}.xlsx",
            datetime(e.year, e.month, e.day, 8) + timedelta(days=5),
        )


def _commune_and_2025_workbooks(w: _Workbooks, plan: Plan, messy: bool, seed: int) -> None:
    """The legacy communes' workbooks and the 2025-era ones (communes and provincial agencies)."""
    later: list[MonthFile] = []
    lc, cenc = communes_counts(plan)
    if len(cenc):
        later += legacy_communes_mod.commune_files(cenc, lc, w.info, messy, seed, plan.early_new_name)
    renc = reform_counts(plan)
    if len(renc):
        later += reform.reform_files(
            renc,
            plan.units_2025,
            plan.reform or reform.ReformDefects(),
            messy,
            seed,  # type: ignore[arg-type]
            legacy_province_name(),
        )
    for f in later:
        w.written.append(save_month_file(f, w.out, w.note))


def _remove_previous(out: Path, man: Path) -> None:
    """Delete the files an earlier run listed in its manifest ``man`` (an unreadable manifest: none)."""
    if man.exists():
        try:
            for name in json.loads(man.read_text(encoding="utf-8")).get("files", []):
                (out / name).unlink(missing_ok=True)
        except (OSError, ValueError):
            pass


def _write_csv(frame: pd.DataFrame, path: Path) -> Path:
    """``frame`` as a CSV export writes it (UTF-8 with BOM, CRLF), replacing ``path`` at once."""
    atomic_write_bytes(path, frame.to_csv(index=False, lineterminator="\r\n").encode("utf-8-sig"), sync=False)
    return path


def _write_manifest(man: Path, written: list[Path], settings: dict[str, Any]) -> None:
    """The hidden manifest: the files written (and README.md), then the run's settings."""
    man.write_text(
        json.dumps(
            {"files": sorted(p.name for p in written) + ["README.md"], **settings},
            ensure_ascii=False,
            indent=1,
        )
        + "\n",
        encoding="utf-8",
    )


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
