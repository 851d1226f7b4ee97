"""Pages at national scale (not a test): the index pages, and the size of each province page.

``index_at_scale(data)``: the index pages as the render stage writes them once every unit of DATA has its report
(a manifest entry per unit, status ok; 3,321 communes + the legacy districts of the national bench), rendered
in this process: ``index.html``'s bytes and table rows, the largest and median province index page (code that
lists each province's units on its own index page) and the time to render them all (best of 3). ``province_pages``:
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


def index_at_scale(data: Path, repeats: int = 3) -> dict[str, object]:
    """Bytes, best render time and rows of the index pages of every unit of DATA: ``index.html`` and, with code that
    splits a national index by province (``motcua.report.index_national``), each province's index page."""
    from motcua import locations as loc
    from motcua.report import index

    manifest = full_manifest(data)
    summary = pd.read_parquet(data / loc.TREND_SUMMARY)
    panel = pd.read_parquet(data / loc.PANEL, columns=["unit_schema", "unit_code", "province_code", "province_name"])
    try:
        from motcua.report.index_national import index_pages
    except ImportError:  # older code: one index page of every unit
        kw = {"provinces": index.unit_provinces(panel)} if hasattr(index, "unit_provinces") else {}

        def index_pages(m, *, lang, summary, panel):  # type: ignore[no-redef]
            return {"index.html": index.render_index(m, lang=lang, summary=summary, **kw)}

    best = float("inf")
    pages: dict[str, str] = {}
    for _ in range(repeats):
        t = time.perf_counter()
        pages = index_pages(manifest, lang="vi", summary=summary, panel=panel)
        best = min(best, time.perf_counter() - t)
    sizes = {rel: len(html.encode("utf-8")) for rel, html in pages.items()}
    top = max((r for r in sizes if r != "index.html"), key=sizes.get, default="")
    html = pages["index.html"]
    return {
        "index_bytes": sizes["index.html"],
        "index_s": best,
        "index_rows": html.count("<tr") - html.count("<thead"),
        "index_units": len(manifest["reports"]),
        "index_filter": 'type="search"' in html,
        "index_pages": len(pages),
        "province_index_largest": top,
        "province_index_largest_bytes": sizes.get(top, 0),
        "province_index_median_bytes": statistics.median([v for r, v in sizes.items() if r != "index.html"] or [0]),
        "index_pages_bytes": sum(sizes.values()),
    }


def province_pages(reports: Path) -> dict[str, object]:
    """Sizes of the province pages (bytes): the largest, its name, the median, how many exceed 1.5 MiB and 1.5 × 10⁶."""
    sizes = {p.name: p.stat().st_size for p in (reports / "provinces").glob("*.html") if not p.stem.endswith("-index")}
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
