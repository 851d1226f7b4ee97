"""Continuity across the 1 July 2025 reform: series that span it, exact or said to be partial.

Before 1 July 2025 a province's one-stop work was done by its districts, its communes and its
provincial agencies; from that day by its communes (new, fewer, larger) and its provincial level
(the public-administration centre, sở, ban, ngành, Công an tỉnh). Phú Yên (legacy 54) merged into
Đắk Lắk (66). The panel keeps every row with the unit of its own era; this module adds series that
*span* the reform by summing units, using the crosswalk (legacy unit → 2025 unit, with the flags
``legacy_whole`` and ``new_within``; :mod:`motcua.reference.crosswalk`). Nothing is apportioned: a
legacy commune split between 2025 communes is never divided, a series that includes it is partial
and says so.

The table (:func:`continuity_table`, written by the model stage as ``continuity.parquet``)
==========================================================================================

Grain: one row per (kind, unit_schema, unit_code, period_start, period_end). ``kind``:

``province``
    A 2025 province's total, month by month, in both eras. Before the reform (``era`` "legacy"):
    the sum of the legacy district, commune and agency rows of its predecessor provinces; from it
    (``era`` "2025"): the sum of its communes and agencies. District rows and commune rows are
    separate one-stop units, both count. A row of the province itself (``unit_level`` province) is
    never summed in: it is the ``province_reported`` row beside it.
``province_reported``
    The province's own total rows, as the inputs give them: before the reform the sum of the
    predecessor provinces' total rows present, from it the 2025 province's row.
    ``matches_units`` says whether every count equals the ``province`` row of the same period.
``commune_predecessors``
    A 2025 commune's history before the reform: the sum of its predecessor legacy communes' rows.
    Only for communes with at least one predecessor row in the inputs.
``district_continuation``
    A dissolved legacy district continued after the reform by the sum of its successor 2025
    communes, when they all lie wholly inside it (``new_within`` = 1 for every successor). It
    covers the commune level only: part of the district's one-stop work moved to the provincial
    level. A district with a successor that straddles its border gets no continuation: one row with
    empty periods and counts whose ``split_codes`` and ``note`` name the straddling communes.
    Only for districts with rows in the inputs.

Columns:

- ``unit_schema``, ``unit_code``, ``unit_name``, ``unit_level``: the unit the series belongs to
  (the 2025 province, the 2025 commune, the legacy district), keyed as in the panel;
- ``era``: "legacy" or "2025", the schema of the rows summed; ``period_start``, ``period_end``:
  the periods of those rows as they are (rows of different periods are never mixed);
- ``from_level``: the levels summed ("district,commune,agency", "commune", …); ``from_codes``: the
  units summed, comma-separated; for ``province`` the legacy (predecessor) provinces the row
  touches: before the reform those with a row, after it those of the communes present, and all
  predecessors when agencies are present (they serve the whole new province); for
  ``province_reported`` the provinces whose total row it holds; ``missing_codes``: expected units
  without a row in that period (``province``: predecessor provinces not covered completely, i.e. a
  district, or a 2025 commune made from them, is missing); ``split_codes``: predecessors not taken
  whole (``commune_predecessors``), successors straddling the district (``district_continuation``);
- the form-06 counts ``received_total`` … ``pending_overdue``: sums over the units (flows and stocks
  alike: the stocks are at the same cut-off for every unit of a period); NA when a unit lacks the
  column;
- ``n_units_present``, ``n_units_expected``: units summed and units that exist (for ``province``:
  districts and communes of all predecessors before the reform, communes after; agencies have no
  official list, so they are counted in ``n_agencies_present`` and never expected);
  ``n_districts_present``/``_expected``, ``n_communes_present``/``_expected``, ``n_agencies_present``
  (``province`` rows only);
- ``exact``: the row is the whole of what its unit stands for. ``province``: every district and
  commune of every predecessor (before) or every commune (after) is present, and agencies are;
  ``commune_predecessors``: every predecessor was taken whole and is present;
  ``district_continuation``: every successor is present; ``province_reported``: every predecessor
  province's total row is present;
- ``same_area`` (``province``): in every period of both eras the rows cover the same predecessor
  provinces completely (before: all their districts; after: all the 2025 communes made from them;
  since agencies after the reform serve the whole new province, their rows stand for all its
  predecessors); ``commune_predecessors``: the predecessors were all taken whole;
  ``district_continuation``: true (the successors tile the district);
- ``comparable``: a figure of this series may be compared across 1 July 2025. ``province``:
  ``same_area`` and every tier of each era is in the inputs (before: districts, communes and
  agencies; after: communes and agencies); the same value on every row of the province.
  ``commune_predecessors``: ``exact`` (same area, commune level on both sides).
  ``district_continuation``: always false (the district's own rows are one unit, the continuation
  its communes; part of its work went to the province);
- ``matches_units``: see ``province_reported``;
- ``online_rate`` (4)/((4)+(5)) and ``ontime_rate_report`` ((8)+(9))/(7) of the summed counts
  (:func:`motcua.rates.compute_rate`);
- ``note``: one sentence in Vietnamese for a reader ("Cộng 5/7 xã, phường trước sắp xếp; thiếu số
  liệu: …").

The era of a row is its ``unit_schema`` (decided upstream by its period); codes are re-used across
eras (22240 is Phường Phú Lâm in the legacy list, Phường Phú Yên in the 2025 one), so a unit is always
keyed by (schema, code) and legacy rows only ever meet legacy codes of the crosswalk.

Reading it (for reports): a commune's report may show its ``commune_predecessors`` rows before
07/2025 beside its own rows, marked partial where ``exact`` is false and with the ``note``; a dissolved
district's report may show its ``district_continuation`` rows after 06/2025, as a separate line (never
joined to the district's own series: ``comparable`` is false) with the ``note``, or the straddling row's
``note`` when it has none; the overview may show the ``province`` rows of both eras, drawn as one line
across July 2025 only where ``comparable`` is true, and compare a month before with one after only
where both rows are also ``exact``.

Every function takes the crosswalk as a DataFrame (columns as in ``crosswalk.csv``: legacy_level,
legacy_code, legacy_name, legacy_province_code, new_level, new_code, new_name, new_province_code,
legacy_whole, new_within); ``None`` reads the packaged one.
"""

