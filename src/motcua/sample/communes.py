"""Legacy commune rows of the synthetic sample: the communes of two districts, 01/2024–06/2025.

Communes (xã, phường, thị trấn) ran their own one-stop units before 1 July
2025: separate units, not parts of their district's row. The sample writes
them, for two of Phú Yên's districts, as their own monthly workbook
("bieu06_cap-xa_YYYY-MM.xlsx", title "(CẤP XÃ)", one section per district):

- Huyện Đồng Xuân (558): its four 2025 successors (Xã Đồng Xuân, Xã Xuân Lãnh,
  Xã Phú Mỡ, Xã Xuân Phước) are made of its communes only, each taken whole, so
  their predecessors' series continue them exactly;
- Thị xã Đông Hòa (564): straddles. Phường Hòa Vinh, … go whole into Phường
  Đông Hòa and Xã Hòa Xuân, but Phường Hòa Hiệp Bắc is divided between Phường
  Hòa Hiệp and Phường Phú Yên, which also takes communes of Thành phố Tuy Hòa
  and Huyện Tây Hòa: continuity there is partial.

Grain of :func:`simulate_legacy_communes`: one row per (legacy commune, month)
with the 11 count columns. Volumes are small (a commune's own work, base about
5 dossiers a month) and every legacy commune of the province has one, whether
written or not: the 2025 communes take it over (:mod:`motcua.sample.reform`).
"""

from __future__ import annotations

from collections.abc import Callable
from datetime import datetime, timedelta

import numpy as np
import pandas as pd

from motcua.panel import COUNT_COLUMNS
from motcua.sample import styles
from motcua.sample.rng import unit_rng
from motcua.sample.truth import SeriesSpec, as_frame, simulate_series
from motcua.sample.workbook import FileStyle, MonthFile, RowSpec

#: The districts whose communes are written (one continued exactly after the reform, one that straddles).
COMMUNE_DISTRICTS: tuple[str, ...] = ("558", "564")
#: The first month of the legacy commune rows (kept short: the sample stays small).
COMMUNES_FROM = pd.Timestamp("2024-01-01")


def legacy_communes(province_code: str | None = None, districts: list[str] | None = None) -> pd.DataFrame:
    """Legacy communes of a province or of some districts (reference rows, in the districts' order, by code)."""
    from motcua.ingest.names import reference_units

    ref = reference_units("legacy")
    ref = ref[ref["unit_level"] == "commune"]
    if province_code is not None:
        ref = ref[ref["province_code"] == province_code]
    if districts is not None:
        ref = ref[ref["parent_code"].isin(districts)]
        order = {d: i for i, d in enumerate(districts)}
        ref = ref.assign(_o=ref["parent_code"].map(order)).sort_values(["_o", "unit_code"]).drop(columns="_o")
    return ref.set_index("unit_code", drop=False)


def commune_base(seed: int, code: str) -> float:
    """A legacy commune's typical monthly new dossiers (about 5), drawn from (seed, code) alone."""
    return float(unit_rng(seed, code, "commune-base").lognormal(np.log(5.0), 0.4))


def simulate_legacy_communes(
    communes: pd.DataFrame,
    ms: list[pd.Timestamp],
    seed: int,
    start_index: int,
    district_online: dict[str, Callable[[int], float]],
) -> pd.DataFrame:
    """Counts per (legacy commune, month) over ``ms``; ``start_index`` is the index of ``ms[0]`` on the sample's
    clock and ``district_online[d](t)`` the online share of district d at clock index t (a commune runs at 80 % of
    its district's share)."""
    rows: list[dict[str, object]] = []
    for code, parent in zip(communes["unit_code"], communes["parent_code"]):
        share = district_online[parent]
        spec = SeriesSpec(
            key=code,
            base=commune_base(seed, code),
            salt="legacy-commune",
            start_index=start_index,
            online=lambda t, s=share, i0=start_index: 0.8 * s(i0 + t),
        )
        rows += simulate_series(spec, ms, seed)
    return as_frame(rows)


