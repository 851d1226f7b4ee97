"""A two-era DATA folder for the report tests: a province across the 1 July 2025 reform.

Grain of the panel: one row per (unit, month), from :func:`synth.fabricate_panel`:

* four legacy districts of Phú Yên (54), 01/2021–06/2025 (54 months), dissolved on 1/7/2025;
* four 2025 communes of Đắk Lắk (66) from the reference list, 07/2025–11/2026 (17 months), and a fifth,
  Xã Tuy An Bắc, whose exports start in 06/2026 (6 months: too few for a trend);
* the provincial level: Công an tỉnh and the provincial centre (2025, level ``agency``), 07/2025–11/2026,
  and Phú Yên's police before the reform (legacy agency, 2021–06/2025);
* a 2025 commune re-using a legacy district's code ("557"), to prove reports are keyed by era and code;
* with ``legacy_communes``: legacy commune rows of 01/2024–06/2025 (18 months) — both predecessors of Xã Xuân
  Lộc (exact history), three of the eight predecessors of Phường Tuy Hòa, one of them (Phường 9) split with
  Phường Bình Kiến (partial history). Legacy commune 22015 (Phường 1) re-uses the code of 2025 Phường Tuy Hòa.

:func:`write_two_era_dir` with ``continuity`` also writes DATA/continuity.parquet (:mod:`motcua.model.continuity`).
"""

from __future__ import annotations

from pathlib import Path

import pandas as pd
import synth

LEGACY_DISTRICTS = [
    ("555", "Thành phố Tuy Hòa"),
    ("557", "Thị xã Sông Cầu"),
    ("558", "Huyện Đồng Xuân"),
    ("559", "Huyện Tuy An"),
]
COMMUNES = [
    ("22015", "Phường Tuy Hòa"),
    ("22045", "Phường Bình Kiến"),
    ("22051", "Phường Sông Cầu"),
    ("22057", "Xã Xuân Lộc"),
]
SHORT_COMMUNE = ("22114", "Xã Tuy An Bắc")
AGENCIES = [("66-cong-an", "Công an tỉnh"), ("66-trung-tam", "Trung tâm Phục vụ hành chính công tỉnh")]
LEGACY_AGENCY = ("54-cong-an", "Công an tỉnh Phú Yên")
#: legacy communes of Phú Yên (54): predecessors of Xã Xuân Lộc (all, whole) and of Phường Tuy Hòa (some; 22024 split)
LEGACY_COMMUNES = [
    ("22054", "Xã Xuân Hải"),
    ("22057", "Xã Xuân Lộc"),
    ("22015", "Phường 1"),
    ("22018", "Phường 2"),
    ("22024", "Phường 9"),
]
#: a fictitious 2025 commune code equal to a legacy district's, for the keying tests
REUSED = ("557", "Xã Trùng Mã")


def _era(p: pd.DataFrame, schema: str, level: str, province: tuple[str, str]) -> pd.DataFrame:
    return p.assign(unit_schema=schema, unit_level=level, province_code=province[0], province_name=province[1])


def _agencies(units: list[tuple[str, str]], months: int, start: str, seed: int) -> pd.DataFrame:
    """Agency rows: fabricated under stand-in numeric codes, then given their keys ("66-cong-an"). The panel
    contract of this branch knows no agency code yet (the clean stage's does), so they are not re-validated."""
    stand_in = [(str(90 + i), name) for i, (_, name) in enumerate(units)]
    p = synth.fabricate_panel(stand_in, months=months, start=start, seed=seed)
    return p.assign(unit_code=p["unit_code"].map({s: c for (s, _), (c, _) in zip(stand_in, units)}))


def two_era_panel(reused_code: bool = False, legacy_communes: bool = False) -> pd.DataFrame:
    """The panel described in the module docstring (``reused_code``: with the commune re-using code 557;
    ``legacy_communes``: with legacy commune rows)."""
    dl = ("66", "Tỉnh Đắk Lắk")
    parts = [
        synth.fabricate_panel(LEGACY_DISTRICTS, months=54, start="2021-01-01", seed=11),
        _era(_agencies([LEGACY_AGENCY], 54, "2021-01-01", 12), "legacy", "agency", ("54", "Tỉnh Phú Yên")),
        _era(
            synth.fabricate_panel(COMMUNES + ([REUSED] if reused_code else []), months=17, start="2025-07-01", seed=13),
            "2025",
            "commune",
            dl,
        ),
        _era(synth.fabricate_panel([SHORT_COMMUNE], months=6, start="2026-06-01", seed=14), "2025", "commune", dl),
        _era(_agencies(AGENCIES, 17, "2025-07-01", 15), "2025", "agency", dl),
    ]
    if legacy_communes:
        parts.append(
            _era(
                synth.fabricate_panel(LEGACY_COMMUNES, months=18, start="2024-01-01", seed=16),
                "legacy",
                "commune",
                ("54", "Tỉnh Phú Yên"),
            )
        )
    p = pd.concat(parts, ignore_index=True)
    return p.sort_values(["unit_schema", "unit_code", "period_start"], kind="stable").reset_index(drop=True)


def write_two_era_dir(
    out: Path, reused_code: bool = False, legacy_communes: bool = False, continuity: bool = False
) -> Path:
    """DATA with the two-era panel, quality findings, meta and the real model stage's tables (``continuity``: and
    continuity.parquet)."""
    panel = two_era_panel(reused_code, legacy_communes)
    out = synth.write_data_dir(out, panel)
    if continuity:
        from motcua.model.continuity import write_continuity

        write_continuity(panel, out)
    return out