from __future__ import annotations

import hashlib
from collections.abc import Iterable
from pathlib import Path
from typing import Any

import numpy as np
import pandas as pd

from motcua import products
from motcua.numfmt import format_decimal
from motcua.panel import COUNT_COLUMNS
from motcua.rates import compute_rate

CONTINUITY_FILE = products.CONTINUITY.file
KINDS = ("province", "province_reported", "commune_predecessors", "district_continuation")
PERIOD = ["period_start", "period_end"]
#: the tiers of the one-stop system in each era, as panel unit levels
TIERS = {"legacy": ("district", "commune", "agency"), "2025": ("commune", "agency")}
RATE_COLUMNS = ("online_rate", "ontime_rate_report")
TIER_VI = {"district": "cấp huyện", "commune": "cấp xã", "agency": "cấp tỉnh"}

COLUMNS = [
    "kind",
    "unit_schema",
    "unit_code",
    "unit_name",
    "unit_level",
    "era",
    *PERIOD,
    "from_level",
    "from_codes",
    "missing_codes",
    "split_codes",
    *COUNT_COLUMNS,
    "n_units_present",
    "n_units_expected",
    "n_districts_present",
    "n_districts_expected",
    "n_communes_present",
    "n_communes_expected",
    "n_agencies_present",
    "exact",
    "same_area",
    "comparable",
    "matches_units",
    *RATE_COLUMNS,
    "note",
]
_INT = [
    "n_units_present",
    "n_units_expected",
    "n_districts_present",
    "n_districts_expected",
    "n_communes_present",
    "n_communes_expected",
    "n_agencies_present",
]
_BOOL = ["exact", "same_area", "comparable", "matches_units"]
_STR = [
    "kind",
    "unit_schema",
    "unit_code",
    "unit_name",
    "unit_level",
    "era",
    "from_level",
    "from_codes",
    "missing_codes",
    "split_codes",
    "note",
]


# --------------------------------------------------------------------------- inputs


def load_crosswalk(crosswalk: pd.DataFrame | None = None) -> pd.DataFrame:
    """The crosswalk with codes as text and the two flags as int 0/1; ``None``: the packaged one."""
    if crosswalk is None:
        from motcua.reference.crosswalk import crosswalk as packaged

        crosswalk = packaged()
    xw = crosswalk.copy()
    for c in (
        "legacy_level",
        "legacy_code",
        "legacy_name",
        "legacy_province_code",
        "new_level",
        "new_code",
        "new_name",
        "new_province_code",
    ):
        xw[c] = xw[c].astype(str).astype(object)  # plain Python strings: fast to put in sets
    for c in ("legacy_whole", "new_within"):
        xw[c] = pd.to_numeric(xw[c]).astype(int)
    return xw


