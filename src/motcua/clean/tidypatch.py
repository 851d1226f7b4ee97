"""A changed tidy CSV read again only where it changed, into the clean cache's entry of the new version.

A tidy CSV (:mod:`motcua.ingest.tidy`) is read row by row: each non-blank CSV record gives one
:class:`motcua.ingest.records.Record` and findings naming its line, from that row, the header and the
configuration alone (:func:`motcua.ingest.tidy.read_tidy_rows`). So when a file the cache knows under
the same display name changes in some rows only, the new version's entry is the old one with those rows
read again: the rows are found by comparing the two texts line by line; their records replace the old
ones in the units they left and joined; every other unit's pickled records are copied from the old
record blob as bytes, never unpickled. The entry, its blob and its findings are those a full read of the
new version gives (tested byte for byte through the stage's outputs).

A full read is made instead whenever the shortcut cannot be sure: another encoding, delimiter, header
or number of lines; a record whose lines changed extent (a quoted line break moved); a row that became
blank or stopped being blank; a lone carriage return as line break; old findings not in row order.

Grain of :class:`TidyIndex`: one tidy file version (one cache key), kept beside its entry as
``<key>.tidy``.
"""

from __future__ import annotations

import csv
import heapq
import pickle
from bisect import bisect_left, bisect_right
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING

from motcua.clean.unitcache import BrokenEntry, FileEntry, UnitKey, UnitPart, blob_digest, content_digest
from motcua.ingest.records import Record
from motcua.ingest.tidy import TidyText, is_blank, read_tidy_csv, read_tidy_rows, split_records
from motcua.quality import Finding, Quality

if TYPE_CHECKING:
    from motcua.ingest.unit_match import MatchContext

__all__ = ["BlobAppend", "Patch", "TidyIndex", "TidyRead", "build_index", "patched_entry"]


@dataclass
class TidyIndex:
    """A tidy file version as the cache keeps it: its text and records' lines (:class:`TidyText`), the
    line of each Record (record i comes from line ``lines[i]``), and where its entry's findings split:
    ``[:n_pre]`` from the checks before the CSV is parsed, ``[n_pre:n_head]`` about the header, the rest
    about rows, in row order."""

    text: TidyText
    lines: list[int]
    n_pre: int
    n_head: int

    @staticmethod
    def load(path: Path) -> TidyIndex | None:
        try:
            with open(path, "rb") as fh:
                got = pickle.load(fh)
        except (OSError, EOFError, pickle.UnpicklingError, AttributeError, ImportError, ValueError, TypeError):
            return None
        return got if isinstance(got, TidyIndex) else None


@dataclass
class Patch:
    """The rows of a new version read again: record position → its new Record, the lines read again,
    their findings (in row order) and the new text."""

    records: dict[int, Record]
    lines: set[int]
    findings: list[Finding]
    text: TidyText


def _bare_cr(text: str) -> bool:
    return "\r" in text and text.count("\r") != text.count("\r\n")


def build_index(text: TidyText, records: list[Record], findings: list[Finding], n_pre: int) -> TidyIndex | None:
    """The index of a version just read whole; None when its shape does not allow a partial read later."""
    if _bare_cr(text.text):
        return None
    lines = [r.row for r in records]
    if any(not isinstance(x, int) for x in lines) or any(b <= a for a, b in zip(lines, lines[1:])):
        return None
    n_head = n_pre
    while n_head < len(findings) and findings[n_head].row is None:
        n_head += 1
    rows = [f.row for f in findings[n_head:]]
    known = set(lines)
    if any(r is None or r not in known for r in rows) or any(b < a for a, b in zip(rows, rows[1:])):  # type: ignore[operator]
        return None
    return TidyIndex(text, lines, n_pre, n_head)


def _reread(old: TidyIndex, new_text: str, enc: str, display: str, ctx: MatchContext, order: tuple) -> Patch | None:
    """The rows of ``new_text`` that differ from ``old``'s, read again; None when a full read is needed."""
    t = old.text
    if enc != t.encoding or _bare_cr(new_text):
        return None
    a, b = t.text.split("\n"), new_text.split("\n")
    if len(a) != len(b):
        return None
    changed = [i + 1 for i, (x, y) in enumerate(zip(a, b)) if x != y]
    if changed and changed[0] <= t.header_end:
        return None
    ends = t.ends
    windows: list[tuple[int, int]] = []  # the records holding a changed line, as (first line, last line)
    for line in changed:
        j = bisect_left(ends, line)
        if j == len(ends):
            return None
        start, end = (ends[j - 1] if j else t.header_end) + 1, ends[j]
        if windows and start <= windows[-1][1]:
            windows[-1] = (windows[-1][0], max(end, windows[-1][1]))
        else:
            windows.append((start, end))
    known = set(old.lines)
    rows: list[tuple[int, list[str]]] = []
    for start, end in windows:
        # with the line after the window: a record left open by an unclosed quote would take it in
        try:
            got = split_records("\n".join(b[start - 1 : end + 1]), t.delimiter, start)
        except csv.Error:
            return None
        got = [(line, cells) for line, cells in got if line <= end]
        if [line for line, _ in got] != ends[bisect_left(ends, start) : bisect_right(ends, end)]:
            return None
        for line, cells in got:
            if is_blank(cells) == (line in known):
                return None
            if line in known:
                rows.append((line, cells))
    q = Quality()
    recs = read_tidy_rows(t.header, rows, t.delimiter, display, q, ctx, order, file_findings=False)
    if len(recs) != len(rows) or any(r.row != line for r, (line, _) in zip(recs, rows)):
        return None
    done = {line for line, _ in rows}
    if any(f.row not in done for f in q.findings):
        return None
    position = {line: i for i, line in enumerate(old.lines) if line in done}
    text = TidyText(new_text, enc, t.delimiter, t.header, t.header_end, t.ends)
    return Patch({position[r.row]: r for r in recs}, done, q.findings, text)  # type: ignore[index]


