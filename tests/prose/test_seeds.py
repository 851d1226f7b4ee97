"""Every figure of the three real seed articles, written by hand from reading them.

The expected facts are an annotation made independently of the code: each
figure in the articles that is one of the issue's metrics, and none of the
others (numbers of procedures, public services, criteria, prizes, phones,
visitor counters, targets such as "từ 95% trở lên"). Precision and recall are
both required to be 1 on these articles.
"""

from __future__ import annotations

import pandas as pd
import pytest

from motcua.prose import FACT_COLUMNS, extract_facts

Y2023 = ("2023-01-01", "2023-12-31")
Y2022 = ("2022-01-01", "2022-12-31")
Y2021 = ("2021-01-01", "2021-12-31")
P9 = ("2022-01-01", "2022-10-21")

# (seed, unit_name as written, unit_code, province_code, unit_level, period, metric, value)
EXPECTED = [
    # 000 — Tuy Hòa: the city's one-stop shop and, separately, all its wards and communes
    ("tuyhoa", "bộ phận một cửa thành phố", "555", "54", "district", Y2023, "received_total", 7697),
    ("tuyhoa", "bộ phận một cửa thành phố", "555", "54", "district", Y2023, "received_online", 4302),
    ("tuyhoa", "bộ phận một cửa thành phố", "555", "54", "district", Y2023, "carried_over", 308),
    ("tuyhoa", "bộ phận một cửa thành phố", "555", "54", "district", Y2023, "received_in_period", 3087),
    ("tuyhoa", "UBND các phường xã", None, "54", "commune", Y2023, "resolved_ontime", 47563),
    ("tuyhoa", "UBND các phường xã", None, "54", "commune", Y2023, "resolved_total", 47590),
    ("tuyhoa", "UBND các phường xã", None, "54", "commune", Y2023, "ontime_rate", 99.47),
    # ward quality scores ("điểm thẩm định") at the CCHC conference; Phường 6 and 8 are not in
    # the (post-merger) reference list, Phường 7 is
    ("tuyhoa", "UBND phường 8", None, "54", "commune", Y2023, "par_score", 93.86),
    ("tuyhoa", "UBND phường 8", None, "54", "commune", Y2023, "par_rank", 1),
    ("tuyhoa", "UBND phường 6", None, "54", "commune", Y2023, "par_score", 92.03),
    ("tuyhoa", "UBND phường 7", "22036", "54", "commune", Y2023, "par_score", 91.86),
    # 001 — Sông Cầu: PAR index 2022, rank, the 2021 values implied by the changes, 8 components
    ("songcau", "UBND thị xã Sông Cầu", "557", "54", "district", Y2022, "par_score", 73.34),
    ("songcau", "UBND thị xã Sông Cầu", "557", "54", "district", Y2022, "par_rank", 3),
    ("songcau", "UBND thị xã Sông Cầu", "557", "54", "district", Y2022, "par_rank_of", 9),
    ("songcau", "UBND thị xã Sông Cầu", "557", "54", "district", Y2021, "par_score", 64.86),
    ("songcau", "UBND thị xã Sông Cầu", "557", "54", "district", Y2021, "par_rank", 6),
    ("songcau", "UBND thị xã Sông Cầu", "557", "54", "district", Y2022, "par_score", 17.64),
    ("songcau", "UBND thị xã Sông Cầu", "557", "54", "district", Y2022, "par_score", 5.9),
    ("songcau", "UBND thị xã Sông Cầu", "557", "54", "district", Y2022, "par_score", 12),
    ("songcau", "UBND thị xã Sông Cầu", "557", "54", "district", Y2022, "par_score", 7),
    ("songcau", "UBND thị xã Sông Cầu", "557", "54", "district", Y2022, "par_score", 11),
    ("songcau", "UBND thị xã Sông Cầu", "557", "54", "district", Y2022, "par_score", 5.5),
    ("songcau", "UBND thị xã Sông Cầu", "557", "54", "district", Y2022, "par_score", 8.42),
    ("songcau", "UBND thị xã Sông Cầu", "557", "54", "district", Y2022, "par_score", 5.88),
    # 003 — Phường 9, thành phố Vũng Tàu (Bà Rịa - Vũng Tàu 77), 01/1–21/10/2022
    ("phuong9", "UBND Phường 9", "26530", "77", "commune", P9, "received_total", 1228),
    ("phuong9", "UBND Phường 9", "26530", "77", "commune", P9, "received_offline", 1052),
    ("phuong9", "UBND Phường 9", "26530", "77", "commune", P9, "received_online", 176),
    ("phuong9", "UBND Phường 9", "26530", "77", "commune", P9, "online_rate", 14.3),
    ("phuong9", "UBND Phường 9", "26530", "77", "commune", P9, "ontime_rate", 99.8),
    ("phuong9", "UBND Phường 9", "26530", "77", "commune", P9, "resolved_late", 2),
    ("phuong9", "UBND Phường 9", "26530", "77", "commune", P9, "ontime_rate", 100),
]


