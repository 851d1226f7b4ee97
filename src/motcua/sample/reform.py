"""The synthetic sample after the 1 July 2025 reform: the former Phú Yên area as part of Tỉnh Đắk Lắk.

From July 2025 the district level is gone. The sample's units of the 2025 era
are the 2025 communes that succeed its legacy districts of Phú Yên (54) — all
34 for the default nine (motcua.reference.crosswalk) — plus the provincial
level of the successor province (Tỉnh Đắk Lắk, 66): the provincial
public-administration centre and four agencies of config/agencies.yaml.
Legacy districts of other provinces (``--units N`` with N > 9) end in June
2025.

Volume (the break of July 2025): a district's work moves, 75 % to the communes
that took its area, in proportion to the legacy communes each took (a divided
commune counts for each part equally), 25 % to the provincial level; each 2025
commune also takes over the work of the legacy communes it was formed from
(:func:`motcua.sample.communes.commune_base`). The online share of new
dossiers jumps by 15–25 points from its predecessors' June 2025 level and
keeps rising slowly; on-time shares stay 95–100 %.

Files: one workbook per month, "bieu06_YYYY-MM.xlsx", titled for UBND TỈNH
ĐẮK LẮK, with sections "Cấp tỉnh" (centre, agencies) and "Cấp xã"
(communes), names as post-reform exports write them ("Trung tâm Phục vụ hành
chính công xã Xuân Lộc", "TT PVHCC phường Sông Cầu", "UBND xã Đồng Xuân",
"Bộ phận Một cửa xã …", plain, old-style tone marks, no diacritics), and the
reform's own messiness as deliberate defects (:func:`reform_defects`).

Grain of :func:`units_2025`: one row per unit of the 2025 era (agencies first,
then communes by code); of :func:`simulate_2025`: one row per (unit, month).
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, timedelta

import pandas as pd

from motcua.panel import COUNT_COLUMNS
from motcua.sample import styles
from motcua.sample.communes import commune_base, extra_row
from motcua.sample.rng import unit_rng
from motcua.sample.truth import SeriesSpec, as_frame, simulate_series
from motcua.sample.workbook import FileStyle, MonthFile, RowSpec

#: The legacy province whose successors the 2025 era of the sample covers.
REFORM_PROVINCE = "54"
#: The provincial level written after the reform (keys of config/agencies.yaml) and each one's share of the
#: 25 % of district work that moved to the province.
AGENCY_SHARES: dict[str, float] = {
    "trung-tam-pvhcc": 0.28,
    "cong-an": 0.40,
    "so-tu-phap": 0.10,
    "so-nong-nghiep-moi-truong": 0.14,
    "so-xay-dung": 0.08,
}
TO_COMMUNES, TO_PROVINCE = 0.75, 0.25
#: An agency name that is not in config/agencies.yaml (a deliberate defect).
UNKNOWN_AGENCY = "Sở Du lịch và Thể thao biển"


def reform_start() -> pd.Timestamp:
    """The first month of the 2025 units (``schema_2025_from`` in config/ingest.yaml; 1 July 2025 by law)."""
    from motcua.ingest.names import settings

    return pd.Timestamp(settings().get("schema_2025_from") or "2025-07-01")


def _agencies() -> dict[str, str]:
    from motcua.config import load_config

    table = load_config().extra.get("agencies", {}).get("agencies", [])
    return {str(a["key"]): str(a["name"]) for a in table}


def district_weights(districts: list[str]) -> pd.DataFrame:
    """(district, new_code, weight): the share of each selected Phú Yên district's area (counted in legacy
    communes, a divided one split equally among its parts) that went into each 2025 commune."""
    from motcua.reference.crosswalk import crosswalk
    from motcua.sample.communes import legacy_communes

    lc = legacy_communes(REFORM_PROVINCE)
    x = crosswalk("commune")
    x = x[x["legacy_code"].isin(lc.index)].copy()
    x["parts"] = x.groupby("legacy_code")["new_code"].transform("size")
    x["district"] = x["legacy_code"].map(lc["parent_code"])
    x = x[x["district"].isin(districts)]
    w = (1.0 / x["parts"]).groupby([x["district"], x["new_code"]]).sum().rename("weight").reset_index()
    w["weight"] = w["weight"] / w.groupby("district")["weight"].transform("sum")
    return w


def units_2025(districts: list[str]) -> pd.DataFrame:
    """The 2025-era units succeeding the selected legacy districts of Phú Yên: the provincial level, then the
    communes (reference rows of the 2025 list), with their panel identity. Empty when no selected district
    is Phú Yên's."""
    from motcua.ingest.names import reference_units
    from motcua.reference.crosswalk import province_successor

    w = district_weights(districts)
    cols = ["unit_code", "unit_name", "unit_level", "unit_type", "short_name", "province_code", "province_name", "key"]
    if w.empty:
        return pd.DataFrame(columns=cols)
    new_prov = province_successor(REFORM_PROVINCE)
    ref = reference_units("2025")
    prov_name = str(ref.loc[(ref["unit_level"] == "province") & (ref["unit_code"] == new_prov), "unit_name"].iloc[0])
    names = _agencies()
    ag = pd.DataFrame(
        [
            {
                "unit_code": f"{new_prov}-{k}",
                "unit_name": names[k],
                "unit_level": "agency",
                "unit_type": "",
                "short_name": names[k],
                "province_code": new_prov,
                "province_name": prov_name,
                "key": k,
            }
            for k in AGENCY_SHARES
        ]
    )
    com = ref[(ref["unit_level"] == "commune") & ref["unit_code"].isin(set(w["new_code"]))].sort_values("unit_code")
    com = com.assign(key=com["unit_code"])[cols]
    return pd.concat([ag, com], ignore_index=True).set_index("unit_code", drop=False)


