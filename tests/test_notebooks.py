"""The shipped notebooks are thin: a literals-only parameters cell, no definitions, no outputs."""

import ast
from pathlib import Path

import nbformat
import pytest

ROOT = Path(__file__).resolve().parents[1]
EXPECTED = {
    "00_explore.ipynb": {"data_dir", "unit_code", "lang"},
    "10_clean.ipynb": {"raw_paths", "out_dir", "cache_dir"},
    "20_model.ipynb": {"data_dir"},
    "30_district_report.ipynb": {"unit_code", "unit_schema", "data_dir", "lang"},
    "40_province_overview.ipynb": {"data_dir", "lang", "province"},
}


def _literal(node: ast.AST) -> bool:
    try:
        ast.literal_eval(node)
        return True
    except ValueError:
        return False


@pytest.mark.parametrize("name", sorted(EXPECTED))
def test_notebook_is_thin_and_clean(name):
    path = ROOT / "notebooks" / name
    assert path.exists(), f"{name} is missing"
    nb = nbformat.read(str(path), as_version=4)
    nbformat.validate(nb)
    assert nb.metadata.get("kernelspec", {}).get("name") == "python3"
    code = [c for c in nb.cells if c.cell_type == "code"]
    params = [c for c in code if "parameters" in c.metadata.get("tags", [])]
    assert len(params) == 1, "exactly one cell tagged 'parameters'"
    assigned = set()
    for stmt in ast.parse(params[0].source).body:
        assert isinstance(stmt, (ast.Assign, ast.AnnAssign)), (
            f"parameters cell holds only assignments, not {ast.dump(stmt)[:60]}"
        )
        value = stmt.value
        assert value is not None and _literal(value), "parameters are literals"
        targets = stmt.targets if isinstance(stmt, ast.Assign) else [stmt.target]
        assigned |= {t.id for t in targets if isinstance(t, ast.Name)}
    assert assigned == EXPECTED[name]
    for c in code:
        assert not c.outputs, f"{name} is committed with outputs"
        assert c.execution_count is None, f"{name} is committed with execution counts"
        tree = ast.parse("\n".join(l for l in c.source.splitlines() if not l.lstrip().startswith(("%", "!"))))
        for node in ast.walk(tree):
            assert not isinstance(node, (ast.FunctionDef, ast.AsyncFunctionDef, ast.ClassDef, ast.Lambda)), (
                f"{name}: logic belongs in src/motcua, not in the notebook"
            )
