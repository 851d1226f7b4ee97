"""Row labels read by their words as written: where a label carries diacritics, they count.

Folding a label to ASCII merges words that differ: "Cộng" (sum) and "Công" (as in
"Công an tỉnh", the provincial police), "Tổng"/"Tông", "Quận"/"Quan", "Tỉnh"/"Tịnh".
A :class:`WordPattern` is written with its diacritics ("^cộng\\b") and matched
against the label as written (lower case, NFC, new-style tone marks, punctuation as
spaces); only a label written wholly without diacritics ("TONG CONG", "cong tinh
phu yen") is matched by the pattern's folded form ("^cong\\b"). A label with
diacritics anywhere is read as written: "Tổng cộng" and "TỔNG CỘNG" are totals
words, "Công an tỉnh" and "Tổng công ty" are not.

Pure string functions, no data; the patterns themselves live in config/layouts/*.yaml.
"""

from __future__ import annotations

import re
import unicodedata
from dataclasses import dataclass

from motcua.ingest.text import fold, strip_marks, to_new_style_tones

__all__ = ["Label", "WordPattern", "has_marks", "written_key"]


def has_marks(text: str) -> bool:
    """True when ``text`` carries any Vietnamese diacritic (a tone, a vowel mark or "đ").

    >>> has_marks("Công an tỉnh"), has_marks("TONG CONG"), has_marks("Đ")
    (True, False, True)
    """
    return strip_marks(unicodedata.normalize("NFC", text)) != unicodedata.normalize("NFC", text)


def written_key(text: str) -> str:
    """The label as written, for matching: NFC, new-style tones, lower case, punctuation and runs of space as one space.

    >>> written_key("  TỔNG CỘNG: ")
    'tổng cộng'
    """
    t = to_new_style_tones(unicodedata.normalize("NFC", text)).lower()
    return " ".join(re.sub(r"[\W_]+", " ", t).split())


@dataclass(frozen=True)
class Label:
    """A label as written, with the two keys patterns are matched against (computed once per label)."""

    text: str
    marks: bool  # written with diacritics: matched by its words as written
    written: str
    folded: str

    @classmethod
    def of(cls, text: str) -> Label:
        marks = has_marks(text)
        return cls(text, marks, written_key(text) if marks else "", fold(text))


@dataclass(frozen=True)
class WordPattern:
    """A regular expression written with diacritics, and its folded form for labels written without any."""

    source: str
    written: re.Pattern[str]
    folded: re.Pattern[str]

    @classmethod
    def compile(cls, pattern: str) -> WordPattern:
        """``pattern`` is written in lower case (labels are lower-cased before matching) with its diacritics."""
        p = to_new_style_tones(unicodedata.normalize("NFC", pattern))
        return cls(pattern, re.compile(p), re.compile(strip_marks(p)))

    @property
    def word(self) -> str:
        """The words the pattern spells, for messages: "^tổng cộng\\b" → "Tổng cộng"."""
        w = " ".join(re.sub(r"\\[bBsS]|[\^$()?:|*+\[\]\\]", " ", self.source).split())
        return w[:1].upper() + w[1:]

    def search(self, label: str | Label) -> re.Match[str] | None:
        """Search ``label`` (as written): by its words as written when it has diacritics, else by its folded form."""
        lab = label if isinstance(label, Label) else Label.of(label)
        return self.written.search(lab.written) if lab.marks else self.folded.search(lab.folded)

    def search_folded(self, label: str | Label) -> re.Match[str] | None:
        """Search the folded ``label`` whatever its diacritics (to notice a word that only folds to the pattern)."""
        lab = label if isinstance(label, Label) else Label.of(label)
        return self.folded.search(lab.folded)
