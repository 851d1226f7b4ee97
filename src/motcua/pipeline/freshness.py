"""Whether the reports on disk are up to date: every page of a manifest present (:func:`all_present`), a
``--units`` request already served (:func:`partial_up_to_date`, :func:`partial_after`), and why a unit report is
rebuilt (:func:`why_rebuilt`)."""

from __future__ import annotations

from collections.abc import Iterable
from pathlib import Path
from typing import TYPE_CHECKING, Any

from motcua.pipeline.manifest import Manifest

if TYPE_CHECKING:
    from motcua.report.eras import ReportUnit


def why_rebuilt(prev: Any, input_hash: str, parts: dict[str, str], force: bool) -> list[str]:
    """Why a unit report is rebuilt, given its manifest entry ``prev`` (None: never built)."""
    from motcua.pipeline.unit_hash import changed_parts

    if force:
        return ["forced"]
    if prev is None:
        return ["new"]
    if prev.status != "ok":
        return ["failed before"]
    if prev.input_hash == input_hash:
        return ["file missing"]
    return changed_parts(prev.parts, parts)


def pages_present(reports: Path, manifest: Manifest) -> bool:
    """The overview (or national page), every province page and its index page, and the index built and on disk."""
    pages = [*manifest.provinces.values(), *([manifest.overview] if manifest.overview else [])]
    return (
        manifest.overview is not None
        and all(e.status == "ok" and (reports / e.path).exists() for e in pages)
        and indexes_present(reports, manifest)
    )


def indexes_present(reports: Path, manifest: Manifest) -> bool:
    """``index.html`` and every province page's index page (:func:`motcua.report.index_national.index_name`) on
    disk."""
    if not (reports / "index.html").exists():
        return False
    if not manifest.provinces:
        return True
    from motcua.report.index_national import index_name

    return all((reports / index_name(e.path)).exists() for e in manifest.provinces.values())


def partial_up_to_date(reports: Path, manifest: Manifest, render_key: str, units: Iterable[str]) -> list[str] | None:
    """``--units``: the keys of the reports asked for when the render stage's inputs are those with which the same
    requests last left them up to date (:attr:`Manifest.partial`), every one of them, the overview and the index
    still on disk; None when anything must be planned."""
    if manifest.render_key == render_key and all_present(reports, manifest):  # a whole render with these inputs
        return sorted([*manifest.reports, "province"])
    requests = manifest.partial.get("requests") if manifest.partial.get("key") == render_key else None
    if not isinstance(requests, dict) or not pages_present(reports, manifest):
        return None
    keys: list[str] = []
    for u in units:
        if u not in requests:
            return None
        keys += requests[u]
    entries = [manifest.reports.get(k) for k in keys]
    if not all(e is not None and e.status == "ok" and (reports / e.path).exists() for e in entries):
        return None
    return sorted({*keys, "province"})


def served(reports: Path, manifest: Manifest, render_key: str, units: Iterable[str] | None) -> list[str] | None:
    """The keys of the reports a render with inputs ``render_key`` would find up to date without planning: every
    report after a complete render with the same inputs (no ``units``), or :func:`partial_up_to_date`; None when
    the render must plan."""
    if not units:
        return (
            sorted([*manifest.reports, "province"])
            if manifest.render_key == render_key and all_present(reports, manifest)
            else None
        )
    return partial_up_to_date(reports, manifest, render_key, units)


def partial_after(
    manifest: Manifest, render_key: str, units: Iterable[str] | None, all_units: list[ReportUnit]
) -> dict[str, Any]:
    """:attr:`Manifest.partial` after a render: with ``--units``, each request whose reports are all built, added to
    those recorded under the same inputs; {} after a whole render (its ``render_key`` says more)."""
    if not units:
        return {}
    before = manifest.partial.get("requests") if manifest.partial.get("key") == render_key else None
    requests: dict[str, list[str]] = dict(before) if isinstance(before, dict) else {}
    for u in units:
        keys = sorted(x.key for x in all_units if u in (x.key, x.code))
        if keys and all((e := manifest.reports.get(k)) is not None and e.status == "ok" for k in keys):
            requests[u] = keys
        else:
            requests.pop(u, None)
    return {"key": render_key, "requests": requests} if requests else {}


def all_present(reports: Path, manifest: Manifest) -> bool:
    """Every report of ``manifest`` built and still on disk, with the index and the overview."""
    entries = [
        *manifest.reports.values(),
        *manifest.provinces.values(),
        *([manifest.overview] if manifest.overview else []),
    ]
    return (
        manifest.overview is not None
        and all(e.status == "ok" and (reports / e.path).exists() for e in entries)
        and indexes_present(reports, manifest)
    )
