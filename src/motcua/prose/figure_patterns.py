"""The regular expressions that find number phrases in a normalised sentence, and the masking of numbers
that are not figures.

Grain: patterns only. :data:`FIGURE_RX` finds one phrase at a time, its named group saying the kind:
``rank`` ("xếp thứ 10/18", "đứng đầu"), ``bac``/``bac2`` (a rank change, "tăng 3 bậc"), ``frac``
("47.563/47.590 hồ sơ", "8,5/10 điểm"), ``pct``, ``pts`` (a score), ``cnt`` (a count, "37 nghìn hồ
sơ"). Quirks: digits inside dates, times, document numbers, periods ("giai đoạn 2021-2025"), years and
phone numbers are masked to ``#`` first (:func:`mask_numbers`), so they never match; "thứ năm" before a
year is a weekday, not a rank.
"""

from __future__ import annotations

import re

NUM = r"\d{1,3}(?:[.,]\d{3})+(?:[.,]\d+)?|\d+(?:[.,]\d+)?"

MASKS = [
    re.compile(r"ngày\s+\d{1,2}(?:\s*[/.-]\s*\d{1,2})?(?:\s*[/.-]\s*\d{2,4})?"),
    re.compile(r"(?<![\d.,])\d{1,2}[/-]\d{1,2}[/-]\d{2,4}(?![\d])"),
    re.compile(r"\d{1,2}:\d{2}(?::\d{2})?"),
    re.compile(r"(?:số\s+)?\d+(?:/\d{4})?/[a-zđ][a-zđ0-9&-]*", re.I),
    re.compile(r"(?:mức độ|mức|cấp độ)\s+\d(?:\s*(?:,|và|/)\s*\d)*"),
    re.compile(r"(?:chỉ số|quyết định(?:\s+số)?|qđ)\s+766(?!\d)"),
    re.compile(r"(?:nk|nhiệm kỳ|giai đoạn)\s+\d{4}\s*[-–]\s*\d{4}"),
    re.compile(r"(?<![\d.,])(?:19|20)\d{2}(?![\d.,%]|\s*(?:hồ sơ|hs\b))"),
    re.compile(r"(?<![\d.,])(?:\+?84|0)\d{1,3}(?:[ .]?\d){6,9}(?![\d,])"),
]

#: Ordinal words after "thứ" ("xếp thứ ba"); "thứ năm" before a year is not a rank.
ORDINAL_VALUES = {
    "nhất": 1,
    "nhì": 2,
    "hai": 2,
    "ba": 3,
    "tư": 4,
    "bốn": 4,
    "năm": 5,
    "sáu": 6,
    "bảy": 7,
    "tám": 8,
    "chín": 9,
    "mười": 10,
}
STEP_WORDS = {**ORDINAL_VALUES, "một": 1}  # "tăng một bậc"
ORDINALS = "|".join(sorted(STEP_WORDS, key=len, reverse=True))
GROUP_LIST = re.compile(
    r"điểm (?:từng|các|của từng|của các) (?:nhóm|chỉ số|lĩnh vực)|điểm thành phần|chỉ số thành phần"
    r"|nhóm chỉ số"
)
COUNT_NOUN = r"(?:(?:bộ\s+)?hồ\s+sơ|hs|bộ(?!\s+(?:phận|chỉ|thủ tục|tthc|máy)))(?!\w)"
FIGURE_RX = re.compile(
    rf"(?P<rank>(?:xếp|đứng|dẫn|vươn\s+lên|vị\s+trí|hạng)(?:\s+(?:hạng|vị\s+trí|ở))*\s+(?:thứ\s+)?"
    rf"(?P<r>\d{{1,2}}(?!\d)|(?<=thứ\s)(?:{ORDINALS})(?!\w)(?!\s+#)|nhất(?!\w)|nhì(?!\w)|(?P<top>đầu(?:\s+bảng)?)(?!\w)|(?P<last>cuối\s+bảng|cuối\s+cùng|cuối|chót|thấp\s+nhất)(?!\w))"
    rf"(?:\s*(?:/|(?:[^.;/\d#]{{0,40}}?\s)?(?:trên(?:\s+tổng)?(?:\s+số)?|trong\s+(?:tổng\s+)?số))\s*(?P<rn>\d{{1,3}})(?!\d))?)"
    rf"|(?P<bac>(?P<bdir>tăng|giảm|tụt)\s+(?P<b>\d{{1,2}}|{ORDINALS})\s+(?:bậc|hạng|vị\s+trí))"
    rf"|(?P<bac2>(?:và|,)\s+(?P<b2>\d{{1,2}})\s+bậc)"
    rf"|(?P<frac>(?P<fa>{NUM})\s*/\s*(?P<fb>{NUM})(?P<funit>\s*(?:{COUNT_NOUN}|điểm|%))?)"
    rf"|(?P<pct>(?P<p>{NUM})\s*(?:%|phần\s+trăm))"
    rf"|(?P<pts>(?P<s>{NUM})\s+điểm(?!\s+(?:tiếp\s+nhận|giao\s+dịch|cầu))|(?<=tổng điểm )(?P<s2>{NUM})(?![\d%])"
    rf"|(?<=điểm số )(?P<s3>{NUM})(?![\d%]))"
    rf"|(?P<cnt>(?P<c>{NUM})(?:\s+(?P<mult>nghìn|ngàn|triệu)(?!\w))?(?P<cunit>\s+{COUNT_NOUN})?)"
)


def mask_numbers(ntext: str, spans: list[tuple[int, int]]) -> str:
    """Digits inside dates, periods (given spans), document numbers, phones, years → '#'."""
    chars = list(ntext)
    all_spans = list(spans)
    for rx in MASKS:
        all_spans += [(m.start(), m.end()) for m in rx.finditer(ntext)]
    for a, b in all_spans:
        for i in range(a, b):
            if chars[i].isdigit():
                chars[i] = "#"
    return "".join(chars)
