"""One figure read from a sentence: where it is, what kind and metric it is, and its value.

Grain: one :class:`Figure` per number phrase kept by :func:`motcua.prose.figures.find_figures`.
"""

from __future__ import annotations

from dataclasses import dataclass, field


@dataclass
class Figure:
    """One number phrase of a sentence and what it is.

    ``kind``: count | fraction | percent | score | component | rank | score_change | rank_change.
    ``metric`` is a panel/extract metric or an auxiliary one (late_share, offline_share,
    pending_ontime, pending_overdue, early_part, share) used only for checks.
    """

    start: int
    end: int
    kind: str
    value: float | int
    token: str
    metric: str | None = None
    denominator: int | None = None
    rank_of: int | None = None
    decimals: int = 0
    component: str | None = None
    attached_to: int | None = None  # index of the count a share belongs to
    flags: list[str] = field(default_factory=list)
    early_only: bool = False
    both_ontime: bool = False  # "đúng và trước hạn": the stated sum of the two parts
