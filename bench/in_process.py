"""A notebook's cells run in one warm IPython shell of this process: the floor of the report bench.

No kernel, no papermill, no messages: each code cell goes to ``InteractiveShell.run_cell`` with its
display outputs captured, the parameters cell replaced by the parameters, and the page exported in
this process (:func:`motcua.report.export.notebook_to_html`), with the kernels' reset between notebooks
(:func:`motcua.kernels.kernel_side.reset_namespace`). Used by bench/run.py (the floor, in a subprocess)
and bench/overview_bench.py.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

WARMUP = (
    "import matplotlib; matplotlib.use('Agg'); import pandas, seaborn, statsmodels.api, "
    "motcua.report.district, motcua.report.overview"
)


def warm_shell() -> Any:
    """The process's IPython shell with the reports' imports done and the kernels' warm-up state."""
    from IPython.core.interactiveshell import InteractiveShell

    from motcua.kernels.kernel_side import after_warmup

    shell = InteractiveShell.instance()
    shell.run_cell(WARMUP)
    after_warmup()
    return shell


def run_notebook(shell: Any, path: Path | str, params: dict[str, Any], lang: str = "vi") -> str:
    """Run the notebook at ``path`` with ``params`` in ``shell``; its HTML page."""
    import nbformat
    from IPython.utils.capture import capture_output

    from motcua.kernels.kernel_side import reset_namespace
    from motcua.report.export import notebook_to_html

    reset_namespace(shell)
    src = nbformat.read(str(path), as_version=4)
    nb = nbformat.v4.new_notebook(metadata=src.metadata)
    for cell in src.cells:
        if cell.cell_type != "code":
            nb.cells.append(cell)
            continue
        source = cell.source
        if "parameters" in cell.metadata.get("tags", []):
            # as papermill does: the notebook's defaults, then the parameters given (a new parameter keeps its default)
            source = source + "\n" + "".join(f"{k} = {v!r}\n" for k, v in params.items())
        with capture_output() as cap:
            res = shell.run_cell(source)
        res.raise_error()
        c = nbformat.v4.new_code_cell(source)
        c.outputs = [nbformat.v4.new_output("display_data", data=o.data, metadata=o.metadata) for o in cap.outputs]
        nb.cells.append(c)
    return notebook_to_html(nb, lang=lang, title="bench", build_stamp="bench")
