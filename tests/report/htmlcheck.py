"""A tiny HTML inspector for the report tests (html.parser): elements, attributes, text, style/script bodies."""

from __future__ import annotations

import base64
import hashlib
import re
from html.parser import HTMLParser


class Page(HTMLParser):
    def __init__(self, html: str):
        super().__init__(convert_charrefs=True)
        self.elements: list[tuple[str, dict[str, str]]] = []
        self.text: list[str] = []
        self.raw: dict[str, list[str]] = {"style": [], "script": []}
        self._in: str | None = None
        self.feed(html)
        self.close()

    def handle_starttag(self, tag, attrs):
        self.elements.append((tag, {k: (v or "") for k, v in attrs}))
        if tag in self.raw:
            self._in = tag
            self.raw[tag].append("")

    def handle_endtag(self, tag):
        if tag == self._in:
            self._in = None

    def handle_data(self, data):
        if self._in:
            self.raw[self._in][-1] += data
        else:
            self.text.append(data)

    def all(self, tag: str) -> list[dict[str, str]]:
        return [a for t, a in self.elements if t == tag]

    def plain(self) -> str:
        return re.sub(r"\s+", " ", "".join(self.text))

    def event_handlers(self) -> list[tuple[str, str]]:
        return [(t, k) for t, a in self.elements for k in a if k.lower().startswith("on")]

    def csp(self) -> str:
        for a in self.all("meta"):
            if a.get("http-equiv", "").lower() == "content-security-policy":
                return a["content"]
        return ""


def sha256_source(text: str) -> str:
    return "'sha256-" + base64.b64encode(hashlib.sha256(text.encode("utf-8")).digest()).decode() + "'"


def assert_self_contained(html: str) -> Page:
    """Checks every page must pass: CSP, hashes, no remote URL, no handler, alt on images."""
    p = Page(html)
    assert html.startswith("<!DOCTYPE html>")
    csp = p.csp()
    assert "default-src 'none'" in csp and "img-src data:" in csp
    assert "unsafe-inline" not in csp and "http" not in csp
    assert len(p.raw["style"]) == 1 and sha256_source(p.raw["style"][0]) in csp
    for s in p.raw["script"]:
        assert sha256_source(s) in csp
    if not p.raw["script"]:
        assert "script-src 'none'" in csp
    assert not p.event_handlers()
    for tag, attrs in p.elements:
        for k in ("src", "href", "action", "data", "poster", "srcset"):
            v = attrs.get(k, "")
            assert not re.match(r"\s*(https?:|//|javascript:)", v, re.I), (tag, k, v[:80])
        assert "style" not in attrs, (tag, attrs)
    for img in p.all("img"):
        assert img["src"].startswith("data:image/png;base64,") and img.get("alt", "").strip()
    assert not re.search(r"(src|href)=\"(https?:)?//", html)
    return p
