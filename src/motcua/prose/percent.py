"""Percentages of a sentence: which rate of dossiers each one is, or an index score, or none.

Grain: one :class:`~motcua.prose.figures.Figure` of kind "percent" at a time, given the figures
before it. A percentage right after a count ("176 hồ sơ (đạt 14.3%)") is that count's share; one
with rate words around it is that rate; one in a list after another rate of its sentence measures
the same; in an article on an index, one after a rank or with score words is a score. Targets,
thresholds and percentages of other things are not rates.
"""

from __future__ import annotations

import re
from typing import TYPE_CHECKING

from motcua.prose.vocab import Vocab

if TYPE_CHECKING:  # pragma: no cover
    from motcua.prose.figures import Figure


def _share_metric(count_metric: str | None) -> str:
    return {
        "resolved_ontime": "ontime_rate",
        "received_online": "online_rate",
        "received_offline": "offline_share",
        "resolved_late": "late_share",
    }.get(count_metric or "", "share")


def _rate_metric(window: str, vocab: Vocab) -> str | None:
    for metric in ("late_share", "ontime_rate", "online_rate", "offline_share"):
        if vocab.rate[metric].search(window):
            # "quá hạn" inside "trước hạn và đúng hạn" cannot happen; late wins only when no on-time word
            if metric == "late_share" and vocab.rate["ontime_rate"].search(window):
                continue
            return metric
    return None


def classify_percent(
    fig: Figure,
    figs: list[Figure],
    masked: str,
    kwtext: str,
    cs: int,
    left: str,
    right: str,
    vocab: Vocab,
    par_ctx: bool = False,
) -> bool:
    """Give a percentage its metric; False when it is not a published rate of dossiers.

    Besides the words around it: a percentage in a list after another of the same sentence ("của cấp
    huyện đạt 98,6%, của cấp xã đạt 99,7%") measures the same; in an article on the PAR or 766 index,
    a percentage after a rank or with "điểm" ("xếp thứ 2/20 với 90,14%", "tỷ lệ điểm 99,28%") is a score.
    """
    tail = left[-30:]
    bound = just_before(tail, vocab.bound)
    if (bound and not re.search(r"(?:đạt|chiếm|là|\()\s*$", tail[: bound.start()])) or vocab.selection.search(left):
        return False  # "dưới 3%", "từ 95%", "những địa phương có tỷ lệ … đạt 100%" (but "đạt hơn 92%" is a result)
    own_right = vocab.dossier.search(right) and _rate_metric(right, vocab)
    prev_i = _previous_outside_brackets(figs, masked, fig.start)
    if prev_i is not None and figs[prev_i].kind in ("count", "fraction") and not own_right:
        prev = figs[prev_i]
        gap = _strip_brackets(masked[prev.end : fig.start])
        if (
            re.fullmatch(r"[^,;.()\d#]*\(\s*(?:(?:đạt|chiếm|bằng|là|tỷ lệ|tỉ lệ|gần|khoảng|hơn|trên)\s*)*", gap)
            or re.fullmatch(
                r"\s*(?:(?:(?:bộ\s+)?hồ\s+sơ|hs)\b)?\s*[,(]?\s*(?:(?:đạt|chiếm|bằng|là|với|tương ứng|tỷ lệ|tỉ lệ|gần|khoảng)\s*)*"
                r"(?:tỷ lệ|tỉ lệ)?\s*",
                gap,
            )
            or re.fullmatch(  # "2.255 hồ sơ nộp trực tuyến, chiếm 61%"
                r"[^,;.()\d#]*,\s*(?:đạt|chiếm|bằng|tương ứng|tỷ lệ|tỉ lệ)(?:\s+(?:tỷ lệ|tỉ lệ|là|đạt))*\s*", gap
            )
        ):
            fig.metric = _share_metric(prev.metric)
            if fig.metric == "share" and _rate_metric(right, vocab):  # "3.425 hồ sơ, 95% nộp trực tuyến"
                fig.metric = _rate_metric(right, vocab)
            fig.attached_to = prev_i
            return True
    window = _strip_brackets(left) + " | " + right
    after = masked[fig.end :].lstrip()
    if vocab.target.search(window) or vocab.other_subject.search(window):
        return False
    if vocab.non_dossier_noun.match(after) and not re.match(r"(?:hồ\s+sơ)", after):
        return False
    metric = _rate_metric(window, vocab) if (vocab.dossier.search(window) or vocab.dossier.search(masked)) else None
    if metric is None:
        if (
            re.search(r"chỉ số (?:cải cách hành chính|cchc)|par index", window)
            or (par_ctx and _score_words(figs, masked, fig.start, window))
        ) and not vocab.other_index.search(window):
            fig.metric, fig.kind = "par_score", "score"
            fig.flags.append("score_in_percent: điểm chỉ số nêu bằng %")
            return True
        prev = next((f for f in reversed(figs) if f.kind == "percent" and f.metric in _LIST_RATES), None)
        if (
            prev is not None
            and re.fullmatch(r"[^;.\d#]*", masked[prev.end : fig.start])
            and not any(rx.search(kwtext[prev.end : fig.start]) for rx in vocab.rate.values())
        ):
            fig.metric = prev.metric
            fig.flags.append(f"metric_from_list: cùng loại tỷ lệ với {prev.token}% đứng trước trong câu")
            return True
        return False
    fig.metric = metric
    if metric == "online_rate" and re.search(r"toàn trình|một phần", window):
        fig.flags.append("online_subset: tỷ lệ chỉ tính hồ sơ trực tuyến toàn trình/một phần")
    if metric == "ontime_rate" and vocab.rate["online_rate"].search(window):
        fig.flags.append("ontime_subset: tỷ lệ đúng hạn của riêng hồ sơ trực tuyến")
    return True


_LIST_RATES = ("ontime_rate", "online_rate", "late_share", "offline_share")


_SCORE_WORDS = re.compile(
    r"điểm|dẫn đầu|đứng đầu|đứng cuối|cuối bảng|cao nhất|thấp nhất|xếp thứ|đứng thứ"
    r"|giá trị trung bình|trung bình|bình quân"
)


def _score_words(figs: list[Figure], masked: str, pos: int, window: str) -> bool:
    """A percentage that reads as an index score: after a rank or score of its clause, or with score words."""
    if figs and figs[-1].kind in ("rank", "score") and not re.search(r"[;]", masked[figs[-1].end : pos]):
        return True
    return bool(_SCORE_WORDS.search(window) or _SCORE_WORDS.search(masked[max(0, pos - 40) : pos]))


def just_before(tail: str, rx: re.Pattern[str]) -> re.Match[str] | None:
    """A phrase of ``rx`` ending right before the number (only spaces between)."""
    for m in rx.finditer(tail):
        if not tail[m.end() :].strip():
            return m
    return None


def _strip_brackets(text: str) -> str:
    prev = None
    while prev != text:
        prev, text = text, re.sub(r"\([^()]*\)", " ", text)
    return text


def _previous_outside_brackets(figs: list[Figure], masked: str, pos: int) -> int | None:
    """Index of the last figure not inside a bracket that closes before ``pos``."""
    for j in range(len(figs) - 1, -1, -1):
        between = masked[figs[j].end : pos]
        if between.count(")") > between.count("("):
            continue  # figs[j] sits inside "( … )" that ends before pos
        return j
    return None
