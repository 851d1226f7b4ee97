"""The stages declared as data: each stage's parameters are its notebook's, and a misspelt key or a value of the
wrong literal type is refused before anything runs."""

from __future__ import annotations

import json
import shutil
from pathlib import Path

import pytest

from motcua import locations as loc
from motcua.pipeline import stage_specs as specs
from motcua.pipeline import stages
from motcua.pipeline.nb_params import NOT_LITERAL, check_parameters, declared_defaults
from motcua.pipeline.render_units import check_render_parameters, overview_params, unit_params
from motcua.report.eras import ReportUnit

UNIT = ReportUnit("legacy", "555", "Thành phố Tuy Hòa", "district")


@pytest.mark.parametrize("spec", specs.STAGES, ids=lambda s: s.name)
def test_every_stage_declares_exactly_its_notebooks_parameters(spec):
    assert spec.notebook_path().exists()
    assert tuple(declared_defaults(spec.notebook_path())) == spec.parameters


def test_the_stages_run_their_notebooks_in_build_order():
    assert [s.notebook for s in specs.STAGES[:3]] == [loc.NOTEBOOK_CLEAN, loc.NOTEBOOK_MODEL, loc.NOTEBOOK_DISTRICT]
    assert specs.CLEAN.outputs == (loc.PANEL, loc.QUALITY, loc.CLEAN_META)
    assert set(specs.MODEL.outputs) <= set(specs.RENDER_INPUTS) and specs.MODEL.inputs == (loc.PANEL,)
    assert stages.RENDER_INPUTS is specs.RENDER_INPUTS


def test_the_parameters_built_are_those_declared_in_order():
    assert unit_params(UNIT, Path("d"), "vi") == {
        "unit_code": "555",
        "unit_schema": "legacy",
        "data_dir": "d",
        "lang": "vi",
    }
    assert list(overview_params(Path("d"), "en", "54")) == ["data_dir", "lang", "province"]
    check_render_parameters(unit_params(UNIT, Path("d"), "vi"), overview_params(Path("d"), "vi"))  # no error


def test_a_misspelt_unit_code_is_refused_naming_the_notebook_and_the_key():
    """Without the check papermill would warn and render the cell's default unit (555) for every district."""
    with pytest.raises(ValueError, match=r"30_district_report\.ipynb.*unknown parameter\(s\) unit_cod"):
        specs.UNIT_REPORT.params(unit_cod="001", unit_schema="legacy", data_dir="d", lang="vi")
    params = unit_params(UNIT, Path("d"), "vi")
    params["unit_cod"] = params.pop("unit_code")
    with pytest.raises(ValueError, match=r"render: 30_district_report\.ipynb: unknown parameter\(s\) unit_cod"):
        check_render_parameters(params, overview_params(Path("d"), "vi"))


@pytest.mark.parametrize(
    ("spec", "values", "key"),
    [
        (specs.UNIT_REPORT, {"unit_code": 555, "unit_schema": "legacy", "data_dir": "d", "lang": "vi"}, "unit_code"),
        (specs.OVERVIEW, {"data_dir": "d", "lang": "vi", "province": 54}, "province"),
        (specs.CLEAN, {"raw_paths": "data/raw", "out_dir": "d", "cache_dir": None}, "raw_paths"),
        (specs.MODEL, {"data_dir": Path("d")}, "data_dir"),
    ],
)
def test_a_value_of_the_wrong_literal_type_is_refused(spec, values, key):
    with pytest.raises(ValueError, match=rf"{spec.notebook}: parameter\(s\) of the wrong type: {key} = "):
        spec.params(**values)


def test_a_default_of_none_or_an_expression_takes_any_value(tmp_path):
    nb = {
        "cells": [
            {
                "cell_type": "code",
                "metadata": {"tags": ["parameters"]},
                "source": ["a = None\n", "b: float = 1.5\n", "c = str(1)\n", "d = True\n"],
            }
        ],
        "metadata": {},
        "nbformat": 4,
        "nbformat_minor": 5,
    }
    p = tmp_path / "n.ipynb"
    p.write_text(json.dumps(nb), encoding="utf-8")
    assert declared_defaults(p) == {"a": None, "b": 1.5, "c": NOT_LITERAL, "d": True}
    check_parameters(p, {"a": "x", "b": 2, "c": [1], "d": False})
    with pytest.raises(ValueError, match=r"n\.ipynb: parameter\(s\) of the wrong type: d = 1"):
        check_parameters(p, {"a": "x", "b": 2, "c": [1], "d": 1})
    with pytest.raises(ValueError, match=r"wrong type: b = True"):
        check_parameters(p, {"a": "x", "b": True, "c": [1], "d": False})


class _NoKernel:
    def execute(self, *args, **kwargs):
        raise AssertionError("a notebook ran despite a parameter its parameters cell does not declare")


def test_the_clean_stage_refuses_a_misspelt_parameter_before_running(tmp_path, monkeypatch):
    """A notebook whose parameters cell lost a name the stage hands it: the stage fails naming the notebook and
    the key, and no kernel is asked to run anything."""
    nbdir = tmp_path / "notebooks"
    nbdir.mkdir()
    nb = json.loads(loc.notebook(loc.NOTEBOOK_CLEAN).read_text(encoding="utf-8"))
    for cell in nb["cells"]:
        if "parameters" in cell.get("metadata", {}).get("tags", []):
            cell["source"] = ["".join(cell["source"]).replace("cache_dir", "cache_dri")]
    (nbdir / loc.NOTEBOOK_CLEAN).write_text(json.dumps(nb), encoding="utf-8")
    monkeypatch.setenv("MOTCUA_NOTEBOOKS", str(nbdir))
    raw = tmp_path / "raw"
    raw.mkdir()
    shutil.copy(Path(__file__).parents[1] / "data" / "ingest" / "bieu06_2024-03.xls", raw)
    with pytest.raises(
        stages.StageError, match=r"clean: 10_clean\.ipynb: unknown parameter\(s\) cache_dir.*not given: cache_dri"
    ):
        stages.clean_stage([raw], tmp_path / "data", tmp_path / "executed", kernel=_NoKernel())
    assert not (tmp_path / "executed").exists()
