"""One pattern at a time, through :func:`extract_text`: verb phrases, fractions, rates,
shares, targets and other look-alikes that must not become facts."""

from __future__ import annotations

import pytest

from motcua.prose import extract_text

HEAD = "Đăng ngày: 05/07/2023\nNăm 2023, UBND huyện Tuy An (tỉnh Phú Yên) báo cáo. "


def facts(body: str, head: str = HEAD) -> list[tuple[str, float]]:
    df = extract_text(head + body, file="t")
    return [(r.metric, float(r.value)) for r in df.itertuples()]


def flags(body: str, metric: str, head: str = HEAD) -> list[str]:
    df = extract_text(head + body, file="t")
    rows = df[df.metric == metric]
    assert len(rows) >= 1, df
    return rows.iloc[0]["flags"]


@pytest.mark.parametrize(
    "body,expected",
    [
        ("Huyện đã tiếp nhận 7.697 hồ sơ.", [("received_total", 7697)]),
        ("Tổng số hồ sơ tiếp nhận là 1.228 hồ sơ.", [("received_total", 1228)]),
        ("Số hồ sơ phải giải quyết là 2.000 hồ sơ.", [("received_total", 2000)]),
        ("Hồ sơ tiếp nhận trực tuyến 4.302 hồ sơ.", [("received_online", 4302)]),
        ("Có 500 hồ sơ nộp qua mạng.", [("received_online", 500)]),
        ("Số hồ sơ tiếp nhận trực tiếp là 1.052 hồ sơ.", [("received_offline", 1052)]),
        ("Hồ sơ qua dịch vụ bưu chính 12 hồ sơ.", [("received_offline", 12)]),
        ("Hồ sơ tiếp nhận kỳ trước 308 hồ sơ.", [("carried_over", 308)]),
        ("Có 45 hồ sơ từ kỳ trước chuyển sang.", [("carried_over", 45)]),
        ("Hồ sơ tiếp nhận trong kỳ 3.087 hồ sơ.", [("received_in_period", 3087)]),
        ("Đã giải quyết 1.950 hồ sơ.", [("resolved_total", 1950)]),
        ("Giải quyết đúng hạn 1.900 hồ sơ.", [("resolved_ontime", 1900)]),
        ("Giải quyết trước hạn và đúng hạn 1.900 hồ sơ.", [("resolved_ontime", 1900)]),
        ("Có 02 hồ sơ quá hạn do lỗi hệ thống.", [("resolved_late", 2)]),
        ("Số hồ sơ trễ hạn là 15 hồ sơ.", [("resolved_late", 15)]),
        ("Đang giải quyết 120 hồ sơ.", [("pending_total", 120)]),
        ("Tiếp nhận 1.234 HS.", [("received_total", 1234)]),
    ],
)
def test_count_phrases(body, expected):
    assert facts(body) == expected


def test_fraction_gives_part_and_whole_and_rate():
    got = facts("UBND huyện giải quyết đúng hạn 980/1.000 hồ sơ, đạt 98%.")
    assert sorted(got) == sorted([("resolved_ontime", 980), ("resolved_total", 1000), ("ontime_rate", 98.0)])


def test_early_and_ontime_are_kept_as_parts():
    """Early and on time stated separately are two parts; their sum is not a stated figure."""
    body = "Đã giải quyết 1.500 hồ sơ, trong đó trước hạn 300 hồ sơ, đúng hạn 1.180 hồ sơ, quá hạn 20 hồ sơ."
    got = facts(body)
    assert got == [
        ("resolved_total", 1500),
        ("resolved_early", 300),
        ("resolved_ontime_part", 1180),
        ("resolved_late", 20),
    ]
    assert any(f.startswith("parts_of_ontime") and "1.480" in f for f in flags(body, "resolved_early"))
    assert any(f.startswith("parts_sum_ok") for f in flags(body, "resolved_total"))


