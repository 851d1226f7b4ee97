"""The PAR index reader (motcua.ingest.par): headers found by their labels, the set chosen by the title, criteria
under their field, maxima stated in the file, the year from the title."""

from __future__ import annotations

from typing import Any

import pytest

from motcua.ingest.grid import Grid
from motcua.ingest.par import is_par_book, looks_like_par, parse_score, read_par_sheet

FIELDS = [
    "Công tác chỉ đạo điều hành CCHC",
    "Xây dựng và tổ chức thực hiện văn bản QPPL",
    "Cải cách thủ tục hành chính",
    "Cải cách tổ chức bộ máy hành chính",
    "Cải cách chế độ công vụ",
    "Cải cách cơ chế tài chính công",
    "Xây dựng chính quyền điện tử",
    "Tác động của CCHC đến người dân, tổ chức",
]


def grid(
    title: list[str],
    header: list[list[Any]],
    body: list[list[Any]],
    merged: list[tuple[int, int, int, int]] | None = None,
) -> Grid:
    rows = [[t] for t in title] + header + body
    return Grid("Sheet1", [list(r) for r in rows], merged or [])


def one_row_header(extra: list[str] | None = None) -> list[list[Any]]:
    return [["STT", "Tên đơn vị", *FIELDS, "Tổng điểm", "Xếp hạng", *(extra or [])]]


def test_parse_score_reads_both_decimal_marks_and_refuses_words():
    assert parse_score("17,64") == (17.64, "") and parse_score("17.64") == (17.64, "") and parse_score(5) == (5.0, "")
    assert parse_score(None) == (None, "") and parse_score(" - ") == (None, "")
    assert parse_score("-0,5") == (None, "negative") and parse_score("khá") == (None, "non_numeric")
    assert parse_score(True) == (None, "non_numeric")


def test_one_row_header_district_set_by_title_year_from_title():
    g = grid(
        ["KẾT QUẢ CHỈ SỐ CẢI CÁCH HÀNH CHÍNH NĂM 2022 CỦA CÁC HUYỆN, THỊ XÃ, THÀNH PHỐ"],
        one_row_header(),
        [[1, "UBND thị xã Sông Cầu", 17.64, 5.9, 12, 7, 11, 5.5, 8.42, 5.88, 73.34, 3]],
    )
    assert looks_like_par(g)
    ps = read_par_sheet(g)
    assert ps is not None and ps.layout.name == "par_district" and ps.year == 2022 and not ps.level_assumed
    assert ps.header_row == 2 and len(ps.rows) == 1
    r = ps.rows[0]
    assert r.name == "UBND thị xã Sông Cầu" and r.cells[("procedures", "")] == 12 and r.total == 73.34 and r.rank == 3


def test_commune_set_chosen_by_title_and_assumed_without_one():
    body = [[1, "UBND phường Xuân Thành", 12, 4, 20, 5, 11, 6, 12, 13, 83, 1]]
    ps = read_par_sheet(grid(["CHỈ SỐ CCHC NĂM 2022 CỦA UBND CÁC XÃ, PHƯỜNG"], one_row_header(), body))
    assert ps is not None and ps.layout.name == "par_commune" and not ps.level_assumed
    ps = read_par_sheet(grid(["CHỈ SỐ CCHC NĂM 2022"], one_row_header(), body))
    assert ps is not None and ps.layout.name == "par_district" and ps.level_assumed


def test_criteria_under_their_field_and_maxima_in_labels():
    """A three-row header: fields, then criteria under "Cải cách thủ tục hành chính (22 điểm)" with its own "Điểm"."""
    top = [
        "STT",
        "Đơn vị",
        "Điểm theo lĩnh vực",
        None,
        None,
        None,
        None,
        None,
        None,
        None,
        None,
        None,
        "Tổng điểm",
        "Xếp hạng",
    ]
    mid = [
        None,
        None,
        f"{FIELDS[0]} (18,5 điểm)",
        FIELDS[1],
        "Cải cách thủ tục hành chính (20 điểm)",
        None,
        None,
        FIELDS[3],
        FIELDS[4],
        FIELDS[5],
        FIELDS[6],
        FIELDS[7],
        None,
        None,
    ]
    low = [
        None,
        None,
        None,
        None,
        "Điểm",
        "Công khai TTHC",
        "Giải quyết TTHC",
        None,
        None,
        None,
        None,
        None,
        None,
        None,
    ]
    merged = [(1, 3, 0, 0), (1, 3, 1, 1), (1, 1, 2, 11), (2, 2, 4, 6), (1, 3, 12, 12), (1, 3, 13, 13)]
    merged += [(2, 3, c, c) for c in (2, 3, 7, 8, 9, 10, 11)]
    g = grid(
        ["Chỉ số cải cách hành chính cấp huyện năm 2023"],
        [top, mid, low],
        [[1, "Huyện Tuy An", 15, 5, 14, 6, 8, 6, 12, 9, 7, 6, 73.5, 1]],
        merged,
    )
    ps = read_par_sheet(g)
    assert ps is not None and ps.header_depth == 3 and ps.year == 2023
    assert {(c.key, c.criterion) for c in ps.field_columns()} >= {
        ("procedures", ""),
        ("procedures", "Công khai TTHC"),
        ("procedures", "Giải quyết TTHC"),
    }
    assert ps.maxima[("direction", "")] == 18.5 and ps.maxima[("procedures", "")] == 20
    assert ps.rows[0].cells[("procedures", "Công khai TTHC")] == 6


def test_maxima_row_section_headings_and_totals_rows():
    body = [
        ["I", "Khối huyện", *[None] * 11],
        [None, "Điểm tối đa", 18.5, 6, 22, 7, 14, 9.5, 16, 7.5, 100.5, None],
        [1, "Huyện Tuy An", 15, 5, 14, 6, 8, 6, 12, 7, 73, 1],
        [None, "Trung bình", 15, 5, 14, 6, 8, 6, 12, 7, 73, None],
        [None, None, None],
        ["II", "Khối xã", *[None] * 11],
        [1, "Xã An Dân", 15, 5, 14, 6, 8, 6, 12, 7, 73, 1],
        [None, None, 15, 5, 14],
    ]
    ps = read_par_sheet(grid(["Chỉ số CCHC năm 2021"], one_row_header(), body))
    assert ps is not None and ps.max_row == 4 and ps.maxima[("impact", "")] == 7.5 and ps.maxima[("total", "")] == 100.5
    assert [r.name for r in ps.rows] == ["Huyện Tuy An", "Xã An Dân"] and ps.rows[0].group != ps.rows[1].group
    assert ps.nameless == [10]


@pytest.mark.parametrize(
    "header",
    [
        [["STT", "Tên đơn vị", *FIELDS[:-1], "Tổng điểm"]],  # a field missing
        [["STT", "Tên đơn vị", *FIELDS]],  # no total column
    ],
)
def test_header_without_every_field_and_a_total_is_not_a_par_table(header):
    g = grid(["Chỉ số CCHC năm 2021"], header, [[1, "Huyện Tuy An", *range(9)]])
    assert read_par_sheet(g) is None and looks_like_par(g)


def test_a_form_06_is_not_a_par_book():
    from motcua.ingest.grid import Book

    g = grid(["Biểu 06"], [["STT", "Đơn vị", "Tổng số", "Trực tuyến", "Trực tiếp"]], [[1, "Huyện Tuy An", 3, 1, 2]])
    assert not looks_like_par(g) and not is_par_book(Book(path=None, grids=[g]))  # type: ignore[arg-type]
