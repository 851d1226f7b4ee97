"""What one number phrase of a sentence is, by kind of phrase: rank, rank change, fraction, percentage,
score, count.

Grain: one function per named group of :data:`motcua.prose.figure_patterns.FIGURE_RX`; each takes the
match, the sentence (:class:`Sentence`), the figures found before it and the words on its left (since
the previous figure of the clause) and right (up to punctuation), and gives a :class:`Figure` or None.
Quirks: ranks, scores and rank changes count only in a sentence on the one-stop/PAR index (or an article
on it) and never in one on another index; a number after "tăng"/"giảm" is a change, not a level; a
target ("từ 95% trở lên") and a count of something else ("50 hồ sơ thanh toán trực tuyến") are no figure.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, replace

from motcua.numfmt import fmt_vi
from motcua.prose.counts import both_ontime, classify_count
from motcua.prose.figure_clues import (
    about_index,
    close_keyword,
    component_name,
    in_brackets,
    inherit_from_bracket,
    is_change,
    metric_from_list,
    metric_from_rate_before,
    with_topic,
)
from motcua.prose.figure_patterns import COUNT_NOUN, ORDINAL_VALUES, STEP_WORDS
from motcua.prose.figure_record import Figure
from motcua.prose.numbers import decimals_of, parse_number
from motcua.prose.percent import classify_percent, just_before
from motcua.prose.vocab import Vocab, norm


@dataclass(frozen=True)
class Sentence:
    """One normalised sentence as the classifiers read it.

    ``masked``: digits of dates etc. hidden; ``original``: as written (same offsets); ``kwtext``: unit
    mentions and neutral phrases blanked; ``par``: it names the PAR or 766 index; ``other_index``: it is
    about another index; ``group_list``: it lists group scores without "điểm" after each."""

    ntext: str
    masked: str
    original: str
    kwtext: str
    vocab: Vocab
    par_doc: bool
    par: bool
    other_index: bool
    group_list: bool


def rank_figure(m: re.Match, s: Sentence, figs: list[Figure], cs: int, left: str, right: str) -> Figure | None:
    """A rank ("xếp thứ 10/18", "đứng đầu", "cuối bảng") in a sentence on the index; a rank in words is flagged."""
    ntext, vocab = s.ntext, s.vocab
    par_doc, sentence_par, sentence_other_index = s.par_doc, s.par, s.other_index
    fig: Figure | None = None
    about_dossiers = any(rx.search(ntext) for rx in vocab.rate.values())
    if (sentence_par or (par_doc and not about_dossiers)) and not sentence_other_index:
        rn = int(m.group("rn")) if m.group("rn") else None
        word = re.sub(r"\s+", " ", m.group("r"))
        r = (
            rn
            if m.group("last")
            else 1
            if m.group("top")
            else (ORDINAL_VALUES.get(word) or (int(word) if word.isdigit() else None))
        )
        if r is not None:
            fig = Figure(m.start(), m.end(), "rank", r, m.group(0), "par_rank", rank_of=rn)
            if m.group("last"):
                fig.flags.append(f"rank_from_wording: '{word}' trong tổng số {rn} → xếp thứ {rn}/{rn}")
            elif not word.isdigit():
                fig.flags.append(f"rank_from_wording: '{m.group(0).strip()}' → xếp thứ {r}")
    return fig


def rank_change_figure(m: re.Match, s: Sentence, figs: list[Figure], cs: int, left: str, right: str) -> Figure | None:
    """A rank change ("tăng 3 bậc", "và 2 bậc" after a direction word) about the index itself."""
    masked, original, kwtext = s.masked, s.original, s.kwtext
    par_doc, sentence_par, sentence_other_index = s.par_doc, s.par, s.other_index
    fig: Figure | None = None
    if m.group("bac"):
        b = m.group("b")
        sign, k = (1 if m.group("bdir") == "tăng" else -1), (int(b) if b.isdigit() else STEP_WORDS.get(b, 0))
    else:
        dirs = list(re.finditer(r"(?:tăng|giảm|tụt)(?!\w)", kwtext[max(0, m.start() - 40) : m.start()]))
        sign, k = (0 if not dirs else (1 if dirs[-1].group(0) == "tăng" else -1)), int(m.group("b2"))
    if sign and (sentence_par or par_doc) and not sentence_other_index and about_index(figs, masked, m.start()):
        fig = Figure(
            m.start(),
            m.end(),
            "rank_change",
            sign * k,
            original[m.start() : m.end()].strip(" ,"),
            "rank_change",
        )
    return fig


def fraction_figure(m: re.Match, s: Sentence, figs: list[Figure], cs: int, left: str, right: str) -> Figure | None:
    """A fraction: a score of 100 or a component's score ("8,5/10 điểm"), or dossiers ("47.563/47.590 hồ sơ")."""
    ntext, masked, original, vocab = s.ntext, s.masked, s.original, s.vocab
    par_doc, sentence_par, sentence_other_index = s.par_doc, s.par, s.other_index
    fig: Figure | None = None
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
            name = component_name(original, cs, m.start())
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
        has_noun = bool(unit) or bool(re.search(COUNT_NOUN, left + right)) or bool(re.search(COUNT_NOUN, ntext))
        if has_noun and not vocab.non_dossier_noun.match(masked[m.end() :].lstrip()):
            metric, early = classify_count(left, right, vocab)
            metric = metric or metric_from_rate_before(figs, masked, m.start())
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
    return fig