@dataclass(frozen=True)
class Predecessors:
    """What the districts carried at the reform: base volume and online share (at the last legacy month)."""

    base: dict[str, float]
    online: dict[str, float]


def simulate_2025(
    units: pd.DataFrame, districts: list[str], pred: Predecessors, ms: list[pd.Timestamp], seed: int, start_index: int
) -> pd.DataFrame:
    """Counts per (2025 unit, month) over ``ms`` (the 2025-era months); ``start_index`` is the index of
    ``ms[0]`` on the sample's clock (months since its first month), for the +3 % a year growth."""
    if units.empty or not ms:
        return as_frame([])
    from motcua.reference.crosswalk import predecessors
    from motcua.sample.communes import legacy_communes

    w = district_weights(districts)
    lc = legacy_communes(REFORM_PROVINCE)
    total = sum(pred.base[d] for d in districts if d in pred.base)
    mean_online = sum(pred.base[d] * pred.online[d] for d in pred.base) / total
    rows: list[dict[str, object]] = []
    for u in units.itertuples(index=False):
        r = unit_rng(seed, u.unit_code, "reform")
        jump = float(r.uniform(0.15, 0.25))
        if u.unit_level == "agency":
            base = TO_PROVINCE * total * AGENCY_SHARES[u.key]
            before = mean_online
        else:
            mine = w[w["new_code"] == u.unit_code]
            parts = {d: TO_COMMUNES * pred.base[d] * wt for d, wt in zip(mine["district"], mine["weight"])}
            p = predecessors(u.unit_code, "commune")
            p = p[p["legacy_code"].isin(lc.index)]
            k = crosswalk_parts(p["legacy_code"].tolist())
            own = {c: commune_base(seed, c) / k[c] for c in p["legacy_code"]}
            base = sum(parts.values()) + sum(own.values())
            # the June 2025 online share of what it takes over: districts' work at theirs, a legacy commune's at
            # 80 % of its district's (as the legacy commune rows are drawn)
            shares = [(v, pred.online[d]) for d, v in parts.items()]
            shares += [
                (v, 0.8 * pred.online[str(lc.loc[c, "parent_code"])])
                for c, v in own.items()
                if str(lc.loc[c, "parent_code"]) in pred.online
            ]
            before = sum(v * s for v, s in shares) / sum(v for v, _ in shares) if shares else mean_online
        level0 = min(0.95, before + jump)
        spec = SeriesSpec(
            key=u.unit_code,
            base=base,
            salt="reform-months",
            start_index=start_index,
            online=lambda t, a=level0: min(0.97, a + 0.003 * t),
            late_rate=(0.002, 0.015),
            pending_ratio=(0.15, 0.4) if u.unit_level == "agency" else (0.08, 0.25),
        )
        rows += simulate_series(spec, ms, seed)
    return as_frame(rows)


