"""A small synthetic DATA directory for the report tests (panel, quality, meta, model tables).

Grain of the panel: one row per (unit, calendar month); counts follow the
identities of form 06 (docs/domain.md). The model tables come from the real
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
from motcua.quality import QUALITY_COLUMNS

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

#: A unit name that would run script if a report did not escape it (tests/report/test_escaping.py).
HOSTILE = "<img src=x onerror=alert(1)>"


def fabricate_panel(
    units: list[tuple[str, str]] = UNITS, months: int = 30, seed: int = 7, start: str = "2023-01-01"
) -> pd.DataFrame:
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
            rows.append(
                {
                    "unit_schema": "legacy",
                    "unit_code": code,
                    "unit_name": name,
                    "unit_level": "district",
                    "province_code": "54",
                    "province_name": "Tỉnh Phú Yên",
                    "period_start": ps,
                    "period_end": pe,
                    "received_total": total,
                    "received_online": online,
                    "received_offline": offline,
                    "carried_over": carried,
                    "resolved_total": resolved,
                    "resolved_early": early,
                    "resolved_ontime": ontime,
                    "resolved_late": late,
                    "pending_total": pending,
                    "pending_ontime": pending - overdue,
                    "pending_overdue": overdue,
                    "source": f"data/raw/sample/bao-cao-{ps:%Y-%m}.xlsx",
                    "source_ref": f"Sheet1!R{8 + k}",
                }
            )
            carried = pending
    return conform(pd.DataFrame(rows))


def fabricate_quality(panel: pd.DataFrame) -> pd.DataFrame:
    """A few quality findings (grain: one row per finding) in the clean stage's own columns and rule names
    (:data:`motcua.quality.QUALITY_COLUMNS`, :data:`~motcua.quality.RULES`): ``unit`` holds the
    code of a matched row, the name as written for a row that could not be matched or dated, "" for a
    finding about a whole file or sheet."""
    first = panel.iloc[0]
    code, src = str(first["unit_code"]), str(first["source"])
    rows = [
        {
            "file": src,
            "sheet": "Sheet1",
            "row": 8,
            "unit": code,
            "period": "01/01/2023–31/01/2023",
            "rule": "carry_over_gap",
            "severity": "warning",
            "message": "Cột (6) khác cột (11) kỳ trước: 12 ≠ 15",
            "action": "checked",
        },
        {
            "file": "data/raw/sample/bao-cao-2023-02.xlsx",
            "sheet": "Sheet1",
            "row": 9,
            "unit": code,
            "period": "01/02/2023–28/02/2023",
            "rule": "identity_balance",
            "severity": "error",
            "message": "(3) ≠ (7)+(11): 410 ≠ 409",
            "action": "kept",
        },
        {
            "file": "data/raw/sample/bao-cao-2023-02.xlsx",
            "sheet": "Sheet1",
            "row": None,
            "unit": "",
            "period": "01/02/2023–28/02/2023",
            "rule": "ignored_column",
            "severity": "info",
            "message": 'Cột "Ghi chú" không thuộc biểu mẫu form06; không dùng.',
            "action": "checked",
        },
        {
            "file": "data/raw/sample/bao-cao-khong-ky.xlsx",
            "sheet": "Sheet1",
            "row": 12,
            "unit": "UBND TP. Tuy Hoà",
            "period": "",
            "rule": "no_period",
            "severity": "error",
            "message": 'Dòng "UBND TP. Tuy Hoà" bị loại vì kỳ báo cáo không xác định.',
            "action": "dropped",
        },
    ]
    q = pd.DataFrame(rows, columns=QUALITY_COLUMNS)
    q["row"] = pd.array(q["row"], dtype="Int64")
    return q


def write_data_dir(out: Path, panel: pd.DataFrame | None = None, *, synthetic: bool = True, model: bool = True) -> Path:
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
