"""The clean stage: raw exports → the validated panel, quality findings and metadata.

``run_clean(raw_paths, out_dir)`` reads every file under the given files or
folders (hidden files and README.md skipped):

- .xlsx/.xlsm/.xls aggregate forms (config/layouts/form*.yaml), or dossier
  lists in a workbook (config/layouts/dossier.yaml);
- .csv dossier lists or tidy panels (the panel's own columns);
- prose documents (.html, .htm, .docx, .pdf, and a .txt that is not a delimited table:
  :func:`motcua.rawfiles.is_document`): not part of the panel; the figures they state are read by
  ``motcua extract`` into ``out_dir/published.csv`` (published figures with provenance, shown beside
  the panel in the province overview; removed when the inputs hold no document);
- PAR index tables (Chỉ số cải cách hành chính, a workbook whose title or header a set of
  config/layouts/par_*.yaml fits): not part of the panel; read, checked and matched into
  ``out_dir/par_index.parquet`` (:mod:`motcua.clean.par`; removed when the inputs hold none);

then matches unit names to official codes, differences cumulative rows,
resolves overlapping periods, checks identities and continuity, and writes
``out_dir/panel.parquet``, ``out_dir/quality.csv`` and
``out_dir/clean_meta.json`` (each atomically: a temporary file, then
``os.replace``). A file that cannot be read is reported and skipped; the
others still build. What a file holds is sniffed from its bytes, not its
extension (a CSV named .xlsx, a workbook named .csv, an HTML page named .xls
are read for what they are, with a warning); Excel lock files ("~$…"), empty,
password-protected and oversized files (config/ingest.yaml ``max_input_mb``; dossier CSV exports,
streamed by DuckDB, are exempt)
are reported and skipped before parsing; hidden sheets are reported and not
read. The bad-input corpus in tests/data/bad/ covers each case.

The cross-record steps run unit by unit (:mod:`motcua.clean.units`): with a
``cache_dir``, a rebuild reads again only the files that changed (of a changed
tidy CSV, only the rows that changed: :mod:`motcua.clean.tidypatch`) and cleans
again only the units whose records changed (:mod:`motcua.clean.unitcache`);
its outputs are the bytes of a run from scratch.

Counting holds: rows_in = rows_kept + rows_dropped, where a row is a unit
row of a form, a tidy row, or one unit-period group of a dossier list; every
dropped row has exactly one quality finding with action "dropped".
"""

from __future__ import annotations

import time
from collections.abc import Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import pandas as pd

from motcua import products
from motcua.clean.beside_panel import groups766_tables as _groups766
from motcua.clean.beside_panel import par_index_table as _par_index
from motcua.clean.beside_panel import published_table as _published
from motcua.clean.cross_record import cross_record
from motcua.clean.filecache import FileCache
from motcua.clean.filecache import atomic_write as _atomic_write  # noqa: F401 - kept importable from here
from motcua.clean.filecache import file_sha256 as _sha256
from motcua.clean.panel_rows import PANEL_EXTRA_COLUMNS
from motcua.clean.panel_rows import panel_rows as _panel  # noqa: F401 - kept importable from here
from motcua.clean.panel_rows import validated as _validated  # noqa: F401
from motcua.clean.panel_rows import with_units as _with_units  # noqa: F401
from motcua.clean.repeats import file_prints
from motcua.clean.tidypatch import TidyIndex, TidyRead, build_index, patched_entry
from motcua.clean.unitcache import BrokenEntry, FileEntry, index_records
from motcua.clean.units import clean_unit
from motcua.config import load_config
from motcua.ingest.aggregate import MatchContext
from motcua.ingest.triage import (  # noqa: F401 - the file triage, part of this module's API
    SPREADSHEET,
    FileRead,
    TidyReader,
    max_input_bytes,
    read_raw_file,
)
from motcua.ingest.triage import count_no_period as _count_no_period  # noqa: F401
from motcua.ingest.triage import sample_manifest as _sample_manifest  # noqa: F401
from motcua.quality import Quality
from motcua.rawfiles import IGNORED_NAMES, discover, is_document  # noqa: F401 - part of this module's API

#: The per-file cache under its old name.
_FileCache = FileCache

__all__ = ["CleanResult", "run_clean", "discover", "PANEL_EXTRA_COLUMNS"]