def crosswalk_parts(legacy_codes: list[str]) -> dict[str, int]:
    """Into how many 2025 communes each legacy commune went (1 when taken whole)."""
    from motcua.reference.crosswalk import crosswalk

    x = crosswalk("commune")
    n = x[x["legacy_code"].isin(legacy_codes)].groupby("legacy_code")["new_code"].size()
    return {c: int(n.get(c, 1)) for c in legacy_codes}


# --------------------------------------------------------------------------- defects


@dataclass(frozen=True)
class ReformDefects:
    """The reform's own messiness written into the 2025-era files (each one month, or None)."""

    old_heading: pd.Timestamp | None = None  # a file still headed for the legacy province
    dissolved: tuple[pd.Timestamp, str, str] | None = None  # (month, district code, name as written)
    same_name: tuple[pd.Timestamp, str, str, str] | None = None  # (month, district code, name, the commune it follows)
    unknown_agency: pd.Timestamp | None = None
    flat_header: pd.Timestamp | None = None
    police_among_communes: tuple[pd.Timestamp, ...] = ()


def plan_defects(units: pd.DataFrame, districts: list[str], ms: list[pd.Timestamp]) -> ReformDefects:
    """Which months carry which defect (fixed months, each only when the sample has what it needs)."""
    have = set(ms)

    def at(s: str) -> pd.Timestamp | None:
        t = pd.Timestamp(s)
        return t if t in have else None

    codes = set(units.index)
    dissolved = ("559", "UBND huyện Tuy An") if "559" in districts else None
    same = ("558", "Huyện Đồng Xuân", "22081") if "558" in districts and "22081" in codes else None
    agencies = bool((units["unit_level"] == "agency").any()) if len(units) else False
    return ReformDefects(
        old_heading=at("2025-07-01"),
        dissolved=(at("2025-08-01"), *dissolved) if dissolved and at("2025-08-01") is not None else None,
        same_name=(at("2025-10-01"), *same) if same and at("2025-10-01") is not None else None,
        unknown_agency=at("2025-11-01") if agencies else None,
        flat_header=at("2026-03-01"),
        police_among_communes=tuple(t for t in (at("2026-01-01"), at("2026-02-01")) if t is not None and agencies),
    )


def reform_defects(d: ReformDefects, legacy_province_name: str) -> list[dict[str, str]]:
    """The deliberate defects of the 2025 era (defect, detail), as :func:`motcua.sample.sample_defects` lists them."""
    out: list[dict[str, str]] = []
    if d.old_heading is not None:
        out.append(
            {
                "defect": "other_era_province_heading",
                "detail": f'{d.old_heading:%m/%Y}: the file is still headed "UBND {legacy_province_name.upper()}" '
                "(a province dissolved on 1/7/2025); its rows are valid communes and agencies",
            }
        )
    if d.dissolved is not None:
        out.append(
            {
                "defect": "dissolved_unit_after_reform",
                "detail": f'{d.dissolved[0]:%m/%Y}: a row "{d.dissolved[2]}" (district {d.dissolved[1]}, dissolved '
                "on 1/7/2025): rejected, the finding names its successor communes",
            }
        )
    if d.same_name is not None:
        out.append(
            {
                "defect": "legacy_name_like_new_commune",
                "detail": f'{d.same_name[0]:%m/%Y}: a row "{d.same_name[2]}" (district {d.same_name[1]}) beside the '
                f"commune {d.same_name[3]} of the same name: rejected, never booked to the commune",
            }
        )
    if d.unknown_agency is not None:
        out.append(
            {
                "defect": "unknown_agency",
                "detail": f'{d.unknown_agency:%m/%Y}: an agency "{UNKNOWN_AGENCY}" not in config/agencies.yaml: rejected',
            }
        )
    if d.flat_header is not None:
        out.append(
            {
                "defect": "flattened_header",
                "detail": f'{d.flat_header:%m/%Y}: a one-row header ("Quá hạn" twice) above the (1)…(13) row, '
                "which tells the columns apart",
            }
        )
    return out


