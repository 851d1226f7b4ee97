"""The warm kernel: parameters injected by papermill, nothing leaks from one notebook to the next."""

from __future__ import annotations

from pathlib import Path

import nbformat
import pytest

from motcua.kernels.execute import WarmKernel


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


def _cells(tmp_path: Path, name: str, *sources: str, tags: dict[int, list[str]] | None = None) -> Path:
    nb = nbformat.v4.new_notebook(cells=[nbformat.v4.new_code_cell(s) for s in sources])
    for i, t in (tags or {}).items():
        nb.cells[i].metadata["tags"] = t
    nb.metadata["kernelspec"] = {"name": "python3", "display_name": "Python 3", "language": "python"}
    path = tmp_path / name
    nbformat.write(nb, str(path))
    return path


def test_cells_sent_together_keep_their_own_outputs_and_order(kernel, tmp_path):
    """Each output lands in its own cell, in order, on a kernel that ran other notebooks before."""
    path = _cells(
        tmp_path, "many.ipynb", *[f"import time; time.sleep(0.01 * ({i} % 3)); print({i})" for i in range(12)]
    )
    nb = kernel.execute(path, None, {})
    assert [c.outputs[0]["text"] for c in nb.cells] == [f"{i}\n" for i in range(12)]
    assert [c.execution_count for c in nb.cells] == sorted(c.execution_count for c in nb.cells)
    assert nb.metadata["language_info"]["name"] == "python"


def test_no_cell_runs_after_a_failing_one(kernel, tmp_path):
    """No cell runs after a failing one, and the next notebook on the same kernel is unaffected."""
    import papermill

    marker = tmp_path / "ran"
    path = _cells(
        tmp_path,
        "stop.ipynb",
        "x = 1",
        "raise RuntimeError('dừng')",
        f"open({str(marker)!r}, 'w').write('!')",
        "print('after')",
    )
    with pytest.raises(papermill.PapermillExecutionError):
        kernel.execute(path, None, {})
    assert not marker.exists(), "a cell after the failing one ran"
    code = [c for c in kernel.last_nb.cells if c.cell_type == "code"]
    assert code[1].outputs[0]["ename"] == "RuntimeError" and all(not c.outputs for c in code[2:])
    again = kernel.execute(_cells(tmp_path, "next.ipynb", "print('one')", "print('two')"), None, {})
    assert [c.outputs[0]["text"] for c in again.cells] == ["one\n", "two\n"]


def test_a_cell_allowed_to_fail_lets_the_next_ones_run(kernel, tmp_path):
    import papermill

    path = _cells(
        tmp_path, "allowed.ipynb", "raise KeyError('được phép')", "print('tiếp')", tags={0: ["raises-exception"]}
    )
    with pytest.raises(papermill.PapermillExecutionError):  # papermill reports every error output, allowed or not
        kernel.execute(path, None, {})
    code = [c for c in kernel.last_nb.cells if c.cell_type == "code"]
    assert code[0].outputs[0]["ename"] == "KeyError"
    assert code[1].outputs[0]["text"] == "tiếp\n", "the cell after an allowed failure did not run"


def test_a_print_split_by_the_kernels_flush_timer_is_one_output():
    """ipykernel may send print("one") as "one" then "\\n" (its 0.2 s flush timer); the executed notebook
    keeps one output per stream run, whatever the timing, and leaves other outputs where they were."""
    from motcua.kernels.execute import coalesce_streams

    out = nbformat.v4.new_output
    cell = nbformat.v4.new_code_cell("print('one'); display(x); print('two')")
    cell.outputs = [
        out("stream", name="stdout", text="one"),
        out("stream", name="stdout", text="\n"),
        out("display_data", data={"text/plain": "x"}),
        out("stream", name="stdout", text="two"),
        out("stream", name="stderr", text="warn\n"),
        out("stream", name="stdout", text="\n"),
    ]
    nb = nbformat.v4.new_notebook(cells=[cell, nbformat.v4.new_code_cell("1")])
    assert coalesce_streams(nb) == 1
    assert [(o.output_type, o.get("name"), o.get("text")) for o in nb.cells[0].outputs] == [
        ("stream", "stdout", "one\n"),
        ("display_data", None, None),
        ("stream", "stdout", "two"),
        ("stream", "stderr", "warn\n"),
        ("stream", "stdout", "\n"),
    ]
    assert nb.cells[1].outputs == []
    assert coalesce_streams(nb) == 0  # nothing left to merge