def _prepare(panel: pd.DataFrame) -> pd.DataFrame:
    """The panel's identity columns and counts (nullable integers; an absent count column is all NA)."""
    keep = ["unit_schema", "unit_code", "unit_name", "unit_level", "province_code", *PERIOD]
    p = panel[keep].copy()
    for c in ("unit_schema", "unit_code", "unit_level", "province_code"):
        p[c] = p[c].astype(str).astype(object)
    for c in PERIOD:
        p[c] = pd.to_datetime(p[c]).astype("datetime64[ns]")
    for c in COUNT_COLUMNS:
        p[c] = (
            pd.to_numeric(panel[c], errors="coerce").astype("Int64")
            if c in panel
            else pd.array([pd.NA] * len(p), dtype="Int64")
        )
    return p


def _sum_counts(rows: pd.DataFrame, keys: list[str]) -> dict[tuple, dict[str, float]]:
    """Form-06 counts summed per ``keys``: {group key: {column: sum}}, NaN where any row of the group
    lacks the count (a missing count is never read as 0). Floats, exact for counts below 2**53."""
    g = rows.groupby(keys, sort=True)
    out = g[COUNT_COLUMNS].sum(min_count=1)
    have = g[COUNT_COLUMNS].count().to_numpy()
    size = g.size().to_numpy()[:, None]
    vals = np.column_stack([out[c].to_numpy(dtype="float64", na_value=np.nan) for c in COUNT_COLUMNS])
    vals[have < size] = np.nan
    idx = out.index.tolist()
    return {k if isinstance(k, tuple) else (k,): dict(zip(COUNT_COLUMNS, v)) for k, v in zip(idx, vals.tolist())}


def _n(x: int) -> str:
    return format_decimal(int(x), locale="vi")


def _label(codes: Iterable[str], names: dict[str, str]) -> str:
    return ", ".join(f"{names.get(c, c)} ({c})" if names.get(c) else c for c in codes)


def _old(codes: Iterable[str], names: dict[str, str]) -> str:
    """Legacy provinces as a reader names them: "Tỉnh Phú Yên cũ (54)"."""
    return ", ".join(f"{names[c]} cũ ({c})" if names.get(c) else c for c in codes)


def _join(codes: Iterable[str]) -> str:
    return ",".join(sorted(codes))


# --------------------------------------------------------------------------- (a) province


