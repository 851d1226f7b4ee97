"""A unit code given as a number (papermill's ``-p unit_code 001`` is the integer 1) is read as the code it
names, zero-padded to its level's width (province 2, district 3, commune 5), or refused with a message
that says how to pass it as text."""

from __future__ import annotations

import pandas as pd
import pytest

from motcua.unit_codes import unit_code_param

PANEL = pd.DataFrame(
    {
        "unit_schema": ["legacy", "legacy", "legacy", "2025", "2025", "legacy", "legacy"],
        "unit_code": ["001", "555", "00004", "22015", "54", "00007", "007"],
        "unit_level": ["district", "district", "commune", "commune", "province", "commune", "district"],
    }
)


@pytest.mark.parametrize(
    "value, schema, code",
    [
        (1, "legacy", "001"),  # a district: 3 digits
        (555, "legacy", "555"),
        (4, "legacy", "00004"),  # a commune: 5 digits
        (22015, "2025", "22015"),
        (54, "2025", "54"),  # a province: 2 digits
        (1.0, "legacy", "001"),
        ("001", "legacy", "001"),  # text is the code itself
        ("1", "legacy", "1"),
    ],
)
def test_a_number_is_read_as_the_code_it_names(value, schema, code):
    assert unit_code_param(value, PANEL, schema) == code


def test_the_era_decides_between_namesakes():
    assert unit_code_param(1, PANEL, None) == "001"
    with pytest.raises(ValueError, match="no unit of era '2025'"):
        unit_code_param(1, PANEL, "2025")


@pytest.mark.parametrize(
    "value, message",
    [
        (
            2,
            r"no unit of era 'legacy' has the code it names \('02' \(province\), '002' \(district\), '00002' \(commune\)\)",
        ),
        (123456, "too many digits"),
        (-1, "negative"),
        (1.5, "not a whole number"),
        (True, "is not a code"),
        (None, "is not a code"),
        (7, "names units of two levels"),
    ],
)
def test_a_number_that_names_no_single_unit_is_refused(value, message):
    with pytest.raises(ValueError, match=message) as err:
        unit_code_param(value, PANEL, "legacy")
    assert "as text" in str(err.value)


def test_without_a_panel_a_number_is_refused():
    with pytest.raises(ValueError, match="no panel"):
        unit_code_param(1)


def test_the_district_report_reads_a_numeric_code(tmp_path, monkeypatch):
    """The notebook's first call, motcua.report.district_report, takes the integer papermill hands it."""
    from motcua.report import district as district_mod

    seen = {}

    class Stop(Exception):
        pass

    class Loaded:
        panel = PANEL

    def scoped(data, code, unit_schema):
        seen["code"] = code
        raise Stop

    monkeypatch.setattr(district_mod, "load_data", lambda data_dir: Loaded())
    monkeypatch.setattr(district_mod, "_scoped", scoped)
    with pytest.raises(Stop):
        district_mod.district_report(1, tmp_path, "vi", "legacy")
    assert seen["code"] == "001"
    with pytest.raises(ValueError, match="no unit of era 'legacy'"):
        district_mod.district_report(2, tmp_path, "vi", "legacy")
