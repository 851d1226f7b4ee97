"""Every reader-facing trend statement follows the model: a bending trend is described by its recent slope.

The case the reviewer found (sample unit 555): the online share's trend bends
at yearly knots; its whole-period average is +18,5 points a year (95 % CI
18,0 to 19,0, excludes 0) while at the latest period it is +1,1 (−1,6 to
3,8, holds 0) and the forecast is flat. No page may then say the share is
rising — not the narrative, not the "what improved" list, not the index, not
a chart's alt text, not the province overview — in Vietnamese or in English.
"""

import shutil
from pathlib import Path

import pandas as pd
import pytest
from htmlcheck import Page

from motcua.report import district_report, province_overview
from motcua.report.figures import key_figures, monthly
from motcua.report.index import render_index
from motcua.report.narrative import district_narrative, trend_sentence
from motcua.report.strings import strings
from motcua.report.unit_charts import rate_chart

KNOTS = "2022-07-01,2023-07-01,2024-07-01"
BENT_FLAT = {  # average excludes 0, recent holds 0
    "knots": KNOTS,
    "slope_pp_per_year": 18.479,
    "slope_low": 18.004,
    "slope_high": 18.955,
    "slope_recent_pp_per_year": 1.058,
    "slope_recent_low": -1.635,
    "slope_recent_high": 3.750,
    "first_period_start": pd.Timestamp("2021-01-01"),
    "last_period_end": pd.Timestamp("2025-06-30"),
}
BENT_UP = {**BENT_FLAT, "slope_recent_pp_per_year": 6.7, "slope_recent_low": 3.6, "slope_recent_high": 9.8}
FLAT = {
    "knots": "",
    "slope_pp_per_year": 0.02,
    "slope_low": -0.1,
    "slope_high": 0.14,
    "slope_recent_pp_per_year": 0.02,
    "slope_recent_low": -0.1,
    "slope_recent_high": 0.14,
}
# words that claim a rise, per language (the reviewer's "tăng rõ rệt +18,5 điểm %/năm")
RISE = {"vi": ("tăng",), "en": ("rising", "increas", "grow")}
NOT_CLEAR = {"vi": "chưa thấy xu hướng rõ", "en": "no clear trend"}


def claims_rise(text: str, lang: str) -> bool:
    t = text.lower()
    return any(w in t for w in RISE[lang])


def panel_rows(months=18):
    """A unit's panel rows; 18 months, so there is no complete previous window and no factual change sentence."""
    ps = pd.date_range("2024-01-01", periods=months, freq="MS")
    df = pd.DataFrame(
        {
            "period_start": ps,
            "period_end": ps + pd.offsets.MonthEnd(0),
            "received_online": 60,
            "received_offline": 40,
            "received_total": 100,
            "carried_over": 0,
            "resolved_total": 100,
            "resolved_early": 90,
            "resolved_ontime": 10,
            "resolved_late": 0,
            "pending_total": 0,
            "pending_ontime": 0,
            "pending_overdue": 0,
        }
    )
    for c in df.columns[2:]:
        df[c] = df[c].astype("Int64")
    return df


def summary(online: dict) -> pd.DataFrame:
    base = {"target": None, "p_meet_target": None, "funnel_flag": "within", "latest_outside_band": False}
    return pd.DataFrame(
        [{**base, **online}, {**base, **FLAT}, {**base, **FLAT}],
        index=pd.Index(["online_rate", "ontime_rate_report", "ontime_rate_766"], name="rate"),
    )


@pytest.mark.parametrize("lang", ["vi", "en"])
def test_narrative_describes_the_recent_slope_and_claims_no_rise(lang):
    S = strings(lang)
    n = district_narrative("X", key_figures(panel_rows()), summary(BENT_FLAT), S)
    text = " ".join(n.paragraphs + n.good + n.attention)
    assert not claims_rise(text, lang), text
    assert not n.good
    sentence = trend_sentence("online_rate", BENT_FLAT, S)
    assert NOT_CLEAR[lang] in sentence
    assert ("+1,1" if lang == "vi" else "+1.1") in sentence and ("-1,6" if lang == "vi" else "-1.6") in sentence
    # the average is there, but labelled as the whole-period average and never as a direction
    avg = "+18,5" if lang == "vi" else "+18.5"
    assert avg in sentence
    label = "bình quân cả giai đoạn 01/2021–06/2025" if lang == "vi" else "Averaged over Jan 2021–Jun 2025"
    assert label in sentence and sentence.index(label) < sentence.index(avg)


@pytest.mark.parametrize("lang", ["vi", "en"])
def test_narrative_calls_a_recent_rise_when_the_recent_interval_supports_it(lang):
    S = strings(lang)
    n = district_narrative("X", key_figures(panel_rows()), summary(BENT_UP), S)
    assert claims_rise(" ".join(n.paragraphs), lang)
    assert len(n.good) == 1 and ("+6,7" if lang == "vi" else "+6.7") in n.good[0] and "18" not in n.good[0]


def _index(lang: str, online: dict) -> str:
    m = {
        "version": 1,
        "lang": lang,
        "synthetic": False,
        "overview": None,
        "reports": [
            {
                "unit_code": "555",
                "unit_name": "Thành phố Tuy Hòa",
                "path": "units/555.html",
                "status": "ok",
                "reason": "",
            }
        ],
    }
    rows = [
        {"unit_schema": "legacy", "unit_code": "555", "rate": "online_rate", "latest_rate": 0.6, **online},
        {"unit_schema": "legacy", "unit_code": "555", "rate": "ontime_rate_report", "latest_rate": 0.99, **FLAT},
    ]
    return render_index(m, lang=lang, summary=pd.DataFrame(rows))


