"""The kernels that run the stages' notebooks: :mod:`.execute` (papermill through a warm kernel that imports
once, or a cold one), :mod:`.kept` (kernels kept warm between builds, leased by one process at a time) and
:mod:`.kernel_side` (the code the kernel itself runs: quiet log, namespace reset, idle exit).

Below the pipeline and above the stages' packages: nothing here knows a stage, a table or a report.

Importing the package marks ``rfc3987_syntax`` absent (see :mod:`motcua.pipeline`): jsonschema, under nbformat
and papermill, would otherwise compile 39 grammars for an "iri" format no notebook schema uses.
"""

import sys

sys.modules.setdefault("rfc3987_syntax", None)  # type: ignore[arg-type]
