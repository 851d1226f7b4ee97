"""What the build's own process imports: notebooks are read, written and exported to HTML without
the models and charts (imported by the kernels only), and without jsonschema's slow "iri" checker."""

from __future__ import annotations

import json
import subprocess
import sys

CODE = """
import json, sys
import motcua.kernels.execute, motcua.pipeline.stages, motcua.report.export, motcua.report.index
import nbformat
nb = nbformat.v4.new_notebook(cells=[nbformat.v4.new_code_cell("1")])
nbformat.validate(nb)
print(json.dumps({m: (m in sys.modules and sys.modules[m] is not None)
                  for m in ("rfc3987_syntax", "statsmodels", "seaborn", "scipy.stats", "motcua.report.district", "motcua.model.run")}))
"""


def test_the_build_process_imports_neither_models_nor_the_iri_grammars():
    out = subprocess.run([sys.executable, "-c", CODE], capture_output=True, text=True, check=True).stdout
    loaded = json.loads(out.strip().splitlines()[-1])
    assert loaded == {m: False for m in loaded}, loaded


def test_report_names_still_resolve_for_notebooks():
    import motcua.report as report

    assert callable(report.district_report) and callable(report.province_overview) and callable(report.load_data)
    assert set(report.__all__) == {"ReportData", "district_report", "load_data", "province_overview"}


WATCH = """
import json, pathlib, sys, tempfile, time
from motcua.pipeline.hash_watch import HashWhenWritten
from motcua.version import source_hash
source_hash()
watch = HashWhenWritten(pathlib.Path(tempfile.mkdtemp()), every_s=0.01)
time.sleep(0.05)
watch.stop()
print(json.dumps({m: m in sys.modules for m in ("pandas", "pyarrow", "importlib.metadata")}))
"""


def test_a_build_that_finds_the_model_up_to_date_imports_neither_pandas_nor_the_package_metadata():
    """What a no-op build runs around the model stage (the watch for its tables, the code's hash) loads nothing
    heavy: a no-op answers in a fraction of a second."""
    out = subprocess.run([sys.executable, "-c", WATCH], capture_output=True, text=True, check=True).stdout
    loaded = json.loads(out.strip().splitlines()[-1])
    assert loaded == {m: False for m in loaded}, loaded
