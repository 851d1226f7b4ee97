"""A build with nothing to do is answered from its files' status (motcua.pipeline.noop): the memo answers only
while every file it names is unchanged, and answering it loads neither the tables nor the configuration."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

import pytest

from motcua import locations as loc
from motcua.pipeline import noop
from motcua.pipeline.manifest import Manifest, ReportEntry

RESULT = {"stages": ["clean", "model"], "skipped": 3}


def _project(tmp: Path) -> dict[str, Path]:
    """Raw files, a configuration and a source folder, notebooks, DATA with products and stamps, REPORTS with pages."""
    paths = {k: tmp / k for k in ("raw", "config", "source", "notebooks", "data", "reports")}
    for p in paths.values():
        p.mkdir()
    (paths["raw"] / "sub").mkdir()
    (paths["raw"] / "a.csv").write_text("unit,n\n1,2\n")
    (paths["raw"] / "sub" / "b.csv").write_text("unit,n\n3,4\n")
    (paths["config"] / "province.yaml").write_text("province_code: '54'\n")
    (paths["source"] / "pkg").mkdir()
    (paths["source"] / "pkg" / "m.py").write_text("X = 1\n")
    (paths["notebooks"] / "10.ipynb").write_text("{}")
    (paths["data"] / "panel.parquet").write_bytes(b"panel")
    (paths["data"] / "trends.parquet").write_bytes(b"trends")
    (paths["data"] / noop.STAMPS).mkdir()
    (paths["data"] / noop.STAMPS / "clean.json").write_text('{"key": "k"}')
    (paths["reports"] / "manifest.json").write_text("{}")
    (paths["reports"] / "index.html").write_text("<html/>")
    (paths["reports"] / "u.html").write_text("<html/>")
    return paths


def _record(p: dict[str, Path], request: str = "r" * 64) -> dict:
    inputs = noop.input_spec([p["raw"]], p["config"], p["source"], [p["notebooks"] / "10.ipynb"], [])
    before = noop.status(inputs)
    outputs = noop.output_spec(p["data"], p["reports"], ["index.html", "u.html"])
    assert noop.record(p["data"], request, inputs, before, outputs, RESULT)
    return inputs


def _later(path: Path, text: str | None = None) -> None:
    """Rewrite ``path`` (or only touch it) with a later modification time."""
    st = path.stat()
    if text is not None:
        path.write_text(text)
    os.utime(path, ns=(st.st_atime_ns, st.st_mtime_ns + 1_000_000))


def test_the_memo_answers_while_nothing_changed(tmp_path: Path):
    p = _project(tmp_path)
    _record(p)
    assert noop.answer(p["data"], "r" * 64) == RESULT
    assert noop.answer(p["data"], "s" * 64) is None  # another request
    assert noop.STAMPS == loc.STAMPS


CHANGES = {
    "a raw file's content": lambda p: _later(p["raw"] / "a.csv", "unit,n\n1,3\n"),
    "a raw file touched": lambda p: _later(p["raw"] / "sub" / "b.csv"),
    "a raw file added in a subfolder": lambda p: (p["raw"] / "sub" / "c.xlsx").write_bytes(b"x"),
    "a hidden sample manifest added": lambda p: (p["raw"] / ".motcua-sample.json").write_text("{}"),
    "a raw file removed": lambda p: (p["raw"] / "sub" / "b.csv").unlink(),
    "the configuration": lambda p: _later(p["config"] / "province.yaml", "province_code: '66'\n"),
    "a configuration file added": lambda p: (p["config"] / "targets.yaml").write_text("targets: []\n"),
    "the source": lambda p: _later(p["source"] / "pkg" / "m.py", "X = 2\n"),
    "a notebook": lambda p: _later(p["notebooks"] / "10.ipynb", '{"cells": []}'),
    "a product rewritten": lambda p: _later(p["data"] / "trends.parquet", "trendz"),
    "a product removed": lambda p: (p["data"] / "panel.parquet").unlink(),
    "a product added": lambda p: (p["data"] / "published.csv").write_text("x"),
    "a stage stamp": lambda p: _later(p["data"] / noop.STAMPS / "clean.json", '{"key": "l"}'),
    "the manifest": lambda p: _later(p["reports"] / "manifest.json", '{"reports": []}'),
    "a page removed": lambda p: (p["reports"] / "u.html").unlink(),
    "the index removed": lambda p: (p["reports"] / "index.html").unlink(),
}


@pytest.mark.parametrize("change", sorted(CHANGES))
def test_any_change_to_what_the_build_reads_runs_the_build(tmp_path: Path, change: str):
    p = _project(tmp_path)
    _record(p)
    CHANGES[change](p)
    assert noop.answer(p["data"], "r" * 64) is None, change


def test_what_the_build_writes_beside_does_not_count(tmp_path: Path):
    """Caches, executed notebooks and other memos are not what a no-op decides on."""
    p = _project(tmp_path)
    _record(p)
    (p["data"] / ".cache").mkdir()
    (p["data"] / ".cache" / "file_shas.json").write_text("{}")
    (p["data"] / noop.STAMPS / "noop-other.json").write_text("{}")
    (p["source"] / "pkg" / "__pycache__").mkdir()
    (p["source"] / "pkg" / "__pycache__" / "m.cpython-311.pyc").write_bytes(b"pyc")
    assert noop.answer(p["data"], "r" * 64) == RESULT


def test_an_input_changed_while_the_build_ran_leaves_no_memo(tmp_path: Path):
    p = _project(tmp_path)
    _record(p)
    inputs = noop.input_spec([p["raw"]], p["config"], p["source"], [], [])
    before = noop.status(inputs)
    _later(p["raw"] / "a.csv", "unit,n\n9,9\n")
    outputs = noop.output_spec(p["data"], p["reports"], [])
    assert not noop.record(p["data"], "r" * 64, inputs, before, outputs, RESULT)
    assert noop.answer(p["data"], "r" * 64) is None  # and the old memo went


def test_after_build_records_what_the_render_would_find(tmp_path: Path):
    """``after_build`` asks the render's own plan-free check: a manifest made with these inputs, every page on disk."""
    from motcua.pipeline import stamps

    p = _project(tmp_path)
    data, reports = p["data"], p["reports"]
    m = Manifest(reports={"legacy:555": ReportEntry("555", "Tuy Hòa", "u.html", "ok", "", "h", "v", "t")})
    m.overview = ReportEntry("province", "Phú Yên", "province.html", "ok", "", "h", "v", "t")
    (reports / "province.html").write_text("<html/>")
    m.render_key = stamps.render_key(data.resolve(), "vi")
    m.save(reports / "manifest.json")
    inputs = noop.input_spec([p["raw"]], p["config"], p["source"], [], [])
    assert noop.after_build(data, reports, "q" * 64, inputs, noop.status(inputs), None, "vi")
    assert noop.answer(data, "q" * 64) == {"stages": ["clean", "model"], "skipped": 2}
    (reports / "province.html").unlink()
    assert noop.answer(data, "q" * 64) is None
    m.render_key = "another"
    m.save(reports / "manifest.json")
    assert not noop.after_build(data, reports, "q" * 64, inputs, noop.status(inputs), None, "vi")
    assert not noop.memo_path(data, "q" * 64).exists()


