"""Sizes of the province pages of a national analysis, rendered in this process (not a test).

Each page is notebook 40 run in one warm IPython shell (bench/in_process.py: the same cells and the same
export as the render stage) for one province of DATA, with the chart and fragment caches off; the page's
bytes, its charts' bytes (base64 in the page) and the largest chart are reported, the largest page first.
The budget is config/report.yaml's ``page_max_bytes``.

    python bench/page_sizes.py DATA [--provinces 79,01] [--top N] [--json OUT]

``--top N``: the N provinces with the most communes (default: every province).
"""

from __future__ import annotations

import argparse
import json
import re
import statistics
import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))

ROOT = Path(__file__).resolve().parents[1]
IMG = re.compile(r'<img[^>]*?src="data:image/png;base64,([A-Za-z0-9+/=]+)"[^>]*?alt="([^"]*)"', re.S)


def communes_by_province(data: Path) -> dict[str, int]:
    """Each province's number of units in the main comparison, by code."""
    import pandas as pd

    from motcua.report import national

    panel = pd.read_parquet(data / "panel.parquet")
    rows = national.main_units(panel)
    n = rows.groupby(rows["province_code"].astype(str).str.zfill(2))["unit_code"].nunique()
    return {str(k): int(v) for k, v in n.items() if k in national.provinces(panel)}


def charts_of(html: str) -> list[tuple[int, str]]:
    """(base64 bytes, alt text's first 60 characters) of each inline PNG of a page."""
    return [(len(m.group(1)), m.group(2)[:60]) for m in IMG.finditer(html)]


def measure(data: Path, codes: list[str], counts: dict[str, int], save: Path | None = None) -> list[dict[str, object]]:
    """Render each province's page (caches off) and measure it."""
    import in_process

    from motcua.report import overview as ov

    real = ov.province_overview

    def uncached(data_dir: str, lang: str = "vi", cache: bool = True, province: str = "") -> object:
        return real(data_dir, lang, cache=False, province=province)

    ov.province_overview = uncached  # the notebook imports it from motcua.report: patch both
    import motcua.report as rep

    rep.province_overview = uncached
    shell = in_process.warm_shell()
    nb = ROOT / "notebooks" / "40_province_overview.ipynb"
    out = []
    for code in codes:
        t = time.perf_counter()
        html = in_process.run_notebook(shell, nb, {"data_dir": str(data), "lang": "vi", "province": code})
        dt = time.perf_counter() - t
        charts = charts_of(html)
        if save is not None:
            save.mkdir(parents=True, exist_ok=True)
            (save / f"{code}.html").write_text(html, encoding="utf-8")
        size = len(html.encode("utf-8"))
        top = max(charts, default=(0, ""))
        out.append(
            {
                "province": code,
                "units": counts.get(code, 0),
                "bytes": size,
                "chart_bytes": sum(c for c, _ in charts),
                "charts": len(charts),
                "largest_chart_bytes": top[0],
                "largest_chart": top[1],
                "render_s": round(dt, 2),
            }
        )
        print(json.dumps(out[-1], ensure_ascii=False), flush=True)
    return sorted(out, key=lambda r: -int(r["bytes"]))


def summary(rows: list[dict[str, object]], budget: int) -> dict[str, object]:
    sizes = [int(r["bytes"]) for r in rows]
    return {
        "pages": len(rows),
        "largest": rows[0]["province"] if rows else None,
        "largest_bytes": max(sizes, default=0),
        "median_bytes": statistics.median(sizes) if sizes else 0,
        "smallest_bytes": min(sizes, default=0),
        "over_budget": sum(s > budget for s in sizes),
        "budget": budget,
    }


def main(argv: list[str] | None = None) -> int:
    try:
        from motcua.report.page_budget import page_max_bytes
    except ImportError:  # code older than the budget (a "before" run)

        def page_max_bytes() -> int:
            return 1_500_000

    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("data", type=Path)
    ap.add_argument("--provinces", default="", help="codes, comma-separated (default: every province)")
    ap.add_argument("--top", type=int, default=0, help="only the N provinces with the most communes")
    ap.add_argument("--json", type=Path, default=None)
    ap.add_argument("--save", type=Path, default=None, help="also write each page to this folder")
    args = ap.parse_args(argv)
    counts = communes_by_province(args.data)
    codes = sorted(counts, key=lambda c: (-counts[c], c))
    if args.provinces:
        codes = [c.zfill(2) for c in args.provinces.split(",")]
    elif args.top:
        codes = codes[: args.top]
    rows = measure(args.data, codes, counts, args.save)
    s = summary(rows, page_max_bytes())
    print(json.dumps(s, indent=1))
    if args.json:
        args.json.write_text(json.dumps({"summary": s, "pages": rows}, indent=1, ensure_ascii=False), encoding="utf-8")
    return 0


if __name__ == "__main__":
    sys.exit(main())