def province_series(
    panel: pd.DataFrame,
    crosswalk: pd.DataFrame | None = None,
    provinces: Iterable[str] | None = None,
    memo: Any = None,
    prepared: pd.DataFrame | None = None,
) -> pd.DataFrame:
    """Rows of kind ``province`` and ``province_reported`` (module docstring) for the 2025 provinces
    ``provinces`` (2025 codes; default: every 2025 province with rows of either era in the panel).

    ``memo`` (a :class:`motcua.model.last_run.RowMemo`): a province's rows are taken from it when its own rows
    of both eras, every province total row, the crosswalk and the code are those they were made from (a
    correction to one commune recomputes its province only); ``prepared``: ``_prepare(panel)`` when the
    caller has it. Same table either way.

    Legacy rows are booked to their province's successor; legacy rows of a province not in the
    crosswalk, and 2025 rows of a province that is not a 2025 province in it, are left out.
    """
    xw = load_crosswalk(crosswalk)
    p = _prepare(panel) if prepared is None else prepared
    prov = xw[xw["legacy_level"] == "province"]
    succ = dict(zip(prov["legacy_code"], prov["new_code"]))
    preds = {k: sorted(v) for k, v in prov.groupby("new_code")["legacy_code"]}
    new_names = dict(zip(prov["new_code"], prov["new_name"]))
    old_names = dict(zip(prov["legacy_code"], prov["legacy_name"]))

    leg = p[p["unit_schema"] == "legacy"].copy()
    new = p[p["unit_schema"] == "2025"].copy()
    leg["target"] = leg["province_code"].map(succ)
    # a province's own total row is keyed by its code; its province_code is that code too
    new["target"] = new["province_code"].where(new["province_code"].isin(preds))
    if provinces is None:
        targets = sorted(set(leg["target"].dropna()) | set(new["target"].dropna()))
    else:
        targets = [str(t) for t in provinces]

    # what exists, by predecessor province (legacy districts and communes) and by 2025 province
    cx = xw[xw["legacy_level"] == "commune"]
    dx = xw[xw["legacy_level"] == "district"]
    exp_d = dx.groupby("legacy_province_code")["legacy_code"].nunique().to_dict()
    exp_c = cx.groupby("legacy_province_code")["legacy_code"].nunique().to_dict()
    to_new = pd.concat([cx, dx])
    exp_new = to_new.groupby("new_province_code")["new_code"].nunique().to_dict()
    # the predecessor provinces of every 2025 commune, and the 2025 communes touching each of them
    new_provs = to_new.groupby("new_code")["legacy_province_code"].agg(lambda s: frozenset(s)).to_dict()
    communes_of = to_new.groupby("legacy_province_code")["new_code"].agg(lambda s: frozenset(s)).to_dict()
    districts_of = dx.groupby("legacy_province_code")["legacy_code"].agg(lambda s: frozenset(s)).to_dict()

    by_target = {
        era: dict(tuple(df[df["unit_level"].isin(TIERS[era])].groupby("target", sort=False)))
        for era, df in (("legacy", leg), ("2025", new))
    }
    empty = p.iloc[:0]
    totals = p[p["unit_level"] == "province"]  # the provinces' own total rows: compared, never summed in
    out = []
    context = _memo_context(xw, totals, p) if memo is not None else ""
    row_hash = pd.Series(pd.util.hash_pandas_object(p, index=True).to_numpy(), index=p.index) if memo else None
    for t in targets:
        pr = preds.get(t, [])
        before = by_target["legacy"].get(t, empty)
        after = by_target["2025"].get(t, empty)
        if memo is not None:
            mkey = _memo_key(context, t, row_hash, before, after)
            got = memo.get(mkey)
            if got is not None:
                out.extend(got)
                continue
        rows = []
        for era, units in (("legacy", before), ("2025", after)):
            if units.empty:
                continue
            sums = _sum_counts(units, PERIOD)
            codes_by = units.groupby([*PERIOD, "unit_level"], sort=False)["unit_code"].agg(set).to_dict()
            provs_by = units.groupby(PERIOD, sort=False)["province_code"].agg(set).to_dict()
            for (ps, pe), n_rows in units.groupby(PERIOD, sort=True).size().items():
                lv = {x: len(codes_by.get((ps, pe, x), ())) for x in TIERS[era]}
                nd, nc, na = lv.get("district", 0), lv.get("commune", 0), lv.get("agency", 0)
                if era == "legacy":
                    ed = sum(exp_d.get(q, 0) for q in pr)
                    ec = sum(exp_c.get(q, 0) for q in pr)
                    anyp = set(provs_by[(ps, pe)])
                    dists = codes_by.get((ps, pe, "district"), set())
                    fullp = {q for q in pr if districts_of.get(q) and districts_of[q] <= dists}
                    exact = nd == ed and nc == ec and na > 0
                    cany: set[str] = set()
                else:
                    ed, ec = 0, exp_new.get(t, 0)
                    comms = codes_by.get((ps, pe, "commune"), set())
                    anyp = set().union(*(new_provs.get(c, frozenset()) for c in comms)) if comms else set()
                    fullp = {q for q in pr if communes_of.get(q) and communes_of[q] <= comms}
                    cany = set(anyp)
                    if na:  # the provincial level serves the whole 2025 province
                        anyp |= set(pr)
                    exact = nc == ec and na > 0
                rows.append(
                    {
                        "kind": "province",
                        "unit_schema": "2025",
                        "unit_code": t,
                        "unit_name": new_names.get(t, ""),
                        "unit_level": "province",
                        "era": era,
                        "period_start": ps,
                        "period_end": pe,
                        "from_level": ",".join(x for x in TIERS[era] if lv.get(x, 0)),
                        "from_codes": _join(anyp),
                        "missing_codes": _join(set(pr) - fullp),
                        "split_codes": "",
                        **sums[(ps, pe)],
                        "n_units_present": int(n_rows),
                        "n_units_expected": ed + ec,
                        "n_districts_present": nd,
                        "n_districts_expected": ed if era == "legacy" else 0,
                        "n_communes_present": nc,
                        "n_communes_expected": ec,
                        "n_agencies_present": na,
                        "exact": bool(exact),
                        "_any": frozenset(anyp),
                        "_full": frozenset(fullp),
                        "_cany": frozenset(cany),
                    }
                )
        if not rows:
            continue
        eras = {r["era"] for r in rows}
        areas = {(r["_any"], r["_full"]) for r in rows}
        same_area = (
            eras == {"legacy", "2025"}
            and len(areas) == 1
            and next(iter(areas))[0] == next(iter(areas))[1]
            and bool(next(iter(areas))[0])
        )
        lacking = {
            e: [x for x in TIERS[e] if x not in {y for r in rows if r["era"] == e for y in r["from_level"].split(",")}]
            for e in TIERS
        }
        tiers_ok = not any(lacking.values())
        comparable = bool(same_area and tiers_ok)
        reported = _reported(totals, t, pr, succ, new_names, old_names)
        for r in rows:
            r["same_area"] = bool(same_area)
            r["comparable"] = comparable
            r["note"] = _province_note(r, pr, old_names, comparable, same_area, lacking, len(eras) == 2)
        out.extend(rows)
        out.extend(reported)
        if memo is not None:
            memo.put(mkey, rows + reported)
    df = _frame(out)
    return _match_reported(df)


