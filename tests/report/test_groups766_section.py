"""The district report's 766 section: apology letters against the 100 % requirement with the count of late or
faulty dossiers without one, the groups the inputs hold (and only those), published scores; hidden without inputs."""

from __future__ import annotations

import shutil
from pathlib import Path

import numpy as np
import pandas as pd
import pytest
from htmlcheck import Page

from motcua.ingest.groups766 import COUNT_COLUMNS, conform
from motcua.model.groups766 import group_trends
from motcua.report import district_report


def _groups(months: int, late: list[int], letters: list[int], with_payment: bool = True) -> pd.DataFrame:
    starts = pd.date_range("2024-01-01", periods=months, freq="MS")
    rows = []
    for i, s in enumerate(starts):
        r = {c: 0 for c in COUNT_COLUMNS}
        r.update(
            late_or_faulty=late[i % len(late)],
            apology_issued=letters[i % len(letters)],
            resolved=100,
            surveyed=30,
            satisfied=27,
            dossier_checked=100,
            digitised_dossier=80,
            result_checked=100,
            digitised_result=70,
            fee_payable=50,
            paid_online=20 + i,
        )
        if not with_payment:
            r.update(fee_payable=pd.NA, paid_online=pd.NA)
        rows.append(
            {
                "unit_schema": "legacy",
                "unit_code": "557",
                "unit_name": "Thị xã Sông Cầu",
                "unit_level": "district",
                "province_code": "54",
                "period_start": s,
                "period_end": s + pd.offsets.MonthEnd(0),
                **r,
                "source": "hoso.csv",
            }
        )
    return conform(pd.DataFrame(rows))


@pytest.fixture(scope="module")
def g766_dir(data_dir, tmp_path_factory) -> Path:
    out = tmp_path_factory.mktemp("g766")
    for p in filter(Path.is_file, data_dir.iterdir()):
        shutil.copy(p, out / p.name)
    # 12 months: 2 late or faulty dossiers a month, a letter for 2, 1, 2, 2, … → 24 late or faulty, 23 letters
    _groups(12, late=[2], letters=[2, 1] + [2] * 10).to_parquet(out / "groups766.parquet", index=False)
    pd.DataFrame(
        [
            {
                "unit_schema": "legacy",
                "unit_code": "557",
                "unit_name": "Thị xã Sông Cầu",
                "unit_level": "district",
                "period_start": pd.Timestamp("2024-12-01"),
                "period_end": pd.Timestamp("2024-12-31"),
                "group": g,
                "score": v,
                "max_score": mx,
                "source": "diem.csv",
                "source_row": 2,
            }
            for g, v, mx in (("digitisation", 17.25, 22.0), ("total", 88.5, 100.0))
        ]
    ).to_parquet(out / "score766.parquet", index=False)
    return out


def test_apology_figures_in_the_rendered_report(g766_dir):
    html = district_report("557", g766_dir, "vi", "legacy")._repr_html_()
    text = Page(html).plain()
    assert "Thư xin lỗi: 23/24 hồ sơ trễ hạn hoặc sai sót có thư xin lỗi (95,8%), yêu cầu 100%" in text
    assert "Còn 1 hồ sơ trễ hạn hoặc sai sót chưa có thư xin lỗi." in text
    assert "Thanh toán phí, lệ phí trực tuyến" in text and "Số hóa kết quả giải quyết" in text
    assert "17,25" in text and "Điểm 766 đã công bố" in text  # the published score, labelled as published


def test_english_by_parameter(g766_dir):
    text = Page(district_report("557", g766_dir, "en", "legacy").groups766._repr_html_()).plain()
    assert "Apology letters: 23/24 late or faulty dossiers have one (95.8%), requirement 100%" in text
    assert "1 late or faulty dossiers still have no apology letter." in text


def test_a_group_without_its_column_is_not_shown(g766_dir, tmp_path):
    for p in filter(Path.is_file, g766_dir.iterdir()):
        shutil.copy(p, tmp_path / p.name)
    _groups(12, late=[1], letters=[1], with_payment=False).to_parquet(tmp_path / "groups766.parquet", index=False)
    text = Page(district_report("557", tmp_path, "vi", "legacy").groups766._repr_html_()).plain()
    assert "Thanh toán phí" not in text and "Số hóa hồ sơ khi tiếp nhận" in text
    assert "Mọi hồ sơ trễ hạn hoặc sai sót đều có thư xin lỗi." in text


def test_section_hidden_without_inputs(g766_dir, data_dir):
    assert district_report("555", g766_dir, "vi", "legacy").groups766._repr_html_() == ""  # another unit
    assert district_report("557", data_dir, "vi", "legacy").groups766._repr_html_() == ""  # no 766 tables


def test_trend_only_when_the_series_is_long_enough():
    long = group_trends(_groups(24, late=[3, 2], letters=[2, 2]))
    pay = long.set_index("rate").loc["paid_online_rate"]
    assert pay["status"] == "ok" and pay["slope_low"] > 0  # 20, 21, … of 50 paid online: rising
    assert pay["trials"] == 50 * 12 and pay["successes"] == sum(range(32, 44))  # the last 12 months
    short = group_trends(_groups(6, late=[2], letters=[2])).set_index("rate")
    assert (short["status"] == "short_series").all() and short["slope_pp_per_year"].isna().all()
    assert np.isclose(short.loc["satisfaction_rate", "successes"] / short.loc["satisfaction_rate", "trials"], 0.9)
