"""The import layering of src/motcua (scripts/layers.py reads it with ``ast``): no new import runs up
a layer and no new import cycle appears. The imports and cycles there are today are listed below as an
allow-list to shrink: when one goes, delete its line (the last test says which)."""

from __future__ import annotations

import importlib.util
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]


def _layers():
    spec = importlib.util.spec_from_file_location("motcua_layers", ROOT / "scripts" / "layers.py")
    mod = importlib.util.module_from_spec(spec)
    sys.modules.setdefault("motcua_layers", mod)
    spec.loader.exec_module(mod)
    return mod


layers = _layers()

# (importer, imported) pairs that import a higher layer's module. Shrink, never grow.
ALLOWED_UPWARD: set[tuple[str, str]] = set()

# Import cycles between modules (each a set of modules that import each other). Shrink, never grow.
ALLOWED_MODULE_CYCLES: list[set[str]] = []  # pipeline.cluster <-> pipeline.stages went: the cluster is handed the task

# Packages that import each other: none since the quality findings, file helpers and locations moved to the base.
ALLOWED_PACKAGE_CYCLES: list[set[str]] = []


def _within(found: list[list[str]], allowed: list[set[str]]) -> list[list[str]]:
    return [c for c in found if not any(set(c) <= a for a in allowed)]


SOURCE = layers.read_source()


def test_every_package_has_a_layer():
    groups = {layers.group(m) for m in SOURCE.modules}
    assert groups <= set(layers.LAYERS), groups - set(layers.LAYERS)


def test_no_new_upward_import():
    new = [i for i in layers.upward(SOURCE) if (i.importer, i.imported) not in ALLOWED_UPWARD]
    assert not new, (
        "imports that run up a layer ("
        + ", ".join(f"{k} {n}" for n, k in layers.LAYER_NAMES.items())
        + "):\n"
        + "\n".join(f"  {i.importer} (line {i.line}) imports {i.imported}" for i in new)
    )


def test_no_new_import_cycle():
    new_modules = _within(layers.cycles(layers.module_graph(SOURCE)), ALLOWED_MODULE_CYCLES)
    new_packages = _within(layers.cycles(layers.package_graph(SOURCE)), ALLOWED_PACKAGE_CYCLES)
    assert not new_modules, f"new import cycles between modules: {new_modules}"
    assert not new_packages, f"new import cycles between packages: {new_packages}"


def test_the_allow_lists_hold_nothing_that_is_gone():
    upward = {(i.importer, i.imported) for i in layers.upward(SOURCE)}
    module_cycles = [set(c) for c in layers.cycles(layers.module_graph(SOURCE))]
    gone = sorted(ALLOWED_UPWARD - upward)
    gone_cycles = [c for c in ALLOWED_MODULE_CYCLES if not any(c <= f for f in module_cycles)]
    assert not gone and not gone_cycles, (
        f"fixed, so delete from the allow-lists in tests/test_layers.py: {gone} {gone_cycles}"
    )


def test_the_checker_sees_an_upward_import_and_a_cycle(tmp_path):
    pkg = tmp_path / "motcua"
    for name, text in {
        "__init__.py": "",
        "ingest/__init__.py": "",
        "ingest/a.py": "def f():\n    from motcua.report import b\n",
        "report/__init__.py": "",
        "report/b.py": "from motcua.ingest.a import f\nfrom ..ingest.a import _private\n",
    }.items():
        (pkg / name).parent.mkdir(parents=True, exist_ok=True)
        (pkg / name).write_text(text)
    src = layers.read_source(tmp_path)
    assert [(i.importer, i.imported, i.lazy) for i in layers.upward(src)] == [
        ("motcua.ingest.a", "motcua.report.b", True)
    ]
    assert layers.cycles(layers.module_graph(src)) == [["motcua.ingest.a", "motcua.report.b"]]
    assert src.private == [("motcua.report.b", "motcua.ingest.a", "_private")]
