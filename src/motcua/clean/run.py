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

import hashlib
import os
import pickle
import time
from collections.abc import Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import pandas as pd

from motcua import products
from motcua.clean.tidypatch import BlobAppend, TidyIndex, TidyRead, build_index, patched_entry
from motcua.clean.unitcache import (
    LOAD_ERRORS,
    BrokenEntry,
    FileEntry,
    UnitKey,
    UnitState,
    index_records,
    no_gc,
    panel_blocks,
    unit_digest,
)
from motcua.clean.units import UnitResult, clean_unit, ordered_findings
from motcua.config import load_config
from motcua.ingest.aggregate import EXTRA_COUNTS, MatchContext
from motcua.ingest.records import Record
from motcua.ingest.triage import (  # noqa: F401 - the file triage, part of this module's API
    SPREADSHEET,
    FileRead,
    TidyReader,
    max_input_bytes,
    read_raw_file,
)
from motcua.ingest.triage import count_no_period as _count_no_period  # noqa: F401
from motcua.ingest.triage import sample_manifest as _sample_manifest
from motcua.panel import COUNT_COLUMNS, PANEL_COLUMNS, PANEL_SCHEMA, conform
from motcua.quality import Quality
from motcua.rawfiles import IGNORED_NAMES, discover, is_document  # noqa: F401 - part of this module's API

__all__ = ["CleanResult", "run_clean", "discover", "PANEL_EXTRA_COLUMNS"]

#: Columns kept after the contract's: 07a-style merged counts, other outcomes, the reader used.
PANEL_EXTRA_COLUMNS = [*EXTRA_COUNTS, "source_kind"]


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


def _sha256(path: Path) -> str:
    h = hashlib.sha256()
    with path.open("rb") as fh:
        for chunk in iter(lambda: fh.read(1 << 20), b""):
            h.update(chunk)
    return h.hexdigest()


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


def _groups766(
    dossier_files: list[tuple[Path, str]], score_files: list[tuple[Path, str]], q: Quality, ctx: MatchContext
) -> tuple[pd.DataFrame, pd.DataFrame]:
    """The 766 group counts of the dossier exports (read again, their 766 columns only) and the 766 score tables."""
    from motcua.ingest.groups766 import combine, read_groups_file
    from motcua.ingest.score766 import combine_scores, read_score_table

    frames = []
    for p, d in dossier_files:
        try:
            frames.append(read_groups_file(p, d, q, ctx))
        except (OSError, UnicodeDecodeError, ValueError, KeyError) as exc:  # the panel's rows of the file stand
            q.add(
                d,
                "groups766_read",
                "warning",
                f"Không đọc được các cột nhóm 766: {type(exc).__name__}: {exc}.",
                action="checked",
            )
    groups = combine(frames)
    scores = combine_scores([read_score_table(p, d, q, ctx) for p, d in score_files])
    return groups, scores


def _published(documents: list[tuple[Path, str]], sources: list[dict[str, Any]], q: Quality) -> pd.DataFrame | None:
    """Figures stated in the prose documents (:func:`motcua.prose.read_documents`); a document that gives no
    text is reported (warning), never stops the build. Fills each document's ``facts`` in ``sources``."""
    if not documents:
        return None
    from motcua.prose.published import read_documents

    table, report = read_documents(documents)
    by_file = {s["file"]: s for s in sources if s.get("kind") == "document"}
    for display, problem, n in report:
        by_file[display]["facts"] = n
        if problem:
            q.add(
                display,
                "document_unreadable",
                "warning",
                f"Văn bản không đọc được ({problem}); không lấy được số liệu công bố nào từ tệp này.",
                action="file_skipped",
            )
    return table


