"""The clean stage's cross-record rules, run one unit at a time.

Every cross-record rule of the clean stage looks at one unit's records at a time: the period rules
(:func:`motcua.clean.periods.resolve_overlaps`, :func:`motcua.clean.periods.difference_cumulative`) and
the continuity check (:func:`motcua.clean.validate.check_continuity`) group the kept records by
:attr:`Record.key` (unit_schema, unit_code) and read nothing outside the group; the identity check
(:func:`motcua.clean.validate.check_identities`) and the guard on cumulative rows left over look at one
record. So the stage runs them unit by unit (:func:`clean_unit`), and the result of a unit depends on
that unit's records alone (in input order): what makes it cacheable at unit grain
(:mod:`motcua.clean.unitcache`).

:func:`ordered_findings` puts the units' findings back in the order one pass over all records makes
them: a grouped step reports unit after unit, the units in the order of their first kept record when the
step starts (the order of ``_by_unit``'s groups); a record-wise step reports record after record, in
input order.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field

from motcua.clean.periods import difference_cumulative, resolve_overlaps
from motcua.clean.validate import check_continuity, check_identities
from motcua.ingest.records import Record
from motcua.quality import Finding, Quality

__all__ = ["UnitResult", "clean_unit", "ordered_findings"]

#: The grouped steps, in the order a run makes them (index into :attr:`UnitResult.grouped`).
GROUPED_STEPS = ("overlaps", "cumulative", "overlaps_again", "continuity")
#: The record-wise steps (first item of :attr:`UnitResult.per_record`).
RECORD_STEPS = ("cumulative_unresolved", "identities")


@dataclass
class UnitResult:
    """What the cross-record steps made of one unit.

    Grain: one (unit_schema, unit_code) over every input file. Positions are indexes into the unit's
    records in input order (files in input order, rows in file order).
    """

    #: first kept record when each grouped step starts (None: no kept record, the unit is not in that step)
    first_kept: tuple[int | None, ...]
    #: findings of each grouped step (:data:`GROUPED_STEPS`), in the order the step made them
    grouped: tuple[list[Finding], ...]
    #: (record-wise step, position of the record, finding), in the order they were made
    per_record: list[tuple[int, int, Finding]] = field(default_factory=list)
    #: positions of the records kept in the panel
    kept: list[int] = field(default_factory=list)
    #: how many input records the unit has
    n_records: int = 0
    #: a digest of the unit's input records (with the cache's base key); "" when not cached
    digest: str = ""


def _first_kept(records: Sequence[Record]) -> int | None:
    return next((i for i, r in enumerate(records) if r.status == "kept"), None)


def _drop_unresolved(records: list[Record], q: Quality, per_record: list[tuple[int, int, Finding]]) -> None:
    """A kept cumulative row that differencing left as is (should not happen): dropped, reported."""
    for i, r in enumerate(records):
        if r.cumulative and r.status == "kept":  # pragma: no cover - difference_cumulative turns each into a period
            r.status = "dropped"
            q.add(
                r.file,
                "cumulative_unresolved",
                "error",
                "Không trừ được số lũy kế; loại dòng.",
                sheet=r.sheet,
                row=r.row,
                unit=r.code,
                match=r.unit,
                period=r.label(),
                action="dropped",
            )
            per_record.append((0, i, q.findings[-1]))


def clean_unit(records: list[Record]) -> UnitResult:
    """Run the cross-record steps on one unit's records (all with the same :attr:`Record.key`, in input
    order), in place, in the order of a whole run: overlaps, cumulative differencing, leftover cumulative
    rows, overlaps again, identities, continuity."""
    first: list[int | None] = []
    grouped: list[list[Finding]] = []
    per_record: list[tuple[int, int, Finding]] = []

    def step(fn) -> None:  # type: ignore[no-untyped-def]
        first.append(_first_kept(records))
        q = Quality()
        fn(records, q)
        grouped.append(q.findings)

    step(resolve_overlaps)
    step(difference_cumulative)
    _drop_unresolved(records, Quality(), per_record)
    step(resolve_overlaps)
    q = Quality()
    for i, r in enumerate(records):
        if r.status == "kept":
            n = len(q.findings)
            check_identities([r], q)
            per_record.extend((1, i, f) for f in q.findings[n:])
    step(check_continuity)
    kept = [i for i, r in enumerate(records) if r.status == "kept"]
    return UnitResult(tuple(first), tuple(grouped), per_record, kept, len(records))


def ordered_findings(units: Sequence[tuple[UnitResult, Sequence[int]]]) -> list[Finding]:
    """The findings of all units in the order one pass over all records makes them.

    ``units``: each unit's result with the global input position of each of its records (increasing:
    any integers that sort as the records do in the input).
    """
    out: list[Finding] = []

    def grouped(step: int) -> None:
        order = sorted(
            (pos[u.first_kept[step]], k)
            for k, (u, pos) in enumerate(units)  # type: ignore[index]
            if u.grouped[step] and u.first_kept[step] is not None
        )
        for _, k in order:
            out.extend(units[k][0].grouped[step])

    def record_wise(step: int) -> None:
        hits = [(pos[i], f) for u, pos in units for s, i, f in u.per_record if s == step]
        hits.sort(key=lambda t: t[0])  # stable: a record's findings keep their order
        out.extend(f for _, f in hits)

    grouped(0)
    grouped(1)
    record_wise(0)
    grouped(2)
    record_wise(1)
    grouped(3)
    return out
