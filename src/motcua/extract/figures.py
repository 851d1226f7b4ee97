"""Figures in one sentence: counts of dossiers, percentages, scores, ranks.

Grain: one :class:`Figure` per number phrase of a sentence, classified into a
metric by the words around it (config/extract.yaml): the words since the
previous figure of the same clause, and the few words after it up to the next
punctuation ("02 hồ sơ quá hạn"). Numbers inside dates, periods, document
numbers and phone numbers are masked first. A percentage right after a count
("176 hồ sơ (đạt 14.3%)", "47.563/47.590 hồ sơ, đạt 99,47%") is that count's
share. Targets ("từ 95% trở lên"), and figures about other things (procedures,
payments, satisfaction, other indices) are not figures of the one-stop shop.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field, replace

from motcua.extract.counts import both_ontime, classify_count
from motcua.extract.numbers import decimals_of, parse_number
from motcua.extract.percent import classify_percent, just_before
from motcua.extract.vocab import Vocab, norm
from motcua.numfmt import fmt_vi

NUM = r"\d{1,3}(?:[.,]\d{3})+(?:[.,]\d+)?|\d+(?:[.,]\d+)?"

_MASKS = [
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
_ORDINAL_VALUES = {
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
_STEP_WORDS = {**_ORDINAL_VALUES, "một": 1}  # "tăng một bậc"
_ORDINALS = "|".join(sorted(_STEP_WORDS, key=len, reverse=True))
_GROUP_LIST = re.compile(
    r"điểm (?:từng|các|của từng|của các) (?:nhóm|chỉ số|lĩnh vực)|điểm thành phần|chỉ số thành phần"
    r"|nhóm chỉ số"
)
_COUNT_NOUN = r"(?:(?:bộ\s+)?hồ\s+sơ|hs|bộ(?!\s+(?:phận|chỉ|thủ tục|tthc|máy)))(?!\w)"
_FIG = re.compile(
    rf"(?P<rank>(?:xếp|đứng|dẫn|vươn\s+lên|vị\s+trí|hạng)(?:\s+(?:hạng|vị\s+trí|ở))*\s+(?:thứ\s+)?"
    rf"(?P<r>\d{{1,2}}(?!\d)|(?<=thứ\s)(?:{_ORDINALS})(?!\w)(?!\s+#)|nhất(?!\w)|nhì(?!\w)|(?P<top>đầu(?:\s+bảng)?)(?!\w)|(?P<last>cuối\s+bảng|cuối\s+cùng|cuối|chót|thấp\s+nhất)(?!\w))"
    rf"(?:\s*(?:/|(?:[^.;/\d#]{{0,40}}?\s)?(?:trên(?:\s+tổng)?(?:\s+số)?|trong\s+(?:tổng\s+)?số))\s*(?P<rn>\d{{1,3}})(?!\d))?)"
    rf"|(?P<bac>(?P<bdir>tăng|giảm|tụt)\s+(?P<b>\d{{1,2}}|{_ORDINALS})\s+(?:bậc|hạng|vị\s+trí))"
    rf"|(?P<bac2>(?:và|,)\s+(?P<b2>\d{{1,2}})\s+bậc)"
    rf"|(?P<frac>(?P<fa>{NUM})\s*/\s*(?P<fb>{NUM})(?P<funit>\s*(?:{_COUNT_NOUN}|điểm|%))?)"
    rf"|(?P<pct>(?P<p>{NUM})\s*(?:%|phần\s+trăm))"
    rf"|(?P<pts>(?P<s>{NUM})\s+điểm(?!\s+(?:tiếp\s+nhận|giao\s+dịch|cầu))|(?<=tổng điểm )(?P<s2>{NUM})(?![\d%])"
    rf"|(?<=điểm số )(?P<s3>{NUM})(?![\d%]))"
    rf"|(?P<cnt>(?P<c>{NUM})(?:\s+(?P<mult>nghìn|ngàn|triệu)(?!\w))?(?P<cunit>\s+{_COUNT_NOUN})?)"
)


@dataclass
class Figure:
    """One number phrase of a sentence and what it is.

    ``kind``: count | fraction | percent | score | component | rank | score_change | rank_change.
    ``metric`` is a panel/extract metric or an auxiliary one (late_share, offline_share,
    pending_ontime, pending_overdue, early_part, share) used only for checks.
    """

    start: int
    end: int
    kind: str
    value: float | int
    token: str
    metric: str | None = None
    denominator: int | None = None
    rank_of: int | None = None
    decimals: int = 0
    component: str | None = None
    attached_to: int | None = None  # index of the count a share belongs to
    flags: list[str] = field(default_factory=list)
    early_only: bool = False
    both_ontime: bool = False  # "đúng và trước hạn": the stated sum of the two parts


def mask_numbers(ntext: str, spans: list[tuple[int, int]]) -> str:
    """Digits inside dates, periods (given spans), document numbers, phones, years → '#'."""
    chars = list(ntext)
    all_spans = list(spans)
    for rx in _MASKS:
        all_spans += [(m.start(), m.end()) for m in rx.finditer(ntext)]
    for a, b in all_spans:
        for i in range(a, b):
            if chars[i].isdigit():
                chars[i] = "#"
    return "".join(chars)


_AND_OTHER = re.compile(r"\s+(?:và|còn)\s+(?!(?:đúng|trước|sớm|trả|giải|xử|tiếp|chưa|đang|được|đã)(?!\w))")


def _right_window(text: str, pos: int) -> str:
    """Words after a figure up to punctuation, a digit, or "và"/"còn" starting another part."""
    m = re.match(r"[^,;.()!?:\n\d#]*", text[pos:])
    w = m.group(0)[:60] if m else ""
    cut = _AND_OTHER.search(w)
    return w[: cut.start()] if cut else w


def find_figures(
    ntext: str,
    masked: str,
    original: str,
    unit_spans: list[tuple[int, int]],
    vocab: Vocab,
    *,
    par_doc: bool,
    i766_doc: bool = False,
) -> list[Figure]:
    """Classified figures of one normalised sentence (``masked``: digits of dates etc. hidden).

    ``original`` is the sentence as written (same offsets), for component names.
    ``unit_spans`` are unit mentions, blanked out before keywords are matched
    ("bộ phận tiếp nhận và trả kết quả" names an office, not an action).
    """
    kw = list(masked)
    for a, b in unit_spans:
        n = re.search(r"\d{1,3}\s+$", masked[max(0, a - 5) : a])  # "40 xã, phường": the number is the unit's
        for i in range(a - (len(n.group(0)) if n else 0), b):
            kw[i] = " "
    kwtext = vocab.neutral.sub(lambda x: " " * len(x.group(0)), "".join(kw))
    # satisfaction is one of the 766 index's groups: only another index when the article is not on the 766 index
    sentence_other_index = bool(vocab.other_index.search(ntext)) and not (i766_doc or vocab.index766.search(ntext))
    sentence_par = bool(vocab.par.search(ntext) or vocab.index766.search(ntext))
    # a list of group scores without "điểm" after each ("Điểm từng nhóm: công khai, minh bạch 15,67; …")
    group_list = bool(_GROUP_LIST.search(ntext)) and (par_doc or sentence_par) and not sentence_other_index
    figs: list[Figure] = []
    prev_end = 0
    for m in _FIG.finditer(masked):
        if masked[m.start() : m.end()].strip() == "":
            continue
        left_floor = prev_end
        cs = max(kwtext.rfind(";", 0, m.start()) + 1, left_floor)
        left = kwtext[cs : m.start()]
        right = _right_window(kwtext, m.end())
        fig: Figure | None = None
        if m.group("rank"):
            about_dossiers = any(rx.search(ntext) for rx in vocab.rate.values())
            if (sentence_par or (par_doc and not about_dossiers)) and not sentence_other_index:
                rn = int(m.group("rn")) if m.group("rn") else None
                word = re.sub(r"\s+", " ", m.group("r"))
                r = (
                    rn
                    if m.group("last")
                    else 1
                    if m.group("top")
                    else (_ORDINAL_VALUES.get(word) or (int(word) if word.isdigit() else None))
                )
                if r is not None:
                    fig = Figure(m.start(), m.end(), "rank", r, m.group(0), "par_rank", rank_of=rn)
                    if m.group("last"):
                        fig.flags.append(f"rank_from_wording: '{word}' trong tổng số {rn} → xếp thứ {rn}/{rn}")
                    elif not word.isdigit():
                        fig.flags.append(f"rank_from_wording: '{m.group(0).strip()}' → xếp thứ {r}")
        elif m.group("bac") or m.group("bac2"):
            if m.group("bac"):
                b = m.group("b")
                sign, k = (1 if m.group("bdir") == "tăng" else -1), (int(b) if b.isdigit() else _STEP_WORDS.get(b, 0))
            else:
                dirs = list(re.finditer(r"(?:tăng|giảm|tụt)(?!\w)", kwtext[max(0, m.start() - 40) : m.start()]))
                sign, k = (0 if not dirs else (1 if dirs[-1].group(0) == "tăng" else -1)), int(m.group("b2"))
            if (
                sign
                and (sentence_par or par_doc)
                and not sentence_other_index
                and _about_index(figs, masked, m.start())
            ):
                fig = Figure(
                    m.start(),
                    m.end(),
                    "rank_change",
                    sign * k,
                    original[m.start() : m.end()].strip(" ,"),
                    "rank_change",
                )
        elif m.group("frac"):
            unit = (m.group("funit") or "").strip()
            fa, fb = m.group("fa"), m.group("fb")
            if unit == "điểm" or (not unit and re.match(r"\s*điểm", masked[m.end() :])):
                a = parse_number(fa, "decimal").value
                b = parse_number(fb, "decimal").value
                if sentence_other_index or not (par_doc or sentence_par):
                    pass
                elif abs(float(b) - 100) < 1e-9:
                    fig = Figure(
                        m.start(),
                        m.end(),
                        "score",
                        a,
                        fa,
                        "par_score",
                        decimals=decimals_of(fa),
                        flags=[f"score_of_max: {fa}/{fb} điểm"],
                    )
                else:
                    name = _component_name(original, cs, m.start())
                    fig = Figure(
                        m.start(),
                        m.end(),
                        "component",
                        a,
                        fa,
                        "par_score",
                        denominator=None,
                        decimals=decimals_of(fa),
                        component=name,
                    )
                    fig.rank_of = None
                    fig.flags.append(f"component: {name} (tối đa {fb} điểm)")
                    fig.denominator = b  # type: ignore[assignment]
            elif unit == "%":
                pass
            else:
                has_noun = (
                    bool(unit) or bool(re.search(_COUNT_NOUN, left + right)) or bool(re.search(_COUNT_NOUN, ntext))
                )
                if has_noun and not vocab.non_dossier_noun.match(masked[m.end() :].lstrip()):
                    metric, early = classify_count(left, right, vocab)
                    metric = metric or _metric_from_rate_before(figs, masked, m.start())
                    pa, pb = parse_number(fa, "count"), parse_number(fb, "count")
                    if metric:
                        fig = Figure(
                            m.start(),
                            m.end(),
                            "fraction",
                            pa.value,
                            fa,
                            metric,
                            denominator=pb.value,
                            early_only=early,
                            both_ontime=both_ontime(metric, early, left, right, vocab),
                        )
                        for note in {pa.note, pb.note} - {""}:
                            fig.flags.append(f"number_format: {note}")
        elif m.group("pct"):
            tok = m.group("p")
            val = parse_number(tok, "decimal")
            fig = Figure(m.start(), m.end(), "percent", val.value, tok, None, decimals=decimals_of(tok))
            if val.note:
                fig.flags.append(f"number_format: {tok} ({val.note})")
            par_ctx = (sentence_par or par_doc) and not sentence_other_index
            if (
                _is_change(left, vocab)
                and par_ctx
                and figs
                and figs[-1].kind == "score"
                and "score_in_percent" in " ".join(figs[-1].flags)
            ):  # "96,17%, tăng 4,30%": the score's change
                sign = -1 if vocab.decrease.search(left[-25:]) and not vocab.increase.search(left[-25:]) else 1
                fig = Figure(
                    m.start(),
                    m.end(),
                    "score_change",
                    sign * val.value,
                    original[m.start() : m.end()],
                    "score_change",
                    decimals=decimals_of(tok),
                )
            elif _is_change(left, vocab) or not classify_percent(
                fig, figs, masked, kwtext, cs, left, right, vocab, par_ctx
            ):
                fig = None
            elif just_before(left[-20:], vocab.approx):
                fig.flags.append(
                    f"approximate: bài viết '{just_before(left[-20:], vocab.approx).group(0)} {tok}%' → "
                    f"{fmt_vi(val.value)}% (số ước lượng)"
                )
        elif m.group("pts"):
            tok = m.group("s") or m.group("s2") or m.group("s3")
            val = parse_number(tok, "decimal").value
            before = kwtext[max(cs, m.start() - 25) : m.start()]
            capped = re.search(r"tối\s+đa(?:\s+là)?\s*$", before)
            if sentence_other_index or not (par_doc or sentence_par) or capped:
                fig = None
            elif (vocab.increase.search(before) or vocab.decrease.search(before)) and not _about_index(
                figs, masked, m.start()
            ):
                fig = None  # a component's change in brackets, not the index's
            elif vocab.increase.search(before) or vocab.decrease.search(before):
                sign = -1 if vocab.decrease.search(before) and not vocab.increase.search(before) else 1
                said = original[max(cs, m.start() - 25) : m.end()]
                said = (
                    said[re.search(r"(?:tăng|giảm|cao hơn|thấp hơn|vượt|tụt|nhiều hơn|ít hơn)", norm(said)).start() :]
                    if re.search(r"(?:tăng|giảm|cao hơn|thấp hơn|vượt|tụt|nhiều hơn|ít hơn)", norm(said))
                    else said
                )
                fig = Figure(
                    m.start(),
                    m.end(),
                    "score_change",
                    sign * val,
                    said.strip(),
                    "score_change",
                    decimals=decimals_of(tok),
                )
            else:
                fig = Figure(m.start(), m.end(), "score", val, tok, "par_score", decimals=decimals_of(tok))
                if not sentence_par:
                    fig.flags.append(
                        "index_not_named: câu không nêu tên chỉ số; coi là điểm chỉ số CCHC vì bài nói về CCHC"
                    )
                first = vocab.first.search(left)
                if first:
                    fig.flags.append(f"rank_from_wording: '{first.group(0)}' → xếp thứ 1")
        elif m.group("cnt"):
            tok = m.group("c")
            has_unit = bool(m.group("cunit"))
            after = masked[m.end() :].lstrip()
            if group_list and not has_unit and not m.group("mult") and re.match(r"\s*(?:[;.]|$)", masked[m.end() :]):
                name = _component_name(original, cs, m.start())  # "Điểm từng nhóm: công khai, minh bạch 15,67; …"
                fig = Figure(
                    m.start(),
                    m.end(),
                    "component",
                    parse_number(tok, "decimal").value,
                    tok,
                    "par_score",
                    decimals=decimals_of(tok),
                    component=name,
                    flags=[f"component: {name}"],
                )
            elif (
                re.match(r"(?:%|điểm|/)", after)
                or (not has_unit and vocab.non_dossier_noun.match(after))
                or _is_change(left, vocab)
                or vocab.other_subject.search(right)
            ):  # "50 hồ sơ thanh toán trực tuyến"
                fig = None
            elif has_unit or (re.search(_COUNT_NOUN, masked[: m.start()]) and _close_keyword(left, vocab)):
                metric, early = classify_count(left, right, vocab)
                metric = (
                    metric
                    or _metric_from_rate_before(figs, masked, m.start())
                    or _metric_from_list(figs, masked, kwtext, m.start())
                )
                metric = _inherit_from_bracket(metric, figs, masked, m.start(), left + " " + right, vocab)
                metric = _with_topic(metric, ntext, vocab)
                if (
                    metric == "pending_ontime"
                    and not _in_brackets(masked, m.start())
                    and not any(f.metric == "pending_total" for f in figs)
                ):
                    metric = "pending_total"  # "còn 220 hồ sơ đang giải quyết trong hạn": all pending, none late
                pn = parse_number(tok, "decimal" if m.group("mult") else "count")
                if m.group("mult"):  # "37 nghìn hồ sơ", "1,2 triệu hồ sơ"
                    factor = 1_000_000 if m.group("mult") == "triệu" else 1000
                    pn = replace(
                        pn,
                        value=int(round(float(pn.value) * factor)),
                        note=f"'{tok} {m.group('mult')}' = {fmt_vi(int(round(float(pn.value) * factor)))}",
                    )
                if metric and not vocab.target.search(left[-30:]):
                    fig = Figure(
                        m.start(),
                        m.end(),
                        "count",
                        pn.value,
                        tok,
                        metric,
                        early_only=early,
                        both_ontime=both_ontime(metric, early, left, right, vocab),
                    )
                    if metric == "received_online" and re.search(r"toàn trình|một phần|mức độ", left + " " + right):
                        fig.flags.append("online_subset: chỉ một phần hồ sơ trực tuyến (toàn trình/một phần/mức độ)")
                    if pn.note and not m.group("mult"):
                        fig.flags.append(f"number_format: {tok} ({pn.note})")
                    approx = just_before(left[-20:], vocab.approx)
                    if approx:
                        said = original[m.start() - len(left[-20:]) + approx.start() : m.end()].strip()
                        fig.flags.append(
                            f"approximate: bài viết '{said}' → {fmt_vi(pn.value)} (số ước lượng, không phải số chính xác)"
                        )
                    if m.group("mult"):
                        fig.flags.append(
                            f"rounded: bài viết '{original[m.start() : m.end()].strip()}' → {fmt_vi(pn.value)} "
                            f"(làm tròn đến {'nghìn' if m.group('mult') != 'triệu' else 'triệu'}, không phải số chính xác)"
                        )
        if fig is not None:
            if (
                fig.kind in ("count", "fraction")
                and figs
                and figs[-1].kind == "percent"
                and figs[-1].attached_to is None
                and _paren_gap(masked, figs[-1].end, fig.start)
            ):
                figs[-1].attached_to = len(figs)  # "đạt 99,5% (1.990/2.000 hồ sơ)": the rate of this count
            figs.append(fig)
            prev_end = m.end() + _own_words(kwtext, m.end()) if fig.kind in ("count", "fraction") else m.end()
            wording = [f for f in fig.flags if f.startswith("rank_from_wording")]
            if fig.kind == "score" and wording:
                figs.append(Figure(m.start(), m.end(), "rank", 1, "1", "par_rank", flags=wording))
    return figs


_RATE_TO_COUNT = {
    "ontime_rate": "resolved_ontime",
    "online_rate": "received_online",
    "offline_share": "received_offline",
    "late_share": "resolved_late",
}


_OWN = re.compile(r"[^,;.()!?:\n\d#|]*?(?=\s+(?:và|hoặc|còn|với|so với)\s|[,;.()!?:\n\d#|]|$)")


def _own_words(kwtext: str, end: int) -> int:
    """Length of the words after a count that are its own ("2.007 hồ sơ trực tuyến và 258 …"): up to
    "và", punctuation or a digit; the next figure's words start after them."""
    m = _OWN.match(kwtext, end)
    return len(m.group(0)) if m else 0


