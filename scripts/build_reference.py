#!/usr/bin/env python
"""Freeze the official administrative units into src/motcua/reference/units.csv.

Reads the SQLite dataset shipped inside the installed ``vietnamadminunits``
package (tables ``admin_units_legacy``: 63 provinces / 696 districts / communes
before 1 July 2025, and ``admin_units``: 34 provinces / 3,321 communes from
1 July 2025), offline, and writes one row per (unit_schema, unit_level,
unit_code) with names in NFC and new-style tone marks, plus units_meta.json
with the package version and row counts.

Usage: .venv/bin/python scripts/build_reference.py [--out src/motcua/reference]
"""
from __future__ import annotations

import argparse
import hashlib
import json
import re
import sqlite3
import sys
from importlib.metadata import version
from pathlib import Path

import pandas as pd

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT / "src"))

from motcua.ingest.text import clean_text  # noqa: E402

COLUMNS = [
    "unit_schema", "unit_level", "unit_code", "unit_name", "unit_type", "short_name",
    "province_code", "province_name", "parent_code", "parent_name",
]


def _db_path() -> Path:
    import vietnamadminunits

    return Path(vietnamadminunits.__file__).resolve().parent / "data" / "dataset.db"


def _type_and_short(name: str, short: str, utype: str | None) -> tuple[str, str, str]:
    """(official name, unit type, name without the type): "Thị Xã Mường Lay" → ("Thị xã Mường Lay", "Thị xã", "Mường Lay").

    The type word is written as the package's type column spells it (sentence case).
    """
    n = clean_text(name)
    t = clean_text(utype) if utype else ""
    if not t:
        t = next((x for x in ("Tỉnh", "Thành phố") if n.startswith(x + " ")), "")
    if t and n.lower().startswith(t.lower() + " "):
        rest = n[len(t) + 1:].strip()
        return f"{t} {rest}", t, rest
    return n, t, re.sub(r"\s*\(.*\)$", "", clean_text(short))


def _official(name: str) -> str:
    """Names of provinces and parents with the type word in sentence case ("Thị Xã X" → "Thị xã X")."""
    n = clean_text(name)
    for t in ("Thành phố", "Thị xã", "Thị trấn", "Tỉnh", "Huyện", "Quận", "Phường", "Xã", "Đặc khu"):
        if n.lower().startswith(t.lower() + " "):
            return f"{t} {n[len(t) + 1:].strip()}"
    return n


def build(db: Path) -> pd.DataFrame:
    """All units of both schemas. Grain: one row per (unit_schema, unit_level, unit_code)."""
    con = sqlite3.connect(f"file:{db}?mode=ro", uri=True)
    legacy = pd.read_sql("select * from admin_units_legacy", con)
    new = pd.read_sql("select * from admin_units", con)
    con.close()
    rows: list[dict[str, str]] = []

    def add(schema: str, level: str, code: str, name: str, short: str, pcode: str, pname: str, parent: str,
            parent_name: str, utype: str | None = None) -> None:
        official, t, sh = _type_and_short(name, short, utype)
        rows.append({
            "unit_schema": schema, "unit_level": level, "unit_code": code, "unit_name": official,
            "unit_type": t, "short_name": sh,
            "province_code": pcode, "province_name": _official(pname), "parent_code": parent,
            "parent_name": _official(parent_name),
        })

    for schema, df, has_district in (("legacy", legacy, True), ("2025", new, False)):
        prov = df.drop_duplicates("provinceCode")
        for r in prov.itertuples():
            add(schema, "province", r.provinceCode, r.province, r.provinceShort, r.provinceCode, r.province, "", "")
        if has_district:
            dist = df.drop_duplicates("districtCode")
            for r in dist.itertuples():
                add(schema, "district", r.districtCode, r.district, r.districtShort, r.provinceCode, r.province, r.provinceCode, r.province, r.districtType)
        wards = df[df["wardCode"].notna() & df["ward"].notna()].drop_duplicates("wardCode")
        for r in wards.itertuples():
            if has_district:
                add(schema, "commune", r.wardCode, r.ward, r.wardShort, r.provinceCode, r.province, r.districtCode, r.district, r.wardType)
            else:
                add(schema, "commune", r.wardCode, r.ward, r.wardShort, r.provinceCode, r.province, r.provinceCode, r.province, r.wardType)
    out = pd.DataFrame(rows, columns=COLUMNS)
    level_order = {"province": 0, "district": 1, "commune": 2}
    out["_o"] = out["unit_level"].map(level_order)
    out = out.sort_values(["unit_schema", "_o", "unit_code"], kind="stable").drop(columns="_o").reset_index(drop=True)
    dup = out.duplicated(["unit_schema", "unit_level", "unit_code"])
    if dup.any():
        raise SystemExit(f"duplicate codes: {out[dup].head()}")
    return out


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
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
