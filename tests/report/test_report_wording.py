"""Wording a reader sees: funnel phrases said once, ranks naming the rate convention they are by."""

from __future__ import annotations

import re

import pandas as pd
import pytest

from motcua.report import district_report, load_data
from motcua.report.figures import key_figures
from motcua.report.narrative import district_narrative
from motcua.report.strings import cap, strings

FLAGS = ("above_95", "above_998", "below_95", "below_998")


def repeated_phrases(text: str, n: int = 3) -> list[str]:
    """Word n-grams that occur more than once in ``text`` ("thấp hơn mức chung … (thấp hơn mức chung …)")."""
    words = re.findall(r"\w+", text.lower())
    grams = [" ".join(words[i : i + n]) for i in range(len(words) - n + 1)]
    return sorted({g for g in grams if grams.count(g) > 1})


@pytest.mark.parametrize("lang", ["vi", "en"])
@pytest.mark.parametrize("flag", FLAGS)
def test_funnel_sentences_say_the_comparison_once(lang, flag):
    S = strings(lang)
    key = "nar_good_funnel" if flag.startswith("above") else "nar_bad_funnel"
    for rate in ("online_rate", "ontime_rate_report", "ontime_rate_766"):
        sentence = S.f(key, Rate=cap(S[f"rate_{rate}"]), flag=S[f"funnel_{flag}"])
        assert not repeated_phrases(sentence), sentence
        assert sentence.count("mức chung" if lang == "vi" else "province level") == 1, sentence
        alt = S.f(
            "alt_funnel",
            rate=S[f"rate_{rate}"],
            unit="Thành phố Tuy Hòa",
            value="98,2%",
            n="1.234",
            flag=S[f"funnel_{flag}"],
        )
        assert not repeated_phrases(alt), alt


def test_narrative_funnel_items_through_the_real_code(data_dir):
    data = load_data(data_dir)
    rows = data.unit("557")
    summary = data.unit_summary("557").copy()
    summary["funnel_flag"] = summary["funnel_flag"].astype(object)
    summary.loc["ontime_rate_report", "funnel_flag"] = "below_95"
    summary.loc["online_rate", "funnel_flag"] = "above_998"
    for lang in ("vi", "en"):
        S = strings(lang)
        n = district_narrative("Thị xã Sông Cầu", key_figures(rows), summary, S)
        items = [i for i in n.good + n.attention if "95%" in i or "99,8%" in i or "99.8%" in i]
        assert len(items) == 2, items
        for i in items:
            assert not repeated_phrases(i), i
    vi = district_narrative("Thị xã Sông Cầu", key_figures(rows), summary, strings("vi"))
    assert (
        "Tỷ lệ đúng và trước hạn (cách tính báo cáo) thấp hơn mức chung của tỉnh, nằm ngoài giới hạn 95% của biểu đồ phễu."
        in vi.attention
    )


def test_rank_labels_name_the_convention_the_rank_is_by(data_dir):
    data = load_data(data_dir)
    s = data.unit_summary("557")
    for lang, conv in (("vi", "cách tính báo cáo"), ("en", "report convention")):
        html = district_report("557", data_dir, lang).key_figures._repr_html_()
        li = re.search(r'<li[^>]*data-key-figure="rank"[^>]*>(.*?)</li>', html, flags=re.S).group(1)
        label = re.search(r'<span class="label">(.*?)</span>', li).group(1)
        formula = re.search(r'<span class="formula">(.*?)</span>', li).group(1)
        value = re.search(r'<strong class="value">(.*?)</strong>', li).group(1)
        assert conv in label, label
        assert "((8) + (9)) / (7)" in formula and "(12)" not in formula
        # …and the rank shown is the report convention's, not the 766 convention's
        r = s.loc["ontime_rate_report"]
        assert value == f"{int(r['rank'])}/{int(r['n_ranked'])}"
        online = re.search(r'<li[^>]*data-key-figure="rank_online"[^>]*>(.*?)</li>', html, flags=re.S).group(1)
        assert "(4) / ((4) + (5))" in online
    for lang, conv in (("vi", "cách tính báo cáo"), ("en", "report convention")):
        S = strings(lang)
        assert conv in S["ov_col_rank"] and conv in S["ix_col_rank"]


def test_overview_rank_column_names_the_convention(data_dir):
    from motcua.report.overview import province_overview

    html = province_overview(data_dir, "vi").units._repr_html_()
    assert "Hạng đúng và trước hạn, cách tính báo cáo (khoảng 95%)" in html
    s = pd.read_parquet(data_dir / "trend_summary.parquet")
    r = s[(s["unit_code"] == "557") & (s["rate"] == "ontime_rate_report")].iloc[0]
    row = re.search(r"<tr[^>]*>\s*<th[^>]*>Thị xã Sông Cầu</th>(.*?)</tr>", html, flags=re.S).group(1)
    assert f">{int(r['rank'])}/{int(r['n_ranked'])}<" in row
