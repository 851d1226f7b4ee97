"""What a unit's report (notebook 30, :func:`motcua.report.district.district_report`) shows, by input: declared once
here, beside the report code, and used by the rebuild hash (:class:`motcua.pipeline.unit_hash.UnitHasher`), so
a section that reads another input must be declared here first (tests/report/test_district_shows.py fails
otherwise) and the report is then rebuilt when that input changes.

Tables are named as the planning hashes them (:data:`motcua.pipeline.input_hashes.TABLES`): ``panel``,
``trends``, ``summary`` (trend_summary), ``comparison``, ``quality`` (quality.csv), ``continuity``, ``par``
(par_index), ``groups766``, ``score766``; ``meta`` is clean_meta.json. Light on purpose (no pandas): the
planning imports it.
"""

from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True)
class ReportShows:
    """The inputs of one kind of report and how much of each it shows."""

    #: tables of which the report shows the unit's own rows, in the order hashed: keyed by the unit's
    #: ``"<schema>:<code>"`` (codes are re-used across the 1 July 2025 reform), or by code alone for ``by_code``
    slices: tuple[str, ...]
    #: of ``slices``, those whose rows name a unit by code or by name whatever its era (quality.csv's findings)
    by_code: tuple[str, ...]
    #: tables shown whole, for every unit (the province comparison: funnel limits, shrunken rates and ranks)
    whole: tuple[str, ...]
    #: columns of trend_summary shown for every unit (beside the comparison table)
    summary_columns: tuple[str, ...]
    #: keys of clean_meta.json whose whole value the report shows
    meta: tuple[str, ...]
    #: keys of clean_meta.json the report shows in part and the hash leaves out: ``sources``, whose sha256 the
    #: footer gives for the files the unit's rows come from (a correction to one unit's rows changes its file's
    #: sha256, and the other units of that file keep reports whose footer shows the old one)
    meta_unhashed: tuple[str, ...]
    #: the notebook's parameters that change what it shows (``data_dir`` only says where the data are)
    parameters: tuple[str, ...]

    @property
    def tables(self) -> tuple[str, ...]:
        """Every table the report reads (``meta`` included)."""
        return (*self.slices, *self.whole, "meta")


#: A unit report: its own slices of the panel, trends, summary, quality findings, continuity series across the
#: reform, PAR index and 766 tables; the province-wide comparison; the data's as-of date and synthetic flag.
DISTRICT = ReportShows(
    slices=("panel", "trends", "summary", "quality", "continuity", "par", "groups766", "score766"),
    by_code=("quality",),
    whole=("comparison",),
    summary_columns=(
        "unit_code",
        "rate",
        "shrunk_rate",
        "shrunk_low",
        "shrunk_high",
        "rank",
        "rank_low",
        "rank_high",
        "funnel_flag",
    ),
    meta=("synthetic", "as_of"),
    meta_unhashed=("sources",),
    parameters=("unit_code", "unit_schema", "lang"),
)
