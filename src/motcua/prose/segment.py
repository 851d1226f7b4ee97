"""Text → sentences, and which lines are the headline.

Grain: one (offset, sentence) per sentence of the text. Lines are paragraphs; a
paragraph splits after ". ! ? …" followed by a capital or a digit, except after
abbreviations ("TP.", "TX."). Offsets point into the text given.
"""

from __future__ import annotations

import re

_ABBREV = re.compile(r"(?:\b(?:tp|tx|tt|p|q|h|ths|ts|pgs|gs|bs|ks|đ/c|st|vd|v\.v)\.)$", re.I)


def sentences(text: str) -> list[tuple[int, str]]:
    """(offset, sentence) pairs: lines are paragraphs; a paragraph splits after . ! ? …
    followed by a capital or a digit, except after abbreviations ("TP.", "TX.")."""
    out: list[tuple[int, str]] = []
    offset = 0
    for line in text.split("\n"):
        start = 0
        for m in re.finditer(r"(?:[.!?]+|…)(?:\s+|(?=[^\W\d_]))(?=[^\W_])", line):
            piece = line[start : m.end()]
            nxt = line[m.end() : m.end() + 1]
            if _ABBREV.search(line[start : m.end()].rstrip()) or not (nxt.isupper() or nxt.isdigit()):
                continue
            if piece.strip():
                out.append((offset + start, piece))
            start = m.end()
        if line[start:].strip():
            out.append((offset + start, line[start:]))
        offset += len(line) + 1
    return out


def headline_offsets(body: str) -> set[int]:
    """Offsets of title-like lines: before the first prose line, without a final full stop."""
    out: set[int] = set()
    off = 0
    for line in body.split("\n"):
        s = line.strip()
        if s and (len(s) >= 160 or re.search(r"[.!?…:]$", s)):
            break
        if s:
            out.add(off + len(line) - len(line.lstrip()))
            out.add(off)
        off += len(line) + 1
    return out
