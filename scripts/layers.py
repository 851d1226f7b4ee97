"""The import layering of src/motcua, read from the source with ``ast`` (nothing is imported).

Usage: ``python scripts/layers.py [--json]`` prints which package imports which, the imports that run
up a layer, the import cycles between packages and between modules, the private names imported across
modules and the size measures (module lines, functions over 50 lines, lines over 120 characters).

Layers, lowest first (a module may import its own layer's or a lower layer's packages; importing a
higher one is an *upward* import):

    0 base      motcua.<top-level modules>, motcua.reference, motcua.cache (keys, atomic writer, caches)
    1 readers   motcua.ingest, motcua.prose
    2 clean     motcua.clean, motcua.sample
    3 model     motcua.model
    4 report    motcua.report, motcua.explore
    5 kernels   motcua.kernels (notebook execution, kept warm kernels)
    6 pipeline  motcua.pipeline
    7 cli       motcua.cli, motcua.__main__

Every ``import`` counts, including those inside functions (a lazy import hides a cycle from the
interpreter, not from the design); imports under ``if TYPE_CHECKING:`` are left out.
"""

from __future__ import annotations

import ast
import json
import sys
from collections import defaultdict
from dataclasses import dataclass, field
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
SRC = ROOT / "src"
PACKAGE = "motcua"

LAYERS: dict[str, int] = {
    "base": 0,
    "ingest": 1,
    "prose": 1,
    "clean": 2,
    "sample": 2,
    "model": 3,
    "report": 4,
    "explore": 4,
    "kernels": 5,
    "pipeline": 6,
    "cli": 7,
    "__main__": 7,
}
LAYER_NAMES = {
    0: "base",
    1: "readers",
    2: "clean",
    3: "model",
    4: "report",
    5: "kernels",
    6: "pipeline",
    7: "cli",
}
LONG_FUNCTION = 50
LONG_LINE = 120


def group(module: str) -> str:
    """The package a module belongs to for layering: ``motcua.ingest.form`` → ``ingest``; top-level
    modules other than those named in LAYERS, ``motcua.reference`` and ``motcua.cache`` → ``base``."""
    parts = module.split(".")
    if len(parts) == 1:
        return "base"
    name = parts[1]
    if name in LAYERS:
        return name
    return "base"


def layer(module: str) -> int:
    return LAYERS[group(module)]


@dataclass(frozen=True)
class Import:
    importer: str
    imported: str
    line: int
    lazy: bool  # inside a function


@dataclass
class Source:
    """Everything the checks need from the source tree."""

    modules: dict[str, Path] = field(default_factory=dict)
    imports: list[Import] = field(default_factory=list)
    private: list[tuple[str, str, str]] = field(default_factory=list)  # (importer, module, name)


def module_name(path: Path, src: Path = SRC) -> str:
    parts = path.relative_to(src).with_suffix("").parts
    name = ".".join(parts)
    return name.removesuffix(".__init__")


def _resolve(importer: str, is_package: bool, node: ast.ImportFrom) -> str | None:
    if node.level == 0:
        return node.module
    base = importer.split(".")
    if not is_package:
        base = base[:-1]
    base = base[: len(base) - (node.level - 1)]
    return ".".join(base + ([node.module] if node.module else []))


def _type_checking(node: ast.If) -> bool:
    test = node.test
    return (isinstance(test, ast.Name) and test.id == "TYPE_CHECKING") or (
        isinstance(test, ast.Attribute) and test.attr == "TYPE_CHECKING"
    )


def read_source(src: Path = SRC) -> Source:
    out = Source()
    for path in sorted((src / PACKAGE).rglob("*.py")):
        out.modules[module_name(path, src)] = path
    known = set(out.modules)

    def target(name: str) -> str | None:
        """The longest known module prefix of an imported name (``motcua.a.b.func`` → ``motcua.a.b``)."""
        parts = name.split(".")
        while parts:
            cand = ".".join(parts)
            if cand in known:
                return cand
            parts.pop()
        return None

    for mod, path in out.modules.items():
        tree = ast.parse(path.read_text(encoding="utf-8"), filename=str(path))
        is_package = path.name == "__init__.py"

        def visit(node: ast.AST, lazy: bool) -> None:
            for child in ast.iter_child_nodes(node):
                if isinstance(child, ast.If) and _type_checking(child):
                    for other in child.orelse:
                        visit(other, lazy)
                    continue
                inner = lazy or isinstance(child, (ast.FunctionDef, ast.AsyncFunctionDef))
                if isinstance(child, ast.Import):
                    for alias in child.names:
                        if alias.name.split(".")[0] == PACKAGE and (t := target(alias.name)):
                            out.imports.append(Import(mod, t, child.lineno, lazy))
                elif isinstance(child, ast.ImportFrom):
                    base = _resolve(mod, is_package, child)
                    if not base or base.split(".")[0] != PACKAGE:
                        continue
                    for alias in child.names:
                        full = f"{base}.{alias.name}"
                        t = full if full in known else target(base)
                        if t:
                            out.imports.append(Import(mod, t, child.lineno, lazy))
                        if alias.name.startswith("_") and not alias.name.startswith("__") and t != mod:
                            out.private.append((mod, base, alias.name))
                visit(child, inner)

        visit(tree, False)
    return out


