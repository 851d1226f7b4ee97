"""Hashes of the render stage's input tables — whole and per unit — from their files, kept by the files' sha256.

Planning a rebuild (:func:`motcua.pipeline.stages.render_stage`) needs, for each
of panel, trends, trend_summary, comparison, quality.csv, continuity, par_index (the PAR index tables) and the 766
tables, the hash of the
whole table and of each unit's rows (:class:`TableHashes`). They are computed
from the files with :mod:`motcua.row_digest` (arrow, no pandas conversion) and
kept in ``input_hashes.json`` of the DATA folder's interim cache, keyed by each
file's sha256: a file the last build already hashed is not even read. Same
bytes, same hashes, so a report is rebuilt exactly when its rows change. The
cache is an optimisation only: an unreadable or unwritable file means "hash again".
"""

from __future__ import annotations

import json
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING, Any

import pandas as pd
import pyarrow as pa

from motcua import locations as loc
from motcua import products
from motcua.row_digest import SCHEME, as_table, row_digests

if TYPE_CHECKING:
    from threading import Thread

#: Tables hashed per unit, and their files.
TABLES = {p.name: p.file for p in products.hashed()}
CACHE_FORMAT = f"motcua-input-hashes-3/{SCHEME}"  # 2: slices keyed by schema and code; 3: unhashed columns left out
EMPTY = "empty"


@dataclass(frozen=True)
class TableHashes:
    """The hash of a whole table and of each unit's rows in it, keyed by the unit's key ``"<schema>:<code>"``
    (:func:`motcua.report.eras.unit_key`) where the table has ``unit_schema``, else by its code (or quality.csv's
    ``unit``) as text."""

    whole: str
    slices: dict[str, str]


def key_column(columns: list[str]) -> str:
    """The column that names a row's unit: ``unit_code``, else quality.csv's ``unit``."""
    return "unit_code" if "unit_code" in columns or "unit" not in columns else "unit"


def table_hashes(table: pd.DataFrame | pa.Table | None, unhashed: tuple[str, ...] = ()) -> TableHashes:
    """:class:`TableHashes` of a table (pandas or arrow); ``empty`` for none or one without columns. ``unhashed``:
    columns left out (:attr:`motcua.products.Product.unhashed`)."""
    if table is None:
        return TableHashes(EMPTY, {})
    t = as_table(table)
    if t.num_columns == 0:
        return TableHashes(EMPTY, {})
    t = t.drop_columns([c for c in t.column_names if c.startswith("__index_level_") or c in unhashed])
    d = row_digests(t)
    col = key_column(t.column_names)
    if col not in t.column_names or not t.num_rows:
        return TableHashes(d.whole(), {})
    return TableHashes(*d.grouped(_unit_keys(t, col)))  # a missing code groups as "None"


def _unit_keys(t: pa.Table, col: str) -> Any:
    """Each row's unit key: ``"<schema>:<code>"`` when the table has ``unit_schema`` (codes are re-used across
    eras), the code alone where the schema is empty or the table has none."""
    import pyarrow.compute as pc

    code = t.column(col)
    if col != "unit_code" or "unit_schema" not in t.column_names:
        return code
    schema = pc.fill_null(pc.cast(t.column("unit_schema"), pa.string()), "")
    joined = pc.binary_join_element_wise(
        schema, pc.cast(code, pa.string()), ":", null_handling="replace", null_replacement="None"
    )
    return pc.replace_substring_regex(joined, pattern="^:", replacement="")


def _read(path: Path, name: str) -> tuple[str, pd.DataFrame | pa.Table | None]:
    """(sha256 of the bytes read, the table parsed from those very bytes); ("missing", None) without the file."""
    import hashlib
    import io

    try:
        raw = path.read_bytes()
    except FileNotFoundError:
        return "missing", None
    sha = hashlib.sha256(raw).hexdigest()
    if products.BY_NAME[name].fmt == "csv":
        return sha, pd.read_csv(io.BytesIO(raw), dtype=str, keep_default_na=False)
    import pyarrow.parquet as pq

    return sha, pq.read_table(pa.BufferReader(raw))


def _size(path: Path) -> int:
    try:
        return path.stat().st_size
    except OSError:
        return 0


def file_hashes(data: Path, shas: dict[str, str], names: tuple[str, ...] = tuple(TABLES)) -> dict[str, TableHashes]:
    """:class:`TableHashes` of each of ``names`` (default: all of :data:`TABLES`) in DATA; ``shas``: each file
    name's sha256 (or "missing").

    Tables whose file has the sha256 the cache holds are not read; the cache keeps what it held for the others."""
    path = loc.interim_dir(data) / "input_hashes.json"
    try:
        cached = json.loads(path.read_text(encoding="utf-8"))
        cached = cached["tables"] if cached.get("format") == CACHE_FORMAT else {}
    except (OSError, ValueError, KeyError, AttributeError, TypeError):
        cached = {}
    out: dict[str, TableHashes] = {}
    read: dict[str, str] = {}
    todo = []
    for name in names:
        file = TABLES[name]
        sha = shas.get(file, "missing")
        hit = cached.get(name)
        if sha == "missing":  # no file (continuity.parquet of an older model stage, no quality.csv): nothing to read
            out[name], read[name] = TableHashes(EMPTY, {}), sha
        elif isinstance(hit, dict) and hit.get("sha") == sha:
            out[name], read[name] = TableHashes(hit["whole"], hit["slices"]), sha
        else:
            todo.append(name)

    def work(name: str) -> tuple[str, str, TableHashes]:
        sha, table = _read(data / TABLES[name], name)  # kept under the sha256 of what was read
        return name, sha, table_hashes(table, products.BY_NAME[name].unhashed)

    # reading, digesting and hashing release the GIL for the most part: two tables at a time, the largest first
    todo.sort(key=lambda n: -_size(data / TABLES[n]))
    if todo:
        with ThreadPoolExecutor(max_workers=min(2, len(todo))) as pool:
            for name, sha, hashes in pool.map(work, todo):
                out[name], read[name] = hashes, sha
    store = {name: hit for name, hit in cached.items() if name in TABLES and name not in names}
    store.update({name: {"sha": read[name], "whole": out[name].whole, "slices": out[name].slices} for name in names})
    if store != cached:
        from motcua.files import atomic_write_text

        try:
            atomic_write_text(path, json.dumps({"format": CACHE_FORMAT, "tables": store}))
        except OSError:
            pass
    return out


#: The tables final once the clean stage has run: hashed while the model stage runs (:func:`hash_in_background`).
CLEAN_TABLES = ("panel", "quality", "par")


def hash_in_background(data: Path, names: tuple[str, ...] = CLEAN_TABLES) -> Thread:
    """Start hashing ``names`` of DATA into the cache on a thread of this process, for the render stage's planning
    to find (a one-unit fix at 700 units: about 0.2 s less on its critical path, as the model stage runs meanwhile).
    The caller joins the thread before planning; a failure only means planning hashes the tables itself."""
    from threading import Thread

    from motcua.files import sha256_file

    def work() -> None:
        try:
            shas = {
                TABLES[n]: sha256_file(data / TABLES[n]) if (data / TABLES[n]).exists() else "missing" for n in names
            }
            file_hashes(data, shas, names)
        except Exception:  # noqa: BLE001 - an optimisation only
            pass

    t = Thread(target=work, name="motcua-prehash", daemon=True)
    t.start()
    return t
