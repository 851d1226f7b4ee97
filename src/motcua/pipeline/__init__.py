"""The pipeline: stages clean → model → render, run through papermill, incremental.

See ../shared/DESIGN.md "Stages". The command line (:mod:`motcua.cli`), the
Makefile and JupyterLab share this one code path.
"""