# --------------------------------------------------------------------------- writing


_CENTRE = ("Trung tâm Phục vụ hành chính công", "TT PVHCC", "UBND", "Bộ phận Một cửa")


def _folds_unique(units: pd.DataFrame) -> set[str]:
    """Communes whose name without diacritics names no other 2025 unit of their province."""
    from motcua.ingest.names import reference_units
    from motcua.ingest.text import fold

    ref = reference_units("2025")
    ref = ref[ref["province_code"].isin(set(units["province_code"]))]
    counts = ref["unit_name"].map(fold).value_counts()
    return {c for c, n in zip(units["unit_code"], units["unit_name"]) if counts.get(fold(n), 0) == 1}


def commune_name_as_written(u: pd.Series, m: pd.Timestamp, i: int, plain_ok: bool) -> str:
    """A 2025 commune's name in the style of a month's exports (deterministic): often its centre's name."""
    name, t, short = str(u["unit_name"]), str(u["unit_type"]).lower(), str(u["short_name"])
    if m.year == 2025 and m.month <= 9:
        return [f"{_CENTRE[0]} {t} {short}", f"UBND {t} {short}", name, f"{_CENTRE[1]} {t} {short}"][i % 4]
    if m.year == 2025:
        return [f"{_CENTRE[3]} {t} {short}", styles.to_old_style(name), f"{_CENTRE[0]} {t} {short}"][i % 3]
    if m.month <= 6:
        if i % 4 == 1:
            return f"{_CENTRE[1]} {t} {short}"
        return styles.nfd(name) if (i % 4 == 3 and m.month % 2 == 0) else name
    if m.month == 9 and i % 7 == 2 and plain_ok:
        return styles.no_diacritics(name)
    return styles.to_old_style(f"UBND {t} {short}") if i % 2 else name


def agency_name_as_written(key: str, name: str, province_name: str, m: pd.Timestamp) -> str:
    """An agency's name as written: the table's name, "TT PVHCC tỉnh", "… tỉnh Đắk Lắk" (deterministic)."""
    if key == "trung-tam-pvhcc" and m.year == 2026 and m.month >= 7:
        return "TT PVHCC tỉnh"
    if key in ("cong-an", "so-tu-phap") and m.year == 2025 and m.month >= 10:
        return f"{name.removesuffix(' tỉnh')} {province_name[:1].lower() + province_name[1:]}"
    return name


def _style(m: pd.Timestamp, flat: bool) -> FileStyle:
    if flat:
        return FileStyle(flat_header=True, number_row=True, sheet_name="BC06")
    if m.year == 2025:
        return FileStyle(header_rows=3, number_row=True)
    if m.month <= 6:
        return FileStyle(header_rows=2, number_row=True, sheet_name="BC06", numbers_as_text=(m.month == 5))
    return FileStyle(header_rows=3, number_row=False, sheet_name="Sheet1")


