"""Typed settings of every file in config/: what keys each may hold, checked when the file is loaded.

A key no schema declares is refused with the file and the key named, and the closest declared key
suggested ("config/ingest.yaml: unknown key 'name_match.treshold' (did you mean 'threshold'?)"): a misspelt
setting would otherwise be ignored in silence and its default used. Values are checked for their type too;
the loaded data is handed on as read (validation changes nothing downstream).

Where a key is declared:

- ``config/model.yaml``: the fields of :class:`motcua.model.settings.ModelSettings` (one field per key, its
  type and default; checked by ``settings_from_config``). Nothing to add here.
- every other file: the pydantic model registered for it in :data:`SCHEMAS` (``config/<name>.yaml``) or,
  for ``config/layouts/*.yaml``, in :data:`LAYOUT_KINDS` by the layout's ``kind``. A new key is a new field
  of that model; a new file or layout kind is a new model registered there. A file with no schema is loaded
  unchecked, and ``tests/test_config_schema.py`` fails naming it.
"""

from __future__ import annotations

import dataclasses
import datetime as dt
import difflib
import types
import typing
from collections.abc import Iterable
from dataclasses import dataclass, field
from functools import cache
from pathlib import Path
from typing import Any, Literal, Union

import yaml


class ConfigError(ValueError):
    """A config file holds a key no schema declares, or a value of the wrong type."""


@dataclass(kw_only=True)
class Strict:
    """Base of every schema (a dataclass: its fields are the keys a mapping may hold, with their types;
    a field without a default is required). Checked by :func:`check`: unknown keys are refused."""


Code = str | int
Day = dt.date | str


# --------------------------------------------------------------------------- province.yaml
@dataclass(kw_only=True)
class Window(Strict):
    start: Day | None = None
    end: Day | None = None


@dataclass(kw_only=True)
class Province(Strict):
    province_code: Code | None = None
    province_name: str = ""
    unit_schema: Literal["legacy", "2025"] | None = None
    unit_level: Literal["province", "district", "commune", "agency"] = "district"
    window: Window | None = None
    language: Literal["vi", "en"] = "vi"


# --------------------------------------------------------------------------- targets.yaml
@dataclass(kw_only=True)
class TargetEntry(Strict):
    rate: str
    value: float
    label_vi: str = ""
    label_en: str = ""
    source: str = ""
    source_en: str = ""  # the source in an English report (else quoted as written)


@dataclass(kw_only=True)
class Targets(Strict):
    targets: list[TargetEntry] = field(default_factory=list)


# --------------------------------------------------------------------------- ingest.yaml
@dataclass(kw_only=True)
class NameMatch(Strict):
    threshold: float = 90
    margin: float = 4
    n_candidates: int = 5
    score_exact: float = 100
    score_no_diacritics: float = 97
    score_type_differs: float = 92
    type_differs_never: list[str] = field(default_factory=list)


@dataclass(kw_only=True)
class DossierEngine(Strict):
    engine: Literal["auto", "pandas", "duckdb"] = "auto"
    duckdb_min_mb: float = 32
    threads: int = 2
    memory_limit: str = "1GB"
    temp_directory: str | None = None


@dataclass(kw_only=True)
class RepeatedPeriod(Strict):
    """When a file's period is a copy of the period before (motcua.clean.repeats)."""

    min_units: int = 5
    min_share: float = 0.9


@dataclass(kw_only=True)
class Ingest(Strict):
    name_match: NameMatch = field(default_factory=NameMatch)
    name_prefixes: list[str] = field(default_factory=list)
    type_abbreviations: dict[str, str] = field(default_factory=dict)
    unit_types: dict[str, list[Literal["province", "district", "commune"]]] = field(default_factory=dict)
    schema_2025_from: Day | None = None
    other_levels_exact: bool = True
    period_min_start: Day | None = None
    period_max_end: Day | None = None
    max_count: int = 100_000_000
    max_input_mb: float = 200
    dossier_engine: DossierEngine = field(default_factory=DossierEngine)
    repeated_period: RepeatedPeriod = field(default_factory=RepeatedPeriod)


# --------------------------------------------------------------------------- aliases.yaml, agencies.yaml
@dataclass(kw_only=True)
class Alias(Strict):
    name: str
    unit_schema: Literal["legacy", "2025"]
    unit_code: Code
    unit_level: str | None = None
    note: str = ""


@dataclass(kw_only=True)
class Aliases(Strict):
    aliases: list[Alias] = field(default_factory=list)