def test_form_breakdown_sentence():
    body = (
        "Tiếp nhận 45.678 hồ sơ, trong đó: trực tuyến 30.123 hồ sơ, trực tiếp 15.555 hồ sơ; "
        "đã giải quyết 44.000 hồ sơ; đang giải quyết 1.678 hồ sơ."
    )
    assert facts(body) == [
        ("received_total", 45678),
        ("received_online", 30123),
        ("received_offline", 15555),
        ("resolved_total", 44000),
        ("pending_total", 1678),
    ]
    assert any(f.startswith("parts_sum_ok") for f in flags(body, "received_total"))


@pytest.mark.parametrize(
    "body,expected",
    [
        ("Tỷ lệ hồ sơ giải quyết đúng hạn đạt 98,5%.", [("ontime_rate", 98.5)]),
        ("Đạt 99,8% hồ sơ được giải quyết trước hạn và đúng hạn.", [("ontime_rate", 99.8)]),
        ("100% hồ sơ được giải quyết đúng hẹn.", [("ontime_rate", 100.0)]),
        ("Tỷ lệ hồ sơ trực tuyến đạt 65,3%.", [("online_rate", 65.3)]),
        ("Số hồ sơ trực tuyến là 176 hồ sơ (đạt 14.3%).", [("received_online", 176), ("online_rate", 14.3)]),
        ("Tiếp nhận trực tuyến 1.200 hồ sơ, chiếm 51,17%.", [("received_online", 1200), ("online_rate", 51.17)]),
    ],
)
def test_rates(body, expected):
    assert facts(body) == expected


@pytest.mark.parametrize(
    "body",
    [
        "Đảm bảo tỷ lệ hồ sơ giải quyết TTHC đúng và trước hẹn từ 95% trở lên.",
        "Phấn đấu 80% hồ sơ được tiếp nhận trực tuyến.",
        "Đảm bảo 100% hồ sơ sai sót, trễ hạn phải có thư xin lỗi.",
        "Đảm bảo 100% thủ tục hành chính được giải quyết đúng quy trình.",
        "Tỷ lệ thanh toán trực tuyến đạt 25%.",
        "Tỷ lệ số hóa hồ sơ đạt 80%.",
        "Chỉ số hài lòng SIPAS đạt 86%.",
        "Số hồ sơ trực tuyến tăng 20% so với cùng kỳ.",
        "Tiếp nhận tăng 300 hồ sơ so với năm 2022.",
        "Tiếp nhận, giải quyết và trả kết quả 248 TTHC.",
        "Cấp huyện có 05 dịch vụ công trực tuyến, cấp xã 03 dịch vụ công trực tuyến.",
        "Khen thưởng 03 tập thể và 03 cá nhân; có khoảng 200 lượt người tham dự.",
        "Có 01 phường xếp loại Tốt; 10 xã, phường xếp loại Khá.",
        "Thực hiện Quyết định số 766/QĐ-TTg ngày 23/6/2022 về hồ sơ.",
        "Hướng dẫn nộp hồ sơ trực tuyến mức độ 3, mức độ 4.",
    ],
)
def test_not_facts(body):
    assert facts(body) == []


def test_rate_mismatch_flag():
    fl = flags("UBND các phường xã tiếp nhận giải quyết đúng hạn 47.563/47.590 hồ sơ, đạt 99,47%.", "ontime_rate")
    assert any(f.startswith("rate_mismatch") and "99,94%" in f and "99,47%" in f for f in fl)


def test_rate_without_usual_denominator_is_not_called_a_mismatch():
    fl = flags("Tiếp nhận 1.234 hồ sơ, giải quyết đúng hạn 1.200 hồ sơ, đạt 98,4%.", "ontime_rate")
    assert any(f.startswith("rate_unverified") for f in fl)
    assert not any(f.startswith("rate_mismatch") for f in fl)


