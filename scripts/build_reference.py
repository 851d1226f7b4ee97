#!/usr/bin/env python
"""Freeze the official administrative units and the 2025 crosswalk into src/motcua/reference/.

Reads the SQLite dataset shipped inside the installed ``vietnamadminunits``
package (tables ``admin_units_legacy``: 63 provinces / 696 districts / communes
before 1 July 2025, and ``admin_units``: 34 provinces / 3,321 communes from
1 July 2025), offline, and writes:

- units.csv: one row per (unit_schema, unit_level, unit_code) with names in NFC
  and new-style tone marks, plus units_meta.json (package version, row counts,
  sha256);
- crosswalk.csv: one row per (legacy_level, legacy_code, new_code), from the
  package's conversion tables (data/converter_2025.json), whose folded-name keys
  are resolved to codes through the key columns of the same dataset, plus
  crosswalk_meta.json (package version, row counts, sha256). A key that does not
  resolve to exactly one unit stops the build with the full list.

Usage: .venv/bin/python scripts/build_reference.py [--out src/motcua/reference]
"""

from __future__ import annotations

import argparse
import hashlib
import json
import re
import sqlite3
import sys
from collections import defaultdict
from collections.abc import Iterable
from importlib.metadata import version
from pathlib import Path
from typing import Any

import pandas as pd

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT / "src"))

from motcua.ingest.text import clean_text  # noqa: E402

COLUMNS = [
    "unit_schema",
    "unit_level",
    "unit_code",
    "unit_name",
    "unit_type",
    "short_name",
    "province_code",
    "province_name",
    "parent_code",
    "parent_name",
]


CROSSWALK_COLUMNS = [
    "legacy_level",
    "legacy_code",
    "legacy_name",
    "legacy_province_code",
    "new_level",
    "new_code",
    "new_name",
    "new_province_code",
    "legacy_whole",
    "new_within",
]
LEVEL_ORDER = {"province": 0, "district": 1, "commune": 2}


def _package_data() -> Path:
    import vietnamadminunits

    return Path(vietnamadminunits.__file__).resolve().parent / "data"


def _db_path() -> Path:
    return _package_data() / "dataset.db"


def _converter_path() -> Path:
    return _package_data() / "converter_2025.json"


def _read_tables(db: Path) -> tuple[pd.DataFrame, pd.DataFrame]:
    """(admin_units_legacy, admin_units) as read from the package's SQLite dataset."""
    con = sqlite3.connect(f"file:{db}?mode=ro", uri=True)
    legacy = pd.read_sql("select * from admin_units_legacy", con)
    new = pd.read_sql("select * from admin_units", con)
    con.close()
    return legacy, new


def _type_and_short(name: str, short: str, utype: str | None) -> tuple[str, str, str]:
    """(official name, unit type, name without the type): "Thị Xã Mường Lay" → ("Thị xã Mường Lay", "Thị xã", "Mường Lay").

    The type word is written as the package's type column spells it (sentence case).
    """
    n = clean_text(name)
    t = clean_text(utype) if utype else ""
    if not t:
        t = next((x for x in ("Tỉnh", "Thành phố") if n.startswith(x + " ")), "")
    if t and n.lower().startswith(t.lower() + " "):
        rest = n[len(t) + 1 :].strip()
        return f"{t} {rest}", t, rest
    return n, t, re.sub(r"\s*\(.*\)$", "", clean_text(short))


def _official(name: str) -> str:
    """Names of provinces and parents with the type word in sentence case ("Thị Xã X" → "Thị xã X")."""
    n = clean_text(name)
    for t in ("Thành phố", "Thị xã", "Thị trấn", "Tỉnh", "Huyện", "Quận", "Phường", "Xã", "Đặc khu"):
        if n.lower().startswith(t.lower() + " "):
            return f"{t} {n[len(t) + 1 :].strip()}"
    return n