def _name_as_written(name: str, unit_type: str, short: str, m: pd.Timestamp, i: int) -> str:
    """A legacy commune's name in the style of a month's exports (deterministic)."""
    t = unit_type.lower()
    if m.year == 2024:
        if i % 5 == 1:
            return f"UBND {t} {short}"
        if i % 5 == 3:
            return styles.abbreviated(name, unit_type)
        return name
    return styles.to_old_style(name) if i % 2 else name


def extra_row(seed: int, salt: str, base: float) -> dict[str, int]:
    """Plausible counts for a row the clean stage must reject (every identity holds)."""
    r = unit_rng(seed, "extra", salt)
    online = int(r.poisson(base * 0.4))
    offline = int(r.poisson(base * 0.6))
    carried = int(r.poisson(base * 0.1))
    handled = online + offline + carried
    pending = int(r.binomial(handled, 0.2))
    resolved = handled - pending
    early = int(r.binomial(resolved, 0.7))
    return {
        "received_total": handled,
        "received_online": online,
        "received_offline": offline,
        "carried_over": carried,
        "resolved_total": resolved,
        "resolved_early": early,
        "resolved_ontime": resolved - early,
        "resolved_late": 0,
        "pending_total": pending,
        "pending_ontime": pending,
        "pending_overdue": 0,
    }


def commune_files(
    enc: pd.DataFrame,
    communes: pd.DataFrame,
    districts: pd.DataFrame,
    messy: bool,
    seed: int,
    early_new_name: tuple[pd.Timestamp, str] | None = None,
) -> list[MonthFile]:
    """One workbook per month of legacy commune rows: a section per district, its communes, "Tổng cộng".

    ``early_new_name`` (month, name): a row under a 2025 commune's name, in that month's file, before the
    reform (a new centre's trial run): a deliberate defect the clean stage must reject.
    """
    out: list[MonthFile] = []
    pname = str(districts["province_name"].iloc[0])
    style = FileStyle(header_rows=3, number_row=True, sheet_name="Cấp xã", title_extra="(CẤP XÃ)")
    for m in sorted(enc["period_start"].unique()):
        m = pd.Timestamp(m)
        frame = enc[enc["period_start"] == m].set_index("unit_code")
        rows: list[RowSpec] = []
        n, total = 0, {c: 0 for c in COUNT_COLUMNS}
        for k, d in enumerate(dict.fromkeys(communes["parent_code"])):
            rows.append(RowSpec(["I", "II", "III", "IV"][k], str(districts.loc[d, "unit_name"]), kind="section"))
            for code in communes.index[communes["parent_code"] == d]:
                if code not in frame.index:
                    continue
                n += 1
                vals = {c: int(frame.loc[code, c]) for c in COUNT_COLUMNS}
                c = communes.loc[code]
                name = (
                    _name_as_written(c["unit_name"], c["unit_type"], c["short_name"], m, n) if messy else c["unit_name"]
                )
                rows.append(RowSpec(str(n), name, vals))
                total = {k2: total[k2] + vals[k2] for k2 in COUNT_COLUMNS}
        if early_new_name is not None and early_new_name[0] == m:
            vals = extra_row(seed, "early-new-name", 25)
            n += 1
            rows.append(RowSpec(str(n), early_new_name[1], vals))
            total = {k2: total[k2] + vals[k2] for k2 in COUNT_COLUMNS}
        rows.append(RowSpec("", "Tổng cộng", total, kind="total"))
        e = (m + pd.offsets.MonthEnd(0)).normalize()
        out.append(
            MonthFile(
                fname=f"bieu06_cap-xa_{m:%Y-%m}.xlsx",
                start=m,
                end=e,
                label=f"Tháng {m:%m} năm {m:%Y}",
                rows=rows,
                style=style,
                reporter=f"Văn phòng UBND {pname[:1].lower() + pname[1:]}",
                place=pname.removeprefix("Tỉnh "),
                created=datetime(e.year, e.month, e.day, 9, 0, 0) + timedelta(days=6),
            )
        )
    return out