def test_a_province_index_page_lost_runs_the_build(tmp_path: Path):
    """A national analysis has an index page per province (``provinces/<page>-index.html``) beside ``index.html``:
    the memo names it, so a build after it is lost writes it again instead of answering from the memo."""
    from motcua.pipeline import stamps

    p = _project(tmp_path)
    data, reports = p["data"], p["reports"]
    (reports / "provinces").mkdir()
    for page in ("provinces/66-tinh-dak-lak.html", "provinces/66-tinh-dak-lak-index.html", "national.html"):
        (reports / page).write_text("<html/>")
    m = Manifest(reports={"2025:24121": ReportEntry("24121", "Phường Tân Lập", "u.html", "ok", "", "h", "v", "t")})
    m.overview = ReportEntry("national", "Toàn quốc", "national.html", "ok", "", "h", "v", "t")
    m.provinces = {"66": ReportEntry("66", "Đắk Lắk", "provinces/66-tinh-dak-lak.html", "ok", "", "h", "v", "t")}
    m.render_key = stamps.render_key(data.resolve(), "vi")
    m.save(reports / "manifest.json")
    inputs = noop.input_spec([p["raw"]], p["config"], p["source"], [], [])
    assert noop.after_build(data, reports, "q" * 64, inputs, noop.status(inputs), None, "vi")
    assert noop.answer(data, "q" * 64) is not None
    (reports / "provinces" / "66-tinh-dak-lak-index.html").unlink()
    assert noop.answer(data, "q" * 64) is None


