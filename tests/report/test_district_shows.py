"""What a unit report shows is declared once (motcua.report.district_shows.DISTRICT) and the rebuild hash is made of
exactly that: rendering a report reads the declared inputs and no other, and a section reading an undeclared
input is caught."""

from __future__ import annotations

import sys
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

import pytest

from motcua.pipeline import stage_specs
from motcua.pipeline.input_hashes import TABLES
from motcua.pipeline.unit_hash import UNIT_PARTS
from motcua.report import district
from motcua.report.context import ReportData
from motcua.report.district_shows import DISTRICT

#: ReportData's frames and dicts, by the table name the declaration uses
ATTRIBUTES = {
    "panel": "panel",
    "summary": "summary",
    "comparison": "comparison",
    "quality": "quality",
    "trends": "trends",
    "continuity": "continuity",
    "published": "published",
    "meta": "meta",
}
#: DATA files, by the table name the declaration uses
FILES = {file: name for name, file in TABLES.items()} | {"clean_meta.json": "meta", "published.csv": "published"}


def _caller_module(depth: int) -> str:
    return sys._getframe(depth).f_globals.get("__name__", "")


def _first_motcua_module() -> str:
    """The first module of motcua up the stack (pathlib's exists() calls stat())."""
    f = sys._getframe(2)
    while f is not None and not f.f_globals.get("__name__", "").startswith("motcua."):
        f = f.f_back
    return f.f_globals["__name__"] if f is not None else ""


@contextmanager
def reads(data_dir: Path, monkeypatch: pytest.MonkeyPatch) -> Iterator[set[str]]:
    """The inputs read while the block runs: ReportData's frames asked for (not copied by dataclasses.replace),
    and the DATA files a report module other than the loader (motcua.report.context) opens or looks for."""
    seen: set[str] = set()
    data_dir = Path(data_dir).resolve()
    get = ReportData.__getattribute__

    def getattribute(self, name):
        if name in ATTRIBUTES and _caller_module(1) != "dataclasses":
            seen.add(ATTRIBUTES[name])
        return get(self, name)

    stat = Path.stat

    def path_stat(self, *args, **kwargs):
        p = Path(self)
        if p.parent == data_dir and _first_motcua_module() not in ("motcua.report.context", ""):
            seen.add(FILES.get(p.name, p.name))
        return stat(self, *args, **kwargs)

    monkeypatch.setattr(ReportData, "__getattribute__", getattribute)
    monkeypatch.setattr(Path, "stat", path_stat)
    try:
        yield seen
    finally:
        monkeypatch.undo()


def test_the_declaration_is_what_the_hash_is_made_of():
    assert UNIT_PARTS[: len(DISTRICT.slices) + len(DISTRICT.whole)] == (*DISTRICT.slices, *DISTRICT.whole)
    assert set(DISTRICT.slices) | set(DISTRICT.whole) <= set(TABLES)
    assert set(DISTRICT.by_code) <= set(DISTRICT.slices)
    # the notebook's parameters: those that change what it shows, and where the data are
    assert set(stage_specs.UNIT_REPORT.parameters) == {*DISTRICT.parameters, "data_dir"}
    assert district.SHOWS is DISTRICT


@pytest.mark.parametrize("unit", ["557", "555"])
def test_a_report_reads_exactly_the_inputs_declared(data_dir, monkeypatch, unit):
    with reads(data_dir, monkeypatch) as seen:
        district.district_report(unit, data_dir, "vi")
    assert seen == set(DISTRICT.tables), (
        f"undeclared: {sorted(seen - set(DISTRICT.tables))}; declared but not read: "
        f"{sorted(set(DISTRICT.tables) - seen)}"
    )


def test_a_section_reading_an_undeclared_input_is_caught(data_dir, monkeypatch):
    footer = district.footer_section

    def footer_with_published(data, files, summary, S):
        _ = data.published  # the published figures: the overview's, not a unit report's
        return footer(data, files, summary, S)

    monkeypatch.setattr(district, "footer_section", footer_with_published)
    with reads(data_dir, monkeypatch) as seen:
        district.district_report("557", data_dir, "vi")
    assert seen - set(DISTRICT.tables) == {"published"}


def test_a_section_opening_an_undeclared_file_is_caught(data_dir, monkeypatch):
    footer = district.footer_section

    def footer_with_file(data, files, summary, S):
        (data.data_dir / "published.csv").exists()
        return footer(data, files, summary, S)

    monkeypatch.setattr(district, "footer_section", footer_with_file)
    with reads(data_dir, monkeypatch) as seen:
        district.district_report("557", data_dir, "vi")
    assert seen - set(DISTRICT.tables) == {"published"}