def _par_index(
    files: list[tuple[Path, str, str]], sources: list[dict[str, Any]], q: Quality, ctx: MatchContext
) -> tuple[pd.DataFrame, dict[str, Any]] | None:
    """The PAR index tables among the inputs (:func:`motcua.clean.par.build_par_index`), with their counts (unit rows
    in = kept + dropped, apart from the panel's); None without any. Fills each PAR file's ``rows`` in ``sources``."""
    if not files:
        return None
    from motcua.clean.par import build_par_index

    table, counts = build_par_index(files, q, ctx)
    by_file = {s["file"]: s for s in sources if s.get("kind") == "par"}
    for _, display, _ in files:
        by_file[display]["rows"] = int(
            sum(1 for f in q.findings if f.file == display and f.action == "dropped")
            + table.loc[(table["source"] == display) & (table["kind"] == "total")].shape[0]
        )
    return table, counts


#: Panel columns held as text (pandas' string dtype).
_TEXT_COLUMNS = (
    "unit_schema",
    "unit_code",
    "unit_name",
    "unit_level",
    "province_code",
    "province_name",
    "source",
    "source_ref",
    "source_kind",
)


def _panel(records: list[Record]) -> pd.DataFrame:
    """The kept records as panel rows (one per record, in record order), built column by column."""
    kept = [r for r in records if r.status == "kept"]
    columns = PANEL_COLUMNS + PANEL_EXTRA_COLUMNS
    if not kept:
        df = pd.DataFrame([], columns=columns)
        for c in COUNT_COLUMNS + list(EXTRA_COUNTS):
            df[c] = pd.array([], dtype="Int64")
        return df.astype({c: "str" for c in _TEXT_COLUMNS})
    units = [r.unit for r in kept]
    assert all(m is not None and m.unit_code for m in units)
    text: dict[str, list[Any]] = {
        c: [getattr(m, c) for m in units]
        for c in ("unit_schema", "unit_code", "unit_name", "unit_level", "province_code", "province_name")
    }
    text["source"] = [r.file for r in kept]
    text["source_ref"] = [r.source_ref for r in kept]
    text["source_kind"] = [r.source_kind for r in kept]
    data: dict[str, Any] = {c: pd.array(v, dtype=object).astype("str") for c, v in text.items()}
    data["period_start"] = [pd.Timestamp(r.start) for r in kept]
    data["period_end"] = [pd.Timestamp(r.end) for r in kept]
    for c in COUNT_COLUMNS:
        data[c] = pd.array([r.values.get(c) for r in kept], dtype="Int64")
    for c in EXTRA_COUNTS:
        data[c] = pd.array([r.extra.get(c) for r in kept], dtype="Int64")
    return pd.DataFrame(data, columns=columns)


def _atomic_write(path: Path, write: Any) -> None:
    path.parent.mkdir(parents=True, exist_ok=True)
    tmp = path.with_name(f".{path.name}.tmp-{os.getpid()}")
    try:
        write(tmp)
        os.replace(tmp, path)
    finally:
        if tmp.exists():
            tmp.unlink()


