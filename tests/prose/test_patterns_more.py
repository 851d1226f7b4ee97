"""Forms seen in real press releases (paraphrased, with invented numbers): brackets,
"bộ" as the count noun, approximations, pending breakdowns, territory versus office,
headlines, bare district names, ranks in words, cut-offs after the article date."""

from __future__ import annotations

from motcua.prose import extract_text


def rows(text: str):
    return [
        (r.unit_name, r.unit_code, r.period_start, r.period_end, r.metric, float(r.value), r.flags)
        for r in extract_text(text, file="t").itertuples()
    ]


def metrics(text: str):
    return [(m, v) for _, _, _, _, m, v, _ in rows(text)]


def test_bo_as_count_noun_and_form_identities():
    text = (
        "Cập nhật ngày: 20/01/2022 | 10:00\n"
        "Trong năm 2021, tổng số hồ sơ yêu cầu giải quyết của toàn huyện Tuy An là 10.010 bộ. Trong đó, số hồ sơ mới "
        "tiếp nhận là 9.000 bộ; số hồ sơ từ kỳ trước chuyển qua là 1.010 bộ.\n"
        "Kết quả đã giải quyết được 9.500 bộ hồ sơ (9.400 hồ sơ giải quyết đúng hạn, 100 hồ sơ giải quyết quá hạn); "
        "510 hồ sơ đang giải quyết (500 hồ sơ chưa đến hạn, 10 hồ sơ quá hạn)."
    )
    got = rows(text)
    assert [(m, v) for *_, m, v, _ in got] == [
        ("received_total", 10010),
        ("received_in_period", 9000),
        ("carried_over", 1010),
        ("resolved_total", 9500),
        ("resolved_ontime", 9400),
        ("resolved_late", 100),
        ("pending_total", 510),
    ]
    assert {c for _, c, *_ in got} == {"559"}
    flags = got[0][-1]
    assert any(f.startswith("scope_territory") for f in flags)
    assert sum(f.startswith("parts_sum_ok") for f in flags) == 2  # in-period + carried, resolved + pending


def test_rate_after_a_bracket_belongs_to_the_count_before_it():
    text = (
        "Đăng ngày: 21/12/2023\nNăm 2023, tại Bộ phận Một cửa UBND huyện Tuy An đã tiếp nhận 5.000 hồ sơ, giải quyết "
        "trước hạn, đúng hạn 4.900 hồ sơ (trong đó có 70 hồ sơ đang giải quyết trong hạn), đạt tỷ lệ 98%."
    )
    got = metrics(text)
    assert got == [("received_total", 5000), ("resolved_ontime", 4900), ("ontime_rate", 98.0)]


def test_office_and_territory_are_not_merged():
    text = (
        "Đăng ngày: 21/12/2023\nUBND thành phố Tuy Hòa cho biết. Năm 2023, toàn thành phố đã tiếp nhận 9.000 hồ sơ. "
        "Trong đó, tại Bộ phận Một cửa UBND thành phố đã tiếp nhận 2.000 hồ sơ."
    )
    got = rows(text)
    assert [(u, c, v) for u, c, _, _, _, v, _ in got] == [
        ("toàn thành phố", "555", 9000),
        ("Bộ phận Một cửa UBND thành phố", "555", 2000),
    ]
    assert not any(f.startswith("conflict") for r in got for f in r[-1])


def test_approximate_counts_are_flagged():
    got = rows(
        "Đăng ngày: 16/03/2023\nQuý I/2023, UBND huyện Tuy An đã tiếp nhận hơn 700 hồ sơ, giải quyết gần 650 hồ sơ."
    )
    assert [(m, v) for *_, m, v, _ in got] == [("received_total", 700), ("resolved_total", 650)]
    assert all(any(f.startswith("approximate") for f in r[-1]) for r in got)


def test_quarter_reported_before_its_calendar_end():
    got = rows("Đăng ngày: 16/03/2023\nQuý I/2023, UBND huyện Tuy An đã tiếp nhận 700 hồ sơ.")
    assert got[0][2:4] == ("2023-01-01", "2023-03-31")
    assert any(f.startswith("period_end_after_article") for f in got[0][-1])


def test_returned_and_pending_overdue_are_not_received_or_resolved():
    text = (
        "Đăng ngày: 30/08/2021\nTrong tháng 8/2021, UBND huyện Tuy An tiếp nhận mới 1.000 hồ sơ, hồ sơ quá hạn "
        "nhưng chưa có kết quả 30 hồ sơ, trả lại hồ sơ và rút hồ sơ là 5 hồ sơ (chiếm 0,5%)."
    )
    assert metrics(text) == [("received_in_period", 1000)]


def test_headline_repeat_is_dropped_but_body_kept():
    text = (
        "Tỷ lệ hồ sơ giải quyết đúng hạn của huyện Tuy An đạt 97%\n\nThu Hà 16:34, 31/03/2023\n\n"
        "Trong quý I/2023, UBND huyện Tuy An tiếp nhận 2.000 hồ sơ; tỷ lệ hồ sơ được giải quyết đúng hạn đạt 97%."
    )
    assert metrics(text) == [("received_total", 2000), ("ontime_rate", 97.0)]


