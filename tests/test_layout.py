"""Guards on the test suite's own layout.

pytest's default ("prepend") import mode imports every test module by its
basename, so two test files with the same name in different folders without
``__init__.py`` abort collection of the whole suite. This test names the
clash before pytest's collection error does.
"""

from collections import defaultdict
from pathlib import Path

TESTS = Path(__file__).parent


def test_test_module_basenames_are_unique() -> None:
    by_name: dict[str, list[Path]] = defaultdict(list)
    for path in TESTS.rglob("*.py"):
        if path.name in {"conftest.py", "__init__.py"}:
            continue
        if (path.parent / "__init__.py").exists():
            continue  # imported as part of a package, name is qualified
        by_name[path.name].append(path.relative_to(TESTS))
    clashes = {name: paths for name, paths in by_name.items() if len(paths) > 1}
    assert not clashes, f"test modules share a basename: {clashes}"


def test_every_module_imports_on_its_own() -> None:
    """No import cycle hides behind import order: each module of the readers and the clean stage (which
    import each other) imports first, in a fresh interpreter."""
    import subprocess
    import sys

    src = TESTS.parent / "src"
    mods = sorted(
        ".".join(p.relative_to(src).with_suffix("").parts).removesuffix(".__init__")
        for pkg in ("ingest", "clean")
        for p in (src / "motcua" / pkg).rglob("*.py")
    )
    code = (
        "import importlib, subprocess, sys\n"
        "bad = [m for m in sys.argv[1:] if subprocess.run([sys.executable, '-c', f'import {m}'],"
        " capture_output=True).returncode]\n"
        "print('\\n'.join(bad))"
    )
    out = subprocess.run(
        [sys.executable, "-c", code, *mods],
        capture_output=True,
        text=True,
        env={"MPLBACKEND": "Agg", **__import__("os").environ},
    )
    assert out.stdout.strip() == "", f"modules that fail to import on their own:\n{out.stdout}"