@dataclass
class CleanResult:
    """What the clean stage produced. ``panel`` conforms to :func:`motcua.panel.conform`."""

    panel: pd.DataFrame
    quality: pd.DataFrame
    meta: dict[str, Any]
    out_dir: Path | None = None
    files: dict[str, Path] = field(default_factory=dict)
    #: The 766 group counts of the dossier exports (:mod:`motcua.ingest.groups766`), one row per unit and month;
    #: written to ``out_dir/groups766.parquet`` when there are any.
    groups766: pd.DataFrame | None = None
    #: 766 score tables among the inputs (:mod:`motcua.ingest.score766`), one row per unit, month and group.
    score766: pd.DataFrame | None = None
    #: Figures stated in the prose documents among the inputs (:data:`motcua.prose.published.PUBLISHED_COLUMNS`),
    #: None when there were none; written to ``out_dir/published.csv``.
    published: pd.DataFrame | None = None
    #: The PAR index tables among the inputs (:data:`motcua.clean.par.PAR_COLUMNS`), None when there were none;
    #: written to ``out_dir/par_index.parquet``.
    par_index: pd.DataFrame | None = None

    @property
    def rows_in(self) -> int:
        return int(self.meta["rows"]["in"])

    @property
    def rows_kept(self) -> int:
        return int(self.meta["rows"]["kept"])

    @property
    def rows_dropped(self) -> int:
        return int(self.meta["rows"]["dropped"])


def _context() -> MatchContext:
    prov = load_config().province
    return MatchContext(
        schema=str(prov.get("unit_schema", "legacy")),
        level=prov.get("unit_level") or None,
        province_code=str(prov["province_code"]).zfill(2) if prov.get("province_code") else None,
    )


def _read_file(path: Path, display: str, q: Quality, ctx: MatchContext, tidy: TidyReader | None = None) -> FileRead:
    """:func:`motcua.ingest.triage.read_raw_file` under this module's :func:`max_input_bytes`."""
    return read_raw_file(path, display, q, ctx, tidy, max_bytes=max_input_bytes)


def _entry(
    path: Path,
    display: str,
    ctx: MatchContext,
    with_blob: bool,
    previous: tuple[FileEntry, TidyIndex] | None = None,
) -> tuple[FileEntry, bytes, TidyIndex | None]:
    """Read one file (:func:`_read_file`) into a :class:`FileEntry` holding its records, with its record blob
    and, for a tidy CSV read for the cache, its :class:`motcua.clean.tidypatch.TidyIndex`. ``previous``: the
    last version of this tidy file (entry and index): only the rows that changed are read again, and the
    entry's records stay in its blob."""
    own = Quality()
    hook = TidyRead(previous) if with_blob else None
    recs, kind, synthetic, rejected = _read_file(path, display, own, ctx, hook)
    if hook is not None and hook.patch is not None:
        assert previous is not None
        got = patched_entry(previous[0], previous[1], hook.patch, own.findings[: hook.n_pre], synthetic)
        if got is not None:
            return got
        own, hook = Quality(), TidyRead()
        recs, kind, synthetic, rejected = _read_file(path, display, own, ctx, hook)
    units, loose_kept, blob = index_records(recs, with_blob)
    entry = FileEntry(
        kind,
        synthetic,
        rejected,
        own.findings,
        dict(getattr(own, "dossier_stats", {})),
        len(recs),
        loose_kept,
        units,
        records=recs,
        prints=file_prints(recs),
    )
    index = None
    if hook is not None and hook.text is not None and kind == "tidy":
        index = build_index(hook.text, recs, own.findings, hook.n_pre)
    return entry, blob, index


def _read_file_cached(
    path: Path, display: str, q: Quality, ctx: MatchContext, cache: FileCache | None, sha256: str | None = None
) -> FileEntry:
    """:func:`_read_file` through the per-file cache, as a :class:`FileEntry`; findings and dossier
    counts land in ``q`` either way. ``sha256``: the file's hash, when the caller has it already."""
    if cache is None or not path.exists():
        entry, _, _ = _entry(path, display, ctx, with_blob=False)
    else:
        key = cache.key(path, display, sha256)
        got = cache.get(key)
        if got is None:
            entry, blob, index = _entry(path, display, ctx, with_blob=True, previous=cache.previous(display))
            cache.put(key, entry, blob, index, display)
        else:
            entry = got
            cache.used.add(cache.last_path(display).stem)  # the pointer to this version stays
    q.findings.extend(entry.findings)
    if entry.stats:
        total = getattr(q, "dossier_stats", {"read": 0, "used": 0, "rejected": 0})
        q.dossier_stats = {k: total.get(k, 0) + entry.stats.get(k, 0) for k in ("read", "used", "rejected")}  # type: ignore[attr-defined]
    return entry


