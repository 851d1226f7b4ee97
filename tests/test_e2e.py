"""End to end: raw sample → panel → models → HTML, through the real command line."""

from __future__ import annotations

import json
import re
import shutil
import subprocess
import sys
from pathlib import Path

import nbformat
import pytest

from motcua.pipeline.unit_hash import UNIT_PARTS
from motcua.report.page import without_build_stamp
from motcua.sample.corrections import add_one_dossier
from motcua.sample.reform import units_2025

ROOT = Path(__file__).resolve().parents[1]
SAMPLE = ROOT / "data" / "raw" / "sample"
OFFICIAL = {
    "555": "Thành phố Tuy Hòa",
    "557": "Thị xã Sông Cầu",
    "558": "Huyện Đồng Xuân",
    "559": "Huyện Tuy An",
    "560": "Huyện Sơn Hòa",
    "561": "Huyện Sông Hinh",
    "562": "Huyện Tây Hòa",
    "563": "Huyện Phú Hòa",
    "564": "Thị xã Đông Hòa",
}
# From 07/2025 the sample has the 2025 units succeeding these districts (as the sample generator plans them):
# 34 communes, each with its report, and 5 provincial agencies, without one (the overview shows them).
_SUCCESSORS = units_2025(list(OFFICIAL))
COMMUNES = dict(zip(*(_SUCCESSORS.loc[_SUCCESSORS["unit_level"] == "commune", c] for c in ("unit_code", "unit_name"))))
AGENCIES = _SUCCESSORS.loc[_SUCCESSORS["unit_level"] == "agency", "unit_name"].tolist()

pytestmark = pytest.mark.slow


def motcua(*args: str, env: dict | None = None) -> subprocess.CompletedProcess:
    import os

    return subprocess.run(
        [sys.executable, "-m", "motcua", *args],
        capture_output=True,
        text=True,
        cwd=ROOT,
        env={**os.environ, **(env or {})},
    )


def _no_remote_refs(html: str) -> list[str]:
    return re.findall(r"""(?:src|href)\s*=\s*["']?\s*(?:https?:)?//[^"'\s>]*""", html, flags=re.I)


def _index_groups(index: str) -> dict[str, str]:
    """The index's sections by the id of their heading: ix-overview, ix-commune (2025), ix-district (dissolved)."""
    return dict(re.findall(r"""<section aria-labelledby="([^"]+)">(.*?)</section>""", index, flags=re.S))


def test_sample_build_links_every_district(built_sample):
    """Every legacy district and every 2025 commune of the sample has its report, linked from its era's group
    of the index; the provincial agencies have none (the index names them under the overview)."""
    reports = built_sample["reports"]
    index = (reports / "index.html").read_text(encoding="utf-8")
    manifest = json.loads((reports / "manifest.json").read_text(encoding="utf-8"))
    entries = {(e["unit_schema"], e["unit_code"]): e for e in manifest["reports"]}
    assert len(COMMUNES) == 34 and len(AGENCIES) == 5
    expected = {
        **{("legacy", c): (n, "district") for c, n in OFFICIAL.items()},
        **{("2025", c): (n, "commune") for c, n in COMMUNES.items()},
    }
    assert set(entries) == set(expected) and len(manifest["reports"]) == len(expected)
    groups = _index_groups(index)
    assert {"ix-overview", "ix-commune", "ix-district"} <= set(groups), sorted(groups)
    for a in AGENCIES:
        assert a in groups["ix-overview"], f"index does not name the agency {a}"
    for (schema, code), (name, level) in expected.items():
        e = entries[(schema, code)]
        assert e["status"] == "ok" and e["unit_level"] == level, e
        group, other = ("ix-district", "ix-commune") if schema == "legacy" else ("ix-commune", "ix-district")
        assert f'href="{e["path"]}"' in groups[group], f"the {group} group of the index does not link {e['path']}"
        assert e["path"] not in groups[other], f"{e['path']} linked from the other era's group {other}"
        html = (reports / e["path"]).read_text(encoding="utf-8")
        assert name in html
        assert not _no_remote_refs(html)
        # code is hidden: no input prompt or source of a cell in the page
        assert "jp-InputArea" not in html and "from motcua" not in html and "import " not in html
        assert (reports / e["notebook"]).exists(), "executed notebook kept as the audit trail"
    assert (reports / "province.html").exists()
    assert not _no_remote_refs(index)
    assert entries[("legacy", "555")]["path"] == "units/legacy-555-thanh-pho-tuy-hoa.html"
    executed = nbformat.read(str(reports / entries[("legacy", "555")]["notebook"]), as_version=4)
    injected = [c for c in executed.cells if "injected-parameters" in c.metadata.get("tags", [])]
    assert injected and "555" in injected[0].source


