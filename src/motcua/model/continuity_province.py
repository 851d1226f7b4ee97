"""Rows of kind ``province`` and ``province_reported`` of the continuity table: a 2025 province's
total month by month in both eras, summed from its units, beside its own total rows as the inputs give
them.

Grain: one row per (kind, 2025 province code, era, period_start, period_end). Before 1 July 2025 the
``province`` row sums the legacy district, commune and agency rows of the province's predecessors; from
it, its communes and agencies. A province's own total row (``unit_level`` province) is never summed in:
it is the ``province_reported`` row beside it, and ``matches_units`` says whether every count agrees.
Quirk: agencies after the reform serve the whole new province, so their rows stand for every
predecessor; agencies have no official list, so they are counted and never expected. Column meanings:
:mod:`motcua.model.continuity`.
"""

from __future__ import annotations

import hashlib
from collections.abc import Iterable
from dataclasses import dataclass
from typing import Any

import pandas as pd

from motcua.model.continuity_frame import (
    PERIOD,
    TIER_VI,
    TIERS,
    count_or_unknown,
    count_text,
    join_codes,
    legacy_provinces_label,
    load_crosswalk,
    prepare_panel,
    sum_counts,
    table_frame,
)
from motcua.panel import COUNT_COLUMNS


@dataclass(frozen=True)
class _Provinces:
    """What the crosswalk says about provinces: successors, predecessors, names and the units that exist."""

    succ: dict[str, str]  # legacy province → its 2025 province
    preds: dict[str, list[str]]  # 2025 province → its legacy provinces, sorted
    new_names: dict[str, str]
    old_names: dict[str, str]
    exp_d: dict[str, int]  # legacy province → districts that exist
    exp_c: dict[str, int]  # legacy province → communes that exist
    exp_new: dict[str, int]  # 2025 province → 2025 communes that exist
    new_provs: dict[str, frozenset]  # 2025 commune → the legacy provinces it was made from
    communes_of: dict[str, frozenset]  # legacy province → the 2025 communes touching it
    districts_of: dict[str, frozenset]  # legacy province → its districts