def run_clean(
    raw_paths: Sequence[str | Path], out_dir: str | Path | None = None, cache_dir: str | Path | None = None
) -> CleanResult:
    """Clean every raw file under ``raw_paths``; write the outputs into ``out_dir`` (None: write nothing).

    Returns a :class:`CleanResult` with the panel (one row per unit and
    period), the quality findings and the metadata written to
    clean_meta.json. ``cache_dir``: reuse what unchanged raw files gave last
    time, and what the cross-record steps made of each unit whose records did
    not change (see :class:`motcua.clean.filecache.FileCache`); the result is the same either way.
    """
    t0 = time.perf_counter()
    dropped: set[str] = set()
    while True:
        try:
            return _run_clean(raw_paths, out_dir, cache_dir, t0)
        except BrokenEntry as exc:  # a record blob that does not match its entry: read that file again
            assert cache_dir is not None
            if exc.key in dropped:  # written afresh and broken again: the folder itself is at fault
                raise RuntimeError(
                    f"clean cache {cache_dir}: entry {exc.key} is damaged again after the file was "
                    "read afresh; delete the folder (it is rebuilt) and check the disk"
                ) from exc
            dropped.add(exc.key)
            FileCache.drop_in(Path(cache_dir), exc.key)


@dataclass
class _Inputs:
    """The input files as read, in display-name order: one :class:`FileEntry` per table file, one ``sources``
    row per file (documents too; clean_meta.json's ``sources``), and the files read again beside the panel."""

    entries: list[FileEntry] = field(default_factory=list)
    sources: list[dict[str, Any]] = field(default_factory=list)
    #: Rows rejected before they became records (no period read); counted in rows_in.
    rejected_without_record: int = 0
    synthetic_any: bool = False
    documents: list[tuple[Path, str]] = field(default_factory=list)
    par_files: list[tuple[Path, str, str]] = field(default_factory=list)
    dossier_files: list[tuple[Path, str]] = field(default_factory=list)
    score_files: list[tuple[Path, str]] = field(default_factory=list)


def _read_inputs(raw_paths: Sequence[str | Path], q: Quality, ctx: MatchContext, cache: FileCache | None) -> _Inputs:
    """Read every input file (through the cache when there is one); a prose document is only listed (its
    figures are read by :func:`motcua.clean.beside_panel.published_table`)."""
    got = _Inputs()
    for path, display in discover(raw_paths):
        if is_document(path) and path.is_file() and path.stat().st_size <= max_input_bytes():
            # prose (press release, báo cáo): its figures are read by `motcua extract` below, not as a table
            got.documents.append((path, display))
            got.sources.append(
                {"file": display, "sha256": _sha256(path), "kind": "document", "synthetic": False, "rows": 0}
            )
            continue
        sha = _sha256(path) if path.exists() else ""
        entry = _read_file_cached(path, display, q, ctx, cache, sha)
        got.entries.append(entry)
        if entry.kind == "dossier":
            got.dossier_files.append((path, display))
        elif entry.kind == "score766":  # a 766 score table: its own product (score766.parquet), not panel rows
            got.score_files.append((path, display))
        got.rejected_without_record += entry.rejected
        got.synthetic_any = got.synthetic_any or entry.synthetic
        got.sources.append(
            {
                "file": display,
                "sha256": sha,
                "kind": entry.kind,
                "synthetic": entry.synthetic,
                "rows": entry.n_records + entry.rejected,
            }
        )
        if entry.kind == "par":
            got.par_files.append((path, display, sha))
    return got


