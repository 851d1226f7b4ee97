"""Published figures across the reform: on the overview of the 2025 province, a figure the press stated about a
legacy district of a predecessor province (Tuy Hòa's 2023 totals) is compared with that district's history, in a
table of its own; it is never listed as a figure of "another province"."""

from __future__ import annotations

from pathlib import Path

import pandas as pd
import pytest
import two_eras
from htmlcheck import Page

from motcua.prose import FACT_COLUMNS, save_published
from motcua.report import province_overview
from motcua.report.published import PublishedScope, published_section
from motcua.report.strings import strings


def fact(**kw):
    row = {
        "file": "bao-chi/tuy-hoa-2023.txt",
        "unit_name": "bộ phận một cửa thành phố",
        "unit_code": "555",
        "province_code": "54",
        "unit_level": "district",
        "period_start": "2023-01-01",
        "period_end": "2023-12-31",
        "metric": "received_online",
        "value": 1,
        "quote": "Trong năm 2023, bộ phận một cửa thành phố đã tiếp nhận … trực tuyến.",
        "flags": [],
    }
    row.update(kw)
    return row


@pytest.fixture(scope="module")
def eras_pub(tmp_path_factory: pytest.TempPathFactory) -> Path:
    d = two_eras.write_two_era_dir(tmp_path_factory.mktemp("eras_pub"))
    panel = pd.read_parquet(d / "panel.parquet")
    rows = panel[(panel["unit_schema"] == "legacy") & (panel["unit_code"] == "555")]
    online = int(rows[rows["period_start"].dt.year == 2023]["received_online"].sum())
    facts = pd.DataFrame(
        [
            fact(value=online),
            fact(unit_code="", unit_name="UBND các phường xã", unit_level="commune", flags=["aggregate_scope: x"]),
        ],
        columns=FACT_COLUMNS,
    )
    save_published(facts, d / "published.csv")
    return d


def test_a_legacy_districts_published_figure_is_compared_with_its_history(eras_pub):
    ov = province_overview(eras_pub, "vi", cache=False)
    t = Page(ov.published._repr_html_()).plain()
    assert "Số liệu đã công bố về các đơn vị cấp huyện (đến 30/6/2025), cạnh số motcua tính cho cùng kỳ" in t
    assert "Thành phố Tuy Hòa555" in t.replace(" 555", "555") and "Hồ sơ tiếp nhận trực tuyến" in t
    assert "tỉnh khác" not in t  # Phú Yên (54) is the page's predecessor, not another province
    panel = pd.read_parquet(eras_pub / "panel.parquet")
    rows = panel[(panel["unit_schema"] == "legacy") & (panel["unit_code"] == "555")]
    online = int(rows[rows["period_start"].dt.year == 2023]["received_online"].sum())
    n = f"{online:,}".replace(",", ".")
    assert f"{n} {n}cột biểu mẫu: Σ(4) 0" in t  # published, motcua's figure, difference 0


def test_a_fact_of_no_scope_stays_apart():
    S = strings("vi")
    hist = PublishedScope({"555": pd.DataFrame()}, {"555": "Thành phố Tuy Hòa"}, "district", "54", "legacy", "H")
    t = pd.DataFrame([fact(), fact(unit_code="999", province_code="01")], columns=FACT_COLUMNS)
    sec = published_section(t, {}, {}, "commune", "66", False, S, "2025", history=[hist])
    text = Page(sec.html).plain()
    assert "H " in text and "Thành phố Tuy Hòa" in text
    assert "tỉnh khác (mã 01)" in text and "tỉnh khác (mã 54)" not in text
