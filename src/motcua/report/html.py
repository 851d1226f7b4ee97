"""HTML sections: jinja2 templates with autoescaping, shown in notebooks through ``_repr_html_``.

Every value that comes from data reaches HTML only through an autoescaping
template, so a unit named ``<img src=x onerror=alert(1)>`` is shown as text.
Sections carry no ``<style>``, no ``style=`` attribute and no script: the page
shell (:mod:`motcua.report.page`) holds the one stylesheet the CSP allows.
"""

from __future__ import annotations

from functools import lru_cache
from pathlib import Path
from typing import Any

import jinja2
from markupsafe import Markup

TEMPLATES = Path(__file__).resolve().parent / "templates"


@lru_cache(maxsize=1)
def env() -> jinja2.Environment:
    """The jinja2 environment of the report's section and page templates (autoescape on)."""
    return jinja2.Environment(
        loader=jinja2.FileSystemLoader(str(TEMPLATES)),
        autoescape=True,
        trim_blocks=True,
        lstrip_blocks=True,
    )


def render(template: str, **context: Any) -> Markup:
    """Render ``templates/<template>`` with ``context`` (escaped) into safe markup."""
    return Markup(env().get_template(template).render(**context))


class Section:
    """One finished, escaped HTML section; Jupyter displays it via ``_repr_html_``."""

    def __init__(self, name: str, html: str):
        self.name = name
        self.html = str(html)

    def _repr_html_(self) -> str:
        return self.html

    def __html__(self) -> str:
        return self.html

    def __repr__(self) -> str:
        return f"<motcua report section {self.name!r}: {len(self.html)} characters of HTML>"


class Report:
    """An ordered set of sections; displaying it shows them all."""

    def __init__(self, kind: str, sections: list[Section]):
        self.kind = kind
        self.sections = sections

    def __getattr__(self, name: str) -> Section:
        for s in self.__dict__.get("sections", []):
            if s.name == name:
                return s
        raise AttributeError(name)

    def _repr_html_(self) -> str:
        return "\n".join(s.html for s in self.sections)

    def __repr__(self) -> str:
        return f"<motcua {self.kind} report: {', '.join(s.name for s in self.sections)}>"