class _FileCache:
    """What reading one raw file produced (records, findings, counts), keyed by its content.

    Grain: one entry per raw file under ``cache_dir`` (a :class:`motcua.clean.unitcache.FileEntry`,
    ``<key>.pkl``, and its records by unit, ``<key>.rec``), keyed by the file's
    bytes, its display name, whether the sample manifest lists it, the
    matching context, config/ and the package source; so a rebuild after a
    correction to one workbook re-reads that workbook alone. Beside them,
    ``units-<base>.state`` keeps the last run's results per unit
    (:class:`motcua.clean.unitcache.UnitState`). Our own files, rebuildable:
    delete the folder to re-read everything.
    """

    def __init__(self, root: Path, ctx: MatchContext) -> None:
        from motcua.config import load_config
        from motcua.files import sha256_files
        from motcua.version import source_hash

        cfg = load_config()
        self.root = root
        self.base = "\n".join(
            [source_hash(), sha256_files([p for p in cfg.root.rglob("*") if p.is_file()], root=cfg.root), repr(ctx)]
        )
        self.used: set[str] = set()

    def key(self, path: Path, display: str, sha256: str | None = None) -> str:
        """The cache key of ``path`` as ``display``; ``sha256``: the file's hash, when the caller has it already."""
        h = hashlib.sha256(self.base.encode())
        h.update(f"\n{display}\n{path.name in _sample_manifest(path)}\n".encode())
        h.update((sha256 or _sha256(path)).encode())
        return h.hexdigest()

    def get(self, key: str, use: bool = True) -> FileEntry | None:
        """The entry of ``key`` with its record blob beside it, or None (missing or unreadable); ``use``: keep
        it (else it is pruned at the end of the run unless used otherwise)."""
        if use:
            self.used.add(key)
        blob = self.root / f"{key}.rec"
        try:
            with no_gc(), open(self.root / f"{key}.pkl", "rb") as fh:
                entry = pickle.load(fh)
        except LOAD_ERRORS:
            return None
        if not isinstance(entry, FileEntry) or not blob.is_file():
            return None
        entry.key, entry.blob = key, blob
        return entry

    def put(
        self, key: str, entry: FileEntry, blob: bytes | BlobAppend, index: TidyIndex | None = None, display: str = ""
    ) -> None:
        """Keep ``entry`` and its record blob (the blob first: an entry never points at a missing blob, and one
        whose blob is gone is not used), and for a tidy CSV its index (:meth:`previous` finds it under
        ``display`` when the file next changes). ``entry`` is then read from the blob when it holds no records."""
        self.used.add(key)
        rec = self.root / f"{key}.rec"
        if isinstance(blob, BlobAppend):  # the last version's blob, moved (its entry is left blob-less) and grown
            os.replace(blob.base, rec)
            with open(rec, "ab") as fh:
                fh.write(blob.tail)
        else:
            _atomic_write(rec, lambda p: p.write_bytes(blob))
        if index is not None:
            _atomic_write(self.root / f"{key}.tidy", lambda p: p.write_bytes(pickle.dumps(index, protocol=5)))
        _atomic_write(self.root / f"{key}.pkl", lambda p: p.write_bytes(pickle.dumps(entry, protocol=5)))
        entry.key, entry.blob = key, self.root / f"{key}.rec"
        if display:
            last = self.last_path(display)
            self.used.add(last.stem)
            if index is not None:
                _atomic_write(last, lambda p: p.write_text(key, encoding="ascii"))
            else:
                last.unlink(missing_ok=True)

    def last_path(self, display: str) -> Path:
        """The file naming the key of the last version of the tidy CSV shown as ``display``."""
        h = hashlib.sha256(f"{self.base}\n{display}".encode()).hexdigest()[:24]
        return self.root / f"last-{h}.key"

    def previous(self, display: str) -> tuple[FileEntry, TidyIndex] | None:
        """The entry and index of the last version of the tidy CSV shown as ``display`` (None if none is kept)."""
        try:
            key = self.last_path(display).read_text(encoding="ascii").strip()
        except (OSError, UnicodeDecodeError):
            return None
        entry = self.get(key, use=False) if key else None
        index = TidyIndex.load(self.root / f"{key}.tidy") if entry is not None else None
        return (entry, index) if entry is not None and index is not None else None

    @staticmethod
    def drop_in(root: Path, key: str) -> None:
        """Forget one file's entry under ``root`` (its blob did not match: the file is read again)."""
        for suffix in (".pkl", ".rec", ".tidy"):
            (root / f"{key}{suffix}").unlink(missing_ok=True)

    def _state_path(self) -> Path:
        return self.root / f"units-{hashlib.sha256(self.base.encode()).hexdigest()[:24]}.state"

    def load_state(self) -> UnitState | None:
        """The last run's per-unit results (:class:`motcua.clean.unitcache.UnitState`), if any."""
        path = self._state_path()
        self.used.add(path.stem)
        return UnitState.load(path)

    def save_state(self, state: UnitState | None) -> None:
        """Keep this run's per-unit results; None: forget them (this run's are not reusable)."""
        path = self._state_path()
        self.used.add(path.stem)
        if state is None:
            path.unlink(missing_ok=True)
        else:
            state.save(path, _atomic_write)

    def _matches_path(self) -> Path:
        return self.root / f"names-{hashlib.sha256(self.base.encode()).hexdigest()[:24]}.pkl"

    def load_matches(self) -> None:
        """Remember the unit-name matches earlier runs made with the same code, config and context
        (:func:`motcua.ingest.names.remember_matches`): a changed file in a fresh process is then
        read in a fraction of a second rather than matched name by name again."""
        from motcua.ingest.names import known_matches, remember_matches

        path = self._matches_path()
        self.used.add(path.stem)
        try:
            with no_gc(), open(path, "rb") as fh:
                remember_matches(pickle.load(fh))
        except (OSError, EOFError, pickle.UnpicklingError, AttributeError, ImportError, ValueError, TypeError):
            pass
        self._matches_known = len(known_matches())

    def save_matches(self) -> None:
        """Keep this process's unit-name matches for the next run, when it made new ones."""
        from motcua.ingest.names import known_matches

        matches = known_matches()
        if len(matches) != getattr(self, "_matches_known", -1):
            _atomic_write(self._matches_path(), lambda p: p.write_bytes(pickle.dumps(matches, protocol=5)))

    def prune(self) -> None:
        """Forget the files no longer among the inputs, and results made with other code or config."""
        for pattern in ("*.pkl", "*.rec", "*.state", "*.tidy", "*.key"):
            for f in self.root.glob(pattern):
                if f.stem not in self.used:
                    f.unlink(missing_ok=True)


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
    )
    index = None
    if hook is not None and hook.text is not None and kind == "tidy":
        index = build_index(hook.text, recs, own.findings, hook.n_pre)
    return entry, blob, index