@dataclass(kw_only=True)
class Agency(Strict):
    key: str
    name: str
    aliases: list[str] = field(default_factory=list)


@dataclass(kw_only=True)
class Agencies(Strict):
    agency_prefixes: list[str] = field(default_factory=list)
    agencies: list[Agency] = field(default_factory=list)


# --------------------------------------------------------------------------- extract.yaml
Words = list[str]


@dataclass(kw_only=True)
class NumberWords(Strict):
    """Numbers written in words: "sáu" 6, "hai mươi lăm" 25."""

    units: dict[str, int]
    ten: str
    tens_word: str
    after_ten: dict[str, int] = field(default_factory=dict)


@dataclass(kw_only=True)
class Extract(Strict):
    count_keywords: dict[str, Words]
    early_only: Words
    rate_keywords: dict[str, Words]
    dossier_words: Words
    target_words: Words
    other_subject_words: Words
    neutral_phrases: Words
    non_dossier_nouns: Words
    par_words: Words
    other_index_words: Words
    approx_words: Words
    bound_words: Words
    selection_phrases: Words
    increase_words: Words
    decrease_words: Words
    superlative_first: Words
    comparison_words: Words
    furniture_line_patterns: Words
    furniture_tail_markers: Words
    html_skip_tags: Words
    html_skip_class_words: Words
    rate_tolerance_pp: float
    score_tolerance: float
    number_words: NumberWords | None = None
    zero_phrases: Words = field(default_factory=list)
    zero_metrics: Words = field(default_factory=list)
    index766_words: Words = field(default_factory=list)
    index_names: dict[str, str] = field(default_factory=dict)
    first_working_day_after_tet: dict[int, dt.date] = field(default_factory=dict)
    reform_words: Words = field(default_factory=list)


# --------------------------------------------------------------------------- layouts/*.yaml
@dataclass(kw_only=True)
class ColumnRule(Strict):
    """A count column found by its header path: every ``all`` pattern occurs, no ``none`` pattern does."""

    all: Words = field(default_factory=list)
    none: Words = field(default_factory=list)


@dataclass(kw_only=True)
class Numbered(Strict):
    column: str
    label: str = ""


@dataclass(kw_only=True)
class LayoutBase(Strict):
    name: str
    kind: str
    description: str = ""
    priority: int = 0


@dataclass(kw_only=True)
class AggregateLayout(LayoutBase):
    """A form of counts per unit (form 06, 07a…): columns found by their header labels."""

    unit_header: Words = field(default_factory=list)
    field_header: Words = field(default_factory=list)
    stt_header: Words = field(default_factory=list)
    totals_row: Words = field(default_factory=list)
    not_totals_row: Words = field(default_factory=list)
    group_row: Words = field(default_factory=list)
    secondary_columns: Words = field(default_factory=list)
    period_block: Words = field(default_factory=list)
    exclude_columns: Words = field(default_factory=list)
    columns: dict[str, ColumnRule]
    required: Words = field(default_factory=list)
    other_outcomes: Words = field(default_factory=list)
    numbering: dict[int, Numbered] = field(default_factory=dict)
    sums: dict[str, Words] = field(default_factory=dict)


@dataclass(kw_only=True)
class DossierLayout(LayoutBase):
    """A dossier-level export (one row per hồ sơ): header aliases per field."""

    columns: dict[str, Words]
    required: Words = field(default_factory=list)
    personal: Words = field(default_factory=list)
    channel_online: Words = field(default_factory=list)
    channel_offline: Words = field(default_factory=list)
    period: Literal["month"] = "month"
    cutoff_day: int = 0


@dataclass(kw_only=True)
class TidyLayout(LayoutBase):
    """A tidy CSV in the panel's own columns."""

    required: Words = field(default_factory=list)
    unit_keys: Words = field(default_factory=list)


# --------------------------------------------------------------------------- par.yaml, layouts of kind par
@dataclass(kw_only=True)
class Par(Strict):
    """How a PAR index workbook is recognised and what its checks allow (motcua.ingest.par)."""

    title: Words = field(default_factory=list)
    unit_header: Words = field(default_factory=list)
    stt_header: Words = field(default_factory=list)
    columns: dict[str, ColumnRule] = field(default_factory=dict)
    field_score_column: Words = field(default_factory=list)
    max_row: Words = field(default_factory=list)
    not_unit_row: Words = field(default_factory=list)
    header_max: str = ""
    tolerance: float = 0.05
    tie_tolerance: float = 0.005
    rank_methods: list[Literal["min", "dense"]] = field(default_factory=lambda: ["min", "dense"])
    legacy_until_year: int = 2024
    max_points: float = 100


