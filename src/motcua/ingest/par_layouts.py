"""The sets of the PAR index (config/layouts/par_*.yaml, ``kind: par``) and its reading settings (config/par.yaml).

A set scores one level (district; communes and agencies): its fields (lĩnh vực) with their published labels,
default maxima and header patterns (regular expressions over the label folded to lower-case ASCII). Scores are
read by :func:`parse_score`.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from functools import lru_cache
from typing import Any

from motcua.config import load_config
from motcua.ingest.text import clean_text

__all__ = ["FieldRule", "ParLayout", "par_layouts", "par_settings", "parse_score", "par_rules"]


@dataclass(frozen=True)
class FieldRule:
    """One field (lĩnh vực) of a set: its key, published label, default maximum and header patterns."""

    key: str
    label: str
    label_en: str
    max: float
    all: tuple[re.Pattern[str], ...]
    none: tuple[re.Pattern[str], ...] = ()

    def matches(self, levels: list[str]) -> int | None:
        """The header level at which this field is named (None: the path is not this field's)."""
        if not levels or any(p.search(lv) for p in self.none for lv in levels):
            return None
        hits = [i for i, lv in enumerate(levels) if all(p.search(lv) for p in self.all)]
        return hits[0] if hits else None


@dataclass(frozen=True)
class ParLayout:
    """A set of the index (config/layouts/par_*.yaml): the level it scores, its fields and their maxima."""

    name: str
    description: str
    priority: int
    level: str
    title_level: tuple[re.Pattern[str], ...]
    fields: tuple[FieldRule, ...]
    total_max: float
    description_en: str = ""

    def field(self, key: str) -> FieldRule:
        return next(f for f in self.fields if f.key == key)


def _rx(p: str) -> re.Pattern[str]:
    return re.compile(p)


@lru_cache(maxsize=4)
def _layouts(root: str) -> tuple[ParLayout, ...]:
    out = []
    for name, spec in sorted(load_config().layouts.items()):
        if spec.get("kind") != "par":
            continue
        fields = tuple(
            FieldRule(
                k,
                str(f["label"]),
                str(f.get("label_en", f["label"])),
                float(f["max"]),
                tuple(_rx(p) for p in f.get("all", [])),
                tuple(_rx(p) for p in f.get("none", [])),
            )
            for k, f in spec["fields"].items()
        )
        out.append(
            ParLayout(
                spec.get("name", name),
                spec.get("description", name),
                int(spec.get("priority", 9)),
                str(spec.get("level", "district")),
                tuple(_rx(p) for p in spec.get("title_level", [])),
                fields,
                float(spec.get("total_max", 100)),
                str(spec.get("description_en") or spec.get("description", name)),
            )
        )
    return tuple(sorted(out, key=lambda lo: lo.priority))


def par_layouts() -> tuple[ParLayout, ...]:
    """The PAR sets of config/layouts/ (``kind: par``), by priority."""
    return _layouts(str(load_config().root))


def par_settings() -> dict[str, Any]:
    """config/par.yaml (recognition words, tolerances, the era of a year)."""
    return dict(load_config().extra.get("par") or {})


@lru_cache(maxsize=4)
def _compiled(root: str) -> dict[str, Any]:
    s = par_settings()
    cols = {
        k: (tuple(_rx(p) for p in v.get("all", [])), tuple(_rx(p) for p in v.get("none", [])))
        for k, v in (s.get("columns") or {}).items()
    }
    return {
        "title": tuple(_rx(p) for p in s.get("title", [])),
        "unit_header": tuple(_rx(p) for p in s.get("unit_header", [])),
        "stt_header": tuple(_rx(p) for p in s.get("stt_header", [])),
        "columns": cols,
        "field_score": tuple(_rx(p) for p in s.get("field_score_column", [])),
        "max_row": tuple(_rx(p) for p in s.get("max_row", [])),
        "not_unit": tuple(_rx(p) for p in s.get("not_unit_row", [])),
        "header_max": re.compile(s.get("header_max") or r"$^", re.I),
    }


def par_rules() -> dict[str, Any]:
    """config/par.yaml's patterns, compiled once per loaded configuration."""
    return _compiled(str(load_config().root))


_SCORE = re.compile(r"^\d+(?:[.,]\d+)?$")
_BLANK = {"", "-", "–", "—", "x", "X"}


def parse_score(cell: object) -> tuple[float | None, str]:
    """(points, error) of a score cell: numbers as they are, text "17,64" or "17.64" (a decimal comma or point:
    scores are small, never thousand-grouped). Errors: "non_numeric", "negative". Blank ("", "-") → (None, "").

    >>> parse_score("17,64"), parse_score(12), parse_score("-"), parse_score("-1"), parse_score("khá")
    ((17.64, ''), (12.0, ''), (None, ''), (None, 'negative'), (None, 'non_numeric'))
    """
    if cell is None:
        return None, ""
    if isinstance(cell, bool):
        return None, "non_numeric"
    if isinstance(cell, (int, float)):
        v = float(cell)
        if v != v:  # NaN
            return None, ""
        return (None, "negative") if v < 0 else (v, "")
    s = clean_text(cell).replace("\u00a0", " ").replace(" ", "")
    if s in _BLANK:
        return None, ""
    neg = s[:1] in "-−–"
    body = s.lstrip("-−–")
    if not _SCORE.match(body):
        return None, "non_numeric"
    return (None, "negative") if neg and float(body.replace(",", ".")) != 0 else (float(body.replace(",", ".")), "")
