"""Any text gives a well-formed table, never an exception."""

from __future__ import annotations

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from motcua.prose import FACT_COLUMNS, METRICS, extract_text

WORDS = [
    "UBND",
    "huyện",
    "Tuy An",
    "phường",
    "9",
    "xã",
    "các",
    "tiếp nhận",
    "trực tuyến",
    "trực tiếp",
    "kỳ trước",
    "giải quyết",
    "đúng hạn",
    "quá hạn",
    "đang giải quyết",
    "hồ sơ",
    "đạt",
    "%",
    "điểm",
    "xếp thứ",
    "/",
    ",",
    ";",
    ".",
    "(",
    ")",
    "năm 2023",
    "Quý I",
    "từ ngày 01/1-21/10/2022",
    "tăng",
    "so với",
    "chỉ số CCHC",
    "tỉnh Phú Yên",
    "1.234",
    "99,47",
    "14.3",
    "02",
    "0",
    "100",
    "\n",
    "Đăng ngày: 19/05/2023",
    "cao nhất",
    "trong đó",
    "bậc",
]


@settings(max_examples=150, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(st.lists(st.sampled_from(WORDS), max_size=60))
def test_any_text(words):
    df = extract_text(" ".join(words), file="t")
    assert list(df.columns) == FACT_COLUMNS
    assert set(df.metric) <= set(METRICS)
    for r in df.itertuples():
        assert r.value == r.value  # not NaN
        assert isinstance(r.flags, list)
        if r.period_start is not None:
            assert r.period_start <= r.period_end


def test_empty():
    df = extract_text("", file="t")
    assert df.empty and list(df.columns) == FACT_COLUMNS
