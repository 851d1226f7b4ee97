"""The unit-period record every reader produces before cleaning.

Grain: one :class:`Record` per (source row or aggregated dossier group, unit,
period). Counts are plain ints or None (blank / invalid / not in the layout);
``extra`` holds non-panel counts (received_new, resolved_early_ontime,
supplement, returned). ``order`` sorts files from oldest to newest for the
"newest file wins" rule.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date
from typing import Any

from motcua.ingest.names import UnitMatch


@dataclass
class Record:
    file: str
    sheet: str
    row: int | None
    name: str  # as written
    unit: UnitMatch | None
    start: date
    end: date
    period_kind: str
    cumulative: bool
    values: dict[str, int | None]
    extra: dict[str, int | None] = field(default_factory=dict)
    order: tuple[Any, ...] = ()
    source_kind: str = ""
    source_ref: str = ""
    other_outcomes: tuple[str, ...] = ()
    status: str = "kept"  # kept | dropped
    note: str = ""
    hidden: bool = False  # the sheet hides the row (an .xlsx hidden row)

    @property
    def code(self) -> str:
        return self.unit.unit_code if self.unit is not None and self.unit.unit_code else ""

    @property
    def key(self) -> tuple[str, str]:
        return (self.unit.unit_schema if self.unit else "", self.code)

    def label(self) -> str:
        return f"{self.start:%d/%m/%Y}–{self.end:%d/%m/%Y}"
