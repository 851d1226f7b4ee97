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
