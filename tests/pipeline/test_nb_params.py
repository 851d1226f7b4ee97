"""The parameters the render stage hands notebooks 30 and 40 are exactly those their parameters cells declare."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from motcua import locations as loc
from motcua.pipeline.nb_params import check_parameters, declared_parameters
from motcua.pipeline.render_units import check_render_parameters, unit_params, wanted_units
from motcua.report.eras import ReportUnit

UNIT = ReportUnit("legacy", "555", "Thành phố Tuy Hòa", "district")


def test_the_stage_hands_the_notebooks_exactly_their_parameters():
    assert declared_parameters(loc.notebook(loc.NOTEBOOK_DISTRICT)) == ("unit_code", "unit_schema", "data_dir", "lang")
    params = unit_params(UNIT, Path("data"), "vi")
    assert params["unit_schema"] == "legacy"
    check_render_parameters(params, {"data_dir": "data", "lang": "vi", "province": ""})  # no error


@pytest.mark.parametrize("bad", ["unit_shema", "Unit_schema", "unitschema"])
def test_a_misspelt_key_fails_before_anything_runs(bad):
    params = unit_params(UNIT, Path("data"), "vi")
    params[bad] = params.pop("unit_schema")
    with pytest.raises(ValueError, match=f"unknown parameter\\(s\\) {bad}.*not given: unit_schema"):
        check_render_parameters(params, {"data_dir": "data", "lang": "vi"})
    with pytest.raises(ValueError, match="unknown parameter"):
        check_render_parameters(unit_params(UNIT, Path("data"), "vi"), {"data_dir": "data", "language": "vi"})


def test_the_parameters_cell_is_read_from_the_notebook(tmp_path):
    nb = {
        "cells": [{"cell_type": "code", "metadata": {"tags": ["parameters"]}, "source": ["a = 1\n", "b: str = 'x'\n"]}],
        "metadata": {},
        "nbformat": 4,
        "nbformat_minor": 5,
    }
    p = tmp_path / "n.ipynb"
    p.write_text(json.dumps(nb), encoding="utf-8")
    assert declared_parameters(p) == ("a", "b")
    check_parameters(p, {"a": 2, "b": "y"})
    with pytest.raises(ValueError):
        check_parameters(p, {"a": 2})


def test_units_are_asked_for_by_key_or_by_code():
    units = [
        UNIT,
        ReportUnit("2025", "555", "Xã X", "commune"),
        ReportUnit("2025", "22015", "Phường Tuy Hòa", "commune"),
    ]
    assert wanted_units(None, units) is None
    assert wanted_units(["legacy:555"], units) == {"legacy:555"}
    assert wanted_units(["555"], units) == {"legacy:555", "2025:555"}
    with pytest.raises(ValueError, match="unknown unit code"):
        wanted_units(["999"], units)
