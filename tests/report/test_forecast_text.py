"""What a report says about a forecast: no probability where the interval is too wide; the method note's coverage."""

from __future__ import annotations

import json

import pandas as pd
import pytest

from motcua.model import forecast
from motcua.report import forecast_note as fn
from motcua.report.narrative import target_sentence
from motcua.report.strings import strings

ROW = {
    "p_meet_target": 0.37,
    "target": 0.8,
    "target_period_end": pd.Timestamp("2026-12-31"),
    "target_low": 0.08,
    "target_high": 0.90,
}


@pytest.mark.parametrize("lang", ["vi", "en"])
def test_too_uncertain_target_quotes_no_probability(lang):
    S = strings(lang)
    wide = target_sentence("online_rate", {**ROW, "target_too_uncertain": True}, S)
    assert "37" not in wide and ("8%" in wide and "90%" in wide)
    assert ("quá bất định" in wide) if lang == "vi" else ("too uncertain" in wide)
    narrow = target_sentence("online_rate", {**ROW, "target_too_uncertain": False}, S)
    assert "37%" in narrow


@pytest.mark.parametrize("lang", ["vi", "en"])
def test_method_note_reads_the_measured_coverage(lang, tmp_path, monkeypatch):
    f = tmp_path / "cal.json"
    f.write_text(
        json.dumps(
            {
                "method": "damped",
                "series": 3600,
                "coverage_min": 0.9312,
                "coverage_max": 0.9587,
                "measured_on": "2026-12-07",
            }
        ),
        encoding="utf-8",
    )
    monkeypatch.setattr(forecast, "CALIBRATION_FILE", f)
    S = strings(lang)
    text = fn.forecast_note(S, {"forecast_method": "damped", "forecast_max_width": 0.4})
    assert (
        ("93,1%" in text and "95,9%" in text and "3.600" in text)
        if lang == "vi"
        else ("93.1%" in text and "95.9%" in text)
    )
    assert S["fc_model_damped"] in text
    # measured for another method: the note names the model and quotes no coverage
    other = fn.forecast_note(S, {"forecast_method": "glm", "forecast_max_width": 0.4})
    assert "93" not in other and S["fc_model_glm"] in other


@pytest.mark.parametrize("lang", ["vi", "en"])
def test_method_note_names_the_growth_methods_partners(lang, tmp_path, monkeypatch):
    """The growth method's note names the methods it mixes in and falls back on; coverage measured for the same
    method with other partners is not quoted."""
    f = tmp_path / "cal.json"
    cal = {"series": 3200, "coverage_min": 0.934, "coverage_max": 0.958, "measured_on": "2026-12-07"}
    f.write_text(json.dumps({**cal, "method": "growth_kalman_ensemble"}), encoding="utf-8")
    monkeypatch.setattr(forecast, "CALIBRATION_FILE", f)
    S = strings(lang)
    conf = {"forecast_method": "growth", "forecast_growth_mix": "kalman", "forecast_growth_else": "ensemble"}
    text = fn.forecast_note(S, {**conf, "forecast_max_width": 0.4})
    assert S["fc_part_kalman"] in text and S["fc_part_ensemble"] in text and S["fc_part_damped"] not in text
    assert ("93,4%" if lang == "vi" else "93.4%") in text
    other = fn.forecast_note(S, {**conf, "forecast_growth_mix": "damped", "forecast_max_width": 0.4})
    assert S["fc_part_damped"] in other and "93" not in other
