"""Figures in one sentence: counts of dossiers, percentages, scores, ranks.

Grain: one :class:`Figure` per number phrase of a sentence, classified into a
metric by the words around it (config/extract.yaml): the words since the
previous figure of the same clause, and the few words after it up to the next
punctuation ("02 hồ sơ quá hạn"). Numbers inside dates, periods, document
numbers and phone numbers are masked first. A percentage right after a count
("176 hồ sơ (đạt 14.3%)", "47.563/47.590 hồ sơ, đạt 99,47%") is that count's
share. Targets ("từ 95% trở lên"), and figures about other things (procedures,
payments, satisfaction, other indices) are not figures of the one-stop shop.

The pieces: :mod:`motcua.prose.figure_patterns` (the phrases and the masking),
:mod:`motcua.prose.figure_record` (:class:`Figure`), :mod:`motcua.prose.figure_clues` (the words
around a figure), :mod:`motcua.prose.figure_kinds` (one classifier per kind of phrase); this module
walks a sentence's phrases and links a share to its count.
"""

from __future__ import annotations

import re

from motcua.prose.figure_clues import own_words, paren_gap, right_window
from motcua.prose.figure_kinds import (
    Sentence,
    count_figure,
    fraction_figure,
    percent_figure,
    rank_change_figure,
    rank_figure,
    score_figure,
)
from motcua.prose.figure_patterns import FIGURE_RX, GROUP_LIST, NUM, mask_numbers
from motcua.prose.figure_record import Figure
from motcua.prose.vocab import Vocab

__all__ = ["NUM", "Figure", "find_figures", "mask_numbers"]

#: the classifier of each kind of phrase, by the named group of FIGURE_RX that matched (first match wins)
_KINDS = (
    (("rank",), rank_figure),
    (("bac", "bac2"), rank_change_figure),
    (("frac",), fraction_figure),
    (("pct",), percent_figure),
    (("pts",), score_figure),
    (("cnt",), count_figure),
)


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
    s = _sentence(ntext, masked, original, unit_spans, vocab, par_doc, i766_doc)
    figs: list[Figure] = []
    prev_end = 0
    for m in FIGURE_RX.finditer(masked):
        if masked[m.start() : m.end()].strip() == "":
            continue
        cs = max(s.kwtext.rfind(";", 0, m.start()) + 1, prev_end)
        left = s.kwtext[cs : m.start()]
        right = right_window(s.kwtext, m.end())
        classify = next((f for groups, f in _KINDS if any(m.group(g) for g in groups)), None)
        fig = classify(m, s, figs, cs, left, right) if classify else None
        if fig is not None:
            prev_end = _append(figs, fig, m, s)
    return figs


def _sentence(
    ntext: str,
    masked: str,
    original: str,
    unit_spans: list[tuple[int, int]],
    vocab: Vocab,
    par_doc: bool,
    i766_doc: bool,
) -> Sentence:
    """The sentence with unit mentions and neutral phrases blanked for keywords, and what it is about."""
    kw = list(masked)
    for a, b in unit_spans:
        n = re.search(r"\d{1,3}\s+$", masked[max(0, a - 5) : a])  # "40 xã, phường": the number is the unit's
        for i in range(a - (len(n.group(0)) if n else 0), b):
            kw[i] = " "
    kwtext = vocab.neutral.sub(lambda x: " " * len(x.group(0)), "".join(kw))
    # satisfaction is one of the 766 index's groups: only another index when the article is not on the 766 index
    other_index = bool(vocab.other_index.search(ntext)) and not (i766_doc or vocab.index766.search(ntext))
    par = bool(vocab.par.search(ntext) or vocab.index766.search(ntext))
    # a list of group scores without "điểm" after each ("Điểm từng nhóm: công khai, minh bạch 15,67; …")
    group_list = bool(GROUP_LIST.search(ntext)) and (par_doc or par) and not other_index
    return Sentence(ntext, masked, original, kwtext, vocab, par_doc, par, other_index, group_list)


def _append(figs: list[Figure], fig: Figure, m: re.Match, s: Sentence) -> int:
    """Add ``fig`` to ``figs`` (a percentage right before a count in brackets becomes that count's share; a
    score said to be first adds its rank); returns where the next figure's left words start."""
    if (
        fig.kind in ("count", "fraction")
        and figs
        and figs[-1].kind == "percent"
        and figs[-1].attached_to is None
        and paren_gap(s.masked, figs[-1].end, fig.start)
    ):
        figs[-1].attached_to = len(figs)  # "đạt 99,5% (1.990/2.000 hồ sơ)": the rate of this count
    figs.append(fig)
    prev_end = m.end() + own_words(s.kwtext, m.end()) if fig.kind in ("count", "fraction") else m.end()
    wording = [f for f in fig.flags if f.startswith("rank_from_wording")]
    if fig.kind == "score" and wording:
        figs.append(Figure(m.start(), m.end(), "rank", 1, "1", "par_rank", flags=wording))
    return prev_end
