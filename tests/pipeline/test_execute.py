"""The warm kernel: parameters injected by papermill, nothing leaks from one notebook to the next."""
from __future__ import annotations

from pathlib import Path

import nbformat
import pytest

from motcua.pipeline.execute import WarmKernel


@pytest.fixture(scope="module")
def kernel():
    k = WarmKernel()
    yield k
    k.shutdown()


def _notebook(tmp_path: Path) -> Path:
    nb = nbformat.v4.new_notebook()
    params = nbformat.v4.new_code_cell("unit = 'x'")
    params.metadata["tags"] = ["parameters"]
    nb.cells = [
        params,
        nbformat.v4.new_code_cell("print(unit, 'leftover' in dir())\nleftover = 1"),
        nbformat.v4.new_code_cell(
            "import matplotlib as mpl, matplotlib.pyplot as plt\nprint(mpl.rcParams['lines.linewidth'])\n"
            "mpl.rcParams['lines.linewidth'] = 9\nplt.plot([1, 2]); plt.show()"
        ),
    ]
    nb.metadata["kernelspec"] = {"name": "python3", "display_name": "Python 3", "language": "python"}
    path = tmp_path / "t.ipynb"
    nbformat.write(nb, str(path))
    return path


def test_state_is_reset_between_notebooks(kernel, tmp_path):
    path = _notebook(tmp_path)
    first = kernel.execute(path, None, {"unit": "a"})
    second = kernel.execute(path, None, {"unit": "b"})
    assert first.cells[2].outputs[0]["text"] == "a False\n"
    assert second.cells[2].outputs[0]["text"] == "b False\n", "a name from the previous notebook leaked"
    lw1 = first.cells[3].outputs[0]["text"]
    lw2 = second.cells[3].outputs[0]["text"]
    assert lw1 == lw2, "matplotlib rcParams leaked between notebooks"
    assert any("image/png" in o.get("data", {}) for o in second.cells[3].outputs), "inline figure missing"
    assert "injected-parameters" in second.cells[1].metadata["tags"]


def test_a_failing_cell_raises_with_the_executed_notebook(kernel, tmp_path):
    import papermill

    nb = nbformat.v4.new_notebook(cells=[nbformat.v4.new_code_cell("raise ValueError('hỏng')")])
    nb.metadata["kernelspec"] = {"name": "python3", "display_name": "Python 3", "language": "python"}
    path = tmp_path / "bad.ipynb"
    nbformat.write(nb, str(path))
    with pytest.raises(papermill.PapermillExecutionError) as err:
        kernel.execute(path, None, {})
    assert err.value.ename == "ValueError" and "hỏng" in err.value.evalue
    errors = [o for c in err.value.nb.cells if c.cell_type == "code" for o in c.outputs if o.get("ename")]
    assert errors and errors[0]["ename"] == "ValueError", "the failed notebook is kept for the audit"
    # the kernel is still usable afterwards
    ok = kernel.execute(_notebook(tmp_path), None, {"unit": "c"})
    assert ok.cells[2].outputs[0]["text"] == "c False\n"