def _memo_context(xw: pd.DataFrame, totals: pd.DataFrame, p: pd.DataFrame) -> str:
    """What every province's rows depend on beside its own rows: the crosswalk, the total rows, the code (and the
    panel's column types, which its row hashes leave out)."""
    from motcua.model.last_run import frame_digest
    from motcua.version import source_hash

    return source_hash() + frame_digest(xw) + frame_digest(totals) + repr(list(p.dtypes.astype(str).items()))


def _memo_key(context: str, t: str, row_hash: pd.Series, before: pd.DataFrame, after: pd.DataFrame) -> str:
    """Digest of province ``t``'s rows of both eras (their row hashes and labels, in order) within ``context``."""
    h = hashlib.sha256((context + t).encode())
    for part in (before, after):
        h.update(len(part).to_bytes(8, "little") + row_hash.loc[part.index].to_numpy().tobytes())
    return h.hexdigest()


def _reported(
    tot: pd.DataFrame, t: str, pr: list[str], succ: dict[str, str], names: dict[str, str], old_names: dict[str, str]
) -> list[dict]:
    """``province_reported`` rows of 2025 province ``t`` from the panel's province rows ``tot``: its
    predecessors' total rows (legacy), its own (2025)."""
    leg = tot[(tot["unit_schema"] == "legacy") & tot["unit_code"].map(succ).eq(t)]
    new = tot[(tot["unit_schema"] == "2025") & (tot["unit_code"] == t)]
    rows = []
    for era, units, expected in (("legacy", leg, len(pr)), ("2025", new, 1)):
        if units.empty:
            continue
        sums = _sum_counts(units, PERIOD)
        for (ps, pe), grp in units.groupby(PERIOD, sort=True):
            codes = sorted(set(grp["unit_code"]))
            rows.append(
                {
                    "kind": "province_reported",
                    "unit_schema": "2025",
                    "unit_code": t,
                    "unit_name": names.get(t, ""),
                    "unit_level": "province",
                    "era": era,
                    "period_start": ps,
                    "period_end": pe,
                    "from_level": "province",
                    "from_codes": ",".join(codes),
                    "missing_codes": _join(set(pr) - set(codes)) if era == "legacy" else "",
                    "split_codes": "",
                    **sums[(ps, pe)],
                    "n_units_present": len(codes),
                    "n_units_expected": expected,
                    "exact": len(codes) == expected,
                    "same_area": pd.NA,
                    "comparable": pd.NA,
                    "note": (
                        f"Dòng tổng của {_old(codes, old_names)} như trong dữ liệu"
                        + (
                            f"; thiếu dòng tổng của {_old(sorted(set(pr) - set(codes)), old_names)}"
                            if set(pr) - set(codes)
                            else ""
                        )
                        if era == "legacy"
                        else f"Dòng tổng của {names.get(t, t)} như trong dữ liệu"
                    ),
                }
            )
    return rows


