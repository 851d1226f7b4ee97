"""Read a prose document (.txt, .html, .docx, .pdf with a text layer) into plain text.

The result keeps one paragraph per line. Page furniture (menus, visitor
counters, hotlines, lists of other articles) is removed later, for every input
kind, by :func:`drop_furniture`, so plain-text copies of web pages are handled
like the HTML they came from.
"""

from __future__ import annotations

import re
import unicodedata
from html.parser import HTMLParser
from pathlib import Path

import ftfy

from motcua.prose.vocab import Vocab, load_vocab, norm

_BLOCK_TAGS = {
    "p",
    "div",
    "br",
    "li",
    "ul",
    "ol",
    "tr",
    "table",
    "h1",
    "h2",
    "h3",
    "h4",
    "h5",
    "h6",
    "section",
    "article",
    "blockquote",
    "dd",
    "dt",
    "dl",
    "figcaption",
    "figure",
    "pre",
    "hr",
    "td",
    "th",
    "title",
}
_VOID = {"br", "hr", "img", "input", "meta", "link", "area", "base", "col", "embed", "source", "track", "wbr"}


class _TextParser(HTMLParser):
    """HTML → text with one line per block, skipping furniture blocks (by tag, class or id)."""

    def __init__(self, vocab: Vocab):
        super().__init__(convert_charrefs=True)
        self.vocab = vocab
        self.parts: list[str] = []
        self.stack: list[tuple[str, bool]] = []  # (tag, skipping?)

    def _skipping(self) -> bool:
        return bool(self.stack) and self.stack[-1][1]

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        if tag in _BLOCK_TAGS:
            self.parts.append("\n")
        if tag in _VOID:
            return
        names = " ".join((v or "") for k, v in attrs if k in ("class", "id", "role")).lower()
        skip = (
            self._skipping()
            or tag in self.vocab.html_skip_tags
            or any(w in re.split(r"[\s_]+", names) or w in names.split() for w in self.vocab.html_skip_class_words)
            or any(w in names for w in ("menu", "footer", "sidebar", "breadcrumb", "hotline"))
        )
        self.stack.append((tag, skip))

    def handle_endtag(self, tag: str) -> None:
        if tag in _BLOCK_TAGS:
            self.parts.append("\n")
        for i in range(len(self.stack) - 1, -1, -1):  # tolerate unclosed tags
            if self.stack[i][0] == tag:
                del self.stack[i:]
                break

    def handle_data(self, data: str) -> None:
        if not self._skipping():
            self.parts.append(data)


def html_to_text(html: str, vocab: Vocab | None = None) -> str:
    """Visible article text of an HTML page, one block per line, furniture blocks skipped."""
    p = _TextParser(vocab or load_vocab())
    p.feed(html)
    p.close()
    return _tidy_lines("".join(p.parts))


def docx_to_text(path: Path) -> str:
    """Paragraphs and table cells of a .docx (python-docx), in document order."""
    import docx  # python-docx
    from docx.table import Table
    from docx.text.paragraph import Paragraph

    d = docx.Document(str(path))
    lines: list[str] = []
    for block in d.element.body.iterchildren():
        tag = block.tag.rsplit("}", 1)[-1]
        if tag == "p":
            lines.append(Paragraph(block, d).text)
        elif tag == "tbl":
            for row in Table(block, d).rows:
                cells = []
                for c in row.cells:
                    t = c.text.strip()
                    if t and (not cells or cells[-1] != t):  # merged cells repeat
                        cells.append(t)
                lines.append(" | ".join(cells))
    return _tidy_lines("\n".join(lines))


def pdf_to_text(path: Path) -> str:
    """Text layer of a PDF (pypdf); wrapped lines re-joined into paragraphs.

    A PDF without a text layer (a scan) yields "" — the caller reports it.
    """
    from pypdf import PdfReader

    reader = PdfReader(str(path))
    raw = "\n".join((page.extract_text() or "") for page in reader.pages)
    return _tidy_lines(_unwrap(raw))


def _unwrap(text: str) -> str:
    """Join a line to the previous one when the previous does not end a sentence
    and the line does not start a new one (lowercase or digit first)."""
    out: list[str] = []
    for line in text.splitlines():
        s = line.strip()
        if out and out[-1] and s and not re.search(r"[.:;!?…]$", out[-1]) and (s[0].islower() or s[0].isdigit()):
            joiner = "" if out[-1].endswith("-") and not out[-1].endswith(" -") else " "
            out[-1] = out[-1].rstrip("-") + joiner + s if joiner == "" else out[-1] + " " + s
        else:
            out.append(s)
    return "\n".join(out)


def _tidy_lines(text: str) -> str:
    lines = [re.sub(r"[ \t\u00a0\u200b]+", " ", ln).strip() for ln in text.splitlines()]
    out: list[str] = []
    for ln in lines:
        if ln or (out and out[-1]):
            out.append(ln)
    return "\n".join(out).strip()


def read_document(path: Path | str) -> str:
    """The text of one document, by its suffix (.txt/.md, .html/.htm, .docx, .pdf).

    Text is decoded as UTF-8 (cp1258/cp1252 mojibake repaired by ftfy) and NFC-normalised.
    """
    p = Path(path)
    suffix = p.suffix.lower()
    if suffix in (".html", ".htm", ".xhtml"):
        text = html_to_text(_decode(p.read_bytes()))
    elif suffix == ".docx":
        text = docx_to_text(p)
    elif suffix == ".pdf":
        text = pdf_to_text(p)
    elif suffix in (".txt", ".md", ".text", ""):
        raw = _decode(p.read_bytes())
        text = html_to_text(raw) if re.search(r"<(html|body|p|div)\b", raw[:2000], re.I) else raw
    else:
        raise ValueError(f"unsupported input {p.name}: use .txt, .html, .docx or .pdf")
    return unicodedata.normalize("NFC", ftfy.fix_text(text, uncurl_quotes=False))


def _decode(data: bytes) -> str:
    for enc in ("utf-8-sig", "utf-16"):
        try:
            return data.decode(enc)
        except UnicodeDecodeError:
            continue
    return data.decode("cp1258", errors="replace")


_PHONE_RE = re.compile(r"(?<![\d.,])(?:\+?84|0)\d{1,3}(?:[ .]?\d){6,9}(?![\d,])")


def drop_furniture(text: str, vocab: Vocab | None = None) -> tuple[str, list[str]]:
    """Remove page furniture; return the kept text (same line structure, dropped
    lines blanked so offsets of kept lines stay meaningful) and the dropped lines.

    Dropped: visitor counters, hotline and contact lines, menu words, any line
    holding a phone number, and everything after a "các tin khác"-style heading
    once the article body (some prose) has been seen.
    """
    v = vocab or load_vocab()
    kept: list[str] = []
    dropped: list[str] = []
    prose_chars = 0
    tail = False
    for line in text.splitlines():
        n = norm(line).strip()
        is_tail_heading = bool(v.tail_markers.match(n)) and len(n) < 60
        if tail or (is_tail_heading and prose_chars > 300):
            tail = True
            if line.strip():
                dropped.append(line)
            kept.append("")
            continue
        if n and (any(p.match(n) for p in v.furniture_lines) or _PHONE_RE.search(line)):
            dropped.append(line)
            kept.append("")
            continue
        if len(n) > 120:
            prose_chars += len(n)
        kept.append(line)
    return "\n".join(kept), dropped
