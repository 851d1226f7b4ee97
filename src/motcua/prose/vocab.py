"""The extractor's vocabulary, read from ``config/extract.yaml`` (data, not code).

Also the text normalisation the vocabulary is matched against: lowercase,
NFC, new-style tone marks ("hoà" → "hòa"). The normalised copy has the same
length as the original, so a match's offsets point into the original text.
"""

from __future__ import annotations

import re
import unicodedata
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path
from typing import Any

from motcua.config import config_dir, project_root, read_yaml
from motcua.config_schema import validate_file

# old-style → new-style tone placement (both appear in official lists, e.g. "Hoà"/"Hòa"; docs/domain.md)
_TONE = {
    "òa": "oà",
    "óa": "oá",
    "ỏa": "oả",
    "õa": "oã",
    "ọa": "oạ",
    "òe": "oè",
    "óe": "oé",
    "ỏe": "oẻ",
    "õe": "oẽ",
    "ọe": "oẹ",
    "ùy": "uỳ",
    "úy": "uý",
    "ủy": "uỷ",
    "ũy": "uỹ",
    "ụy": "uỵ",
}
_OLD_TO_NEW = {old: new for new, old in _TONE.items()}
_TONE_RE = re.compile(r"(?<!q)(?:" + "|".join(map(re.escape, _OLD_TO_NEW)) + r")(?!\w)")  # "quý" keeps its mark


def norm(text: str) -> str:
    """Lowercase, NFC, new-style tone marks; same length as ``unicodedata.normalize('NFC', text)``."""
    t = unicodedata.normalize("NFC", text)
    low = t.lower()
    if len(low) != len(t):  # a character whose lowercase has another length: map one by one
        low = "".join(c.lower() if len(c.lower()) == 1 else c for c in t)
    return _TONE_RE.sub(lambda m: _OLD_TO_NEW[m.group(0)], low)


def strip_marks(text: str) -> str:
    """Without diacritics (đ → d), for keys that tolerate missing or odd tone marks."""
    t = unicodedata.normalize("NFD", text.replace("đ", "d").replace("Đ", "D"))
    return "".join(c for c in t if not unicodedata.combining(c))


def phrase_re(phrases: list[str]) -> re.Pattern[str]:
    """One regex matching any phrase as whole words (longest first)."""
    alts = sorted({norm(p) for p in phrases}, key=len, reverse=True)
    return re.compile(r"(?<!\w)(?:" + "|".join(re.escape(a) for a in alts) + r")(?!\w)")


@dataclass(frozen=True)
class Vocab:
    """Compiled vocabulary. ``raw`` is the YAML mapping as read."""

    raw: dict[str, Any]
    count: dict[str, re.Pattern[str]]
    rate: dict[str, re.Pattern[str]]
    early_only: re.Pattern[str]
    dossier: re.Pattern[str]
    target: re.Pattern[str]
    other_subject: re.Pattern[str]
    neutral: re.Pattern[str]
    approx: re.Pattern[str]
    bound: re.Pattern[str]
    selection: re.Pattern[str]
    non_dossier_noun: re.Pattern[str]
    par: re.Pattern[str]
    other_index: re.Pattern[str]
    increase: re.Pattern[str]
    decrease: re.Pattern[str]
    first: re.Pattern[str]
    comparison: re.Pattern[str]
    furniture_lines: list[re.Pattern[str]]
    tail_markers: re.Pattern[str]
    html_skip_tags: frozenset[str]
    html_skip_class_words: tuple[str, ...]
    rate_tolerance_pp: float
    score_tolerance: float
    index766: re.Pattern[str]
    zero: re.Pattern[str]


def vocab_path() -> Path:
    """config/extract.yaml of the configured folder, else of the checkout."""
    for folder in (config_dir(), project_root() / "config"):
        p = folder / "extract.yaml"
        if p.exists():
            return p
    raise FileNotFoundError("config/extract.yaml not found (set MOTCUA_CONFIG or run from the project folder)")


@lru_cache(maxsize=4)
def _load(path: Path) -> Vocab:
    raw = validate_file(path, path.parent, read_yaml(path))  # an unknown key: ConfigError naming it
    return Vocab(
        raw=raw,
        count={k: phrase_re(v) for k, v in raw["count_keywords"].items()},
        rate={k: phrase_re(v) for k, v in raw["rate_keywords"].items()},
        early_only=phrase_re(raw["early_only"]),
        dossier=phrase_re(raw["dossier_words"]),
        target=phrase_re(raw["target_words"]),
        other_subject=phrase_re(raw["other_subject_words"]),
        neutral=phrase_re(raw["neutral_phrases"]),
        approx=phrase_re(raw["approx_words"]),
        bound=phrase_re(raw["bound_words"]),
        selection=phrase_re(raw["selection_phrases"]),
        non_dossier_noun=phrase_re(raw["non_dossier_nouns"]),
        par=phrase_re(raw["par_words"]),
        other_index=phrase_re(raw["other_index_words"]),
        increase=phrase_re(raw["increase_words"]),
        decrease=phrase_re(raw["decrease_words"]),
        first=phrase_re(raw["superlative_first"]),
        comparison=phrase_re(raw["comparison_words"]),
        furniture_lines=[re.compile(p, re.IGNORECASE) for p in raw["furniture_line_patterns"]],
        tail_markers=phrase_re(raw["furniture_tail_markers"]),
        html_skip_tags=frozenset(raw["html_skip_tags"]),
        html_skip_class_words=tuple(raw["html_skip_class_words"]),
        rate_tolerance_pp=float(raw["rate_tolerance_pp"]),
        score_tolerance=float(raw["score_tolerance"]),
        index766=phrase_re(raw["index766_words"]),
        zero=phrase_re(raw["zero_phrases"]),
    )


def load_vocab(path: Path | str | None = None) -> Vocab:
    """The compiled vocabulary (cached per file)."""
    return _load(Path(path).resolve() if path else vocab_path().resolve())