def _province_note(
    r: dict,
    pr: list[str],
    names: dict[str, str],
    comparable: bool,
    same_area: bool,
    lacking: dict[str, list[str]],
    other_era: bool,
) -> str:
    if r["era"] == "legacy":
        covered = sorted(r["_any"])
        s = (
            f"Trước sắp xếp: cộng {_n(r['n_districts_present'])}/{_n(r['n_districts_expected'])} đơn vị cấp huyện, "
            f"{_n(r['n_communes_present'])}/{_n(r['n_communes_expected'])} đơn vị cấp xã và "
            f"{_n(r['n_agencies_present'])} cơ quan cấp tỉnh của {_old(covered, names)}"
        )
        absent = [q for q in pr if q not in r["_any"]]
        partial = [q for q in pr if q in r["_any"] and q not in r["_full"]]
        if absent:
            s += f"; không có số liệu của {_old(absent, names)}"
        if partial:
            s += f"; thiếu một số đơn vị cấp huyện của {_old(partial, names)}"
    else:
        s = (
            f"Sau sắp xếp: cộng {_n(r['n_communes_present'])}/{_n(r['n_communes_expected'])} đơn vị cấp xã và "
            f"{_n(r['n_agencies_present'])} cơ quan cấp tỉnh"
        )
        full = [q for q in pr if q in r["_full"]]
        partial = [q for q in pr if q in r["_cany"] and q not in r["_full"]]
        absent = [q for q in pr if q not in r["_cany"]]
        if full:
            s += f"; đủ các đơn vị cấp xã trên địa bàn {_old(full, names)}"
        if partial:
            s += f"; thiếu một số đơn vị cấp xã trên địa bàn {_old(partial, names)}"
        if absent:
            s += f"; không có đơn vị cấp xã nào trên địa bàn {_old(absent, names)}"
        if r["n_agencies_present"]:
            s += "; cơ quan cấp tỉnh phục vụ toàn tỉnh"
    if comparable:
        s += "; cùng phạm vi với các kỳ " + ("sau" if r["era"] == "legacy" else "trước") + " sắp xếp"
    else:
        why = []
        if not other_era:
            why.append("không có số liệu của giai đoạn " + ("sau" if r["era"] == "legacy" else "trước") + " sắp xếp")
        elif not same_area:
            why.append("địa bàn hai giai đoạn khác nhau")
        for era, label in (("legacy", "trước"), ("2025", "sau")):
            if lacking[era] and (era == r["era"] or other_era):
                why.append(f"{label} sắp xếp không có số liệu " + ", ".join(TIER_VI[x] for x in lacking[era]))
        s += (
            "; không so sánh được với các kỳ "
            + ("sau" if r["era"] == "legacy" else "trước")
            + " sắp xếp: "
            + "; ".join(why)
        )
    return s + "."


def _match_reported(df: pd.DataFrame) -> pd.DataFrame:
    """``matches_units`` on ``province`` and ``province_reported`` rows of the same period; a note on both."""
    if df.empty:
        return df
    key = ["unit_code", "era", *PERIOD]
    rep = df[df["kind"] == "province_reported"]
    units = df[df["kind"] == "province"]
    pair = (
        units[key + COUNT_COLUMNS]
        .reset_index()
        .merge(rep[key + COUNT_COLUMNS].reset_index(), on=key, suffixes=("_u", "_r"))
    )
    for r in pair.itertuples(index=False):
        a = [getattr(r, f"{c}_u") for c in COUNT_COLUMNS]
        b = [getattr(r, f"{c}_r") for c in COUNT_COLUMNS]
        same = all(
            (pd.isna(x) and pd.isna(y)) or (not pd.isna(x) and not pd.isna(y) and int(x) == int(y))
            for x, y in zip(a, b)
        )
        df.loc[[r.index_u, r.index_r], "matches_units"] = same
        diff = (
            "khớp với tổng các đơn vị"
            if same
            else (f"không khớp (tiếp nhận {_fmt(r.received_total_r)}, tổng các đơn vị {_fmt(r.received_total_u)})")
        )
        df.loc[r.index_u, "note"] = (
            df.loc[r.index_u, "note"].rstrip(".") + f"; dòng tổng của tỉnh trong dữ liệu {diff}."
        )
    for i in rep.index:
        r = df.loc[i]
        s = r["note"]
        if pd.isna(r["matches_units"]):
            s += "; không có tổng các đơn vị cùng kỳ để đối chiếu"
        else:
            s += "; khớp với tổng các đơn vị" if r["matches_units"] else "; không khớp với tổng các đơn vị"
        df.loc[i, "note"] = s + "."
    return df


def _fmt(x: object) -> str:
    return "không rõ" if pd.isna(x) else _n(int(x))


# --------------------------------------------------------------------------- (b) commune predecessors