def reform_files(
    enc: pd.DataFrame, units: pd.DataFrame, d: ReformDefects, messy: bool, seed: int, legacy_province_name: str
) -> list[MonthFile]:
    """One workbook per 2025-era month: "Cấp tỉnh" (centre, agencies) and "Cấp xã" (communes), "Tổng cộng"."""
    out: list[MonthFile] = []
    if units.empty:
        return out
    prov_name = str(units["province_name"].iloc[0])
    plain_ok = _folds_unique(units[units["unit_level"] == "commune"])
    ag = units[units["unit_level"] == "agency"]
    com = units[units["unit_level"] == "commune"]
    for m in sorted(enc["period_start"].unique()):
        m = pd.Timestamp(m)
        frame = enc[enc["period_start"] == m].set_index("unit_code")
        police_moves = messy and m in d.police_among_communes
        with_sums = messy and m.year == 2026 and 4 <= m.month <= 6
        rows: list[RowSpec] = []
        n = 0
        total = {c: 0 for c in COUNT_COLUMNS}

        def add(name: str, vals: dict[str, int], into: list[RowSpec]) -> None:
            nonlocal n, total
            n += 1
            into.append(RowSpec(str(n), name, vals))
            total = {c: total[c] + vals[c] for c in COUNT_COLUMNS}

        def values(code: str) -> dict[str, int]:
            return {c: int(frame.loc[code, c]) for c in COUNT_COLUMNS}

        prov_rows: list[RowSpec] = []
        police: tuple[str, dict[str, int]] | None = None
        for u in ag.itertuples(index=False):
            if u.unit_code not in frame.index:
                continue
            nm = agency_name_as_written(u.key, u.unit_name, prov_name, m) if messy else u.unit_name
            if police_moves and u.key == "cong-an":
                police = (nm, values(u.unit_code))
                continue
            add(nm, values(u.unit_code), prov_rows)
        if messy and d.unknown_agency == m:
            add(UNKNOWN_AGENCY, extra_row(seed, "unknown-agency", 40), prov_rows)
        com_rows: list[RowSpec] = []
        for i, u in enumerate(com.itertuples(index=False)):
            if u.unit_code not in frame.index:
                continue
            nm = commune_name_as_written(com.loc[u.unit_code], m, i, u.unit_code in plain_ok) if messy else u.unit_name
            add(nm, values(u.unit_code), com_rows)
            if police is not None and i == len(com) // 2:
                add(police[0], police[1], com_rows)
                police = None
            if messy and d.same_name is not None and d.same_name[0] == m and u.unit_code == d.same_name[3]:
                add(d.same_name[2], extra_row(seed, "same-name", 12), com_rows)
        if police is not None:
            add(police[0], police[1], com_rows)
        if messy and d.dissolved is not None and d.dissolved[0] == m:
            add(d.dissolved[2], extra_row(seed, "dissolved", 15), com_rows)
        for stt, label, body in (("I", "Cấp tỉnh", prov_rows), ("II", "Cấp xã", com_rows)):
            if not body:
                continue
            if with_sums:
                rows.append(
                    RowSpec(stt, label, {c: sum(r.values[c] for r in body) for c in COUNT_COLUMNS}, kind="subtotal")
                )
            else:
                rows.append(RowSpec(stt, label, kind="section"))
            rows += body
        rows.append(RowSpec("", "Tổng cộng", total, kind="total"))
        old = messy and d.old_heading == m
        place = legacy_province_name.removeprefix("Tỉnh ") if old else prov_name.removeprefix("Tỉnh ")
        head = legacy_province_name if old else prov_name
        e = (m + pd.offsets.MonthEnd(0)).normalize()
        out.append(
            MonthFile(
                fname=f"bieu06_{m:%Y-%m}.xlsx",
                start=m,
                end=e,
                label=f"Tháng {m:%m} năm {m:%Y}",
                rows=rows,
                style=_style(m, messy and d.flat_header == m) if messy else FileStyle(),
                place=place,
                reporter=f"UBND {head[:1].lower() + head[1:]}",
                created=datetime(e.year, e.month, e.day, 8) + timedelta(days=5),
            )
        )
    return out
