"""The PAR index sections: the district report shows the unit's score by field against its maximum, the published
rank (labelled as published, never modelled), the change and the fields that lost most; the overview shows the
units by total and field, the fields where the province loses most and the published PAR figures beside the table;
nothing without the table."""

from __future__ import annotations

import re
import shutil
from pathlib import Path

import pandas as pd
import pytest

from motcua.clean.par import PAR_INDEX, build_par_index
from motcua.clean.run import _context
from motcua.quality import Quality
from motcua.report import district_report, province_overview
from motcua.report.overview_par import overview_par_section
from motcua.report.par import district_par_section, pts
from motcua.report.strings import strings

SAMPLE = Path(__file__).resolve().parents[2] / "data" / "raw" / "sample"


def _cells(html: str) -> str:
    """The page's text with tags removed (one space between cells)."""
    return re.sub(r"\s+", " ", re.sub(r"<[^>]+>", " ", html))


@pytest.fixture(scope="module")
def par_dir(data_dir: Path, tmp_path_factory: pytest.TempPathFactory) -> Path:
    """The report tests' DATA folder with par_index.parquet read from the shipped sample's PAR workbooks."""
    out = tmp_path_factory.mktemp("par")
    for p in filter(Path.is_file, data_dir.iterdir()):
        shutil.copy(p, out / p.name)
    files = [(p, p.name, "0" * 64) for p in sorted(SAMPLE.glob("chi-so-cchc_*.xlsx"))]
    table, _ = build_par_index(files, Quality(), _context())
    table.to_parquet(out / PAR_INDEX, index=False)
    return out


def test_points_in_vietnamese_format():
    assert [pts(x, "vi") for x in (73.34, 12.0, 18.5, 7697.1)] == ["73,34", "12", "18,5", "7.697,1"]
    assert pts(73.34, "en") == "73.34"


def test_seed_figures_in_the_rendered_district_report(par_dir):
    """Sông Cầu 2022 as published: 73,34 points, published rank 3/9, the eight field scores, +8,48 on 2021."""
    rep = district_report("557", par_dir, "vi", "legacy")
    page = _cells(rep._repr_html_())
    sec = _cells(rep.par.html)
    assert sec and sec in page
    assert "2022 73,34 +8,48 3/9 Khá" in sec and "2021 64,86 – 6/9 Trung bình" in sec
    assert "Hạng công bố" in sec and "không phải hạng motcua ước lượng" in sec
    fields_by_year = rep.par.html[rep.par.html.index("par-fields-years") :]
    cols = _cells(fields_by_year)
    for label, score, mx in [
        ("Cải cách thủ tục hành chính", "12", "22"),
        ("Xây dựng chính quyền điện tử", "8,42", "16"),
        ("Công tác chỉ đạo, điều hành cải cách hành chính", "17,64", "18,5"),
        ("Cải cách tổ chức bộ máy hành chính", "7", "7"),
    ]:
        m = re.search(re.escape(label) + r" (\S+) (\S+) (\S+) ", cols)  # maximum, 2021, 2022
        assert m is not None and (m.group(1), m.group(3)) == (mx, score), label


def test_district_section_latest_year_against_maximum(par_dir):
    S = strings("vi")
    html = district_par_section(par_dir, "legacy", "557", "Thị xã Sông Cầu", S).html
    text = _cells(html)
    assert "Năm 2024: 78,03/100 điểm." in text and "Hạng công bố: 2/9" in text
    assert "So với năm 2023: +1,51 điểm (76,52 điểm năm 2023, hạng công bố 2/9)." in text
    assert "Các lĩnh vực mất nhiều điểm nhất năm 2024: Xây dựng chính quyền điện tử (mất 4,73/16 điểm)" in text
    bars = re.findall(r'<svg class="par-bar" role="img" aria-label="([^"]+)"', html)
    assert len(bars) == 9 and "11,27 trên 16 điểm" in bars
    en = _cells(district_par_section(par_dir, "legacy", "557", "Thị xã Sông Cầu", strings("en")).html)
    assert (
        "2024: 78.03/100 points." in en
        and "Published rank: 2/9 (the rank the province published" in en
        and "E-government" in en
    )


