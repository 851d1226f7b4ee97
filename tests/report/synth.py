"""A small synthetic DATA directory for the report tests (panel, quality, meta, model tables).

Grain of the panel: one row per (unit, calendar month); counts follow the
identities of form 06 (DOMAIN.md §2). The model tables come from the real
model stage (:func:`motcua.model.run_model`) so the reports are tested on the
columns the pipeline really writes; :func:`fabricate_model` is a cheap stand-in
with only the contract's columns, for tests of missing optional columns.
"""
from __future__ import annotations

import json
from pathlib import Path

import numpy as np
import pandas as pd

from motcua.panel import conform

UNITS = [
    ("555", "Thành phố Tuy Hòa"),
    ("557", "Thị xã Sông Cầu"),
    ("558", "Huyện Đồng Xuân"),
    ("559", "Huyện Tuy An"),
    ("560", "Huyện Sơn Hòa"),
    ("561", "Huyện Sông Hinh"),
    ("562", "Huyện Tây Hòa"),
    ("563", "Huyện Phú Hòa"),
    ("564", "Thị xã Đông Hòa"),
]


def fabricate_panel(units: list[tuple[str, str]] = UNITS, months: int = 30, seed: int = 7,
                    start: str = "2023-01-01") -> pd.DataFrame:
    """Monthly form-06 rows for ``units``: online share rising, a few late dossiers, a backlog."""
    rng = np.random.default_rng(seed)
    rows = []
    starts = pd.date_range(start, periods=months, freq="MS")
    for k, (code, name) in enumerate(units):
        base = 300 + 120 * k
        carried = int(rng.integers(5, 30))
        for i, ps in enumerate(starts):
            pe = ps + pd.offsets.MonthEnd(0)
            new = int(rng.poisson(base * (1 + 0.2 * np.sin(i / 2))))
            share = min(0.95, 0.25 + 0.015 * i + 0.02 * k)
            online = int(rng.binomial(new, share))
            offline = new - online
            total = online + offline + carried
            resolved = int(rng.binomial(total, 0.93))
            late = int(rng.binomial(resolved, 0.004 + 0.002 * k))
            early = int(rng.binomial(resolved - late, 0.6))
            ontime = resolved - late - early
            pending = total - resolved
            overdue = int(rng.binomial(pending, 0.05))
            rows.append({
                "unit_schema": "legacy", "unit_code": code, "unit_name": name, "unit_level": "district",
                "province_code": "54", "province_name": "Tỉnh Phú Yên",
                "period_start": ps, "period_end": pe,
                "received_total": total, "received_online": online, "received_offline": offline,
                "carried_over": carried, "resolved_total": resolved, "resolved_early": early,
                "resolved_ontime": ontime, "resolved_late": late, "pending_total": pending,
                "pending_ontime": pending - overdue, "pending_overdue": overdue,
                "source": f"data/raw/sample/bao-cao-{ps:%Y-%m}.xlsx", "source_ref": f"Sheet1!R{8 + k}",
            })
            carried = pending
    return conform(pd.DataFrame(rows))


def fabricate_quality(panel: pd.DataFrame) -> pd.DataFrame:
    """A few quality findings (grain: one row per finding), in the column names of the clean stage."""
    first = panel.iloc[0]
    return pd.DataFrame([
        {"file": str(first["source"]), "row": "8", "unit_code": str(first["unit_code"]), "unit_name": str(first["unit_name"]),
         "period": "2023-01", "rule": "carried_over_continuity", "severity": "warning",
         "message": "Cột (6) khác cột (11) kỳ trước: 12 ≠ 15"},
        {"file": "data/raw/sample/bao-cao-2023-02.xlsx", "row": "9", "unit_code": str(first["unit_code"]),
         "unit_name": str(first["unit_name"]), "period": "2023-02", "rule": "identity_3_eq_7_plus_11",
         "severity": "error", "message": "(3) ≠ (7)+(11): 410 ≠ 409"},
        {"file": "data/raw/sample/bao-cao-2023-02.xlsx", "row": "30", "unit_code": "", "unit_name": "",
         "period": "2023-02", "rule": "total_row", "severity": "info", "message": "Dòng Tổng cộng bỏ qua"},
    ])


def write_data_dir(out: Path, panel: pd.DataFrame | None = None, *, synthetic: bool = True,
                   model: bool = True) -> Path:
    """Write DATA/{panel.parquet, quality.csv, clean_meta.json} and, with ``model``, the model tables."""
    out = Path(out)
    out.mkdir(parents=True, exist_ok=True)
    panel = fabricate_panel() if panel is None else panel
    panel.to_parquet(out / "panel.parquet", index=False)
    fabricate_quality(panel).to_csv(out / "quality.csv", index=False)
    meta = {
        "synthetic": synthetic,
        "sources": [{"file": s, "sha256": "0" * 64, "kind": "form06"} for s in sorted(panel["source"].unique())[:3]],
        "as_of": f"{panel['period_end'].max():%Y-%m-%d}",
    }
    (out / "clean_meta.json").write_text(json.dumps(meta, ensure_ascii=False), encoding="utf-8")
    if model:
        from motcua.model import run_model, write_results

        write_results(run_model(panel), out)
    return out
