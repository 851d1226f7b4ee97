"""Clues around a figure in a sentence: the words that belong to it, brackets, a change word, a topic, the
figure before it.

Grain: one predicate or lookup per function, over the sentence as matched (``masked``: digits of dates
hidden; ``kwtext``: unit names and neutral phrases blanked so their words are never read as keywords)
and the figures found so far. Quirks: a change ("tăng 3 bậc") in brackets is the index's own only
right after its rank or score; a breakdown in brackets after a pending count splits the pending
dossiers; "tăng lên 25,2 ngàn hồ sơ" is the new level, not a change.
"""

from __future__ import annotations

import re
from typing import TYPE_CHECKING

from motcua.prose.vocab import Vocab

if TYPE_CHECKING:  # pragma: no cover
    from motcua.prose.figure_record import Figure

AND_OTHER = re.compile(r"\s+(?:và|còn)\s+(?!(?:đúng|trước|sớm|trả|giải|xử|tiếp|chưa|đang|được|đã)(?!\w))")


def right_window(text: str, pos: int) -> str:
    """Words after a figure up to punctuation, a digit, or "và"/"còn" starting another part."""
    m = re.match(r"[^,;.()!?:\n\d#]*", text[pos:])
    w = m.group(0)[:60] if m else ""
    cut = AND_OTHER.search(w)
    return w[: cut.start()] if cut else w


RATE_TO_COUNT = {
    "ontime_rate": "resolved_ontime",
    "online_rate": "received_online",
    "offline_share": "received_offline",
    "late_share": "resolved_late",
}


OWN = re.compile(r"[^,;.()!?:\n\d#|]*?(?=\s+(?:và|hoặc|còn|với|so với)\s|[,;.()!?:\n\d#|]|$)")


def own_words(kwtext: str, end: int) -> int:
    """Length of the words after a count that are its own ("2.007 hồ sơ trực tuyến và 258 …"): up to
    "và", punctuation or a digit; the next figure's words start after them."""
    m = OWN.match(kwtext, end)
    return len(m.group(0)) if m else 0


TOPIC = re.compile(r"\s*(?:về|đối với|riêng)\s+([^,;:]{3,40})[,:]")


def with_topic(metric: str | None, ntext: str, vocab: Vocab) -> str | None:
    """ "Về hồ sơ trực tuyến, … tiếp nhận 581 hồ sơ": a sentence's topic makes its plain counts specific."""
    t = TOPIC.match(ntext)
    if metric not in ("received_total",) or t is None:
        return metric
    for specific in ("received_online", "received_offline"):
        if vocab.count[specific].search(t.group(1)):
            return specific
    return metric


def metric_from_list(figs: list[Figure], masked: str, kwtext: str, pos: int) -> str | None:
    """A count in a list of units after another count ("Công an tỉnh tiếp nhận 7,7 ngàn HS, Sở Công Thương
    3,7 ngàn HS, …"): only a unit between them, so the same metric."""
    if not figs or figs[-1].kind != "count" or not figs[-1].metric:
        return None
    a = figs[-1].end
    gap = kwtext[a:pos]
    if re.fullmatch(r"[\s,]*(?:và\s+)?[\s]*", gap) and ("," in gap or "và" in gap) and masked[a:pos].strip(" ,"):
        return figs[-1].metric
    return None


def paren_gap(masked: str, a: int, b: int) -> bool:
    """Only a bracket, comma or colon (and "tương ứng", "tức là", "gồm" …) between two figures."""
    return bool(re.fullmatch(r"\s*[(,:]?\s*(?:(?:tương ứng|tức là|gồm|với|là)\s*)?", masked[a:b]))


def metric_from_rate_before(figs: list[Figure], masked: str, pos: int) -> str | None:
    """A count right after a rate, in brackets ("đạt 99,5% (1.990/2.000 hồ sơ)"), counts what the rate measures."""
    if figs and figs[-1].kind == "percent" and paren_gap(masked, figs[-1].end, pos):
        return RATE_TO_COUNT.get(figs[-1].metric or "")
    return None


def about_index(figs: list[Figure], masked: str, pos: int) -> bool:
    """A change in brackets is the index's own only right after its rank or score
    ("xếp thứ 10/18 (giảm 8 bậc)"), not after a component's name ("cải cách TTHC (giảm 31 bậc)")."""
    if not in_brackets(masked, pos):
        return True
    open_at = masked.rfind("(", 0, pos)
    before = [f for f in figs if f.end <= open_at]
    return (
        bool(before)
        and before[-1].kind in ("rank", "score")
        and not re.search(r"[:;]", masked[before[-1].end : open_at])
    )


def in_brackets(masked: str, pos: int) -> bool:
    """``pos`` is inside an open bracket."""
    open_at = masked.rfind("(", 0, pos)
    return open_at >= 0 and ")" not in masked[open_at:pos]


def inherit_from_bracket(
    metric: str | None, figs: list[Figure], masked: str, pos: int, window: str, vocab: Vocab
) -> str | None:
    """A breakdown in brackets after a pending count ("1.321 hồ sơ đang giải quyết (1.246 chưa đến hạn,
    75 quá hạn)") splits the pending dossiers, not the resolved ones."""
    open_at = masked.rfind("(", 0, pos)
    if open_at < 0 or ")" in masked[open_at:pos]:
        return metric
    before = [f for f in figs if f.end <= open_at]
    if not before or before[-1].metric != "pending_total" or metric == "pending_total":
        return metric
    return "pending_overdue" if vocab.count["resolved_late"].search(window) else "pending_ontime"


def is_change(left: str, vocab: Vocab) -> bool:
    """A number right after "tăng"/"giảm" (within two words) is a change, not a level."""
    tail = left[-25:]
    if re.search(r"(?:tăng|giảm)\s+(?:nhiều|ít|mạnh|sâu|nhẹ)(?:\s+nhất)?\s*\(?\s*$", tail):
        return True  # "Bình Thuận tăng nhiều nhất (6,39%)"
    if re.search(r"(?:tăng|giảm)\s+(?:lên|xuống|còn)(?:\s+(?:đến|tới|mức))?\s*$", tail):
        return False  # "tăng lên 25,2 ngàn hồ sơ": the new level
    if re.search(r"(?:nhiều|ít|cao|thấp)\s+hơn\b[^,;]{0,40}\blà\s*$", left):
        return True  # "nhiều hơn quý II là 9,6 ngàn hồ sơ": a difference
    for rx in (vocab.increase, vocab.decrease):
        for km in rx.finditer(tail):
            if len(tail[km.end() :].split()) <= 2:
                return True
    return False


def close_keyword(left: str, vocab: Vocab) -> bool:
    """A bare number counts dossiers only if a metric word or "là" ends just before it."""
    tail = left[-40:]
    if re.search(r"(?:là|gồm|có|:)\s*$", tail):
        return True
    for rx in vocab.count.values():
        for km in rx.finditer(tail):
            if len(tail[km.end() :].split()) <= 2:
                return True
    return False


def component_name(ntext: str, cs: int, pos: int) -> str:
    """The name of a component score: the words before it since the clause start, a colon or a semicolon."""
    start = max(ntext.rfind(":", 0, pos), ntext.rfind(";", 0, pos), cs - 1) + 1
    name = ntext[start:pos]
    name = re.sub(r"\s*(?:đạt|được|là)\s*$", "", name.strip())
    return name.strip(" ,")