@dataclass
class BlobAppend:
    """A record blob made from the last version's (``base``, moved) with ``tail`` appended."""

    base: Path
    tail: bytes


@dataclass
class TidyRead:
    """One tidy CSV read for the cache (:func:`motcua.clean.run._read_file`'s hook): ``previous``, the last
    version's entry and index under the same display name, lets it read only the changed rows (``patch``);
    otherwise it reads the file whole and keeps its text (``text``) for the index."""

    previous: tuple[FileEntry, TidyIndex] | None = None
    text: TidyText | None = None
    patch: Patch | None = None
    n_pre: int = 0

    def read(self, path: Path, display: str, q: Quality, ctx: MatchContext, order: tuple) -> list[Record]:
        from motcua.ingest.grid import read_text

        self.n_pre = len(q.findings)
        if self.previous is not None:
            new_text, enc = read_text(path)
            self.patch = _reread(self.previous[1], new_text, enc, display, ctx, order)
            if self.patch is not None:
                return []
        out: list[TidyText] = []
        recs = read_tidy_csv(path, display, q, ctx, order, out)
        self.text = out[0]
        return recs


def patched_entry(
    old: FileEntry, index: TidyIndex, patch: Patch, pre: list[Finding], synthetic: bool
) -> tuple[FileEntry, bytes | BlobAppend, TidyIndex] | None:
    """The entry of the new version (records in its blob, none in memory), its blob and index, from the
    old version's and the rows read again; ``pre``: this read's findings before the CSV was parsed.
    None when the old entry is not one this can patch. Raises BrokenEntry when the old blob is damaged.

    The blob is the old one with the changed units' records appended (:class:`BlobAppend`), or, once it
    would hold more than half stale bytes, the live units' bytes copied into a new one."""
    if old.kind != "tidy" or old.rejected or old.loose_kept or old.blob is None or old.n_records != len(index.lines):
        return None
    key_of: dict[int, UnitKey] = {}
    for k, part in old.units.items():
        for p in part[1]:
            key_of[p] = k
    affected: set[UnitKey] = set()
    for p, r in patch.records.items():
        if p in key_of:
            affected.add(key_of[p])
        if r.code:
            affected.add(r.key)
        elif r.status == "kept":
            return None
    old_recs = old.unit_records([k for k in affected if k in old.units])
    at: dict[int, Record] = {}
    for k, recs in old_recs.items():
        at.update(zip(old.units[k][1], recs))
    members: dict[UnitKey, list[int]] = {
        k: [p for p in old.units[k][1] if p not in patch.records] if k in old.units else [] for k in affected
    }
    for p, r in patch.records.items():
        if r.code:
            members[r.key].append(p)
    first = {k: part[1][0] for k, part in old.units.items() if k not in affected}
    first.update({k: min(ps) for k, ps in members.items() if ps})
    order = sorted(first, key=first.__getitem__)
    fresh: dict[UnitKey, tuple[bytes, UnitPart]] = {}
    for k in order:
        if k in affected:
            pos = sorted(members[k])
            recs = [patch.records[p] if p in patch.records else at[p] for p in pos]
            data = pickle.dumps(recs, protocol=5)
            fresh[k] = (data, (content_digest(recs), tuple(pos), 0, len(data), blob_digest(data)))
    try:
        size = old.blob.stat().st_size
    except OSError as exc:
        raise BrokenEntry(old.key) from exc
    kept = [old.units[k] for k in order if k not in fresh]
    live = sum(part[3] for part in kept) + sum(len(d) for d, _ in fresh.values())
    units: dict[UnitKey, UnitPart] = {}
    chunks: list[bytes] = []
    if all(part[2] + part[3] <= size for part in kept) and size - live <= live:
        offset = size  # append: the unchanged units stay where they are
        for k in order:
            if k in fresh:
                data, (digest, pos_t, _, n, check) = fresh[k]
                units[k] = (digest, pos_t, offset, n, check)
                chunks.append(data)
                offset += n
            else:
                units[k] = old.units[k]
        blob: bytes | BlobAppend = BlobAppend(old.blob, b"".join(chunks))
    else:
        with open(old.blob, "rb") as fh:
            whole = fh.read()
        offset = 0
        for k in order:
            if k in fresh:
                data, (digest, pos_t, _, n, check) = fresh[k]
            else:
                digest, pos_t, o, n, check = old.units[k]
                data = whole[o : o + n]
                if len(data) != n:
                    raise BrokenEntry(old.key)
            units[k] = (digest, pos_t, offset, n, check)
            chunks.append(data)
            offset += n
        blob = b"".join(chunks)
    head = old.findings[index.n_pre : index.n_head]
    kept_rows = (f for f in old.findings[index.n_head :] if f.row not in patch.lines)
    rows = list(heapq.merge(kept_rows, patch.findings, key=lambda f: f.row))  # type: ignore[arg-type, return-value]
    findings = [*pre, *head, *rows]
    entry = FileEntry("tidy", synthetic, 0, findings, {}, old.n_records, 0, units)
    new_index = TidyIndex(patch.text, index.lines, len(pre), len(pre) + len(head))
    return entry, blob, new_index