def _run_clean(
    raw_paths: Sequence[str | Path], out_dir: str | Path | None, cache_dir: str | Path | None, t0: float
) -> CleanResult:
    if isinstance(raw_paths, (str, Path)):
        raw_paths = [raw_paths]
    q = Quality()
    ctx = _context()
    cache = FileCache(Path(cache_dir), ctx) if cache_dir is not None else None
    if cache is not None:
        cache.load_matches()
    inputs = _read_inputs(raw_paths, q, ctx, cache)
    par_index = _par_index(inputs.par_files, inputs.sources, q, ctx)
    published = _published(inputs.documents, inputs.sources, q)
    panel = cross_record(inputs.entries, q, cache, clean_unit)
    groups, scores = _groups766(inputs.dossier_files, inputs.score_files, q, ctx)
    if cache is not None:
        cache.save_matches()  # after every stage that matches names (the PAR tables, the 766 tables)
        cache.prune()
    quality = q.frame()
    meta = _meta(inputs, panel, quality, q, t0)
    if inputs.documents:
        meta["published"] = {"documents": len(inputs.documents), "facts": int(len(published))}
    if par_index is not None:
        meta["par"] = par_index[1]
    if len(groups) or len(scores):
        meta["groups766"] = {"rows": int(len(groups)), "score_rows": int(len(scores))}
    result = CleanResult(
        panel,
        quality,
        meta,
        published=published,
        par_index=par_index[0] if par_index is not None else None,
        groups766=groups,
        score766=scores,
    )
    if out_dir is not None:
        _write_outputs(result, Path(out_dir), bool(inputs.documents))
    return result


def _meta(inputs: _Inputs, panel: pd.DataFrame, quality: pd.DataFrame, q: Quality, t0: float) -> dict[str, Any]:
    """clean_meta.json without the tables beside the panel: the sources, the row counts (rows_in = kept +
    dropped), the findings by severity, the units and periods, the dossier counts and the run's seconds."""
    kept = int(len(panel))
    rows_in = sum(e.n_records for e in inputs.entries) + inputs.rejected_without_record
    dropped = rows_in - kept
    as_of = panel["period_end"].max() if len(panel) else None
    return {
        "synthetic": bool(inputs.synthetic_any),
        "sources": inputs.sources,
        "as_of": as_of.date().isoformat() if as_of is not None and not pd.isna(as_of) else None,
        "rows": {"in": rows_in, "kept": kept, "dropped": dropped},
        "findings": {s: int((quality["severity"] == s).sum()) for s in ("error", "warning", "info")},
        "units": int(panel["unit_code"].nunique()) if len(panel) else 0,
        "periods": {
            "first": panel["period_start"].min().date().isoformat() if len(panel) else None,
            "last": as_of.date().isoformat() if as_of is not None and not pd.isna(as_of) else None,
        },
        "dossiers": dict(getattr(q, "dossier_stats", {"read": 0, "used": 0, "rejected": 0})),
        "reference": _reference_version(),
        "seconds": round(time.perf_counter() - t0, 3),
    }


def _write_outputs(result: CleanResult, out: Path, with_documents: bool) -> None:
    """Write the panel, quality.csv and clean_meta.json (without its ``seconds``, so equal inputs give equal
    bytes) into ``out``, and the optional products: each written when the inputs hold it, else removed (never
    a stale table from an earlier run). Fills ``result.out_dir`` and ``result.files``."""
    out.mkdir(parents=True, exist_ok=True)
    stable = {k: v for k, v in result.meta.items() if k != "seconds"}
    paths = {
        "panel": products.PANEL.write(result.panel, out),
        "quality": products.QUALITY.write(result.quality, out),
        "meta": products.META.write(stable, out),
    }
    # published figures (prose documents), the PAR index, the 766 tables
    groups, scores = result.groups766, result.score766
    optional = (
        (products.PUBLISHED, result.published if with_documents else None),
        (products.PAR, result.par_index),
        (products.GROUPS766, groups if groups is not None and len(groups) else None),
        (products.SCORE766, scores if scores is not None and len(scores) else None),
    )
    for product, table in optional:
        if table is None:
            product.remove(out)
        else:
            paths[product.name] = product.write(table, out)
    result.out_dir = out
    result.files = paths


def _reference_version() -> str:
    try:
        from motcua.ingest.names import reference_meta

        m = reference_meta()
        return f"{m['source_package']} {m['source_version']}"
    except Exception:  # noqa: BLE001
        return ""