def build(db: Path) -> pd.DataFrame:
    """All units of both schemas. Grain: one row per (unit_schema, unit_level, unit_code)."""
    legacy, new = _read_tables(db)
    rows: list[dict[str, str]] = []

    def add(
        schema: str,
        level: str,
        code: str,
        name: str,
        short: str,
        pcode: str,
        pname: str,
        parent: str,
        parent_name: str,
        utype: str | None = None,
    ) -> None:
        official, t, sh = _type_and_short(name, short, utype)
        rows.append(
            {
                "unit_schema": schema,
                "unit_level": level,
                "unit_code": code,
                "unit_name": official,
                "unit_type": t,
                "short_name": sh,
                "province_code": pcode,
                "province_name": _official(pname),
                "parent_code": parent,
                "parent_name": _official(parent_name),
            }
        )

    for schema, df, has_district in (("legacy", legacy, True), ("2025", new, False)):
        prov = df.drop_duplicates("provinceCode")
        for r in prov.itertuples():
            add(schema, "province", r.provinceCode, r.province, r.provinceShort, r.provinceCode, r.province, "", "")
        if has_district:
            dist = df.drop_duplicates("districtCode")
            for r in dist.itertuples():
                add(
                    schema,
                    "district",
                    r.districtCode,
                    r.district,
                    r.districtShort,
                    r.provinceCode,
                    r.province,
                    r.provinceCode,
                    r.province,
                    r.districtType,
                )
        wards = df[df["wardCode"].notna() & df["ward"].notna()].drop_duplicates("wardCode")
        for r in wards.itertuples():
            if has_district:
                add(
                    schema,
                    "commune",
                    r.wardCode,
                    r.ward,
                    r.wardShort,
                    r.provinceCode,
                    r.province,
                    r.districtCode,
                    r.district,
                    r.wardType,
                )
            else:
                add(
                    schema,
                    "commune",
                    r.wardCode,
                    r.ward,
                    r.wardShort,
                    r.provinceCode,
                    r.province,
                    r.provinceCode,
                    r.province,
                    r.wardType,
                )
    out = pd.DataFrame(rows, columns=COLUMNS)
    level_order = {"province": 0, "district": 1, "commune": 2}
    out["_o"] = out["unit_level"].map(level_order)
    out = out.sort_values(["unit_schema", "_o", "unit_code"], kind="stable").drop(columns="_o").reset_index(drop=True)
    dup = out.duplicated(["unit_schema", "unit_level", "unit_code"])
    if dup.any():
        raise SystemExit(f"duplicate codes: {out[dup].head()}")
    return out


# ---------------------------------------------------------------- crosswalk
#
# converter_2025.json keys units by folded names, formed as the package's
# parser forms them: the dataset's provinceKey / districtKey / wardKey columns
# (key_normalize of the official name: unaccented, lower case, letters and
# digits only; where two communes of one district fold alike, "Phường Sa Pa" /
# "Phường Sa Pả", wardKey keeps the diacritics). A legacy commune is
# "provinceKey_districtKey_wardKey"; a district the dataset lists without
# communes (the island districts) is "provinceKey_districtKey_". A 2025
# commune is (new provinceKey, wardKey).


class KeyProblems:
    """Keys that do not resolve to exactly one unit; the build stops with all of them."""

    def __init__(self) -> None:
        self.lines: list[str] = []

    def one(self, index: dict[Any, set[tuple[str, ...]]], key: Any, what: str) -> tuple[str, ...] | None:
        found = index.get(key, set())
        if len(found) == 1:
            return next(iter(found))
        self.lines.append(f"{what} {key!r}: {len(found)} units {sorted(found)}")
        return None

    def check(self, ok: bool, line: str) -> None:
        if not ok:
            self.lines.append(line)

    def raise_if_any(self, stage: str) -> None:
        if self.lines:
            raise SystemExit(f"crosswalk: {len(self.lines)} problem(s) in {stage}:\n  " + "\n  ".join(self.lines))


def _index(keys: Iterable[Any], values: Iterable[tuple[str, ...]]) -> dict[Any, set[tuple[str, ...]]]:
    idx: dict[Any, set[tuple[str, ...]]] = defaultdict(set)
    for k, v in zip(keys, values):
        idx[k].add(v)
    return dict(idx)


def _legacy_index(legacy: pd.DataFrame) -> dict[Any, set[tuple[str, ...]]]:
    """Legacy key → {(province code, district code, commune code)}; commune code "" for a district without communes."""
    ward_key = legacy["wardKey"].fillna("")
    code = legacy["wardCode"].where(ward_key != "", "").fillna("")
    keys = legacy["provinceKey"] + "_" + legacy["districtKey"] + "_" + ward_key
    return _index(keys, zip(legacy["provinceCode"], legacy["districtCode"], code))