_TOPIC = re.compile(r"\s*(?:về|đối với|riêng)\s+([^,;:]{3,40})[,:]")


def _with_topic(metric: str | None, ntext: str, vocab: Vocab) -> str | None:
    """ "Về hồ sơ trực tuyến, … tiếp nhận 581 hồ sơ": a sentence's topic makes its plain counts specific."""
    t = _TOPIC.match(ntext)
    if metric not in ("received_total",) or t is None:
        return metric
    for specific in ("received_online", "received_offline"):
        if vocab.count[specific].search(t.group(1)):
            return specific
    return metric


def _metric_from_list(figs: list[Figure], masked: str, kwtext: str, pos: int) -> str | None:
    """A count in a list of units after another count ("Công an tỉnh tiếp nhận 7,7 ngàn HS, Sở Công Thương
    3,7 ngàn HS, …"): only a unit between them, so the same metric."""
    if not figs or figs[-1].kind != "count" or not figs[-1].metric:
        return None
    a = figs[-1].end
    gap = kwtext[a:pos]
    if re.fullmatch(r"[\s,]*(?:và\s+)?[\s]*", gap) and ("," in gap or "và" in gap) and masked[a:pos].strip(" ,"):
        return figs[-1].metric
    return None


def _paren_gap(masked: str, a: int, b: int) -> bool:
    return bool(re.fullmatch(r"\s*[(,:]?\s*(?:(?:tương ứng|tức là|gồm|với|là)\s*)?", masked[a:b]))


