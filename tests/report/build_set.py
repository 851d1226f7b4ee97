"""Build a REPORTS folder (units, province, index, manifest) from a DATA folder without the pipeline.

Used by the report tests and by hand: ``python tests/report/build_set.py DATA OUT [lang]``.
"""

from __future__ import annotations

import json
import re
import sys
import time
import unicodedata
from pathlib import Path

HERE = Path(__file__).resolve().parent
sys.path.insert(0, str(HERE))

import nbrun  # noqa: E402

ROOT = HERE.parents[1]
STAMP = "2026-01-01 00:00 UTC · motcua test"


def slug(name: str) -> str:
    s = unicodedata.normalize("NFKD", name.replace("đ", "d").replace("Đ", "D"))
    s = "".join(c for c in s if not unicodedata.combining(c)).lower()
    return re.sub(r"[^a-z0-9]+", "-", s).strip("-") or "unit"


def build(data: Path, out: Path, lang: str = "vi", units: list[str] | None = None) -> dict:
    from motcua.report import load_data
    from motcua.report.export import notebook_to_html
    from motcua.report.index import render_index

    d = load_data(data)
    peers = d.peers()
    names = peers.groupby("unit_code", sort=True)["unit_name"].last().to_dict()
    (out / "units").mkdir(parents=True, exist_ok=True)
    entries, times = [], {}
    for code, name in names.items():
        if units and code not in units:
            continue
        rel = f"units/{re.sub(r'[^0-9A-Za-z]', '', code)}-{slug(name)}.html"
        t = time.perf_counter()
        nb = nbrun.run(
            ROOT / "notebooks" / "30_district_report.ipynb", {"unit_code": code, "data_dir": str(data), "lang": lang}
        )
        html = notebook_to_html(nb, lang=lang, title=name, build_stamp=STAMP)
        times[code] = time.perf_counter() - t
        (out / rel).write_text(html, encoding="utf-8")
        entries.append(
            {
                "unit_code": code,
                "unit_name": name,
                "path": rel,
                "status": "ok",
                "reason": "",
                "input_hash": "",
                "code_version": "test",
                "built_at": "2026-01-01T00:00:00+00:00",
            }
        )
    t = time.perf_counter()
    nb = nbrun.run(ROOT / "notebooks" / "40_province_overview.ipynb", {"data_dir": str(data), "lang": lang})
    province = str(d.config.province.get("province_name", ""))
    (out / "province.html").write_text(
        notebook_to_html(nb, lang=lang, title=province, build_stamp=STAMP), encoding="utf-8"
    )
    times["province"] = time.perf_counter() - t
    manifest = {
        "version": 1,
        "code_version": "test",
        "built_at": "2026-01-01T00:00:00+00:00",
        "lang": lang,
        "synthetic": d.synthetic,
        "reports": entries,
        "overview": {
            "unit_code": "province",
            "unit_name": province,
            "path": "province.html",
            "status": "ok",
            "reason": "",
            "input_hash": "",
            "code_version": "test",
            "built_at": "2026-01-01T00:00:00+00:00",
        },
    }
    (out / "index.html").write_text(render_index(manifest, lang=lang, summary=d.summary), encoding="utf-8")
    (out / "manifest.json").write_text(json.dumps(manifest, ensure_ascii=False, indent=1), encoding="utf-8")
    return {"manifest": manifest, "times": times}


if __name__ == "__main__":
    res = build(Path(sys.argv[1]).resolve(), Path(sys.argv[2]).resolve(), sys.argv[3] if len(sys.argv) > 3 else "vi")
    for k, v in res["times"].items():
        print(f"{k}\t{v:.2f} s")