def _provinces(xw: pd.DataFrame) -> _Provinces:
    """The province lookups of the crosswalk ``xw`` (as :func:`load_crosswalk` returns it)."""
    prov = xw[xw["legacy_level"] == "province"]
    cx = xw[xw["legacy_level"] == "commune"]
    dx = xw[xw["legacy_level"] == "district"]
    to_new = pd.concat([cx, dx])
    return _Provinces(
        succ=dict(zip(prov["legacy_code"], prov["new_code"])),
        preds={k: sorted(v) for k, v in prov.groupby("new_code")["legacy_code"]},
        new_names=dict(zip(prov["new_code"], prov["new_name"])),
        old_names=dict(zip(prov["legacy_code"], prov["legacy_name"])),
        exp_d=dx.groupby("legacy_province_code")["legacy_code"].nunique().to_dict(),
        exp_c=cx.groupby("legacy_province_code")["legacy_code"].nunique().to_dict(),
        exp_new=to_new.groupby("new_province_code")["new_code"].nunique().to_dict(),
        new_provs=to_new.groupby("new_code")["legacy_province_code"].agg(lambda s: frozenset(s)).to_dict(),
        communes_of=to_new.groupby("legacy_province_code")["new_code"].agg(lambda s: frozenset(s)).to_dict(),
        districts_of=dx.groupby("legacy_province_code")["legacy_code"].agg(lambda s: frozenset(s)).to_dict(),
    )


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
    correction to one commune recomputes its province only); ``prepared``: ``prepare_panel(panel)`` when the
    caller has it. Same table either way.

    Legacy rows are booked to their province's successor; legacy rows of a province not in the
    crosswalk, and 2025 rows of a province that is not a 2025 province in it, are left out.
    """
    xw = load_crosswalk(crosswalk)
    geo = _provinces(xw)
    p = prepare_panel(panel) if prepared is None else prepared
    leg = p[p["unit_schema"] == "legacy"].copy()
    new = p[p["unit_schema"] == "2025"].copy()
    leg["target"] = leg["province_code"].map(geo.succ)
    # a province's own total row is keyed by its code; its province_code is that code too
    new["target"] = new["province_code"].where(new["province_code"].isin(geo.preds))
    if provinces is None:
        targets = sorted(set(leg["target"].dropna()) | set(new["target"].dropna()))
    else:
        targets = [str(t) for t in provinces]
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
        if memo is not None:
            parts = [by_target[era].get(t, empty) for era in ("legacy", "2025")]
            mkey = _memo_key(context, t, row_hash, *parts)
            got = memo.get(mkey)
            if got is not None:
                out.extend(got)
                continue
        rows = []
        for era in ("legacy", "2025"):
            units = by_target[era].get(t, empty)
            if not units.empty:
                rows.extend(_era_rows(t, era, units, geo))
        if not rows:
            continue
        _mark_comparable(rows, geo.preds.get(t, []), geo.old_names)
        reported = _reported(totals, t, geo.preds.get(t, []), geo.succ, geo.new_names, geo.old_names)
        out.extend(rows)
        out.extend(reported)
        if memo is not None:
            memo.put(mkey, rows + reported)
    df = table_frame(out)
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


def _coverage(
    era: str, t: str, pr: list[str], lv: dict[str, int], codes: dict, provs: set[str], geo: _Provinces
) -> tuple[int, int, set[str], set[str], set[str], bool]:
    """For one period of one era of 2025 province ``t`` (predecessors ``pr``; ``lv``: units present per
    level, ``codes``: their codes per level, ``provs``: province codes of the rows): districts and
    communes expected, the predecessors touched, those covered completely, those touched by 2025
    communes, and whether the sum is exact."""
    nd, nc, na = lv.get("district", 0), lv.get("commune", 0), lv.get("agency", 0)
    if era == "legacy":
        ed = sum(geo.exp_d.get(q, 0) for q in pr)
        ec = sum(geo.exp_c.get(q, 0) for q in pr)
        anyp = set(provs)
        dists = codes.get("district", set())
        fullp = {q for q in pr if geo.districts_of.get(q) and geo.districts_of[q] <= dists}
        return ed, ec, anyp, fullp, set(), nd == ed and nc == ec and na > 0
    ed, ec = 0, geo.exp_new.get(t, 0)
    comms = codes.get("commune", set())
    anyp = set().union(*(geo.new_provs.get(c, frozenset()) for c in comms)) if comms else set()
    fullp = {q for q in pr if geo.communes_of.get(q) and geo.communes_of[q] <= comms}
    cany = set(anyp)
    if na:  # the provincial level serves the whole 2025 province
        anyp |= set(pr)
    return ed, ec, anyp, fullp, cany, nc == ec and na > 0


def _era_rows(t: str, era: str, units: pd.DataFrame, geo: _Provinces) -> list[dict]:
    """``province`` rows of 2025 province ``t`` in one era, one per period of ``units`` (its unit rows of
    that era), with the private ``_any``/``_full``/``_cany`` predecessor sets the notes read."""
    pr = geo.preds.get(t, [])
    sums = sum_counts(units, PERIOD)
    codes_by = units.groupby([*PERIOD, "unit_level"], sort=False)["unit_code"].agg(set).to_dict()
    provs_by = units.groupby(PERIOD, sort=False)["province_code"].agg(set).to_dict()
    rows = []
    for (ps, pe), n_rows in units.groupby(PERIOD, sort=True).size().items():
        codes = {x: codes_by.get((ps, pe, x), set()) for x in TIERS[era]}
        lv = {x: len(codes_by.get((ps, pe, x), ())) for x in TIERS[era]}
        nd, nc, na = lv.get("district", 0), lv.get("commune", 0), lv.get("agency", 0)
        ed, ec, anyp, fullp, cany, exact = _coverage(era, t, pr, lv, codes, provs_by[(ps, pe)], geo)
        rows.append(
            {
                "kind": "province",
                "unit_schema": "2025",
                "unit_code": t,
                "unit_name": geo.new_names.get(t, ""),
                "unit_level": "province",
                "era": era,
                "period_start": ps,
                "period_end": pe,
                "from_level": ",".join(x for x in TIERS[era] if lv.get(x, 0)),
                "from_codes": join_codes(anyp),
                "missing_codes": join_codes(set(pr) - fullp),
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
    return rows


def _mark_comparable(rows: list[dict], pr: list[str], old_names: dict[str, str]) -> None:
    """Set ``same_area``, ``comparable`` and ``note`` on the ``province`` rows of one province (both eras),
    in place: the same predecessors covered completely in every period, and every tier of each era present."""
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
    for r in rows:
        r["same_area"] = bool(same_area)
        r["comparable"] = comparable
        r["note"] = _province_note(r, pr, old_names, comparable, same_area, lacking, len(eras) == 2)


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
        sums = sum_counts(units, PERIOD)
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
                    "missing_codes": join_codes(set(pr) - set(codes)) if era == "legacy" else "",
                    "split_codes": "",
                    **sums[(ps, pe)],
                    "n_units_present": len(codes),
                    "n_units_expected": expected,
                    "exact": len(codes) == expected,
                    "same_area": pd.NA,
                    "comparable": pd.NA,
                    "note": (
                        f"Dòng tổng của {legacy_provinces_label(codes, old_names)} như trong dữ liệu"
                        + (
                            f"; thiếu dòng tổng của {legacy_provinces_label(sorted(set(pr) - set(codes)), old_names)}"
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
            f"Trước sắp xếp: cộng {count_text(r['n_districts_present'])}/{count_text(r['n_districts_expected'])} đơn vị cấp huyện, "
            f"{count_text(r['n_communes_present'])}/{count_text(r['n_communes_expected'])} đơn vị cấp xã và "
            f"{count_text(r['n_agencies_present'])} cơ quan cấp tỉnh của {legacy_provinces_label(covered, names)}"
        )
        absent = [q for q in pr if q not in r["_any"]]
        partial = [q for q in pr if q in r["_any"] and q not in r["_full"]]
        if absent:
            s += f"; không có số liệu của {legacy_provinces_label(absent, names)}"
        if partial:
            s += f"; thiếu một số đơn vị cấp huyện của {legacy_provinces_label(partial, names)}"
    else:
        s = (
            f"Sau sắp xếp: cộng {count_text(r['n_communes_present'])}/{count_text(r['n_communes_expected'])} đơn vị cấp xã và "
            f"{count_text(r['n_agencies_present'])} cơ quan cấp tỉnh"
        )
        full = [q for q in pr if q in r["_full"]]
        partial = [q for q in pr if q in r["_cany"] and q not in r["_full"]]
        absent = [q for q in pr if q not in r["_cany"]]
        if full:
            s += f"; đủ các đơn vị cấp xã trên địa bàn {legacy_provinces_label(full, names)}"
        if partial:
            s += f"; thiếu một số đơn vị cấp xã trên địa bàn {legacy_provinces_label(partial, names)}"
        if absent:
            s += f"; không có đơn vị cấp xã nào trên địa bàn {legacy_provinces_label(absent, names)}"
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
            else (
                f"không khớp (tiếp nhận {count_or_unknown(r.received_total_r)}, tổng các đơn vị {count_or_unknown(r.received_total_u)})"
            )
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
