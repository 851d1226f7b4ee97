"""The cross-record steps of the clean stage, unit by unit: the records of every file regrouped by unit,
each unit cleaned (:func:`motcua.clean.units.clean_unit`), the kept records made the validated panel.

Grain: the panel (one row per unit and period, in the order :func:`motcua.panel.conform` gives); the findings
land in the quality table in the order of one pass over all records, whether a unit was cleaned in this
run or its result came from the cache.
"""

from __future__ import annotations

from collections.abc import Callable

import pandas as pd

from motcua.clean.filecache import FileCache
from motcua.clean.panel_rows import panel_rows as _panel
from motcua.clean.panel_rows import validated as _validated
from motcua.clean.panel_rows import with_units as _with_units
from motcua.clean.repeats import find_repeats
from motcua.clean.unitcache import FileEntry, UnitKey, UnitState, panel_blocks, unit_digest
from motcua.clean.units import UnitResult, ordered_findings
from motcua.ingest.records import Record
from motcua.quality import Quality


def cross_record(
    entries: list[FileEntry],
    q: Quality,
    cache: FileCache | None,
    clean_unit: Callable[[list[Record]], UnitResult],
) -> pd.DataFrame:
    """The cross-record steps, unit by unit (:mod:`motcua.clean.units`); their findings are added to ``q``
    in the order of a pass over all records; returns the validated panel. ``clean_unit``: cleans one unit's
    records (:func:`motcua.clean.units.clean_unit`).

    With a cache, a unit whose input records did not change since the last run is not cleaned again:
    its findings and panel rows come from :class:`motcua.clean.unitcache.UnitState`.
    """
    repeats = find_repeats([e.prints for e in entries])  # periods that copy the one before: their rows dropped
    q.findings.extend(repeats.findings)
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
        for fi, ks in wanted.items():
            drop = repeats.drops.get(fi)
            for k in ks if drop else ():
                for pos, r in zip(entries[fi].units[k][1], got[fi][k]):
                    if pos in drop:
                        r.status = "dropped"
        for k in keys:
            recs = [r for fi in files_of[k] for r in got[fi][k]]
            res = clean_unit(recs)
            res.digest = digests[k]
            results[k], finals[k] = res, recs

    digests: dict[UnitKey, str] = {}
    stale: list[UnitKey] = []
    for key, fis in files_of.items():
        if cache is not None:
            parts = [entries[fi].units[key][0] for fi in fis]
            for fi in fis:  # the rows a repeated period drops are part of what the unit's result depends on
                drop = repeats.drops.get(fi)
                if drop:
                    parts.append(repr((fi, [p for p in entries[fi].units[key][1] if p in drop])).encode())
            digests[key] = unit_digest(cache.base, parts)
        else:
            digests[key] = ""
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