def test_unit_whose_rank_was_removed_says_so(par_dir):
    """Đồng Xuân: 2024 dropped (fields do not add up), 2023 kept without its rank (it disagreed with the totals)."""
    text = _cells(district_par_section(par_dir, "legacy", "558", "Huyện Đồng Xuân", strings("vi")).html)
    assert "Năm 2023: 66,02/100 điểm." in text and "Tệp không nêu hạng, hoặc hạng công bố không khớp tổng điểm" in text


def test_no_section_without_data(data_dir, par_dir):
    assert district_report("557", data_dir, "vi", "legacy").par.html == ""
    assert district_par_section(par_dir, "2025", "557", "x", strings("vi")).html == ""
    assert overview_par_section(data_dir, None, strings("vi")).html == ""


def _published(rows: list[dict]) -> pd.DataFrame:
    from motcua.prose.core import FACT_COLUMNS

    df = pd.DataFrame([{c: r.get(c) for c in FACT_COLUMNS} for r in rows])
    return df


def test_overview_units_fields_and_published_figures(par_dir):
    facts = _published(
        [
            {
                "file": "001.txt",
                "unit_name": "Thị xã Sông Cầu",
                "unit_code": "557",
                "province_code": "54",
                "unit_level": "district",
                "period_start": "2022-01-01",
                "period_end": "2022-12-31",
                "metric": "par_score",
                "value": 73.34,
                "quote": "đạt 73,34 điểm",
                "flags": "",
            },
            {
                "file": "001.txt",
                "unit_name": "Thị xã Sông Cầu",
                "unit_code": "557",
                "province_code": "54",
                "unit_level": "district",
                "period_start": "2022-01-01",
                "period_end": "2022-12-31",
                "metric": "par_rank",
                "value": 3,
                "quote": "xếp thứ 3/9",
                "flags": "",
            },
            {
                "file": "001.txt",
                "unit_name": "Thị xã Sông Cầu",
                "unit_code": "557",
                "province_code": "54",
                "unit_level": "district",
                "period_start": "2022-01-01",
                "period_end": "2022-12-31",
                "metric": "ontime_rate",
                "value": 99.4,
                "quote": "99,4%",
                "flags": "",
            },
        ]
    )
    facts["rank_of"] = [None, 9, None]
    html = overview_par_section(par_dir, facts, strings("vi")).html
    text = _cells(html)
    assert "Năm 2024: 8 đơn vị có điểm Chỉ số" in text and "Hạng là hạng công bố" in text
    assert "Thành phố Tuy Hòa 81,47 1/9" in text  # units by total, published rank beside
    assert "Tỉnh mất nhiều điểm nhất ở: Cải cách thủ tục hành chính" in text
    assert "Số liệu đã công bố" in text and "đạt 73,34 điểm" in text and "xếp thứ 3/9" in text and "99,4%" not in text
    pub = _cells(html[html.index("par-published") :])
    assert "73,34 73,34" in pub and "3/9 3/9" in pub
    only_facts = overview_par_section(Path("/nonexistent"), facts, strings("vi")).html
    assert "Số liệu đã công bố" in only_facts and "không có trong bảng Chỉ số" in _cells(only_facts)


def test_overview_report_has_the_section(par_dir):
    ov = province_overview(par_dir, "vi", cache=False)
    assert "Chỉ số cải cách hành chính" in ov.par.html and ov.par.html in ov._repr_html_()


def test_published_grades_in_the_reports_language(par_dir):
    """The grade is published in Vietnamese ("Khá", "Trung bình"); an English report says it in English."""
    from motcua.report.par_tables import grade_label

    en = strings("en")
    assert [grade_label(g, en) for g in ("Tốt", "Khá", "trung bình", "Xuất sắc", "Yếu")] == [
        "Good",
        "Fairly good",
        "Average",
        "Excellent",
        "Weak",
    ]
    assert grade_label("Khá", strings("vi")) == "Khá" and grade_label("Loại A", en) == "Loại A"
    sec = _cells(district_report("557", par_dir, "en", "legacy").par.html)
    assert "2022 73.34 +8.48 3/9 Fairly good" in sec and "Khá" not in sec and "Trung bình" not in sec