def test_ontime_rate_of_online_dossiers_is_a_subset():
    text = (
        "Đăng ngày: 31/03/2023\nTrong quý I/2023, UBND huyện Tuy An tiếp nhận 2.000 hồ sơ; tỷ lệ giải quyết đúng hạn đạt "
        "97%; tỷ lệ hồ sơ trực tuyến được giải quyết đúng hạn đạt 99,7%."
    )
    got = rows(text)
    sub = [r for r in got if r[5] == 99.7][0]
    assert any(f.startswith("ontime_subset") for f in sub[-1])
    assert not any(f.startswith("conflict") for r in got for f in r[-1])


def test_bare_district_name_rank_words_and_periods_per_clause():
    text = (
        "Đăng ngày: 30/03/2023\nĐứng vị trí thứ 2 về Chỉ số cải cách hành chính năm 2021, Sông Hinh vươn lên vị trí "
        "thứ 1 trên bảng xếp hạng của UBND các huyện, thị xã, thành phố tỉnh Phú Yên năm 2022."
    )
    got = rows(text)
    assert [(c, p, m, v) for _, c, p, _, m, v, _ in got] == [
        ("561", "2021-01-01", "par_rank", 2),
        ("561", "2022-01-01", "par_rank", 1),
    ]


def test_rank_and_score_changes_with_shared_verb():
    text = (
        "Đăng ngày: 10/04/2022\nNăm 2021, Chỉ số cải cách hành chính tỉnh Phú Yên tăng 3,3 điểm và 8 bậc so với năm 2020, "
        "xếp thứ 8/63 tỉnh, thành phố. Một số lĩnh vực giảm điểm so với năm 2020 như: cải cách thủ tục hành chính "
        "(giảm 0,52 điểm và giảm 31 bậc)."
    )
    got = {(p[:4], m, v) for _, _, p, _, m, v, _ in rows(text)}
    assert got == {("2021", "par_rank", 8), ("2021", "par_rank_of", 63), ("2020", "par_rank", 16)}


def test_department_is_not_a_district():
    text = "Đăng ngày: 10/01/2024\nHội nghị CCHC tỉnh Phú Yên. Kết quả Chỉ số CCHC năm 2023: Sở Tư pháp dẫn đầu với 92,5 điểm."
    got = rows(text)
    assert {(u, c) for u, c, *_ in got} == {("Sở Tư pháp", "54-so-tu-phap")}  # an agency, never a district's code
    assert all(any(f.startswith("agency:") for f in r[-1]) for r in got)


def test_thresholds_and_selections_are_not_rates():
    text = (
        "Đăng ngày: 30/08/2021\nTháng 8/2021, có 5/9 huyện đạt tỷ lệ hồ sơ quá hạn dưới 3%. Những địa phương có tỷ lệ "
        "hồ sơ giải quyết đúng hạn đạt 100% là các xã thuộc huyện Tuy An."
    )
    assert metrics(text) == []


def test_numbered_aggregate_and_online_subset():
    text = (
        "Đăng ngày: 10/01/2024\nNăm 2023, UBND 16 phường, xã thuộc thành phố Tuy Hòa tiếp nhận 50.000 hồ sơ, "
        "trong đó hồ sơ trực tuyến toàn trình 12.000 hồ sơ."
    )
    got = rows(text)
    assert [(u, c, m, v) for u, c, _, _, m, v, _ in got] == [
        ("UBND 16 phường, xã", None, "received_total", 50000),
        ("UBND 16 phường, xã", None, "received_online", 12000),
    ]
    assert any(f.startswith("online_subset") for f in got[1][-1])


def test_thousands_in_words_district_level_and_bracketed_rank_change():
    text = (
        "Đăng ngày: 15/01/2024\nUBND huyện Tuy An vừa tổng kết công tác cải cách hành chính năm 2023.\n"
        "Năm 2023, toàn huyện Tuy An tiếp nhận hơn 37 nghìn hồ sơ. Trong đó cấp huyện giải quyết 15.182 hồ sơ; "
        "cấp xã tiếp nhận 21 nghìn hồ sơ.\n"
        "Năm 2023, Chỉ số cải cách hành chính của huyện Tuy An xếp thứ 7/9 huyện, thị xã, thành phố (giảm 4 bậc so "
        "với năm 2022)."
    )
    got = [(u, c, p[:4], m, v) for u, c, p, _, m, v, _ in rows(text)]
    assert got == [
        ("toàn huyện Tuy An", "559", "2023", "received_total", 37000),
        ("cấp huyện", "559", "2023", "resolved_total", 15182),
        ("cấp xã", None, "2023", "received_total", 21000),
        ("huyện Tuy An", "559", "2023", "par_rank", 7),
        ("huyện Tuy An", "559", "2023", "par_rank_of", 9),
        ("huyện Tuy An", "559", "2022", "par_rank", 3),
    ]


def test_names_with_thanh_and_thi():
    got = rows("Đăng ngày: 22/01/2023\nNăm 2022, UBND thị xã Hòa Thành tiếp nhận 5.000 hồ sơ.")
    assert got[0][1] == "709"
