"""A fact read from prose while it is being built, and the columns and metrics of the result.

Grain: one :class:`Fact` per figure (and per companion a figure states: the whole of "X/Y hồ sơ", the
field of "xếp thứ 3/9"); ``pos`` orders it in the text, ``aux`` marks check-only figures (shares of
counts, parts of a stated sum) that never reach the result.
"""

from __future__ import annotations

from dataclasses import dataclass, field

from motcua.prose.figure_record import Figure
from motcua.prose.periods import PeriodMention
from motcua.prose.units import Unit

FACT_COLUMNS: list[str] = [
    "file",
    "unit_name",
    "unit_code",
    "province_code",
    "unit_level",
    "period_start",
    "period_end",
    "metric",
    "value",
    "quote",
    "flags",
]

#: Metrics a fact may carry, in output order within a sentence.
METRICS: list[str] = [
    "received_total",
    "received_online",
    "received_offline",
    "carried_over",
    "received_in_period",
    "resolved_total",
    "resolved_ontime",
    "resolved_early",
    "resolved_ontime_part",
    "resolved_late",
    "pending_total",
    "ontime_rate",
    "online_rate",
    "par_score",
    "par_rank",
    "par_rank_of",
    "index766_score",
    "index766_rank",
    "index766_rank_of",
]
COUNT_METRICS = {
    "received_total",
    "received_online",
    "received_offline",
    "carried_over",
    "received_in_period",
    "resolved_total",
    "resolved_ontime",
    "resolved_early",
    "resolved_ontime_part",
    "resolved_late",
    "pending_total",
    "par_rank",
    "par_rank_of",
    "index766_rank",
    "index766_rank_of",
}
#: The index metrics: a prefix per index (config/extract.yaml ``index_names``), the same suffixes.
INDEX_PREFIXES = ("par", "index766")


@dataclass
class Fact:
    """A fact while it is being built (``pos`` orders it; ``aux`` are check-only figures)."""

    unit: Unit
    period: PeriodMention | None
    metric: str
    value: float | int
    quote: str
    pos: int
    flags: list[str] = field(default_factory=list)
    fig: Figure | None = None
    sentence: int = 0
    aux: bool = False
    link: Fact | None = None  # the count a share belongs to
    ref_period: PeriodMention | None = None  # "so với năm 2021" of a change
