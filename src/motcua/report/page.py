"""The page shell shared by every report page: head, CSP, stylesheet, optional script, build stamp.

Content-Security-Policy (a ``<meta>``): ``default-src 'none'`` forbids every
load; images only from ``data:`` URIs; the one ``<style>`` element and the
optional ``<script>`` are allowed by their sha256 hashes, so no other inline
style, script or event handler runs. Nothing is fetched: no CDN, no web font.
"""

from __future__ import annotations

import base64
import hashlib
from functools import lru_cache
from pathlib import Path

from markupsafe import Markup, escape

ASSETS = Path(__file__).resolve().parent / "assets"

#: Marks the one line of a page that differs between two builds of the same inputs.
BUILD_STAMP_ATTR = "data-build-stamp"


@lru_cache(maxsize=8)
def asset(name: str) -> str:
    """An asset's text (CSS, JS) as shipped in the package."""
    return (ASSETS / name).read_text(encoding="utf-8")


def sha256_source(text: str) -> str:
    """CSP source expression for an inline element's exact text: ``'sha256-…'``."""
    return "'sha256-" + base64.b64encode(hashlib.sha256(text.encode("utf-8")).digest()).decode("ascii") + "'"


def csp(css: str, script: str | None = None) -> str:
    """The page's Content-Security-Policy for this stylesheet and optional script."""
    parts = ["default-src 'none'", "img-src data:", f"style-src {sha256_source(css)}"]
    parts.append(f"script-src {sha256_source(script)}" if script else "script-src 'none'")
    parts += ["base-uri 'none'", "form-action 'none'"]
    return "; ".join(parts)


def head(*, lang: str, title: str, script: str | None = None) -> Markup:
    """``<head>`` content: charset, viewport, CSP, title (escaped), the stylesheet."""
    css = asset("report.css")
    lines = [
        '<meta charset="utf-8">',
        '<meta name="viewport" content="width=device-width, initial-scale=1">',
        f'<meta http-equiv="Content-Security-Policy" content="{escape(csp(css, script))}">',
        '<meta name="generator" content="motcua">',
        f"<title>{escape(title)}</title>",
        f"<style>{css}</style>",
    ]
    return Markup("\n".join(lines))


def script_tag(script: str | None) -> Markup:
    return Markup(f"<script>{script}</script>") if script else Markup("")


def stamp_line(label: str, build_stamp: str | None) -> Markup:
    """The single build-stamp line (empty when no stamp is given)."""
    if not build_stamp:
        return Markup("")
    text = " ".join(str(build_stamp).split())  # one line, whatever the caller passed
    return Markup(f'<p class="build-stamp" {BUILD_STAMP_ATTR}="">{escape(label)}: {escape(text)}</p>')


def without_build_stamp(html: str) -> str:
    """``html`` without its build-stamp line, to compare two builds of one report.

    Raises ValueError unless there is exactly one such line: a page with two
    stamps, or a stamp split over lines, would hide a real difference.
    """
    lines = html.splitlines(keepends=True)
    stamped = [i for i, line in enumerate(lines) if BUILD_STAMP_ATTR in line]
    if len(stamped) != 1:
        raise ValueError(f"expected one build-stamp line, found {len(stamped)}")
    del lines[stamped[0]]
    return "".join(lines)


def page(
    *, lang: str, title: str, body: str, stamp_label: str, build_stamp: str | None = None, script: str | None = None
) -> str:
    """A whole HTML document around ``body`` (already escaped HTML)."""
    return "\n".join(
        [
            "<!DOCTYPE html>",
            f'<html lang="{escape(lang)}">',
            "<head>",
            str(head(lang=lang, title=title, script=script)),
            "</head>",
            "<body>",
            str(body).strip(),
            str(stamp_line(stamp_label, build_stamp)),
            str(script_tag(script)),
            "</body>",
            "</html>",
            "",
        ]
    )