@pytest.mark.parametrize("lang", ["vi", "en"])
def test_index_trend_column_follows_the_recent_slope(lang):
    p = Page(_index(lang, BENT_FLAT)).plain()
    assert not claims_rise(p, lang), p
    assert strings(lang)["trend_flat"] in p and ("+1,1" if lang == "vi" else "+1.1") in p and "18" not in p
    assert claims_rise(Page(_index(lang, BENT_UP)).plain(), lang)  # the check above can see a rise


@pytest.mark.parametrize("lang", ["vi", "en"])
def test_chart_alt_text_follows_the_recent_slope(lang):
    S = strings(lang)
    m = monthly(panel_rows())
    alt = rate_chart(m, pd.DataFrame(), {**BENT_FLAT, "target": 0.5}, "online_rate", "X", S).alt
    assert not claims_rise(alt, lang), alt
    assert NOT_CLEAR[lang] in alt and ("-1,6" if lang == "vi" else "-1.6") in alt
    up = rate_chart(m, pd.DataFrame(), {**BENT_UP, "target": 0.5}, "online_rate", "X", S).alt
    assert claims_rise(up, lang)


@pytest.fixture(scope="module")
def bent_dir(data_dir, tmp_path_factory):
    """The report tests' data with every unit's online trend bent and flat at the end; on-time trends flat."""
    out = tmp_path_factory.mktemp("bent")
    for p in filter(Path.is_file, data_dir.iterdir()):  # not the chart cache (DATA/.cache)
        shutil.copy(p, out / p.name)
    ts = pd.read_parquet(out / "trend_summary.parquet")
    for rate, vals in (("online_rate", BENT_FLAT), ("ontime_rate_report", FLAT), ("ontime_rate_766", FLAT)):
        sel = ts["rate"] == rate
        for k, v in vals.items():
            if k in ("first_period_start", "last_period_end"):
                continue
            ts.loc[sel, k] = v
    ts.to_parquet(out / "trend_summary.parquet", index=False)
    return out


@pytest.mark.parametrize("lang", ["vi", "en"])
def test_district_page_claims_no_rise_from_a_flat_recent_trend(bent_dir, lang):
    r = district_report("557", bent_dir, lang)
    nar = Page(r.narrative._repr_html_())
    paras = [t for t in nar.text if t.strip()]
    intro = paras[1]  # the title, then the facts of the window (which may state a change of the observed share)
    rest = nar.plain().replace(intro.strip(), "")
    assert not claims_rise(rest, lang), rest
    assert NOT_CLEAR[lang] in rest
    for img in Page(r.charts._repr_html_()).all("img"):
        assert not claims_rise(img["alt"], lang), img["alt"]


@pytest.mark.parametrize("lang", ["vi", "en"])
def test_overview_claims_no_rise_from_a_flat_recent_trend(bent_dir, lang):
    ov = province_overview(bent_dir, lang)
    words = "tăng rõ rệt" if lang == "vi" else "clearly rising"
    assert words not in Page(ov.narrative._repr_html_()).plain().lower()
    rk = Page(ov.ranking._repr_html_()).plain()
    assert "+18" not in rk and ("+1,1" if lang == "vi" else "+1.1") in rk


@pytest.mark.parametrize("lang", ["vi", "en"])
def test_a_rate_with_too_few_events_is_not_said_to_have_too_short_a_series(lang):
    """17 months of a commune whose dossiers are nearly all on time: the model holds the rate constant because there
    are too few late dossiers, not because the series is short; the sentence gives that reason."""
    S = strings(lang)
    few = {"status": "few_events", "n_periods": 17, "slope_pp_per_year": None, "slope_low": None, "slope_high": None}
    sentence = trend_sentence("ontime_rate_report", few, S)
    assert ("quá ngắn" if lang == "vi" else "too short") not in sentence
    assert ("không đổi" if lang == "vi" else "constant") in sentence
    short = {"status": "short_series", "n_periods": 3}
    assert ("quá ngắn" if lang == "vi" else "too short") in trend_sentence("ontime_rate_report", short, S)


@pytest.mark.parametrize("lang", ["vi", "en"])
def test_a_dissolved_units_narrative_names_its_last_12_months_not_the_latest(lang):
    """A district dissolved on 1/7/2025, on a page whose data run to 11/2026: its window is its last 12 months,
    named as such and by their dates, in the opening sentence and in a shortfall against a target."""
    S = strings(lang)
    kf = key_figures(panel_rows())  # 01/2024–06/2025
    n = district_narrative("X", kf, summary({**FLAT, "target": 0.7}), S, dissolved=True)
    text = " ".join(n.paragraphs + n.attention)
    window = "07/2024–06/2025" if lang == "vi" else "Jul 2024–Jun 2025"
    assert ("12 tháng cuối cùng của đơn vị" if lang == "vi" else "its last 12 months") in n.paragraphs[0]
    assert ("12 tháng gần nhất" if lang == "vi" else "the last 12 months") not in text
    assert any(window in a and ("mục tiêu" if lang == "vi" else "target") in a for a in n.attention), n.attention
    # a unit that exists keeps "the latest 12 months"
    live = district_narrative("X", kf, summary(FLAT), S)
    assert ("12 tháng gần nhất" if lang == "vi" else "the last 12 months") in live.paragraphs[0]
