"""The crosswalk across the 1 July 2025 reform: legacy units → units from 1 July 2025.

Data: ``crosswalk.csv`` beside this module, generated offline by
``scripts/build_reference.py`` from the conversion tables of the
``vietnamadminunits`` package (version, row counts and sha256 in
``crosswalk_meta.json``). Names are those of ``units.csv``.

Grain: one row per (legacy_level, legacy_code, new_code). Columns (all str
except the two flags, which are int 0/1):

- legacy_level: province | district | commune; legacy_code, legacy_name,
  legacy_province_code (the legacy unit's province);
- new_level: province (for legacy provinces) | commune (for legacy districts and
  communes); new_code, new_name, new_province_code;
- legacy_whole: 1 when the whole legacy unit went into this new unit;
- new_within: 1 when the new unit lies wholly inside the legacy unit.

Rows and quirks:

- Codes are zero-padded strings as in units.csv (provinces "54", districts
  "555", communes "22015") and are re-used across eras: legacy commune 22240
  is Phường Phú Lâm, 2025 commune 22240 is Phường Phú Yên. Always key a unit by
  (era, level, code).
- Commune rows: a legacy commune → each 2025 commune that received it whole
  (legacy_whole=1, exactly one such row) or a part of it (legacy_whole=0, two or
  more rows). new_within=1 when that legacy commune is the 2025 commune's only
  predecessor. Which part of a divided commune went where is not known.
- District rows are derived from the pieces (legacy communes, whole or part):
  a 2025 commune succeeds a district when any of its pieces lies in the
  district; new_within=1 when all of them do (the district's series can be
  continued by the sum of these communes). legacy_whole=1 when every commune of
  the district went whole into this one 2025 commune, i.e. the district has
  this single successor (14 districts, 11 of them island districts that
  became đặc khu).
- Districts listed without communes (Huyện Bạch Long Vĩ, Cồn Cỏ, Hoàng Sa, Lý
  Sơn, Côn Đảo) have only a district row, to their đặc khu, with
  legacy_whole=1 and new_within=1; those đặc khu have no commune predecessors.
- Province rows: every legacy province went whole into one 2025 province
  (legacy_whole=1); new_within=1 only when the 2025 province has a single
  predecessor. Legacy communes never cross that mapping.
"""

from __future__ import annotations

import json
from functools import lru_cache
from importlib.resources import files
from typing import Any

import pandas as pd

LEGACY_LEVELS = ("province", "district", "commune")
CODE_WIDTH = {"province": 2, "district": 3, "commune": 5}
FLAGS = ("legacy_whole", "new_within")


@lru_cache(maxsize=1)
def _all() -> pd.DataFrame:
    with files("motcua.reference").joinpath("crosswalk.csv").open("rb") as fh:
        df = pd.read_csv(fh, dtype=str, keep_default_na=False, encoding="utf-8")
    for col in FLAGS:
        df[col] = df[col].astype(int)
    return df


def _level(level: str) -> str:
    if level not in LEGACY_LEVELS:
        raise ValueError(f"unknown legacy level {level!r} (province, district or commune)")
    return level


def _code(code: str | int, level: str) -> str:
    """A code as units.csv writes it: digits zero-padded to the level's width ("1" → "01")."""
    s = str(code).strip()
    return s.zfill(CODE_WIDTH[level]) if s.isdigit() else s


def crosswalk(level: str | None = None) -> pd.DataFrame:
    """The crosswalk, or its rows of one legacy level (province, district, commune).

    Grain: one row per (legacy_level, legacy_code, new_code); see the module
    docstring for columns and quirks. Read once and cached; a copy is returned.
    """
    df = _all()
    if level is not None:
        df = df[df["legacy_level"] == _level(level)]
    return df.reset_index(drop=True).copy()


def successors(legacy_code: str, level: str) -> pd.DataFrame:
    """The 2025 units that took the legacy unit (whole or part): its crosswalk rows, by new_code.

    Every legacy unit has at least one successor; an unknown code raises KeyError.
    """
    level = _level(level)
    code = _code(legacy_code, level)
    df = crosswalk(level)
    out = df[df["legacy_code"] == code].sort_values("new_code").reset_index(drop=True)
    if out.empty:
        raise KeyError(f"unknown legacy {level} code {code!r}")
    return out


def predecessors(new_code: str, legacy_level: str = "commune") -> pd.DataFrame:
    """The legacy units of one level that went (whole or part) into a 2025 unit, by legacy_code.

    ``new_code`` is a 2025 province code when legacy_level is "province", else a
    2025 commune code. The five đặc khu made of a district without communes
    (Bạch Long Vĩ, Cồn Cỏ, Hoàng Sa, Lý Sơn, Côn Đảo) have no commune
    predecessors: an empty frame for legacy_level "commune", one district row
    for "district". An unknown 2025 code raises KeyError.
    """
    legacy_level = _level(legacy_level)
    new_level = "province" if legacy_level == "province" else "commune"
    code = _code(new_code, new_level)
    df = crosswalk(legacy_level)
    out = df[df["new_code"] == code].sort_values("legacy_code").reset_index(drop=True)
    if out.empty and code not in set(crosswalk("province" if new_level == "province" else "district")["new_code"]):
        raise KeyError(f"unknown 2025 {new_level} code {code!r}")
    return out


def province_successor(legacy_province_code: str) -> str:
    """The 2025 province that took the legacy province whole ("54" Phú Yên → "66" Đắk Lắk)."""
    rows = successors(legacy_province_code, "province")
    if len(rows) != 1:  # the build guarantees one
        raise ValueError(f"legacy province {legacy_province_code!r} has {len(rows)} successors")
    return str(rows["new_code"].iloc[0])


def province_predecessors(new_province_code: str) -> list[str]:
    """The legacy provinces merged into a 2025 province, sorted ("66" → ["54", "66"])."""
    return predecessors(new_province_code, "province")["legacy_code"].tolist()


def communes_within(legacy_district_code: str) -> list[str]:
    """2025 communes lying wholly inside a legacy district (new_within=1), sorted.

    Their sum continues the district's series after 1 July 2025 only when they
    are all of its successors (compare with ``successors(code, "district")``).
    """
    rows = successors(legacy_district_code, "district")
    return rows.loc[rows["new_within"] == 1, "new_code"].tolist()


def crosswalk_meta() -> dict[str, Any]:
    """crosswalk_meta.json: source package and version, source file checksums, row counts, sha256 of crosswalk.csv."""
    return json.loads(files("motcua.reference").joinpath("crosswalk_meta.json").read_text(encoding="utf-8"))