def _new_index(new: pd.DataFrame) -> dict[Any, set[tuple[str, ...]]]:
    """(2025 provinceKey, wardKey) → {(province code, commune code)}."""
    return _index(zip(new["provinceKey"], new["wardKey"]), zip(new["provinceCode"], new["wardCode"]))


def _piece(
    problems: KeyProblems, old_idx: dict, new_idx: dict, old_key: str, new_prov_key: str, new_ward_key: str, whole: bool
) -> dict[str, Any] | None:
    old = problems.one(old_idx, old_key, "legacy key")
    new = problems.one(new_idx, (new_prov_key, new_ward_key), "2025 key")
    if old is None or new is None:
        return None
    return {
        "old_province": old[0],
        "old_district": old[1],
        "old_commune": old[2],
        "new_province": new[0],
        "new_commune": new[1],
        "whole": whole,
    }


def _pieces(conv: dict[str, Any], legacy: pd.DataFrame, new: pd.DataFrame) -> pd.DataFrame:
    """The reform's pieces. Grain: one row per (legacy unit, 2025 commune) in the conversion tables.

    The legacy unit is a commune, or a district listed without communes
    (old_commune ""). whole: the legacy unit went whole into the 2025 commune
    (DICT_PROVINCE_WARD_NO_DIVIDED); else a part of it did (DICT_PROVINCE_WARD_DIVIDED).
    """
    old_idx, new_idx = _legacy_index(legacy), _new_index(new)
    problems = KeyProblems()
    rows = []
    for pkey, wards in conv["DICT_PROVINCE_WARD_NO_DIVIDED"].items():
        for wkey, olds in wards.items():
            rows += [_piece(problems, old_idx, new_idx, okey, pkey, wkey, True) for okey in olds]
    for pkey, olds in conv["DICT_PROVINCE_WARD_DIVIDED"].items():
        for okey, parts in olds.items():
            rows += [_piece(problems, old_idx, new_idx, okey, pkey, part["newWardKey"], False) for part in parts]
    problems.raise_if_any("resolving converter_2025.json keys")
    pieces = pd.DataFrame([r for r in rows if r is not None])
    _check_pieces(pieces, legacy, new)
    return pieces


def _check_pieces(pieces: pd.DataFrame, legacy: pd.DataFrame, new: pd.DataFrame) -> None:
    """Every unit of both lists is covered; whole means one successor, part means two or more."""
    problems = KeyProblems()
    unit = pieces["old_district"] + "/" + pieces["old_commune"]
    problems.check(not pieces.duplicated(["old_district", "old_commune", "new_commune"]).any(), "duplicate pieces")
    communes = set(legacy["wardCode"].dropna())
    missing = communes - set(pieces["old_commune"])
    problems.check(not missing, f"legacy communes without successor: {sorted(missing)}")
    missing_new = set(new["wardCode"]) - set(pieces["new_commune"])
    problems.check(not missing_new, f"2025 communes without predecessor: {sorted(missing_new)}")
    bare = pieces.loc[pieces["old_commune"] == "", "old_district"]
    with_communes = set(legacy.loc[legacy["wardCode"].notna(), "districtCode"])
    problems.check(
        not set(bare) & with_communes,
        f"district keys of districts that have communes: {sorted(set(bare) & with_communes)}",
    )
    bare_all = set(legacy["districtCode"]) - with_communes
    problems.check(
        set(bare) == bare_all, f"districts without communes not in the tables: {sorted(bare_all - set(bare))}"
    )
    n = pieces.groupby(unit)["new_commune"].transform("nunique")
    mixed = pieces.groupby(unit)["whole"].transform("nunique") > 1
    problems.check(not mixed.any(), f"units both whole and divided: {sorted(set(unit[mixed]))}")
    bad = (pieces["whole"] & (n != 1)) | (~pieces["whole"] & (n < 2))
    problems.check(not bad.any(), f"whole with several successors or part with one: {sorted(set(unit[bad]))}")
    problems.raise_if_any("checking the pieces")