def _key(seed: str, unit: str, code, prov, level, period, metric, value) -> tuple:
    return (seed, unit, code, prov, level, period[0], period[1], metric, round(float(value), 4))


@pytest.fixture(scope="module")
def facts(seeds) -> pd.DataFrame:
    return extract_facts([seeds["tuyhoa"], seeds["songcau"], seeds["phuong9"]])


@pytest.fixture(scope="module")
def got(facts, seeds) -> list[tuple]:
    name_of = {str(p): k for k, p in seeds.items()}
    return [
        _key(
            name_of[r.file],
            r.unit_name,
            r.unit_code,
            r.province_code,
            r.unit_level,
            (r.period_start, r.period_end),
            r.metric,
            r.value,
        )
        for r in facts.itertuples()
    ]


def test_columns_exactly(facts):
    assert list(facts.columns) == FACT_COLUMNS


@pytest.mark.parametrize("seed", ["tuyhoa", "songcau", "phuong9"])
def test_precision_and_recall_per_article(got, seed):
    want = sorted(_key(*e) for e in EXPECTED if e[0] == seed)
    have = sorted(g for g in got if g[0] == seed)
    missing = [w for w in want if w not in have]
    extra = [h for h in have if h not in want]
    assert not missing and not extra, f"missing={missing}\nextra={extra}"


def _flags(facts, metric, value, unit=None):
    rows = facts[(facts.metric == metric) & (facts.value.astype(float).round(4) == round(float(value), 4))]
    if unit:
        rows = rows[rows.unit_name == unit]
    assert len(rows) == 1, rows
    return rows.iloc[0]["flags"]


def test_rate_mismatch_flag_has_both_numbers(facts):
    flags = " ".join(_flags(facts, "ontime_rate", 99.47))
    assert "rate_mismatch" in flags and "99,94" in flags and "99,47" in flags and "47.563/47.590" in flags
    assert any(f.startswith("rate_mismatch") for f in _flags(facts, "resolved_ontime", 47563))


def test_parts_add_up_said(facts):
    for metric, value in [
        ("received_total", 7697),
        ("received_online", 4302),
        ("carried_over", 308),
        ("received_in_period", 3087),
    ]:
        assert any(f.startswith("parts_sum_ok") for f in _flags(facts, metric, value)), metric
    assert any(f.startswith("parts_sum_ok") and "1.052" in f for f in _flags(facts, "received_total", 1228))


def test_components_add_up_to_par_score(facts):
    flags = _flags(facts, "par_score", 73.34)
    assert any(f.startswith("components_sum_ok") and "73,34" in f and "100" in f for f in flags)
    comps = facts[facts["flags"].map(lambda fl: any(f.startswith("component:") for f in fl))]
    assert len(comps) == 8
    assert any("Công tác chỉ đạo điều hành CCHC" in f for f in comps.iloc[0]["flags"])


def test_scopes_are_kept_apart(facts):
    tuy = facts[facts.file.str.contains("000_")]
    city = tuy[tuy.unit_name == "bộ phận một cửa thành phố"]
    wards = tuy[tuy.unit_name == "UBND các phường xã"]
    assert set(city.unit_level) == {"district"} and set(wards.unit_level) == {"commune"}
    assert wards.unit_code.isna().all()
    assert all(any(f.startswith("aggregate_scope") for f in fl) for fl in wards["flags"])


def test_shares_checked(facts):
    assert any(f.startswith("rate_ok") and "14,3" in f for f in _flags(facts, "online_rate", 14.3))
    assert any(f.startswith("share_ok") and "85,6" in f for f in _flags(facts, "received_offline", 1052))
    assert any(f.startswith("share_ok") and "0,16" in f for f in _flags(facts, "resolved_late", 2))
    assert any(f.startswith("conflict") for f in _flags(facts, "ontime_rate", 100))


def test_derived_facts_are_flagged(facts):
    for metric, value in [("par_score", 64.86), ("par_rank", 6)]:
        assert any(f.startswith("derived") for f in _flags(facts, metric, value))


def test_counts_are_integers_rates_floats(facts):
    for r in facts.itertuples():
        if r.metric in ("received_total", "resolved_late", "par_rank"):
            assert isinstance(r.value, int), r
        if r.metric in ("ontime_rate", "online_rate", "par_score"):
            assert isinstance(r.value, float), r


def test_quotes_are_sentences_of_the_article(facts, seeds):
    texts = {str(p): " ".join(p.read_text(encoding="utf-8").split()) for p in seeds.values()}
    for r in facts.itertuples():
        assert r.quote in texts[r.file]
        assert len(r.quote) < 1000


def test_no_furniture_or_targets(facts):
    quotes = " ".join(facts.quote)
    for s in ("Đang online", "0973.882.527", "088 8800 147", "trở lên", "thư xin lỗi", "248 TTHC"):
        assert s not in quotes