@dataclass(kw_only=True)
class ParField(Strict):
    """One field (lĩnh vực) of a PAR index set: its label, maximum and header patterns."""

    label: str
    label_en: str = ""
    max: float
    all: Words = field(default_factory=list)
    none: Words = field(default_factory=list)


@dataclass(kw_only=True)
class ParLayout(LayoutBase):
    """A set of the PAR index (the fields a level's units are scored on)."""

    description_en: str = ""
    level: Literal["province", "district", "commune", "agency"] = "district"
    title_level: Words = field(default_factory=list)
    fields: dict[str, ParField]
    total_max: float = 100


# --------------------------------------------------------------------------- layouts/groups766.yaml
@dataclass(kw_only=True)
class ScoreGroup(Strict):
    max: float
    aliases: Words = field(default_factory=list)


@dataclass(kw_only=True)
class ScoreTable766(Strict):
    """A 766 score table: unit or province, month, a score per group."""

    unit: Words = field(default_factory=list)
    month: Words = field(default_factory=list)
    year: Words = field(default_factory=list)
    total: Words = field(default_factory=list)
    groups: dict[str, ScoreGroup] = field(default_factory=dict)
    total_max: float = 100
    total_tolerance: float = 0.02
    min_groups: int = 2


@dataclass(kw_only=True)
class DossierExtraLayout(LayoutBase):
    """Columns of dossier-level exports beyond the panel's (payment, digitisation, apology, survey) and the
    766 score table's layout (motcua.ingest.groups766, motcua.ingest.score766)."""

    columns: dict[str, Words]
    yes_words: Words = field(default_factory=list)
    no_words: Words = field(default_factory=list)
    satisfied: Words = field(default_factory=list)
    not_satisfied: Words = field(default_factory=list)
    score_table: ScoreTable766 = field(default_factory=ScoreTable766)


# --------------------------------------------------------------------------- report.yaml
@dataclass(kw_only=True)
class ReportLimits(Strict):
    page_max_bytes: int = 1_500_000


#: config/<name> → its schema. A new config file: register its model here.
SCHEMAS: dict[str, type[Strict]] = {
    "province.yaml": Province,
    "targets.yaml": Targets,
    "ingest.yaml": Ingest,
    "aliases.yaml": Aliases,
    "agencies.yaml": Agencies,
    "extract.yaml": Extract,
    "par.yaml": Par,
    "report.yaml": ReportLimits,
}
#: Files checked elsewhere: model.yaml against the fields of motcua.model.settings.ModelSettings.
CHECKED_ELSEWHERE = frozenset({"model.yaml"})
#: config/layouts/*.yaml: the layout's ``kind`` → its schema. A new kind of layout: register its model here.
LAYOUT_KINDS: dict[str, type[Strict]] = {
    "aggregate": AggregateLayout,
    "dossier": DossierLayout,
    "tidy": TidyLayout,
    "par": ParLayout,
    "dossier_extra": DossierExtraLayout,
}


# --------------------------------------------------------------------------- checking
def _read_yaml(path: Path) -> Any:
    with Path(path).open(encoding="utf-8") as fh:
        return yaml.load(fh, Loader=getattr(yaml, "CSafeLoader", yaml.SafeLoader))  # noqa: S506 - a safe loader


def unknown_key(where: str, key: str, known: Iterable[str]) -> ConfigError:
    """The error for ``key`` in ``where`` (``"config/model.yaml"``, with a dotted path before the key when
    nested), with the closest of the ``known`` keys suggested."""
    close = difflib.get_close_matches(str(key).split(".")[-1], sorted(map(str, known)), n=1, cutoff=0.6)
    hint = f" (did you mean {close[0]!r}?)" if close else ""
    return ConfigError(f"{where}: unknown key {key!r}{hint}")


def display_name(path: Path, root: Path | None = None) -> str:
    """``config/model.yaml``: the file relative to its config folder's parent (the folder's own name kept)."""
    path = Path(path)
    root = Path(root) if root else path.parent
    try:
        return str(Path(root.name) / path.relative_to(root))
    except ValueError:
        return str(path)


def schema_for(relative: str, data: Any) -> type[Strict] | None:
    """The schema of the file at ``relative`` (to the config folder: ``ingest.yaml``, ``layouts/form06.yaml``)."""
    rel = Path(relative)
    if rel.parts[:1] == ("layouts",):
        kind = data.get("kind") if isinstance(data, dict) else None
        return LAYOUT_KINDS.get(str(kind)) if kind is not None else None
    return SCHEMAS.get(rel.name) if len(rel.parts) == 1 else None


