"""Pages at national scale (not a test): the index of every unit, and the size of each province page.

``index_at_scale(data)``: ``index.html`` as the render stage writes it once every unit of DATA has its report
(a manifest entry per unit, status ok; 3,321 communes + the legacy districts of the national bench), rendered
in this process: its bytes, its render time (best of 3) and how many table rows it holds. ``province_pages``:
the size of each ``provinces/*.html`` of a reports folder, the largest first.

    python bench/national_pages.py DATA [REPORTS]
"""

from __future__ import annotations

import json
import statistics
import sys
import time
from pathlib import Path

import pandas as pd


def full_manifest(data: Path) -> dict[str, object]:
    """A manifest dict with an ok entry for every unit that gets a report (as a complete build leaves it)."""
    import pyarrow.parquet as pq

    from motcua import locations as loc
    from motcua.pipeline.stages import PLAN_PANEL_COLUMNS, report_units

    names = set(pq.read_schema(data / loc.PANEL).names)
    panel = pd.read_parquet(data / loc.PANEL, columns=[c for c in PLAN_PANEL_COLUMNS if c in names])
    reports = []
    for u in report_units(panel):
        path = loc.unit_html(Path("."), u.code, u.name, u.schema)
        reports.append(
            {
                "unit_code": u.code,
                "unit_name": u.name,
                "path": str(path),
                "status": "ok",
                "reason": "",
                "input_hash": "h",
                "code_version": "v",
                "built_at": "",
                "notebook": "",
                "unit_schema": str(u.schema or ""),
                "unit_level": u.level,
            }
        )
    provinces = []
    from motcua.report import national

    for code, name in national.provinces(panel).items():
        provinces.append(
            {
                "unit_code": code,
                "unit_name": name,
                "path": national.page_name(code, name),
                "status": "ok",
                "reason": "",
                "input_hash": "h",
                "code_version": "v",
                "built_at": "",
            }
        )
    return {
        "reports": reports,
        "provinces": provinces,
        "built_at": "2026-12-07T12:00:00+00:00",
        "code_version": "v",
        "overview": {"unit_code": "province", "unit_name": "", "path": "province.html", "status": "ok"},
    }


def index_at_scale(data: Path, repeats: int = 3) -> dict[str, float]:
    """Bytes, best render time and rows of the index of every unit of DATA."""
    from motcua import locations as loc
    from motcua.report import index

    manifest = full_manifest(data)
    summary = pd.read_parquet(data / loc.TREND_SUMMARY)
    kw = {}
    if hasattr(index, "unit_provinces"):  # (older code: no province column)
        kw["provinces"] = index.unit_provinces(
            pd.read_parquet(data / loc.PANEL, columns=["unit_schema", "unit_code", "province_name"])
        )
    best = float("inf")
    html = ""
    for _ in range(repeats):
        t = time.perf_counter()
        html = index.render_index(manifest, lang="vi", summary=summary, **kw)
        best = min(best, time.perf_counter() - t)
    return {
        "index_bytes": len(html.encode("utf-8")),
        "index_s": best,
        "index_rows": html.count("<tr") - html.count("<thead"),
        "index_units": len(manifest["reports"]),
        "index_filter": 'type="search"' in html,
    }


def province_pages(reports: Path) -> dict[str, object]:
    """Sizes of the province pages (bytes): the largest, its name, the median, how many exceed 1.5 MiB and 1.5 × 10⁶."""
    sizes = {p.name: p.stat().st_size for p in (reports / "provinces").glob("*.html")}
    if not sizes:
        return {}
    top = max(sizes, key=sizes.get)
    return {
        "province_pages": len(sizes),
        "province_largest": top,
        "province_largest_bytes": sizes[top],
        "province_median_bytes": statistics.median(sizes.values()),
        "province_over_mib": sum(v > 1.5 * 2**20 for v in sizes.values()),
        "province_over_mb": sum(v > 1.5e6 for v in sizes.values()),
    }


if __name__ == "__main__":
    out = index_at_scale(Path(sys.argv[1]))
    if len(sys.argv) > 2:
        out.update(province_pages(Path(sys.argv[2])))
    print(json.dumps(out, indent=1))
