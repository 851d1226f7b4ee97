"""Counts written in words, rewritten as digits before figures are read.

Grain: one normalised sentence in, the same sentence out with the same length (offsets still
point into the original): "sáu hồ sơ" → "6   hồ sơ", "hai mươi lăm hồ sơ" → "25 …", and a
negation before a count noun ("không có hồ sơ nào quá hạn") → "0 … hồ sơ nào quá hạn" when
words of a specific metric follow in the clause (config/extract.yaml ``number_words``,
``zero_phrases``, ``zero_metrics``); "mọi/toàn bộ/tất cả hồ sơ … đúng hạn" → "100% hồ sơ …". Each rewrite is returned with what was written, for the
fact's flags.
"""

from __future__ import annotations

import re
from functools import lru_cache

from motcua.prose.vocab import Vocab

_UNITS_BEFORE = re.compile(
    r"\d+\s+(?:đơn vị|cơ quan|địa phương|xã|phường|huyện|sở|ngành|bộ phận)(?:[\s,]+\w+){0,2}\s*$"
)
#: "mọi hồ sơ đều được giải quyết đúng hạn": all of them, a rate of 100 % (the words are as long as "100%" or longer).
_ALL = re.compile(r"(?<!\w)(?:mọi|toàn bộ|tất cả(?: các)?)(?=\s+(?:bộ\s+)?(?:hồ\s+sơ|hs)(?!\w))")
_NOUN = r"(?=\s+(?:bộ\s+)?(?:hồ\s+sơ|hs)(?!\w))"


@lru_cache(maxsize=4)
def _word_re(units: tuple[str, ...], ten: str, tens: str, after: tuple[str, ...]) -> re.Pattern[str]:
    u = "|".join(sorted(units, key=len, reverse=True))
    a = "|".join(sorted(set(units) | set(after), key=len, reverse=True))
    return re.compile(
        rf"(?<!\w)(?:(?P<tu>{u})\s+{tens}(?:\s+(?P<tr>{a}))?|{ten}(?:\s+(?P<mr>{a}))?|(?P<one>{u})){_NOUN}"
    )


def _value(m: re.Match[str], units: dict[str, int], after: dict[str, int]) -> int:
    both = {**units, **after}
    if m.group("tu"):
        return 10 * units[m.group("tu")] + (both[m.group("tr")] if m.group("tr") else 0)
    if m.group("one"):
        return units[m.group("one")]
    return 10 + (both[m.group("mr")] if m.group("mr") else 0)


def _put(chars: list[str], a: int, b: int, digits: str) -> None:
    chars[a:b] = list(digits.ljust(b - a))


def spell_out(nsent: str, vocab: Vocab) -> tuple[str, dict[int, str]]:
    """The sentence with counts in words as digits; and {position of the digits: what was written}."""
    cfg = vocab.raw["number_words"]
    units, after = dict(cfg["units"]), dict(cfg["after_ten"])
    rx = _word_re(tuple(units), cfg["ten"], cfg["tens_word"], tuple(after))
    chars = list(nsent)
    said: dict[int, str] = {}
    for m in rx.finditer(nsent):
        digits = str(_value(m, units, after))
        if len(digits) > m.end() - m.start():
            continue
        _put(chars, m.start(), m.end(), digits)
        said[m.start()] = f"'{m.group(0)}' = {digits}"
    specific = [vocab.count[k] for k in vocab.raw["zero_metrics"]]
    for m in vocab.zero.finditer(nsent):
        if _UNITS_BEFORE.search(nsent[max(0, m.start() - 30) : m.start()]):
            continue  # "9 đơn vị không có hồ sơ trễ hạn": units with none, not a count of dossiers
        rest = re.match(
            r"(\s+(?:bất\s+kỳ|một|trường\s+hợp))?\s+(?:bộ\s+)?(?:hồ\s+sơ|hs)(?!\w)[^,;.()]*", nsent[m.end() :]
        )
        if not rest or not any(rx2.search(rest.group(0)) for rx2 in specific):
            continue
        _put(chars, m.start(), m.end() + len(rest.group(1) or ""), "0")
        said[m.start()] = f"'{m.group(0)}{rest.group(0)}' = 0"
    rates = list(vocab.rate.values())
    for m in _ALL.finditer(nsent):
        rest = nsent[m.end() :]
        clause = re.match(r"[^,;.()]*", rest).group(0)
        if any(rx.search(clause) for rx in rates) and not vocab.other_subject.search(clause):
            _put(chars, m.start(), m.end(), "100%")
            said[m.start()] = f"'{m.group(0)}{clause}' = 100%"
    return "".join(chars), said
