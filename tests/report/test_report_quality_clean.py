"""The reports' data-quality sections on the real clean stage's output of the shipped sample.

Not a fabricated quality.csv: ``run_clean`` writes the file the reports read,
so a reader that expects other columns than the clean stage writes (the
defect that made every report say "no quality.csv") fails here. The sample's
deliberate defects (data/raw/sample/README.md, :func:`motcua.sample.sample_defects`)
must show up in the unit they concern, rules in words, never as machine ids.
"""

from __future__ import annotations

import re
from pathlib import Path

import pandas as pd
import pytest
from htmlcheck import Page

from motcua.clean.run import run_clean
from motcua.quality import QUALITY_COLUMNS, RULES
from motcua.report import district_report, load_data
from motcua.report.district import quality_section
from motcua.report.strings import strings

ROOT = Path(__file__).resolve().parents[2]
SAMPLE = ROOT / "data" / "raw" / "sample"
RULE_ID = re.compile(r"\b(" + "|".join(sorted(RULES, key=len, reverse=True)) + r")\b")


@pytest.fixture(scope="module")
def clean_dir(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """data/raw/sample → panel.parquet, quality.csv, clean_meta.json (clean stage), then the model tables."""
    from motcua.model import run_model, write_results

    out = tmp_path_factory.mktemp("clean-sample")
    res = run_clean([SAMPLE], out)
    write_results(run_model(res.panel), out)
    return out


@pytest.fixture(scope="module")
def quality(clean_dir: Path) -> pd.DataFrame:
    return pd.read_csv(clean_dir / "quality.csv", dtype=str, keep_default_na=False)


def _section(clean_dir: Path, code: str, lang: str = "vi") -> str:
    data = load_data(clean_dir)
    return quality_section(data, code, data.unit_summary(code), strings(lang))._repr_html_()


def test_clean_stage_writes_the_columns_the_reports_read(quality):
    assert list(quality.columns) == QUALITY_COLUMNS
    # the unit as named and, when the reader matched it, its era and code (reports find a unit's findings by code)
    assert {"unit", "unit_schema", "unit_code"} <= set(quality.columns)
    assert (quality["unit_code"].fillna("") != "").any()


def test_reissued_file_is_listed_in_the_unit_it_corrects(clean_dir, quality):
    from motcua.sample import sample_defects

    detail = next(d["detail"] for d in sample_defects() if d["defect"] == "reissued_file")
    code = re.search(r"corrects unit (\d+)", detail).group(1)
    assert code == "555"
    n = int((quality["unit"] == code).sum())
    assert n >= 2
    html = district_report(code, clean_dir, "vi").quality._repr_html_()
    t = Page(html).plain()
    assert "Không có tệp kết quả" not in t and "quality.csv" not in t
    assert f"có {n} phát hiện về dữ liệu của đơn vị này" in t
    assert "Trùng kỳ báo cáo (tệp mới hơn được dùng)" in t and "bieu06_2023-09.xlsx" in t
    assert "bieu06_2023-09_sua-doi.xlsx" in t and "(10): 0 → 2" in t
    assert "Thiếu kỳ báo cáo" in t  # the missing month 07/2022
    assert not RULE_ID.findall(t), RULE_ID.findall(t)


def _about(quality: pd.DataFrame) -> pd.Series:
    """The unit each finding is about: the clean stage's ``unit`` (a code once matched), except a row refused under
    a dissolved district's name after 1/7/2025 ("UBND huyện Tuy An" in 08/2025), which is about that district:
    its history report shows the row (the finding names the district's code)."""
    dissolved = quality["rule"].eq("unit_other_era") & quality["message"].str.contains("đã giải thể", regex=False)
    named = quality["message"].str.extract(r'^"[^"]+" là [^(]+\((\d+)\)', expand=False)
    return quality["unit"].where(~dissolved, named)


def test_every_unit_gets_exactly_its_own_findings(clean_dir, quality):
    panel = pd.read_parquet(clean_dir / "panel.parquet")
    about = _about(quality)
    assert {"559", "558"} <= set(about[quality["unit"] != about])  # the sample's two dissolved-district rows
    for code in sorted(set(panel["unit_code"].astype(str))):
        n = int((about == code).sum())
        t = Page(_section(clean_dir, code)).plain()
        if n:
            assert f"có {n} phát hiện về dữ liệu của đơn vị này" in t, (code, t)
        else:
            assert "Không có phát hiện nào" in t, code
        assert not RULE_ID.findall(t), (code, RULE_ID.findall(t))


def test_inconsistent_row_is_reported_in_words(clean_dir):
    t = Page(_section(clean_dir, "559")).plain()
    assert "(7) ≠ (8)+(9)+(10)" in t and "(3) ≠ (7)+(11)" in t and "bieu06_2024-05.xlsx" in t
    en = Page(_section(clean_dir, "559", "en")).plain()
    assert "Missing period" in en and "Duplicate period (newest file kept)" in en
    assert not RULE_ID.findall(en)


def test_findings_about_a_units_whole_source_file_are_counted(clean_dir, quality):
    # the dossier export of 561 (personal columns dropped, dossiers aggregated, 766 groups read) names no unit on
    # those findings
    src = "sample/danh-sach-ho-so_Song-Hinh_2022.csv"
    n = int(((quality["unit"] == "") & (quality["file"] == src)).sum())
    assert n == 3
    t = Page(_section(clean_dir, "561")).plain()
    m = re.search(r"các tệp nguồn của đơn vị có (\d+) phát hiện chung", t)
    assert m and int(m.group(1)) >= n


def test_model_notes_in_the_report_language(clean_dir):
    s = pd.read_parquet(clean_dir / "trend_summary.parquet")
    raw = s.loc[(s["unit_code"] == "555") & (s["rate"] == "online_rate"), "notes"].iloc[0]
    assert "curvature test" in raw  # the analyst's English note is still written by the model stage
    t = Page(_section(clean_dir, "555")).plain()
    assert "Tỷ lệ hồ sơ trực tuyến: xu hướng không theo một đường thẳng" in t
    assert "07/2022, 07/2023 và 07/2024" in t
    assert raw not in t and "curvature" not in t and "slope may change" not in t
    en = Page(_section(clean_dir, "555", "en")).plain()
    assert "Jul 2022, Jul 2023, and Jul 2024" in en and "curvature" not in en


def test_overview_quality_summary_by_unit_and_rule(clean_dir, quality):
    from motcua.report.overview import province_overview

    html = province_overview(clean_dir, "vi").quality._repr_html_()
    p = Page(html)
    rows = {}
    for tr in re.findall(r"<tr[^>]*>(.*?)</tr>", html, flags=re.S):
        cells = [re.sub(r"<[^>]+>", "", c).strip() for c in re.findall(r"<t[hd][^>]*>(.*?)</t[hd]>", tr, flags=re.S)]
        if cells:
            rows.setdefault(cells[0], cells)
    by_unit = _about(quality).value_counts()
    assert rows["Thành phố Tuy Hòa"][1] == "555" and rows["Thành phố Tuy Hòa"][-1] == str(by_unit["555"])
    assert rows["Huyện Tuy An"][-1] == str(by_unit["559"])
    assert rows["(không gắn với đơn vị)"][-1] == str(by_unit[""])
    assert rows["Tổng cộng"][-1] == str(len(quality))
    t = p.plain()
    assert "Trùng kỳ báo cáo (tệp mới hơn được dùng)" in t and "Cột không dùng" in t and "Thiếu kỳ báo cáo" in t
    assert not RULE_ID.findall(t), RULE_ID.findall(t)
    en = Page(province_overview(clean_dir, "en").quality._repr_html_()).plain()
    assert "Column not used" in en and "Missing period" in en and not RULE_ID.findall(en)


def test_sample_766_defects_found_and_apology_letters_shown(clean_dir, quality):
    from motcua.sample.groups766 import OVER_MAX, UNREADABLE_ROW, UNREADABLE_VALUE

    bad = quality[quality["rule"] == "groups766_value_unreadable"]
    assert bad["row"].astype(int).tolist() == [UNREADABLE_ROW + 2] and UNREADABLE_VALUE in bad["message"].iloc[0]
    over = quality[quality["rule"] == "score766_over_max"]
    assert len(over) == 1 and OVER_MAX[3] in over["message"].iloc[0] and over["unit"].iloc[0] == "557"
    g = pd.read_parquet(clean_dir / "groups766.parquet")
    assert set(g["unit_code"]) == {"561"} and len(g) == 12
    late, letters = int(g["late_or_faulty"].sum()), int(g["apology_issued"].sum())
    assert 0 < letters < late  # most, not all, late dossiers have a letter
    t = Page(district_report("561", clean_dir, "vi").groups766._repr_html_()).plain()
    assert f"Thư xin lỗi: {letters}/{late} hồ sơ trễ hạn hoặc sai sót" in t
    assert f"Còn {late - letters} hồ sơ trễ hạn hoặc sai sót chưa có thư xin lỗi." in t
    assert "Điểm 766 đã công bố" in t
