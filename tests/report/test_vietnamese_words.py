"""Every word a Vietnamese reader sees is a Vietnamese syllable: no English word left in the catalog or in the
reader-facing texts of config/ (a target's label and source are printed under each report).

A word passes when, with its diacritics folded, it is onset + vowel nucleus + coda as Vietnamese spells syllables,
or an abbreviation in capitals (CCHC, TTHC, QĐ); the few technical or proper words the reports use on purpose are
listed in ``ALLOWED``.
"""

from __future__ import annotations

import re
import unicodedata
from pathlib import Path

import pytest
import yaml

from motcua.report.strings import strings

ROOT = Path(__file__).resolve().parents[2]

_ONSET = r"(?:ngh|ng|nh|ch|gh|gi|kh|ph|qu|th|tr|[bcdghklmnpqrstvx])?"
_NUCLEUS = (
    r"(?:uye|uya|uyu|oai|oay|oeo|uay|uoi|uou|ieu|yeu|iu|ia|ie|ye|ua|uo|ui|uu|ai|ao|au|ay|eo|eu|oa|oe|oi|oo|ou|uy|ue"
    r"|[aeiouy])"
)
_CODA = r"(?:ch|ng|nh|[cmnpt])?"
SYLLABLE = re.compile(rf"^{_ONSET}{_NUCLEUS}{_CODA}$")

#: words the Vietnamese reports use on purpose: the tool's name, file types, model and author names, symbols
ALLOWED = {"motcua", "quality", "csv", "excel", "logit", "logistic", "kalman", "spiegelhalter", "index", "s", "σ"}


def _fold(word: str) -> str:
    word = word.replace("đ", "d").replace("Đ", "D")
    return "".join(c for c in unicodedata.normalize("NFD", word) if unicodedata.category(c) != "Mn").lower()


def non_vietnamese_words(text: str) -> list[str]:
    """The words of ``text`` (placeholders left out) that are neither a Vietnamese syllable nor an abbreviation."""
    text = re.sub(r"\{[^}]*\}", " ", text)
    out = []
    for w in re.findall(r"[^\W\d_]+", text):
        if len(w) > 1 and any(c.isupper() for c in w[1:]):  # CCHC, TTHC, QĐ, TTg
            continue
        if w.lower() in ALLOWED:
            continue
        if not SYLLABLE.match(_fold(w)):
            out.append(w)
    return out


def test_the_checker_tells_english_from_vietnamese():
    assert non_vietnamese_words("Mục tiêu chung của tỉnh (chưa kiểm chứng), Quyết định 766/QĐ-TTg") == []
    assert non_vietnamese_words("Xã Phú Mỡ, Phường Hòa Hiệp, Thị xã Sông Cầu, nghiêng, khuya") == []
    assert non_vietnamese_words("Mục tiêu chung (unverified, cấu hình)") == ["unverified"]
    assert non_vietnamese_words("built from {n} files") == ["built", "from", "files"]


def test_vietnamese_catalog_has_no_english_word():
    vi = strings("vi")
    bad = {k: non_vietnamese_words(vi[k]) for k in vi.keys()}
    assert not {k: v for k, v in bad.items() if v}


@pytest.mark.parametrize("key", ["label_vi", "source"])
def test_targets_text_a_vietnamese_reader_sees_is_vietnamese(key):
    targets = yaml.safe_load((ROOT / "config" / "targets.yaml").read_text(encoding="utf-8"))["targets"]
    bad = {t["rate"]: non_vietnamese_words(t.get(key, "")) for t in targets}
    assert not {k: v for k, v in bad.items() if v}


def test_an_english_report_gives_each_targets_source_in_english():
    """The footer's targets: a Vietnamese source in a Vietnamese report, its ``source_en`` in an English one."""
    import pandas as pd

    from motcua.config import load_config
    from motcua.report.district import target_lines

    targets = load_config().targets
    summary = pd.DataFrame(
        [
            {"target_label_vi": t["label_vi"], "target_label_en": t["label_en"], "target_source": t["source"]}
            for t in targets
        ],
        index=pd.Index([t["rate"] for t in targets], name="rate"),
    )
    en = target_lines(summary, strings("en"), targets)
    assert len(en) == len(targets) and all(t.get("source_en") for t in targets)
    assert not any(
        w
        for line in en
        for w in re.findall(r"\w+", line)
        if re.search(r"[ạ-ỹđ]", w.lower()) and w not in {"QĐ", "Cầu", "Sông"}
    )
    vi = target_lines(summary, strings("vi"), targets)
    assert all(t["source"] in " ".join(vi) for t in targets)