def test_two_units_into_a_temporary_folder(tmp_path: Path, built_sample):
    data = built_sample["data"]
    out = tmp_path / "reports"
    res = motcua("render", str(data), "--out", str(out), "--units", "555,562", "--jobs", "2")
    assert res.returncode == 0, res.stderr
    manifest = json.loads((out / "manifest.json").read_text(encoding="utf-8"))
    codes = {e["unit_code"] for e in manifest["reports"]}
    assert codes == {"555", "562"}
    for e in manifest["reports"]:
        html = (out / e["path"]).read_text(encoding="utf-8")
        assert OFFICIAL[e["unit_code"]] in html
        assert not _no_remote_refs(html)


def test_second_build_does_no_work(tmp_path: Path, built_sample):
    data, reports = tmp_path / "data", tmp_path / "reports"
    shutil.copytree(built_sample["data"], data)
    shutil.copytree(built_sample["reports"], reports)
    before = {p: p.stat().st_mtime_ns for p in reports.rglob("*.html")}
    res = motcua("build", str(SAMPLE), "--data", str(data), "--out", str(reports))
    assert res.returncode == 0, res.stderr
    assert "clean: up to date" in res.stdout and "model: up to date" in res.stdout
    assert "0 built" in res.stdout
    assert before == {p: p.stat().st_mtime_ns for p in reports.rglob("*.html")}


def test_report_in_a_batch_equals_report_alone(tmp_path: Path, built_sample):
    """No state leaks between notebooks run on the same warm kernel: the batch's kernels ran other units (and,
    kept, other builds) before 563; "alone" is a kernel started for it (keeping off)."""
    alone = tmp_path / "alone"
    res = motcua(
        "render",
        str(built_sample["data"]),
        "--out",
        str(alone),
        "--units",
        "563",
        "--jobs",
        "1",
        env={"MOTCUA_KEEP_KERNELS": "0"},
    )
    assert res.returncode == 0, res.stderr
    batch_html = (built_sample["reports"] / "units" / "legacy-563-huyen-phu-hoa.html").read_text(encoding="utf-8")
    alone_html = (alone / "units" / "legacy-563-huyen-phu-hoa.html").read_text(encoding="utf-8")
    assert without_build_stamp(batch_html) == without_build_stamp(alone_html)


def test_a_failing_unit_does_not_stop_the_others(tmp_path: Path, built_sample):
    nbdir = tmp_path / "notebooks"
    shutil.copytree(ROOT / "notebooks", nbdir)
    nb = nbformat.read(str(nbdir / "30_district_report.ipynb"), as_version=4)
    nb.cells.insert(
        1 + next(i for i, c in enumerate(nb.cells) if "parameters" in c.metadata.get("tags", [])),
        nbformat.v4.new_code_cell('assert unit_code != "558", "hỏng có chủ ý"'),
    )
    nbformat.write(nb, str(nbdir / "30_district_report.ipynb"))
    out = tmp_path / "reports"
    res = motcua(
        "render",
        str(built_sample["data"]),
        "--out",
        str(out),
        "--units",
        "557,558,559",
        "--jobs",
        "2",
        env={"MOTCUA_NOTEBOOKS": str(nbdir)},
    )
    assert res.returncode == 1
    lines = [l for l in res.stderr.splitlines() if l.startswith("motcua: unit")]
    assert lines == ["motcua: unit legacy:558 failed: AssertionError: hỏng có chủ ý"]  # a unit is named by era and code
    manifest = json.loads((out / "manifest.json").read_text(encoding="utf-8"))
    status = {e["unit_code"]: e["status"] for e in manifest["reports"]}
    assert status == {"557": "ok", "558": "failed", "559": "ok"}
    assert not (out / "units" / "legacy-558-huyen-dong-xuan.html").exists()
    assert not list(out.rglob("*.tmp"))
    index = (out / "index.html").read_text(encoding="utf-8")
    assert "558" in index