def commune_predecessors(
    panel: pd.DataFrame,
    crosswalk: pd.DataFrame | None = None,
    provinces: Iterable[str] | None = None,
    prepared: pd.DataFrame | None = None,
) -> pd.DataFrame:
    """Rows of kind ``commune_predecessors`` (module docstring): for each 2025 commune with at least
    one predecessor row, per legacy period, the sum of its predecessor legacy communes present.

    ``exact`` when every predecessor went whole into it (``legacy_whole`` = 1) and every one has a
    row of that period; otherwise partial, with ``missing_codes`` and ``split_codes``. A legacy commune
    split between several 2025 communes counts whole in each of their (partial) series, never divided.
    ``provinces``: 2025 province codes to keep (default: all).
    """
    xw = load_crosswalk(crosswalk)
    cx = xw[(xw["legacy_level"] == "commune") & (xw["new_level"] == "commune")]
    if provinces is not None:
        cx = cx[cx["new_province_code"].isin([str(x) for x in provinces])]
    p = _prepare(panel) if prepared is None else prepared
    leg = p[(p["unit_schema"] == "legacy") & (p["unit_level"] == "commune")]
    joined = leg.merge(cx[["legacy_code", "new_code", "legacy_whole"]], left_on="unit_code", right_on="legacy_code")
    if joined.empty:
        return _frame([])
    expected = {k: sorted(v) for k, v in cx.groupby("new_code")["legacy_code"]}
    split = {k: sorted(v) for k, v in cx[cx["legacy_whole"] == 0].groupby("new_code")["legacy_code"]}
    new_names = dict(zip(cx["new_code"], cx["new_name"]))
    old_names = dict(zip(cx["legacy_code"], cx["legacy_name"]))
    keys = ["new_code", *PERIOD]
    sums = _sum_counts(joined, keys)
    present = joined.groupby(keys)["unit_code"].agg(lambda s: sorted(set(s)))
    rows = []
    for (code, ps, pe), have in present.items():
        exp = expected[code]
        missing = [c for c in exp if c not in set(have)]
        spl = split.get(code, [])
        exact = not missing and not spl
        s = f"Cộng {_n(len(have))}/{_n(len(exp))} đơn vị cấp xã trước sắp xếp"
        if missing:
            s += f"; thiếu số liệu: {_label(missing, old_names)}"
        if spl:
            s += f"; chỉ một phần nhập vào đơn vị này (số liệu được cộng nguyên, không chia tách): {_label(spl, old_names)}"
        s += "; chuỗi đầy đủ." if exact else "; chuỗi chưa đầy đủ."
        rows.append(
            {
                "kind": "commune_predecessors",
                "unit_schema": "2025",
                "unit_code": code,
                "unit_name": new_names.get(code, ""),
                "unit_level": "commune",
                "era": "legacy",
                "period_start": ps,
                "period_end": pe,
                "from_level": "commune",
                "from_codes": ",".join(have),
                "missing_codes": ",".join(missing),
                "split_codes": ",".join(spl),
                **sums[(code, ps, pe)],
                "n_units_present": len(have),
                "n_units_expected": len(exp),
                "exact": exact,
                "same_area": not spl,
                "comparable": exact,
                "note": s,
            }
        )
    return _frame(rows)


# --------------------------------------------------------------------------- (c) district continuation


def district_continuation(
    panel: pd.DataFrame,
    crosswalk: pd.DataFrame | None = None,
    provinces: Iterable[str] | None = None,
    prepared: pd.DataFrame | None = None,
) -> pd.DataFrame:
    """Rows of kind ``district_continuation`` (module docstring) for every legacy district with rows
    in the panel: per 2025 period, the sum of its successor communes present when they all lie
    wholly inside it (``exact`` when all are present); one row without period naming the straddling
    successors otherwise. ``provinces``: legacy province codes of the districts to keep (default: all).
    """
    xw = load_crosswalk(crosswalk)
    dx = xw[xw["legacy_level"] == "district"]
    p = _prepare(panel) if prepared is None else prepared
    dists = p[(p["unit_schema"] == "legacy") & (p["unit_level"] == "district")]
    if provinces is not None:
        dists = dists[dists["province_code"].isin([str(x) for x in provinces])]
    codes = sorted(set(dists["unit_code"]) & set(dx["legacy_code"]))
    dx = dx[dx["legacy_code"].isin(codes)]
    names = dict(zip(dx["legacy_code"], dx["legacy_name"]))
    new_names = dict(zip(dx["new_code"], dx["new_name"]))
    comm = p[(p["unit_schema"] == "2025") & (p["unit_level"] == "commune")]
    moved = "chỉ gồm cấp xã: một phần công việc một cửa của đơn vị cấp huyện cũ đã chuyển lên cấp tỉnh"
    succ = {d: sorted(v) for d, v in dx.groupby("legacy_code")["new_code"]}
    straddle = {d: sorted(v) for d, v in dx[dx["new_within"] == 0].groupby("legacy_code")["new_code"]}
    rows = []
    for d in sorted(straddle):
        rows.append(
            {
                "kind": "district_continuation",
                "unit_schema": "legacy",
                "unit_code": d,
                "unit_name": names.get(d, ""),
                "unit_level": "district",
                "era": "2025",
                "from_level": "commune",
                "period_start": pd.NaT,
                "period_end": pd.NaT,
                "from_codes": "",
                "missing_codes": "",
                "split_codes": ",".join(straddle[d]),
                "n_units_present": 0,
                "n_units_expected": len(succ[d]),
                "exact": False,
                "same_area": False,
                "comparable": False,
                "note": (
                    f"Không nối tiếp được sau sắp xếp: đơn vị cấp xã kế thừa nằm một phần ngoài {names.get(d, d)} cũ: "
                    f"{_label(straddle[d], new_names)}."
                ),
            }
        )
    # a commune wholly inside a district lies inside no other: each 2025 row joins one continued district at most
    inside = dx[~dx["legacy_code"].isin(straddle)][["legacy_code", "new_code"]]
    joined = comm.merge(inside, left_on="unit_code", right_on="new_code")
    if not joined.empty:
        keys = ["legacy_code", *PERIOD]
        sums = _sum_counts(joined, keys)
        present = joined.groupby(keys)["unit_code"].agg(lambda x: sorted(set(x)))
        for (d, ps, pe), have in present.items():
            missing = [c for c in succ[d] if c not in set(have)]
            s = f"Cộng {_n(len(have))}/{_n(len(succ[d]))} đơn vị cấp xã kế thừa, đều nằm trọn trong {names.get(d, d)} cũ"
            if missing:
                s += f"; thiếu số liệu: {_label(missing, new_names)}"
            rows.append(
                {
                    "kind": "district_continuation",
                    "unit_schema": "legacy",
                    "unit_code": d,
                    "unit_name": names.get(d, ""),
                    "unit_level": "district",
                    "era": "2025",
                    "from_level": "commune",
                    "period_start": ps,
                    "period_end": pe,
                    "from_codes": ",".join(have),
                    "missing_codes": ",".join(missing),
                    "split_codes": "",
                    **sums[(d, ps, pe)],
                    "n_units_present": len(have),
                    "n_units_expected": len(succ[d]),
                    "exact": not missing,
                    "same_area": True,
                    "comparable": False,
                    "note": f"{s}; {moved}.",
                }
            )
    return _frame(rows)