def _metric_from_rate_before(figs: list[Figure], masked: str, pos: int) -> str | None:
    """A count right after a rate, in brackets ("đạt 99,5% (1.990/2.000 hồ sơ)"), counts what the rate measures."""
    if figs and figs[-1].kind == "percent" and _paren_gap(masked, figs[-1].end, pos):
        return _RATE_TO_COUNT.get(figs[-1].metric or "")
    return None


def _about_index(figs: list[Figure], masked: str, pos: int) -> bool:
    """A change in brackets is the index's own only right after its rank or score
    ("xếp thứ 10/18 (giảm 8 bậc)"), not after a component's name ("cải cách TTHC (giảm 31 bậc)")."""
    if not _in_brackets(masked, pos):
        return True
    open_at = masked.rfind("(", 0, pos)
    before = [f for f in figs if f.end <= open_at]
    return (
        bool(before)
        and before[-1].kind in ("rank", "score")
        and not re.search(r"[:;]", masked[before[-1].end : open_at])
    )


def _in_brackets(masked: str, pos: int) -> bool:
    open_at = masked.rfind("(", 0, pos)
    return open_at >= 0 and ")" not in masked[open_at:pos]


def _inherit_from_bracket(
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


def _is_change(left: str, vocab: Vocab) -> bool:
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


def _close_keyword(left: str, vocab: Vocab) -> bool:
    """A bare number counts dossiers only if a metric word or "là" ends just before it."""
    tail = left[-40:]
    if re.search(r"(?:là|gồm|có|:)\s*$", tail):
        return True
    for rx in vocab.count.values():
        for km in rx.finditer(tail):
            if len(tail[km.end() :].split()) <= 2:
                return True
    return False


def _component_name(ntext: str, cs: int, pos: int) -> str:
    start = max(ntext.rfind(":", 0, pos), ntext.rfind(";", 0, pos), cs - 1) + 1
    name = ntext[start:pos]
    name = re.sub(r"\s*(?:đạt|được|là)\s*$", "", name.strip())
    return name.strip(" ,")