def _read_file_cached(
    path: Path, display: str, q: Quality, ctx: MatchContext, cache: _FileCache | None, sha256: str | None = None
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
    not change (see :class:`_FileCache`); the result is the same either way.
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
            _FileCache.drop_in(Path(cache_dir), exc.key)


def _run_clean(
    raw_paths: Sequence[str | Path], out_dir: str | Path | None, cache_dir: str | Path | None, t0: float
) -> CleanResult:
    if isinstance(raw_paths, (str, Path)):
        raw_paths = [raw_paths]
    q = Quality()
    ctx = _context()
    entries: list[FileEntry] = []
    sources = []
    rejected_without_record = 0
    synthetic_any = False
    cache = _FileCache(Path(cache_dir), ctx) if cache_dir is not None else None
    if cache is not None:
        cache.load_matches()
    documents: list[tuple[Path, str]] = []
    par_files: list[tuple[Path, str, str]] = []
    dossier_files: list[tuple[Path, str]] = []
    score_files: list[tuple[Path, str]] = []
    for path, display in discover(raw_paths):
        if is_document(path) and path.is_file() and path.stat().st_size <= max_input_bytes():
            # prose (press release, báo cáo): its figures are read by `motcua extract` below, not as a table
            documents.append((path, display))
            sources.append(
                {"file": display, "sha256": _sha256(path), "kind": "document", "synthetic": False, "rows": 0}
            )
            continue
        sha = _sha256(path) if path.exists() else ""
        entry = _read_file_cached(path, display, q, ctx, cache, sha)
        entries.append(entry)
        if entry.kind == "dossier":
            dossier_files.append((path, display))
        elif entry.kind == "score766":  # a 766 score table: its own product (score766.parquet), not panel rows
            score_files.append((path, display))
        rejected_without_record += entry.rejected
        synthetic_any = synthetic_any or entry.synthetic
        sources.append(
            {
                "file": display,
                "sha256": sha,
                "kind": entry.kind,
                "synthetic": entry.synthetic,
                "rows": entry.n_records + entry.rejected,
            }
        )
        if entry.kind == "par":
            par_files.append((path, display, sha))

    par_index = _par_index(par_files, sources, q, ctx)  # before the name matches are kept: its names are among them
    if cache is not None:
        cache.save_matches()
    published = _published(documents, sources, q)
    panel = _cross_record(entries, q, cache)
    groups, scores = _groups766(dossier_files, score_files, q, ctx)
    if cache is not None:
        cache.prune()
    quality = q.frame()
    kept = int(len(panel))
    rows_in = sum(e.n_records for e in entries) + rejected_without_record
    dropped = rows_in - kept
    as_of = panel["period_end"].max() if len(panel) else None
    meta: dict[str, Any] = {
        "synthetic": bool(synthetic_any),
        "sources": sources,
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
    if documents:
        meta["published"] = {"documents": len(documents), "facts": int(len(published))}
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
        out = Path(out_dir)
        out.mkdir(parents=True, exist_ok=True)
        stable = {k: v for k, v in meta.items() if k != "seconds"}
        paths = {
            "panel": products.PANEL.write(panel, out),
            "quality": products.QUALITY.write(quality, out),
            "meta": products.META.write(stable, out),
        }
        # the optional products: written when the inputs hold them, else removed (never a stale table from an
        # earlier run): published figures (prose documents), the PAR index, the 766 tables
        optional = (
            (products.PUBLISHED, published if documents else None),
            (products.PAR, par_index[0] if par_index is not None else None),
            (products.GROUPS766, groups if len(groups) else None),
            (products.SCORE766, scores if len(scores) else None),
        )
        for product, table in optional:
            if table is None:
                product.remove(out)
            else:
                paths[product.name] = product.write(table, out)
        result.out_dir = out
        result.files = paths
    return result


def _cross_record(entries: list[FileEntry], q: Quality, cache: _FileCache | None) -> pd.DataFrame:
    """The cross-record steps, unit by unit (:mod:`motcua.clean.units`); their findings are added to ``q``
    in the order of a pass over all records; returns the validated panel.

    With a cache, a unit whose input records did not change since the last run is not cleaned again:
    its findings and panel rows come from :class:`motcua.clean.unitcache.UnitState`.
    """
    files_of: dict[UnitKey, list[int]] = {}  # the files holding each unit's records, in input order
    positions: dict[UnitKey, list[int]] = {}  # each record's place in the input: file, then row
    for fi, e in enumerate(entries):
        for key, part in e.units.items():
            files_of.setdefault(key, []).append(fi)
            positions.setdefault(key, []).extend((fi << 32) | p for p in part[1])
    # a kept record without a unit code: the panel cannot hold it (as _panel asserts on the whole-run path)
    assert not any(e.loose_kept for e in entries), "kept record without a unit code"
    state = cache.load_state() if cache is not None else None
    results: dict[UnitKey, UnitResult] = {}
    finals: dict[UnitKey, list[Record]] = {}  # the units cleaned in this run: their records, as cleaned

    def clean(keys: list[UnitKey]) -> None:
        """Clean these units again from their records (read from each file once)."""
        wanted: dict[int, list[UnitKey]] = {}
        for k in keys:
            for fi in files_of[k]:
                wanted.setdefault(fi, []).append(k)
        got = {fi: entries[fi].unit_records(ks) for fi, ks in wanted.items()}
        for k in keys:
            recs = [r for fi in files_of[k] for r in got[fi][k]]
            res = clean_unit(recs)
            res.digest = digests[k]
            results[k], finals[k] = res, recs

    digests: dict[UnitKey, str] = {}
    stale: list[UnitKey] = []
    for key, fis in files_of.items():
        digests[key] = unit_digest(cache.base, (entries[fi].units[key][0] for fi in fis)) if cache is not None else ""
        old = state.units.get(key) if state is not None else None
        if old is not None and old.digest == digests[key] and old.n_records == len(positions[key]):
            results[key] = old
        else:
            stale.append(key)
    clean(stale)
    q.findings.extend(ordered_findings([(results[k], positions[k]) for k in files_of]))

    def kept_in_input_order(keys: list[UnitKey]) -> list[Record]:
        got = [(positions[k][i], finals[k][i]) for k in keys for i in results[k].kept]
        got.sort(key=lambda t: t[0])
        return [r for _, r in got]

    panel: pd.DataFrame | None = None
    reused = [k for k in files_of if k not in finals]
    if state is not None and reused:
        if not finals and len(state.units) == len(files_of):
            panel = state.panel.copy()
        else:
            import numpy as np

            spans = sorted(state.blocks[k] for k in reused if results[k].kept)
            take = np.concatenate([np.arange(a, b) for a, b in spans]) if spans else np.arange(0)
            try:
                panel = _with_units(state.panel.take(take), _panel(kept_in_input_order(list(finals))))
            except Exception:  # noqa: BLE001 - a row the schema rejects: the whole-run path below reports it
                panel = None
    if panel is None:
        clean(reused)  # every unit is needed as cleaned, in input order
        records = kept_in_input_order(list(files_of))
        before = len(q.findings)
        panel = _validated(_panel(records), records, q)
        if len(q.findings) != before:  # rows dropped by the schema: not a per-unit result, keep no state
            if cache is not None:
                cache.save_state(None)
            return panel
    if cache is not None and (finals or state is None or len(state.units) != len(results)):
        blocks = panel_blocks(panel)
        ok = set(blocks) == {k for k, r in results.items() if r.kept} and all(
            blocks[k][1] - blocks[k][0] == len(r.kept) for k, r in results.items() if r.kept
        )
        cache.save_state(UnitState(results, panel, blocks) if ok else None)
    return panel


def _with_units(conformed: pd.DataFrame, rows: pd.DataFrame) -> pd.DataFrame:
    """``conform(concat([conformed, rows]))`` without validating ``conformed`` again: a conformed panel (its
    rows in order, valid) and the panel rows of other units (their own rows; all of a unit's rows are in one
    of the two). The schema's checks look at one row, or at rows of one unit (unique unit and period), so
    the rows of ``conformed`` pass them again, and a stable sort of the two puts every row where
    :func:`motcua.panel.conform` of the whole would."""
    if not len(rows):
        return conformed.reset_index(drop=True)
    new = conform(rows)
    both = pd.concat([conformed, new], ignore_index=True)
    both = both.sort_values(["unit_schema", "unit_code", "period_start", "period_end"], kind="stable")
    return both.reset_index(drop=True)


def _reference_version() -> str:
    try:
        from motcua.ingest.names import reference_meta

        m = reference_meta()
        return f"{m['source_package']} {m['source_version']}"
    except Exception:  # noqa: BLE001
        return ""


def _validated(panel: pd.DataFrame, records: list[Record], q: Quality) -> pd.DataFrame:
    """conform(); rows the schema rejects are dropped and reported (should not happen)."""
    import pandera.errors as pe

    try:
        return conform(panel)
    except (pe.SchemaError, pe.SchemaErrors):
        pass
    try:
        PANEL_SCHEMA.validate(panel, lazy=True)
    except pe.SchemaErrors as exc:
        bad = set(int(i) for i in exc.failure_cases["index"].dropna() if isinstance(i, (int, float)))
        kept_records = [r for r in records if r.status == "kept"]
        for i in sorted(bad):
            r = kept_records[i]
            r.status = "dropped"
            q.add(
                r.file,
                "schema_violation",
                "error",
                "Dòng vi phạm lược đồ bảng dữ liệu; loại dòng.",
                sheet=r.sheet,
                row=r.row,
                unit=r.code,
                match=r.unit,
                period=r.label(),
                action="dropped",
            )
        panel = panel.drop(index=list(bad)).reset_index(drop=True)
    return conform(panel)