def test_parts_mismatch_flag():
    fl = flags("Tiếp nhận 1.000 hồ sơ, trong đó trực tuyến 300 hồ sơ, trực tiếp 600 hồ sơ.", "received_total")
    assert any(f.startswith("parts_sum_mismatch") and "900" in f and "1.000" in f for f in fl)


def test_par_score_rank_and_change():
    head = "Đăng ngày: 19/05/2023\n"
    body = (
        "Năm 2022, chỉ số CCHC của UBND thị xã Sông Cầu đạt 73,34 điểm và xếp thứ 3/9 huyện, thị xã, thành phố. "
        "So với năm 2021, chỉ số tăng 8,48 điểm và tăng 03 bậc."
    )
    df = extract_text(head + body, file="t")
    got = {(r.metric, r.period_start[:4], float(r.value)) for r in df.itertuples()}
    assert got == {
        ("par_score", "2022", 73.34),
        ("par_rank", "2022", 3),
        ("par_rank_of", "2022", 9),
        ("par_score", "2021", 64.86),
        ("par_rank", "2021", 6),
    }
    assert set(df.unit_code) == {"557"}


def test_par_in_percent_and_other_indices():
    head = "Đăng ngày: 10/01/2024\n"
    got = facts("Chỉ số CCHC năm 2023 của tỉnh Phú Yên đạt 85,12%, xếp thứ 30/63 tỉnh, thành phố.", head)
    assert got == [("par_score", 85.12), ("par_rank", 30), ("par_rank_of", 63)]
    assert facts("Chỉ số PAPI năm 2023 của tỉnh đạt 42,5 điểm, xếp thứ 20/63.", head) == []


def test_scores_of_several_units_in_one_sentence():
    head = "Đăng ngày: 02/02/2024\nHội nghị tổng kết công tác CCHC năm 2023 của UBND thành phố Tuy Hòa.\n"
    df = extract_text(head + "Năm 2023, UBND phường 7 đạt 91,86 điểm; UBND phường 9 đạt 90,5 điểm.", file="t")
    assert [(r.unit_name, r.unit_code, r.value) for r in df.itertuples()] == [
        ("UBND phường 7", "22036", 91.86),
        ("UBND phường 9", "22024", 90.5),
    ]


def test_units_of_a_sentence_and_context():
    body = "Huyện Sông Hinh tiếp nhận 800 hồ sơ, huyện Sơn Hòa tiếp nhận 900 hồ sơ. Trong đó có 5 hồ sơ quá hạn."
    df = extract_text("Đăng ngày: 12/10/2023\nTháng 9/2023, tỉnh Phú Yên:\n" + body, file="t")
    assert [(r.unit_code, r.metric, r.value) for r in df.itertuples()] == [
        ("561", "received_total", 800),
        ("560", "received_total", 900),
        ("560", "resolved_late", 5),
    ]
    assert set(df.period_start) == {"2023-09-01"}
    assert any(f.startswith("unit_from_context") for f in df.iloc[2]["flags"])


def test_province_implied_by_district():
    df = extract_text("Đăng ngày: 12/10/2023\nNăm 2022, UBND thành phố Vũng Tàu tiếp nhận 10.000 hồ sơ.", file="t")
    assert (df.unit_code.iloc[0], df.province_code.iloc[0]) == ("747", "77")


def test_unknown_unit_and_period_are_said():
    df = extract_text("Tiếp nhận 10 hồ sơ.", file="t")
    fl = df.iloc[0]["flags"]
    assert df.unit_code.iloc[0] is None and df.period_start.iloc[0] is None
    assert any(f.startswith("unit_unknown") for f in fl) and any(f.startswith("period_unknown") for f in fl)


def test_deterministic():
    body = "Tiếp nhận 45.678 hồ sơ, trong đó trực tuyến 30.123 hồ sơ. Tỷ lệ đúng hạn đạt 98%."
    a = extract_text(HEAD + body, file="t")
    b = extract_text(HEAD + body, file="t")
    assert a.equals(b)