def test_correction_to_one_units_old_month_rebuilds_that_unit_only(tmp_path: Path, built_sample):
    """A correction to one legacy district's old month (01/2021, outside the comparison window) re-renders that
    unit, the overview and the index, and no other unit: neither another district nor any 2025 commune (the
    province comparison is unchanged)."""
    raw, data, reports = tmp_path / "raw", tmp_path / "data", tmp_path / "reports"
    shutil.copytree(SAMPLE, raw)
    shutil.copytree(built_sample["data"], data)
    shutil.copytree(built_sample["reports"], reports)
    first = motcua("build", str(raw), "--data", str(data), "--out", str(reports))  # same bytes, new folder
    assert first.returncode == 0, first.stderr
    before_cmp = (data / "comparison.parquet").read_bytes()
    before = {p.relative_to(reports): p.read_bytes() for p in reports.rglob("*.html")}
    index_written = (reports / "index.html").stat().st_mtime_ns
    add_one_dossier(sorted(raw.glob("*.xlsx"))[0])
    res = motcua("build", str(raw), "--data", str(data), "--out", str(reports))
    assert res.returncode == 0, res.stderr
    assert "clean: ran" in res.stdout and "model: ran" in res.stdout
    assert (data / "comparison.parquet").read_bytes() == before_cmp
    changed = sorted(str(rel) for rel, body in before.items() if (reports / rel).read_bytes() != body)
    assert [c for c in changed if c.startswith("units/")] == ["units/legacy-555-thanh-pho-tuy-hoa.html"], changed
    assert "province.html" in changed, changed
    assert (reports / "index.html").stat().st_mtime_ns != index_written  # rewritten (its bytes may be equal)
    n_units = len(OFFICIAL) + len(COMMUNES)
    assert len([rel for rel in before if str(rel).startswith("units/")]) == n_units
    assert f"2 built, {n_units + 1 - 2} up to date, 0 failed" in res.stdout, res.stdout  # the units + the overview
    # the build says which of the unit's inputs changed, and the manifest keeps them for the next build
    assert "rebuilt because of: panel + trends + summary (1)" in res.stdout, res.stdout
    manifest = json.loads((reports / "manifest.json").read_text(encoding="utf-8"))
    assert {e["unit_code"]: sorted(e["parts"]) for e in manifest["reports"]}["555"] == sorted(UNIT_PARTS)


def test_sample_district_report_shows_the_published_par_figures(built_sample):
    """Thị xã Sông Cầu's report shows its PAR index 2022 as published: 73,34 points, published rank 3/9, +8,48 on
    2021, and its field scores (17,64 of 18,5; 12 of 22; 8,42 of 16)."""
    html = (built_sample["reports"] / "units" / "legacy-557-thi-xa-song-cau.html").read_text(encoding="utf-8")
    text = re.sub(r"\s+", " ", re.sub(r"<[^>]+>", " ", html))
    assert "2022 73,34 +8,48 3/9 Khá" in text and "Hạng công bố" in text
    assert re.search(r"Cải cách thủ tục hành chính 22 \S+ 12 ", text) and re.search(
        r"Xây dựng chính quyền điện tử 16 \S+ 8,42 ", text
    )
    assert (built_sample["data"] / "par_index.parquet").exists()


def test_correction_to_a_par_score_rebuilds_that_unit_only(tmp_path: Path, built_sample):
    """A corrected PAR score (Sông Cầu 2024) reruns the clean stage, not the model, and re-renders that unit's report
    and the overview only."""
    import openpyxl

    raw, data, reports = tmp_path / "raw", tmp_path / "data", tmp_path / "reports"
    shutil.copytree(SAMPLE, raw)
    shutil.copytree(built_sample["data"], data)
    shutil.copytree(built_sample["reports"], reports)
    first = motcua("build", str(raw), "--data", str(data), "--out", str(reports))
    assert first.returncode == 0, first.stderr
    before = {p.relative_to(reports): p.read_bytes() for p in reports.rglob("*.html")}
    path = raw / "chi-so-cchc_cap-huyen_2024.xlsx"
    wb = openpyxl.load_workbook(path)
    row = next(r for r in wb.active.iter_rows() if "Sông Cầu" in str(r[1].value))
    row[2].value, row[10].value = "15,16", "78,04"  # one field and the total, 0,01 point more
    wb.save(path)
    res = motcua("build", str(raw), "--data", str(data), "--out", str(reports))
    assert res.returncode == 0, res.stderr
    assert "clean: ran" in res.stdout and "model: up to date" in res.stdout, res.stdout
    changed = sorted(str(rel) for rel, body in before.items() if (reports / rel).read_bytes() != body)
    assert [c for c in changed if c.startswith("units/")] == ["units/legacy-557-thi-xa-song-cau.html"], changed
    assert "province.html" in changed and "rebuilt because of: par (1)" in res.stdout, res.stdout
