"""The pipeline: stages clean → model → render, run through papermill, incremental.

See docs/architecture.md ("Stages and products"). The command line (:mod:`motcua.cli`), the
Makefile and JupyterLab share this one code path.

Importing the pipeline marks ``rfc3987_syntax`` absent. jsonschema (under
nbformat and papermill) imports it, when installed (jupyterlab's jupyter-events
pulls it in), to check the "iri" string format, and compiles 39 lark grammars
doing so: about 1 s on a quiet machine and 3 s on a loaded one, in every process
that reads or writes a notebook. No notebook schema uses that format; without
the module jsonschema simply has no "iri" checker (tests/pipeline/test_imports.py).
"""

import sys
from typing import Any

sys.modules.setdefault("rfc3987_syntax", None)  # type: ignore[arg-type]

__all__ = ["kept"]


def __getattr__(name: str) -> Any:
    """``kept``, the kept kernels (:mod:`motcua.kernels.kept`) for the command line, imported on first use: a
    build that finds everything up to date (:mod:`motcua.pipeline.noop`) starts no kernel."""
    if name == "kept":
        from motcua.kernels import kept

        return kept
    raise AttributeError(f"module 'motcua.pipeline' has no attribute {name!r}")
