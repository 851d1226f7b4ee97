"""What a stage and a build return (:class:`StageResult`, :class:`BuildResult`) and the error a stage raises
(:class:`StageError`)."""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path


class StageError(RuntimeError):
    """A stage could not produce its outputs; the message names the stage and why."""


@dataclass
class StageResult:
    stage: str
    ran: bool
    outputs: list[Path] = field(default_factory=list)
    seconds: float = 0.0


@dataclass
class BuildResult:
    stages: list[StageResult]
    built: list[str]
    skipped: list[str]
    failed: dict[str, str]
    #: unit code → why its report was rebuilt: the input-hash parts that changed (motcua.pipeline.unit_hash.UNIT_PARTS),
    #: or "new", "forced", "failed before", "file missing"
    why: dict[str, list[str]] = field(default_factory=dict)

    def why_counts(self) -> list[tuple[str, int]]:
        """How many unit reports were rebuilt for each reason ("panel + trends + summary"), the commonest first."""
        from collections import Counter

        return Counter(" + ".join(parts) for parts in self.why.values()).most_common()

    @property
    def ok(self) -> bool:
        return not self.failed
