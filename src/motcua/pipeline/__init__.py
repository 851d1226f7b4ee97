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

sys.modules.setdefault("rfc3987_syntax", None)  # type: ignore[arg-type]

from motcua.kernels import kept  # noqa: E402  the kept kernels, as ``motcua.pipeline.kept`` for the command line

__all__ = ["kept"]