def percent_figure(m: re.Match, s: Sentence, figs: list[Figure], cs: int, left: str, right: str) -> Figure | None:
    """A percentage: a rate or share (:func:`motcua.prose.percent.classify_percent`), or a score's change."""
    masked, original, kwtext, vocab = s.masked, s.original, s.kwtext, s.vocab
    par_doc, sentence_par, sentence_other_index = s.par_doc, s.par, s.other_index
    fig: Figure | None = None
    tok = m.group("p")
    val = parse_number(tok, "decimal")
    fig = Figure(m.start(), m.end(), "percent", val.value, tok, None, decimals=decimals_of(tok))
    if val.note:
        fig.flags.append(f"number_format: {tok} ({val.note})")
    par_ctx = (sentence_par or par_doc) and not sentence_other_index
    if (
        is_change(left, vocab)
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
    elif is_change(left, vocab) or not classify_percent(fig, figs, masked, kwtext, cs, left, right, vocab, par_ctx):
        fig = None
    elif just_before(left[-20:], vocab.approx):
        fig.flags.append(
            f"approximate: bài viết '{just_before(left[-20:], vocab.approx).group(0)} {tok}%' → "
            f"{fmt_vi(val.value)}% (số ước lượng)"
        )
    return fig


def score_figure(m: re.Match, s: Sentence, figs: list[Figure], cs: int, left: str, right: str) -> Figure | None:
    """A score ("89,5 điểm") or a score's change ("tăng 2,3 điểm"); none in a sentence on another index."""
    masked, original, kwtext, vocab = s.masked, s.original, s.kwtext, s.vocab
    par_doc, sentence_par, sentence_other_index = s.par_doc, s.par, s.other_index
    fig: Figure | None = None
    tok = m.group("s") or m.group("s2") or m.group("s3")
    val = parse_number(tok, "decimal").value
    before = kwtext[max(cs, m.start() - 25) : m.start()]
    capped = re.search(r"tối\s+đa(?:\s+là)?\s*$", before)
    if sentence_other_index or not (par_doc or sentence_par) or capped:
        fig = None
    elif (vocab.increase.search(before) or vocab.decrease.search(before)) and not about_index(figs, masked, m.start()):
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
            fig.flags.append("index_not_named: câu không nêu tên chỉ số; coi là điểm chỉ số CCHC vì bài nói về CCHC")
        first = vocab.first.search(left)
        if first:
            fig.flags.append(f"rank_from_wording: '{first.group(0)}' → xếp thứ 1")
    return fig


def count_figure(m: re.Match, s: Sentence, figs: list[Figure], cs: int, left: str, right: str) -> Figure | None:
    """A count of dossiers ("1.321 hồ sơ đang giải quyết", "37 nghìn hồ sơ") or a group score in a list."""
    group_list = s.group_list
    ntext, masked, original, kwtext, vocab = s.ntext, s.masked, s.original, s.kwtext, s.vocab
    fig: Figure | None = None
    tok = m.group("c")
    has_unit = bool(m.group("cunit"))
    after = masked[m.end() :].lstrip()
    if group_list and not has_unit and not m.group("mult") and re.match(r"\s*(?:[;.]|$)", masked[m.end() :]):
        name = component_name(original, cs, m.start())  # "Điểm từng nhóm: công khai, minh bạch 15,67; …"
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
        or is_change(left, vocab)
        or vocab.other_subject.search(right)
    ):  # "50 hồ sơ thanh toán trực tuyến"
        fig = None
    elif has_unit or (re.search(COUNT_NOUN, masked[: m.start()]) and close_keyword(left, vocab)):
        metric, early = classify_count(left, right, vocab)
        metric = (
            metric
            or metric_from_rate_before(figs, masked, m.start())
            or metric_from_list(figs, masked, kwtext, m.start())
        )
        metric = inherit_from_bracket(metric, figs, masked, m.start(), left + " " + right, vocab)
        metric = with_topic(metric, ntext, vocab)
        if (
            metric == "pending_ontime"
            and not in_brackets(masked, m.start())
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
    return fig