@cache
def _hints(cls: type) -> dict[str, Any]:
    return typing.get_type_hints(cls)


def _is_schema(t: Any) -> bool:
    return isinstance(t, type) and dataclasses.is_dataclass(t) and issubclass(t, Strict)


def _type_name(t: Any) -> str:
    return getattr(t, "__name__", None) or str(t).replace("typing.", "")


def check(where: str, data: Any, t: Any, path: tuple[Any, ...] = ()) -> list[str]:
    """Every problem of ``data`` against the type ``t`` (a schema, ``list[...]``, ``dict[...]``, a union, a
    ``Literal``, a scalar type or ``Any``), one line each, naming ``where`` and the dotted key path."""
    dotted = ".".join(map(str, path))
    at = f"{where}: {dotted}" if path else where
    origin = typing.get_origin(t)
    if t is Any:
        return []
    if _is_schema(t):
        if not isinstance(data, dict):
            return [f"{at}: expected a mapping of keys, got {data!r}"]
        hints, fields = _hints(t), {f.name: f for f in dataclasses.fields(t)}
        out = [str(unknown_key(where, ".".join(map(str, (*path, k))), fields)) for k in data if k not in fields]
        for name, f in fields.items():
            if name in data:
                out += check(where, data[name], hints[name], (*path, name))
            elif f.default is dataclasses.MISSING and f.default_factory is dataclasses.MISSING:
                out.append(f"{where}: missing key {'.'.join(map(str, (*path, name)))!r}")
        return out
    if origin in (Union, types.UnionType):
        args = typing.get_args(t)
        if data is None and type(None) in args:
            return []
        tried = [check(where, data, a, path) for a in args if a is not type(None)]
        if any(not problems for problems in tried):
            return []
        return tried[0] if len(tried) == 1 else [f"{at}: {data!r} is none of {', '.join(_type_name(a) for a in args)}"]
    if origin is Literal:
        choices = typing.get_args(t)
        return [] if data in choices else [f"{at}: {data!r} is not one of {', '.join(map(repr, choices))}"]
    if origin is list:
        if not isinstance(data, list):
            return [f"{at}: expected a list, got {data!r}"]
        (item,) = typing.get_args(t)
        return [p for i, v in enumerate(data) for p in check(where, v, item, (*path, i))]
    if origin is dict:
        if not isinstance(data, dict):
            return [f"{at}: expected a mapping, got {data!r}"]
        key_t, value_t = typing.get_args(t)
        out = [f"{at}: key {k!r} is not {_type_name(key_t)}" for k in data if check(where, k, key_t)]
        return out + [p for k, v in data.items() for p in check(where, v, value_t, (*path, k))]
    if t is float:
        ok = isinstance(data, (int, float)) and not isinstance(data, bool)
    elif t is int:
        ok = isinstance(data, int) and not isinstance(data, bool)
    elif t is dt.date:
        ok = isinstance(data, dt.date)
    elif t is type(None):
        ok = data is None
    else:
        ok = isinstance(data, t)
    return [] if ok else [f"{at}: expected {_type_name(t)}, got {data!r}"]


def validate(where: str, relative: str, data: Any) -> Any:
    """Check ``data`` (a file's YAML content) against its schema; return it unchanged. ``where`` names the file
    in messages. Files without a schema pass unchecked (see :func:`unchecked`)."""
    schema = schema_for(relative, data)
    if schema is None:
        return data
    problems = check(where, data if data is not None else {}, schema)
    if problems:
        raise ConfigError("\n".join(problems))
    return data


def validate_file(path: Path, root: Path | None = None, data: Any = None) -> Any:
    """Read (unless ``data`` is given) and check one config file; ``root``: its config folder."""
    path = Path(path)
    root = Path(root) if root else path.parent
    if data is None:
        data = _read_yaml(path)
    rel = path.relative_to(root).as_posix() if path.is_relative_to(root) else path.name
    return validate(display_name(path, root), rel, data)


def unchecked(root: Path) -> list[str]:
    """Files of the config folder ``root`` that no schema checks (new files or layout kinds to declare)."""
    out = []
    for path in sorted(Path(root).rglob("*.yaml")):
        rel = path.relative_to(root).as_posix()
        if rel in CHECKED_ELSEWHERE:
            continue
        if schema_for(rel, _read_yaml(path)) is None:
            out.append(rel)
    return out
