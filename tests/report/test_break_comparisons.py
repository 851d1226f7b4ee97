"""No key figure or sentence compares across the 1 July 2025 reform as if the unit's scope were the same."""

from __future__ import annotations

import pandas as pd
import synth

from motcua.report.district import key_figures_list
from motcua.report.figures import key_figures, key_figures_by_unit
from motcua.report.narrative import district_narrative
from motcua.report.strings import strings


def _spanning() -> pd.DataFrame:
    """One unit's complete months 07/2023–06/2026: its last 12 months after the reform, the 12 before it before."""
    return synth.fabricate_panel([("66", "Tỉnh Đắk Lắk")], months=36, start="2023-07-01").assign(
        unit_schema="2025", unit_level="province"
    )


def test_no_change_is_computed_across_the_reform():
    rows = _spanning()
    kf = key_figures(rows)  # the shipped config's structural break, 2025-07-01
    assert kf.current.complete and kf.previous.complete  # both windows complete: only the break stops the comparison
    assert kf.break_date == pd.Timestamp("2025-07-01") and not kf.comparable
    assert kf.received_change() is None and kf.online_change_pp() is None and kf.late_change() is None
    # without the break the same windows are compared (so the test can fail)
    assert key_figures(rows, breaks=[]).received_change() is not None
    assert key_figures_by_unit(rows)["66"].break_date == pd.Timestamp("2025-07-01")


def test_windows_on_one_side_of_the_reform_are_compared():
    legacy = synth.fabricate_panel(synth.UNITS[:1], months=54, start="2021-01-01")  # ends 06/2025
    kf = key_figures(legacy)
    assert kf.break_date is None and kf.received_change() is not None


def test_no_sentence_or_figure_says_so_voi_cung_ky_across_the_reform():
    rows = _spanning()
    kf = key_figures(rows)
    for lang, words in (("vi", "so với 12 tháng trước"), ("en", "previous 12 months")):
        S = strings(lang)
        n = district_narrative("Tỉnh Đắk Lắk", kf, pd.DataFrame(), S)
        text = " ".join(n.paragraphs + n.good + n.attention)
        assert words not in text
        figs = key_figures_list(kf, pd.DataFrame(), S)
        details = " ".join(f["detail"] for f in figs)
        assert words not in details
        assert ("phạm vi đơn vị thay đổi từ 1/7/2025" if lang == "vi" else "scope changed on 1 July 2025") in details