# --------------------------------------------------------------------------- the table


def _frame(rows: list[dict] | pd.DataFrame) -> pd.DataFrame:
    """Rows → the table's columns and dtypes, rates computed from the summed counts."""
    df = rows.reset_index(drop=True) if isinstance(rows, pd.DataFrame) else pd.DataFrame(rows)
    for c in COLUMNS:
        if c not in df:
            df[c] = pd.NA
    df = df[COLUMNS].copy()
    for c in PERIOD:
        df[c] = pd.to_datetime(df[c]).astype("datetime64[ns]")
    for c in COUNT_COLUMNS + _INT:
        df[c] = pd.to_numeric(df[c], errors="coerce").astype("Int64")
    for c in _BOOL:
        df[c] = df[c].astype("boolean")
    for c in _STR:
        df[c] = df[c].astype("object").where(df[c].notna(), "").astype(str)
    for r in RATE_COLUMNS:
        df[r] = compute_rate(df, r) if len(df) else pd.Series(dtype="float64")
    return df


def continuity_table(panel: pd.DataFrame, crosswalk: pd.DataFrame | None = None, memo: Any = None) -> pd.DataFrame:
    """All four kinds for every province in the panel, as one table (grain and columns: module docstring),
    sorted by kind, unit, era and period. ``memo``: the province rows of an earlier run
    (:func:`province_series`); the same table either way."""
    xw = load_crosswalk(crosswalk)
    p = _prepare(panel)
    parts = [
        province_series(panel, xw, memo=memo, prepared=p),
        commune_predecessors(panel, xw, prepared=p),
        district_continuation(panel, xw, prepared=p),
    ]
    parts = [x for x in parts if len(x)]
    if not parts:
        return _frame([])
    df = pd.concat(parts, ignore_index=True)
    order = {k: i for i, k in enumerate(KINDS)}
    df = df.assign(_k=df["kind"].map(order), _e=(df["era"] == "2025").astype(int))
    df = df.sort_values(["_k", "unit_schema", "unit_code", "_e", *PERIOD], kind="stable", na_position="first")
    return _frame(df.drop(columns=["_k", "_e"]))


def write_continuity(
    panel: pd.DataFrame, data_dir: str | Path, crosswalk: pd.DataFrame | None = None, memo_dir: Path | None = None
) -> Path:
    """:func:`continuity_table` of ``panel`` written atomically as DATA/continuity.parquet (always, empty
    when nothing spans the reform); returns the path. ``memo_dir``: where the province rows of the last run are
    kept (the model stage's fit cache folder), so that only the provinces whose rows changed are recomputed."""
    from motcua.model.last_run import load_memo, save_memo

    memo = load_memo(memo_dir, "continuity", "province_series")
    path = products.CONTINUITY.write(continuity_table(panel, crosswalk, memo=memo), data_dir)
    save_memo(memo_dir, "continuity", "province_series", memo)
    return path