def _province_links(
    conv: dict[str, Any], legacy: pd.DataFrame, new: pd.DataFrame, pieces: pd.DataFrame
) -> pd.DataFrame:
    """Legacy province → 2025 province. Grain: one row per legacy province (each went whole into one)."""
    problems = KeyProblems()
    old_idx = _index(legacy["provinceKey"], zip(legacy["provinceCode"]))
    new_idx = _index(new["provinceKey"], zip(new["provinceCode"]))
    rows = []
    for nkey, okeys in conv["DICT_PROVINCE"].items():
        n = problems.one(new_idx, nkey, "2025 province key")
        for okey in okeys:
            o = problems.one(old_idx, okey, "legacy province key")
            if n and o:
                rows.append({"old_province": o[0], "new_province": n[0]})
    problems.raise_if_any("resolving DICT_PROVINCE")
    links = pd.DataFrame(rows)
    problems.check(not links["old_province"].duplicated().any(), "a legacy province with two successors")
    problems.check(set(links["old_province"]) == set(legacy["provinceCode"]), "legacy provinces missing")
    problems.check(set(links["new_province"]) == set(new["provinceCode"]), "2025 provinces missing")
    succ = dict(zip(links["old_province"], links["new_province"]))
    across = pieces[pieces["old_province"].map(succ) != pieces["new_province"]]
    problems.check(across.empty, f"pieces crossing the province mapping: {across.head(20).to_dict('records')}")
    problems.raise_if_any("checking DICT_PROVINCE")
    return links


def _commune_rows(pieces: pd.DataFrame) -> pd.DataFrame:
    """Legacy commune → 2025 commune; new_within when the piece is the 2025 commune's only predecessor."""
    n_pred = pieces.groupby("new_commune")["new_commune"].transform("size")
    p = pieces[pieces["old_commune"] != ""]
    return pd.DataFrame(
        {
            "legacy_level": "commune",
            "legacy_code": p["old_commune"],
            "legacy_province_code": p["old_province"],
            "new_level": "commune",
            "new_code": p["new_commune"],
            "new_province_code": p["new_province"],
            "legacy_whole": p["whole"].astype(int),
            "new_within": (n_pred[p.index] == 1).astype(int),
        }
    )


def _district_rows(pieces: pd.DataFrame) -> pd.DataFrame:
    """Legacy district → 2025 commune, derived from the pieces.

    A 2025 commune succeeds a district when any of its pieces lies in the
    district. new_within: all of its pieces lie in the district. legacy_whole:
    every piece of the district is whole and goes to this one commune (the
    district has this single successor; a divided commune has two or more
    successors, so a single successor implies nothing of it was divided).
    """
    g = pieces.groupby(["old_district", "new_commune"], sort=False)
    pairs = g.agg(
        old_province=("old_province", "first"), new_province=("new_province", "first"), n=("whole", "size")
    ).reset_index()
    n_new = pieces.groupby("new_commune").size()
    n_succ = pieces.groupby("old_district")["new_commune"].nunique()
    all_whole = pieces.groupby("old_district")["whole"].all()
    return pd.DataFrame(
        {
            "legacy_level": "district",
            "legacy_code": pairs["old_district"],
            "legacy_province_code": pairs["old_province"],
            "new_level": "commune",
            "new_code": pairs["new_commune"],
            "new_province_code": pairs["new_province"],
            "legacy_whole": ((pairs["old_district"].map(n_succ) == 1) & pairs["old_district"].map(all_whole)).astype(
                int
            ),
            "new_within": (pairs["n"] == pairs["new_commune"].map(n_new)).astype(int),
        }
    )


def _province_rows(links: pd.DataFrame) -> pd.DataFrame:
    """Legacy province → 2025 province: always whole; new_within when the 2025 province has one predecessor."""
    n_pred = links.groupby("new_province")["old_province"].transform("size")
    return pd.DataFrame(
        {
            "legacy_level": "province",
            "legacy_code": links["old_province"],
            "legacy_province_code": links["old_province"],
            "new_level": "province",
            "new_code": links["new_province"],
            "new_province_code": links["new_province"],
            "legacy_whole": 1,
            "new_within": (n_pred == 1).astype(int),
        }
    )


