"""The notebook check behind `make lint`: a notebook with outputs or execution counts is refused,
a cleared one passes, and the committed notebooks are cleared."""

from __future__ import annotations

import importlib.util
from pathlib import Path

import nbformat

ROOT = Path(__file__).resolve().parents[1]
spec = importlib.util.spec_from_file_location("check_notebooks", ROOT / "scripts" / "check_notebooks.py")
check = importlib.util.module_from_spec(spec)
spec.loader.exec_module(check)


def _nb(path: Path, outputs: bool, count: int | None) -> Path:
    cell = nbformat.v4.new_code_cell("1 + 1", execution_count=count)
    if outputs:
        cell.outputs = [nbformat.v4.new_output("execute_result", data={"text/plain": "2"}, execution_count=count)]
    nbformat.write(nbformat.v4.new_notebook(cells=[nbformat.v4.new_markdown_cell("x"), cell]), path)
    return path


def test_a_notebook_with_outputs_or_counts_is_refused(tmp_path, capsys):
    assert check.main([str(_nb(tmp_path / "clear.ipynb", False, None))]) == 0
    assert check.main([str(_nb(tmp_path / "ran.ipynb", True, 3))]) == 1
    err = capsys.readouterr().err
    assert "ran.ipynb: cell 1 has outputs" in err and "ran.ipynb: cell 1 has an execution count" in err
    assert check.main([str(_nb(tmp_path / "count.ipynb", False, 1))]) == 1


def test_the_committed_notebooks_are_cleared():
    notebooks = sorted((ROOT / "notebooks").glob("*.ipynb"))
    assert notebooks
    assert [p for nb in notebooks for p in check.problems(nb)] == []