HEAVY = (
    "pandas",
    "numpy",
    "pyarrow",
    "yaml",
    "nbformat",
    "motcua.config_schema",
    "motcua.pipeline.stages",
    "motcua.kernels.kept",
    "motcua.cache.shas",
    "importlib.metadata",
    "motcua.products",
)

RECORD = """
import json, sys
from pathlib import Path
from motcua.pipeline import noop
raw, data, reports = map(Path, sys.argv[1:4])
request = noop.request_key([str(raw)], data, reports, ["555"], None, None)
inputs = noop.build_inputs([str(raw)])
outputs = noop.output_spec(data, reports, ["index.html", "u.html"])
assert noop.record(data, request, inputs, noop.status(inputs), outputs, {"stages": ["clean", "model"], "skipped": 2})
"""

ANSWER = """
import json, sys
from motcua.cli import main
code = main(["build", sys.argv[1], "--data", sys.argv[2], "--out", sys.argv[3], "--units", "555"])
heavy = json.loads(sys.argv[4])
print(json.dumps({"code": code, "loaded": sorted(m for m in heavy if sys.modules.get(m) is not None)}))
"""


def test_a_build_answered_by_its_memo_loads_no_table_no_configuration_and_no_pipeline(tmp_path: Path):
    """The command line's no-op: the memo's answer printed as a build's, with only the command line and
    :mod:`motcua.pipeline.noop` loaded (fails if the answer path imports pandas, yaml or the stages)."""
    p = _project(tmp_path)
    args = [str(p["raw"]), str(p["data"]), str(p["reports"])]
    subprocess.run([sys.executable, "-c", RECORD, *args], check=True, capture_output=True, text=True)
    got = subprocess.run(
        [sys.executable, "-c", ANSWER, *args, json.dumps(HEAVY)], check=True, capture_output=True, text=True
    )
    lines = got.stdout.strip().splitlines()
    assert lines[:3] == ["clean: up to date", "model: up to date", lines[2]]
    assert lines[2].startswith("reports: 0 built, 2 up to date, 0 failed"), lines
    assert json.loads(lines[-1]) == {"code": 0, "loaded": []}, lines[-1]


def test_a_library_installed_or_upgraded_changes_the_request(tmp_path: Path, monkeypatch: pytest.MonkeyPatch):
    """The stages' keys name the libraries' versions: after a package is installed or upgraded (its folder of
    installed libraries changes) the memo of the same command no longer answers."""
    import site

    lib = tmp_path / "site-packages"
    lib.mkdir()
    monkeypatch.setattr(site, "getsitepackages", lambda: [str(lib)])
    p = _project(tmp_path)
    key = lambda: noop.request_key([p["raw"]], p["data"], p["reports"], None, None, None)  # noqa: E731
    before = key()
    assert key() == before
    (lib / "pandas-9.9.dist-info").mkdir()
    st = lib.stat()
    os.utime(lib, ns=(st.st_atime_ns, st.st_mtime_ns + 1_000_000))
    assert key() != before