def build_crosswalk(db: Path, converter: Path, units: pd.DataFrame) -> pd.DataFrame:
    """The crosswalk. Grain: one row per (legacy_level, legacy_code, new_code); names from ``units``."""
    legacy, new = _read_tables(db)
    conv = json.loads(converter.read_text(encoding="utf-8"))
    pieces = _pieces(conv, legacy, new)
    links = _province_links(conv, legacy, new, pieces)
    cw = pd.concat([_province_rows(links), _district_rows(pieces), _commune_rows(pieces)], ignore_index=True)
    name = units.set_index(["unit_schema", "unit_level", "unit_code"])["unit_name"]
    cw["legacy_name"] = name.reindex(
        pd.MultiIndex.from_arrays([["legacy"] * len(cw), cw["legacy_level"], cw["legacy_code"]])
    ).to_numpy()
    cw["new_name"] = name.reindex(
        pd.MultiIndex.from_arrays([["2025"] * len(cw), cw["new_level"], cw["new_code"]])
    ).to_numpy()
    unnamed = cw[cw["legacy_name"].isna() | cw["new_name"].isna()]
    if not unnamed.empty:
        raise SystemExit(f"crosswalk: codes not in units.csv: {unnamed.head(20).to_dict('records')}")
    cw["_o"] = cw["legacy_level"].map(LEVEL_ORDER)
    cw = cw.sort_values(["_o", "legacy_code", "new_code"], kind="stable")[CROSSWALK_COLUMNS]
    if cw.duplicated(["legacy_level", "legacy_code", "new_code"]).any():
        raise SystemExit("crosswalk: duplicate (legacy_level, legacy_code, new_code)")
    return cw.reset_index(drop=True)


def _sha256(data: bytes) -> str:
    return hashlib.sha256(data).hexdigest()


def write_crosswalk(out: Path, cw: pd.DataFrame, units_body: bytes) -> dict[str, Any]:
    """Write crosswalk.csv and crosswalk_meta.json; return the meta."""
    body = cw.to_csv(index=False, lineterminator="\n").encode("utf-8")
    (out / "crosswalk.csv").write_bytes(body)
    counts = cw.groupby(["legacy_level", "new_level"], sort=False).size()
    meta = {
        "source_package": "vietnamadminunits",
        "source_version": version("vietnamadminunits"),
        "source_license": "MIT",
        "source_files": {
            "data/converter_2025.json": _sha256(_converter_path().read_bytes()),
            "data/dataset.db": _sha256(_db_path().read_bytes()),
        },
        "built_by": "scripts/build_reference.py",
        "grain": "one row per (legacy_level, legacy_code, new_code)",
        "columns": CROSSWALK_COLUMNS,
        "rows": int(len(cw)),
        "counts": {f"{a}/{b}": int(n) for (a, b), n in counts.items()},
        "legacy_whole": {lv: int(n) for lv, n in cw.groupby("legacy_level", sort=False)["legacy_whole"].sum().items()},
        "new_within": {lv: int(n) for lv, n in cw.groupby("legacy_level", sort=False)["new_within"].sum().items()},
        "units_sha256": _sha256(units_body),
        "sha256": _sha256(body),
    }
    (out / "crosswalk_meta.json").write_text(json.dumps(meta, indent=1, ensure_ascii=False) + "\n", encoding="utf-8")
    return meta


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--out", type=Path, default=ROOT / "src" / "motcua" / "reference")
    args = ap.parse_args(argv)
    db = _db_path()
    units = build(db)
    args.out.mkdir(parents=True, exist_ok=True)
    csv_path = args.out / "units.csv"
    body = units.to_csv(index=False, lineterminator="\n").encode("utf-8")
    csv_path.write_bytes(body)
    counts = units.groupby(["unit_schema", "unit_level"]).size()
    meta = {
        "source_package": "vietnamadminunits",
        "source_version": version("vietnamadminunits"),
        "source_license": "MIT",
        "source_tables": {"legacy": "admin_units_legacy", "2025": "admin_units"},
        "built_by": "scripts/build_reference.py",
        "names": "NFC, new-style tone marks (Hòa, Thủy)",
        "rows": int(len(units)),
        "counts": {f"{s}/{lv}": int(n) for (s, lv), n in counts.items()},
        "sha256": hashlib.sha256(body).hexdigest(),
    }
    (args.out / "units_meta.json").write_text(json.dumps(meta, indent=1, ensure_ascii=False) + "\n", encoding="utf-8")
    print(json.dumps(meta["counts"], ensure_ascii=False))
    cw_meta = write_crosswalk(args.out, build_crosswalk(db, _converter_path(), units), body)
    print(json.dumps(cw_meta["counts"], ensure_ascii=False))
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