def package_graph(src: Source) -> dict[str, set[str]]:
    graph: dict[str, set[str]] = defaultdict(set)
    for imp in src.imports:
        a, b = group(imp.importer), group(imp.imported)
        if a != b:
            graph[a].add(b)
    return graph


def upward(src: Source) -> list[Import]:
    """Imports of a higher layer's module, one per (importer, imported) pair."""
    seen: dict[tuple[str, str], Import] = {}
    for imp in src.imports:
        if layer(imp.importer) < layer(imp.imported):
            seen.setdefault((imp.importer, imp.imported), imp)
    return sorted(seen.values(), key=lambda i: (i.importer, i.imported))


def cycles(graph: dict[str, set[str]]) -> list[list[str]]:
    """Strongly connected components of more than one node (Tarjan), each sorted."""
    index: dict[str, int] = {}
    low: dict[str, int] = {}
    stack: list[str] = []
    on: set[str] = set()
    found: list[list[str]] = []
    counter = [0]
    sys.setrecursionlimit(max(10_000, sys.getrecursionlimit()))

    def strong(v: str) -> None:
        index[v] = low[v] = counter[0]
        counter[0] += 1
        stack.append(v)
        on.add(v)
        for w in sorted(graph.get(v, ())):
            if w not in index:
                strong(w)
                low[v] = min(low[v], low[w])
            elif w in on:
                low[v] = min(low[v], index[w])
        if low[v] == index[v]:
            comp = []
            while True:
                w = stack.pop()
                on.discard(w)
                comp.append(w)
                if w == v:
                    break
            if len(comp) > 1:
                found.append(sorted(comp))

    for v in sorted(set(graph) | {w for ws in graph.values() for w in ws}):
        if v not in index:
            strong(v)
    return sorted(found)


def module_graph(src: Source) -> dict[str, set[str]]:
    graph: dict[str, set[str]] = defaultdict(set)
    for imp in src.imports:
        if imp.importer != imp.imported and not imp.importer.startswith(imp.imported + "."):
            # a package's submodule importing its own __init__ is not a cycle worth naming
            graph[imp.importer].add(imp.imported)
    return graph


def sizes(src: Source) -> dict[str, object]:
    lines: dict[str, int] = {}
    long_functions: list[tuple[str, str, int]] = []
    long_lines = 0
    for mod, path in src.modules.items():
        text = path.read_text(encoding="utf-8")
        rows = text.splitlines()
        lines[mod] = len(rows)
        long_lines += sum(len(r) > LONG_LINE for r in rows)
        for node in ast.walk(ast.parse(text)):
            if isinstance(node, (ast.FunctionDef, ast.AsyncFunctionDef)):
                n = (node.end_lineno or node.lineno) - node.lineno + 1
                if n > LONG_FUNCTION:
                    long_functions.append((mod, node.name, n))
    return {
        "module_lines": dict(sorted(lines.items(), key=lambda kv: -kv[1])),
        "long_functions": sorted(long_functions, key=lambda t: -t[2]),
        "long_lines": long_lines,
    }


def report(src: Source) -> dict[str, object]:
    graph = package_graph(src)
    size = sizes(src)
    return {
        "packages": {k: sorted(v) for k, v in sorted(graph.items())},
        "upward": [f"{i.importer} -> {i.imported}" + (" (lazy)" if i.lazy else "") for i in upward(src)],
        "package_cycles": cycles(graph),
        "module_cycles": cycles(module_graph(src)),
        "private_imports": sorted({f"{a} <- {m}.{n}" for a, m, n in src.private}),
        **size,
    }


def main(argv: list[str] | None = None) -> int:
    argv = sys.argv[1:] if argv is None else argv
    rep = report(read_source())
    if "--json" in argv:
        print(json.dumps(rep, indent=1, ensure_ascii=False))
        return 0
    print("Layers (lowest first): " + ", ".join(f"{n} {name}" for n, name in LAYER_NAMES.items()))
    print("\nPackage imports (importer -> imported; ^ marks an upward import):")
    for pkg, deps in rep["packages"].items():
        marks = [d + ("^" if LAYERS[d] > LAYERS[pkg] else "") for d in deps]
        print(f"  {pkg:9} [{LAYERS[pkg]}] -> {', '.join(marks)}")
    print(f"\nUpward imports: {len(rep['upward'])}")
    for u in rep["upward"]:
        print("  " + u)
    print(f"\nPackage cycles: {len(rep['package_cycles'])}")
    for c in rep["package_cycles"]:
        print("  " + " <-> ".join(c))
    print(f"\nModule cycles: {len(rep['module_cycles'])}")
    for c in rep["module_cycles"]:
        print("  " + " <-> ".join(c))
    print(f"\nPrivate names imported across modules: {len(rep['private_imports'])}")
    for p in rep["private_imports"]:
        print("  " + p)
    mods = rep["module_lines"]
    print(f"\nModules: {len(mods)}, {sum(mods.values())} lines; over 300 lines: {sum(v > 300 for v in mods.values())}")
    for m, n in list(mods.items())[:10]:
        print(f"  {n:5} {m}")
    print(f"\nFunctions over {LONG_FUNCTION} lines: {len(rep['long_functions'])}")
    for m, f, n in rep["long_functions"][:10]:
        print(f"  {n:5} {m}.{f}")
    print(f"\nLines over {LONG_LINE} characters: {rep['long_lines']}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
